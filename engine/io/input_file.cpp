#include "io/input_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace embtune::engine {
namespace {

int64_t nanoseconds(const struct timespec &time)
{
    return int64_t(time.tv_sec) * 1'000'000'000 + int64_t(time.tv_nsec);
}

FileIdentity identityOf(const struct stat &st)
{
    FileIdentity identity;
    identity.size = int64_t(st.st_size);
    identity.modifiedNs = nanoseconds(st.st_mtim);
    identity.statusChangedNs = nanoseconds(st.st_ctim);
    identity.inode = uint64_t(st.st_ino);
    identity.device = uint64_t(st.st_dev);
    return identity;
}

// What differs between two versions of the same file, for the error message.
std::string difference(const FileIdentity &before, const FileIdentity &now)
{
    if (now.size != before.size)
        return "its size went from " + std::to_string(before.size) + " to " + std::to_string(now.size) + " bytes";
    if (now.modifiedNs != before.modifiedNs)
        return "it was modified in place";
    return "its status changed: rewritten with its modification time restored, or its permissions or links changed";
}

} // namespace

Result<std::shared_ptr<const InputFile>> InputFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::io(std::string("cannot open: ") + std::strerror(errno), path);
    std::shared_ptr<InputFile> file(new InputFile);
    file->m_path = path;
    file->m_fd = fd; // closed by the destructor from here on
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        return Error::io(std::string("cannot stat: ") + std::strerror(error), path);
    }
    if (!S_ISREG(st.st_mode))
        return Error::io("not a regular file (a directory, pipe or device?)", path);
    file->m_identity = identityOf(st);
    return std::shared_ptr<const InputFile>(std::move(file));
}

InputFile::~InputFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Error InputFile::changed(const std::string &what) const
{
    return Error::io("changed while it was read (" + what + "); read it again once the program writing it is done",
                     m_path);
}

Status InputFile::read(int64_t offset, void *destination, size_t length) const
{
    assert(offset >= 0 && length <= size_t(size()) && offset <= size() - int64_t(length));
    auto *out = static_cast<char *>(destination);
    while (length > 0) {
        const ssize_t got = ::pread(m_fd, out, length, off_t(offset));
        if (got < 0) {
            const int error = errno;
            if (error == EINTR)
                continue;
            return Error::io(std::string("read error: ") + std::strerror(error), m_path);
        }
        if (got == 0)
            return changed("it ended at byte " + std::to_string(offset) + " of the " + std::to_string(size()) +
                           " it had when opened");
        out += got;
        offset += got;
        length -= size_t(got);
    }
    return {};
}

Status InputFile::checkUnchanged() const
{
    // While the path names the open file, stat() describes that file: one call covers both.
    struct stat st{};
    if (::stat(m_path.c_str(), &st) != 0) {
        const int error = errno;
        return changed(error == ENOENT ? std::string("it was removed") : std::string(std::strerror(error)));
    }
    const FileIdentity now = identityOf(st);
    if (now.inode != m_identity.inode || now.device != m_identity.device)
        return changed("another file was put in its place");
    if (now != m_identity)
        return changed(difference(m_identity, now));
    return {};
}

} // namespace embtune::engine
