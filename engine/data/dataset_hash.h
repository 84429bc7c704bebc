#pragma once
// Content hashes: a streaming 128-bit non-cryptographic hash (ContentHasher) and the hashes
// built on it for datasets and float matrices. A hash depends only on the bytes fed in, never
// on the machine, run, pointer values or unordered containers, so it can key on-disk caches.
// Not for security: collisions can be constructed on purpose.

#include "core/matrix.h"
#include "data/dataset.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace embtune::engine {

// Hashes a byte stream in 8-byte little-endian words through two 64-bit lanes and a final
// avalanche. Feeding the same bytes in any split into add*() calls gives the same hash.
// Not thread-safe; cheap to copy.
class ContentHasher {
public:
    ContentHasher();

    void addBytes(const void *data, size_t size);
    // Length (8 bytes) then the bytes, so ("ab", "c") and ("a", "bc") differ.
    void addString(std::string_view text);
    // 8 bytes, little-endian.
    void addInt(int64_t value);

    // 32 lowercase hex digits. Does not change the state: more bytes may follow.
    std::string hex() const;

private:
    void mixWord(uint64_t word);

    uint64_t m_a, m_b;
    uint64_t m_pending = 0;     // bytes not yet forming a full word, little-endian
    unsigned m_pendingBytes = 0;
    uint64_t m_length = 0;      // bytes fed so far
};

// Hash of everything in a dataset: document ids, titles and texts and query ids and texts (in
// index order), then every split (by name) with its judgements as (query id, document id, gain).
// The dataset's name and path are not part of it.
std::string datasetHash(const Dataset &dataset);

// Hash of what embeddings depend on: document ids, titles, texts and query ids and texts, but
// not the qrels. Adding or editing a split keeps this hash.
std::string datasetTextsHash(const Dataset &dataset);

// Hash of a matrix's shape and the exact bits of its values (row-major).
std::string matrixHash(ConstMatrixMap matrix);

} // namespace embtune::engine
