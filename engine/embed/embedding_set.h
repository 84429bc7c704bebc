#pragma once
// An embedding set: one vector per document and per query of a dataset, aligned to the
// dataset's dense indices (row i of `docs` is document i). Vectors are matched by id, never by
// position.

#include "core/error.h"
#include "core/matrix.h"
#include "data/dataset.h"

#include <string>
#include <vector>

namespace embtune::engine {

// Where an embedding set came from. Stored beside cached and exported sets.
struct Provenance {
    std::string embedder;      // "lsa", "openai", "imported", ...
    std::string parameters;    // embedder configuration as a JSON object (never secrets)
    std::string created;       // ISO 8601 UTC time of creation
    std::string datasetHash;   // content hash of the dataset the vectors belong to (may be empty)
    bool normalized = false;   // rows have unit L2 norm
};

struct EmbeddingSet {
    std::string name;          // display name (folder name for imported sets)
    std::string source;        // where it came from (folder or file path)
    Provenance provenance;
    FloatMatrix docs;          // docCount x dim
    FloatMatrix queries;       // queryCount x dim; rows of queries without a vector are zero
    std::vector<char> hasQueryVector; // per dataset query: 1 when the source had its vector

    int64_t dim() const { return docs.cols(); }
    bool hasQuery(int32_t query) const { return hasQueryVector[size_t(query)] != 0; }
};

// Reads DIR/corpus.npy + DIR/corpus_ids.txt and DIR/queries.npy + DIR/query_ids.txt.
// Every document of the dataset must have a vector; queries may be missing (evaluation then
// reports the missing ones it needs). Ids unknown to the dataset, duplicate ids, row-count or
// dimension mismatches and NaN/Inf values are errors naming the file.
Result<EmbeddingSet> readNpyEmbeddingSet(const std::string &dir, const Dataset &dataset);

// Aligns `matrix` (rows in the order of `ids`, read from `idsPath`) to `table`.
// With requireAll, every id of `table` must be present. `present` receives a 0/1 flag per
// table index. When the ids already are in table order the matrix is returned as is (no copy).
Result<FloatMatrix> alignRowsById(const FloatMatrix &matrix, const std::vector<std::string> &ids,
                                  const IdTable &table, bool requireAll, const std::string &idsPath,
                                  std::vector<char> *present);

} // namespace embtune::engine
