#include "compare_view.h"

#include "metrics_chart_view.h"
#include "metrics_table_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace embtune::widgets {

RunFilterProxyModel::RunFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(MetricsTableModel::ValueRole);
    setDynamicSortFilter(true);
}

void RunFilterProxyModel::setRunFilter(const QString &text)
{
    if (m_filter == text)
        return;
    m_filter = text;
    invalidateFilter();
}

bool RunFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter.trimmed().isEmpty() || sourceParent.isValid())
        return true;
    return sourceModel()->headerData(sourceRow, Qt::Vertical, Qt::DisplayRole).toString().contains(
        m_filter.trimmed(), Qt::CaseInsensitive);
}

CompareView::CompareView(MetricsTableModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    m_proxy = new RunFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("metricsProxy"));
    m_proxy->setSourceModel(m_model);

    // Controls.
    m_baselineCombo = new QComboBox(this);
    m_baselineCombo->setObjectName(QStringLiteral("baselineCombo"));
    m_baselineCombo->setToolTip(tr("Run the deltas and significance markers refer to (paired randomisation test "
                                   "of each run against it on the per-query values: * p < 0.05, ** p < 0.01)"));
    m_baselineCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_baselineCombo->setMinimumContentsLength(10);
    m_columnsCombo = new QComboBox(this);
    m_columnsCombo->setObjectName(QStringLiteral("metricColumnsCombo"));
    m_columnsCombo->setToolTip(tr("Columns of the table: a summary, or one metric at k = 1, 3, 5, 10, 100"));
    m_columnsCombo->addItem(tr("Summary"), -1);
    for (engine::Metric metric : engine::kAllMetrics)
        m_columnsCombo->addItem(QString::fromLatin1(engine::metricName(metric)), int(metric));
    m_cellTextCombo = new QComboBox(this);
    m_cellTextCombo->setObjectName(QStringLiteral("cellTextCombo"));
    m_cellTextCombo->setToolTip(tr("What the cells show: the mean, the mean and its difference to the baseline, or "
                                   "the difference alone (hover a cell for the p-value and interval)"));
    m_cellTextCombo->addItem(tr("Value"), int(MetricsTableModel::CellText::Value));
    m_cellTextCombo->addItem(tr("Value and \u0394"), int(MetricsTableModel::CellText::ValueAndDelta));
    m_cellTextCombo->addItem(tr("\u0394 vs baseline"), int(MetricsTableModel::CellText::Delta));
    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setObjectName(QStringLiteral("runFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter runs"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(tr("Show the runs whose name contains this text"));
    m_filterEdit->setMaximumWidth(160);

    m_exportButton = new QToolButton(this);
    m_exportButton->setObjectName(QStringLiteral("compareExportButton"));
    m_exportButton->setText(tr("E&xport"));
    m_exportButton->setToolTip(tr("Export the table (CSV, Markdown, LaTeX), the chart (PNG, SVG) or a report"));
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_exportButton);
    const struct {
        Export kind;
        QString text, name;
    } exports[] = {
        {Export::Csv, tr("Table as &CSV..."), QStringLiteral("actionExportTableCsv")},
        {Export::Markdown, tr("Table as &Markdown..."), QStringLiteral("actionExportTableMarkdown")},
        {Export::Latex, tr("Table as &LaTeX..."), QStringLiteral("actionExportTableLatex")},
        {Export::ChartPng, tr("Chart as &PNG..."), QStringLiteral("actionExportChartPng")},
        {Export::ChartSvg, tr("Chart as &SVG..."), QStringLiteral("actionExportChartSvg")},
        {Export::Report, tr("&Report (Markdown + PNG charts)..."), QStringLiteral("actionExportReport")},
    };
    for (const auto &item : exports) {
        if (item.kind == Export::ChartPng || item.kind == Export::Report)
            menu->addSeparator();
        QAction *action = menu->addAction(item.text);
        action->setObjectName(item.name);
        const Export kind = item.kind;
        connect(action, &QAction::triggered, this, [this, kind] { emit exportRequested(kind); });
    }
    m_exportButton->setMenu(menu);

    auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    auto *controls = new QHBoxLayout;
    controls->addWidget(label(tr("&Baseline:"), m_baselineCombo));
    controls->addWidget(m_baselineCombo);
    controls->addSpacing(8);
    controls->addWidget(label(tr("&Columns:"), m_columnsCombo));
    controls->addWidget(m_columnsCombo);
    controls->addSpacing(8);
    controls->addWidget(label(tr("Ce&lls:"), m_cellTextCombo));
    controls->addWidget(m_cellTextCombo);
    controls->addSpacing(8);
    controls->addWidget(m_filterEdit);
    controls->addStretch(1);
    controls->addWidget(m_exportButton);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("compareStatus"));
    m_status->setWordWrap(true);
    m_status->hide();

    // Table.
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("metricsTable"));
    m_table->setModel(m_proxy);
    m_table->setToolTip(tr("One row per run; the best value of each column is bold; * p < 0.05, ** p < 0.01 against "
                           "the baseline (italic). Click a header to sort; select two or more rows to draw only "
                           "them; hover a cell for full precision, the delta, the p-value and the interval"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(20);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setMinimumWidth(96);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                emit currentRunChanged(current.isValid() ? current.data(MetricsTableModel::RunKeyRole).toString()
                                                         : QString());
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CompareView::updateChartRuns);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.isValid())
            emit runActivated(index.data(MetricsTableModel::RunKeyRole).toString());
    });

    // Chart and its controls.
    m_curvesCombo = new QComboBox(this);
    m_curvesCombo->setObjectName(QStringLiteral("curvesCombo"));
    m_curvesCombo->setToolTip(tr("Curves drawn for each run"));
    m_curvesCombo->addItem(tr("nDCG@k and recall@k"), -1);
    for (engine::Metric metric : engine::kAllMetrics)
        m_curvesCombo->addItem(QStringLiteral("%1@k").arg(QString::fromLatin1(engine::metricName(metric))), int(metric));
    m_logKCheck = new QCheckBox(tr("Lo&g k"), this);
    m_logKCheck->setObjectName(QStringLiteral("logKCheck"));
    m_logKCheck->setToolTip(tr("Logarithmic k axis: the first ranks get more room"));
    m_chart = new MetricsChartView(this);
    m_chart->setObjectName(QStringLiteral("metricsChart"));
    m_chart->setToolTip(tr("Mean metric@k for k = 1..100, one colour per run (the filtered runs, or the selected "
                           "rows when two or more are selected)"));
    m_chart->setModel(m_model);
    auto *chartControls = new QHBoxLayout;
    chartControls->addWidget(label(tr("C&urves:"), m_curvesCombo));
    chartControls->addWidget(m_curvesCombo);
    chartControls->addSpacing(8);
    chartControls->addWidget(m_logKCheck);
    chartControls->addStretch(1);
    auto *chartPane = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(chartPane);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addLayout(chartControls);
    chartLayout->addWidget(m_chart, 1);

    m_chartSplitter = new QSplitter(Qt::Horizontal, this);
    m_chartSplitter->setObjectName(QStringLiteral("chartSplitter"));
    m_chartSplitter->addWidget(chartPane);
    m_chartSplitter->setStretchFactor(0, 3);
    m_chartSplitter->setChildrenCollapsible(false);

    m_resultsSplitter = new QSplitter(Qt::Vertical, this);
    m_resultsSplitter->setObjectName(QStringLiteral("resultsSplitter"));
    m_resultsSplitter->addWidget(m_table);
    m_resultsSplitter->addWidget(m_chartSplitter);
    m_resultsSplitter->setStretchFactor(0, 0);
    m_resultsSplitter->setStretchFactor(1, 1);
    m_resultsSplitter->setChildrenCollapsible(false);
    {
        // The header and four runs; the table scrolls beyond that, the chart takes the rest.
        const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
        const int header = m_table->horizontalHeader()->sizeHint().height();
        const int frame = 2 * m_table->frameWidth();
        m_table->setMinimumHeight(header + rowHeight * 2 + frame);
        const int height = header + rowHeight * 4 + frame;
        m_resultsSplitter->setSizes({height, 8 * height});
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_resultsSplitter, 1);

    // Behaviour.
    connect(m_columnsCombo, &QComboBox::currentIndexChanged, this, [this] {
        const int metric = m_columnsCombo->currentData().toInt();
        const QString runKey = currentRunKey();
        m_model->setColumns(metric < 0 ? MetricsTableModel::summaryColumns()
                                       : MetricsTableModel::metricColumns(engine::Metric(metric)));
        if (!runKey.isEmpty())
            selectRun(runKey); // the reset cleared the selection
    });
    connect(m_cellTextCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setCellText(MetricsTableModel::CellText(m_cellTextCombo->currentData().toInt()));
    });
    connect(m_curvesCombo, &QComboBox::currentIndexChanged, this, [this] {
        const int metric = m_curvesCombo->currentData().toInt();
        if (metric < 0)
            m_chart->setCurves(MetricsChartView::Curves::Both);
        else
            m_chart->setMetric(engine::Metric(metric));
    });
    connect(m_logKCheck, &QCheckBox::toggled, m_chart, &MetricsChartView::setLogK);
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setRunFilter(text);
        updateChartRuns();
    });
    connect(m_baselineCombo, &QComboBox::activated, this,
            [this] { m_model->setBaseline(m_baselineCombo->currentData().toString()); });
    connect(m_model, &MetricsTableModel::baselineChanged, this, &CompareView::rebuildBaselineCombo);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, [this] {
            rebuildBaselineCombo();
            updateChartRuns();
        });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        rebuildBaselineCombo();
        updateChartRuns();
    });
    connect(m_model, &QAbstractItemModel::headerDataChanged, this, [this](Qt::Orientation orientation) {
        if (orientation == Qt::Vertical)
            rebuildBaselineCombo();
    });
    rebuildBaselineCombo();
}

void CompareView::addSideWidget(QWidget *widget)
{
    m_chartSplitter->addWidget(widget);
    m_chartSplitter->setStretchFactor(m_chartSplitter->count() - 1, 1);
    m_chartSplitter->setSizes({500, 250});
}

void CompareView::setStatusText(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void CompareView::rebuildBaselineCombo()
{
    const QSignalBlocker blocker(m_baselineCombo);
    m_baselineCombo->clear();
    for (int row = 0; row < m_model->runCount(); ++row)
        m_baselineCombo->addItem(m_model->runLabel(row), m_model->runKey(row));
    m_baselineCombo->setCurrentIndex(m_model->baselineRow());
    m_baselineCombo->setEnabled(m_model->runCount() > 1);
}

QString CompareView::currentRunKey() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row()))
        return {};
    return current.data(MetricsTableModel::RunKeyRole).toString();
}

bool CompareView::selectRun(const QString &runKey)
{
    const int row = m_model->rowOfRun(runKey);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        m_filterEdit->clear();
        index = m_proxy->mapFromSource(m_model->index(row, 0));
    }
    if (!index.isValid()) // no columns: nothing to select
        return true;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

QStringList CompareView::selectedRunKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (m_table->selectionModel()->isRowSelected(row))
            keys << m_proxy->headerData(row, Qt::Vertical, MetricsTableModel::RunKeyRole).toString();
    return keys;
}

QStringList CompareView::visibleRunKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        keys << m_proxy->headerData(row, Qt::Vertical, MetricsTableModel::RunKeyRole).toString();
    return keys;
}

void CompareView::updateChartRuns()
{
    const QStringList selected = selectedRunKeys();
    if (selected.size() >= 2)
        m_chart->setVisibleRuns(selected);
    else if (!m_proxy->runFilter().trimmed().isEmpty())
        m_chart->setVisibleRuns(visibleRunKeys());
    else
        m_chart->clearVisibleRuns();
}

} // namespace embtune::widgets
