#pragma once
// Chart of mean nDCG@k and recall@k against the rank cutoff k for every run of a
// MetricsTableModel: per run one QLineSeries per shown metric, in the run's colour (nDCG solid,
// recall dashed), named "<run label> · nDCG@k" / "<run label> · recall@k". The legend (right of
// the plot) has one entry per run, labelled with the run's label; the title's suffix names the
// line styles.
// The chart follows the model (runs added, replaced or removed); it owns no data of its own.

#include "eval/metrics.h"

#include <QtCharts/QChartView>

#include <QList>

class QLineSeries;
class QValueAxis;

namespace embtune::widgets {

class MetricsTableModel;

class MetricsChartView : public QChartView {
    Q_OBJECT
public:
    enum class Curves { Both, Ndcg, Recall };

    explicit MetricsChartView(QWidget *parent = nullptr);

    // Draws the runs of `model` (null: none). The model must outlive the view or be reset first.
    void setModel(MetricsTableModel *model);
    MetricsTableModel *model() const { return m_model; }

    void setCurves(Curves curves);
    Curves curves() const { return m_curves; }

    // Title above the plot (empty: a default), followed by the line styles in parentheses.
    void setTitle(const QString &title);

    // The series of run `key` for `metric` (Ndcg or Recall); null when not drawn.
    QLineSeries *series(const QString &runKey, engine::Metric metric) const;
    // Every drawn series, in run order (nDCG before recall for each run).
    QList<QLineSeries *> allSeries() const;

    QValueAxis *kAxis() const { return m_kAxis; }
    QValueAxis *scoreAxis() const { return m_scoreAxis; }

    // Suffix of series names: " · nDCG@k", " · recall@k".
    static QString seriesSuffix(engine::Metric metric);

private:
    struct RunSeries {
        QString key;
        QLineSeries *ndcg = nullptr;
        QLineSeries *recall = nullptr;
    };
    void rebuild();
    void updateTitle();
    void setKRange(int maxK);

    MetricsTableModel *m_model = nullptr;
    QList<QMetaObject::Connection> m_connections;
    QList<RunSeries> m_series;
    Curves m_curves = Curves::Both;
    QString m_title;
    QValueAxis *m_kAxis = nullptr;
    QValueAxis *m_scoreAxis = nullptr;
};

} // namespace embtune::widgets
