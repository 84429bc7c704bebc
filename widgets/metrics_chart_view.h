#pragma once
// Chart of mean metric@k against the rank cutoff k for the runs of a MetricsTableModel: per run
// one QLineSeries per drawn metric, in the run's colour, named "<run label> · nDCG@k" etc.
// Curves::Both draws nDCG@k (solid) and recall@k (dashed); Ndcg / Recall one of them;
// Single the metric of setMetric (any of nDCG, recall, R_cap, P, MRR, MAP). The k axis is
// linear (kAxis) or logarithmic (logKAxis, setLogK). setVisibleRuns limits the runs drawn
// (e.g. to the rows selected or filtered in a table). The legend (right of the plot) has one
// entry per run, labelled with the run's label; the title's suffix names the line styles.
// Clicking a curve emits pointClicked with the run and the nearest k.
// The chart follows the model (runs added, replaced or removed); it owns no data of its own.

#include "eval/metrics.h"

#include <QtCharts/QChartView>

#include <QList>
#include <QSet>

#include <map>

class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace embtune::widgets {

class MetricsTableModel;

class MetricsChartView : public QChartView {
    Q_OBJECT
protected:
    using QChartView::metric; // QWidget's paint-device metric, beside metric() below
public:
    enum class Curves { Both, Ndcg, Recall, Single };

    explicit MetricsChartView(QWidget *parent = nullptr);

    // Draws the runs of `model` (null: none). The model must outlive the view or be reset first.
    void setModel(MetricsTableModel *model);
    MetricsTableModel *model() const { return m_model; }

    void setCurves(Curves curves);
    Curves curves() const { return m_curves; }
    // Draws `metric` alone (Curves::Single).
    void setMetric(engine::Metric metric);
    engine::Metric metric() const { return m_metric; }

    // Logarithmic k axis (1..max k).
    void setLogK(bool logK);
    bool logK() const { return m_logK; }

    // Draws only the runs with these keys; clearVisibleRuns draws every run again.
    void setVisibleRuns(const QStringList &runKeys);
    void clearVisibleRuns();

    // Title above the plot (empty: a default), followed by the line styles in parentheses.
    void setTitle(const QString &title);

    // The series of run `key` for `metric`; null when not drawn.
    QLineSeries *series(const QString &runKey, engine::Metric metric) const;
    // Every drawn series, in run order (nDCG before recall for each run).
    QList<QLineSeries *> allSeries() const;

    QValueAxis *kAxis() const { return m_kAxis; }
    QLogValueAxis *logKAxis() const { return m_logKAxis; }
    QValueAxis *scoreAxis() const { return m_scoreAxis; }

    // Writes the chart as drawn, at the widget's size: an image (PNG or any format Qt writes, by
    // suffix) or SVG (vector). False when the file cannot be written.
    bool saveImage(const QString &path);
    bool saveSvg(const QString &path);

    // Suffix of series names: " · nDCG@k", " · recall@k", " · R_cap@k", ...
    static QString seriesSuffix(engine::Metric metric);

signals:
    void pointClicked(const QString &runKey, engine::Metric metric, int k);

private:
    struct RunSeries {
        QString key;
        std::map<engine::Metric, QLineSeries *> series;
    };
    QList<engine::Metric> drawnMetrics() const;
    void rebuild();
    void updateTitle();
    void setKRange(int maxK);

    MetricsTableModel *m_model = nullptr;
    QList<QMetaObject::Connection> m_connections;
    QList<RunSeries> m_series;
    Curves m_curves = Curves::Both;
    engine::Metric m_metric = engine::Metric::Ndcg;
    bool m_logK = false;
    bool m_filterRuns = false;
    QSet<QString> m_visibleRuns;
    QString m_title;
    QValueAxis *m_kAxis = nullptr;
    QLogValueAxis *m_logKAxis = nullptr;
    QValueAxis *m_scoreAxis = nullptr;
};

} // namespace embtune::widgets
