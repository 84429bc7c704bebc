#pragma once
// The training runs of the Runs tab (queued, running and ended), one row each, with what their
// progress reports said: status, step/total, epoch, loss, dev nDCG@10, examples per second, and
// the per-epoch curve (loss and dev nDCG@10) for the live chart. The app feeds it; it runs
// nothing. GUI thread only.

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QString>

#include <cmath>
#include <limits>

namespace embtune::widgets {

// One dev evaluation of a run; NaN for a figure that was not reported (e.g. loss before training).
struct TrainingEpochPoint {
    int epoch = 0;
    double loss = std::numeric_limits<double>::quiet_NaN();
    double devNdcg10 = std::numeric_limits<double>::quiet_NaN();
};

// An "epoch" progress report: the figures of one dev evaluation (NaN: not reported).
struct TrainingEpochReport {
    int epoch = 0, epochs = 0;
    double loss = std::numeric_limits<double>::quiet_NaN();
    double devNdcg10 = std::numeric_limits<double>::quiet_NaN();
    double examplesPerSecond = std::numeric_limits<double>::quiet_NaN();
};

struct TrainingRunRow {
    enum class Status { Queued, Running, Finished, Cancelled, Failed };

    QString key;          // unique within the model
    QString name;         // e.g. "lsa256 + Linear adapter"
    QString description;  // tooltip: method, parameters, data
    Status status = Status::Queued;
    QString phase;        // phase of the latest report ("train", "search", ...)
    qint64 done = 0, total = 0; // of the latest "train" report (steps); total 0: unknown
    int epoch = -1, epochs = 0;  // of the latest "epoch" report; -1: none yet
    double loss = std::numeric_limits<double>::quiet_NaN();
    double devNdcg10 = std::numeric_limits<double>::quiet_NaN();
    double examplesPerSecond = std::numeric_limits<double>::quiet_NaN();
    QString message;      // why it failed, or a note on the end
    QString comparisonKey; // run key in the comparison once finished
    QList<TrainingEpochPoint> curve; // one point per dev evaluation, in order
};

class TrainingRunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        StatusColumn,
        ProgressColumn,
        EpochColumn,
        LossColumn,
        DevNdcgColumn,
        SpeedColumn,
        CancelColumn,
        ColumnCount
    };
    enum Role {
        KeyRole = Qt::UserRole + 1, // QString
        ProgressRole,               // int 0..1000, or -1 when the amount is unknown (busy)
        ActiveRole,                 // bool: queued or running (can be cancelled)
    };

    using Status = TrainingRunRow::Status;

    explicit TrainingRunsModel(QObject *parent = nullptr);

    static QString statusText(Status status);
    static bool isActive(Status status) { return status == Status::Queued || status == Status::Running; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Appends a run (status Queued unless row.status says otherwise); replaces a row with the same key.
    void addRun(const TrainingRunRow &row);
    void removeRun(const QString &key);
    // Removes every run that is not queued or running.
    void removeEnded();

    const QList<TrainingRunRow> &rows() const { return m_rows; }
    const TrainingRunRow *find(const QString &key) const;
    int rowOf(const QString &key) const;
    int activeCount() const;

    void setStatus(const QString &key, Status status, const QString &message = {});
    void setComparisonKey(const QString &key, const QString &comparisonKey);
    // A progress report of any phase but "epoch": phase, and step counts when phase is "train".
    void setProgress(const QString &key, const QString &phase, qint64 done, qint64 total);
    // "epoch" reports, oldest first: the last one sets epoch, epochs and the figures; each appends
    // a point to the curve (or replaces the point of the same epoch). One dataChanged and one
    // curveChanged for the batch.
    void addEpochs(const QString &key, const QList<TrainingEpochReport> &reports);

signals:
    // The curve of run `key` changed (a point was added).
    void curveChanged(const QString &key);

private:
    void emitRowChanged(int row);

    QList<TrainingRunRow> m_rows;
};

} // namespace embtune::widgets
