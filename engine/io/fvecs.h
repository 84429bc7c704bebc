#pragma once
// .fvecs vector files (the TEXMEX / faiss benchmark format): for every vector an int32
// little-endian dimension d followed by d float32 little-endian values; every vector of a file
// has the same d > 0. The file holds no ids: they come from an id list beside it (the format of
// readIdList in io/npy.h), by default X.fvecs + X_ids.txt.

#include "core/error.h"
#include "core/matrix.h"
#include "io/vector_file.h"

#include <string>
#include <vector>

namespace embtune::engine {

class InputFile;

// Reads every vector of `path` as a rows x d matrix. Errors name the file and the 1-based
// record (vector) where it applies: empty file, dimension <= 0, a dimension differing from the
// first record's, a truncated last record, NaN/Inf (row and column in the message); an Io
// error when the file changed while it was read (io/input_file.h).
Result<FloatMatrix> readFvecsMatrix(const std::string &path);
// The same from a file opened earlier: a change since InputFile::open is detected.
Result<FloatMatrix> readFvecsMatrix(const InputFile &file);

// readFvecsMatrix plus the id list `idsPath` (empty: siblingIdListPath(path)); the id count
// must equal the vector count and ids must be unique.
Result<IdVectors> readFvecs(const std::string &path, const std::string &idsPath = {});

// Writes a rows x d matrix (rows > 0, d > 0, finite values) atomically.
Status writeFvecsMatrix(const std::string &path, ConstMatrixMap vectors);

// writeFvecsMatrix plus the id list at `idsPath` (empty: siblingIdListPath(path)). Ids must
// not contain line breaks.
Status writeFvecs(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids,
                  const std::string &idsPath = {});

} // namespace embtune::engine
