#pragma once
// Table of mean retrieval metrics: one row per metric (nDCG, recall, R_cap, P, MRR, MAP), one
// column per rank cutoff k (default @1, @3, @5, @10, @100). Cells show 4 decimals; the tooltip
// and ValueRole carry full precision. Cells whose (metric, k) was not computed are empty.

#include "eval/metrics.h"

#include <QAbstractTableModel>
#include <QList>
#include <QLocale>

#include <map>
#include <utility>

namespace embtune::widgets {

class MetricsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        ValueRole = Qt::UserRole + 1, // double mean value; invalid QVariant when not computed
        MetricRole,                   // int(engine::Metric) of the row
        KRole,                        // k of the column
    };

    explicit MetricsTableModel(QObject *parent = nullptr);

    // Copies the mean of every (metric, k) of `results`; queryCount is the number of queries
    // the means are taken over (shown in tooltips).
    void setResults(const engine::MetricResults &results);
    void clear();
    bool isEmpty() const { return m_means.empty(); }

    // Columns shown; values are kept for every k of the results, so this may change at any time.
    void setKs(const QList<int> &ks);
    QList<int> ks() const { return m_ks; }
    QList<engine::Metric> metrics() const { return m_metrics; }

    // Row of `metric`, column of `k`; -1 when not shown.
    int rowOf(engine::Metric metric) const { return m_metrics.indexOf(metric); }
    int columnOf(int k) const { return m_ks.indexOf(k); }

    // Display text of a value: fixed 4 decimals ("0.4771").
    static QString formatValue(double value);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const double *find(int row, int column) const;

    QList<engine::Metric> m_metrics;
    QList<int> m_ks;
    std::map<std::pair<engine::Metric, int>, double> m_means;
    int m_queryCount = 0;
};

} // namespace embtune::widgets
