#pragma once
// An exclusive advisory lock (flock) on a file, held from acquire() until the object is
// destroyed. The kernel drops the lock when the process dies for any reason (crash, SIGKILL),
// so a lock that can be taken proves no live process holds it.

#include "core/error.h"

#include <string>

namespace embtune::app {

class WorkspaceLock {
public:
    WorkspaceLock() = default;
    WorkspaceLock(WorkspaceLock &&other) noexcept;
    WorkspaceLock &operator=(WorkspaceLock &&other) noexcept;
    WorkspaceLock(const WorkspaceLock &) = delete;
    WorkspaceLock &operator=(const WorkspaceLock &) = delete;
    ~WorkspaceLock();

    // Creates `path` if needed and locks it without waiting. Fails with an Io error naming the
    // file when another open file description (another process, or another Workspace of this
    // process) holds it; the file then records the holder's process id for the message.
    static engine::Result<WorkspaceLock> acquire(const std::string &path);
    void release();
    bool held() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

} // namespace embtune::app
