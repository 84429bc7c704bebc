#include "metrics_chart_view.h"

#include "metrics_table_model.h"

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

QString defaultTitle()
{
    return MetricsChartView::tr("Retrieval quality by rank cutoff");
}

} // namespace

MetricsChartView::MetricsChartView(QWidget *parent)
    : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->legend()->setShowToolTips(true);
    chart->setMargins(QMargins(4, 4, 4, 4));

    m_kAxis = new QValueAxis(chart);
    m_kAxis->setTitleText(tr("k (rank cutoff)"));
    m_kAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_kAxis->setTickType(QValueAxis::TicksDynamic);
    m_kAxis->setTickAnchor(0);
    m_kAxis->setTruncateLabels(false); // "100" at the right edge, next to the legend
    m_scoreAxis = new QValueAxis(chart);
    m_scoreAxis->setTitleText(tr("mean over queries"));
    m_scoreAxis->setRange(0.0, 1.0);
    m_scoreAxis->setTickCount(11);
    m_scoreAxis->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(m_kAxis, Qt::AlignBottom);
    chart->addAxis(m_scoreAxis, Qt::AlignLeft);
    setKRange(100);

    setChart(chart);
    updateTitle();
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
}

QString MetricsChartView::seriesSuffix(engine::Metric metric)
{
    return metric == engine::Metric::Recall ? QStringLiteral(" \u00b7 recall@k") : QStringLiteral(" \u00b7 nDCG@k");
}

void MetricsChartView::setModel(MetricsTableModel *model)
{
    for (const QMetaObject::Connection &connection : m_connections)
        disconnect(connection);
    m_connections.clear();
    m_model = model;
    if (m_model) {
        m_connections << connect(m_model, &QAbstractItemModel::modelReset, this, &MetricsChartView::rebuild);
        m_connections << connect(m_model, &QAbstractItemModel::rowsInserted, this, &MetricsChartView::rebuild);
        m_connections << connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MetricsChartView::rebuild);
        m_connections << connect(m_model, &QAbstractItemModel::headerDataChanged, this,
                                 [this](Qt::Orientation orientation) {
                                     if (orientation == Qt::Vertical)
                                         rebuild();
                                 });
        m_connections << connect(m_model, &QObject::destroyed, this, [this] {
            m_model = nullptr;
            rebuild();
        });
    }
    rebuild();
}

void MetricsChartView::setCurves(Curves curves)
{
    if (m_curves == curves)
        return;
    m_curves = curves;
    updateTitle();
    rebuild();
}

void MetricsChartView::setTitle(const QString &title)
{
    m_title = title;
    updateTitle();
}

void MetricsChartView::updateTitle()
{
    const QString styles = m_curves == Curves::Both   ? tr("nDCG@k solid, recall@k dashed")
                           : m_curves == Curves::Ndcg ? tr("nDCG@k")
                                                      : tr("recall@k");
    chart()->setTitle(QStringLiteral("%1 (%2)").arg(m_title.isEmpty() ? defaultTitle() : m_title, styles));
}

QLineSeries *MetricsChartView::series(const QString &runKey, engine::Metric metric) const
{
    for (const RunSeries &run : m_series)
        if (run.key == runKey)
            return metric == engine::Metric::Recall ? run.recall : metric == engine::Metric::Ndcg ? run.ndcg : nullptr;
    return nullptr;
}

QList<QLineSeries *> MetricsChartView::allSeries() const
{
    QList<QLineSeries *> out;
    for (const RunSeries &run : m_series)
        for (QLineSeries *series : {run.ndcg, run.recall})
            if (series)
                out.append(series);
    return out;
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
    interval = std::max(interval, 1.0);
    // A little room after the last tick, so its label is not cut by the legend beside the plot.
    m_kAxis->setRange(0, maxK + 0.35 * interval);
    m_kAxis->setTickInterval(interval);
}

void MetricsChartView::rebuild()
{
    QChart *chart = this->chart();
    // Rebuilt from scratch: a handful of runs of at most a few hundred points each.
    chart->removeAllSeries();
    m_series.clear();
    if (!m_model) {
        setKRange(100);
        return;
    }
    int maxK = 1;
    for (int row = 0; row < m_model->runCount(); ++row) {
        RunSeries run;
        run.key = m_model->runKey(row);
        const QString label = m_model->runLabel(row);
        const QColor color = m_model->runColor(row);
        for (engine::Metric metric : {engine::Metric::Ndcg, engine::Metric::Recall}) {
            if ((metric == engine::Metric::Ndcg && m_curves == Curves::Recall) ||
                (metric == engine::Metric::Recall && m_curves == Curves::Ndcg))
                continue;
            const QList<QPointF> points = m_model->curve(row, metric);
            if (points.isEmpty())
                continue;
            maxK = std::max(maxK, int(points.last().x()));
            auto *series = new QLineSeries(chart);
            series->setName(label + seriesSuffix(metric));
            QPen pen(color, 2.25);
            if (metric == engine::Metric::Recall)
                pen.setStyle(Qt::DashLine);
            series->setPen(pen);
            series->replace(points);
            chart->addSeries(series);
            series->attachAxis(m_kAxis);
            series->attachAxis(m_scoreAxis);
            (metric == engine::Metric::Ndcg ? run.ndcg : run.recall) = series;
            // One legend entry per run, labelled with the run; the line style tells the metric.
            const QList<QLegendMarker *> markers = chart->legend()->markers(series);
            for (QLegendMarker *marker : markers) {
                const bool first = (metric == engine::Metric::Ndcg) || !run.ndcg;
                marker->setVisible(first);
                marker->setLabel(label);
            }
        }
        m_series.append(run);
    }
    setKRange(maxK);
}

} // namespace embtune::widgets
