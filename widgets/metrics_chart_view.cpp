#include "metrics_chart_view.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <QPen>

#include <algorithm>
#include <cmath>
#include <utility>

namespace embtune::widgets {

namespace {

QList<QPointF> curve(const engine::MetricResults &results, engine::Metric metric)
{
    std::vector<int> ks = results.ks;
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    QList<QPointF> points;
    points.reserve(qsizetype(ks.size()));
    for (int k : ks)
        if (results.has(metric, k))
            points.append(QPointF(k, results.mean(metric, k)));
    return points;
}

} // namespace

MetricsChartView::MetricsChartView(QWidget *parent)
    : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Retrieval quality by rank cutoff"));
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);

    m_recall = new QLineSeries(chart);
    m_recall->setName(QStringLiteral("recall@k"));
    m_ndcg = new QLineSeries(chart);
    m_ndcg->setName(QStringLiteral("nDCG@k"));
    // Fixed colours (blue, orange) so both curves stay distinct in any chart theme and in print.
    const std::pair<QLineSeries *, QColor> styles[] = {{m_recall, QColor(0x1f, 0x77, 0xb4)},
                                                       {m_ndcg, QColor(0xff, 0x7f, 0x0e)}};
    for (const auto &[series, color] : styles) {
        chart->addSeries(series);
        series->setPen(QPen(color, 2.5));
    }

    m_kAxis = new QValueAxis(chart);
    m_kAxis->setTitleText(tr("k (rank cutoff)"));
    m_kAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_kAxis->setTickType(QValueAxis::TicksDynamic);
    m_kAxis->setTickAnchor(0);
    m_scoreAxis = new QValueAxis(chart);
    m_scoreAxis->setTitleText(tr("mean over queries"));
    m_scoreAxis->setRange(0.0, 1.0);
    m_scoreAxis->setTickCount(11);
    m_scoreAxis->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(m_kAxis, Qt::AlignBottom);
    chart->addAxis(m_scoreAxis, Qt::AlignLeft);
    for (QLineSeries *series : {m_recall, m_ndcg}) {
        series->attachAxis(m_kAxis);
        series->attachAxis(m_scoreAxis);
    }
    setKRange(100);

    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
}

void MetricsChartView::setKRange(int maxK)
{
    maxK = std::max(maxK, 1);
    // Tick interval 1, 2 or 5 times a power of ten, about ten ticks.
    const double raw = maxK / 10.0;
    const double base = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
    double interval = base;
    for (double factor : {1.0, 2.0, 5.0, 10.0})
        if (base * factor >= raw) {
            interval = base * factor;
            break;
        }
    m_kAxis->setRange(0, maxK);
    m_kAxis->setTickInterval(std::max(interval, 1.0));
}

void MetricsChartView::setResults(const engine::MetricResults &results, const QString &title)
{
    const QList<QPointF> recall = curve(results, engine::Metric::Recall);
    const QList<QPointF> ndcg = curve(results, engine::Metric::Ndcg);
    m_recall->replace(recall);
    m_ndcg->replace(ndcg);
    int maxK = 1;
    for (const auto *points : {&recall, &ndcg})
        if (!points->isEmpty())
            maxK = std::max(maxK, int(points->last().x()));
    setKRange(maxK);
    if (!title.isEmpty())
        chart()->setTitle(title);
}

void MetricsChartView::clear()
{
    m_recall->clear();
    m_ndcg->clear();
    chart()->setTitle(tr("Retrieval quality by rank cutoff"));
}

} // namespace embtune::widgets
