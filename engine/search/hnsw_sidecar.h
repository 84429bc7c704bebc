#pragma once
// The JSON sidecar of a saved HnswIndex (<index file>.json) and its vectors_hash; the format is
// described in search/hnsw_index.h.

#include "core/error.h"
#include "search/hnsw_index.h"

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct HnswSidecar {
    HnswParameters parameters;
    int64_t dim = 0;
    int64_t count = 0;                // labels, deleted included; == ids.size()
    std::string vectorsHash;
    std::vector<std::string> ids;     // per label
    std::vector<char> deleted;        // per label
    int64_t deletedCount = 0;
};

// 64-bit FNV-1a of a row's float32 bytes.
uint64_t rowHash(const float *row, int64_t dim);

// The sidecar's vectors_hash of the live labels' row hashes (deleted[label] != 0: skipped).
std::string combinedHash(int64_t dim, const std::vector<uint64_t> &rowHashes, const std::vector<char> &deleted);

// Reads and checks a sidecar: format version, space, parameters in range, count <= 2^31 - 1 and
// equal to the number of ids (nothing is reserved beyond what the file lists), deleted labels
// distinct and below count. Errors (input) name `path`.
Result<HnswSidecar> readHnswSidecar(const std::string &path);

// The sidecar text (pretty JSON + "\n") of an index; count = ids.size().
std::string hnswSidecarJson(const HnswParameters &parameters, int64_t dim, const std::string &vectorsHash,
                            const std::vector<std::string> &ids, const std::vector<char> &deleted,
                            const std::string &indexFileName);

} // namespace embtune::engine
