#include "generated_queries_panel.h"

#include "embedding_set_list_model.h"
#include "generated_queries_model.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace embtune::widgets {

namespace {

enum SetColumn { NameColumn, GeneratorColumn, QueriesColumn, DocumentsColumn, CreatedColumn, LocationColumn, SetColumns };

QTableView *makeTable(QWidget *parent, const QString &name)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    return view;
}

} // namespace

GeneratedQueriesPanel::GeneratedQueriesPanel(QWidget *parent) : QWidget(parent)
{
    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("generatedToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    m_exportAction = new QAction(tr("E&xport as BEIR..."), this);
    m_exportAction->setObjectName(QStringLiteral("actionExportGeneratedSet"));
    m_exportAction->setToolTip(tr("Write the selected set as a BEIR folder: corpus.jsonl, queries.jsonl and "
                                  "qrels/train.tsv (one positive per query: its source document)"));
    m_deleteAction = new QAction(tr("&Delete Set..."), this);
    m_deleteAction->setObjectName(QStringLiteral("actionDeleteGeneratedSet"));
    m_deleteAction->setToolTip(tr("Delete the selected generated set (its folder and record)"));
    connect(m_exportAction, &QAction::triggered, this, [this] {
        if (!currentSet().isEmpty())
            emit exportRequested(currentSet());
    });
    connect(m_deleteAction, &QAction::triggered, this, [this] {
        if (!currentSet().isEmpty())
            emit deleteRequested(currentSet());
    });

    m_sets = new QStandardItemModel(0, SetColumns, this);
    m_sets->setHorizontalHeaderLabels({tr("Name"), tr("Generator"), tr("Queries"), tr("Documents"), tr("Created"),
                                       tr("Stored in")});
    m_setsView = makeTable(this, QStringLiteral("generatedSetsView"));
    m_setsView->setModel(m_sets);
    m_setsView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_setsView->addActions({m_exportAction, m_deleteAction});
    m_setsView->horizontalHeader()->setStretchLastSection(true);
    m_setsView->verticalHeader()->hide();
    m_setsView->setToolTip(tr("Generated training-query sets of this dataset (right-click: export, delete)"));
    connect(m_setsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const QString name = currentSet();
        m_exportAction->setEnabled(!name.isEmpty());
        m_deleteAction->setEnabled(!name.isEmpty());
        emit currentSetChanged(name);
    });

    m_queries = new GeneratedQueriesModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_queries);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("generatedQueryFilter"));
    m_filter->setPlaceholderText(tr("Filter queries, document ids and titles"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        updateCount();
    });
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("generatedQueryCount"));
    m_count->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Preferred);
    m_filter->setMinimumWidth(120);
    m_queriesView = makeTable(this, QStringLiteral("generatedQueriesView"));
    m_queriesView->setModel(m_proxy);
    m_queriesView->setWordWrap(false);
    m_queriesView->horizontalHeader()->setSectionResizeMode(GeneratedQueriesModel::QueryColumn, QHeaderView::Stretch);
    m_queriesView->horizontalHeader()->setSectionResizeMode(GeneratedQueriesModel::DocumentColumn,
                                                            QHeaderView::ResizeToContents);
    m_queriesView->horizontalHeader()->setSectionResizeMode(GeneratedQueriesModel::TitleColumn, QHeaderView::Interactive);
    m_queriesView->horizontalHeader()->resizeSection(GeneratedQueriesModel::TitleColumn, 160);
    m_queriesView->setToolTip(tr("Double-click a query to read its source document"));
    connect(m_queriesView, &QAbstractItemView::doubleClicked, this,
            [this](const QModelIndex &index) { showDocumentOfRow(index.row()); });

    m_document = new QTextBrowser(this);
    m_document->setObjectName(QStringLiteral("generatedDocumentView"));
    m_document->setPlaceholderText(tr("Double-click a query to show its source document here."));

    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_count);
    auto *browser = new QWidget(this);
    auto *browserLayout = new QVBoxLayout(browser);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    browserLayout->addLayout(filterRow);
    browserLayout->addWidget(m_queriesView, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("generatedSplitter"));
    splitter->addWidget(m_setsView);
    splitter->addWidget(browser);
    splitter->addWidget(m_document);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 1);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_toolBar);
    layout->addWidget(splitter, 1);
    m_exportAction->setEnabled(false);
    m_deleteAction->setEnabled(false);
    updateCount();
}

void GeneratedQueriesPanel::setSets(const QList<GeneratedSetRow> &rows)
{
    const QString selected = currentSet();
    {
        const QSignalBlocker blocker(m_setsView->selectionModel());
        m_sets->removeRows(0, m_sets->rowCount());
        for (const GeneratedSetRow &row : rows) {
            QList<QStandardItem *> items;
            items << new QStandardItem(row.name) << new QStandardItem(row.generator)
                  << new QStandardItem(QString::number(row.queries)) << new QStandardItem(QString::number(row.documents))
                  << new QStandardItem(EmbeddingSetListModel::formatCreated(row.created))
                  << new QStandardItem(row.location);
            for (QStandardItem *item : items)
                item->setToolTip(row.details);
            items[QueriesColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            items[DocumentsColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_sets->appendRow(items);
        }
        m_setsView->resizeColumnsToContents();
    }
    if (!selectSet(selected)) {
        m_setsView->selectionModel()->clearCurrentIndex();
        m_exportAction->setEnabled(false);
        m_deleteAction->setEnabled(false);
        emit currentSetChanged({});
    }
}

int GeneratedQueriesPanel::setCount() const
{
    return m_sets->rowCount();
}

QString GeneratedQueriesPanel::currentSet() const
{
    const QModelIndex current = m_setsView->selectionModel()->currentIndex();
    return current.isValid() ? m_sets->item(current.row(), NameColumn)->text() : QString();
}

bool GeneratedQueriesPanel::selectSet(const QString &name)
{
    if (name.isEmpty())
        return false;
    for (int row = 0; row < m_sets->rowCount(); ++row)
        if (m_sets->item(row, NameColumn)->text() == name) {
            if (currentSet() == name)
                return true;
            m_setsView->selectionModel()->setCurrentIndex(
                m_sets->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            return true;
        }
    return false;
}

void GeneratedQueriesPanel::showSet(std::shared_ptr<const engine::Dataset> dataset,
                                    std::shared_ptr<const engine::SyntheticSet> set)
{
    m_queries->setData(std::move(dataset), std::move(set));
    m_document->clear();
    updateCount();
}

void GeneratedQueriesPanel::showDocumentOfRow(int row)
{
    const QModelIndex index = m_proxy->index(row, 0);
    const engine::Dataset *dataset = m_queries->dataset();
    if (!index.isValid() || !dataset)
        return;
    const int doc = index.data(GeneratedQueriesModel::DocumentIndexRole).toInt();
    const engine::Document &d = dataset->docs[size_t(doc)];
    m_document->setHtml(QStringLiteral("<p><b>%1</b> <span style=\"color: gray\">(%2)</span></p><p>%3</p>"
                                       "<p style=\"color: gray\">Query: %4</p>")
                            .arg(QString::fromStdString(d.title).toHtmlEscaped(),
                                 QString::fromStdString(dataset->docIds.id(doc)).toHtmlEscaped(),
                                 QString::fromStdString(d.text).toHtmlEscaped(),
                                 index.data().toString().toHtmlEscaped()));
}

void GeneratedQueriesPanel::updateCount()
{
    const int total = m_queries->rowCount();
    const int shown = m_proxy->rowCount();
    m_count->setText(shown == total ? tr("%n queries", nullptr, total) : tr("%1 of %2").arg(shown).arg(total));
}

} // namespace embtune::widgets
