#pragma once
// NumPy .npy files holding a 2-D float matrix.
// Reading: format versions 1.0, 2.0 and 3.0; dtypes <f4, <f8 and <f2 (converted to float32);
// C order only. The matrix read is a private copy (see io/input_file.h for what is guaranteed
// when another program changes the file meanwhile).
// Writing: version 1.0, <f4, C order, atomically (temp file + rename).

#include "core/error.h"
#include "core/matrix.h"

#include <string>
#include <vector>

namespace embtune::engine {

struct NpyHeader {
    int major = 1, minor = 0;
    std::string descr;          // e.g. "<f4"
    bool fortranOrder = false;
    std::vector<int64_t> shape;
    int64_t dataOffset = 0;     // bytes from the start of the file to the data
};

// Parses the header of an .npy file held in `bytes` (the whole file or at least its header).
Result<NpyHeader> parseNpyHeader(const char *bytes, size_t size, const std::string &path);

class InputFile;

// Reads a 2-D matrix; every value must be finite (NaN/Inf is an error naming row and column).
// A file that changed while it was read is an Io error ("changed while it was read").
Result<FloatMatrix> readNpyMatrix(const std::string &path);
// The same from a file opened earlier: a change since InputFile::open is detected.
Result<FloatMatrix> readNpyMatrix(const InputFile &file);

// Writes rows x cols row-major float32 values as .npy v1.0, streamed through a temporary file
// and a rename (no copy of the values is made). A derived matrix (FloatMatrix::overlay) is
// written block by block without being built.
Status writeNpyMatrix(const std::string &path, ConstMatrixMap matrix);
Status writeNpyMatrix(const std::string &path, const FloatMatrix &matrix);

// Id list beside a vector file: one id per line, row i of the matrix has the id on line i+1.
Result<std::vector<std::string>> readIdList(const std::string &path);
Status writeIdList(const std::string &path, const std::vector<std::string> &ids);

// Writes `content` to `path` through a temporary file and a rename.
Status writeFileAtomically(const std::string &path, const std::string &content);

} // namespace embtune::engine
