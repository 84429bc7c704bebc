#pragma once
// Live chart of one training run of a TrainingRunsModel: mean training loss (left axis) and dev
// nDCG@10 (right axis) per epoch, redrawn whenever the model reports a new point of that run.
// Epoch 0 is the evaluation before training (no loss). The chart owns no data of its own.

#include <QtCharts/QChartView>

#include <QMetaObject>
#include <QString>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace embtune::widgets {

class TrainingRunsModel;

class TrainingChartView : public QChartView {
    Q_OBJECT
public:
    // Points are marked while each series has at most this many.
    static constexpr int kMaxMarkers = 40;

    explicit TrainingChartView(QWidget *parent = nullptr);

    // The model must outlive the view or be replaced first.
    void setModel(TrainingRunsModel *model);
    // Shows run `key` (empty: none).
    void setRunKey(const QString &key);
    QString runKey() const { return m_key; }

    QLineSeries *lossSeries() const { return m_loss; }
    QLineSeries *devNdcgSeries() const { return m_devNdcg; }
    QValueAxis *epochAxis() const { return m_epochAxis; }
    QValueAxis *lossAxis() const { return m_lossAxis; }
    QValueAxis *ndcgAxis() const { return m_ndcgAxis; }
    // How many times the series were redrawn (for tests of update coalescing).
    int redrawCount() const { return m_redraws; }

private:
    void redraw();

    TrainingRunsModel *m_model = nullptr;
    QMetaObject::Connection m_curveConnection, m_resetConnection, m_removedConnection;
    QString m_key;
    QLineSeries *m_loss = nullptr;
    QLineSeries *m_devNdcg = nullptr;
    QScatterSeries *m_lossPoints = nullptr;
    QScatterSeries *m_devNdcgPoints = nullptr;
    QValueAxis *m_epochAxis = nullptr;
    QValueAxis *m_lossAxis = nullptr;
    QValueAxis *m_ndcgAxis = nullptr;
    int m_redraws = 0;
};

} // namespace embtune::widgets
