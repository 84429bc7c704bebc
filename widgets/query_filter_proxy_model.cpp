#include "query_filter_proxy_model.h"

#include "query_list_model.h"

namespace embtune::widgets {

QueryFilterProxyModel::QueryFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortRole(QueryListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

bool QueryFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QRegularExpression expression = filterRegularExpression();
    if (expression.pattern().isEmpty())
        return true;
    for (int column : {int(QueryListModel::IdColumn), int(QueryListModel::TextColumn)}) {
        const QModelIndex index = sourceModel()->index(sourceRow, column, sourceParent);
        if (index.data(Qt::DisplayRole).toString().contains(expression))
            return true;
    }
    return false;
}

} // namespace embtune::widgets
