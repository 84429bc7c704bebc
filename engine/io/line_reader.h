#pragma once
// Line-by-line reading of text files whose lines are bounded by kMaxLineBytes: one shared
// reader for every line-oriented input (id lists, JSONL, TREC runs, qrels, query lists), so a
// file whose line never ends (e.g. /dev/zero) stops with an input error instead of growing
// memory without bound.

#include "core/error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace embtune::engine {

// Longest line accepted, in bytes, not counting "\n" or "\r\n".
inline constexpr size_t kMaxLineBytes = size_t(16) << 20; // 16 MiB
// Readable bytes that follow the end of every line passed to a LineCallback (their content is
// unspecified): enough for simdjson's parser (SIMDJSON_PADDING).
inline constexpr size_t kLinePadding = 64;

// Called with one line (without "\n", and without the "\r" of a "\r\n" ending), its length and
// its 1-based line number. A failed Status stops the reading and is returned as is.
using LineCallback = std::function<Status(const char *text, size_t length, int64_t lineNumber)>;

// Streams `path` in chunks and calls onLine for every line, blank ones included; a last line
// without "\n" counts, an empty one after the final "\n" does not. Memory stays at one chunk
// (8 MiB) or the longest line. Errors: Io (cannot open, read error), Input naming the file and
// line for a line longer than kMaxLineBytes ("line 3 longer than 16 MiB"). `what` names the
// file in the open error ("cannot open <what>: <reason>").
Status forEachLine(const std::string &path, const LineCallback &onLine, const char *what = "the file");

// The input error for a line longer than kMaxLineBytes.
Error lineTooLongError(const std::string &path, int64_t lineNumber);

// True when the line holds only spaces, tabs and carriage returns.
bool isBlankLine(const char *text, size_t length);

} // namespace embtune::engine
