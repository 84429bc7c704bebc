#pragma once
// Read-only memory map of a whole file (POSIX). Move-only; unmaps on destruction.

#include "core/error.h"

#include <cstddef>
#include <memory>
#include <string>

namespace embtune::engine {

class MappedFile {
public:
    static Result<std::shared_ptr<MappedFile>> open(const std::string &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const char *data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    MappedFile() = default;
    const char *m_data = nullptr;
    size_t m_size = 0;
};

} // namespace embtune::engine
