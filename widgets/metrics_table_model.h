#pragma once
// Runs side by side: one row per evaluated run (baseline embeddings, BM25, tuned runs), one column
// per (metric, k) shown. The model keeps every run's mean for every (metric, k) it was given, so
// the shown columns may change at any time and MetricsChartView draws the curves from it.
//
// Cells show 4 decimals; ValueRole and the tooltip carry full precision, the tooltip also the
// difference to the first run (the reference, normally the baseline). When two or more runs are
// shown, the best value of each column is bold. The vertical header is the run's label with a
// swatch of its colour (the chart uses the same colour). A run's label is its name, followed by
// " [split]" while runs of several splits are listed.

#include "eval/metrics.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QPointF>

#include <map>
#include <optional>
#include <utility>

namespace embtune::widgets {

class MetricsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        ValueRole = Qt::UserRole + 1, // double mean value; invalid QVariant when not computed
        MetricRole,                   // int(engine::Metric) of the column
        KRole,                        // k of the column
        RunKeyRole,                   // QString key of the row's run (cells and vertical header)
        ColorRole,                    // QColor of the row's run
    };

    struct Column {
        engine::Metric metric = engine::Metric::Ndcg;
        int k = 10;
        bool operator==(const Column &other) const { return metric == other.metric && k == other.k; }
    };

    explicit MetricsTableModel(QObject *parent = nullptr);

    // Adds a run, or replaces the run with the same key (keeping its row and colour). `details`
    // is shown in the row header's tooltip. Returns the row.
    int setRun(const QString &key, const QString &name, const QString &split, const engine::MetricResults &results,
               const QString &details = {});
    bool removeRun(const QString &key);
    void clear();
    bool isEmpty() const { return m_runs.empty(); }
    int runCount() const { return int(m_runs.size()); }

    int rowOfRun(const QString &key) const;
    QString runKey(int row) const;
    QString runName(int row) const;
    QString runSplit(int row) const;
    QString runLabel(int row) const;
    QColor runColor(int row) const;
    int runQueryCount(int row) const;
    // Mean of (metric, k) of a run; std::nullopt when not computed.
    std::optional<double> value(int row, engine::Metric metric, int k) const;
    // (k, mean) for every k the run has for `metric`, ascending k.
    QList<QPointF> curve(int row, engine::Metric metric) const;

    // Columns shown.
    void setColumns(const QList<Column> &columns);
    QList<Column> columns() const { return m_columns; }
    int columnOf(engine::Metric metric, int k) const;
    // nDCG@1, nDCG@10, nDCG@100, recall@10, recall@100, R_cap@10, MRR@10, MAP@100.
    static QList<Column> summaryColumns();
    // `metric` at each of `ks`.
    static QList<Column> metricColumns(engine::Metric metric, const QList<int> &ks = {1, 3, 5, 10, 100});
    // "nDCG@10".
    static QString columnTitle(const Column &column);
    // Display text of a value: fixed 4 decimals ("0.4771").
    static QString formatValue(double value);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Run {
        QString key, name, split, details;
        QColor color;
        int queryCount = 0;
        std::map<std::pair<engine::Metric, int>, double> means;
    };
    const double *find(int row, int column) const;
    // Best value of a column over the runs (larger is better for every metric); null when < 2 runs.
    std::optional<double> best(int column) const;
    bool severalSplits() const;
    QColor nextColor();

    QList<Run> m_runs;
    QList<Column> m_columns;
    int m_colorsUsed = 0;
};

} // namespace embtune::widgets
