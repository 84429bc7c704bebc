#pragma once
// Overlaid histograms of cosine similarities (relevant pairs, random pairs, each query's top-10
// non-relevant) before and after tuning: one line series per distribution and state, drawn
// through the bin centres as the share of that distribution's pairs in each bin (so
// distributions of different sizes compare). Colour = distribution, dashed = before, solid =
// after. GUI thread only; the view copies the histograms it is given.

#include "analysis/similarity_histogram.h"

#include <QtCharts/QChartView>

#include <QList>

class QLineSeries;
class QValueAxis;

namespace embtune::widgets {

class HistogramChartView : public QChartView {
    Q_OBJECT
public:
    explicit HistogramChartView(QWidget *parent = nullptr);

    // `after` null: only the "before" distributions (a baseline run).
    void setDistributions(const engine::SimilarityDistributions &before, const engine::SimilarityDistributions *after);
    void clear();

    // The series, in order: relevant, random, top-10 non-relevant (before), then the same after.
    // Each series' property "pairs" holds its histogram's count.
    QList<QLineSeries *> series() const;
    QValueAxis *cosineAxis() const { return m_cosineAxis; }
    QValueAxis *shareAxis() const { return m_shareAxis; }

    // Share of the histogram's values in each bin, at the bin centres: (lo + (b + 0.5) w, count_b / count).
    static QList<QPointF> sharePoints(const engine::Histogram &histogram);

private:
    QValueAxis *m_cosineAxis = nullptr;
    QValueAxis *m_shareAxis = nullptr;
};

} // namespace embtune::widgets
