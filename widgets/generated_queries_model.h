#pragma once
// The queries of one generated training-query set (engine/synth/synthetic_set.h), one row each:
// the query text, the source document's id and title. The model shares the dataset and the set
// it is given (read-only) and owns nothing else.

#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <QAbstractTableModel>

#include <memory>

namespace embtune::widgets {

class GeneratedQueriesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { QueryColumn, DocumentColumn, TitleColumn, ColumnCount };
    enum Role {
        DocumentIndexRole = Qt::UserRole + 1, // int: dense index of the source document
        QueryIdRole,                          // QString: the generated query's id
    };

    explicit GeneratedQueriesModel(QObject *parent = nullptr);

    using QAbstractTableModel::setData; // the item-editing overload, beside setData below

    // `set` must have been generated for `dataset` (document indices in range). Null clears.
    void setData(std::shared_ptr<const engine::Dataset> dataset, std::shared_ptr<const engine::SyntheticSet> set);
    const engine::SyntheticSet *set() const { return m_set.get(); }
    const engine::Dataset *dataset() const { return m_dataset.get(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const engine::Dataset> m_dataset;
    std::shared_ptr<const engine::SyntheticSet> m_set;
};

} // namespace embtune::widgets
