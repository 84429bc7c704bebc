#include "run_details_view.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFont>
#include <QLabel>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace embtune::widgets {

namespace {

QString labelOf(const QString &key)
{
    static const QMap<QString, QString> labels{
        {QStringLiteral("gamma"), QStringLiteral("gamma")},
        {QStringLiteral("best_count"), QStringLiteral("best interval count")},
        {QStringLiteral("dev_pairs"), QStringLiteral("dev pairs")},
        {QStringLiteral("valid_intervals"), QStringLiteral("valid intervals")},
        {QStringLiteral("moved_documents"), QStringLiteral("moved documents")},
        {QStringLiteral("dev_queries"), QStringLiteral("dev queries")},
        {QStringLiteral("fit_seconds"), QStringLiteral("fit time")},
    };
    QString label = labels.value(key, key);
    label.replace(QLatin1Char('_'), QLatin1Char(' '));
    return label;
}

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double v = value.toDouble();
        if (v == std::floor(v) && std::abs(v) < 1e15)
            return QString::number(qint64(v));
        return QString::number(v, 'g', 6);
    }
    case QJsonValue::String:
        return value.toString();
    default:
        return {};
    }
}

} // namespace

RunDetailsView::RunDetailsView(QWidget *parent)
    : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("runDetailsTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("runDetailsText"));
    m_text->setWordWrap(true);
    m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The text (paths, command lines) wraps at word boundaries only: a long path must not set the
    // label's minimum width, which would widen the whole window when a run is selected.
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("runDetailsToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));

    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->hide();
    chart->setTitle(tr("Dev accuracy@1 by gamma"));
    QFont titleFont = chart->titleFont();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    chart->setTitleFont(titleFont);
    chart->setMargins(QMargins(2, 2, 2, 2));
    m_accuracy = new QLineSeries(chart);
    m_accuracy->setName(tr("dev accuracy@1"));
    m_accuracy->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    m_accuracy->setPointsVisible(true);
    m_chosen = new QScatterSeries(chart);
    m_chosen->setName(tr("chosen gamma"));
    m_chosen->setMarkerSize(11);
    m_chosen->setColor(QColor(0xd6, 0x27, 0x28));
    m_chosen->setBorderColor(QColor(0xd6, 0x27, 0x28).darker(140));
    chart->addSeries(m_accuracy);
    chart->addSeries(m_chosen);
    m_gammaAxis = new QValueAxis(chart);
    m_gammaAxis->setTitleText(tr("gamma"));
    m_gammaAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_gammaAxis->setTickCount(5);
    m_accuracyAxis = new QValueAxis(chart);
    m_accuracyAxis->setTitleText(tr("accuracy@1"));
    m_accuracyAxis->setLabelFormat(QStringLiteral("%.2f"));
    m_accuracyAxis->setTickCount(5);
    chart->addAxis(m_gammaAxis, Qt::AlignBottom);
    chart->addAxis(m_accuracyAxis, Qt::AlignLeft);
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(m_accuracy), static_cast<QAbstractSeries *>(m_chosen)}) {
        series->attachAxis(m_gammaAxis);
        series->attachAxis(m_accuracyAxis);
    }
    m_chartView = new QChartView(chart, this);
    m_chartView->setObjectName(QStringLiteral("gammaChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumSize(200, 150);
    m_chartView->setToolTip(tr("Accuracy@1 of the dev queries for each gamma tried; the red point is the chosen one"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addWidget(m_chartView, 1);
    layout->addStretch(0);
    layout->addWidget(m_toolBar);
    clear();
}

QString RunDetailsView::text() const
{
    return m_text->text();
}

QStringList RunDetailsView::reportLines(const QString &reportJson)
{
    QStringList lines;
    const QJsonDocument document = QJsonDocument::fromJson(reportJson.toUtf8());
    if (!document.isObject())
        return lines;
    const QJsonObject report = document.object();
    // The interesting values first, then the rest in the report's order.
    const QStringList first{QStringLiteral("gamma"), QStringLiteral("best_count"), QStringLiteral("dev_pairs"),
                            QStringLiteral("valid_intervals")};
    QStringList keys;
    for (const QString &key : first)
        if (report.contains(key))
            keys << key;
    for (auto it = report.begin(); it != report.end(); ++it)
        if (!keys.contains(it.key()) && it.key() != QStringLiteral("method"))
            keys << it.key();
    for (const QString &key : keys) {
        QString text = scalarText(report.value(key));
        if (key == QStringLiteral("fit_seconds") && report.value(key).isDouble())
            text = tr("%1 ms").arg(report.value(key).toDouble() * 1000, 0, 'f', 1);
        if (!text.isEmpty())
            lines << QStringLiteral("%1: %2").arg(labelOf(key), text);
    }
    return lines;
}

void RunDetailsView::setDetails(const RunDetails &details)
{
    m_title->setText(QStringLiteral("<span style=\"color:%1\">&#9632;</span> <b>%2</b>")
                         .arg(details.color.isValid() ? details.color.name() : QStringLiteral("#888888"),
                              details.title.toHtmlEscaped()));
    QStringList lines;
    if (!details.description.isEmpty())
        lines << details.description;
    lines << reportLines(details.reportJson);
    if (details.reportJson.isEmpty())
        lines << tr("No training.");
    m_text->setText(lines.join(QLatin1Char('\n')));

    // NUDGE-N style report: accuracy on the dev queries for each gamma of the grid.
    const QJsonObject report = QJsonDocument::fromJson(details.reportJson.toUtf8()).object();
    const QJsonArray grid = report.value(QStringLiteral("gamma_grid")).toArray();
    const QJsonArray accuracy = report.value(QStringLiteral("dev_accuracy")).toArray();
    QList<QPointF> points;
    for (qsizetype i = 0; i < std::min(grid.size(), accuracy.size()); ++i)
        points.append(QPointF(grid[i].toDouble(), accuracy[i].toDouble()));
    if (points.isEmpty()) {
        m_accuracy->clear();
        m_chosen->clear();
        m_chartView->hide();
        return;
    }
    m_accuracy->replace(points);
    const double gamma = report.value(QStringLiteral("gamma")).toDouble();
    QList<QPointF> chosen;
    for (const QPointF &point : points)
        if (point.x() == gamma) {
            chosen.append(point);
            break;
        }
    m_chosen->replace(chosen);
    double xMin = points.first().x(), xMax = xMin, yMin = points.first().y(), yMax = yMin;
    for (const QPointF &point : points) {
        xMin = std::min(xMin, point.x());
        xMax = std::max(xMax, point.x());
        yMin = std::min(yMin, point.y());
        yMax = std::max(yMax, point.y());
    }
    // Round tick values: nice numbers around the data (a single point gets a small window).
    m_gammaAxis->setRange(xMin, xMax > xMin ? xMax : xMin + 0.1);
    m_gammaAxis->setTickCount(5);
    m_gammaAxis->applyNiceNumbers();
    m_accuracyAxis->setRange(yMin, yMax > yMin ? yMax : std::min(1.0, yMin + 0.1));
    m_accuracyAxis->setTickCount(5);
    m_accuracyAxis->applyNiceNumbers();
    m_chartView->show();
}

void RunDetailsView::clear()
{
    m_title->setText(tr("<b>Run details</b>"));
    m_text->setText(tr("Select a run in the table to see what it did."));
    m_accuracy->clear();
    m_chosen->clear();
    m_chartView->hide();
}

} // namespace embtune::widgets
