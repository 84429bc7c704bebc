#pragma once
// The queries of a dataset as a table: id, the splits that judge the query, its number of
// relevant documents over all splits, and the query text. Rows are dense query indices.

#include "data/dataset.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace embtune::widgets {

class QueryListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, SplitsColumn, RelevantColumn, TextColumn, ColumnCount };
    enum Role {
        QueryIndexRole = Qt::UserRole + 1, // int dense query index (every column)
        SortRole,                          // numeric ids and counts as numbers
    };

    explicit QueryListModel(QObject *parent = nullptr);

    // Shows the queries of `dataset` (may be null: empty model). The model keeps a reference.
    void setDataset(std::shared_ptr<const engine::Dataset> dataset);
    const std::shared_ptr<const engine::Dataset> &dataset() const { return m_dataset; }

    // Relevant (gain > 0) documents of `query`, merged over the splits. Computed on first use
    // and cached (sorting by this column asks for every row many times).
    int relevantCount(int query) const;
    // Names of the splits judging `query`, comma separated.
    QString splitsOf(int query) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const engine::Dataset> m_dataset;
    mutable std::vector<int32_t> m_relevantCache; // per query; -1 = not computed yet
};

} // namespace embtune::widgets
