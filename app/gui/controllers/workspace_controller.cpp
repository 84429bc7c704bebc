#include "controllers/workspace_controller.h"

#include "gui_actions.h"
#include "folder_kinds.h"

#include "dataset_context.h"
#include "embedding_set_list_model.h"
#include "embedding_set_store.h"
#include "feedback.h"
#include "generated_set_list.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/training_queue.h"
#include "metrics_table_model.h"
#include "run/run_spec.h"
#include "run_store.h"
#include "training_runs_model.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QUndoStack>

#include <utility>

namespace embtune::gui {

namespace {

constexpr int kMaxRecentWorkspaces = 8;
constexpr int kViewStateDelayMs = 400;

namespace key {
const QString sessionWorkspace = QStringLiteral("session/workspace");
const QString viewState = QStringLiteral("window"); // workspace view-state key
} // namespace key

// An undo step made of two functions.
class FunctionCommand : public QUndoCommand {
public:
    FunctionCommand(const QString &text, std::function<void()> redo, std::function<void()> undo)
        : QUndoCommand(text)
        , m_redo(std::move(redo))
        , m_undo(std::move(undo))
    {
    }
    void redo() override { m_redo(); }
    void undo() override { m_undo(); }

private:
    std::function<void()> m_redo, m_undo;
};

QString paramsJson(const std::map<std::string, std::string> &params)
{
    QJsonObject object;
    for (const auto &[name, value] : params)
        object.insert(fromStd(name), fromStd(value));
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

const QStringList kSplitters{QStringLiteral("mainSplitter"), QStringLiteral("resultsSplitter"),
                             QStringLiteral("chartSplitter")};

} // namespace

WorkspaceController::WorkspaceController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    m_session = new WorkspaceSession(this);
    m_undo = new QUndoStack(this);
    m_viewTimer = new QTimer(this);
    m_viewTimer->setSingleShot(true);
    m_viewTimer->setInterval(kViewStateDelayMs);
    connect(m_viewTimer, &QTimer::timeout, this, &WorkspaceController::saveViewState);
    connect(m_session, &WorkspaceSession::writeFailed, this,
            [this](const QString &message) { m_ctx.feedback->showError(tr("Workspace"), message); });
    createActions();

    // Recording.
    connect(m_ctx.runs, &RunStore::runAdded, this, &WorkspaceController::recordAddedRun);
    connect(m_ctx.trainingRuns, &QAbstractItemModel::dataChanged, this, &WorkspaceController::recordTrainingStatus);
    connect(m_ctx.training, &TrainingQueue::runEnded, this, &WorkspaceController::recordEndedTraining);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &WorkspaceController::restoreWorkspaceRuns);

    // The view state: saved shortly after it changes (viewChanged() for other areas' widgets).
    connect(m_ctx.dataset, &DatasetContext::splitChanged, this, &WorkspaceController::viewChanged);
    connect(m_ctx.sets, &EmbeddingSetStore::currentChanged, this, &WorkspaceController::viewChanged);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &WorkspaceController::viewChanged);
    // An application that quits without closing the window (e.g. after --screenshot) saves it too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] {
        if (m_session->isOpen())
            saveViewState();
    });
    m_ctx.window->installEventFilter(this);

    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &WorkspaceController::updateActions);
    connect(m_ctx.training, &TrainingQueue::activeChanged, this, &WorkspaceController::updateActions);
    connect(m_ctx.runs, &RunStore::runRemoved, this, &WorkspaceController::updateActions);
    connect(m_ctx.runs, &RunStore::cleared, this, &WorkspaceController::updateActions);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &WorkspaceController::updateActions);

    if (m_ctx.options.restoreSession) {
        // Reopen the workspace open at the last exit (before the dataset session is restored).
        const QString last = m_ctx.settings->value(key::sessionWorkspace).toString();
        if (!last.isEmpty() && isWorkspaceFolder(last))
            QTimer::singleShot(0, this, [this, last] {
                if (!m_ctx.dataset->hasDataset() && !m_ctx.jobs->isBusy() && !m_session->isOpen())
                    openWorkspace(last);
            });
    }
    updateActions();
}

WorkspaceController::~WorkspaceController()
{
    m_ctx.window->removeEventFilter(this);
}

void WorkspaceController::createActions()
{
    QStyle *s = m_ctx.window->style();
    m_new = new QAction(s->standardIcon(QStyle::SP_FileDialogNewFolder), tr("&New Workspace..."), this);
    m_new->setObjectName(QStringLiteral("actionNewWorkspace"));
    m_new->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_new->setStatusTip(tr("Create a workspace folder: every run from now on is kept in it (Ctrl+Shift+N)"));
    connect(m_new, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(m_ctx.window, tr("New Workspace (an empty folder)"),
                                                              QDir::homePath());
        if (!dir.isEmpty())
            newWorkspace(dir);
    });
    m_open = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("Open &Workspace..."), this);
    m_open->setObjectName(QStringLiteral("actionOpenWorkspace"));
    m_open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_open->setStatusTip(tr("Reopen a workspace with its dataset, embeddings, runs and view (Ctrl+Shift+O)"));
    connect(m_open, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(m_ctx.window, tr("Open Workspace"), QDir::homePath());
        if (!dir.isEmpty())
            openWorkspace(dir);
    });
    m_saveAs = new QAction(tr("&Save Runs to Workspace..."), this);
    m_saveAs->setObjectName(QStringLiteral("actionSaveToWorkspace"));
    m_saveAs->setStatusTip(tr("Keep the runs of the comparison: create a workspace holding them and keep "
                              "recording into it"));
    connect(m_saveAs, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            m_ctx.window, tr("Save Runs to a New Workspace (an empty folder)"), QDir::homePath());
        if (!dir.isEmpty())
            saveRunsToWorkspace(dir);
    });
    m_close = new QAction(tr("&Close Workspace"), this);
    m_close->setObjectName(QStringLiteral("actionCloseWorkspace"));
    m_close->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m_close->setStatusTip(tr("Close the workspace (everything is already saved) (Ctrl+Shift+W)"));
    connect(m_close, &QAction::triggered, this, &WorkspaceController::closeWorkspace);
    m_recent = new QMenu(tr("Open Recent Wor&kspace"), m_ctx.window);
    m_recent->setObjectName(QStringLiteral("recentWorkspacesMenu"));
    connect(m_recent, &QMenu::aboutToShow, this, &WorkspaceController::rebuildRecentMenu);

    m_undoAction = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setObjectName(QStringLiteral("actionUndo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setObjectName(QStringLiteral("actionRedo"));
    m_redoAction->setShortcut(QKeySequence::Redo);

    // Undoable removal of runs; Delete removes the selected run (in the widgets that add the action).
    m_removeRun = new QAction(tr("Remove &Run"), this);
    m_removeRun->setObjectName(QStringLiteral("actionRemoveRun"));
    const QString removeTip = tr("Remove the selected run from the comparison (and the workspace); Edit > Undo "
                                 "brings it back (Del)");
    m_removeRun->setToolTip(removeTip);
    m_removeRun->setStatusTip(tr("Remove the selected run from the comparison"));
    m_removeRun->setShortcut(QKeySequence::Delete);
    m_removeRun->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_removeRun, &QAction::triggered, this, [this] { removeRun(m_ctx.runs->currentKey()); });
}

void WorkspaceController::updateActions()
{
    const bool idle = !m_ctx.jobs->isBusy() && !m_ctx.training->isActive();
    const bool open = m_session->isOpen();
    m_new->setEnabled(idle);
    m_open->setEnabled(idle);
    m_recent->setEnabled(idle);
    m_close->setEnabled(idle && open);
    m_saveAs->setEnabled(idle && !open && !m_ctx.runs->metricsModel()->isEmpty());
    m_removeRun->setEnabled(!m_ctx.runs->currentKey().isEmpty());
}

QString WorkspaceController::workspaceFolder() const
{
    return m_session->folder();
}

void WorkspaceController::addRecentWorkspace(const QString &folder)
{
    if (!m_ctx.options.saveSettings)
        return;
    addRecentFolder(*m_ctx.settings, kRecentWorkspacesSetting, folder, kMaxRecentWorkspaces);
}

void WorkspaceController::rebuildRecentMenu()
{
    m_recent->clear();
    const QStringList recent = m_ctx.settings->value(kRecentWorkspacesSetting).toStringList();
    int number = 1;
    for (const QString &dir : recent) {
        QAction *action = m_recent->addAction(QStringLiteral("&%1 %2").arg(number++).arg(QDir::toNativeSeparators(dir)),
                                              this, [this, dir] { openWorkspace(dir); });
        action->setEnabled(isWorkspaceFolder(dir));
    }
    if (recent.isEmpty())
        m_recent->addAction(tr("(none)"))->setEnabled(false);
    m_recent->addSeparator();
    QAction *clear =
        m_recent->addAction(tr("&Clear Menu"), this, [this] { m_ctx.settings->remove(kRecentWorkspacesSetting); });
    clear->setEnabled(!recent.isEmpty());
}

bool WorkspaceController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_ctx.window || event->type() != QEvent::Close || !m_session->isOpen())
        return false;
    saveViewState();
    // Runs still queued or running are cancelled by the window: record it.
    for (auto it = m_trainingHandles.cbegin(); it != m_trainingHandles.cend(); ++it)
        m_session->endRun(it.value(), app::RunStatus::Cancelled, tr("the window was closed during the run"));
    m_trainingHandles.clear();
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(key::sessionWorkspace, m_session->folder());
    m_session->waitForWrites();
    return false;
}

// ---------------------------------------------------------------------------------------------
// Open, create, close

bool WorkspaceController::newWorkspace(const QString &folder)
{
    const QString title = tr("Cannot create the workspace");
    if (refuseChangeWhileBusy(m_ctx, title))
        return false;
    const QDir dir(folder);
    if (dir.exists() && !dir.isEmpty()) {
        m_ctx.feedback->showError(title, tr("%1: the folder is not empty; choose an empty or new folder.")
                                             .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    return openWorkspaceFolder(folder, true);
}

bool WorkspaceController::openWorkspace(const QString &folder)
{
    const QString title = tr("Cannot open the workspace");
    if (refuseChangeWhileBusy(m_ctx, title))
        return false;
    return openWorkspaceFolder(folder, false);
}

void WorkspaceController::useWorkspaceForGeneratedSets(bool use)
{
    if (use)
        // Generated query sets live in the open workspace from now on.
        m_ctx.generatedSets->store().setWorkspaceAccess([this]() -> app::Workspace * {
            return m_session->isOpen() ? m_session->workspaceForSyncUse() : nullptr;
        });
    else
        m_ctx.generatedSets->store().setWorkspaceAccess({}); // back to the data folder
    if (engine::Status listed = m_ctx.generatedSets->refresh(); !listed)
        m_ctx.feedback->showError(tr("Cannot list generated query sets"), fromStd(listed.error().toString()));
}

void WorkspaceController::closeWorkspace()
{
    if (!m_session->isOpen())
        return;
    saveViewState();
    m_session->close();
    m_undo->clear();
    m_runHandles.clear();
    m_trainingHandles.clear();
    m_trainingDatasets.clear();
    m_trained.clear();
    m_trainingRunning.clear();
    m_pendingRuns.clear();
    m_pendingImports.clear();
    disconnect(m_restoreStep);
    QStringList listed; // the workspace's ended runs listed in the Runs tab
    for (const widgets::TrainingRunRow &row : m_ctx.trainingRuns->rows())
        if (row.key.startsWith(QStringLiteral("workspace:")))
            listed << row.key;
    for (const QString &runKey : listed)
        m_ctx.trainingRuns->removeRun(runKey);
    m_importing = false;
    m_restorePending = false;
    if (m_ctx.options.saveSettings)
        m_ctx.settings->remove(key::sessionWorkspace);
    updateActions();
    useWorkspaceForGeneratedSets(false);
    emit workspaceClosed();
}

bool WorkspaceController::saveRunsToWorkspace(const QString &folder)
{
    const QString title = tr("Cannot save the runs to a workspace");
    if (refuseChangeWhileBusy(m_ctx, title))
        return false;
    if (m_session->isOpen()) {
        m_ctx.feedback->showError(title, tr("A workspace is open: its runs are saved already."));
        return false;
    }
    if (QDir(folder).exists() && !QDir(folder).isEmpty()) {
        m_ctx.feedback->showError(title, tr("%1: the folder is not empty; choose an empty or new folder.")
                                             .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (const QString error = m_session->open(folder, true); !error.isEmpty()) {
        m_ctx.feedback->showError(title, error);
        return false;
    }
    addRecentWorkspace(m_session->folder());
    for (const QString &runKey : m_ctx.runs->keys()) {
        const RunRecord *run = m_ctx.runs->find(runKey);
        if (!run)
            continue;
        if (runKey.startsWith(QStringLiteral("train:"))) {
            QString setKey; // the EmbeddingSetStore row of the set it trained on
            for (const widgets::EmbeddingSetRow &row : m_ctx.sets->model()->rows())
                if (run->base && m_ctx.sets->loaded(row.key) == run->base)
                    setKey = row.key;
            WorkspaceSession::RunStart start =
                runStartOf(setKey, run->methodId.isEmpty() ? QStringLiteral("trained") : run->methodId);
            start.paramsJson = paramsJson(run->params);
            if (const auto seed = run->params.find("seed"); seed != run->params.end())
                start.seed = QString::fromStdString(seed->second).toLongLong();
            start.searchJson = QStringLiteral("{\"backend\":\"exact\"}");
            start.specJson = run->specJson;
            start.running = true;
            const int handle = m_session->beginRun(start);
            m_session->finishRun(handle, runResultOf(runKey, *run, fromStd(run->report->split), 0));
            m_runHandles.insert(runKey, handle);
        } else {
            recordAddedRun(runKey, fromStd(run->report->split));
        }
    }
    saveViewState();
    updateActions();
    useWorkspaceForGeneratedSets(true);
    emit workspaceOpened(m_session->folder());
    return true;
}

// ---------------------------------------------------------------------------------------------
// Recording

WorkspaceSession::RunStart WorkspaceController::runStartOf(const QString &setKey, const QString &methodId) const
{
    WorkspaceSession::RunStart start;
    start.dataset = m_ctx.dataset->dataset();
    start.datasetPath = m_ctx.dataset->path();
    start.methodId = methodId;
    if (const widgets::EmbeddingSetRow *row = m_ctx.sets->find(setKey);
        row && row->origin != widgets::EmbeddingSetRow::Origin::Baseline) {
        start.embeddingsName = row->name;
        start.embeddingsKey = row->key;
        start.embeddingsSource = row->location;
        start.embedder = row->embedder;
        start.dim = row->dim;
        start.documents = row->documents;
    }
    return start;
}

WorkspaceSession::RunResult WorkspaceController::runResultOf(const QString &runKey, const RunRecord &record,
                                                             const QString &split, double trainSeconds) const
{
    WorkspaceSession::RunResult result;
    result.key = runKey;
    result.name = record.name;
    result.description = record.description;
    result.split = split;
    result.reportJson = record.reportJson;
    result.dataset = m_ctx.dataset->dataset();
    result.report = record.report;
    result.tuned = record.tuned;
    result.trainSeconds = trainSeconds;
    result.log = record.description.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return result;
}

void WorkspaceController::recordAddedRun(const QString &key, const QString &split)
{
    updateActions();
    if (!m_session->isOpen() || m_restoring || key.startsWith(QStringLiteral("train:")))
        return;
    const RunRecord *run = m_ctx.runs->find(key);
    if (!run || !run->report)
        return;
    if (const int replaced = m_runHandles.take(key))
        m_session->deleteRun(replaced); // the same set and split evaluated again
    const QString setKey = RunStore::setKeyOfEvaluation(key);
    const bool bm25 = setKey == EmbeddingSetStore::bm25Key();
    const bool fused = run->methodId == QStringLiteral("fusion");
    WorkspaceSession::RunStart start =
        runStartOf(setKey, fused ? run->methodId : bm25 ? QStringLiteral("bm25") : QStringLiteral("none"));
    QJsonObject search{{QStringLiteral("backend"), run->hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact")}};
    if (fused) {
        search = QJsonObject{{QStringLiteral("backend"), QStringLiteral("fusion")}};
    } else if (bm25) {
        search = QJsonObject{{QStringLiteral("backend"), QStringLiteral("bm25")},
                             {QStringLiteral("k1"), 0.9},
                             {QStringLiteral("b"), 0.4}};
    } else if (run->hnsw) {
        search.insert(QStringLiteral("m"), int(run->hnsw->parameters.m));
        search.insert(QStringLiteral("ef_construction"), int(run->hnsw->parameters.efConstruction));
        search.insert(QStringLiteral("ef_search"), int(run->hnsw->parameters.efSearch));
        search.insert(QStringLiteral("seed"), qint64(run->hnsw->parameters.seed));
        search.insert(QStringLiteral("build_seconds"), run->hnsw->buildSeconds);
        search.insert(QStringLiteral("ann_recall@10"), run->hnsw->annRecallAt(10));
        start.seed = qint64(run->hnsw->parameters.seed);
    }
    start.searchJson = QString::fromUtf8(QJsonDocument(search).toJson(QJsonDocument::Compact));
    start.specJson = run->specJson;
    start.running = true;
    const int handle = m_session->beginRun(start);
    m_session->finishRun(handle, runResultOf(key, *run, split, 0));
    m_runHandles.insert(key, handle);
}

void WorkspaceController::recordQueuedTraining(const QString &trainingKey)
{
    updateActions();
    if (!m_session->isOpen())
        return;
    const engine::RunSpec *spec = m_ctx.training->specOf(trainingKey);
    if (!spec)
        return;
    // TrainingController::train queues a run on the selected set and emits trainingQueued at once.
    WorkspaceSession::RunStart start = runStartOf(m_ctx.sets->currentKey(), fromStd(spec->method));
    start.searchJson = QStringLiteral("{\"backend\":\"exact\"}");
    start.specJson = fromStd(engine::runSpecToJson(*spec));
    const int handle = m_session->beginRun(start);
    m_trainingHandles.insert(trainingKey, handle);
    m_trainingDatasets.insert(trainingKey, m_ctx.dataset->dataset());
    if (const widgets::TrainingRunRow *row = m_ctx.trainingRuns->find(trainingKey);
        row && row->status == widgets::TrainingRunRow::Status::Running) {
        m_session->markRunning(handle);
        m_trainingRunning.insert(trainingKey);
    }
}

void WorkspaceController::recordTrainingStatus()
{
    for (auto it = m_trainingHandles.cbegin(); it != m_trainingHandles.cend(); ++it) {
        const widgets::TrainingRunRow *row = m_ctx.trainingRuns->find(it.key());
        if (row && row->status == widgets::TrainingRunRow::Status::Running && !m_trainingRunning.contains(it.key())) {
            m_trainingRunning.insert(it.key());
            m_session->markRunning(it.value());
        }
    }
}

void WorkspaceController::recordEndedTraining(const QString &trainingKey, const TrainJobResult &result)
{
    updateActions();
    const int handle = m_trainingHandles.value(trainingKey);
    if (!handle)
        return;
    m_trainingRunning.remove(trainingKey);
    if (!result.ok()) {
        m_trainingHandles.remove(trainingKey);
        m_trainingDatasets.remove(trainingKey);
        m_session->endRun(handle, result.cancelled() ? app::RunStatus::Cancelled : app::RunStatus::Failed,
                          result.cancelled() ? QString() : fromStd(result.error->toString()));
        return;
    }
    const TrainedRun &trained = *result.value;
    qint64 seed = 0;
    if (const auto it = trained.params.find("seed"); it != trained.params.end())
        seed = QString::fromStdString(it->second).toLongLong();
    m_session->setParameters(handle, paramsJson(trained.params), seed);
    if (m_trainingDatasets.value(trainingKey) == m_ctx.dataset->dataset()) {
        m_trained.insert(trainingKey, result); // recorded when its run joins the RunStore
        return;
    }
    // The dataset changed meanwhile: the run never joins the comparison; record it as it is.
    m_trainingHandles.remove(trainingKey);
    const std::shared_ptr<const engine::Dataset> dataset = m_trainingDatasets.take(trainingKey);
    WorkspaceSession::RunResult record;
    const widgets::TrainingRunRow *row = m_ctx.trainingRuns->find(trainingKey);
    record.key = QStringLiteral("train:");
    record.name = row ? row->name : trainingKey;
    record.description = row ? row->description : QString();
    record.split = fromStd(trained.result.split);
    record.reportJson = fromStd(trained.reportJson);
    record.dataset = dataset;
    record.report = std::shared_ptr<const engine::EvaluationReport>(result.value, &trained.result);
    record.tuned = trained.tuned;
    record.trainSeconds = trained.fitSeconds;
    m_session->finishRun(handle, record);
}

void WorkspaceController::recordFinishedTraining(const QString &runKey)
{
    for (auto it = m_trained.begin(); it != m_trained.end(); ++it) {
        const widgets::TrainingRunRow *row = m_ctx.trainingRuns->find(it.key());
        if (!row || row->comparisonKey != runKey)
            continue;
        const QString trainingKey = it.key();
        const TrainJobResult result = it.value();
        m_trained.erase(it);
        const int handle = m_trainingHandles.take(trainingKey);
        m_trainingDatasets.remove(trainingKey);
        const RunRecord *run = m_ctx.runs->find(runKey);
        if (!handle || !run)
            return;
        m_session->finishRun(handle, runResultOf(runKey, *run, fromStd(result.value->result.split),
                                                 result.value->fitSeconds));
        m_runHandles.insert(runKey, handle);
        updateActions();
        return;
    }
}

// ---------------------------------------------------------------------------------------------
// View state

void WorkspaceController::viewChanged()
{
    if (m_session->isOpen() && !m_restoring)
        m_viewTimer->start();
}

void WorkspaceController::saveViewState()
{
    m_viewTimer->stop();
    if (!m_session->isOpen() || m_restoring || m_restorePending)
        return;
    QJsonObject view;
    view.insert(QStringLiteral("dataset"), m_ctx.dataset->path());
    view.insert(QStringLiteral("split"), m_ctx.dataset->split());
    view.insert(QStringLiteral("embeddingsKey"), m_ctx.sets->currentKey());
    view.insert(QStringLiteral("embeddingsPath"), m_ctx.sets->currentImportPath());
    if (m_view.tab)
        view.insert(QStringLiteral("tab"), m_view.tab());
    view.insert(QStringLiteral("runOrder"), QJsonArray::fromStringList(m_ctx.runs->keys()));
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *run = m_ctx.runs->find(runKey);
    view.insert(QStringLiteral("selectedRun"), m_ctx.runs->metricsModel()->rowOfRun(runKey));
    view.insert(QStringLiteral("selectedRunName"), run ? run->name : QString());
    if (m_view.columns)
        view.insert(QStringLiteral("columns"), m_view.columns());
    if (m_view.curves)
        view.insert(QStringLiteral("curves"), m_view.curves());
    if (m_view.splitterState)
        for (const QString &name : kSplitters)
            view.insert(name, QString::fromLatin1(m_view.splitterState(name).toBase64()));
    m_session->setViewState(key::viewState, QString::fromUtf8(QJsonDocument(view).toJson(QJsonDocument::Compact)));
}

void WorkspaceController::applyViewState(const QJsonObject &view)
{
    if (view.isEmpty())
        return;
    if (const QString split = view.value(QStringLiteral("split")).toString(); !split.isEmpty())
        m_ctx.dataset->setSplit(split);
    if (const int columns = view.value(QStringLiteral("columns")).toInt(-1); columns >= 0 && m_view.setColumns)
        m_view.setColumns(columns);
    if (const int curves = view.value(QStringLiteral("curves")).toInt(-1); curves >= 0 && m_view.setCurves)
        m_view.setCurves(curves);
    if (m_view.restoreSplitter)
        for (const QString &name : kSplitters)
            m_view.restoreSplitter(name, QByteArray::fromBase64(view.value(name).toString().toLatin1()));
    const widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    const int row = view.value(QStringLiteral("selectedRun")).toInt(-1);
    const QString name = view.value(QStringLiteral("selectedRunName")).toString();
    QString select;
    for (int i = 0; i < model->runCount(); ++i) {
        const RunRecord *run = m_ctx.runs->find(model->runKey(i));
        if ((run ? run->name : QString()) == name && (select.isEmpty() || i == row))
            select = model->runKey(i);
    }
    if (select.isEmpty() && row >= 0 && row < model->runCount())
        select = model->runKey(row);
    if (!select.isEmpty())
        m_ctx.runs->setCurrentKey(select);
    if (const int tab = view.value(QStringLiteral("tab")).toInt(-1); tab >= 0 && m_view.setTab)
        m_view.setTab(tab);
}

// ---------------------------------------------------------------------------------------------
// Undoable removal

bool WorkspaceController::removeRun(const QString &runKey)
{
    const RunRecord *found = m_ctx.runs->find(runKey);
    if (!found)
        return false;
    const RunRecord record = *found;
    const QString split = fromStd(record.report->split);
    const int handle = m_runHandles.value(runKey);
    m_undo->push(new FunctionCommand(
        tr("Remove Run %1").arg(record.name),
        [this, runKey, handle] {
            m_ctx.runs->remove(runKey);
            m_runHandles.remove(runKey);
            if (handle && m_session->isOpen())
                m_session->deleteRun(handle);
            if (m_ctx.runs->metricsModel()->isEmpty())
                m_ctx.runs->clear(tr("Evaluate (Ctrl+E) or train (Ctrl+T) to compare runs."));
            updateActions();
            if (m_session->isOpen())
                m_viewTimer->start();
        },
        [this, runKey, record, split, handle] {
            m_restoring = true;
            m_ctx.runs->add(runKey, record, split);
            m_restoring = false;
            if (handle) {
                m_runHandles.insert(runKey, handle);
                if (m_session->isOpen())
                    m_session->restoreRun(handle);
            }
            m_ctx.runs->setCurrentKey(runKey);
            updateActions();
        }));
    return true;
}

void WorkspaceController::clearRuns()
{
    const QStringList keys = m_ctx.runs->keys();
    if (keys.isEmpty())
        return;
    m_undo->beginMacro(tr("Clear %n Run(s)", nullptr, int(keys.size())));
    for (auto it = keys.crbegin(); it != keys.crend(); ++it)
        removeRun(*it); // last first: Undo adds them back in table order
    m_undo->endMacro();
}

} // namespace embtune::gui
