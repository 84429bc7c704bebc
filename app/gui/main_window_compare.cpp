// MainWindow: the Compare tab (runs x metrics with deltas to a chosen baseline and significance
// markers computed on a worker thread, metric@k curves, exports), the Query explorer tab, and
// the exports of a comparison (CSV, Markdown, LaTeX, PNG, SVG, report) and of TREC run files.

#include "main_window.h"

#include "compare_view.h"
#include "eval/comparison_table.h"
#include "gui_text.h"
#include "io/npy.h"
#include "io/trec_run.h"
#include "methods/adapter_export.h"
#include "methods/method.h"
#include "jobs/training_queue.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "query_explorer_model.h"
#include "query_explorer_view.h"
#include "run_details_view.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace embtune::gui {

namespace {

constexpr int kStatusTimeoutMs = 10000;
const QString kExportFolderKey = QStringLiteral("paths/exportParent");

// What a comparison needs, copied for a worker thread.
struct ComparisonInput {
    QStringList keys;
    std::vector<std::string> names;
    std::vector<std::shared_ptr<const engine::EvaluationReport>> reports;
    int baseline = 0;
    std::vector<engine::ComparisonColumn> columns;
};

struct ComparisonOutcome {
    int generation = 0;
    QStringList keys;     // run key of each table row
    QString baselineKey;
    std::optional<engine::ComparisonTable> table;
    std::optional<engine::Error> error;
};

engine::Result<engine::ComparisonTable> buildComparison(const ComparisonInput &input, bool significance,
                                                        engine::Progress *progress = nullptr)
{
    std::vector<engine::ComparisonRunInput> runs;
    for (size_t i = 0; i < input.reports.size(); ++i)
        runs.push_back({input.names[i], &input.reports[i]->metrics});
    engine::ComparisonOptions options;
    options.baseline = input.baseline;
    options.significance = significance;
    return engine::buildComparisonTable(runs, input.columns, options, progress);
}

// Nice 10 for the calling thread (Linux: per thread): the statistics yield to the GUI thread and
// training runs, yet still progress on a busy machine (unlike SCHED_IDLE). The compare pool's
// one thread keeps it; nothing else runs there.
void lowerThreadPriority()
{
#ifdef __linux__
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

// Runs `write` (returns an error message; empty when it succeeded) on `pool` and hands the
// message to `done` in `owner`'s thread once it finished.
template <typename Write>
void writeAsync(QObject *owner, QThreadPool *pool, Write write, std::function<void(const QString &error)> done)
{
    auto *watcher = new QFutureWatcher<QString>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done = std::move(done)] {
        const QString error = watcher->result();
        watcher->deleteLater();
        done(error);
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(write)));
}

// "lsa256_+_NUDGE-N": a TREC run tag (no white space).
std::string trecTag(const QString &name)
{
    QString tag = name.simplified();
    tag.replace(QLatin1Char(' '), QLatin1Char('_'));
    return tag.isEmpty() ? std::string("embtune") : tag.toStdString();
}

} // namespace

void MainWindow::createCompareActions()
{
    m_exportTrecRunAction = new QAction(tr("Export TREC R&un File..."), this);
    m_exportTrecRunAction->setObjectName(QStringLiteral("actionExportTrecRun"));
    const QString tip = tr("Write the selected run's ranking as a TREC run file: qid Q0 docid rank score tag, "
                           "top 100 per query (trec_eval reads it)");
    m_exportTrecRunAction->setToolTip(tip);
    m_exportTrecRunAction->setStatusTip(tip);
    m_exportTrecRunAction->setEnabled(false);
    connect(m_exportTrecRunAction, &QAction::triggered, this, &MainWindow::chooseExportTrecRun);

    m_exportAdapterAction = new QAction(tr("Export &Adapter..."), this);
    m_exportAdapterAction->setObjectName(QStringLiteral("actionExportAdapter"));
    const QString adapterTip = tr("Write the selected trained run's adapter as safetensors: its tensors, and the "
                                  "method, parameters, formulas and base embedding in __metadata__ (apply it with "
                                  "NumPy: docs/apply_adapter.py)");
    m_exportAdapterAction->setToolTip(adapterTip);
    m_exportAdapterAction->setStatusTip(adapterTip);
    m_exportAdapterAction->setEnabled(false);
    connect(m_exportAdapterAction, &QAction::triggered, this, &MainWindow::chooseExportAdapter);
}

void MainWindow::createCompareView()
{
    // Not the global pool: Qt's raster painting waits for global pool threads, so a long
    // statistics job there would stall painting while a training run holds the other thread.
    m_compareThreads = new QThreadPool(this);
    m_compareThreads->setMaxThreadCount(1);
    m_compareView = new widgets::CompareView(m_metricsModel, this);
    m_compareView->setObjectName(QStringLiteral("compareView"));
    m_compareView->addSideWidget(m_runDetails);
    m_metricsTable = m_compareView->tableView();
    m_columnsCombo = m_compareView->columnsCombo();
    m_curvesCombo = m_compareView->curvesCombo();
    m_chart = m_compareView->chart();
    m_resultsSplitter = m_compareView->resultsSplitter();
    m_chartSplitter = m_compareView->chartSplitter();
    m_metricsTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_metricsTable->addActions(
        {m_exportTunedAction, m_exportAdapterAction, m_saveIndexAction, m_exportTrecRunAction, m_copyCommandLineAction,
         m_removeRunAction, m_clearRunsAction});
    connect(m_compareView, &widgets::CompareView::currentRunChanged, this, [this](const QString &runKey) {
        showRunDetails(runKey);
        updateActions();
        m_exportTrecRunAction->setEnabled(!currentRunKey().isEmpty());
        const auto run = m_runs.constFind(currentRunKey());
        m_exportAdapterAction->setEnabled(run != m_runs.constEnd() && run->model != nullptr);
    });
    connect(m_metricsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_exportTrecRunAction->setEnabled(!currentRunKey().isEmpty());
        const auto run = m_runs.constFind(currentRunKey());
        m_exportAdapterAction->setEnabled(run != m_runs.constEnd() && run->model != nullptr);
    });
    connect(m_compareView, &widgets::CompareView::exportRequested, this, &MainWindow::chooseComparisonExport);
    connect(m_compareView, &widgets::CompareView::runActivated, this,
            [this](const QString &runKey) { showQueryExplorer(m_metricsModel->baselineKey(), runKey); });
    connect(m_chart, &widgets::MetricsChartView::pointClicked, this,
            [this](const QString &runKey) { showQueryExplorer(m_metricsModel->baselineKey(), runKey); });

    m_queryExplorer = new widgets::QueryExplorerView(this);
    m_queryExplorer->setObjectName(QStringLiteral("queryExplorer"));

    m_resultsTabs = new QTabWidget(this);
    m_resultsTabs->setObjectName(QStringLiteral("resultsTabs"));
    m_resultsTabs->setDocumentMode(true);
    m_resultsTabs->addTab(m_compareView, tr("Com&pare"));
    m_resultsTabs->addTab(m_queryExplorer, tr("&Query Explorer"));
    m_resultsTabs->setTabToolTip(0, tr("Runs by metric: deltas and significance against a baseline, curves, exports"));
    m_resultsTabs->setTabToolTip(1, tr("Queries by change in nDCG@10 between two runs; their top 10 side by side "
                                       "(double-click a run in the table to open it against the baseline)"));

    connect(m_resultsTabs, &QTabWidget::currentChanged, this, [this] {
        if (m_resultsTabs->currentWidget() == m_queryExplorer && m_queryExplorer->property("stale").toBool())
            refreshExplorerRuns();
    });
    m_queryExplorer->setProperty("stale", true);

    // Significance markers follow the runs, the baseline and the columns; the explorer the runs.
    const auto significance = [this] { scheduleSignificance(); };
    connect(m_metricsModel, &QAbstractItemModel::rowsInserted, this, significance);
    connect(m_metricsModel, &QAbstractItemModel::rowsRemoved, this, significance);
    connect(m_metricsModel, &QAbstractItemModel::modelReset, this, significance);
    connect(m_metricsModel, &QAbstractItemModel::dataChanged, this, significance);
    connect(m_metricsModel, &widgets::MetricsTableModel::baselineChanged, this, significance);
    connect(m_trainingQueue, &TrainingQueue::activeChanged, this, [this] {
        if (m_significanceQueued && !hasActiveTraining())
            startSignificance();
    });
    const auto explorer = [this] { refreshExplorerRuns(); };
    connect(m_metricsModel, &QAbstractItemModel::rowsInserted, this, explorer);
    connect(m_metricsModel, &QAbstractItemModel::rowsRemoved, this, explorer);
    connect(m_metricsModel, &QAbstractItemModel::modelReset, this, explorer);
}

void MainWindow::showCompare()
{
    m_resultsTabs->setCurrentWidget(m_compareView);
}

void MainWindow::showQueryExplorer(const QString &runKeyA, const QString &runKeyB)
{
    m_resultsTabs->setCurrentWidget(m_queryExplorer);
    refreshExplorerRuns();
    QString a = runKeyA.isEmpty() ? m_metricsModel->baselineKey() : runKeyA;
    QString b = runKeyB;
    if (b.isEmpty()) {
        b = currentRunKey();
        if (b.isEmpty() || b == a)
            b = m_metricsModel->runKey(m_metricsModel->runCount() - 1);
    }
    if (m_queryExplorer->setRunPair(a, b))
        m_queryExplorer->showQuery(m_queryExplorer->queryModel()->largestGainQuery());
}

void MainWindow::refreshExplorerRuns()
{
    // Only while the explorer is shown (its table of every query costs a few milliseconds); a
    // hidden explorer is refreshed when its tab is opened.
    if (m_resultsTabs->currentWidget() != m_queryExplorer) {
        m_queryExplorer->setProperty("stale", true);
        return;
    }
    m_queryExplorer->setProperty("stale", false);
    m_queryExplorer->setDataset(m_dataset);
    QList<widgets::ExplorerRun> runs;
    for (int row = 0; row < m_metricsModel->runCount(); ++row) {
        const QString key = m_metricsModel->runKey(row);
        const auto it = m_runs.constFind(key);
        if (it != m_runs.constEnd() && it->report)
            runs.append({key, m_metricsModel->runLabel(row), it->report});
    }
    m_queryExplorer->setRuns(runs);
}

// ---------------------------------------------------------------------------------------------
// Significance

void MainWindow::scheduleSignificance()
{
    if (m_significanceQueued)
        return;
    m_significanceQueued = true;
    QTimer::singleShot(0, this, &MainWindow::startSignificance);
}

void MainWindow::startSignificance()
{
    if (m_significanceWatcher)
        return; // restarted when the running one finishes (m_significanceQueued stays set)
    if (hasActiveTraining()) {
        // After the training runs (activeChanged): the statistics would take CPU time from them
        // and from the event loop.
        m_compareView->setStatusText(tr("Significance markers follow when the training runs end."));
        return;
    }
    m_significanceQueued = false;
    const int baseRow = m_metricsModel->baselineRow();
    // Cells still without a test: every run but the baseline, every shown column with a value.
    bool missing = false;
    ComparisonInput input;
    for (const widgets::MetricsTableModel::Column &column : m_metricsModel->columns())
        input.columns.push_back({column.metric, column.k});
    for (int row = 0; row < m_metricsModel->runCount(); ++row) {
        const QString key = m_metricsModel->runKey(row);
        const auto it = m_runs.constFind(key);
        if (it == m_runs.constEnd() || !it->report) // not yet recorded (addRun sets the model first)
            return scheduleSignificance();
        if (row == baseRow)
            input.baseline = int(input.keys.size());
        input.keys << key;
        input.names.push_back(m_metricsModel->runLabel(row).toStdString());
        input.reports.push_back(it->report);
        if (row != baseRow)
            for (const auto &column : input.columns)
                missing = missing || (m_metricsModel->value(row, column.metric, column.k) &&
                                      m_metricsModel->value(baseRow, column.metric, column.k) &&
                                      !m_metricsModel->significance(row, column.metric, column.k));
    }
    if (!missing || input.keys.size() < 2 || input.columns.empty()) {
        m_compareView->setStatusText({});
        emit significanceUpdated();
        return;
    }
    const int generation = ++m_significanceGeneration;
    const QString baselineName = m_metricsModel->runLabel(baseRow);
    m_compareView->setStatusText(tr("Significance against %1: computing (paired randomisation test, 10,000 "
                                    "permutations per cell)...")
                                     .arg(baselineName));
    auto *watcher = new QFutureWatcher<ComparisonOutcome>(this);
    m_significanceWatcher = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, baselineName] {
        const ComparisonOutcome outcome = watcher->result();
        watcher->deleteLater();
        m_significanceWatcher = nullptr;
        if (outcome.generation == m_significanceGeneration && outcome.table &&
            outcome.baselineKey == m_metricsModel->baselineKey()) {
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
                    m_metricsModel->setSignificance(outcome.keys[int(r)], table.columns[c].metric, table.columns[c].k, s);
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
    watcher->setFuture(QtConcurrent::run(m_compareThreads, [input = std::move(input), generation] {
        ComparisonOutcome outcome;
        outcome.generation = generation;
        outcome.keys = input.keys;
        outcome.baselineKey = input.keys[input.baseline];
        lowerThreadPriority();
        auto table = buildComparison(input, true);
        if (table)
            outcome.table = std::move(*table);
        else
            outcome.error = table.error();
        return outcome;
    }));
}

// ---------------------------------------------------------------------------------------------
// Exports

void MainWindow::chooseComparisonExport(widgets::CompareView::Export kind)
{
    using Export = widgets::CompareView::Export;
    const QString title = tr("Cannot export the comparison");
    if (m_metricsModel->isEmpty()) {
        showError(title, tr("Evaluate or train a run first."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    struct Choice {
        Export kind;
        QString title, name, filter;
    };
    const Choice choices[] = {
        {Export::Csv, tr("Export Table as CSV"), QStringLiteral("comparison.csv"), tr("CSV (*.csv)")},
        {Export::Markdown, tr("Export Table as Markdown"), QStringLiteral("comparison.md"), tr("Markdown (*.md)")},
        {Export::Latex, tr("Export Table as LaTeX"), QStringLiteral("comparison.tex"), tr("LaTeX (*.tex)")},
        {Export::ChartPng, tr("Export Chart as PNG"), QStringLiteral("curves.png"), tr("PNG image (*.png)")},
        {Export::ChartSvg, tr("Export Chart as SVG"), QStringLiteral("curves.svg"), tr("SVG image (*.svg)")},
    };
    QString path;
    if (kind == Export::Report)
        path = QFileDialog::getExistingDirectory(this, tr("Export Report into Folder"), parent);
    for (const Choice &choice : choices)
        if (choice.kind == kind)
            path = QFileDialog::getSaveFileName(this, choice.title, QDir(parent).filePath(choice.name),
                                                choice.filter + tr(";;All files (*)"));
    if (!path.isEmpty())
        exportComparison(kind, path);
}

bool MainWindow::exportComparison(widgets::CompareView::Export kind, const QString &path)
{
    using Export = widgets::CompareView::Export;
    const QString title = tr("Cannot export the comparison");
    if (m_metricsModel->isEmpty()) {
        showError(title, tr("Evaluate or train a run first."));
        return false;
    }
    if (path.trimmed().isEmpty()) {
        showError(title, tr("Choose a file name."));
        return false;
    }
    const QFileInfo target(path);
    const QString folder = kind == Export::Report ? target.absoluteFilePath() : target.absolutePath();
    if (!QDir().mkpath(folder)) {
        showError(title, tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    const auto remember = [this, folder] {
        if (m_options.saveSettings)
            m_settings->setValue(kExportFolderKey, folder);
    };
    if (kind == Export::ChartPng || kind == Export::ChartSvg) {
        const QString file = target.absoluteFilePath();
        const bool ok = kind == Export::ChartPng ? m_chart->saveImage(file) : m_chart->saveSvg(file);
        if (!ok) {
            showError(title, tr("%1: cannot write the chart").arg(QDir::toNativeSeparators(file)));
            return false;
        }
        remember();
        statusBar()->showMessage(tr("Saved the chart to %1").arg(QDir::toNativeSeparators(file)), kStatusTimeoutMs);
        emit comparisonExported(file);
        return true;
    }

    // The runs as shown (filter and sort), with the baseline even when filtered out.
    ComparisonInput input;
    QStringList keys = m_compareView->visibleRunKeys();
    const QString baselineKey = m_metricsModel->baselineKey();
    if (!keys.contains(baselineKey))
        keys.prepend(baselineKey);
    for (const QString &key : keys) {
        const auto it = m_runs.constFind(key);
        if (it == m_runs.constEnd() || !it->report)
            continue;
        if (key == baselineKey)
            input.baseline = int(input.keys.size());
        input.keys << key;
        input.names.push_back(m_metricsModel->runLabel(m_metricsModel->rowOfRun(key)).toStdString());
        input.reports.push_back(it->report);
    }
    for (const widgets::MetricsTableModel::Column &column : m_metricsModel->columns())
        input.columns.push_back({column.metric, column.k});

    QString file = target.absoluteFilePath();
    QString extra; // the report's charts and run descriptions
    if (kind == Export::Report) {
        // Charts drawn on this thread (widgets), written before the text.
        widgets::MetricsChartView chart;
        chart.setModel(m_metricsModel);
        chart.setVisibleRuns(keys);
        chart.setTitle(m_chart->chart()->title().section(QStringLiteral(" ("), 0, 0));
        chart.resize(960, 560);
        chart.setLogK(m_chart->logK());
        const struct {
            engine::Metric metric;
            const char *file;
        } charts[] = {{engine::Metric::Ndcg, "ndcg_at_k.png"}, {engine::Metric::Recall, "recall_at_k.png"}};
        for (const auto &item : charts) {
            chart.setMetric(item.metric);
            const QString image = QDir(folder).filePath(QString::fromLatin1(item.file));
            if (!chart.saveImage(image)) {
                showError(title, tr("%1: cannot write the chart").arg(QDir::toNativeSeparators(image)));
                return false;
            }
            extra += QStringLiteral("\n![%1@k](%2)\n").arg(QString::fromLatin1(engine::metricName(item.metric)),
                                                             QString::fromLatin1(item.file));
        }
        extra += tr("\n## Runs\n");
        for (int i = 0; i < input.keys.size(); ++i)
            extra += QStringLiteral("\n### %1\n\n```\n%2\n```\n\nTREC run (top 100): [%3](%3)\n")
                         .arg(fromStd(input.names[size_t(i)]), m_runs.value(input.keys[i]).description,
                              fromStd(trecTag(fromStd(input.names[size_t(i)]))) + QStringLiteral(".trec"));
        file = QDir(folder).filePath(QStringLiteral("report.md"));
    }
    QString heading;
    if (kind == Export::Report && m_dataset)
        heading = tr("# Comparison on %1, split %2\n\n")
                      .arg(fromStd(m_dataset->name), fromStd(input.reports[size_t(input.baseline)]->split));

    const auto write = [input = std::move(input), kind, file, folder, heading, extra,
                        dataset = m_dataset]() -> QString {
        auto table = buildComparison(input, true);
        if (!table)
            return fromStd(table.error().toString());
        if (kind == Export::Report && dataset)
            // The report's runs as TREC run files beside it.
            for (size_t i = 0; i < input.reports.size(); ++i) {
                const std::string tag = trecTag(fromStd(input.names[i]));
                const engine::Status run = engine::writeTrecRun(localPath(QDir(folder).filePath(fromStd(tag) + ".trec")),
                                                                input.reports[i]->ranking, *dataset, tag, 100);
                if (!run)
                    return fromStd(run.error().toString());
            }
        std::string text;
        switch (kind) {
        case Export::Csv:
            text = engine::comparisonCsv(*table);
            break;
        case Export::Latex:
            text = engine::comparisonLatex(*table);
            break;
        case Export::Markdown:
            text = engine::comparisonMarkdown(*table);
            break;
        case Export::Report:
            text = heading.toStdString() + engine::comparisonMarkdown(*table) + extra.toStdString();
            break;
        case Export::ChartPng:
        case Export::ChartSvg:
            break;
        }
        const engine::Status written = engine::writeFileAtomically(localPath(file), text);
        return written ? QString() : fromStd(written.error().toString());
    };
    writeAsync(this, m_compareThreads, write, [this, file, remember](const QString &error) {
        if (!error.isEmpty()) {
            showError(tr("Cannot export the comparison"), error);
            return;
        }
        remember();
        statusBar()->showMessage(tr("Exported the comparison to %1").arg(QDir::toNativeSeparators(file)),
                                 kStatusTimeoutMs);
        emit comparisonExported(file);
    });
    return true;
}

void MainWindow::chooseExportTrecRun()
{
    const QString runKey = currentRunKey();
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd()) {
        showError(tr("Cannot export the TREC run"), tr("Select a run in the table."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export TREC Run File"), QDir(parent).filePath(fromStd(trecTag(it->name)) + QStringLiteral(".trec")),
        tr("TREC run (*.trec *.run *.txt);;All files (*)"));
    if (!path.isEmpty())
        exportTrecRun(runKey, path);
}

bool MainWindow::exportTrecRun(const QString &runKey, const QString &path, int depth)
{
    const QString title = tr("Cannot export the TREC run");
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->report || !m_dataset) {
        showError(title, tr("No run \"%1\".").arg(runKey));
        return false;
    }
    if (path.trimmed().isEmpty() || depth < 1) {
        showError(title, tr("Choose a file name and a depth of at least 1."));
        return false;
    }
    const QFileInfo target(path);
    if (!QDir().mkpath(target.absolutePath())) {
        showError(title, tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(target.absolutePath())));
        return false;
    }
    const QString file = target.absoluteFilePath();
    writeAsync(
        this, m_compareThreads,
        [report = it->report, dataset = m_dataset, tag = trecTag(it->name), file, depth]() -> QString {
            const engine::Status written = engine::writeTrecRun(localPath(file), report->ranking, *dataset, tag, depth);
            return written ? QString() : fromStd(written.error().toString());
        },
        [this, file, title](const QString &error) {
            if (!error.isEmpty()) {
                showError(title, error);
                return;
            }
            if (m_options.saveSettings)
                m_settings->setValue(kExportFolderKey, QFileInfo(file).absolutePath());
            statusBar()->showMessage(tr("Wrote the TREC run %1").arg(QDir::toNativeSeparators(file)), kStatusTimeoutMs);
            emit trecRunExported(file);
        });
    return true;
}

void MainWindow::chooseExportAdapter()
{
    const QString runKey = currentRunKey();
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->model) {
        showError(tr("Cannot export the adapter"), tr("Select a trained run in the table."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Adapter"), QDir(parent).filePath(fromStd(trecTag(it->name)) + QStringLiteral(".safetensors")),
        tr("safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty())
        exportAdapter(runKey, path);
}

bool MainWindow::exportAdapter(const QString &runKey, const QString &path)
{
    const QString title = tr("Cannot export the adapter");
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd() || !it->model || !it->base) {
        showError(title, tr("No trained run \"%1\".").arg(runKey));
        return false;
    }
    const engine::Method *method = engine::findMethod(it->methodId.toStdString());
    if (!method) {
        showError(title, tr("Unknown method \"%1\".").arg(it->methodId));
        return false;
    }
    auto params = engine::ParamValues::parse(method->spec(), it->params);
    if (!params) {
        showError(title, fromStd(params.error().toString()));
        return false;
    }
    const QFileInfo target(path);
    if (path.trimmed().isEmpty() || !QDir().mkpath(target.absolutePath())) {
        showError(title, tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(target.absolutePath())));
        return false;
    }
    const QString file = target.absoluteFilePath();
    writeAsync(
        this, m_compareThreads,
        [model = it->model, base = it->base, methodId = it->methodId.toStdString(), params = std::move(*params),
         file]() -> QString {
            const engine::Status written =
                engine::writeAdapterSafetensors(localPath(file), *model, methodId, params, *base);
            return written ? QString() : fromStd(written.error().toString());
        },
        [this, file, title](const QString &error) {
            if (!error.isEmpty()) {
                showError(title, error);
                return;
            }
            if (m_options.saveSettings)
                m_settings->setValue(kExportFolderKey, QFileInfo(file).absolutePath());
            statusBar()->showMessage(tr("Wrote the adapter %1").arg(QDir::toNativeSeparators(file)), kStatusTimeoutMs);
            emit adapterExported(file);
        });
    return true;
}

} // namespace embtune::gui
