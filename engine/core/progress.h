#pragma once
// Progress reporting and cooperative cancellation for engine calls.
// An engine call invokes the callback from whichever thread it runs on (possibly several
// worker threads, serialised by the engine); the callback returns false to ask the call to stop,
// after which the call returns Error::cancelled() and never a partial result.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace embtune::engine {

struct ProgressEvent {
    std::string phase;   // short human-readable phase name, e.g. "search"
    int64_t done = 0;    // units completed in this phase
    int64_t total = 0;   // units in this phase (0 when unknown)
    // Named figures of the step, e.g. {"loss", 0.41}, {"dev_ndcg@10", 0.70} for phase "epoch".
    std::vector<std::pair<std::string, double>> metrics;
};

using ProgressCallback = std::function<bool(const ProgressEvent &)>;

// Thread-safe wrapper used inside engine calls: several threads may report; once any report
// returns false (or cancel() is called) every later shouldStop() is true.
class Progress {
public:
    Progress() = default;
    explicit Progress(ProgressCallback callback) : m_callback(std::move(callback)) {}

    // Reports a step; returns true to go on, false when the caller asked to stop (the same
    // convention as the callback).
    bool step(const std::string &phase, int64_t done, int64_t total)
    {
        return report({phase, done, total, {}});
    }
    // As step(), with the figures of the step (ProgressEvent::metrics).
    bool report(const ProgressEvent &event)
    {
        if (m_stopped.load(std::memory_order_relaxed))
            return false;
        if (!m_callback)
            return true;
        std::lock_guard lock(m_mutex);
        if (!m_callback(event))
            m_stopped.store(true);
        return !m_stopped.load();
    }
    bool shouldStop() const { return m_stopped.load(std::memory_order_relaxed); }
    void cancel() { m_stopped.store(true); }

private:
    ProgressCallback m_callback;
    std::mutex m_mutex;
    std::atomic<bool> m_stopped{false};
};

} // namespace embtune::engine
