#include "generated_queries_model.h"

namespace embtune::widgets {

GeneratedQueriesModel::GeneratedQueriesModel(QObject *parent) : QAbstractTableModel(parent) {}

void GeneratedQueriesModel::setData(std::shared_ptr<const engine::Dataset> dataset,
                                    std::shared_ptr<const engine::SyntheticSet> set)
{
    beginResetModel();
    m_dataset = set ? std::move(dataset) : nullptr;
    m_set = m_dataset ? std::move(set) : nullptr;
    endResetModel();
}

int GeneratedQueriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_set ? 0 : int(m_set->queries.size());
}

int GeneratedQueriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GeneratedQueriesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_set || index.row() >= rowCount())
        return {};
    const engine::SyntheticQuery &q = m_set->queries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case QueryColumn:
            return QString::fromStdString(q.text);
        case DocumentColumn:
            return QString::fromStdString(m_dataset->docIds.id(q.doc));
        case TitleColumn:
            return QString::fromStdString(m_dataset->docs[size_t(q.doc)].title);
        default:
            return {};
        }
    case DocumentIndexRole:
        return int(q.doc);
    case QueryIdRole:
        return QString::fromStdString(q.id);
    default:
        return {};
    }
}

QVariant GeneratedQueriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case QueryColumn:
        return tr("Generated query");
    case DocumentColumn:
        return tr("Source document");
    case TitleColumn:
        return tr("Title");
    default:
        return {};
    }
}

} // namespace embtune::widgets
