#include "workspace_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

using embtune::engine::Error;
using embtune::engine::Result;

namespace embtune::app {

WorkspaceLock::WorkspaceLock(WorkspaceLock &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

WorkspaceLock &WorkspaceLock::operator=(WorkspaceLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

WorkspaceLock::~WorkspaceLock()
{
    release();
}

Result<WorkspaceLock> WorkspaceLock::acquire(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error::io(std::string("cannot create the workspace lock file: ") + std::strerror(errno), path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        std::string holder;
        char buffer[32] = {};
        if (::pread(fd, buffer, sizeof buffer - 1, 0) > 0)
            holder = std::string(buffer);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        ::close(fd);
        if (err == EWOULDBLOCK)
            return Error::io("the workspace is open in another process" +
                                 (holder.empty() ? std::string() : " (pid " + holder + ")") +
                                 "; close it there first",
                             path);
        return Error::io(std::string("cannot lock the workspace: ") + std::strerror(err), path);
    }
    // The holder's pid, for the message another process shows; informational only.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0)
        (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    WorkspaceLock lock;
    lock.m_fd = fd;
    return lock;
}

void WorkspaceLock::release()
{
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
        m_fd = -1;
    }
}

} // namespace embtune::app
