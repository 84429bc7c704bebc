#pragma once
// Details of one run of the comparison: what was evaluated and, for a trained run, the method's
// fit report (TunedModel::reportJson). A report with "gamma_grid" and "dev_accuracy" arrays
// (NUDGE-N) is drawn as a small chart of dev accuracy@1 against gamma with the chosen gamma
// marked ("gammaChart"); other reports (NUDGE-M: gamma, best interval count, dev pairs) are shown
// as text ("runDetailsText"). Actions for the run (e.g. export) go into toolBar().

#include <QColor>
#include <QString>
#include <QWidget>

class QLabel;
class QToolBar;
class QScatterSeries;
class QLineSeries;
class QValueAxis;
class QChartView;

namespace embtune::widgets {

struct RunDetails {
    QString title;       // the run's label
    QColor color;        // the run's colour in the table and chart
    QString description; // what ran: embeddings, method and parameters, split (plain text lines)
    QString reportJson;  // fit report JSON object; empty for runs without training
};

class RunDetailsView : public QWidget {
    Q_OBJECT
public:
    explicit RunDetailsView(QWidget *parent = nullptr);

    void setDetails(const RunDetails &details);
    void clear();

    QToolBar *toolBar() const { return m_toolBar; }
    QChartView *gammaChart() const { return m_chartView; }
    QLineSeries *accuracySeries() const { return m_accuracy; }
    QScatterSeries *chosenSeries() const { return m_chosen; }
    QString text() const;

    // Human-readable lines of a fit report's scalar fields ("gamma: 0.12", ...).
    static QStringList reportLines(const QString &reportJson);

private:
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QToolBar *m_toolBar = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_accuracy = nullptr;
    QScatterSeries *m_chosen = nullptr;
    QValueAxis *m_gammaAxis = nullptr;
    QValueAxis *m_accuracyAxis = nullptr;
};

} // namespace embtune::widgets
