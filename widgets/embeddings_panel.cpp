#include "embeddings_panel.h"

#include "embedding_set_list_model.h"

#include <QDir>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace embtune::widgets {

EmbeddingsPanel::EmbeddingsPanel(EmbeddingSetListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model ? model : new EmbeddingSetListModel(this))
{
    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("embeddingsToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("embeddingSetsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->setToolTip(tr("Embedding sets of this dataset; the selected one is used by Evaluate and Train"));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(EmbeddingSetListModel::NameColumn, QHeaderView::Stretch);
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_table->setColumnWidth(EmbeddingSetListModel::EmbedderColumn, digit * 9);
    m_table->setColumnWidth(EmbeddingSetListModel::DimColumn, digit * 5);
    m_table->setColumnWidth(EmbeddingSetListModel::NormalizedColumn, digit * 10);
    m_table->setColumnWidth(EmbeddingSetListModel::CreatedColumn, digit * 16);
    m_table->setColumnWidth(EmbeddingSetListModel::OriginColumn, digit * 8);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &EmbeddingsPanel::onCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EmbeddingsPanel::onCurrentChanged);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        emit keyActivated(index.data(EmbeddingSetListModel::KeyRole).toString());
    });
    // Keep the selection on the same key across resets and removals.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const QString key = m_currentKey;
        if (!key.isEmpty() && !selectKey(key))
            onCurrentChanged();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_currentKey.isEmpty() && m_model->rowOf(m_currentKey) < 0)
            onCurrentChanged();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { updateDetails(); });

    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("embeddingSetDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setMinimumHeight(m_details->fontMetrics().lineSpacing() * 6);

    m_cacheLocation = new QLabel(this);
    m_cacheLocation->setObjectName(QStringLiteral("embeddingCacheLocation"));
    m_cacheLocation->setWordWrap(true);
    m_cacheLocation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cacheLocation->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_details);
    layout->addWidget(m_cacheLocation);
    updateDetails();
}

bool EmbeddingsPanel::selectKey(const QString &key)
{
    if (key.isEmpty()) {
        m_table->selectionModel()->clearSelection();
        m_table->selectionModel()->setCurrentIndex({}, QItemSelectionModel::Clear);
        onCurrentChanged();
        return true;
    }
    const int row = m_model->rowOf(key);
    if (row < 0)
        return false;
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    onCurrentChanged();
    return true;
}

void EmbeddingsPanel::setCacheLocation(const QString &dir)
{
    m_cacheLocation->setText(tr("Cache: %1").arg(QDir::toNativeSeparators(dir)));
    m_cacheLocation->setToolTip(tr("Computed embedding sets are stored here, keyed by the dataset's texts and the "
                                   "embedder's configuration (environment variable EMBTUNE_CACHE_DIR overrides it)"));
}

void EmbeddingsPanel::onCurrentChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const QString key = current.isValid() && m_table->selectionModel()->isRowSelected(current.row())
                            ? current.data(EmbeddingSetListModel::KeyRole).toString()
                            : QString();
    if (key == m_currentKey)
        return;
    m_currentKey = key;
    updateDetails();
    emit currentKeyChanged(key);
}

void EmbeddingsPanel::updateDetails()
{
    const EmbeddingSetRow *row = m_model->find(m_currentKey);
    if (!row) {
        m_details->setText(m_model->rowCount() > 0 ? tr("Select a set: the selected set is what Evaluate (Ctrl+E) "
                                                        "and Train (Ctrl+T) use.")
                                                   : tr("Open a dataset to list its embedding sets."));
        return;
    }
    m_details->setText(EmbeddingSetListModel::describe(*row));
}

} // namespace embtune::widgets
