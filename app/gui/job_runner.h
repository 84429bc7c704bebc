#pragma once
// JobRunner owns the GUI's background work: one exclusive job at a time (load, compute, import,
// export, evaluate, save: begin, progress, cancel, errors) and side jobs that may run beside it
// (significance, comparison exports). All of them run on workerPool() at one nice level
// (jobs/job_result.h); training runs have their own queue (jobs/training_queue.h). GUI thread.

#include "jobs/job_result.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <optional>

namespace embtune::gui {

class Feedback;
class JobProgress;

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(Feedback *feedback, QObject *parent = nullptr);
    // Cancels the running job and waits for it (workers hold its JobProgress).
    ~JobRunner() override;

    bool isBusy() const { return m_watcher != nullptr; }
    QString description() const { return m_description; }

    // Starts the exclusive job: the JobProgress its engine call reports to (owned here, valid
    // until the job's future has finished). Then watch() its future.
    JobProgress *begin(const QString &description);
    // Calls `done(result)` in the GUI thread when `future` finishes, after the runner is idle again.
    template <typename T, typename Done>
    void watch(QFuture<JobResult<T>> future, Done done);
    // A job beside the exclusive one (never blocks begin()): `done(result)` in the GUI thread.
    template <typename R, typename Done>
    void watchSide(QFuture<R> future, Done done);

    // Asks the exclusive job to stop; it finishes with its error Cancelled (cancelled()).
    void cancel();
    // Cancels and waits for the exclusive job (closing the window).
    void cancelAndWait();

    // Reports why a job cannot start now (busy; `datasetMissing`); true when it cannot.
    bool refuse(const QString &title, bool datasetMissing = false);
    // Common handling of a failed or cancelled job: true when it handled `error`.
    bool handleError(const std::optional<engine::Error> &error, const QString &title);

signals:
    void busyChanged(bool busy);
    // The exclusive job started / reported: `label` is its description and phase; total 0: unknown.
    void started(const QString &description);
    void progressed(const QString &label, qint64 done, qint64 total);
    void cancelling(const QString &label);
    void cancelled();

private:
    void onProgress(const QString &phase, qint64 done, qint64 total);
    void end();

    Feedback *m_feedback; // not owned
    JobProgress *m_progress = nullptr;
    QFutureWatcherBase *m_watcher = nullptr;
    QString m_description;
};

template <typename T, typename Done>
void JobRunner::watch(QFuture<JobResult<T>> future, Done done)
{
    auto *watcher = new QFutureWatcher<JobResult<T>>(this);
    m_watcher = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)]() {
        const JobResult<T> result = watcher->result();
        watcher->deleteLater();
        end();
        done(result);
    });
    watcher->setFuture(future);
    emit busyChanged(true);
}

template <typename R, typename Done>
void JobRunner::watchSide(QFuture<R> future, Done done)
{
    auto *watcher = new QFutureWatcher<R>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [watcher, done = std::move(done)]() {
        const R result = watcher->result();
        watcher->deleteLater();
        done(result);
    });
    watcher->setFuture(future);
}

} // namespace embtune::gui
