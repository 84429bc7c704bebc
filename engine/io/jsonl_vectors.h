#pragma once
// JSONL vector files: one JSON object per line, {"_id": "d1", "embedding": [0.25, -1, ...]}.
// "_id" is a string (an integer is taken by its literal text); other keys are ignored. Blank
// lines are allowed only at the end of the file. Numbers are parsed as double and rounded to
// float32; the writer prints the shortest text that reads back to the same float32 through
// either a float32 or a float64 parser, so a round trip is bit-exact.

#include "core/error.h"
#include "core/matrix.h"
#include "io/vector_file.h"

#include <string>
#include <vector>

namespace embtune::engine {

class InputFile;

// Reads every line. Errors name the file and the 1-based line: malformed JSON, a line that is
// not an object, missing or empty "_id", missing or non-array "embedding", a non-numeric
// value, an empty embedding, a dimension differing from the first line's, a value that is not
// finite as float32, a duplicate id, a blank line followed by more records, an empty file, a
// line longer than kMaxLineBytes (io/line_reader.h); an Io error when the file changed while
// it was read (io/input_file.h).
Result<IdVectors> readJsonlVectors(const std::string &path);
// The same from a file opened earlier: a change since InputFile::open is detected.
Result<IdVectors> readJsonlVectors(const InputFile &file);

// Writes one line per row, atomically. Values must be finite; ids unique and non-empty.
Status writeJsonlVectors(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids);

// The text writeJsonlVectors prints for `value` (finite): bit-exact through float32 and
// float64 parsers.
std::string formatFloatForJson(float value);

} // namespace embtune::engine
