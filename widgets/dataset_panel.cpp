#include "dataset_panel.h"

#include "query_filter_proxy_model.h"
#include "query_list_model.h"
#include "relevant_documents_model.h"

#include <QDataStream>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIODevice>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace embtune::widgets {

namespace {

QString count(qint64 n)
{
    return QLocale().toString(n);
}

QTableView *makeTable(const QString &objectName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

} // namespace

DatasetPanel::DatasetPanel(QWidget *parent)
    : QWidget(parent)
    , m_queryModel(new QueryListModel(this))
    , m_queryProxy(new QueryFilterProxyModel(this))
    , m_relevantModel(new RelevantDocumentsModel(this))
{
    m_queryProxy->setSourceModel(m_queryModel);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("queryFilter"));
    m_filter->setPlaceholderText(tr("Filter queries by id or text"));
    m_filter->setToolTip(tr("Shows the queries whose id or text contains this text (case-insensitive)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAcceptDrops(false); // dropped folders go to the window (open dataset / import)
    m_filterCount = new QLabel(this);
    m_filterCount->setObjectName(QStringLiteral("queryFilterCount"));
    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(200);
    connect(m_filterTimer, &QTimer::timeout, this, &DatasetPanel::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this] {
        if (m_queryModel->rowCount() > kImmediateFilterRows)
            m_filterTimer->start();
        else
            applyFilter();
    });

    m_queryTable = makeTable(QStringLiteral("queryTable"), this);
    m_queryTable->setModel(m_queryProxy);
    m_queryTable->setToolTip(tr("Queries of the dataset; select one to see its judged documents"));
    m_queryTable->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_queryTable->setSortingEnabled(true);
    m_queryTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_queryTable->setColumnWidth(QueryListModel::IdColumn, 80);
    m_queryTable->setColumnWidth(QueryListModel::SplitsColumn, 80);
    m_queryTable->setColumnWidth(QueryListModel::RelevantColumn, 44);
    connect(m_queryTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                showQuery(current.isValid() ? current.data(QueryListModel::QueryIndexRole).toInt() : -1);
            });

    m_queryHeading = new QLabel(this);
    m_queryHeading->setObjectName(QStringLiteral("queryHeading"));
    m_queryHeading->setWordWrap(true);
    m_queryHeading->setTextFormat(Qt::RichText);
    m_queryHeading->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_relevantTable = makeTable(QStringLiteral("relevantDocumentsTable"), this);
    m_relevantTable->setModel(m_relevantModel);
    m_relevantTable->setToolTip(tr("Documents the qrels judge for the selected query"));
    m_relevantTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_relevantTable->setColumnWidth(RelevantDocumentsModel::IdColumn, 90);
    m_relevantTable->setColumnWidth(RelevantDocumentsModel::GainColumn, 44);
    m_relevantTable->setColumnWidth(RelevantDocumentsModel::SplitColumn, 56);
    m_relevantTable->setColumnWidth(RelevantDocumentsModel::TitleColumn, 220);
    connect(m_relevantTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DatasetPanel::showDocument);

    m_documentView = new QTextBrowser(this);
    m_documentView->setObjectName(QStringLiteral("documentView"));
    m_documentView->setOpenLinks(false);
    m_documentView->setPlaceholderText(tr("Select a judged document to read it"));

    auto *filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(0, 0, 0, 0);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_filterCount);
    auto *queriesPane = new QWidget(this);
    auto *queriesLayout = new QVBoxLayout(queriesPane);
    queriesLayout->setContentsMargins(0, 0, 0, 0);
    queriesLayout->addLayout(filterRow);
    queriesLayout->addWidget(m_queryTable, 1);

    m_detailSplitter = new QSplitter(Qt::Vertical, this);
    m_detailSplitter->setObjectName(QStringLiteral("documentSplitter"));
    m_detailSplitter->addWidget(m_relevantTable);
    m_detailSplitter->addWidget(m_documentView);
    m_detailSplitter->setStretchFactor(0, 1);
    m_detailSplitter->setStretchFactor(1, 2);
    auto *detailPane = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_queryHeading);
    detailLayout->addWidget(m_detailSplitter, 1);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("datasetSplitter"));
    m_splitter->addWidget(queriesPane);
    m_splitter->addWidget(detailPane);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_splitter, 1);

    setDataset(nullptr);
}

void DatasetPanel::setDataset(std::shared_ptr<const engine::Dataset> dataset, const QStringList &warnings)
{
    m_dataset = std::move(dataset);
    m_currentQuery = -1;
    m_queryModel->setDataset(m_dataset);
    m_relevantModel->setQuery(m_dataset, -1);
    m_queryHeading->clear();
    m_documentView->clear();
    m_filter->setEnabled(m_dataset != nullptr);
    updateSummary(warnings);
    applyFilter();
    emit querySelected(-1);
}

void DatasetPanel::updateSummary(const QStringList &warnings)
{
    if (!m_dataset) {
        m_summary->setText(tr("<i>No dataset. Open a BEIR folder (corpus.jsonl, queries.jsonl, "
                              "qrels/&lt;split&gt;.tsv) with File &gt; Open Dataset or drop it here.</i>"));
        return;
    }
    QString html = tr("<b>%1</b>: %2 documents, %3 queries")
                       .arg(QString::fromStdString(m_dataset->name).toHtmlEscaped(),
                            count(m_dataset->docCount()), count(m_dataset->queryCount()));
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"1\">");
    html += tr("<tr><th align=\"left\">split&nbsp;&nbsp;</th><th align=\"right\">judged queries&nbsp;&nbsp;</th>"
               "<th align=\"right\">with relevant&nbsp;&nbsp;</th><th align=\"right\">judgements</th></tr>");
    for (const auto &[name, qrels] : m_dataset->splits)
        html += QStringLiteral("<tr><td>%1</td><td align=\"right\">%2&nbsp;&nbsp;</td>"
                               "<td align=\"right\">%3&nbsp;&nbsp;</td><td align=\"right\">%4</td></tr>")
                    .arg(QString::fromStdString(name).toHtmlEscaped(), count(qint64(qrels.queries.size())),
                         count(qrels.queriesWithRelevant()), count(qrels.judgementCount()));
    html += QStringLiteral("</table>");
    if (m_dataset->splits.empty())
        html += tr("<i>No qrels split: nothing to evaluate.</i>");
    for (const QString &warning : warnings)
        html += QStringLiteral("<br><span style=\"color:#a15c00\">%1</span>").arg(warning.toHtmlEscaped());
    m_summary->setText(html);
    m_summary->setToolTip(QString::fromStdString(m_dataset->path));
}

QString DatasetPanel::filterText() const
{
    return m_filter->text();
}

void DatasetPanel::setFilterText(const QString &text)
{
    {
        const QSignalBlocker blocker(m_filter);
        m_filter->setText(text);
    }
    m_filterTimer->stop();
    applyFilter();
}

void DatasetPanel::applyFilter()
{
    m_queryProxy->setFilterFixedString(m_filter->text().trimmed());
    updateFilterCount();
}

void DatasetPanel::updateFilterCount()
{
    const int total = m_queryModel->rowCount();
    const int shown = m_queryProxy->rowCount();
    m_filterCount->setText(shown == total ? tr("%1 queries").arg(count(total))
                                          : tr("%1 of %2 queries").arg(count(shown), count(total)));
}

bool DatasetPanel::selectFirstJudgedQuery(const QString &split)
{
    if (!m_dataset)
        return false;
    const std::string splitName = split.toStdString();
    for (int row = 0; row < m_queryProxy->rowCount(); ++row) {
        const int query = m_queryProxy->index(row, 0).data(QueryListModel::QueryIndexRole).toInt();
        bool judged = false;
        for (const auto &[name, qrels] : m_dataset->splits) {
            if (!split.isEmpty() && name != splitName)
                continue;
            const engine::QueryJudgements *q = qrels.find(query);
            if (q && q->relevantCount() > 0) {
                judged = true;
                break;
            }
        }
        if (judged)
            return selectQuery(query);
    }
    return false;
}

bool DatasetPanel::selectQuery(int query)
{
    if (!m_dataset || query < 0 || query >= m_dataset->queryCount())
        return false;
    QModelIndex proxyIndex = m_queryProxy->mapFromSource(m_queryModel->index(query, 0));
    if (!proxyIndex.isValid()) {
        setFilterText({});
        proxyIndex = m_queryProxy->mapFromSource(m_queryModel->index(query, 0));
    }
    if (!proxyIndex.isValid())
        return false;
    m_queryTable->selectionModel()->setCurrentIndex(
        proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_queryTable->scrollTo(proxyIndex);
    return true;
}

void DatasetPanel::showQuery(int query)
{
    if (query == m_currentQuery)
        return;
    m_currentQuery = query;
    m_relevantModel->setQuery(m_dataset, query);
    m_documentView->clear();
    if (query < 0) {
        m_queryHeading->clear();
    } else {
        m_queryHeading->setText(tr("<b>Query %1</b>: %2 &mdash; %n judged document(s)", nullptr,
                                   m_relevantModel->rowCount())
                                    .arg(QString::fromStdString(m_dataset->queryIds.id(query)).toHtmlEscaped(),
                                         QString::fromStdString(m_dataset->queries[size_t(query)]).toHtmlEscaped()));
        if (m_relevantModel->rowCount() > 0)
            m_relevantTable->selectionModel()->setCurrentIndex(
                m_relevantModel->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    emit querySelected(query);
}

void DatasetPanel::showDocument(const QModelIndex &relevantIndex)
{
    if (!relevantIndex.isValid() || !m_dataset) {
        m_documentView->clear();
        return;
    }
    const int doc = relevantIndex.data(RelevantDocumentsModel::DocumentIndexRole).toInt();
    const int gain = relevantIndex.data(RelevantDocumentsModel::GainRole).toInt();
    const QString split =
        m_relevantModel->index(relevantIndex.row(), RelevantDocumentsModel::SplitColumn).data().toString();
    const engine::Document &document = m_dataset->docs[size_t(doc)];
    QString html;
    if (!document.title.empty())
        html += QStringLiteral("<h3>%1</h3>").arg(QString::fromStdString(document.title).toHtmlEscaped());
    html += tr("<p style=\"color:gray\">document %1 &middot; gain %2 &middot; split %3</p>")
                .arg(QString::fromStdString(m_dataset->docIds.id(doc)).toHtmlEscaped())
                .arg(gain)
                .arg(split.toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>").arg(QString::fromStdString(document.text).toHtmlEscaped());
    m_documentView->setHtml(html);
}

QByteArray DatasetPanel::saveLayoutState() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << m_splitter->saveState() << m_detailSplitter->saveState();
    return state;
}

void DatasetPanel::restoreLayoutState(const QByteArray &state)
{
    QDataStream in(state);
    QByteArray outer, inner;
    in >> outer >> inner;
    if (in.status() != QDataStream::Ok)
        return;
    m_splitter->restoreState(outer);
    m_detailSplitter->restoreState(inner);
}

} // namespace embtune::widgets
