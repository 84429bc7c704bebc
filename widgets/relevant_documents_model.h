#pragma once
// The judged documents of one query: one row per (split, judged document) with the document id,
// gain, split, title and text. Rows are ordered by split name, then gain descending, then
// document order. Judgements with gain <= 0 (judged not relevant) are shown greyed.

#include "data/dataset.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace embtune::widgets {

class RelevantDocumentsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, GainColumn, SplitColumn, TitleColumn, TextColumn, ColumnCount };
    enum Role {
        DocumentIndexRole = Qt::UserRole + 1, // int dense document index (every column)
        GainRole,                             // int gain (every column)
    };

    explicit RelevantDocumentsModel(QObject *parent = nullptr);

    // Shows the judgements of `query` (dense index; -1 or a null dataset: empty).
    void setQuery(std::shared_ptr<const engine::Dataset> dataset, int query);
    int query() const { return m_query; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        int32_t doc = 0;
        int32_t gain = 0;
        QString split;
    };

    std::shared_ptr<const engine::Dataset> m_dataset;
    int m_query = -1;
    std::vector<Row> m_rows;
};

} // namespace embtune::widgets
