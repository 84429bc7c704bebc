// CompareController: widgets, actions, the current run binding, run details, the summary line and
// significance. The exports are in compare_controller_exports.cpp.

#include "gui_actions.h"
#include "controllers/compare_controller.h"

#include "dataset_context.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/training_queue.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "run/run_spec.h"
#include "run_details_view.h"
#include "run_store.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMainWindow>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

namespace embtune::gui {

namespace {

struct ComparisonOutcome {
    int generation = 0;
    QStringList keys; // run key of each table row
    QString baselineKey;
    std::optional<engine::ComparisonTable> table;
    std::optional<engine::Error> error;
};

} // namespace

engine::Result<engine::ComparisonTable> CompareController::buildComparison(const ComparisonInput &input,
                                                                           bool significance)
{
    std::vector<engine::ComparisonRunInput> runs;
    for (size_t i = 0; i < input.reports.size(); ++i)
        runs.push_back({input.names[i], &input.reports[i]->metrics});
    engine::ComparisonOptions options;
    options.baseline = input.baseline;
    options.significance = significance;
    return engine::buildComparisonTable(runs, input.columns, options, nullptr);
}

CompareController::CompareController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    createActions();
    createWidgets();

    // The table's selected row and the RunStore's current run follow each other.
    connect(m_compareView, &widgets::CompareView::currentRunChanged, this, &CompareController::takeCurrentFromView);
    connect(m_compareView->tableView()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CompareController::takeCurrentFromView);
    connect(m_ctx.runs, &RunStore::currentChanged, this, &CompareController::onCurrentChanged);
    connect(m_ctx.runs, &RunStore::runAdded, this, [this](const QString &key) {
        updateEvaluationSummary(key);
        if (key == m_ctx.runs->currentKey()) // replaced in place: no currentChanged
            showRunDetails(key);
        updateActions();
    });
    connect(m_ctx.runs, &RunStore::runRemoved, this, &CompareController::updateActions);
    connect(m_ctx.runs, &RunStore::runChanged, this, [this](const QString &key) {
        if (key == m_ctx.runs->currentKey())
            showRunDetails(key);
        updateActions();
    });
    connect(m_ctx.runs, &RunStore::cleared, this, &CompareController::onCleared);

    // Significance markers follow the runs, the baseline and the columns; they wait for the
    // training runs to end.
    widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    const auto significance = [this] { scheduleSignificance(); };
    connect(model, &QAbstractItemModel::rowsInserted, this, significance);
    connect(model, &QAbstractItemModel::rowsRemoved, this, significance);
    connect(model, &QAbstractItemModel::modelReset, this, significance);
    connect(model, &QAbstractItemModel::dataChanged, this, significance);
    connect(model, &widgets::MetricsTableModel::baselineChanged, this, significance);
    connect(m_ctx.training, &TrainingQueue::activeChanged, this, [this] {
        if (m_significanceQueued && !m_ctx.training->isActive())
            startSignificance();
    });
    updateActions();
}

void CompareController::createActions()
{
    auto make = [this](const QString &text, const QString &name, const QString &tip) {
        return makeAction(this, QIcon(), text, name, tip);
    };
    m_exportTrecRun = make(tr("Export TREC R&un File..."), QStringLiteral("actionExportTrecRun"),
                           tr("Write the selected run's ranking as a TREC run file: qid Q0 docid rank score tag, "
                              "top 100 per query (trec_eval reads it)"));
    connect(m_exportTrecRun, &QAction::triggered, this, &CompareController::chooseExportTrecRun);

    m_exportAdapter = make(tr("Export &Adapter..."), QStringLiteral("actionExportAdapter"),
                           tr("Write the selected trained run's adapter as safetensors: its tensors, and the "
                              "method, parameters, formulas and base embedding in __metadata__ (apply it with "
                              "NumPy: docs/apply_adapter.py)"));
    connect(m_exportAdapter, &QAction::triggered, this, &CompareController::chooseExportAdapter);

    m_copyCommandLine = make(tr("Copy as &Command Line"), QStringLiteral("actionCopyCommandLine"),
                             tr("Copy the embtune-cli command that makes the selected run again (Ctrl+Shift+C)"));
    m_copyCommandLine->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_copyCommandLine, &QAction::triggered, this, [this] { copyCommandLine(m_ctx.runs->currentKey()); });

    // Clearing is one undoable step of the workspace controller's (clearRunsRequested).
    m_clearRuns = make(tr("C&lear Runs"), QStringLiteral("actionClearRuns"),
                       tr("Remove every run from the comparison (and the workspace); Edit > Undo brings them back"));
    connect(m_clearRuns, &QAction::triggered, this, &CompareController::clearRunsRequested);
}

void CompareController::createWidgets()
{
    m_summary = new QLabel(m_ctx.window);
    m_summary->setObjectName(QStringLiteral("evaluationSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(QStringLiteral("<i>%1</i>").arg(
        tr("Select embeddings, choose a split and press Evaluate (Ctrl+E) or Train (Ctrl+T).").toHtmlEscaped()));

    m_runDetails = new widgets::RunDetailsView(m_ctx.window);
    m_runDetails->setObjectName(QStringLiteral("runDetails"));
    m_runDetails->toolBar()->addAction(m_copyCommandLine);

    m_compareView = new widgets::CompareView(m_ctx.runs->metricsModel(), m_ctx.window);
    m_compareView->setObjectName(QStringLiteral("compareView"));
    m_compareView->addSideWidget(m_runDetails);
    QTableView *table = m_compareView->tableView();
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    table->addActions({m_exportAdapter, m_exportTrecRun, m_copyCommandLine, m_clearRuns});
    connect(m_compareView, &widgets::CompareView::exportRequested, this, &CompareController::chooseComparisonExport);
    const auto activated = [this](const QString &runKey) {
        emit explorerRequested(m_ctx.runs->metricsModel()->baselineKey(), runKey);
    };
    connect(m_compareView, &widgets::CompareView::runActivated, this, activated);
    connect(m_compareView->chart(), &widgets::MetricsChartView::pointClicked, this, activated);

    m_resultsTabs = new QTabWidget(m_ctx.window);
    m_resultsTabs->setObjectName(QStringLiteral("resultsTabs"));
    m_resultsTabs->setDocumentMode(true);
    m_resultsTabs->addTab(m_compareView, tr("Com&pare"));
    m_resultsTabs->setTabToolTip(0, tr("Runs by metric: deltas and significance against a baseline, curves, exports"));
}

int CompareController::addResultsTab(QWidget *page, const QString &title, const QString &toolTip)
{
    const int index = m_resultsTabs->addTab(page, title);
    m_resultsTabs->setTabToolTip(index, toolTip);
    return index;
}

void CompareController::showResultsTab(QWidget *page)
{
    m_resultsTabs->setCurrentWidget(page);
}

void CompareController::setRunActions(const QList<QAction *> &actions)
{
    QTableView *table = m_compareView->tableView();
    for (QAction *action : table->actions())
        table->removeAction(action);
    table->addActions(actions);
}

void CompareController::addRunActions(const QList<QAction *> &actions)
{
    m_compareView->tableView()->addActions(actions);
}

void CompareController::setDetailsActions(const QList<QAction *> &actions)
{
    QToolBar *bar = m_runDetails->toolBar();
    bar->clear();
    bar->addActions(actions);
}

void CompareController::showCompare()
{
    m_resultsTabs->setCurrentWidget(m_compareView);
}

void CompareController::updateActions()
{
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *run = m_ctx.runs->find(runKey);
    m_exportTrecRun->setEnabled(!runKey.isEmpty());
    m_exportAdapter->setEnabled(run && run->model != nullptr);
    m_copyCommandLine->setEnabled(run && !run->specJson.isEmpty());
    m_clearRuns->setEnabled(!m_ctx.runs->metricsModel()->isEmpty());
}

// ---------------------------------------------------------------------------------------------
// The current run

void CompareController::takeCurrentFromView()
{
    if (!m_selecting)
        m_ctx.runs->setCurrentKey(m_compareView->currentRunKey());
}

void CompareController::onCurrentChanged(const QString &runKey)
{
    if (!runKey.isEmpty() && m_compareView->currentRunKey() != runKey) {
        m_selecting = true;
        m_compareView->selectRun(runKey);
        m_selecting = false;
    }
    showRunDetails(runKey);
    updateActions();
    if (!runKey.isEmpty())
        updateEvaluationSummary(runKey);
}

void CompareController::showRunDetails(const QString &runKey)
{
    const widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    const RunRecord *run = m_ctx.runs->find(runKey);
    const int row = model->rowOfRun(runKey);
    if (!run || row < 0) {
        m_runDetails->clear();
        return;
    }
    widgets::RunDetails details;
    details.title = model->runLabel(row);
    details.color = model->runColor(row);
    details.description = run->description;
    details.reportJson = run->reportJson;
    if (const QString command = commandLineOf(runKey); !command.isEmpty())
        details.description += tr("\ncommand line: %1").arg(command);
    m_runDetails->setDetails(details);
}

QString CompareController::commandLineOf(const QString &runKey) const
{
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run || run->specJson.isEmpty())
        return {};
    auto spec = engine::runSpecFromJson(run->specJson.toStdString());
    if (!spec)
        return {};
    return fromStd(engine::shellCommandLine(engine::runSpecCommandLine(*spec)));
}

bool CompareController::copyCommandLine(const QString &runKey)
{
    const QString command = commandLineOf(runKey);
    if (command.isEmpty()) {
        m_ctx.feedback->showError(
            tr("Cannot copy the command line"),
            tr("Select a run made in this version of embtune: its spec is what the command line is made of."));
        return false;
    }
    QGuiApplication::clipboard()->setText(command);
    m_ctx.feedback->showStatus(tr("Copied: %1").arg(command));
    return true;
}

void CompareController::updateEvaluationSummary(const QString &runKey)
{
    const RunRecord *run = m_ctx.runs->find(runKey);
    const auto dataset = m_ctx.dataset->dataset();
    if (!run || !run->report || !dataset)
        return;
    const engine::EvaluationReport &report = *run->report;
    QString summary = tr("<b>%1</b> on <b>%2</b>, split <b>%3</b>: %4 queries evaluated (of %5 judged), "
                         "nDCG@10 %6; search in %7 s. %8 run(s) compared.")
                          .arg(run->name.toHtmlEscaped(), fromStd(dataset->name).toHtmlEscaped(),
                               fromStd(report.split).toHtmlEscaped(), count(qint64(report.metrics.queries.size())),
                               count(report.judgedQueries), ndcg10Text(report))
                          .arg(report.searchSeconds, 0, 'f', 2)
                          .arg(m_ctx.runs->metricsModel()->runCount());
    if (run->hnsw) {
        const HnswEvaluation &hnsw = *run->hnsw;
        summary += tr("<br>HNSW (M %1, ef_construction %2, ef %3): <b>ANN recall@10 %4</b> against exact search; "
                      "index %5, built in %6 s.")
                       .arg(hnsw.parameters.m)
                       .arg(hnsw.parameters.efConstruction)
                       .arg(hnsw.parameters.efSearch)
                       .arg(hnsw.annRecallAt(10), 0, 'f', 4)
                       .arg(bytesText(hnsw.indexBytes))
                       .arg(hnsw.buildSeconds, 0, 'f', 2);
    }
    for (const QString &warning : run->warnings)
        summary += QStringLiteral("<br><span style=\"color:#a15c00\">%1</span>").arg(warning.toHtmlEscaped());
    m_summary->setText(summary);
    m_compareView->chart()->setTitle(tr("%1, split %2").arg(fromStd(dataset->name), fromStd(report.split)));
}

void CompareController::clearRuns(const QString &reason)
{
    m_ctx.runs->clear(reason);
}

void CompareController::onCleared(const QString &reason)
{
    m_runDetails->clear();
    m_compareView->chart()->setTitle({});
    m_summary->setText(QStringLiteral("<i>%1</i>").arg(reason.toHtmlEscaped()));
    updateActions();
}

// ---------------------------------------------------------------------------------------------
// Significance

void CompareController::scheduleSignificance()
{
    if (m_significanceQueued)
        return;
    m_significanceQueued = true;
    QTimer::singleShot(0, this, &CompareController::startSignificance);
}

void CompareController::startSignificance()
{
    if (m_significanceRunning)
        return; // restarted when the running one finishes (m_significanceQueued stays set)
    if (m_ctx.training->isActive()) {
        // After the training runs (activeChanged): the statistics would take CPU time from them
        // and from the event loop.
        m_compareView->setStatusText(tr("Significance markers follow when the training runs end."));
        return;
    }
    m_significanceQueued = false;
    widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    const int baseRow = model->baselineRow();
    // Cells still without a test: every run but the baseline, every shown column with a value.
    bool missing = false;
    ComparisonInput input;
    for (const widgets::MetricsTableModel::Column &column : model->columns())
        input.columns.push_back({column.metric, column.k});
    for (int row = 0; row < model->runCount(); ++row) {
        const QString key = model->runKey(row);
        const RunRecord *run = m_ctx.runs->find(key);
        if (!run || !run->report) // not yet recorded (RunStore::add sets the model first)
            return scheduleSignificance();
        if (row == baseRow)
            input.baseline = int(input.keys.size());
        input.keys << key;
        input.names.push_back(model->runLabel(row).toStdString());
        input.reports.push_back(run->report);
        if (row != baseRow)
            for (const auto &column : input.columns)
                missing = missing || (model->value(row, column.metric, column.k) &&
                                      model->value(baseRow, column.metric, column.k) &&
                                      !model->significance(row, column.metric, column.k));
    }
    if (!missing || input.keys.size() < 2 || input.columns.empty()) {
        m_compareView->setStatusText({});
        emit significanceUpdated();
        return;
    }
    const int generation = ++m_significanceGeneration;
    const QString baselineName = model->runLabel(baseRow);
    m_compareView->setStatusText(tr("Significance against %1: computing (paired randomisation test, 10,000 "
                                    "permutations per cell)...")
                                     .arg(baselineName));
    m_significanceRunning = true;
    auto future = QtConcurrent::run(workerPool(), [input = std::move(input), generation] {
        ComparisonOutcome outcome;
        outcome.generation = generation;
        outcome.keys = input.keys;
        outcome.baselineKey = input.keys[input.baseline];
        auto table = buildComparison(input, true);
        if (table)
            outcome.table = std::move(*table);
        else
            outcome.error = table.error();
        return outcome;
    });
    m_ctx.jobs->watchSide(future, [this, baselineName](const ComparisonOutcome &outcome) {
        m_significanceRunning = false;
        widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
        if (outcome.generation == m_significanceGeneration && outcome.table &&
            outcome.baselineKey == model->baselineKey()) {
            const engine::ComparisonTable &table = *outcome.table;
            for (size_t r = 0; r < table.runs.size(); ++r)
                for (size_t c = 0; c < table.columns.size(); ++c) {
                    const engine::ComparisonCell &cell = table.cell(r, c);
                    if (!cell.tested)
                        continue;
                    widgets::MetricsTableModel::Significance s;
                    s.pValue = cell.significance.pValue;
                    s.low = cell.significance.intervalLow;
                    s.high = cell.significance.intervalHigh;
                    s.confidence = cell.significance.options.confidence;
                    s.queries = cell.significance.queries;
                    s.permutations = cell.significance.options.permutations;
                    model->setSignificance(outcome.keys[int(r)], table.columns[c].metric, table.columns[c].k, s);
                }
            m_compareView->setStatusText({});
        } else if (outcome.error && outcome.error->code != engine::ErrorCode::Cancelled) {
            m_compareView->setStatusText(tr("Significance against %1 failed: %2")
                                             .arg(baselineName, fromStd(outcome.error->toString())));
        }
        if (m_significanceQueued) {
            m_significanceQueued = false;
            startSignificance();
        } else {
            emit significanceUpdated();
        }
    });
}

} // namespace embtune::gui
