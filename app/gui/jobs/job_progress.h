#pragma once
// Bridge from an engine Progress callback (called on worker threads) to the GUI thread, and the
// cancel flag the callback hands back to the engine.
//
// Delivery. Queued (default): each report schedules at most one queued delivery of the latest
// report (progressed()). Polled: nothing is scheduled; the GUI thread calls takeReports() on a
// timer and gets the latest report plus every "epoch" report since the last call, in order (an
// epoch report is never overwritten by a later step report).
//
// Lifetime: the object lives in the GUI thread and must outlive every call of callback()'s
// function, i.e. the owner keeps it until the job's future has finished.

#include "core/progress.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

namespace embtune::gui {

class JobProgress : public QObject {
    Q_OBJECT
public:
    enum class Delivery { Queued, Polled };

    // What takeReports() hands over.
    struct Reports {
        std::optional<engine::ProgressEvent> latest;  // the newest report of any phase, if any came
        std::vector<engine::ProgressEvent> epochs;    // phase "epoch" reports, oldest first
    };

    explicit JobProgress(QObject *parent = nullptr);
    JobProgress(Delivery delivery, QObject *parent);

    // For engine::Progress. Thread-safe; returns false (stop) once cancel() was called.
    engine::ProgressCallback callback();
    // Thread-safe. Reports from any thread; coalesced to at most one queued delivery.
    bool report(const engine::ProgressEvent &event);

    // Thread-safe.
    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }

    // Thread-safe. The reports since the last call (Polled delivery; empty when Queued).
    Reports takeReports();

signals:
    // Emitted in the GUI thread with the latest report. total == 0: amount unknown.
    void progressed(const QString &phase, qint64 done, qint64 total);

private:
    void deliver();

    const Delivery m_delivery = Delivery::Queued;
    std::mutex m_mutex;
    engine::ProgressEvent m_latest; // guarded by m_mutex
    bool m_pending = false;         // guarded by m_mutex: a delivery is queued (Queued) or a report is untaken (Polled)
    std::vector<engine::ProgressEvent> m_epochs; // guarded by m_mutex (Polled)
    std::atomic<bool> m_cancelled{false};
};

// progress->callback(), or no callback when `progress` is null.
engine::ProgressCallback callbackOf(JobProgress *progress);

} // namespace embtune::gui
