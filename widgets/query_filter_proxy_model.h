#pragma once
// Filters a QueryListModel by a case-insensitive substring of the query id or text, and sorts
// numeric ids as numbers (QueryListModel::SortRole).

#include <QSortFilterProxyModel>

namespace embtune::widgets {

class QueryFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit QueryFilterProxyModel(QObject *parent = nullptr);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
};

} // namespace embtune::widgets
