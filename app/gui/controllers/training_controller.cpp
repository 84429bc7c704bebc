#include "controllers/training_controller.h"

#include "gui_actions.h"
#include "base_run_spec.h"
#include "dataset_context.h"
#include "dialogs/export_dialog.h"
#include "dialogs/train_dialog.h"
#include "embedding_set_list_model.h"
#include "embedding_set_store.h"
#include "feedback.h"
#include "generated_set_list.h"
#include "generated_training.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"
#include "jobs/training_queue.h"
#include "methods/method.h"
#include "run_store.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

#include <algorithm>

namespace embtune::gui {

namespace {

const QString kMaxConcurrentRuns = QStringLiteral("runs/maxConcurrent");

using Row = widgets::EmbeddingSetRow;

// "gamma=0.1, threads=2" for the parameters that differ from the schema's defaults.
QString changedParameters(const engine::MethodSpec &spec, const std::map<std::string, std::string> &params)
{
    QStringList changed;
    for (const engine::ParamSpec &param : spec.params) {
        const auto it = params.find(param.name);
        if (it != params.end() && it->second != param.defaultValue)
            changed << QStringLiteral("%1=%2").arg(fromStd(param.name), fromStd(it->second));
    }
    return changed.isEmpty() ? TrainingController::tr("defaults") : changed.join(QStringLiteral(", "));
}

} // namespace

TrainingController::TrainingController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    m_ctx.training->setMaxConcurrent(std::clamp(m_ctx.settings->value(kMaxConcurrentRuns, 1).toInt(), 1,
                                                widgets::TrainingRunsPanel::kMaxConcurrentLimit));
    connect(m_ctx.training, &TrainingQueue::runEnded, this, &TrainingController::onTrainingEnded);
    connect(m_ctx.training, &TrainingQueue::activeChanged, this, &TrainingController::updateActions);
    createActions();

    m_panel = new widgets::TrainingRunsPanel(m_ctx.window);
    m_panel->setObjectName(QStringLiteral("runsPanel"));
    m_panel->setModel(m_ctx.trainingRuns);
    m_panel->setMaxConcurrent(m_ctx.training->maxConcurrent());
    m_panel->toolBar()->addAction(m_train);
    m_panel->toolBar()->addAction(m_clearEnded);
    connect(m_panel, &widgets::TrainingRunsPanel::cancelRequested, this, &TrainingController::cancelTraining);
    connect(m_panel, &widgets::TrainingRunsPanel::maxConcurrentChanged, this,
            &TrainingController::setMaxConcurrentRuns);
    connect(m_panel, &widgets::TrainingRunsPanel::runActivated, this, [this](const QString &key) {
        if (const widgets::TrainingRunRow *row = m_ctx.trainingRuns->find(key); row && !row->comparisonKey.isEmpty())
            m_ctx.runs->setCurrentKey(row->comparisonKey);
    });
    connect(m_ctx.trainingRuns, &QAbstractItemModel::rowsRemoved, this, &TrainingController::updateActions);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &TrainingController::updateActions);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &TrainingController::updateActions);
    connect(m_ctx.dataset, &DatasetContext::splitChanged, this, &TrainingController::updateActions);
    connect(m_ctx.sets, &EmbeddingSetStore::currentChanged, this, &TrainingController::updateActions);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &TrainingController::updateActions);
    updateActions();
}

void TrainingController::createActions()
{
    QStyle *s = m_ctx.window->style();
    auto make = [this](const QIcon &icon, const QString &text, const QString &name, const QString &tip) {
        return makeAction(this, icon, text, name, tip);
    };
    m_train = make(s->standardIcon(QStyle::SP_MediaSeekForward), tr("&Train..."), QStringLiteral("actionTrain"),
                   tr("Tune the selected embeddings with a method (NUDGE-N, NUDGE-M, ...) on train/dev queries "
                      "and compare with the baseline (Ctrl+T)"));
    m_train->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_train, &QAction::triggered, this, &TrainingController::showTrainDialog);

    m_clearEnded = make(QIcon(), tr("Clear &Ended Training Runs"), QStringLiteral("actionClearEndedRuns"),
                        tr("Remove finished, cancelled and failed runs from the Runs tab (their results "
                           "stay in the comparison)"));
    connect(m_clearEnded, &QAction::triggered, this, [this] { m_ctx.trainingRuns->removeEnded(); });

    m_exportTuned = make(s->standardIcon(QStyle::SP_DialogSaveButton), tr("Export T&uned Vectors..."),
                         QStringLiteral("actionExportTuned"),
                         tr("Write the tuned document and query vectors of the selected run in any format"));
    connect(m_exportTuned, &QAction::triggered, this, &TrainingController::chooseExportTuned);
}

void TrainingController::updateActions()
{
    const bool busy = m_ctx.jobs->isBusy();
    const Row *row = m_ctx.sets->currentRow();
    const bool hasVectors = row && row->origin != Row::Origin::Baseline;
    const RunRecord *run = m_ctx.runs->find(m_ctx.runs->currentKey());
    m_train->setEnabled(!busy && m_ctx.dataset->hasDataset() && hasVectors && !m_ctx.dataset->split().isEmpty());
    m_exportTuned->setEnabled(!busy && run && run->tuned != nullptr);
    m_clearEnded->setEnabled(m_ctx.trainingRuns->rowCount() > m_ctx.trainingRuns->activeCount());
}

void TrainingController::setMaxConcurrentRuns(int runs)
{
    runs = std::clamp(runs, 1, widgets::TrainingRunsPanel::kMaxConcurrentLimit);
    m_ctx.training->setMaxConcurrent(runs);
    m_panel->setMaxConcurrent(runs);
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(kMaxConcurrentRuns, runs);
}

int TrainingController::maxConcurrentRuns() const
{
    return m_ctx.training->maxConcurrent();
}

bool TrainingController::hasActiveTraining() const
{
    return m_ctx.training->isActive();
}

void TrainingController::showTrainDialog()
{
    const QString title = tr("Cannot train");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return;
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        m_ctx.feedback->showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 has none)."));
        return;
    }
    QStringList splits;
    splits = m_ctx.dataset->splits();
    QList<QPair<QString, QString>> experts;
    for (const Row &other : m_ctx.sets->model()->rows())
        if (other.origin != Row::Origin::Baseline && other.key != row->key)
            experts.append({other.key, QStringLiteral("%1 (%2, %3-d)").arg(other.name, other.embedder).arg(other.dim)});
    auto *dialog = new TrainDialog(m_ctx.dataset->path(), splits, m_ctx.dataset->split(), row->name, experts, m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString lastMethod = m_ctx.settings->value(QStringLiteral("train/method")).toString();
    if (!lastMethod.isEmpty())
        dialog->setMethod(lastMethod);
    dialog->setTrainingQueries(m_ctx.generatedSets->names(), generatedTrainingProblem(row));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        TrainRequest request;
        request.methodId = dialog->methodId();
        request.params = dialog->params();
        request.trainQueriesFile = dialog->trainQueriesFile();
        request.devQueriesFile = dialog->devQueriesFile();
        request.split = dialog->split();
        request.expertKeys = dialog->expertKeys();
        request.generatedSet = dialog->generatedSet();
        request.withLabelled = dialog->labelledQueries();
        if (m_ctx.options.saveSettings)
            m_ctx.settings->setValue(QStringLiteral("train/method"), request.methodId);
        train(request);
    });
    dialog->open();
}

bool TrainingController::train(const TrainRequest &request)
{
    const QString title = tr("Cannot train");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        m_ctx.feedback->showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 has none)."));
        return false;
    }
    const engine::Method *method = engine::findMethod(request.methodId.toStdString());
    if (!method) {
        QStringList known;
        for (const engine::Method *m : engine::registeredMethods())
            known << fromStd(m->spec().id);
        m_ctx.feedback->showError(title, tr("Unknown method \"%1\" (known: %2).").arg(request.methodId, known.join(QStringLiteral(", "))));
        return false;
    }
    if (auto params = engine::ParamValues::parse(method->spec(), request.params); !params) {
        m_ctx.feedback->showError(title, fromStd(params.error().toString()));
        return false;
    }
    const QString trainFile = request.trainQueriesFile.isEmpty()
                                  ? TrainDialog::defaultQueryFile(m_ctx.dataset->path(), QStringLiteral("train"))
                                  : request.trainQueriesFile;
    const QString devFile = request.devQueriesFile.isEmpty()
                                ? TrainDialog::defaultQueryFile(m_ctx.dataset->path(), QStringLiteral("dev"))
                                : request.devQueriesFile;
    if (request.generatedSet.isEmpty() && (trainFile.isEmpty() || devFile.isEmpty())) {
        m_ctx.feedback->showError(title, tr("Choose the train and dev query files (the dataset has no splits/train.txt and "
                            "splits/dev.txt)."));
        return false;
    }
    const QString split = request.split.isEmpty() ? m_ctx.dataset->split() : request.split;
    if (!m_ctx.dataset->dataset()->split(split.toStdString())) {
        m_ctx.feedback->showError(title, tr("The dataset has no split \"%1\".").arg(split));
        return false;
    }

    RunRequest run;
    run.spec = baseRunSpec(m_ctx, row->key, split, nullptr);
    run.dataset = m_ctx.dataset->dataset();
    run.source = m_ctx.sets->sourceOf(row->key);
    QStringList expertNames;
    for (const QString &key : request.expertKeys) {
        const Row *expert = m_ctx.sets->find(key);
        if (!expert || expert->origin == Row::Origin::Baseline) {
            m_ctx.feedback->showError(title, tr("Expert \"%1\" is not an embedding set with vectors of this dataset.").arg(key));
            return false;
        }
        run.experts.push_back(m_ctx.sets->sourceOf(key));
        run.spec.experts.push_back(localPath(expert->location));
        expertNames << expert->name;
    }
    run.spec.method = request.methodId.toStdString();
    run.spec.params = request.params;
    run.spec.trainQueries = localPath(trainFile);
    run.spec.devQueries = localPath(devFile);
    QString generatedNote;
    if (!request.generatedSet.isEmpty()) {
        const QString problem =
            applyGeneratedQueries(*m_ctx.generatedSets, *row, *m_ctx.settings, m_ctx.dataset->cacheRoot(),
                                  request.generatedSet, request.withLabelled, run, &generatedNote);
        if (!problem.isEmpty()) {
            m_ctx.feedback->showError(title, problem);
            return false;
        }
    }

    TrainingQueue::Run queued;
    queued.key = QStringLiteral("training:%1").arg(++m_queuedCount);
    queued.name = QStringLiteral("%1 + %2").arg(row->name, fromStd(method->spec().displayName));
    queued.description = tr("%1 on %2\nparameters: %3\ntrain %4\ndev %5\nevaluated on split %6")
                          .arg(fromStd(method->spec().displayName), row->name,
                               changedParameters(method->spec(), request.params),
                               QDir::toNativeSeparators(trainFile), QDir::toNativeSeparators(devFile), split);
    if (!expertNames.isEmpty())
        queued.description += tr("\nexperts: %1").arg(expertNames.join(QStringLiteral(", ")));
    queued.description += generatedNote;
    const QString trainingKey = queued.key;
    m_contexts.insert(trainingKey, Context{row->key, request.methodId, expertNames, m_ctx.dataset->dataset(), trainFile,
                                                           devFile, fromStd(engine::runSpecToJson(run.spec))});
    queued.request = std::move(run);
    m_ctx.training->enqueue(std::move(queued));
    emit runsTabWanted();
    m_ctx.feedback->showStatus(tr("Queued %1 (%2 running, %3 waiting)")
                                 .arg(m_ctx.trainingRuns->find(trainingKey)->name)
                                 .arg(m_ctx.training->runningCount())
                                 .arg(m_ctx.training->queuedCount()),
                             Feedback::kStatusTimeoutMs);
    updateActions();
    emit trainingQueued(trainingKey);
    return true;
}

bool TrainingController::cancelTraining(const QString &trainingKey)
{
    return m_ctx.training->cancel(trainingKey);
}

void TrainingController::onTrainingEnded(const QString &trainingKey, const TrainJobResult &result)
{
    const Context context = m_contexts.take(trainingKey);
    updateActions();
    if (result.cancelled()) {
        m_ctx.feedback->showStatus(tr("%1: cancelled").arg(m_ctx.trainingRuns->find(trainingKey)
                                                             ? m_ctx.trainingRuns->find(trainingKey)->name
                                                             : trainingKey),
                                 Feedback::kStatusTimeoutMs);
        emit trainingCancelled(trainingKey);
        return;
    }
    if (!context.dataset || context.dataset != m_ctx.dataset->dataset())
        return;
    onTrained(trainingKey, context, result);
}

void TrainingController::onTrained(const QString &trainingKey, const Context &context, const TrainJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Training failed")))
        return;
    const TrainedRun &trained = *result.value;
    const QString &setKey = context.setKey;
    m_ctx.sets->remember(setKey, trained.embeddings);
    const Row *row = m_ctx.sets->find(setKey);
    const QString setName = row ? row->name : fromStd(trained.embeddings->name);
    const QString split = fromStd(trained.result.split);
    const QString queries = count(qint64(trained.result.metrics.queries.size()));

    // The baseline beside it (same set and split), then the tuned run.
    RunRecord baseline;
    baseline.name = setName;
    baseline.report = std::shared_ptr<const engine::EvaluationReport>(result.value, &trained.baseline);
    baseline.base = trained.embeddings;
    baseline.specJson = fromStd(engine::runSpecToJson(engine::baselineSpecOf(trained.spec)));
    if (trained.run) { // the base set searched exactly, as the engine ranks a run of method "none"
        auto run = std::make_shared<engine::RunResult>();
        run->spec = engine::baselineSpecOf(trained.spec);
        run->dataset = trained.run->dataset;
        run->embeddings = trained.embeddings;
        run->evaluation = trained.baseline;
        baseline.run = std::move(run);
    }
    baseline.description = tr("Embeddings %1 (%2, %3-d); exact cosine search; split %4, %5 queries")
                               .arg(setName, fromStd(trained.embeddings->provenance.embedder))
                               .arg(trained.embeddings->dim())
                               .arg(split, queries);
    m_ctx.runs->add(RunStore::evaluationKey(setKey, split), std::move(baseline), split);
    // The tuned run in the next turn of the event loop: each half stays short (the first run of
    // an empty comparison lays out the table and the chart).
    QTimer::singleShot(0, this, [this, trainingKey, context, result] {
        if (context.dataset == m_ctx.dataset->dataset())
            addTrainedRun(trainingKey, context, result);
    });
}

void TrainingController::addTrainedRun(const QString &trainingKey, const Context &context, const TrainJobResult &result)
{
    const TrainedRun &trained = *result.value;
    const engine::MethodSpec &spec = engine::findMethod(context.methodId.toStdString())->spec();
    const Row *row = m_ctx.sets->find(context.setKey);
    const QString setName = row ? row->name : fromStd(trained.embeddings->name);
    const QString split = fromStd(trained.result.split);
    const QString queries = count(qint64(trained.result.metrics.queries.size()));

    RunRecord record;
    record.name = m_ctx.runs->uniqueName(QStringLiteral("%1 + %2").arg(setName, fromStd(spec.displayName)));
    record.report = std::shared_ptr<const engine::EvaluationReport>(result.value, &trained.result);
    record.tuned = trained.tuned;
    record.model = trained.model;
    record.base = trained.embeddings;
    record.methodId = context.methodId;
    record.params = trained.params;
    record.similarity = trained.similarity;
    record.trainQueriesFile = context.trainQueriesFile;
    record.devQueriesFile = context.devQueriesFile;
    record.reportJson = fromStd(trained.reportJson);
    record.specJson = context.specJson;
    record.run = trained.run;
    record.description =
        tr("%1 on %2\nparameters: %3\ntrain %4 queries, dev %5 queries\n%6 search; split %7, %8 queries; fit %9 s")
            .arg(fromStd(spec.displayName), setName, changedParameters(spec, trained.params))
            .arg(trained.trainQueries)
            .arg(trained.devQueries)
            .arg(QString::fromLatin1(engine::similarityName(trained.similarity)), split, queries)
            .arg(trained.fitSeconds, 0, 'f', 3);
    if (!context.experts.isEmpty())
        record.description += tr("\nexperts: %1").arg(context.experts.join(QStringLiteral(", ")));
    record.warnings = result.warnings;
    const QString runName = record.name;
    m_ctx.runs->setLastEvaluation(record.report);
    const QString runKey = m_ctx.runs->add(m_ctx.runs->newTrainedRunKey(), std::move(record), split);
    m_ctx.trainingRuns->setComparisonKey(trainingKey, runKey);
    m_ctx.runs->setCurrentKey(runKey);
    m_ctx.feedback->showStatus(tr("%1: nDCG@10 %2 (baseline %3) on %4 queries of split %5; fit %6 s")
                                 .arg(runName, ndcg10Text(trained.result), ndcg10Text(trained.baseline),
                                      queries, split)
                                 .arg(trained.fitSeconds, 0, 'f', 3),
                             Feedback::kStatusTimeoutMs);
    emit trainingFinished(runKey);
}

void TrainingController::chooseExportTuned()
{
    const QString title = tr("Cannot export tuned vectors");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return;
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *it = m_ctx.runs->find(runKey);
    if (!it || !it->tuned) {
        m_ctx.feedback->showError(title, tr("Select a trained run in the table."));
        return;
    }
    const QString parent = m_ctx.settings->value(kExportFolderSetting, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    QString name = it->name;
    name.replace(QStringLiteral(" + "), QStringLiteral("-")).replace(QLatin1Char(' '), QLatin1Char('-'));
    name.remove(QLatin1Char('#'));
    auto *dialog = new ExportDialog(tr("tuned vectors of %1").arg(it->name), QDir(parent).filePath(name), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, runKey] { exportTunedVectors(runKey, dialog->format(), dialog->folder()); });
    dialog->open();
}

bool TrainingController::exportTunedVectors(const QString &runKey, engine::VectorFormat format, const QString &dir)
{
    const QString title = tr("Cannot export tuned vectors");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const RunRecord *it = m_ctx.runs->find(runKey);
    if (!it || !it->tuned) {
        m_ctx.feedback->showError(title, tr("No trained run \"%1\".").arg(runKey));
        return false;
    }
    if (dir.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("Choose an output folder."));
        return false;
    }
    const QString path = QFileInfo(dir).absoluteFilePath();
    EmbeddingsSource source;
    source.loaded = it->tuned;
    JobProgress *progress = m_ctx.jobs->begin(tr("Exporting %1").arg(it->name));
    m_ctx.jobs->watch(exportEmbeddingsAsync(source, m_ctx.dataset->dataset(), format, path, progress),
             [this, path](const ExportJobResult &result) {
                 if (m_ctx.jobs->handleError(result.error, tr("Cannot export tuned vectors")))
                     return;
                 if (m_ctx.options.saveSettings)
                     m_ctx.settings->setValue(kExportFolderSetting, QFileInfo(path).absolutePath());
                 m_ctx.feedback->showStatus(tr("Exported tuned vectors to %1: %2")
                                              .arg(QDir::toNativeSeparators(path),
                                                   result.value->files.join(QStringLiteral(", "))),
                                          Feedback::kStatusTimeoutMs);
                 emit tunedVectorsExported(path);
             });
    return true;
}

} // namespace embtune::gui
