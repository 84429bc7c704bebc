#include "controllers/analysis_controller.h"

#include "analysis_view.h"
#include "dataset_context.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"
#include "methods/method.h"
#include "run_store.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QPushButton>
#include <QTimer>

namespace embtune::gui {

namespace {

QString methodName(const QString &methodId)
{
    const engine::Method *method = engine::findMethod(methodId.toStdString());
    return method ? fromStd(method->spec().displayName) : methodId;
}

} // namespace

AnalysisController::AnalysisController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    m_action = new QAction(tr("&Analysis"), this);
    m_action->setObjectName(QStringLiteral("actionAnalysis"));
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    const QString tip = tr("Analyse the selected run: anisotropy before and after tuning, cosine histograms of "
                           "relevant, random and top-10 non-relevant pairs, the PCA plane with arrows for moved "
                           "vectors, and the out-of-distribution report (Ctrl+4)");
    m_action->setToolTip(tip);
    m_action->setStatusTip(tip);
    connect(m_action, &QAction::triggered, this, [this] { showAnalysis(); });

    m_view = new widgets::AnalysisView(m_ctx.window);
    m_view->setObjectName(QStringLiteral("analysisView"));
    connect(m_view, &widgets::AnalysisView::oodRequested, this, [this] { runOodReport(); });
    m_dock = new QDockWidget(tr("Analysis"), m_ctx.window);
    m_dock->setObjectName(QStringLiteral("analysisDock"));
    m_dock->setWidget(m_view);
    m_dock->hide(); // explicitly hidden: addDockWidget keeps it so

    // Forget analyses of runs that left the comparison.
    connect(m_ctx.runs, &RunStore::runRemoved, this, &AnalysisController::forget);
    connect(m_ctx.runs, &RunStore::cleared, this, &AnalysisController::forgetAll);

    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &AnalysisController::updateAction);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &AnalysisController::updateAction);
    // The current run's record may arrive or change under the same key.
    connect(m_ctx.runs, &RunStore::runAdded, this, &AnalysisController::updateAction);
    connect(m_ctx.runs, &RunStore::runChanged, this, &AnalysisController::updateAction);
    connect(m_ctx.runs, &RunStore::runRemoved, this, &AnalysisController::updateAction);
    connect(m_ctx.runs, &RunStore::cleared, this, &AnalysisController::updateAction);
    updateAction();
}

void AnalysisController::updateAction()
{
    const RunRecord *run = m_ctx.runs->find(m_ctx.runs->currentKey());
    m_action->setEnabled(!m_ctx.jobs->isBusy() && run && run->base != nullptr);
}

void AnalysisController::forget(const QString &runKey)
{
    m_analyses.remove(runKey);
    if (!m_runKey.isEmpty() && m_runKey == runKey) {
        m_runKey.clear();
        m_view->showMessage(tr("The analysed run was removed. Select a run and press Ctrl+4."));
    }
}

void AnalysisController::forgetAll()
{
    m_analyses.clear();
    if (!m_runKey.isEmpty()) {
        m_runKey.clear();
        m_view->showMessage(tr("The analysed run was removed. Select a run and press Ctrl+4."));
    }
}

void AnalysisController::placeDock()
{
    QMainWindow *window = m_ctx.window;
    if (m_dock->isHidden()) {
        // Beside the comparison when the window is wide enough, else a window of its own (the
        // user can dock it again).
        if (window->width() >= 1800) {
            m_dock->setFloating(false);
            m_dock->show();
            window->resizeDocks({m_dock}, {int(window->width() * 0.55)}, Qt::Horizontal);
        } else {
            const QSize size = QSize(1400, 900).boundedTo(window->size());
            const QRect floating(window->geometry().center() - QPoint(size.width() / 2, size.height() / 2), size);
            m_dock->setFloating(true);
            m_dock->show();
            m_dock->setGeometry(floating);
        }
    }
    m_dock->raise();
}

bool AnalysisController::showAnalysis(const QString &runKey)
{
    const QString title = tr("Cannot analyse");
    const QString key = runKey.isEmpty() ? m_ctx.runs->currentKey() : runKey;
    const RunRecord *run = m_ctx.runs->find(key);
    if (!run) {
        m_ctx.feedback->showError(title, tr("Select a run in the comparison table first."));
        return false;
    }
    if (!run->base) {
        m_ctx.feedback->showError(title, tr("%1 has no embedding vectors to analyse (a BM25 run, or a run restored "
                                            "without its vectors).")
                                             .arg(run->name));
        return false;
    }
    const CachedAnalysis cached = m_analyses.value(key);
    const bool fromCache = cached.analysis && cached.base == run->base && cached.tuned == run->tuned;
    if (!fromCache && m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    placeDock();

    const bool trained = !run->methodId.isEmpty() && run->tuned;
    const QString oodTip =
        trained ? tr("k-means (k = 2, seed 0) on the train queries' vectors; %1 is fitted again with the same "
                     "parameters on cluster 0's train and dev queries; the split's test queries are scored in "
                     "cluster 0 (in-distribution) and cluster 1 (out-of-distribution) for the baseline and the "
                     "method")
                      .arg(methodName(run->methodId))
                : tr("The OOD report needs a trained run.");
    if (fromCache) {
        m_runKey = key;
        m_view->setAnalysis(cached.analysis);
        m_view->setOodAvailable(trained, oodTip);
        if (cached.ood)
            m_view->setOodReport(*cached.ood, methodName(run->methodId));
        QTimer::singleShot(0, this, [this, key] { emit analysisFinished(key); });
        return true;
    }

    const auto dataset = m_ctx.dataset->dataset();
    AnalysisSpec spec;
    spec.dataset = dataset;
    spec.base = run->base;
    spec.tuned = run->tuned;
    spec.runName = run->name;
    spec.methodId = run->methodId.isEmpty() ? QString() : methodName(run->methodId);
    spec.split = run->report->split;
    spec.tunedSimilarity = run->similarity;
    m_runKey = key;
    m_view->showMessage(tr("Analysing %1 ...").arg(run->name));
    JobProgress *progress = m_ctx.jobs->begin(tr("Analysing %1").arg(run->name));
    m_ctx.jobs->watch(analyzeRunAsync(std::move(spec), progress),
                      [this, key, base = run->base, tuned = run->tuned, dataset, trained,
                       oodTip](const AnalysisJobResult &result) {
                          if (dataset != m_ctx.dataset->dataset())
                              return;
                          if (result.value)
                              m_analyses.insert(key, CachedAnalysis{result.value, base, tuned, {}});
                          if (result.value && key == m_runKey)
                              m_view->setOodAvailable(trained, oodTip);
                          onAnalyzed(key, result);
                      });
    return true;
}

void AnalysisController::onAnalyzed(const QString &runKey, const AnalysisJobResult &result)
{
    if (result.error) {
        if (runKey == m_runKey)
            m_view->showMessage(result.cancelled()
                                    ? tr("The analysis was cancelled.")
                                    : tr("The analysis failed: %1").arg(fromStd(result.error->toString())));
        m_ctx.jobs->handleError(result.error, tr("Analysis failed"));
        return;
    }
    if (runKey != m_runKey)
        return;
    m_view->setAnalysis(result.value);
    m_ctx.feedback->showStatus(
        tr("Analysed %1 in %2 s").arg(result.value->runName).arg(result.seconds, 0, 'f', 2));
    emit analysisFinished(runKey);
}

bool AnalysisController::runOodReport()
{
    const QString title = tr("Cannot run the OOD report");
    const QString key = m_runKey;
    const RunRecord *run = m_ctx.runs->find(key);
    if (!run || run->methodId.isEmpty() || !run->base) {
        m_ctx.feedback->showError(title, tr("Analyse a trained run first (select it and press Ctrl+4)."));
        return false;
    }
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const auto dataset = m_ctx.dataset->dataset();
    OodSpec spec;
    spec.dataset = dataset;
    spec.base = run->base;
    spec.methodId = run->methodId.toStdString();
    spec.params = run->params;
    spec.trainQueriesFile = run->trainQueriesFile;
    spec.devQueriesFile = run->devQueriesFile;
    spec.split = run->report->split;
    const QString method = methodName(run->methodId);
    m_view->setOodAvailable(false, m_view->oodButton()->toolTip());
    m_view->setOodMessage(tr("Clustering the train queries and fitting %1 on cluster 0 ...").arg(method));
    JobProgress *progress = m_ctx.jobs->begin(tr("OOD report of %1").arg(run->name));
    m_ctx.jobs->watch(oodReportAsync(std::move(spec), progress), [this, key, method, dataset](const OodJobResult &result) {
        if (dataset != m_ctx.dataset->dataset() || key != m_runKey)
            return;
        m_view->setOodAvailable(true, m_view->oodButton()->toolTip());
        if (result.error) {
            m_view->setOodMessage(result.cancelled()
                                      ? tr("The OOD report was cancelled.")
                                      : tr("The OOD report failed: %1").arg(fromStd(result.error->toString())));
            m_ctx.jobs->handleError(result.error, tr("OOD report failed"));
            return;
        }
        if (auto cached = m_analyses.find(key); cached != m_analyses.end())
            cached->ood = result.value;
        m_view->setOodReport(*result.value, method);
        m_ctx.feedback->showStatus(
            tr("OOD report of %1: nDCG@10 in cluster 1 %2 (baseline %3)")
                .arg(method)
                .arg(result.value->mean(result.value->tuned, 1, engine::Metric::Ndcg, 10), 0, 'f', 4)
                .arg(result.value->mean(result.value->baseline, 1, engine::Metric::Ndcg, 10), 0, 'f', 4));
        emit oodReportFinished(key);
    });
    return true;
}

} // namespace embtune::gui
