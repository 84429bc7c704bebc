#include "io/mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace embtune::engine {

Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::io(std::string("cannot open: ") + std::strerror(errno), path);
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return Error::io(std::string("cannot stat: ") + std::strerror(err), path);
    }
    std::shared_ptr<MappedFile> file(new MappedFile);
    file->m_size = size_t(st.st_size);
    if (file->m_size > 0) {
        void *data = ::mmap(nullptr, file->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return Error::io(std::string("cannot map: ") + std::strerror(err), path);
        }
        file->m_data = static_cast<const char *>(data);
    }
    ::close(fd);
    return file;
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<char *>(m_data), m_size);
}

} // namespace embtune::engine
