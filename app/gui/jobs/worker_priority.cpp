#include "jobs/worker_priority.h"

#include "jobs/job_result.h"

#include <QThread>
#include <QThreadPool>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <algorithm>

namespace embtune::gui {

void yieldToGuiThread()
{
#if defined(__linux__)
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
    // On Linux the nice value belongs to the thread (task) named by its tid.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, std::min(19, current + 5));
#endif
}

QThreadPool *workerPool()
{
    static QThreadPool *pool = [] {
        auto *created = new QThreadPool; // lives as long as the application (never deleted)
        created->setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
        created->setExpiryTimeout(60000);
        return created;
    }();
    return pool;
}

} // namespace embtune::gui
