#include "histogram_chart_view.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <QPen>

#include <algorithm>
#include <cmath>

namespace embtune::widgets {

namespace {

const QColor kRelevantColor(0x2e, 0x8b, 0x3e);
const QColor kRandomColor(0x80, 0x80, 0x80);
const QColor kHardNegativeColor(0xc0, 0x39, 0x2b);

} // namespace

HistogramChartView::HistogramChartView(QWidget *parent)
    : QChartView(new QChart, parent) // QChartView(parent) would make a chart that setChart() leaks
{
    QChart *chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_cosineAxis = new QValueAxis(chart);
    m_cosineAxis->setTitleText(tr("cos(q, d)"));
    m_cosineAxis->setLabelFormat(QStringLiteral("%.1f"));
    m_cosineAxis->setTickType(QValueAxis::TicksDynamic);
    m_cosineAxis->setTickAnchor(0);
    m_cosineAxis->setTickInterval(0.2);
    m_shareAxis = new QValueAxis(chart);
    m_shareAxis->setTitleText(tr("share of pairs"));
    m_shareAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_shareAxis->setTickType(QValueAxis::TicksDynamic);
    m_shareAxis->setTickAnchor(0);
    m_shareAxis->setTickInterval(0.2);
    chart->addAxis(m_cosineAxis, Qt::AlignBottom);
    chart->addAxis(m_shareAxis, Qt::AlignLeft);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    clear();
}

QList<QPointF> HistogramChartView::sharePoints(const engine::Histogram &histogram)
{
    QList<QPointF> points;
    if (histogram.counts.empty() || histogram.count <= 0)
        return points;
    const double width = histogram.binWidth();
    points.reserve(qsizetype(histogram.counts.size()));
    for (size_t b = 0; b < histogram.counts.size(); ++b)
        points.append(QPointF(histogram.lo + (double(b) + 0.5) * width,
                              double(histogram.counts[b]) / double(histogram.count)));
    return points;
}

QList<QLineSeries *> HistogramChartView::series() const
{
    QList<QLineSeries *> out;
    for (QAbstractSeries *s : chart()->series())
        if (auto *line = qobject_cast<QLineSeries *>(s))
            out.append(line);
    return out;
}

void HistogramChartView::clear()
{
    chart()->removeAllSeries();
    chart()->setTitle({});
    m_cosineAxis->setRange(-1, 1);
    m_shareAxis->setRange(0, 1);
}

void HistogramChartView::setDistributions(const engine::SimilarityDistributions &before,
                                          const engine::SimilarityDistributions *after)
{
    clear();
    double lo = 1, hi = -1, top = 0;
    auto add = [&](const engine::Histogram &histogram, const QString &name, const QColor &color, bool dashed) {
        auto *series = new QLineSeries;
        series->setName(name);
        series->setProperty("pairs", qint64(histogram.count));
        const QList<QPointF> points = sharePoints(histogram);
        series->append(points);
        QPen pen(color, dashed ? 1.6 : 2.2);
        if (dashed)
            pen.setStyle(Qt::DashLine);
        series->setPen(pen);
        chart()->addSeries(series);
        series->attachAxis(m_cosineAxis);
        series->attachAxis(m_shareAxis);
        // With before and after, the legend lists the distributions once (the solid "after" lines).
        if (dashed)
            for (QLegendMarker *marker : chart()->legend()->markers(series))
                marker->setVisible(false);
        for (const QPointF &p : points) {
            top = std::max(top, p.y());
            if (p.y() > 0) {
                lo = std::min(lo, p.x() - histogram.binWidth());
                hi = std::max(hi, p.x() + histogram.binWidth());
            }
        }
    };
    const bool both = after != nullptr;
    add(before.relevant, both ? tr("relevant, before") : tr("relevant"), kRelevantColor, both);
    add(before.random, both ? tr("random, before") : tr("random"), kRandomColor, both);
    add(before.hardNegative, both ? tr("top-10 non-relevant, before") : tr("top-10 non-rel."), kHardNegativeColor,
        both);
    if (after) {
        add(after->relevant, tr("relevant"), kRelevantColor, false);
        add(after->random, tr("random"), kRandomColor, false);
        add(after->hardNegative, tr("top-10 non-rel."), kHardNegativeColor, false);
    }
    chart()->setTitle(both ? tr("dashed: before tuning, solid: after") : QString());
    // The occupied part of [-1, 1] on a 0.1 grid; the share axis up to the tallest bin.
    if (lo < hi) {
        m_cosineAxis->setRange(std::max(-1.0, std::floor(lo * 10) / 10), std::min(1.0, std::ceil(hi * 10) / 10));
        m_cosineAxis->setTickInterval(m_cosineAxis->max() - m_cosineAxis->min() > 1.01 ? 0.2 : 0.1);
    }
    // Ticks every 0.05, 0.1 or 0.2 (about five), the range up to the next tick above the tallest bin.
    const double interval = top > 0.6 ? 0.2 : top > 0.25 ? 0.1 : 0.05;
    m_shareAxis->setTickInterval(interval);
    m_shareAxis->setRange(0, top > 0 ? std::ceil(top * 1.05 / interval) * interval : 1);
}

} // namespace embtune::widgets
