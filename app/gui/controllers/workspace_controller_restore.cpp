// WorkspaceController: opening a workspace and restoring it (the dataset, the ended training runs
// in the Runs tab, the runs of the comparison, the imported sets they used and the view).

#include "controllers/workspace_controller.h"

#include "dataset_context.h"
#include "embedding_set_store.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "metrics_table_model.h"
#include "run_store.h"
#include "training_runs_model.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace embtune::gui {

namespace {

const QString kViewStateKey = QStringLiteral("window"); // workspace view-state key
const QString kImportPrefix = QStringLiteral("import:");

} // namespace

bool WorkspaceController::openWorkspaceFolder(const QString &folder, bool create)
{
    const QString title = create ? tr("Cannot create the workspace") : tr("Cannot open the workspace");
    closeWorkspace();
    if (const QString error = m_session->open(folder, create); !error.isEmpty()) {
        m_ctx.feedback->showError(title, error);
        updateActions();
        return false;
    }
    const QString path = m_session->folder();
    addRecentWorkspace(path);
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(QStringLiteral("session/workspace"), path);
    useWorkspaceForGeneratedSets(true);
    updateActions();
    emit workspaceOpened(path);

    QString error;
    const QList<WorkspaceSession::StoredRun> runs = m_session->storedRuns(&error);
    if (!error.isEmpty())
        m_ctx.feedback->showError(tr("Cannot read the workspace"), error);
    const QJsonObject view =
        QJsonDocument::fromJson(m_session->viewState(kViewStateKey).value_or(QString()).toUtf8()).object();
    QString datasetPath = view.value(QStringLiteral("dataset")).toString();
    if (datasetPath.isEmpty() && !runs.isEmpty())
        datasetPath = runs.last().datasetPath;
    const int interrupted = listEndedTrainingRuns(runs);

    if (datasetPath.isEmpty() || !QFileInfo(datasetPath).isDir()) {
        if (!datasetPath.isEmpty())
            m_ctx.feedback->showError(tr("Cannot restore the workspace"),
                                      tr("%1: the dataset folder of the workspace is missing.")
                                          .arg(QDir::toNativeSeparators(datasetPath)));
        m_ctx.feedback->showStatus(
            tr("Workspace %1 is open: runs are recorded in it.").arg(QDir::toNativeSeparators(path)));
        emit workspaceRestored(path);
        return true;
    }
    m_pendingRuns = runs;
    m_pendingView = view;
    m_restorePending = true;
    QString embeddingsPath = view.value(QStringLiteral("embeddingsPath")).toString();
    if (!embeddingsPath.isEmpty() && !QFileInfo(embeddingsPath).exists())
        embeddingsPath.clear();
    emit datasetWanted(datasetPath, view.value(QStringLiteral("embeddingsKey")).toString(), embeddingsPath);
    if (!m_ctx.jobs->isBusy()) { // the load did not start; the error was shown
        m_restorePending = false;
        m_pendingRuns.clear();
        return true; // the workspace is open
    }
    if (interrupted > 0)
        m_ctx.feedback->showStatus(
            tr("%1 run(s) of the workspace were interrupted (the application ended during the run).").arg(interrupted));
    return true;
}

int WorkspaceController::listEndedTrainingRuns(const QList<WorkspaceSession::StoredRun> &runs)
{
    // Interrupted runs (and runs that failed or were cancelled) are listed in the Runs tab.
    int interrupted = 0;
    for (const WorkspaceSession::StoredRun &run : runs) {
        if (run.record.status == app::RunStatus::Finished)
            continue;
        widgets::TrainingRunRow row;
        row.key = QStringLiteral("workspace:%1").arg(run.id);
        if (m_ctx.trainingRuns->find(row.key))
            continue;
        row.name = QStringLiteral("%1 (run %2)").arg(fromStd(run.record.methodId)).arg(run.id);
        row.description = tr("Recorded in the workspace: method %1, parameters %2, seed %3")
                              .arg(fromStd(run.record.methodId), fromStd(run.record.paramsJson))
                              .arg(run.record.seed);
        switch (run.record.status) {
        case app::RunStatus::Interrupted:
            ++interrupted;
            row.status = widgets::TrainingRunRow::Status::Failed;
            row.message = tr("interrupted: the application ended during the run");
            break;
        case app::RunStatus::Cancelled:
            row.status = widgets::TrainingRunRow::Status::Cancelled;
            row.message = fromStd(run.record.errorMessage).isEmpty() ? tr("cancelled")
                                                                     : fromStd(run.record.errorMessage);
            break;
        case app::RunStatus::Failed:
            row.status = widgets::TrainingRunRow::Status::Failed;
            row.message = fromStd(run.record.errorMessage);
            break;
        default:
            continue; // queued or running in another process: cannot be, the lock is ours
        }
        m_ctx.trainingRuns->addRun(row);
    }
    return interrupted;
}

void WorkspaceController::restoreWorkspaceRuns()
{
    if (!m_restorePending)
        return;
    m_restorePending = false;
    QList<WorkspaceSession::StoredRun> runs;
    const QString datasetPath = QDir(m_ctx.dataset->path()).canonicalPath();
    m_pendingImports.clear();
    for (const WorkspaceSession::StoredRun &run : std::as_const(m_pendingRuns))
        if (run.record.status == app::RunStatus::Finished && QDir(run.datasetPath).canonicalPath() == datasetPath) {
            runs << run;
            if (run.embeddingsKey.startsWith(kImportPrefix) &&
                !m_pendingImports.contains(run.embeddingsKey.mid(kImportPrefix.size())))
                m_pendingImports << run.embeddingsKey.mid(kImportPrefix.size());
        }
    m_pendingRuns.clear();
    auto *watcher = new QFutureWatcher<QList<WorkspaceSession::StoredRun>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, dataset = m_ctx.dataset->dataset()] {
        QList<WorkspaceSession::StoredRun> loaded = watcher->result();
        watcher->deleteLater();
        if (dataset == m_ctx.dataset->dataset())
            addRestoredRuns(std::move(loaded));
    });
    watcher->setFuture(m_session->loadResults(runs, m_ctx.dataset->dataset()));
}

void WorkspaceController::addRestoredRuns(QList<WorkspaceSession::StoredRun> loaded)
{
    // Table order as saved (runs the view state does not list follow, in id order).
    QStringList order;
    for (const QJsonValue &value : m_pendingView.value(QStringLiteral("runOrder")).toArray())
        order << value.toString();
    std::stable_sort(loaded.begin(), loaded.end(), [&order](const auto &a, const auto &b) {
        const auto rank = [&order](const QString &key) {
            const qsizetype at = order.indexOf(key);
            return at < 0 ? order.size() : at;
        };
        return rank(a.key) < rank(b.key);
    });
    m_restoring = true;
    QStringList problems;
    QHash<QString, QString> setOfRun; // run key -> EmbeddingSetStore key of the set it searched
    for (const WorkspaceSession::StoredRun &run : std::as_const(loaded)) {
        if (!run.report) {
            problems << tr("run %1 (%2): %3").arg(run.id).arg(run.name, run.problem);
            continue;
        }
        RunRecord record;
        record.name = run.name;
        record.description = run.description;
        record.reportJson = run.reportJson;
        record.specJson = fromStd(run.record.specJson);
        record.report = run.report;
        record.tuned = run.tuned;
        if (run.record.methodId != "none" && run.record.methodId != "bm25") {
            record.methodId = fromStd(run.record.methodId);
            const QJsonObject params =
                QJsonDocument::fromJson(QByteArray::fromStdString(run.record.paramsJson)).object();
            for (auto param = params.begin(); param != params.end(); ++param)
                record.params[param.key().toStdString()] = param.value().toString().toStdString();
        }
        QString key = run.key;
        if (key.startsWith(QStringLiteral("train:"))) {
            // Keep the key (the saved view names it) unless taken; new runs count on from it.
            const int number = key.mid(6).toInt();
            if (number <= 0 || m_ctx.runs->contains(key)) {
                key = m_ctx.runs->newTrainedRunKey();
            } else {
                // newTrainedRunKey() skips the keys in the store; `key` is not in it yet.
                QString issued;
                do
                    issued = m_ctx.runs->newTrainedRunKey();
                while (issued != key && issued.mid(6).toInt() < number);
            }
        } else if (key.isEmpty()) {
            key = m_ctx.runs->newTrainedRunKey();
        }
        m_ctx.runs->add(key, std::move(record), run.split);
        m_runHandles.insert(key, run.handle);
        if (!run.embeddingsKey.isEmpty())
            setOfRun.insert(key, run.embeddingsKey);
    }
    const QJsonObject view = std::exchange(m_pendingView, QJsonObject());
    applyViewState(view);
    m_restoring = false;
    if (!problems.isEmpty())
        m_ctx.feedback->showError(tr("Some runs could not be restored"), problems.join(QLatin1Char('\n')));
    m_ctx.feedback->showStatus(tr("Workspace %1: %2 run(s) restored")
                                   .arg(QDir::toNativeSeparators(m_session->folder()))
                                   .arg(m_ctx.runs->metricsModel()->runCount()));
    updateActions();
    // Then, one job at a time, the embeddings of the saved view (imported by the dataset load)
    // and every other imported set the runs used; the saved set is selected at the end.
    const QString savedKey = view.value(QStringLiteral("embeddingsKey")).toString();
    disconnect(m_restoreStep);
    m_importing = true;
    // busyChanged(false) comes before the job's result is handled: step in the next turn.
    m_restoreStep = connect(m_ctx.jobs, &JobRunner::busyChanged, this, [this, savedKey, setOfRun](bool busy) {
        if (!busy)
            QTimer::singleShot(0, this, [this, savedKey, setOfRun] { restoreStep(savedKey, setOfRun); });
    });
    restoreStep(savedKey, setOfRun);
}

void WorkspaceController::restoreStep(const QString &savedKey, const QHash<QString, QString> &setOfRun)
{
    if (m_ctx.jobs->isBusy() || !m_importing)
        return;
    while (!m_pendingImports.isEmpty()) {
        const QString folder = m_pendingImports.takeFirst();
        if (m_ctx.sets->find(kImportPrefix + folder) || !QFileInfo(folder).isDir())
            continue;
        emit importRequested(folder);
        if (m_ctx.jobs->isBusy())
            return; // busyChanged(false) brings the next step
    }
    disconnect(m_restoreStep);
    m_importing = false;
    // The restored runs get the sets they searched back (the analysis view needs them).
    for (auto it = setOfRun.begin(); it != setOfRun.end(); ++it) {
        RunRecord *run = m_ctx.runs->findMutable(it.key());
        if (run && !run->base) {
            run->base = m_ctx.sets->loaded(it.value());
            if (run->base)
                m_ctx.runs->notifyChanged(it.key());
        }
    }
    if (!savedKey.isEmpty())
        m_ctx.sets->select(savedKey);
    emit workspaceRestored(m_session->folder());
}

} // namespace embtune::gui
