#pragma once
// Runs side by side: one row per evaluated run (baseline embeddings, BM25, tuned runs), one column
// per (metric, k) shown. The model keeps every run's mean for every (metric, k) it was given, so
// the shown columns may change at any time and MetricsChartView draws the curves from it.
//
// Cells show 4 decimals (with CellText::ValueAndDelta or Delta, also or only the difference to
// the baseline run), followed by the significance marker of the run against the baseline when
// one was given (setSignificance: "*" p < 0.05, "**" p < 0.01). ValueRole and the tooltip carry
// full precision, the tooltip also the difference to the baseline, the p-value and the interval
// of the mean per-query difference. The baseline is the run chosen with setBaseline, else the
// first run. When two or more runs are shown, the best value of each column is bold. The vertical header is the run's label with a
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
        DeltaRole,                    // double value minus the baseline's; invalid when either is missing
        PValueRole,                   // double p-value against the baseline; invalid when not tested
    };
    // What a cell's text shows.
    enum class CellText { Value, ValueAndDelta, Delta };
    // A run against the baseline for one (metric, k) (engine::SignificanceResult, in short).
    struct Significance {
        double pValue = 1;
        double low = 0, high = 0;  // bootstrap interval of the mean per-query difference
        double confidence = 0.95;
        int64_t queries = 0;       // queries both runs evaluated
        int64_t permutations = 0;
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
    // The run the deltas and markers refer to; an unknown key (or empty) means the first run.
    // Changing it clears every significance (they were against the previous baseline).
    void setBaseline(const QString &key);
    QString baselineKey() const;
    int baselineRow() const;
    void setCellText(CellText text);
    CellText cellText() const { return m_cellText; }
    // Significance of run `runKey` against the current baseline; cleared when either run is
    // replaced or removed, when the baseline changes, and by clearSignificance.
    void setSignificance(const QString &runKey, engine::Metric metric, int k, const Significance &significance);
    void clearSignificance();
    std::optional<Significance> significance(int row, engine::Metric metric, int k) const;

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
    // Display text of a value: fixed 4 decimals ("0.4771"); of a delta: signed ("+0.0123").
    static QString formatValue(double value);
    static QString formatDelta(double delta);

signals:
    void baselineChanged(const QString &key);

public:

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
        std::map<std::pair<engine::Metric, int>, Significance> significance; // against the baseline
    };
    const double *find(int row, int column) const;
    // Best value of a column over the runs (larger is better for every metric); null when < 2 runs.
    std::optional<double> best(int column) const;
    bool severalSplits() const;
    QColor nextColor();

    QList<Run> m_runs;
    void emitAllChanged();

    QList<Column> m_columns;
    int m_colorsUsed = 0;
    QString m_baselineKey;
    CellText m_cellText = CellText::Value;
};

} // namespace embtune::widgets
