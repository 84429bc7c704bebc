#pragma once
// Per-query comparison of two evaluated runs (A, the reference, and B) over the same dataset:
// one row per query both runs evaluated, with the query's id and text, nDCG@10 of A and of B
// and the change B - A. Rows are in dataset query order; views sort them (SortRole) and filter
// them by text (FilterRole). wins/losses/ties count the queries whose nDCG@10 went up, down or
// stayed (|change| <= 1e-12).

#include "data/dataset.h"
#include "eval/retrieval_evaluation.h"

#include <QAbstractTableModel>

#include <memory>

namespace embtune::widgets {

class QueryExplorerModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, TextColumn, ValueAColumn, ValueBColumn, ChangeColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // double for the value columns, text otherwise
        QueryRole,                   // int dense query index
        FilterRole,                  // "id text" for filtering
    };
    struct Row {
        int32_t query = 0;
        double a = 0, b = 0;
        double change() const { return b - a; }
    };

    explicit QueryExplorerModel(QObject *parent = nullptr);

    // Compares `a` with `b` (either null: empty). The dataset and reports must be the ones
    // the runs were evaluated on; they are shared, not copied.
    void setRuns(std::shared_ptr<const engine::Dataset> dataset, std::shared_ptr<const engine::EvaluationReport> a,
                 std::shared_ptr<const engine::EvaluationReport> b, const QString &nameA, const QString &nameB);

    int wins() const { return m_wins; }
    int losses() const { return m_losses; }
    int ties() const { return m_ties; }
    const QList<Row> &rows() const { return m_rows; }
    // Row of the dense query index, or -1.
    int rowOfQuery(int32_t query) const;
    // The query with the largest change B - A (first in dataset order on ties); -1 when empty.
    int32_t largestGainQuery() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const engine::Dataset> m_dataset;
    QString m_nameA, m_nameB;
    QList<Row> m_rows;
    int m_wins = 0, m_losses = 0, m_ties = 0;
};

} // namespace embtune::widgets
