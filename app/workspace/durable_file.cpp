#include "durable_file.h"

#include "io/npy.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

using embtune::engine::Error;
using embtune::engine::Status;

namespace embtune::app {
namespace {

std::string tempPathFor(const std::string &path)
{
    return path + ".tmp-" + std::to_string(::getpid());
}

Status syncPath(const std::string &path, bool directory)
{
    const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return Error::io(std::string("cannot open for fsync: ") + std::strerror(errno), path);
    const bool ok = ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok)
        return Error::io(std::string("fsync failed: ") + std::strerror(err), path);
    return {};
}

// Syncs `temp`, renames it onto `path`, syncs the folder. Removes `temp` on failure.
Status commitTemp(const std::string &temp, const std::string &path)
{
    std::error_code ec;
    if (Status s = syncPath(temp, false); !s) {
        std::filesystem::remove(temp, ec);
        return s;
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        return Error::io("cannot rename the temporary file into place: " + ec.message(), path);
    }
    std::string folder = std::filesystem::path(path).parent_path().string();
    return syncPath(folder.empty() ? "." : folder, true);
}

} // namespace

Status writeFileDurably(const std::string &path, const std::string &content)
{
    const std::string temp = tempPathFor(path);
    if (Status s = engine::writeFileAtomically(temp, content); !s)
        return s;
    return commitTemp(temp, path);
}

Status writeNpyDurably(const std::string &path, engine::ConstMatrixMap matrix)
{
    return writeNpyDurably(path, engine::FloatMatrix(matrix.rows(), matrix.cols(), matrix.data(), nullptr));
}

Status writeNpyDurably(const std::string &path, const engine::FloatMatrix &matrix)
{
    const std::string temp = tempPathFor(path);
    if (Status s = engine::writeNpyMatrix(temp, matrix); !s)
        return s;
    return commitTemp(temp, path);
}

} // namespace embtune::app
