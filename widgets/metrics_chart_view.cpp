#include "metrics_chart_view.h"

#include "metrics_table_model.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include <QFile>
#include <QPainter>
#include <QPen>
#include <QPixmap>
#include <QSvgGenerator>

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
    : QChartView(new QChart, parent) // QChartView(parent) would make a chart that setChart() leaks
{
    QChart *chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->legend()->setShowToolTips(true);
    chart->setMargins(QMargins(4, 4, 4, 4));

    // Both k axes belong to the view; the chart holds the one in use.
    m_kAxis = new QValueAxis(this);
    m_kAxis->setTitleText(tr("k (rank cutoff)"));
    m_kAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_kAxis->setTickType(QValueAxis::TicksDynamic);
    m_kAxis->setTickAnchor(0);
    m_kAxis->setTruncateLabels(false); // "100" at the right edge, next to the legend
    m_logKAxis = new QLogValueAxis(this);
    m_logKAxis->setTitleText(tr("k (rank cutoff, log scale)"));
    m_logKAxis->setBase(10.0);
    m_logKAxis->setLabelFormat(QStringLiteral("%g"));
    m_logKAxis->setMinorTickCount(8);
    m_logKAxis->setTruncateLabels(false);
    m_scoreAxis = new QValueAxis(this);
    m_scoreAxis->setTitleText(tr("mean over queries"));
    m_scoreAxis->setRange(0.0, 1.0);
    m_scoreAxis->setTickCount(11);
    m_scoreAxis->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(m_kAxis, Qt::AlignBottom);
    chart->addAxis(m_scoreAxis, Qt::AlignLeft);
    setKRange(100);

    updateTitle();
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
}

QString MetricsChartView::seriesSuffix(engine::Metric metric)
{
    return QStringLiteral(" \u00b7 %1@k").arg(QString::fromLatin1(engine::metricName(metric)));
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

void MetricsChartView::setMetric(engine::Metric metric)
{
    if (m_curves == Curves::Single && m_metric == metric)
        return;
    m_metric = metric;
    m_curves = Curves::Single;
    updateTitle();
    rebuild();
}

void MetricsChartView::setLogK(bool logK)
{
    if (m_logK == logK)
        return;
    m_logK = logK;
    QChart *chart = this->chart();
    chart->removeAllSeries();
    m_series.clear();
    QAbstractAxis *unused = logK ? static_cast<QAbstractAxis *>(m_kAxis) : m_logKAxis;
    chart->removeAxis(unused);
    unused->setParent(this); // removeAxis leaves it without a parent
    chart->addAxis(logK ? static_cast<QAbstractAxis *>(m_logKAxis) : m_kAxis, Qt::AlignBottom);
    updateTitle();
    rebuild();
}

void MetricsChartView::setVisibleRuns(const QStringList &runKeys)
{
    const QSet<QString> keys(runKeys.begin(), runKeys.end());
    if (m_filterRuns && keys == m_visibleRuns)
        return;
    m_filterRuns = true;
    m_visibleRuns = keys;
    rebuild();
}

void MetricsChartView::clearVisibleRuns()
{
    if (!m_filterRuns)
        return;
    m_filterRuns = false;
    m_visibleRuns.clear();
    rebuild();
}

void MetricsChartView::setTitle(const QString &title)
{
    m_title = title;
    updateTitle();
}

void MetricsChartView::updateTitle()
{
    QString styles = m_curves == Curves::Both     ? tr("nDCG@k solid, recall@k dashed")
                     : m_curves == Curves::Ndcg   ? tr("nDCG@k")
                     : m_curves == Curves::Recall ? tr("recall@k")
                                                  : QStringLiteral("%1@k").arg(QString::fromLatin1(engine::metricName(m_metric)));
    if (m_logK)
        styles += tr(", log k");
    chart()->setTitle(QStringLiteral("%1 (%2)").arg(m_title.isEmpty() ? defaultTitle() : m_title, styles));
}

QList<engine::Metric> MetricsChartView::drawnMetrics() const
{
    switch (m_curves) {
    case Curves::Both:
        return {engine::Metric::Ndcg, engine::Metric::Recall};
    case Curves::Ndcg:
        return {engine::Metric::Ndcg};
    case Curves::Recall:
        return {engine::Metric::Recall};
    case Curves::Single:
        return {m_metric};
    }
    return {};
}

QLineSeries *MetricsChartView::series(const QString &runKey, engine::Metric metric) const
{
    for (const RunSeries &run : m_series)
        if (run.key == runKey) {
            const auto it = run.series.find(metric);
            return it == run.series.end() ? nullptr : it->second;
        }
    return nullptr;
}

QList<QLineSeries *> MetricsChartView::allSeries() const
{
    const QList<engine::Metric> metrics = drawnMetrics();
    QList<QLineSeries *> out;
    for (const RunSeries &run : m_series)
        for (engine::Metric metric : metrics)
            if (const auto it = run.series.find(metric); it != run.series.end())
                out.append(it->second);
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
    // Unchanged ranges are not set again: each change lays out the axis labels anew (tens of ms).
    const double kMax = maxK + 0.35 * interval, logKMax = std::max(2.0, maxK * 1.08);
    if (m_kAxis->min() != 0 || m_kAxis->max() != kMax)
        m_kAxis->setRange(0, kMax);
    if (m_kAxis->tickInterval() != interval)
        m_kAxis->setTickInterval(interval);
    if (m_logKAxis->min() != 1.0 || m_logKAxis->max() != logKMax)
        m_logKAxis->setRange(1.0, logKMax);
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
    QAbstractAxis *kAxis = m_logK ? static_cast<QAbstractAxis *>(m_logKAxis) : m_kAxis;
    const QList<engine::Metric> metrics = drawnMetrics();
    int maxK = 1;
    for (int row = 0; row < m_model->runCount(); ++row) {
        RunSeries run;
        run.key = m_model->runKey(row);
        if (m_filterRuns && !m_visibleRuns.contains(run.key))
            continue;
        const QString label = m_model->runLabel(row);
        const QColor color = m_model->runColor(row);
        bool first = true;
        for (engine::Metric metric : metrics) {
            const QList<QPointF> points = m_model->curve(row, metric);
            if (points.isEmpty())
                continue;
            maxK = std::max(maxK, int(points.last().x()));
            auto *series = new QLineSeries(chart);
            series->setName(label + seriesSuffix(metric));
            QPen pen(color, 2.25);
            if (m_curves == Curves::Both && metric == engine::Metric::Recall)
                pen.setStyle(Qt::DashLine);
            series->setPen(pen);
            series->replace(points);
            chart->addSeries(series);
            series->attachAxis(kAxis);
            series->attachAxis(m_scoreAxis);
            run.series[metric] = series;
            const QString key = run.key;
            connect(series, &QLineSeries::clicked, this, [this, key, metric](const QPointF &point) {
                emit pointClicked(key, metric, std::clamp(int(std::lround(point.x())), 1, 100000));
            });
            // One legend entry per run, labelled with the run; the line style tells the metric.
            const QList<QLegendMarker *> markers = chart->legend()->markers(series);
            for (QLegendMarker *marker : markers) {
                marker->setVisible(first);
                marker->setLabel(label);
            }
            first = false;
        }
        m_series.append(run);
    }
    setKRange(maxK);
}

bool MetricsChartView::saveImage(const QString &path)
{
    const QPixmap pixmap = grab();
    return !pixmap.isNull() && pixmap.save(path);
}

bool MetricsChartView::saveSvg(const QString &path)
{
    {
        QFile probe(path);
        if (!probe.open(QIODevice::WriteOnly))
            return false;
    }
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size());
    generator.setViewBox(rect());
    generator.setTitle(chart()->title());
    QPainter painter;
    if (!painter.begin(&generator))
        return false;
    render(&painter);
    return painter.end();
}

} // namespace embtune::widgets
