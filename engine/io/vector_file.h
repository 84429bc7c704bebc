#pragma once
// Vector files: a float32 matrix with one string id per row, in any format embtune reads and
// writes. This header holds what the formats share: the result type, the format enum, dispatch
// by format, the checks every reader and writer applies, and a streaming atomic file writer.
// The formats themselves: io/npy.h (+ id list), io/fvecs.h (+ id list), io/jsonl_vectors.h,
// io/safetensors.h.

#include "core/error.h"
#include "core/matrix.h"
#include "embed/embedding_set.h" // Provenance

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace embtune::engine {

// What a vector-file reader returns.
struct IdVectors {
    FloatMatrix vectors;                  // rows x dim, every value finite
    std::vector<std::string> ids;         // ids[i] names row i; non-empty and unique
    std::string idsSource;                // file the ids were read from (id list or the vector file)
    std::optional<Provenance> provenance; // set when the file carried one (safetensors metadata)
};

enum class VectorFormat { Npy, Fvecs, Jsonl, Safetensors };

// "npy", "fvecs", "jsonl", "safetensors".
std::string_view vectorFormatName(VectorFormat format);
// Inverse of vectorFormatName (case-sensitive); std::nullopt for an unknown name.
std::optional<VectorFormat> vectorFormatFromName(std::string_view name);
// Format of a file by its extension: .npy, .fvecs, .jsonl/.ndjson, .safetensors.
std::optional<VectorFormat> vectorFormatFromPath(const std::string &path);

// Default id list beside a vector file: DIR/X.ext -> DIR/X_ids.txt.
std::string siblingIdListPath(const std::string &path);

// Reads `path` in `format`. Ids: npy and fvecs read the id list `idsPath` (empty: the sibling
// id list); safetensors reads the "ids" metadata and falls back to `idsPath` (empty: the sibling
// id list, when it exists); JSONL ignores `idsPath`. The id count must equal the row count and
// ids must be unique (errors name the file holding the ids and the 1-based line or record).
Result<IdVectors> readVectorFile(const std::string &path, VectorFormat format, const std::string &idsPath = {});

// Writes `vectors` (rows x dim) with `ids` (one per row) to `path` in `format`, atomically.
// npy and fvecs also write the id list to `idsPath` (empty: the sibling id list); JSONL and
// safetensors hold the ids themselves. Only safetensors records `provenance` (may be null).
Status writeVectorFile(const std::string &path, VectorFormat format, ConstMatrixMap vectors,
                       const std::vector<std::string> &ids, const Provenance *provenance = nullptr,
                       const std::string &idsPath = {});
// The same for any matrix: a derived one (NUDGE's overlay) is streamed by blocks to npy without
// being built; the other formats build it.
Status writeVectorFile(const std::string &path, VectorFormat format, const FloatMatrix &vectors,
                       const std::vector<std::string> &ids, const Provenance *provenance = nullptr,
                       const std::string &idsPath = {});

// "NaN at row R, column C (0-based)" or the same with "Inf".
std::string nonFiniteMessage(float value, int64_t row, int64_t column);

// Input error for the first NaN/Inf of a rows x cols row-major block, naming `path` with
// line = row + 1 (the 1-based record).
Status checkFiniteRows(const float *values, int64_t rows, int64_t cols, const std::string &path);

// Input error when an id is empty or repeats, naming `path` and line = row + 1. `unit` names
// what a row is in that file ("line" or "record") in the message.
Status checkIds(const std::vector<std::string> &ids, const std::string &path, const char *unit);

// Input error when an id cannot go into an id list (it contains a line break). Names `path`.
Status checkIdListIds(const std::vector<std::string> &ids, const std::string &path);

// Input error when an id is not valid UTF-8 (JSON text must be). Names `path`.
Status checkUtf8Ids(const std::vector<std::string> &ids, const std::string &path);

// Checks a writer's arguments: ids.size() == rows, ids valid (checkIds) and values finite.
// Errors name `path` (the file that would have been written).
Status checkWritable(ConstMatrixMap vectors, const std::vector<std::string> &ids, const std::string &path);

// Streams a file to a temporary beside `path` and renames it into place in commit(). Until
// commit() succeeds the destination is untouched; the destructor removes an uncommitted
// temporary. Not thread-safe; one writer per destination at a time.
class AtomicOutputFile {
public:
    explicit AtomicOutputFile(std::string path);
    ~AtomicOutputFile();
    AtomicOutputFile(const AtomicOutputFile &) = delete;
    AtomicOutputFile &operator=(const AtomicOutputFile &) = delete;

    // Appends bytes (buffered). After the first failure further writes are ignored and
    // commit() reports the error.
    void write(const void *data, size_t size);
    void write(std::string_view text) { write(text.data(), text.size()); }
    // Flushes, closes and renames into place. Io errors name the destination.
    Status commit();

private:
    std::string m_path;
    std::string m_temp;
    std::string m_openError; // strerror of a failed open
    std::FILE *m_file = nullptr;
    bool m_failed = false;
    bool m_committed = false;
};

} // namespace embtune::engine
