#include "controllers/evaluation_controller.h"

#include "gui_actions.h"
#include "base_run_spec.h"

#include "dataset_context.h"
#include "embedding_set_list_model.h"
#include "embedding_set_store.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"
#include "methods/method.h"
#include "run_store.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QStyle>

namespace embtune::gui {

namespace {

const QString kSessionSplit = QStringLiteral("session/split");
const QString kSearchBackend = QStringLiteral("search/backend"); // "exact" or "hnsw"
const QString kHnswParameters = QStringLiteral("search/hnsw");   // "m=16;ef_construction=200;..."

using Row = widgets::EmbeddingSetRow;

} // namespace

EvaluationController::EvaluationController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    m_search.hnsw = m_ctx.settings->value(kSearchBackend).toString() == QStringLiteral("hnsw");
    {
        std::map<std::string, std::string> values;
        const QString saved = m_ctx.settings->value(kHnswParameters).toString();
        for (const QString &pair : saved.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            const QStringList parts = pair.split(QLatin1Char('='));
            if (parts.size() == 2)
                values[parts[0].toStdString()] = parts[1].toStdString();
        }
        // Saved values are checked against the form's ranges; anything unreadable takes the defaults.
        if (auto checked = engine::ParamValues::parse(EvaluateDialog::parameterSpec(), values))
            m_search.index = EvaluateDialog::hnswFrom(values);
    }
    createActions();
    createCombos();
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &EvaluationController::onDatasetChanged);
    connect(m_ctx.dataset, &DatasetContext::splitChanged, this, [this](const QString &split) {
        if (m_splitCombo->currentText() != split) {
            const QSignalBlocker blocker(m_splitCombo);
            m_splitCombo->setCurrentIndex(m_splitCombo->findText(split));
        }
        updateActions();
    });
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &EvaluationController::updateActions);
    connect(m_ctx.sets, &EmbeddingSetStore::currentChanged, this, &EvaluationController::updateActions);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &EvaluationController::updateActions);
    updateActions();
}

void EvaluationController::createActions()
{
    QStyle *s = m_ctx.window->style();
    auto make = [this](const QIcon &icon, const QString &text, const QString &name, const QString &tip) {
        return makeAction(this, icon, text, name, tip);
    };
    m_evaluate = make(s->standardIcon(QStyle::SP_MediaPlay), tr("&Evaluate"), QStringLiteral("actionEvaluate"),
                      tr("Rank the documents for every judged query of the split with the selected embeddings "
                         "(exact search or an HNSW index, as the Search box says) or BM25, and compute nDCG, "
                         "recall, R_cap, P, MRR and MAP at k = 1..100 (Ctrl+E)"));
    m_evaluate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_evaluate, &QAction::triggered, this, [this] { evaluate(); });

    m_evaluateOptions =
        make(QIcon(), tr("Evaluate &with Search Options..."), QStringLiteral("actionEvaluateOptions"),
             tr("Choose exact search or an HNSW index (M, ef_construction, ef_search, seed, threads), then evaluate "
                "the selected embeddings; with HNSW the ANN recall against exact search, the index size and build "
                "time are shown beside the metrics (Ctrl+Shift+E)"));
    m_evaluateOptions->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_evaluateOptions, &QAction::triggered, this, &EvaluationController::showEvaluateDialog);

    m_evaluateBm25 = make(QIcon(), tr("Evaluate &BM25"), QStringLiteral("actionEvaluateBm25"),
                          tr("Evaluate the BM25 baseline (k1 0.9, b 0.4) on the split (Ctrl+B)"));
    m_evaluateBm25->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(m_evaluateBm25, &QAction::triggered, this, [this] { evaluateBm25(); });

    m_saveIndex = make(s->standardIcon(QStyle::SP_DriveHDIcon), tr("Save HNSW &Index..."),
                       QStringLiteral("actionSaveIndex"),
                       tr("Save the HNSW index of the selected run in hnswlib's file format (Python's "
                          "hnswlib.Index loads it) with a JSON sidecar: space, dim, M, ef_construction, ids "
                          "(Ctrl+Shift+S)"));
    m_saveIndex->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveIndex, &QAction::triggered, this, &EvaluationController::chooseSaveIndex);
}

void EvaluationController::createCombos()
{
    m_splitCombo = new QComboBox(m_ctx.window);
    m_splitCombo->setObjectName(QStringLiteral("splitCombo"));
    m_splitCombo->setToolTip(tr("Qrels split whose judged queries are evaluated"));
    m_splitCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_splitCombo->setMinimumContentsLength(8);
    connect(m_splitCombo, &QComboBox::currentTextChanged, this, [this](const QString &split) {
        if (split.isEmpty())
            return;
        m_ctx.dataset->setSplit(split);
        if (m_ctx.options.saveSettings)
            m_ctx.settings->setValue(kSessionSplit, split);
    });

    m_searchCombo = new QComboBox(m_ctx.window);
    m_searchCombo->setObjectName(QStringLiteral("searchCombo"));
    m_searchCombo->setToolTip(tr("How Evaluate searches the documents: exactly, or with an HNSW index (parameters: "
                                 "Run > Evaluate with Search Options, Ctrl+Shift+E)"));
    m_searchCombo->addItem(tr("Exact"), false);
    m_searchCombo->addItem(tr("HNSW"), true);
    m_searchCombo->setCurrentIndex(m_search.hnsw ? 1 : 0);
    connect(m_searchCombo, &QComboBox::currentIndexChanged, this, [this] {
        SearchSettings settings = m_search;
        settings.hnsw = m_searchCombo->currentData().toBool();
        setSearchSettings(settings);
    });
}

void EvaluationController::onDatasetChanged()
{
    const QSignalBlocker blocker(m_splitCombo);
    m_splitCombo->clear();
    m_splitCombo->addItems(m_ctx.dataset->splits());
    m_splitCombo->setCurrentIndex(m_splitCombo->findText(m_ctx.dataset->split()));
    updateActions();
}

void EvaluationController::updateActions()
{
    const bool busy = m_ctx.jobs->isBusy();
    const bool hasDataset = m_ctx.dataset->hasDataset();
    const bool hasSplit = !m_ctx.dataset->split().isEmpty();
    const Row *row = m_ctx.sets->currentRow();
    const bool hasVectors = row && row->origin != Row::Origin::Baseline;
    const RunRecord *run = m_ctx.runs->find(m_ctx.runs->currentKey());
    m_splitCombo->setEnabled(!busy && m_splitCombo->count() > 0);
    m_evaluate->setEnabled(!busy && hasDataset && row && hasSplit);
    m_evaluateBm25->setEnabled(!busy && hasDataset && hasSplit);
    m_evaluateOptions->setEnabled(!busy && hasDataset && hasVectors && hasSplit);
    m_saveIndex->setEnabled(!busy && run && run->hnsw != nullptr);
}

void EvaluationController::setSearchSettings(const SearchSettings &settings)
{
    m_search = settings;
    {
        const QSignalBlocker blocker(m_searchCombo);
        m_searchCombo->setCurrentIndex(settings.hnsw ? 1 : 0);
    }
    if (!m_ctx.options.saveSettings)
        return;
    m_ctx.settings->setValue(kSearchBackend, settings.hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact"));
    QStringList pairs;
    for (const auto &[name, value] : EvaluateDialog::valuesOf(settings.index))
        pairs << QStringLiteral("%1=%2").arg(fromStd(name), fromStd(value));
    m_ctx.settings->setValue(kHnswParameters, pairs.join(QLatin1Char(';')));
}

// ---------------------------------------------------------------------------------------------
// Evaluate

bool EvaluationController::evaluate()
{
    const QString title = tr("Cannot evaluate");
    if (m_ctx.jobs->refuse(title))
        return false;
    const Row *row = m_ctx.sets->currentRow();
    if (!m_ctx.dataset->hasDataset() || !row) {
        m_ctx.feedback->showError(title, tr("Open a dataset and select embeddings (or BM25) first."));
        return false;
    }
    if (row->origin == Row::Origin::Baseline)
        return evaluateBm25();
    const QString split = m_ctx.dataset->split();
    if (split.isEmpty()) {
        m_ctx.feedback->showError(title, tr("The dataset has no qrels split to evaluate."));
        return false;
    }
    if (m_search.hnsw) {
        const HnswSettings &hnsw = m_search.index;
        return startEvaluation(row->key, split, true,
                               tr("Evaluating %1 on %2 with HNSW (M %3, ef_construction %4, ef %5)")
                                   .arg(row->name, split)
                                   .arg(hnsw.parameters.m)
                                   .arg(hnsw.parameters.efConstruction)
                                   .arg(hnsw.parameters.efSearch));
    }
    return startEvaluation(row->key, split, false, tr("Evaluating %1 on %2").arg(row->name, split));
}

bool EvaluationController::evaluateBm25()
{
    const QString title = tr("Cannot evaluate BM25");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const QString split = m_ctx.dataset->split();
    if (split.isEmpty()) {
        m_ctx.feedback->showError(title, tr("The dataset has no qrels split to evaluate."));
        return false;
    }
    return startEvaluation(EmbeddingSetStore::bm25Key(), split, false, tr("Evaluating BM25 on %1").arg(split));
}

bool EvaluationController::startEvaluation(const QString &setKey, const QString &split, bool hnsw,
                                           const QString &description)
{
    const auto dataset = m_ctx.dataset->dataset();
    RunRequest request{baseRunSpec(m_ctx, setKey, split, hnsw ? &m_search : nullptr), dataset,
                       setKey == EmbeddingSetStore::bm25Key() ? EmbeddingsSource{} : m_ctx.sets->sourceOf(setKey),
                       {}, {}, {}};
    JobProgress *progress = m_ctx.jobs->begin(description);
    m_ctx.jobs->watch(evaluateAsync(std::move(request), progress),
                      [this, setKey, dataset](const EvaluationJobResult &result) {
                          if (dataset != m_ctx.dataset->dataset())
                              return;
                          onEvaluated(setKey, result);
                      });
    return true;
}

void EvaluationController::onEvaluated(const QString &setKey, const EvaluationJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Evaluation failed")))
        return;
    const EvaluatedRun &evaluated = *result.value;
    m_ctx.sets->remember(setKey, evaluated.embeddings);
    const auto report = std::shared_ptr<const engine::EvaluationReport>(result.value, &evaluated.report);
    const QString split = fromStd(report->split);
    const bool bm25 = setKey == EmbeddingSetStore::bm25Key();

    RunRecord record;
    record.report = report;
    record.base = evaluated.embeddings;
    record.specJson = fromStd(engine::runSpecToJson(evaluated.spec));
    record.warnings = result.warnings;
    record.run = evaluated.run;
    if (bm25) {
        record.name = QStringLiteral("BM25");
        record.description = tr("BM25 (k1 0.9, b 0.4, Lucene idf) over title + text; split %1, %2 queries")
                                 .arg(split, count(qint64(report->metrics.queries.size())));
    } else {
        const Row *row = m_ctx.sets->find(setKey);
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
    m_ctx.runs->setLastEvaluation(report);
    const QString runKey =
        m_ctx.runs->add(RunStore::evaluationKey(setKey, split, evaluated.hnsw != nullptr), std::move(record), split);
    m_ctx.runs->setCurrentKey(runKey);
    m_ctx.feedback->showStatus(tr("Evaluated %1 queries of split %2: nDCG@10 = %3")
                                   .arg(report->metrics.queries.size())
                                   .arg(split, ndcg10Text(*report)));
    emit evaluationFinished();
}

QString EvaluationController::hnswSummary(const HnswEvaluation &hnsw) const
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

void EvaluationController::showEvaluateDialog()
{
    const QString title = tr("Cannot evaluate");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return;
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        m_ctx.feedback->showError(title, tr("Select an embedding set with vectors in the Embeddings tab (BM25 is "
                                            "evaluated with Evaluate BM25, Ctrl+B)."));
        return;
    }
    auto *dialog = new EvaluateDialog(m_search, row->name, m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        setSearchSettings(dialog->settings());
        evaluate();
    });
    dialog->open();
}

// ---------------------------------------------------------------------------------------------
// Save HNSW Index

void EvaluationController::chooseSaveIndex()
{
    const QString title = tr("Cannot save the index");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return;
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run || !run->hnsw) {
        m_ctx.feedback->showError(title, tr("Select a run evaluated with HNSW search in the table."));
        return;
    }
    const QString parent =
        m_ctx.settings->value(kExportFolderSetting, QDir::home().filePath(QStringLiteral("embtune-exports"))).toString();
    QString name = run->name;
    name.remove(QStringLiteral(" (HNSW)")).replace(QLatin1Char(' '), QLatin1Char('-'));
    const QString path = QFileDialog::getSaveFileName(m_ctx.window, tr("Save HNSW Index"),
                                                      QDir(parent).filePath(name + QStringLiteral(".hnsw")),
                                                      tr("hnswlib index (*.hnsw *.bin);;All files (*)"));
    if (!path.isEmpty())
        saveHnswIndex(runKey, path);
}

bool EvaluationController::saveHnswIndex(const QString &runKey, const QString &path)
{
    const QString title = tr("Cannot save the index");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run || !run->hnsw) {
        m_ctx.feedback->showError(title, tr("No HNSW run \"%1\".").arg(runKey));
        return false;
    }
    if (path.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("Choose a file name."));
        return false;
    }
    const QString file = preparedOutputFile(*m_ctx.feedback, title, path);
    if (file.isEmpty())
        return false;
    JobProgress *progress = m_ctx.jobs->begin(tr("Saving the HNSW index of %1").arg(run->name));
    m_ctx.jobs->watch(saveHnswIndexAsync(run->hnsw->index, file, progress), [this, runKey](const SaveIndexJobResult &result) {
        if (m_ctx.jobs->handleError(result.error, tr("Cannot save the index")))
            return;
        if (m_ctx.options.saveSettings)
            m_ctx.settings->setValue(kExportFolderSetting, QFileInfo(result.value->indexFile).absolutePath());
        if (RunRecord *run = m_ctx.runs->findMutable(runKey)) {
            run->description += tr("\nsaved to %1 (+ %2)")
                                    .arg(QDir::toNativeSeparators(result.value->indexFile),
                                         QFileInfo(result.value->sidecarFile).fileName());
            m_ctx.runs->notifyChanged(runKey);
        }
        m_ctx.feedback->showStatus(tr("Saved the HNSW index to %1 (%2) and its sidecar %3")
                                       .arg(QDir::toNativeSeparators(result.value->indexFile),
                                            bytesText(result.value->indexBytes),
                                            QFileInfo(result.value->sidecarFile).fileName()));
        emit indexSaved(result.value->indexFile);
    });
    return true;
}

} // namespace embtune::gui
