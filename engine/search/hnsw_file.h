#pragma once
// hnswlib 0.6.2's index file, checked before and after hnswlib reads it, so that a crafted or
// damaged file is refused with a message instead of crashing a later search.
//
// Layout (little-endian, as saveIndex writes it): the fixed header below; count elements of
// sizeDataPerElement bytes (level-0 link list at offsetLevel0: a 4-byte word whose low 16 bits
// are the neighbour count, then maxM0 4-byte neighbour ids; the vector at offsetData; the
// 8-byte label at labelOffset); then per element a 4-byte byte size and its upper-level link
// lists (level L at (L - 1) x sizeLinksPerElement, each a count word and maxM ids), where
// sizeLinksPerElement = 4 + 4 x maxM and the size is level x sizeLinksPerElement.
//
// This header does not include hnswlib (whose header defines non-inline functions).

#include "core/error.h"

#include <cstdint>
#include <fstream>
#include <string>

namespace embtune::engine {

struct HnswFileHeader {
    uint64_t offsetLevel0 = 0, maxElements = 0, count = 0, sizeDataPerElement = 0, labelOffset = 0, offsetData = 0;
    int32_t maxLevel = 0;
    uint32_t enterPoint = 0;
    uint64_t maxM = 0, maxM0 = 0, m = 0;
    double mult = 0;
    uint64_t efConstruction = 0;
};

// Bytes of the fixed header: 10 size_t, 2 int and a double.
inline constexpr int64_t kHnswHeaderBytes = 10 * 8 + 2 * 4 + 8;

// Reads the fixed header; false when the stream ends first.
bool readHnswHeader(std::ifstream &in, HnswFileHeader &header);

// Checks an opened index file (positioned after its header, `fileBytes` long) against its
// header, whose layout fields (count, M, element size, offsets) the caller has already matched
// to the sidecar: enter point below count, max level and `mult` in range, the level-0 block
// and every upper-level link list inside the file with sizes that are whole levels no higher
// than the max level, and nothing after the last list. Bounds what hnswlib then allocates by
// the file's length. Errors (input) name `path`.
Status checkHnswFileLayout(std::ifstream &in, const HnswFileHeader &header, uint64_t fileBytes,
                           const std::string &path);

// The graph hnswlib loaded, as plain memory (read-only view of HierarchicalNSW's members).
struct HnswGraphView {
    uint64_t count = 0;
    int maxLevel = 0;
    uint32_t enterPoint = 0;
    uint64_t maxM = 0, maxM0 = 0;
    const char *level0 = nullptr;        // count x sizeDataPerElement bytes
    uint64_t sizeDataPerElement = 0;
    uint64_t offsetLevel0 = 0;
    const char *const *linkLists = nullptr; // per element: its upper-level lists, or null at level 0
    const int *levels = nullptr;            // per element
    uint64_t sizeLinksPerElement = 0;
};

// Checks the loaded graph before any search: enter point below count and on the top level,
// every element's level within [0, max level], every link count at most maxM0 (level 0) or
// maxM (upper levels), every neighbour id below count, and every neighbour on level L having
// level L itself (a search descends through it). Errors (input) name `path` and the element.
Status validateHnswGraph(const HnswGraphView &graph, const std::string &path);

} // namespace embtune::engine
