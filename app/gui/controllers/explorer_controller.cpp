#include "controllers/explorer_controller.h"

#include "dataset_context.h"
#include "job_runner.h"
#include "jobs/job_result.h"
#include "metrics_table_model.h"
#include "query_explorer_model.h"
#include "query_explorer_ranking_model.h"
#include "query_explorer_view.h"
#include "run/run_fusion.h"
#include "run_store.h"

#include <QEvent>
#include <QMainWindow>
#include <QtConcurrent/QtConcurrentRun>

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
    connect(m_view, &widgets::QueryExplorerView::currentQueryChanged, this, &ExplorerController::requestBreakdowns);
}

void ExplorerController::requestBreakdowns(int query)
{
    if (query < 0)
        return;
    for (int side : {0, 1}) {
        const QString key = side == 0 ? m_view->runA() : m_view->runB();
        const RunRecord *record = m_ctx.runs->find(key);
        if (!record || !record->run || !record->run->fusion)
            continue;
        widgets::QueryRankingModel *model = side == 0 ? m_view->rankingA() : m_view->rankingB();
        std::vector<int32_t> docs;
        for (const widgets::QueryRankingModel::Entry &entry : model->entries())
            docs.push_back(entry.doc);
        if (docs.empty())
            continue;
        QStringList names;
        for (const std::string &name : record->run->fusion->memberNames)
            names << QString::fromStdString(name);
        using Breakdown = engine::Result<std::vector<std::vector<engine::FusionContribution>>>;
        auto job = QtConcurrent::run(workerPool(), [run = record->run, query, docs]() -> Breakdown {
            try {
                return engine::fusionBreakdown(*run, query, docs);
            } catch (const std::bad_alloc &) {
                return engine::Error{engine::ErrorCode::Internal, "out of memory", {}, -1};
            }
        });
        m_ctx.jobs->watchSide(job, [this, side, key, query, names, model, docs](const Breakdown &breakdown) {
            // Only for the list still shown.
            if (!breakdown || m_view->currentQuery() != query || (side == 0 ? m_view->runA() : m_view->runB()) != key)
                return;
            QList<QList<widgets::QueryRankingModel::MemberValue>> rows;
            for (const auto &contributions : *breakdown) {
                QList<widgets::QueryRankingModel::MemberValue> row;
                for (const engine::FusionContribution &c : contributions)
                    row.append({c.rank, c.value});
                rows.append(row);
            }
            if (int(rows.size()) != model->rowCount())
                return;
            model->setMemberBreakdown(names, rows);
            emit memberBreakdownShown(side, query);
        });
    }
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
