#pragma once
// How the GUI runs engine work: on workerPool(), never on the global QThreadPool (Qt's raster
// paint engine hands work to the global pool's threads and waits for them, so a long job there
// stalls painting), at a lower priority than the GUI thread (worker_priority.h), with the
// outcome as a JobResult: a value, or an error (Cancelled when asked to stop), never both and
// never a partial result. Exceptions from third-party code become Internal errors.

#include "core/error.h"
#include "jobs/job_progress.h"
#include "jobs/worker_priority.h"

#include <QStringList>

#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>

class QThreadPool;

namespace embtune::gui {

template <typename T>
struct JobResult {
    std::shared_ptr<const T> value;      // set on success
    std::optional<engine::Error> error;  // set on failure or cancellation
    QStringList warnings;                // non-fatal problems (skipped qrels, excluded queries)
    double seconds = 0;                  // wall time of the engine call

    bool ok() const { return value != nullptr; }
    bool cancelled() const { return error && error->code == engine::ErrorCode::Cancelled; }
};

// The pool of the GUI's worker jobs: as many threads as cores, created on first use, alive for
// the application's lifetime. Thread-safe.
QThreadPool *workerPool();

// Runs `call(JobResult<T> &out) -> engine::Result<T>` on the calling worker thread and packs its
// outcome (and wall time) into a JobResult. `progress` may be null; a job already cancelled
// does not start.
template <typename T, typename Call>
JobResult<T> runJob(JobProgress *progress, Call &&call)
{
    JobResult<T> out;
    if (progress && progress->isCancelled()) {
        out.error = engine::Error::cancelled();
        return out;
    }
    yieldToGuiThread();
    const auto started = std::chrono::steady_clock::now();
    try {
        engine::Result<T> result = call(out);
        if (result.ok())
            out.value = std::make_shared<const T>(std::move(result).value());
        else
            out.error = result.error();
    } catch (const std::bad_alloc &) {
        out.error = engine::Error{engine::ErrorCode::Internal, "out of memory", {}, -1};
    } catch (const std::exception &e) {
        out.error = engine::Error{engine::ErrorCode::Internal, std::string("unexpected error: ") + e.what(), {}, -1};
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace embtune::gui
