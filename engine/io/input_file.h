#pragma once
// A regular file opened for reading whose identity is checked: the vector readers (npy, fvecs,
// JSONL, safetensors) read through it so that another program truncating or rewriting the
// file cannot crash embtune or change vectors behind its back.
//
// No file is memory-mapped. Every reader copies the bytes it needs with read() into memory it
// owns (the matrix it returns, or a bounded buffer it parses or converts from: chunks of 1 MiB,
// the JSONL reader's line buffer of io/line_reader.h), so that
// - a file that shrinks while it is read gives a short read, reported as an error: never SIGBUS;
// - a returned matrix is a private copy (one copy of the vectors in memory): later changes to
//   the file never reach it, and the NaN/Inf check the reader made on it stays true;
// - the identity recorded at open (size, modification and status-change times with
//   nanoseconds, inode, device) is compared after the reader's last read with the file then at
//   the path; any difference fails the read with "PATH: changed while it was read (...)", so a
//   file rewritten in place, truncated, extended, replaced or removed between open and the end
//   of the read is never returned as a mix of two versions. (A change of permissions or links
//   during the read also changes the status-change time and fails the read.)
// Not detected: a change that leaves the size and both times as they were, i.e. one made
// within the file system's timestamp granularity (a few milliseconds on ext4) of the file's
// previous change. Even then the returned values are finite-checked and never change later.

#include "core/error.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace embtune::engine {

// What identifies one version of a file. Equal identities: same file, not changed.
struct FileIdentity {
    int64_t size = 0;            // bytes
    int64_t modifiedNs = 0;      // st_mtim, nanoseconds since the epoch
    int64_t statusChangedNs = 0; // st_ctim, nanoseconds since the epoch (not settable by utime)
    uint64_t inode = 0;
    uint64_t device = 0;
    bool operator==(const FileIdentity &) const = default;
};

// Non-copyable owner of a read-only file descriptor, shared through shared_ptr<const>; closes
// it on destruction. read() and checkUnchanged() are safe to call from several threads at once.
class InputFile {
public:
    // Opens `path` and records its identity. Errors (Io, naming the file): cannot open, not a
    // regular file (a directory, pipe or device: vector files are read by offset).
    static Result<std::shared_ptr<const InputFile>> open(const std::string &path);
    ~InputFile();
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;

    const std::string &path() const { return m_path; }
    // Size in bytes when opened; readers bound every offset and count by it.
    int64_t size() const { return m_identity.size; }

    // Copies `length` bytes at `offset` into `destination`. Requires offset + length <= size().
    // A read that ends early (the file shrank) is the "changed while it was read" error; a read
    // error is an Io error naming the file.
    Status read(int64_t offset, void *destination, size_t length) const;

    // Io error "changed while it was read (what changed)" naming the file when path() no longer
    // names the file opened (removed, or replaced by another file) or that file's identity
    // differs from the one recorded at open.
    Status checkUnchanged() const;

    // For a reader's result, after its last read: the error of checkUnchanged() when the file
    // changed since open (it replaces an error found in the data read, which the change
    // probably caused), else `result` as is.
    template <typename T>
    Result<T> verified(Result<T> result) const
    {
        if (Status s = checkUnchanged(); !s)
            return s.error();
        return result;
    }

private:
    InputFile() = default;
    Error changed(const std::string &what) const;

    std::string m_path;
    int m_fd = -1;
    FileIdentity m_identity;
};

// Reads `count` items of `itemSize` bytes starting at `offset` of `file` and stores
// convert(const char *itemBytes) in out[0, count). Extra memory: one chunk of at most 1 MiB.
// Requires offset + count * itemSize <= file.size(). Errors: those of InputFile::read.
template <typename Convert>
Status readConverted(const InputFile &file, int64_t offset, int64_t count, size_t itemSize, float *out,
                     Convert convert)
{
    const int64_t perChunk = std::max(int64_t(1), (int64_t(1) << 20) / int64_t(itemSize));
    std::vector<char> chunk(size_t(std::min(count, perChunk)) * itemSize);
    for (int64_t done = 0; done < count;) {
        const int64_t n = std::min(count - done, perChunk);
        if (Status s = file.read(offset + done * int64_t(itemSize), chunk.data(), size_t(n) * itemSize); !s)
            return s;
        for (int64_t i = 0; i < n; ++i)
            out[done + i] = convert(chunk.data() + size_t(i) * itemSize);
        done += n;
    }
    return {};
}

} // namespace embtune::engine
