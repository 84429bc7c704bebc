#pragma once
// Bridge from an engine Progress callback (called on worker threads) to the GUI thread, and the
// cancel flag the callback hands back to the engine.
//
// Lifetime: the object lives in the GUI thread and must outlive every call of callback()'s
// function, i.e. the owner keeps it until the job's future has finished.

#include "core/progress.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <mutex>

namespace embtune::gui {

class JobProgress : public QObject {
    Q_OBJECT
public:
    explicit JobProgress(QObject *parent = nullptr);

    // For engine::Progress. Thread-safe; returns false (stop) once cancel() was called.
    engine::ProgressCallback callback();
    // Thread-safe. Reports from any thread; coalesced to at most one queued delivery.
    bool report(const engine::ProgressEvent &event);

    // Thread-safe.
    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }

signals:
    // Emitted in the GUI thread with the latest report. total == 0: amount unknown.
    void progressed(const QString &phase, qint64 done, qint64 total);

private:
    void deliver();

    std::mutex m_mutex;
    engine::ProgressEvent m_latest; // guarded by m_mutex
    bool m_pending = false;         // guarded by m_mutex: a delivery is queued
    std::atomic<bool> m_cancelled{false};
};

} // namespace embtune::gui
