#pragma once
// safetensors files: an 8-byte little-endian header length N, N bytes of JSON header, then the
// raw little-endian tensor data. The header maps each tensor name to
// {"dtype": "F32", "shape": [rows, dim], "data_offsets": [begin, end]} (byte offsets into the
// data section, end exclusive) and may hold "__metadata__": an object of string -> string.
//
// Embedding files written by embtune hold one F32 tensor "embeddings" [rows, dim] and, in
// __metadata__, "ids" (the row ids as a JSON array encoded in a string) and the provenance
// fields "embedder", "parameters", "created", "dataset_hash", "normalized" ("true"/"false").

#include "core/error.h"
#include "core/matrix.h"
#include "io/input_file.h"
#include "io/vector_file.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

struct SafetensorsTensor {
    std::string name;
    std::string dtype;          // as written, e.g. "F32", "BF16", "I64"
    std::vector<int64_t> shape;
    int64_t begin = 0;          // byte offsets into the data section, [begin, end)
    int64_t end = 0;
};

// An open safetensors file with a parsed, validated header (read at open). Cheap to copy (the
// open file is shared); read-only and safe to use from several threads. Tensor data is read
// when asked for, with the checks of io/input_file.h: a file changed since open() is an error.
class SafetensorsFile {
public:
    // Opens `path`, reads and validates the header: its length against the file size and the
    // format's 100 MB limit, the JSON, every tensor's dtype, shape and data_offsets (inside the
    // data section, matching the shape's byte size, not overlapping another tensor) and
    // string-only metadata. Errors name the file.
    static Result<SafetensorsFile> open(const std::string &path);

    const std::string &path() const { return m_path; }
    const std::vector<SafetensorsTensor> &tensors() const { return m_tensors; } // header order
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    // The tensor named `name`, or nullptr.
    const SafetensorsTensor *find(const std::string &name) const;

    // A 2-D F32, F16, BF16 or F64 tensor read into a float32 matrix of its own (rows x cols).
    // NaN/Inf is an error naming the row and column; a file changed since open() (truncated,
    // rewritten, replaced) is an Io error "changed while it was read".
    Result<FloatMatrix> matrix(const SafetensorsTensor &tensor) const;

private:
    // open() without the final InputFile::verified.
    static Result<SafetensorsFile> readHeader(std::shared_ptr<const InputFile> input);

    std::string m_path;
    std::shared_ptr<const InputFile> m_file;
    int64_t m_dataStart = 0; // 8 + header length
    std::vector<SafetensorsTensor> m_tensors;
    std::unordered_map<std::string, size_t> m_byName; // index into m_tensors
    std::map<std::string, std::string> m_metadata;
};

// One float32 tensor to write: `data` holds product(shape) values, row-major.
struct SafetensorsF32Tensor {
    std::string name;
    std::vector<int64_t> shape;
    const float *data = nullptr;
};

// Writes F32 tensors (data laid out in the given order, header padded with spaces to a multiple
// of 8 bytes) and `metadata`, atomically. A header over 100 MB (the reference
// implementation's limit) is an input error.
Status writeSafetensors(const std::string &path, const std::vector<SafetensorsF32Tensor> &tensors,
                        const std::map<std::string, std::string> &metadata);

// Reads an embedding matrix: the tensor named "embeddings", else the only 2-D tensor. Ids come
// from the "ids" metadata, else from the id list `idsPath` (empty: the sibling id list, when it
// exists). `provenance` is set when the metadata holds any provenance field.
Result<IdVectors> readSafetensorsVectors(const std::string &path, const std::string &idsPath = {});

// Writes "embeddings" [rows, dim] with the ids and, when not null, `provenance` in __metadata__.
Status writeSafetensorsVectors(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids,
                               const Provenance *provenance = nullptr);

} // namespace embtune::engine
