#include "training_chart_view.h"

#include "training_runs_model.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <QPen>

#include <algorithm>
#include <cmath>

namespace embtune::widgets {

namespace {

const QColor kLossColor(0xd6, 0x5f, 0x00);
const QColor kNdcgColor(0x1f, 0x6f, 0xb4);

// A "nice" upper bound for an axis showing values up to `value` (> 0).
double niceCeiling(double value)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (value <= step * magnitude)
            return step * magnitude;
    return 10.0 * magnitude;
}

} // namespace

TrainingChartView::TrainingChartView(QWidget *parent)
    : QChartView(new QChart, parent) // QChartView(parent) would make a chart that setChart() leaks
{
    QChart *chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));

    m_epochAxis = new QValueAxis(chart);
    m_epochAxis->setTitleText(tr("epoch"));
    m_epochAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_epochAxis->setTruncateLabels(false);
    m_lossAxis = new QValueAxis(chart);
    m_lossAxis->setTitleText(tr("training loss"));
    m_lossAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_lossAxis->setTickCount(6);
    m_lossAxis->setTitleBrush(kLossColor);
    m_ndcgAxis = new QValueAxis(chart);
    m_ndcgAxis->setTitleText(tr("dev nDCG@10"));
    m_ndcgAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_ndcgAxis->setTickType(QValueAxis::TicksDynamic);
    m_ndcgAxis->setTickAnchor(0);
    m_ndcgAxis->setTickInterval(0.1);
    m_ndcgAxis->setTitleBrush(kNdcgColor);
    chart->addAxis(m_epochAxis, Qt::AlignBottom);
    chart->addAxis(m_lossAxis, Qt::AlignLeft);
    chart->addAxis(m_ndcgAxis, Qt::AlignRight);

    auto addSeries = [chart, this](auto *series, const QString &name, const QColor &color, QValueAxis *valueAxis) {
        series->setName(name);
        chart->addSeries(series);
        series->attachAxis(m_epochAxis);
        series->attachAxis(valueAxis);
        series->setColor(color);
    };
    m_loss = new QLineSeries(chart);
    addSeries(m_loss, tr("training loss"), kLossColor, m_lossAxis);
    m_devNdcg = new QLineSeries(chart);
    addSeries(m_devNdcg, tr("dev nDCG@10"), kNdcgColor, m_ndcgAxis);
    for (QLineSeries *line : {m_loss, m_devNdcg}) {
        QPen pen = line->pen();
        pen.setWidthF(2.0);
        line->setPen(pen);
    }
    m_lossPoints = new QScatterSeries(chart);
    addSeries(m_lossPoints, QString(), kLossColor, m_lossAxis);
    m_devNdcgPoints = new QScatterSeries(chart);
    addSeries(m_devNdcgPoints, QString(), kNdcgColor, m_ndcgAxis);
    for (QScatterSeries *points : {m_lossPoints, m_devNdcgPoints}) {
        points->setMarkerSize(7);
        points->setBorderColor(points->color());
        for (QLegendMarker *marker : chart->legend()->markers(points))
            marker->setVisible(false);
    }

    // No antialiasing: the chart is redrawn while training runs, and must stay cheap to paint.
    setRenderHint(QPainter::Antialiasing, false);
    setMinimumSize(280, 200);
    redraw();
}

void TrainingChartView::setModel(TrainingRunsModel *model)
{
    for (const QMetaObject::Connection &c : {m_curveConnection, m_resetConnection, m_removedConnection})
        disconnect(c);
    m_model = model;
    if (m_model) {
        m_curveConnection = connect(m_model, &TrainingRunsModel::curveChanged, this, [this](const QString &key) {
            if (key == m_key)
                redraw();
        });
        m_resetConnection = connect(m_model, &QAbstractItemModel::modelReset, this, &TrainingChartView::redraw);
        m_removedConnection = connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TrainingChartView::redraw);
    }
    redraw();
}

void TrainingChartView::setRunKey(const QString &key)
{
    if (key == m_key)
        return;
    m_key = key;
    redraw();
}

void TrainingChartView::redraw()
{
    ++m_redraws;
    const TrainingRunRow *row = m_model && !m_key.isEmpty() ? m_model->find(m_key) : nullptr;
    QList<QPointF> loss, ndcg;
    int lastEpoch = 1;
    double maxLoss = 0;
    double minNdcg = 1, maxNdcg = 0;
    if (row) {
        for (const TrainingEpochPoint &point : row->curve) {
            lastEpoch = std::max(lastEpoch, point.epoch);
            if (std::isfinite(point.loss)) {
                loss.append(QPointF(point.epoch, point.loss));
                maxLoss = std::max(maxLoss, point.loss);
            }
            if (std::isfinite(point.devNdcg10)) {
                ndcg.append(QPointF(point.epoch, point.devNdcg10));
                minNdcg = std::min(minNdcg, point.devNdcg10);
                maxNdcg = std::max(maxNdcg, point.devNdcg10);
            }
        }
    }
    m_loss->replace(loss);
    m_devNdcg->replace(ndcg);
    // Markers on each point while they are few enough to tell apart.
    const bool markers = loss.size() <= kMaxMarkers && ndcg.size() <= kMaxMarkers;
    m_lossPoints->replace(markers ? loss : QList<QPointF>());
    m_devNdcgPoints->replace(markers ? ndcg : QList<QPointF>());

    // Axes change only when their range does (a relayout of the chart is the costly part).
    const auto setRange = [](QValueAxis *axis, double low, double high) {
        if (axis->min() != low || axis->max() != high)
            axis->setRange(low, high);
    };
    setRange(m_epochAxis, 0, lastEpoch);
    if (lastEpoch > 10) {
        const double interval = std::ceil(lastEpoch / 10.0);
        if (m_epochAxis->tickType() != QValueAxis::TicksDynamic || m_epochAxis->tickInterval() != interval) {
            m_epochAxis->setTickType(QValueAxis::TicksDynamic);
            m_epochAxis->setTickAnchor(0);
            m_epochAxis->setTickInterval(interval);
        }
    } else if (m_epochAxis->tickType() != QValueAxis::TicksFixed || m_epochAxis->tickCount() != lastEpoch + 1) {
        m_epochAxis->setTickType(QValueAxis::TicksFixed);
        m_epochAxis->setTickCount(lastEpoch + 1);
    }
    setRange(m_lossAxis, 0, maxLoss > 0 ? niceCeiling(maxLoss * 1.05) : 1.0);
    if (ndcg.isEmpty()) {
        setRange(m_ndcgAxis, 0, 1);
    } else {
        // Zoomed to the values (dev nDCG moves by hundredths), on a 0.05 grid.
        const double low = std::max(0.0, std::floor((minNdcg - 0.01) / 0.05) * 0.05);
        const double high = std::min(1.0, std::ceil((maxNdcg + 0.01) / 0.05) * 0.05);
        setRange(m_ndcgAxis, low, std::max(high, low + 0.05));
    }
    // Grid lines on multiples of 0.05 (0.1 for wide ranges).
    const double ndcgInterval = m_ndcgAxis->max() - m_ndcgAxis->min() > 0.31 ? 0.1 : 0.05;
    if (m_ndcgAxis->tickInterval() != ndcgInterval)
        m_ndcgAxis->setTickInterval(ndcgInterval);
    const QString title = row ? tr("%1: training loss and dev nDCG@10 per epoch").arg(row->name)
                              : tr("Training loss and dev nDCG@10 per epoch (select a run)");
    if (chart()->title() != title)
        chart()->setTitle(title);
}

} // namespace embtune::widgets
