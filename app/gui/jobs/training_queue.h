#pragma once
// The queue of training runs: runs wait in order and at most maxConcurrent() of them train at
// once, each on the worker pool (trainAsync, job_runner.h). The queue feeds a TrainingRunsModel:
// status,
// and the runs' progress drained every kPollMs from their JobProgress (Polled delivery), so the
// model, the table and the live chart change at most once per period whatever the engine reports
// (every "epoch" report reaches the model, in order). GUI thread only.
//
// Cancelling a queued run ends it at once; cancelling a running run asks the engine to stop
// (it ends at its next progress check). A cancelled or failed run is never reported as finished.

#include "jobs/run_jobs.h"

#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

namespace embtune::widgets {
class TrainingRunsModel;
}

namespace embtune::gui {

class JobProgress;

class TrainingQueue : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollMs = 40;

    // What one run trains. `key` must be new to the model.
    struct Run {
        QString key;
        QString name;        // shown in the table and the chart title
        QString description; // tooltip
        RunRequest request;  // a trained method's run
    };

    // `model` must outlive the queue.
    explicit TrainingQueue(widgets::TrainingRunsModel *model, QObject *parent = nullptr);
    // Cancels every run and waits for the running ones.
    ~TrainingQueue() override;

    // At least 1; raising it starts waiting runs at once.
    void setMaxConcurrent(int runs);
    int maxConcurrent() const { return m_maxConcurrent; }

    // Adds the run to the model (queued) and starts it when a slot is free.
    void enqueue(Run run);
    // False when `key` is neither queued nor running.
    bool cancel(const QString &key);
    // Cancels every run and blocks until the running ones have returned.
    void cancelAllAndWait();

    int queuedCount() const { return int(m_queued.size()); }
    int runningCount() const { return int(m_running.size()); }
    bool isActive() const { return !m_queued.isEmpty() || !m_running.isEmpty(); }
    // The spec of queued or running run `key` (the workspace records it); null otherwise.
    const engine::RunSpec *specOf(const QString &key) const;

signals:
    // A run ended (finished, failed or cancelled: see result.error). Emitted after the model's
    // status was set.
    void runEnded(const QString &key, const embtune::gui::TrainJobResult &result);
    void activeChanged(bool active);

private:
    struct Running {
        JobProgress *progress = nullptr;
        QFutureWatcher<TrainJobResult> *watcher = nullptr;
    };

    void startWaiting();
    void poll();
    void drain(const QString &key, JobProgress *progress);
    void onFinished(const QString &key);

    widgets::TrainingRunsModel *m_model;
    int m_maxConcurrent = 1;
    QList<Run> m_queued;
    QHash<QString, Running> m_running;
    QHash<QString, engine::RunSpec> m_specs; // of queued and running runs
    QTimer m_pollTimer;
};

} // namespace embtune::gui
