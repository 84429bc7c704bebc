#pragma once
// Safe extraction of a zip archive (libzip), e.g. a BEIR dataset download.
//
// Every entry is checked before anything is written: an entry whose name is absolute
// ("/etc/x", "C:\x"), contains a ".." component or a backslash, or is a symbolic link (Unix mode
// in the external attributes) is refused with an Input error naming the archive and the entry,
// and the target is left untouched. Files are written to "<name>.part" and renamed when complete.
// Encrypted entries are refused. Not thread-safe per call; separate calls may run concurrently.
//
// Against archives that fill the disk (a "deflate bomb": gigabytes of zeros in a few megabytes),
// extractZip bounds what it writes by ZipExtractOptions::maxUnzippedBytes, checked on the sizes
// the central directory declares before anything is written, and on the bytes actually inflated
// while writing (a directory can lie: an entry that inflates to more than it declares is stopped
// there and its partial file deleted, so no more than the limit is ever written). It also
// refuses when the target's file system has less free space than the declared total plus a
// margin. A symbolic link already present in the target folder on the path of an entry (any
// folder below the target, the file or its ".part") is refused, never followed.

#include "core/error.h"
#include "core/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct ZipEntryInfo {
    std::string name;     // as stored in the archive ("scifact/corpus.jsonl")
    int64_t size = 0;     // uncompressed bytes
    bool isDirectory = false;
};

// Default of ZipExtractOptions::maxUnzippedBytes: 64 GiB.
inline constexpr int64_t kDefaultMaxUnzippedBytes = int64_t(64) << 30;
// Default of ZipExtractOptions::freeSpaceMargin: 256 MiB.
inline constexpr int64_t kDefaultUnzipFreeSpaceMargin = int64_t(256) << 20;

struct ZipExtractOptions {
    // Most bytes extractZip writes for one archive (all entries); > 0.
    int64_t maxUnzippedBytes = kDefaultMaxUnzippedBytes;
    // Bytes that must stay free on the target's file system beyond the declared total; >= 0.
    int64_t freeSpaceMargin = kDefaultUnzipFreeSpaceMargin;
};

// The entries of `zipPath`, validated as extractZip validates them.
// Errors: Io when the file cannot be read, Input when it is not a zip archive (truncated or
// damaged; the message says so) or an entry is unsafe.
Result<std::vector<ZipEntryInfo>> listZip(const std::string &zipPath);

// Extracts every entry of `zipPath` under `targetDir` (created when absent). Progress phase
// "unzip" in uncompressed bytes. Returns the relative paths of the files written.
// Errors: as listZip; Input when the declared total exceeds options.maxUnzippedBytes (nothing
// written), when an entry inflates to more bytes than it declares (the partial file is
// deleted), for a CRC mismatch or a truncated entry, and when a
// symbolic link is on an entry's path in the target (nothing written); Io when the free space
// is short (nothing written; the message gives the bytes needed and free) or a file cannot be
// written; Cancelled when progress asks to stop. After an error or cancellation, files completed
// before it stay; no ".part" file does.
Result<std::vector<std::string>> extractZip(const std::string &zipPath, const std::string &targetDir,
                                            Progress *progress = nullptr, const ZipExtractOptions &options = {});

// The reason `entryName` is unsafe to extract ("absolute path", "'..' component", ...), or an
// empty string when it is safe. Symbolic links are judged by extractZip from the attributes.
std::string unsafeZipEntryReason(const std::string &entryName);

} // namespace embtune::engine
