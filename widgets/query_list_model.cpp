#include "query_list_model.h"

#include <QStringList>

namespace embtune::widgets {

QueryListModel::QueryListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void QueryListModel::setDataset(std::shared_ptr<const engine::Dataset> dataset)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_relevantCache.assign(m_dataset ? size_t(m_dataset->queryCount()) : 0, -1);
    endResetModel();
}

int QueryListModel::relevantCount(int query) const
{
    if (!m_dataset || query < 0 || query >= m_dataset->queryCount())
        return 0;
    int32_t &cached = m_relevantCache[size_t(query)];
    if (cached < 0) {
        const engine::Qrels merged = m_dataset->judgementsFor({query});
        cached = merged.queries.empty() ? 0 : merged.queries.front().relevantCount();
    }
    return cached;
}

QString QueryListModel::splitsOf(int query) const
{
    if (!m_dataset)
        return {};
    QStringList names;
    for (const auto &[name, qrels] : m_dataset->splits)
        if (qrels.find(query))
            names.append(QString::fromStdString(name));
    return names.join(QStringLiteral(", "));
}

int QueryListModel::rowCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_dataset) ? 0 : m_dataset->queryCount();
}

int QueryListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueryListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset || index.row() >= m_dataset->queryCount())
        return {};
    const int query = index.row();
    if (role == QueryIndexRole)
        return query;
    switch (index.column()) {
    case IdColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return QString::fromStdString(m_dataset->queryIds.id(query));
        if (role == SortRole) {
            const QString id = QString::fromStdString(m_dataset->queryIds.id(query));
            bool numeric = false;
            const qlonglong value = id.toLongLong(&numeric);
            return numeric ? QVariant(value) : QVariant(id);
        }
        break;
    case SplitsColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return splitsOf(query);
        break;
    case RelevantColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return relevantCount(query);
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case TextColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return QString::fromStdString(m_dataset->queries[size_t(query)]);
        if (role == Qt::ToolTipRole)
            return QStringLiteral("<p>%1</p>")
                .arg(QString::fromStdString(m_dataset->queries[size_t(query)]).toHtmlEscaped());
        break;
    default:
        break;
    }
    return {};
}

QVariant QueryListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IdColumn: return tr("ID");
        case SplitsColumn: return tr("Splits");
        case RelevantColumn: return tr("Rel.");
        case TextColumn: return tr("Query");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case IdColumn: return tr("Query id as in queries.jsonl");
        case SplitsColumn: return tr("Qrels splits that judge this query");
        case RelevantColumn: return tr("Relevant documents (gain > 0) over all splits");
        case TextColumn: return tr("Query text");
        default: return {};
        }
    }
    return {};
}

} // namespace embtune::widgets
