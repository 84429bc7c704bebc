#pragma once
// Chart of mean recall@k and nDCG@k against the rank cutoff k: two QLineSeries named
// "recall@k" and "nDCG@k", one point per k of the results, on a 0..1 score axis.

#include "eval/metrics.h"

#include <QtCharts/QChartView>

class QLineSeries;
class QValueAxis;

namespace embtune::widgets {

class MetricsChartView : public QChartView {
    Q_OBJECT
public:
    explicit MetricsChartView(QWidget *parent = nullptr);

    // Replaces both curves with the means of `results` for every k it holds (ascending k).
    void setResults(const engine::MetricResults &results, const QString &title = {});
    void clear();

    QLineSeries *recallSeries() const { return m_recall; }
    QLineSeries *ndcgSeries() const { return m_ndcg; }
    QValueAxis *kAxis() const { return m_kAxis; }
    QValueAxis *scoreAxis() const { return m_scoreAxis; }

private:
    void setKRange(int maxK);

    QLineSeries *m_recall = nullptr;
    QLineSeries *m_ndcg = nullptr;
    QValueAxis *m_kAxis = nullptr;
    QValueAxis *m_scoreAxis = nullptr;
};

} // namespace embtune::widgets
