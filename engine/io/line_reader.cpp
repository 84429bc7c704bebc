#include "io/line_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace embtune::engine {
namespace {

constexpr size_t kChunkBytes = size_t(8) << 20;

} // namespace

Error lineTooLongError(const std::string &path, int64_t lineNumber)
{
    return Error::input("line " + std::to_string(lineNumber) + " longer than " + std::to_string(kMaxLineBytes >> 20) +
                            " MiB (not a text file of the expected kind?)",
                        path, lineNumber);
}

bool isBlankLine(const char *text, size_t length)
{
    for (size_t i = 0; i < length; ++i)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
            return false;
    return true;
}

Status forEachLine(const std::string &path, const LineCallback &onLine, const char *what)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        return Error::io(std::string("cannot open ") + what + ": " + std::strerror(errno), path);
    // A line may take kMaxLineBytes plus its "\r\n"; the buffer never grows beyond that.
    const size_t maxFill = kMaxLineBytes + 2;
    // A regular file smaller than a chunk gets a buffer of its size (it grows as lines need):
    // zeroing 8 MiB for a file of a few lines dominated reading it.
    size_t initial = std::min(kChunkBytes, maxFill);
    struct stat info {};
    if (::fstat(::fileno(file.get()), &info) == 0 && S_ISREG(info.st_mode) && uint64_t(info.st_size) + 2 < initial)
        initial = std::max<size_t>(size_t(info.st_size) + 2, 4096);
    std::vector<char> buffer(initial + kLinePadding);
    size_t filled = 0;
    int64_t lineNumber = 0;
    bool eof = false;
    auto emit = [&](size_t start, size_t end) -> Status {
        ++lineNumber;
        size_t length = end - start;
        if (length > 0 && buffer[start + length - 1] == '\r')
            --length;
        if (length > kMaxLineBytes)
            return lineTooLongError(path, lineNumber);
        return onLine(buffer.data() + start, length, lineNumber);
    };
    while (!eof) {
        if (filled == buffer.size() - kLinePadding) { // one line fills the buffer: grow, up to the cap
            if (filled >= maxFill)
                return lineTooLongError(path, lineNumber + 1);
            buffer.resize(std::min(2 * filled, maxFill) + kLinePadding);
        }
        const size_t got = std::fread(buffer.data() + filled, 1, buffer.size() - kLinePadding - filled, file.get());
        if (got == 0) {
            if (std::ferror(file.get()))
                return Error::io("read error", path);
            eof = true;
        }
        filled += got;
        size_t start = 0;
        while (const void *nl = std::memchr(buffer.data() + start, '\n', filled - start)) {
            const size_t end = size_t(static_cast<const char *>(nl) - buffer.data());
            if (Status status = emit(start, end); !status.ok())
                return status;
            start = end + 1;
        }
        if (eof && start < filled) { // last line without a newline
            if (Status status = emit(start, filled); !status.ok())
                return status;
            start = filled;
        }
        std::memmove(buffer.data(), buffer.data() + start, filled - start);
        filled -= start;
    }
    return {};
}

} // namespace embtune::engine
