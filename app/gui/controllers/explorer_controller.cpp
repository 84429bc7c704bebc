#include "controllers/explorer_controller.h"

#include "dataset_context.h"
#include "metrics_table_model.h"
#include "query_explorer_model.h"
#include "query_explorer_view.h"
#include "run_store.h"

#include <QEvent>
#include <QMainWindow>

namespace embtune::gui {

ExplorerController::ExplorerController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    m_view = new widgets::QueryExplorerView(m_ctx.window);
    m_view->setObjectName(QStringLiteral("queryExplorer"));
    // A tab widget shows (ShowToParent) the page it makes current and hides the others.
    m_view->installEventFilter(this);

    const auto refresh = [this] { refreshRuns(); };
    connect(m_ctx.runs, &RunStore::runAdded, this, refresh);
    connect(m_ctx.runs, &RunStore::runRemoved, this, refresh);
    connect(m_ctx.runs, &RunStore::cleared, this, refresh);
    // Not on DatasetContext::datasetChanged: the RunStore may still hold the previous dataset's runs
    // then. Opening a dataset clears the RunStore, and every refresh passes the open dataset.
}

QString ExplorerController::tabTitle()
{
    return tr("&Query Explorer");
}

QString ExplorerController::tabToolTip()
{
    return tr("Queries by change in nDCG@10 between two runs; their top 10 side by side "
              "(double-click a run in the table to open it against the baseline)");
}

bool ExplorerController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::ShowToParent && m_stale)
        loadRuns();
    return QObject::eventFilter(watched, event);
}

void ExplorerController::showQueryExplorer(const QString &runKeyA, const QString &runKeyB)
{
    emit explorerWanted();
    loadRuns();
    const widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    const QString a = runKeyA.isEmpty() ? model->baselineKey() : runKeyA;
    QString b = runKeyB;
    if (b.isEmpty()) {
        b = m_ctx.runs->currentKey();
        if (b.isEmpty() || b == a)
            b = model->runKey(model->runCount() - 1);
    }
    if (m_view->setRunPair(a, b))
        m_view->showQuery(m_view->queryModel()->largestGainQuery());
}

void ExplorerController::refreshRuns()
{
    if (m_view->isHidden()) {
        m_stale = true;
        return;
    }
    loadRuns();
}

void ExplorerController::loadRuns()
{
    m_stale = false;
    m_view->setDataset(m_ctx.dataset->dataset());
    const widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    QList<widgets::ExplorerRun> runs;
    for (int row = 0; row < model->runCount(); ++row) {
        const QString key = model->runKey(row);
        const RunRecord *run = m_ctx.runs->find(key);
        if (run && run->report)
            runs.append({key, model->runLabel(row), run->report});
    }
    m_view->setRuns(runs);
}

} // namespace embtune::gui
