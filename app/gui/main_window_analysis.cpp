// MainWindow: the analysis view of a run (View > Analysis, Ctrl+4, or the comparison table's
// context menu), in a dock: anisotropy before/after, cosine histograms, the PCA scatter and the
// out-of-distribution report. The analysis and the OOD report run as the window's job on a worker
// thread (app/gui/jobs/analysis_jobs); the GUI thread only hands the results to the view.

#include "main_window.h"

#include "analysis_view.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "methods/method.h"
#include "metrics_table_model.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>

namespace embtune::gui {

namespace {

constexpr int kStatusTimeoutMs = 10000;

QString methodName(const QString &methodId)
{
    const engine::Method *method = engine::findMethod(methodId.toStdString());
    return method ? fromStd(method->spec().displayName) : methodId;
}

} // namespace

void MainWindow::createAnalysisDock()
{
    m_analysisAction = new QAction(tr("&Analysis"), this);
    m_analysisAction->setObjectName(QStringLiteral("actionAnalysis"));
    m_analysisAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    const QString tip = tr("Analyse the selected run: anisotropy before and after tuning, cosine histograms of "
                           "relevant, random and top-10 non-relevant pairs, the PCA plane with arrows for moved "
                           "vectors, and the out-of-distribution report (Ctrl+4)");
    m_analysisAction->setToolTip(tip);
    m_analysisAction->setStatusTip(tip);
    connect(m_analysisAction, &QAction::triggered, this, [this] { showAnalysis(); });

    m_analysisView = new widgets::AnalysisView(this);
    m_analysisView->setObjectName(QStringLiteral("analysisView"));
    connect(m_analysisView, &widgets::AnalysisView::oodRequested, this, [this] { runOodReport(); });
    m_analysisDock = new QDockWidget(tr("Analysis"), this);
    m_analysisDock->setObjectName(QStringLiteral("analysisDock"));
    m_analysisDock->setWidget(m_analysisView);
    addDockWidget(Qt::RightDockWidgetArea, m_analysisDock);
    m_analysisDock->hide();

    // The View menu (made here unless another part of the window made one), before Help.
    QMenu *viewMenu = nullptr;
    QAction *helpMenu = nullptr;
    for (QAction *action : menuBar()->actions()) {
        if (!action->menu())
            continue;
        if (action->menu()->objectName() == QStringLiteral("viewMenu") || action->text() == tr("&View"))
            viewMenu = action->menu();
        if (action->text() == tr("&Help"))
            helpMenu = action;
    }
    if (!viewMenu) {
        viewMenu = new QMenu(tr("&View"), this);
        viewMenu->setObjectName(QStringLiteral("viewMenu"));
        menuBar()->insertMenu(helpMenu, viewMenu);
    }
    viewMenu->addAction(m_analysisAction);
    m_metricsTable->addAction(m_analysisAction);

    // Forget analyses of runs that left the comparison.
    auto prune = [this] {
        const QStringList keys = runKeys();
        for (auto it = m_analyses.begin(); it != m_analyses.end();)
            it = keys.contains(it.key()) ? std::next(it) : m_analyses.erase(it);
        if (!m_analysisRunKey.isEmpty() && !keys.contains(m_analysisRunKey)) {
            m_analysisRunKey.clear();
            m_analysisView->showMessage(tr("The analysed run was removed. Select a run and press Ctrl+4."));
        }
    };
    connect(m_metricsModel, &QAbstractItemModel::modelReset, this, prune);
    connect(m_metricsModel, &QAbstractItemModel::rowsRemoved, this, prune);
}

bool MainWindow::showAnalysis(const QString &runKey)
{
    const QString title = tr("Cannot analyse");
    const QString key = runKey.isEmpty() ? currentRunKey() : runKey;
    const auto it = m_runs.constFind(key);
    if (it == m_runs.constEnd()) {
        showError(title, tr("Select a run in the comparison table first."));
        return false;
    }
    if (!it->base) {
        showError(title, tr("%1 has no embedding vectors to analyse (a BM25 run, or a run restored without its "
                            "vectors).")
                             .arg(it->name));
        return false;
    }
    const CachedAnalysis cached = m_analyses.value(key);
    const bool fromCache = cached.analysis && cached.base == it->base && cached.tuned == it->tuned;
    if (!fromCache && refuseJob(title, true))
        return false;
    if (m_analysisDock->isHidden()) {
        // Beside the comparison when the window is wide enough, else a window of its own (the
        // user can dock it again).
        if (width() >= 1800) {
            m_analysisDock->setFloating(false);
            m_analysisDock->show();
            resizeDocks({m_analysisDock}, {int(width() * 0.55)}, Qt::Horizontal);
        } else {
            const QSize size = QSize(1400, 900).boundedTo(this->size());
            const QRect floating(geometry().center() - QPoint(size.width() / 2, size.height() / 2), size);
            m_analysisDock->setFloating(true);
            m_analysisDock->show();
            m_analysisDock->setGeometry(floating);
        }
    }
    m_analysisDock->raise();

    const bool trained = !it->methodId.isEmpty() && it->tuned;
    const QString oodTip =
        trained ? tr("k-means (k = 2, seed 0) on the train queries' vectors; %1 is fitted again with the same "
                     "parameters on cluster 0's train and dev queries; the split's test queries are scored in "
                     "cluster 0 (in-distribution) and cluster 1 (out-of-distribution) for the baseline and the "
                     "method")
                      .arg(methodName(it->methodId))
                : tr("The OOD report needs a trained run.");
    if (fromCache) {
        m_analysisRunKey = key;
        m_analysisView->setAnalysis(cached.analysis);
        m_analysisView->setOodAvailable(trained, oodTip);
        if (cached.ood)
            m_analysisView->setOodReport(*cached.ood, methodName(it->methodId));
        QTimer::singleShot(0, this, [this, key] { emit analysisFinished(key); });
        return true;
    }

    AnalysisSpec spec;
    spec.dataset = m_dataset;
    spec.base = it->base;
    spec.tuned = it->tuned;
    spec.runName = it->name;
    spec.methodId = it->methodId.isEmpty() ? QString() : methodName(it->methodId);
    spec.split = it->report->split;
    spec.tunedSimilarity = it->similarity;
    m_analysisRunKey = key;
    m_analysisView->showMessage(tr("Analysing %1 ...").arg(it->name));
    JobProgress *progress = beginJob(tr("Analysing %1").arg(it->name));
    watchJob(analyzeRunAsync(std::move(spec), progress),
             [this, key, base = it->base, tuned = it->tuned, dataset = m_dataset, trained,
              oodTip](const AnalysisJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 if (result.value)
                     m_analyses.insert(key, CachedAnalysis{result.value, base, tuned, {}});
                 if (result.value && key == m_analysisRunKey)
                     m_analysisView->setOodAvailable(trained, oodTip);
                 onAnalyzed(key, result);
             });
    return true;
}

void MainWindow::onAnalyzed(const QString &runKey, const AnalysisJobResult &result)
{
    if (result.error) {
        if (runKey == m_analysisRunKey)
            m_analysisView->showMessage(result.cancelled() ? tr("The analysis was cancelled.")
                                                           : tr("The analysis failed: %1").arg(fromStd(result.error->toString())));
        handleJobError(result.error, tr("Analysis failed"));
        return;
    }
    if (runKey != m_analysisRunKey)
        return;
    m_analysisView->setAnalysis(result.value);
    statusBar()->showMessage(tr("Analysed %1 in %2 s").arg(result.value->runName).arg(result.seconds, 0, 'f', 2),
                             kStatusTimeoutMs);
    emit analysisFinished(runKey);
}

bool MainWindow::runOodReport()
{
    const QString title = tr("Cannot run the OOD report");
    const QString key = m_analysisRunKey;
    const auto it = m_runs.constFind(key);
    if (it == m_runs.constEnd() || it->methodId.isEmpty() || !it->base) {
        showError(title, tr("Analyse a trained run first (select it and press Ctrl+4)."));
        return false;
    }
    if (refuseJob(title, true))
        return false;
    OodSpec spec;
    spec.dataset = m_dataset;
    spec.base = it->base;
    spec.methodId = it->methodId.toStdString();
    spec.params = it->params;
    spec.trainQueriesFile = it->trainQueriesFile;
    spec.devQueriesFile = it->devQueriesFile;
    spec.split = it->report->split;
    const QString method = methodName(it->methodId);
    m_analysisView->setOodAvailable(false, m_analysisView->oodButton()->toolTip());
    m_analysisView->setOodMessage(tr("Clustering the train queries and fitting %1 on cluster 0 ...").arg(method));
    JobProgress *progress = beginJob(tr("OOD report of %1").arg(it->name));
    watchJob(oodReportAsync(std::move(spec), progress),
             [this, key, method, dataset = m_dataset](const OodJobResult &result) {
                 if (dataset != m_dataset || key != m_analysisRunKey)
                     return;
                 m_analysisView->setOodAvailable(true, m_analysisView->oodButton()->toolTip());
                 if (result.error) {
                     m_analysisView->setOodMessage(result.cancelled()
                                                       ? tr("The OOD report was cancelled.")
                                                       : tr("The OOD report failed: %1").arg(fromStd(result.error->toString())));
                     handleJobError(result.error, tr("OOD report failed"));
                     return;
                 }
                 if (auto cached = m_analyses.find(key); cached != m_analyses.end())
                     cached->ood = result.value;
                 m_analysisView->setOodReport(*result.value, method);
                 statusBar()->showMessage(tr("OOD report of %1: nDCG@10 in cluster 1 %2 (baseline %3)")
                                              .arg(method)
                                              .arg(result.value->mean(result.value->tuned, 1, engine::Metric::Ndcg, 10), 0, 'f', 4)
                                              .arg(result.value->mean(result.value->baseline, 1, engine::Metric::Ndcg, 10), 0, 'f', 4),
                                          kStatusTimeoutMs);
                 emit oodReportFinished(key);
             });
    return true;
}

} // namespace embtune::gui
