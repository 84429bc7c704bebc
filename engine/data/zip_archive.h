#pragma once
// Safe extraction of a zip archive (libzip), e.g. a BEIR dataset download.
//
// Every entry is checked before anything is written: an entry whose name is absolute
// ("/etc/x", "C:\x"), contains a ".." component or a backslash, or is a symbolic link (Unix mode
// in the external attributes) is refused with an Input error naming the archive and the entry,
// and the target is left untouched. Files are written to "<name>.part" and renamed when complete.
// Encrypted entries are refused. Not thread-safe per call; separate calls may run concurrently.

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

// The entries of `zipPath`, validated as extractZip validates them.
// Errors: Io when the file cannot be read, Input when it is not a zip archive (truncated or
// damaged; the message says so) or an entry is unsafe.
Result<std::vector<ZipEntryInfo>> listZip(const std::string &zipPath);

// Extracts every entry of `zipPath` under `targetDir` (created when absent). Progress phase
// "unzip" in uncompressed bytes. Returns the relative paths of the files written.
// Errors: as listZip, Io when a file cannot be written, Input for a CRC mismatch or a truncated
// entry, Cancelled when progress asks to stop (files written so far stay).
Result<std::vector<std::string>> extractZip(const std::string &zipPath, const std::string &targetDir,
                                            Progress *progress = nullptr);

// The reason `entryName` is unsafe to extract ("absolute path", "'..' component", ...), or an
// empty string when it is safe. Symbolic links are judged by extractZip from the attributes.
std::string unsafeZipEntryReason(const std::string &entryName);

} // namespace embtune::engine
