// MainWindow: runs of the comparison (evaluate a set, BM25, train a method) and their details.

#include "main_window.h"

#include "dialogs/export_dialog.h"
#include "dialogs/train_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "methods/method.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "run_details_view.h"
#include "jobs/training_queue.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QTabWidget>
#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

#include <algorithm>

namespace embtune::gui {

namespace {

constexpr int kStatusTimeoutMs = 10000;
const QString kExportFolderKey = QStringLiteral("paths/exportParent");

using Row = widgets::EmbeddingSetRow;

QString evaluationRunKey(const QString &setKey, const QString &split, bool hnsw = false)
{
    return QStringLiteral("eval:%1|%2").arg(setKey, split) + (hnsw ? QStringLiteral("|hnsw") : QString());
}

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString ndcg10(const engine::EvaluationReport &report)
{
    return report.metrics.has(engine::Metric::Ndcg, 10)
               ? widgets::MetricsTableModel::formatValue(report.metrics.mean(engine::Metric::Ndcg, 10))
               : QStringLiteral("-");
}

// "gamma=0.1, threads=2" for the parameters that differ from the schema's defaults.
QString changedParameters(const engine::MethodSpec &spec, const std::map<std::string, std::string> &params)
{
    QStringList changed;
    for (const engine::ParamSpec &param : spec.params) {
        const auto it = params.find(param.name);
        if (it != params.end() && it->second != param.defaultValue)
            changed << QStringLiteral("%1=%2").arg(fromStd(param.name), fromStd(it->second));
    }
    return changed.isEmpty() ? MainWindow::tr("defaults") : changed.join(QStringLiteral(", "));
}

} // namespace

engine::RunSpec MainWindow::runSpecOf(const QString &setKey, const QString &split, bool withSearchSettings) const
{
    engine::RunSpec spec;
    spec.dataset = localPath(m_datasetPath);
    if (setKey == bm25Key()) {
        spec.base = engine::RunBase::Bm25;
    } else {
        const Row *row = m_embeddingsPanel->model()->find(setKey);
        spec.embeddings = row ? localPath(row->location) : std::string();
        if (withSearchSettings && m_searchSettings.hnsw) {
            spec.search = engine::RunSearch::Hnsw;
            spec.hnsw = m_searchSettings.index.parameters;
            spec.threads = m_searchSettings.index.threads;
        }
    }
    spec.split = split.toStdString();
    spec.ks.clear();
    for (int k : evaluationKs())
        spec.ks.push_back(k);
    spec.metrics.assign(std::begin(engine::kAllMetrics), std::end(engine::kAllMetrics));
    return spec;
}

// ---------------------------------------------------------------------------------------------
// Evaluate

bool MainWindow::evaluate()
{
    const QString title = tr("Cannot evaluate");
    if (isBusy()) {
        showError(title, tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    const Row *row = currentRow();
    if (!m_dataset || !row) {
        showError(title, tr("Open a dataset and select embeddings (or BM25) first."));
        return false;
    }
    if (row->origin == Row::Origin::Baseline)
        return evaluateBm25();
    const QString split = currentSplit();
    if (split.isEmpty()) {
        showError(title, tr("The dataset has no qrels split to evaluate."));
        return false;
    }
    const QString setKey = row->key;
    if (m_searchSettings.hnsw) {
        const HnswSettings &hnsw = m_searchSettings.index;
        JobProgress *progress = beginJob(tr("Evaluating %1 on %2 with HNSW (M %3, ef_construction %4, ef %5)")
                                             .arg(row->name, split)
                                             .arg(hnsw.parameters.m)
                                             .arg(hnsw.parameters.efConstruction)
                                             .arg(hnsw.parameters.efSearch));
        watchJob(evaluateAsync(RunRequest{runSpecOf(setKey, split, true), m_dataset, sourceOf(setKey), {}, {}, {}},
                               progress),
                 [this, setKey, dataset = m_dataset](const EvaluationJobResult &result) {
                     if (dataset != m_dataset)
                         return;
                     onEvaluated(setKey, result);
                 });
        return true;
    }
    JobProgress *progress = beginJob(tr("Evaluating %1 on %2").arg(row->name, split));
    watchJob(evaluateAsync(RunRequest{runSpecOf(setKey, split, false), m_dataset, sourceOf(setKey), {}, {}, {}},
                           progress),
             [this, setKey, dataset = m_dataset](const EvaluationJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onEvaluated(setKey, result);
             });
    return true;
}

bool MainWindow::evaluateBm25()
{
    const QString title = tr("Cannot evaluate BM25");
    if (refuseJob(title, true))
        return false;
    const QString split = currentSplit();
    if (split.isEmpty()) {
        showError(title, tr("The dataset has no qrels split to evaluate."));
        return false;
    }
    JobProgress *progress = beginJob(tr("Evaluating BM25 on %1").arg(split));
    watchJob(evaluateAsync(RunRequest{runSpecOf(bm25Key(), split, false), m_dataset, {}, {}, {}, {}}, progress),
             [this, dataset = m_dataset](const EvaluationJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onEvaluated(bm25Key(), result);
             });
    return true;
}

void MainWindow::onEvaluated(const QString &setKey, const EvaluationJobResult &result)
{
    if (handleJobError(result.error, tr("Evaluation failed")))
        return;
    const EvaluatedRun &evaluated = *result.value;
    rememberLoaded(setKey, evaluated.embeddings);
    const auto report = std::shared_ptr<const engine::EvaluationReport>(result.value, &evaluated.report);
    m_evaluation = report;
    const QString split = fromStd(report->split);
    const bool bm25 = setKey == bm25Key();

    RunRecord record;
    record.report = report;
    record.base = evaluated.embeddings;
    record.specJson = fromStd(engine::runSpecToJson(evaluated.spec));
    if (bm25) {
        record.name = QStringLiteral("BM25");
        record.description = tr("BM25 (k1 0.9, b 0.4, Lucene idf) over title + text; split %1, %2 queries")
                                 .arg(split, count(qint64(report->metrics.queries.size())));
    } else {
        const Row *row = m_embeddingsPanel->model()->find(setKey);
        const engine::EmbeddingSet *set = evaluated.embeddings.get();
        record.name = row ? row->name : fromStd(set->name);
        record.description = tr("Embeddings %1 (%2, %3-d); %4; split %5, %6 queries")
                                 .arg(record.name, fromStd(set->provenance.embedder))
                                 .arg(set->dim())
                                 .arg(evaluated.hnsw ? tr("HNSW search (cosine)") : tr("exact cosine search"), split,
                                      count(qint64(report->metrics.queries.size())));
        if (evaluated.hnsw) {
            record.name += tr(" (HNSW)");
            record.hnsw = evaluated.hnsw;
            record.description += QLatin1Char('\n') + hnswSummary(*evaluated.hnsw);
        }
    }
    const QString runKey = addRun(evaluationRunKey(setKey, split, evaluated.hnsw != nullptr), std::move(record), split);
    selectRun(runKey);
    updateEvaluationSummary(runKey, result.warnings);
    statusBar()->showMessage(tr("Evaluated %1 queries of split %2: nDCG@10 = %3")
                                 .arg(report->metrics.queries.size())
                                 .arg(split, ndcg10(*report)),
                             kStatusTimeoutMs);
    emit evaluationFinished();
}

QString MainWindow::hnswSummary(const HnswEvaluation &hnsw) const
{
    QStringList recalls;
    for (int k : {1, 10, 100})
        if (const double recall = hnsw.annRecallAt(k); recall >= 0)
            recalls << QStringLiteral("@%1 %2").arg(k).arg(recall, 0, 'f', 4);
    return tr("HNSW index: space %1, M %2, ef_construction %3, ef_search %4, seed %5, threads %6\n"
              "index %7 (%8 bytes), built in %9 s\n")
               .arg(QString::fromLatin1(engine::hnswSpaceName(hnsw.parameters.space)))
               .arg(hnsw.parameters.m)
               .arg(hnsw.parameters.efConstruction)
               .arg(hnsw.parameters.efSearch)
               .arg(hnsw.parameters.seed)
               .arg(hnsw.threads == 0 ? tr("all") : QString::number(hnsw.threads))
               .arg(bytesText(hnsw.indexBytes), count(hnsw.indexBytes))
               .arg(hnsw.buildSeconds, 0, 'f', 3) +
           tr("ANN recall against exact search: %1 (exact search %2 s)")
               .arg(recalls.join(QStringLiteral(", ")))
               .arg(hnsw.exactSeconds, 0, 'f', 3);
}

void MainWindow::showEvaluateDialog()
{
    const QString title = tr("Cannot evaluate");
    if (refuseJob(title, true))
        return;
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 is evaluated with "
                            "Evaluate BM25, Ctrl+B)."));
        return;
    }
    auto *dialog = new EvaluateDialog(m_searchSettings, row->name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        setSearchSettings(dialog->settings());
        evaluate();
    });
    dialog->open();
}

void MainWindow::chooseSaveIndex()
{
    const QString title = tr("Cannot save the index");
    if (refuseJob(title, true))
        return;
    const QString runKey = currentRunKey();
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->hnsw) {
        showError(title, tr("Select a run evaluated with HNSW search in the table."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    QString name = it->name;
    name.remove(QStringLiteral(" (HNSW)")).replace(QLatin1Char(' '), QLatin1Char('-'));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save HNSW Index"),
                                                      QDir(parent).filePath(name + QStringLiteral(".hnsw")),
                                                      tr("hnswlib index (*.hnsw *.bin);;All files (*)"));
    if (!path.isEmpty())
        saveHnswIndex(runKey, path);
}

bool MainWindow::saveHnswIndex(const QString &runKey, const QString &path)
{
    const QString title = tr("Cannot save the index");
    if (refuseJob(title, true))
        return false;
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->hnsw) {
        showError(title, tr("No HNSW run \"%1\".").arg(runKey));
        return false;
    }
    if (path.trimmed().isEmpty()) {
        showError(title, tr("Choose a file name."));
        return false;
    }
    const QFileInfo target(path);
    if (!QDir().mkpath(target.absolutePath())) {
        showError(title, tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(target.absolutePath())));
        return false;
    }
    const QString file = target.absoluteFilePath();
    JobProgress *progress = beginJob(tr("Saving the HNSW index of %1").arg(it->name));
    watchJob(saveHnswIndexAsync(it->hnsw->index, file, progress), [this, runKey](const SaveIndexJobResult &result) {
        if (handleJobError(result.error, tr("Cannot save the index")))
            return;
        if (m_options.saveSettings)
            m_settings->setValue(kExportFolderKey, QFileInfo(result.value->indexFile).absolutePath());
        if (auto run = m_runs.find(runKey); run != m_runs.end()) {
            run->description += tr("\nsaved to %1 (+ %2)")
                                    .arg(QDir::toNativeSeparators(result.value->indexFile),
                                         QFileInfo(result.value->sidecarFile).fileName());
            if (currentRunKey() == runKey)
                showRunDetails(runKey);
        }
        statusBar()->showMessage(tr("Saved the HNSW index to %1 (%2) and its sidecar %3")
                                     .arg(QDir::toNativeSeparators(result.value->indexFile),
                                          bytesText(result.value->indexBytes),
                                          QFileInfo(result.value->sidecarFile).fileName()),
                                 kStatusTimeoutMs);
        emit indexSaved(result.value->indexFile);
    });
    return true;
}

// ---------------------------------------------------------------------------------------------
// Train

void MainWindow::showTrainDialog()
{
    const QString title = tr("Cannot train");
    if (refuseJob(title, true))
        return;
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 has none)."));
        return;
    }
    QStringList splits;
    for (int i = 0; i < m_splitCombo->count(); ++i)
        splits << m_splitCombo->itemText(i);
    QList<QPair<QString, QString>> experts;
    for (const Row &other : m_embeddingsPanel->model()->rows())
        if (other.origin != Row::Origin::Baseline && other.key != row->key)
            experts.append({other.key, QStringLiteral("%1 (%2, %3-d)").arg(other.name, other.embedder).arg(other.dim)});
    auto *dialog = new TrainDialog(m_datasetPath, splits, currentSplit(), row->name, experts, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString lastMethod = m_settings->value(QStringLiteral("train/method")).toString();
    if (!lastMethod.isEmpty())
        dialog->setMethod(lastMethod);
    dialog->setTrainingQueries(generatedSetNames(), generatedTrainingProblem());
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
        if (m_options.saveSettings)
            m_settings->setValue(QStringLiteral("train/method"), request.methodId);
        train(request);
    });
    dialog->open();
}

bool MainWindow::train(const TrainRequest &request)
{
    const QString title = tr("Cannot train");
    if (refuseJob(title, true))
        return false;
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 has none)."));
        return false;
    }
    const engine::Method *method = engine::findMethod(request.methodId.toStdString());
    if (!method) {
        QStringList known;
        for (const engine::Method *m : engine::registeredMethods())
            known << fromStd(m->spec().id);
        showError(title, tr("Unknown method \"%1\" (known: %2).").arg(request.methodId, known.join(QStringLiteral(", "))));
        return false;
    }
    if (auto params = engine::ParamValues::parse(method->spec(), request.params); !params) {
        showError(title, fromStd(params.error().toString()));
        return false;
    }
    const QString trainFile = request.trainQueriesFile.isEmpty()
                                  ? TrainDialog::defaultQueryFile(m_datasetPath, QStringLiteral("train"))
                                  : request.trainQueriesFile;
    const QString devFile = request.devQueriesFile.isEmpty()
                                ? TrainDialog::defaultQueryFile(m_datasetPath, QStringLiteral("dev"))
                                : request.devQueriesFile;
    if (request.generatedSet.isEmpty() && (trainFile.isEmpty() || devFile.isEmpty())) {
        showError(title, tr("Choose the train and dev query files (the dataset has no splits/train.txt and "
                            "splits/dev.txt)."));
        return false;
    }
    const QString split = request.split.isEmpty() ? currentSplit() : request.split;
    if (!m_dataset->split(split.toStdString())) {
        showError(title, tr("The dataset has no split \"%1\".").arg(split));
        return false;
    }

    RunRequest run;
    run.spec = runSpecOf(row->key, split, false);
    run.dataset = m_dataset;
    run.source = sourceOf(row->key);
    QStringList expertNames;
    for (const QString &key : request.expertKeys) {
        const Row *expert = m_embeddingsPanel->model()->find(key);
        if (!expert || expert->origin == Row::Origin::Baseline) {
            showError(title, tr("Expert \"%1\" is not an embedding set with vectors of this dataset.").arg(key));
            return false;
        }
        run.experts.push_back(sourceOf(key));
        run.spec.experts.push_back(localPath(expert->location));
        expertNames << expert->name;
    }
    run.spec.method = request.methodId.toStdString();
    run.spec.params = request.params;
    run.spec.trainQueries = localPath(trainFile);
    run.spec.devQueries = localPath(devFile);
    QString generatedNote;
    if (!request.generatedSet.isEmpty() && !applyGeneratedQueries(request, run, &generatedNote))
        return false;

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
    m_trainingContexts.insert(trainingKey, TrainingContext{row->key, request.methodId, expertNames, m_dataset, trainFile,
                                                           devFile, fromStd(engine::runSpecToJson(run.spec))});
    queued.request = std::move(run);
    m_trainingQueue->enqueue(std::move(queued));
    m_tabs->setCurrentWidget(m_runsPanel->parentWidget());
    statusBar()->showMessage(tr("Queued %1 (%2 running, %3 waiting)")
                                 .arg(m_trainingModel->find(trainingKey)->name)
                                 .arg(m_trainingQueue->runningCount())
                                 .arg(m_trainingQueue->queuedCount()),
                             kStatusTimeoutMs);
    updateActions();
    emit trainingQueued(trainingKey);
    return true;
}

bool MainWindow::cancelTraining(const QString &trainingKey)
{
    return m_trainingQueue->cancel(trainingKey);
}

void MainWindow::createRunsTab()
{
    m_runsPanel = new widgets::TrainingRunsPanel(this);
    m_runsPanel->setObjectName(QStringLiteral("runsPanel"));
    m_runsPanel->setModel(m_trainingModel);
    m_runsPanel->setMaxConcurrent(m_trainingQueue->maxConcurrent());
    m_runsPanel->toolBar()->addAction(m_trainAction);
    m_runsPanel->toolBar()->addAction(m_clearEndedRunsAction);
    connect(m_runsPanel, &widgets::TrainingRunsPanel::cancelRequested, this, &MainWindow::cancelTraining);
    connect(m_runsPanel, &widgets::TrainingRunsPanel::maxConcurrentChanged, this, &MainWindow::setMaxConcurrentRuns);
    connect(m_runsPanel, &widgets::TrainingRunsPanel::runActivated, this, [this](const QString &key) {
        if (const widgets::TrainingRunRow *row = m_trainingModel->find(key); row && !row->comparisonKey.isEmpty())
            selectRun(row->comparisonKey);
    });
    connect(m_trainingModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateActions);
}

void MainWindow::onTrainingEnded(const QString &trainingKey, const TrainJobResult &result)
{
    const TrainingContext context = m_trainingContexts.take(trainingKey);
    updateActions();
    if (result.cancelled()) {
        statusBar()->showMessage(tr("%1: cancelled").arg(m_trainingModel->find(trainingKey)
                                                             ? m_trainingModel->find(trainingKey)->name
                                                             : trainingKey),
                                 kStatusTimeoutMs);
        emit trainingCancelled(trainingKey);
        emit jobCancelled();
        return;
    }
    if (!context.dataset || context.dataset != m_dataset)
        return;
    onTrained(trainingKey, context, result);
}

void MainWindow::onTrained(const QString &trainingKey, const TrainingContext &context, const TrainJobResult &result)
{
    if (handleJobError(result.error, tr("Training failed")))
        return;
    const TrainedRun &trained = *result.value;
    const QString &setKey = context.setKey;
    rememberLoaded(setKey, trained.embeddings);
    const Row *row = m_embeddingsPanel->model()->find(setKey);
    const QString setName = row ? row->name : fromStd(trained.embeddings->name);
    const QString split = fromStd(trained.result.split);
    const QString queries = count(qint64(trained.result.metrics.queries.size()));

    // The baseline beside it (same set and split), then the tuned run.
    RunRecord baseline;
    baseline.name = setName;
    baseline.report = std::shared_ptr<const engine::EvaluationReport>(result.value, &trained.baseline);
    baseline.base = trained.embeddings;
    baseline.specJson = fromStd(engine::runSpecToJson(engine::baselineSpecOf(trained.spec)));
    baseline.description = tr("Embeddings %1 (%2, %3-d); exact cosine search; split %4, %5 queries")
                               .arg(setName, fromStd(trained.embeddings->provenance.embedder))
                               .arg(trained.embeddings->dim())
                               .arg(split, queries);
    addRun(evaluationRunKey(setKey, split), std::move(baseline), split);
    // The tuned run in the next turn of the event loop: each half stays short (the first run of
    // an empty comparison lays out the table and the chart).
    QTimer::singleShot(0, this, [this, trainingKey, context, result] {
        if (context.dataset == m_dataset)
            addTrainedRun(trainingKey, context, result);
    });
}

void MainWindow::addTrainedRun(const QString &trainingKey, const TrainingContext &context, const TrainJobResult &result)
{
    const TrainedRun &trained = *result.value;
    const engine::MethodSpec &spec = engine::findMethod(context.methodId.toStdString())->spec();
    const Row *row = m_embeddingsPanel->model()->find(context.setKey);
    const QString setName = row ? row->name : fromStd(trained.embeddings->name);
    const QString split = fromStd(trained.result.split);
    const QString queries = count(qint64(trained.result.metrics.queries.size()));

    RunRecord record;
    record.name = QStringLiteral("%1 + %2").arg(setName, fromStd(spec.displayName));
    int same = 0;
    for (const RunRecord &existing : std::as_const(m_runs))
        same += existing.name == record.name || existing.name.startsWith(record.name + QStringLiteral(" #")) ? 1 : 0;
    if (same > 0)
        record.name += QStringLiteral(" #%1").arg(same + 1);
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
    record.description =
        tr("%1 on %2\nparameters: %3\ntrain %4 queries, dev %5 queries\n%6 search; split %7, %8 queries; fit %9 s")
            .arg(fromStd(spec.displayName), setName, changedParameters(spec, trained.params))
            .arg(trained.trainQueries)
            .arg(trained.devQueries)
            .arg(QString::fromLatin1(engine::similarityName(trained.similarity)), split, queries)
            .arg(trained.fitSeconds, 0, 'f', 3);
    if (!context.experts.isEmpty())
        record.description += tr("\nexperts: %1").arg(context.experts.join(QStringLiteral(", ")));
    const QString runKey = addRun(QStringLiteral("train:%1").arg(++m_trainCount), std::move(record), split);
    m_trainingModel->setComparisonKey(trainingKey, runKey);
    m_evaluation = m_runs.value(runKey).report;
    selectRun(runKey);
    updateEvaluationSummary(runKey, result.warnings);
    statusBar()->showMessage(tr("%1: nDCG@10 %2 (baseline %3) on %4 queries of split %5; fit %6 s")
                                 .arg(m_runs.value(runKey).name, ndcg10(trained.result), ndcg10(trained.baseline),
                                      queries, split)
                                 .arg(trained.fitSeconds, 0, 'f', 3),
                             kStatusTimeoutMs);
    emit trainingFinished(runKey);
}

// ---------------------------------------------------------------------------------------------
// Runs

QString MainWindow::addRun(const QString &key, RunRecord record, const QString &split)
{
    m_metricsModel->setRun(key, record.name, split, record.report->metrics, record.description);
    m_runs.insert(key, std::move(record));
    updateActions();
    recordAddedRun(key, split); // into the open workspace (main_window_workspace.cpp)
    return key;
}

QStringList MainWindow::runKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_metricsModel->runCount(); ++row)
        keys << m_metricsModel->runKey(row);
    return keys;
}

QString MainWindow::currentRunKey() const
{
    return m_compareView->currentRunKey();
}

bool MainWindow::selectRun(const QString &runKey)
{
    if (!m_compareView->selectRun(runKey))
        return false;
    showRunDetails(runKey);
    updateActions();
    return true;
}

void MainWindow::showRunDetails(const QString &runKey)
{
    const auto it = m_runs.constFind(runKey);
    const int row = m_metricsModel->rowOfRun(runKey);
    if (it == m_runs.constEnd() || row < 0) {
        m_runDetails->clear();
        return;
    }
    widgets::RunDetails details;
    details.title = m_metricsModel->runLabel(row);
    details.color = m_metricsModel->runColor(row);
    details.description = it->description;
    details.reportJson = it->reportJson;
    if (const QString command = commandLineOf(runKey); !command.isEmpty())
        details.description += tr("\ncommand line: %1").arg(command);
    m_runDetails->setDetails(details);
}

QString MainWindow::commandLineOf(const QString &runKey) const
{
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || it->specJson.isEmpty())
        return {};
    auto spec = engine::runSpecFromJson(it->specJson.toStdString());
    if (!spec)
        return {};
    return fromStd(engine::shellCommandLine(engine::runSpecCommandLine(*spec)));
}

bool MainWindow::copyCommandLine(const QString &runKey)
{
    const QString command = commandLineOf(runKey);
    if (command.isEmpty()) {
        showError(tr("Cannot copy the command line"),
                  tr("Select a run made in this version of embtune: its spec is what the command line is made of."));
        return false;
    }
    QGuiApplication::clipboard()->setText(command);
    statusBar()->showMessage(tr("Copied: %1").arg(command), kStatusTimeoutMs);
    return true;
}

void MainWindow::updateEvaluationSummary(const QString &runKey, const QStringList &warnings)
{
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd())
        return;
    const engine::EvaluationReport &report = *it->report;
    QString summary = tr("<b>%1</b> on <b>%2</b>, split <b>%3</b>: %4 queries evaluated (of %5 judged), "
                         "nDCG@10 %6; search in %7 s. %8 run(s) compared.")
                          .arg(it->name.toHtmlEscaped(), fromStd(m_dataset->name).toHtmlEscaped(),
                               fromStd(report.split).toHtmlEscaped(), count(qint64(report.metrics.queries.size())),
                               count(report.judgedQueries), ndcg10(report))
                          .arg(report.searchSeconds, 0, 'f', 2)
                          .arg(m_metricsModel->runCount());
    if (it->hnsw) {
        const HnswEvaluation &hnsw = *it->hnsw;
        summary += tr("<br>HNSW (M %1, ef_construction %2, ef %3): <b>ANN recall@10 %4</b> against exact search; "
                      "index %5, built in %6 s.")
                       .arg(hnsw.parameters.m)
                       .arg(hnsw.parameters.efConstruction)
                       .arg(hnsw.parameters.efSearch)
                       .arg(hnsw.annRecallAt(10), 0, 'f', 4)
                       .arg(bytesText(hnsw.indexBytes))
                       .arg(hnsw.buildSeconds, 0, 'f', 2);
    }
    for (const QString &warning : warnings)
        summary += QStringLiteral("<br><span style=\"color:#a15c00\">%1</span>").arg(warning.toHtmlEscaped());
    m_evaluationSummary->setText(summary);
    m_chart->setTitle(tr("%1, split %2").arg(fromStd(m_dataset->name), fromStd(report.split)));
}

void MainWindow::clearRuns(const QString &reason)
{
    m_evaluation.reset();
    m_runs.clear();
    m_metricsModel->clear();
    m_runDetails->clear();
    m_chart->setTitle({});
    m_evaluationSummary->setText(QStringLiteral("<i>%1</i>").arg(reason.toHtmlEscaped()));
}

void MainWindow::chooseExportTuned()
{
    const QString title = tr("Cannot export tuned vectors");
    if (refuseJob(title, true))
        return;
    const QString runKey = currentRunKey();
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->tuned) {
        showError(title, tr("Select a trained run in the table."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    QString name = it->name;
    name.replace(QStringLiteral(" + "), QStringLiteral("-")).replace(QLatin1Char(' '), QLatin1Char('-'));
    name.remove(QLatin1Char('#'));
    auto *dialog = new ExportDialog(tr("tuned vectors of %1").arg(it->name), QDir(parent).filePath(name), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, runKey] { exportTunedVectors(runKey, dialog->format(), dialog->folder()); });
    dialog->open();
}

bool MainWindow::exportTunedVectors(const QString &runKey, engine::VectorFormat format, const QString &dir)
{
    const QString title = tr("Cannot export tuned vectors");
    if (refuseJob(title, true))
        return false;
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->tuned) {
        showError(title, tr("No trained run \"%1\".").arg(runKey));
        return false;
    }
    if (dir.trimmed().isEmpty()) {
        showError(title, tr("Choose an output folder."));
        return false;
    }
    const QString path = QFileInfo(dir).absoluteFilePath();
    EmbeddingsSource source;
    source.loaded = it->tuned;
    JobProgress *progress = beginJob(tr("Exporting %1").arg(it->name));
    watchJob(exportEmbeddingsAsync(source, m_dataset, format, path, progress),
             [this, path](const ExportJobResult &result) {
                 if (handleJobError(result.error, tr("Cannot export tuned vectors")))
                     return;
                 if (m_options.saveSettings)
                     m_settings->setValue(kExportFolderKey, QFileInfo(path).absolutePath());
                 statusBar()->showMessage(tr("Exported tuned vectors to %1: %2")
                                              .arg(QDir::toNativeSeparators(path),
                                                   result.value->files.join(QStringLiteral(", "))),
                                          kStatusTimeoutMs);
                 emit embeddingsExported(path);
             });
    return true;
}

} // namespace embtune::gui
