#include "query_explorer_view.h"

#include "query_explorer_model.h"
#include "member_bars_delegate.h"
#include "query_explorer_ranking_model.h"

#include <QComboBox>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace embtune::widgets {

namespace {

QTableView *makeListView(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(QueryRankingModel::TitleColumn, QHeaderView::Stretch);
    view->setWordWrap(false);
    view->setTextElideMode(Qt::ElideRight);
    return view;
}

} // namespace

QueryExplorerView::QueryExplorerView(QWidget *parent)
    : QWidget(parent)
{
    m_queries = new QueryExplorerModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_queries);
    m_proxy->setSortRole(QueryExplorerModel::SortRole);
    m_proxy->setFilterRole(QueryExplorerModel::FilterRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(QueryExplorerModel::IdColumn);
    m_rankingA = new QueryRankingModel(this);
    m_rankingB = new QueryRankingModel(this);

    m_runACombo = new QComboBox(this);
    m_runACombo->setObjectName(QStringLiteral("explorerRunA"));
    m_runACombo->setToolTip(tr("Run A: the reference (e.g. the baseline)"));
    m_runACombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_runBCombo = new QComboBox(this);
    m_runBCombo->setObjectName(QStringLiteral("explorerRunB"));
    m_runBCombo->setToolTip(tr("Run B: compared with A (changes are B - A)"));
    m_runBCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("explorerFilter"));
    m_filter->setPlaceholderText(tr("Filter queries by id or text"));
    m_filter->setClearButtonEnabled(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("explorerSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);

    auto *labelA = new QLabel(tr("Run &A:"), this);
    labelA->setBuddy(m_runACombo);
    auto *labelB = new QLabel(tr("Run &B:"), this);
    labelB->setBuddy(m_runBCombo);
    auto *controls = new QHBoxLayout;
    controls->addWidget(labelA);
    controls->addWidget(m_runACombo);
    controls->addSpacing(8);
    controls->addWidget(labelB);
    controls->addWidget(m_runBCombo);
    controls->addSpacing(8);
    controls->addWidget(m_filter, 1);

    m_queryTable = new QTableView(this);
    m_queryTable->setObjectName(QStringLiteral("explorerQueries"));
    m_queryTable->setModel(m_proxy);
    m_queryTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_queryTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queryTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queryTable->setSortingEnabled(true);
    m_queryTable->sortByColumn(QueryExplorerModel::ChangeColumn, Qt::DescendingOrder);
    m_queryTable->verticalHeader()->hide();
    m_queryTable->verticalHeader()->setDefaultSectionSize(m_queryTable->fontMetrics().height() + 6);
    m_queryTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_queryTable->horizontalHeader()->setSectionResizeMode(QueryExplorerModel::TextColumn, QHeaderView::Stretch);
    m_queryTable->setWordWrap(false);
    m_queryTable->setToolTip(tr("Queries both runs evaluated, by change in nDCG@10 (click a header to sort)"));

    m_listA = makeListView(m_rankingA, QStringLiteral("explorerListA"), this);
    m_listB = makeListView(m_rankingB, QStringLiteral("explorerListB"), this);
    m_listATitle = new QLabel(this);
    m_listBTitle = new QLabel(this);
    m_listATitle->setTextFormat(Qt::RichText);
    m_listBTitle->setTextFormat(Qt::RichText);
    auto *lists = new QWidget(this);
    auto *listsLayout = new QGridLayout(lists);
    listsLayout->setContentsMargins(0, 0, 0, 0);
    listsLayout->addWidget(m_listATitle, 0, 0);
    listsLayout->addWidget(m_listBTitle, 0, 1);
    listsLayout->addWidget(m_listA, 1, 0);
    listsLayout->addWidget(m_listB, 1, 1);
    // The Members column of a fused run's list and its legend, shown once its breakdown is set.
    for (int side : {0, 1}) {
        QTableView *list = side == 0 ? m_listA : m_listB;
        QueryRankingModel *model = side == 0 ? m_rankingA : m_rankingB;
        auto *legend = new QLabel(this);
        legend->setObjectName(side == 0 ? QStringLiteral("explorerMembersA") : QStringLiteral("explorerMembersB"));
        legend->setTextFormat(Qt::RichText);
        listsLayout->addWidget(legend, 2, side); // under the list
        list->setItemDelegateForColumn(QueryRankingModel::MembersColumn, new MemberBarsDelegate(list));
        list->setColumnHidden(QueryRankingModel::MembersColumn, true);
        const auto update = [list, model, legend] {
            list->setColumnHidden(QueryRankingModel::MembersColumn, !model->hasMemberBreakdown());
            QStringList names;
            for (int i = 0; i < model->memberNames().size(); ++i)
                names << QStringLiteral("<span style=\"color:%1\">\u25a0</span> %2")
                             .arg(MemberBarsDelegate::memberColor(i).name(), model->memberNames()[i].toHtmlEscaped());
            legend->setText(names.isEmpty() ? QString() : tr("members: %1").arg(names.join(QStringLiteral("&nbsp; "))));
        };
        connect(model, &QAbstractItemModel::modelReset, legend, update);
        connect(model, &QAbstractItemModel::headerDataChanged, legend, update);
    }

    // nDCG@10 per query: A across, B up; above the diagonal B is better.
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->hide();
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setTitle(tr("nDCG@10 per query"));
    auto *diagonal = new QLineSeries(chart);
    diagonal->append(0, 0);
    diagonal->append(1, 1);
    diagonal->setPen(QPen(QColor(0x7f, 0x7f, 0x7f), 1, Qt::DashLine));
    m_points = new QScatterSeries(chart);
    m_points->setMarkerSize(7);
    m_points->setColor(QColor(0x1f, 0x77, 0xb4, 120));
    m_points->setBorderColor(Qt::transparent);
    m_currentPoint = new QScatterSeries(chart);
    m_currentPoint->setMarkerSize(12);
    m_currentPoint->setColor(QColor(0xd6, 0x27, 0x28));
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(diagonal), static_cast<QAbstractSeries *>(m_points),
                                    static_cast<QAbstractSeries *>(m_currentPoint)})
        chart->addSeries(series);
    auto *axisA = new QValueAxis(chart);
    auto *axisB = new QValueAxis(chart);
    axisA->setTitleText(tr("A"));
    axisB->setTitleText(tr("B"));
    for (QValueAxis *axis : {axisA, axisB}) {
        axis->setRange(-0.04, 1.04); // room for the markers at 0 and 1
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0.0);
        axis->setTickInterval(0.2);
        axis->setLabelFormat(QStringLiteral("%.1f"));
    }
    chart->addAxis(axisA, Qt::AlignBottom);
    chart->addAxis(axisB, Qt::AlignLeft);
    for (QAbstractSeries *series : chart->series()) {
        series->attachAxis(axisA);
        series->attachAxis(axisB);
    }
    m_scatterView = new QChartView(chart, this);
    m_scatterView->setObjectName(QStringLiteral("explorerScatter"));
    m_scatterView->setRenderHint(QPainter::Antialiasing);
    m_scatterView->setMinimumSize(200, 180);
    m_scatterView->setToolTip(tr("nDCG@10 of each query: run A across, run B up (above the diagonal B is better); "
                                 "click a point to show its query"));
    connect(m_points, &QScatterSeries::clicked, this, [this](const QPointF &point) { showNearestQuery(point); });
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->setObjectName(QStringLiteral("explorerTopSplitter"));
    top->addWidget(m_queryTable);
    top->addWidget(m_scatterView);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);
    top->setSizes({700, 240});

    m_text = new QTextBrowser(this);
    m_text->setObjectName(QStringLiteral("explorerText"));
    m_text->setOpenLinks(false);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("explorerSplitter"));
    splitter->addWidget(top);
    splitter->addWidget(lists);
    splitter->addWidget(m_text);
    splitter->setChildrenCollapsible(false);
    // The lists keep their ten rows; the queries and the text share the rest.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setStretchFactor(2, 1);
    {
        const int row = m_listA->verticalHeader()->defaultSectionSize();
        const int listHeight = m_listA->horizontalHeader()->sizeHint().height() + 10 * row + 4 * m_listA->frameWidth() + 8 +
                               m_listATitle->sizeHint().height();
        splitter->setSizes({8 * row + 30, listHeight, 8 * row});
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);

    connect(m_runACombo, &QComboBox::currentIndexChanged, this, &QueryExplorerView::compare);
    connect(m_runBCombo, &QComboBox::currentIndexChanged, this, &QueryExplorerView::compare);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_queryTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &QueryExplorerView::showCurrentQuery);
    for (QTableView *list : {m_listA, m_listB})
        connect(list, &QTableView::clicked, this, [this](const QModelIndex &index) {
            showDocument(index.data(QueryRankingModel::DocRole).toInt());
        });
    compare();
}

void QueryExplorerView::setDataset(std::shared_ptr<const engine::Dataset> dataset)
{
    if (dataset == m_dataset)
        return;
    m_dataset = std::move(dataset);
    setRuns({});
}

void QueryExplorerView::setRuns(const QList<ExplorerRun> &runs)
{
    const QString keyA = runA(), keyB = runB();
    m_runs = runs;
    {
        const QSignalBlocker blockA(m_runACombo), blockB(m_runBCombo);
        m_runACombo->clear();
        m_runBCombo->clear();
        for (const ExplorerRun &run : runs) {
            m_runACombo->addItem(run.name, run.key);
            m_runBCombo->addItem(run.name, run.key);
        }
        const int a = m_runACombo->findData(keyA), b = m_runBCombo->findData(keyB);
        m_runACombo->setCurrentIndex(a >= 0 ? a : 0);
        m_runBCombo->setCurrentIndex(b >= 0 ? b : int(runs.size()) - 1);
    }
    compare();
}

bool QueryExplorerView::setRunPair(const QString &keyA, const QString &keyB)
{
    const int a = m_runACombo->findData(keyA), b = m_runBCombo->findData(keyB);
    if (a < 0 || b < 0)
        return false;
    {
        const QSignalBlocker blockA(m_runACombo), blockB(m_runBCombo);
        m_runACombo->setCurrentIndex(a);
        m_runBCombo->setCurrentIndex(b);
    }
    compare();
    return true;
}

QString QueryExplorerView::runA() const
{
    return m_runACombo->currentData().toString();
}

QString QueryExplorerView::runB() const
{
    return m_runBCombo->currentData().toString();
}

const ExplorerRun *QueryExplorerView::find(const QString &key) const
{
    for (const ExplorerRun &run : m_runs)
        if (run.key == key)
            return &run;
    return nullptr;
}

void QueryExplorerView::compare()
{
    const ExplorerRun *a = find(runA());
    const ExplorerRun *b = find(runB());
    const int32_t previous = m_shownQuery;
    m_queries->setRuns(m_dataset, a ? a->report : nullptr, b ? b->report : nullptr, a ? a->name : QString(),
                       b ? b->name : QString());
    if (!a || !b || !m_dataset) {
        m_summary->setText(tr("<i>Evaluate or train at least one run to explore its queries; choose two runs to "
                              "compare.</i>"));
    } else {
        m_summary->setText(tr("<b>%1</b> against <b>%2</b> on %3 queries (nDCG@10): "
                              "<span style=\"color:#1a7f37\"><b>%4</b> wins</span>, "
                              "<span style=\"color:#b3261e\"><b>%5</b> losses</span>, <b>%6</b> ties")
                               .arg(b->name.toHtmlEscaped(), a->name.toHtmlEscaped())
                               .arg(m_queries->rowCount())
                               .arg(m_queries->wins())
                               .arg(m_queries->losses())
                               .arg(m_queries->ties()));
    }
    m_listATitle->setText(a ? tr("A: <b>%1</b>").arg(a->name.toHtmlEscaped()) : QString());
    updateScatter();
    m_listBTitle->setText(b ? tr("B: <b>%1</b>").arg(b->name.toHtmlEscaped()) : QString());
    m_shownQuery = -1;
    if (previous >= 0 && showQuery(previous))
        return;
    if (m_proxy->rowCount() > 0)
        m_queryTable->selectionModel()->setCurrentIndex(m_proxy->index(0, 0), QItemSelectionModel::ClearAndSelect |
                                                                                 QItemSelectionModel::Rows);
    else
        showCurrentQuery();
}

bool QueryExplorerView::showQuery(int32_t query)
{
    const int row = m_queries->rowOfQuery(query);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_queries->index(row, 0));
    if (!index.isValid()) {
        m_filter->clear();
        index = m_proxy->mapFromSource(m_queries->index(row, 0));
    }
    m_queryTable->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                               QItemSelectionModel::Rows);
    m_queryTable->scrollTo(index);
    if (m_shownQuery != query)
        showCurrentQuery();
    return true;
}

int32_t QueryExplorerView::currentQuery() const
{
    return m_shownQuery;
}

void QueryExplorerView::showCurrentQuery()
{
    const QModelIndex current = m_queryTable->selectionModel()->currentIndex();
    const ExplorerRun *a = find(runA());
    const ExplorerRun *b = find(runB());
    const int32_t query = current.isValid() ? current.data(QueryExplorerModel::QueryRole).toInt() : -1;
    if (query < 0 || !a || !b || !m_dataset) {
        m_shownQuery = -1;
        m_currentPoint->clear();
        m_rankingA->setEntries(m_dataset, {}, 0, 0);
        m_rankingB->setEntries(m_dataset, {}, 0, 0);
        m_text->clear();
        emit currentQueryChanged(-1);
        return;
    }
    m_shownQuery = query;
    if (const int row = m_queries->rowOfQuery(query); row >= 0)
        m_currentPoint->replace({QPointF(m_queries->rows()[row].a, m_queries->rows()[row].b)});
    const int depthA = a->report->ranking.k, depthB = b->report->ranking.k;
    m_rankingA->setEntries(m_dataset, QueryRankingModel::build(*m_dataset, *a->report, *b->report, query, 0), depthA,
                           depthB);
    m_rankingB->setEntries(m_dataset, QueryRankingModel::build(*m_dataset, *a->report, *b->report, query, 1), depthA,
                           depthB);

    // The query, and where each relevant document went.
    QString html = tr("<p><b>Query %1</b>: %2</p>")
                       .arg(QString::fromStdString(m_dataset->queryIds.id(query)).toHtmlEscaped(),
                            QString::fromStdString(m_dataset->queries[size_t(query)]).toHtmlEscaped());
    const engine::Qrels *qrels = m_dataset->split(b->report->split);
    if (const engine::QueryJudgements *judged = qrels ? qrels->find(query) : nullptr) {
        QStringList moves;
        for (const engine::Judgement &judgement : judged->judged) {
            if (judgement.gain <= 0)
                continue;
            QueryRankingModel::Entry entry;
            entry.doc = judgement.doc;
            entry.gain = judgement.gain;
            const auto rankIn = [&](const engine::Ranking &ranking) {
                for (size_t row = 0; row < ranking.queries.size(); ++row)
                    if (ranking.queries[row] == query) {
                        const int32_t *docs = ranking.docsOf(row);
                        for (int32_t i = 0; i < ranking.k; ++i)
                            if (docs[i] == judgement.doc)
                                return i + 1;
                    }
                return 0;
            };
            entry.rankA = rankIn(a->report->ranking);
            entry.rankB = rankIn(b->report->ranking);
            moves << tr("%1 (gain %2): %3")
                         .arg(QString::fromStdString(m_dataset->docIds.id(judgement.doc)).toHtmlEscaped())
                         .arg(judgement.gain)
                         .arg(QueryRankingModel::movement(entry, depthA, depthB));
        }
        html += tr("<p>Relevant documents, rank in A \u2192 in B: %1</p>").arg(moves.join(QStringLiteral("; ")));
    }
    // The first relevant document of B's list (else of A's) is shown until another is clicked.
    int32_t firstRelevant = -1;
    for (const QueryRankingModel *model : {m_rankingB, m_rankingA})
        for (const QueryRankingModel::Entry &entry : model->entries())
            if (firstRelevant < 0 && entry.gain > 0)
                firstRelevant = entry.doc;
    if (firstRelevant >= 0) {
        const engine::Document &document = m_dataset->docs[size_t(firstRelevant)];
        html += tr("<hr><p><b>%1</b> %2</p><p>%3</p>")
                    .arg(QString::fromStdString(m_dataset->docIds.id(firstRelevant)).toHtmlEscaped(),
                         QString::fromStdString(document.title).toHtmlEscaped(),
                         QString::fromStdString(document.text).toHtmlEscaped());
    }
    html += tr("<p><i>Click a document in either list to read it.</i></p>");
    m_text->setHtml(html);
    emit currentQueryChanged(query);
}

void QueryExplorerView::showDocument(int32_t doc)
{
    if (!m_dataset || doc < 0 || doc >= m_dataset->docCount())
        return;
    const engine::Document &document = m_dataset->docs[size_t(doc)];
    QString html;
    if (m_shownQuery >= 0)
        html += tr("<p><b>Query %1</b>: %2</p><hr>")
                    .arg(QString::fromStdString(m_dataset->queryIds.id(m_shownQuery)).toHtmlEscaped(),
                         QString::fromStdString(m_dataset->queries[size_t(m_shownQuery)]).toHtmlEscaped());
    html += tr("<p><b>%1</b> %2</p><p>%3</p>")
                .arg(QString::fromStdString(m_dataset->docIds.id(doc)).toHtmlEscaped(),
                     QString::fromStdString(document.title).toHtmlEscaped(),
                     QString::fromStdString(document.text).toHtmlEscaped());
    m_text->setHtml(html);
}

void QueryExplorerView::updateScatter()
{
    QList<QPointF> points;
    points.reserve(m_queries->rows().size());
    for (const QueryExplorerModel::Row &row : m_queries->rows())
        points.append(QPointF(row.a, row.b));
    m_points->replace(points);
    m_currentPoint->clear();
}

bool QueryExplorerView::showNearestQuery(const QPointF &point)
{
    int nearest = -1;
    double best = 0;
    const QList<QueryExplorerModel::Row> &rows = m_queries->rows();
    for (int i = 0; i < rows.size(); ++i) {
        const double dx = rows[i].a - point.x(), dy = rows[i].b - point.y();
        const double distance = dx * dx + dy * dy;
        if (nearest < 0 || distance < best) {
            nearest = i;
            best = distance;
        }
    }
    return nearest >= 0 && showQuery(rows[nearest].query);
}

} // namespace embtune::widgets
