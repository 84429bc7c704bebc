#include "search/hnsw_file.h"

#include <cmath>
#include <cstring>

namespace embtune::engine {
namespace {

uint32_t loadWord(const char *bytes)
{
    uint32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

Error corrupt(const std::string &what, const std::string &path)
{
    return Error::input("corrupt hnswlib index: " + what, path);
}

// Checks one link list (count word + ids) of `element` on `level`.
Status checkList(const HnswGraphView &g, const char *list, uint64_t element, int level, const std::string &path)
{
    const uint32_t size = loadWord(list) & 0xffffu; // the upper bytes hold hnswlib's deleted mark
    const uint64_t capacity = level == 0 ? g.maxM0 : g.maxM;
    if (size > capacity)
        return corrupt("element " + std::to_string(element) + " has " + std::to_string(size) + " links on level " +
                           std::to_string(level) + " (at most " + std::to_string(capacity) + ")",
                       path);
    for (uint32_t j = 0; j < size; ++j) {
        const uint32_t neighbour = loadWord(list + 4 + 4 * uint64_t(j));
        if (neighbour >= g.count)
            return corrupt("element " + std::to_string(element) + " links to element " + std::to_string(neighbour) +
                               " on level " + std::to_string(level) + ", but the index holds " +
                               std::to_string(g.count),
                           path);
        if (g.levels[neighbour] < level)
            return corrupt("element " + std::to_string(element) + " links to element " + std::to_string(neighbour) +
                               " on level " + std::to_string(level) + ", which that element does not reach",
                           path);
    }
    return {};
}

} // namespace

bool readHnswHeader(std::ifstream &in, HnswFileHeader &h)
{
    auto read = [&](auto &field) { in.read(reinterpret_cast<char *>(&field), sizeof field); };
    read(h.offsetLevel0);
    read(h.maxElements);
    read(h.count);
    read(h.sizeDataPerElement);
    read(h.labelOffset);
    read(h.offsetData);
    read(h.maxLevel);
    read(h.enterPoint);
    read(h.maxM);
    read(h.maxM0);
    read(h.m);
    read(h.mult);
    read(h.efConstruction);
    return bool(in);
}

Status checkHnswFileLayout(std::ifstream &in, const HnswFileHeader &h, uint64_t fileBytes, const std::string &path)
{
    if (!std::isfinite(h.mult) || h.mult <= 0)
        return corrupt("level multiplier " + std::to_string(h.mult) + " is not a positive finite number", path);
    if (h.efConstruction < 1)
        return corrupt("ef_construction is 0", path);
    if (h.count > 0 && h.enterPoint >= h.count)
        return corrupt("enter point " + std::to_string(h.enterPoint) + " is not below the element count " +
                           std::to_string(h.count),
                       path);
    if (h.count > 0 && h.maxLevel < 0)
        return corrupt("max level " + std::to_string(h.maxLevel) + " is negative", path);
    const uint64_t sizeLinks = 4 + 4 * h.maxM;
    // count x (element + its 4-byte list size) must fit the file, so the products below (count
    // and element size as matched to the sidecar) cannot overflow.
    if (fileBytes < uint64_t(kHnswHeaderBytes) ||
        h.count > (fileBytes - uint64_t(kHnswHeaderBytes)) / (h.sizeDataPerElement + 4))
        return corrupt("the file (" + std::to_string(fileBytes) + " bytes) is too short for " +
                           std::to_string(h.count) + " elements of " + std::to_string(h.sizeDataPerElement) + " bytes",
                       path);
    uint64_t position = uint64_t(kHnswHeaderBytes) + h.count * h.sizeDataPerElement;
    in.seekg(std::streamoff(position));
    for (uint64_t i = 0; i < h.count; ++i) {
        uint32_t bytes = 0;
        if (position + 4 > fileBytes || !in.read(reinterpret_cast<char *>(&bytes), sizeof bytes))
            return corrupt("the file ends inside the link lists (element " + std::to_string(i) + ")", path);
        position += 4;
        if (bytes % sizeLinks != 0 || bytes / sizeLinks > uint64_t(h.maxLevel))
            return corrupt("element " + std::to_string(i) + " has " + std::to_string(bytes) +
                               " bytes of upper-level links, not a whole number of levels (" +
                               std::to_string(sizeLinks) + " bytes each) up to the max level " +
                               std::to_string(h.maxLevel),
                           path);
        if (bytes > fileBytes - position)
            return corrupt("the file ends inside the link lists of element " + std::to_string(i), path);
        position += bytes;
        in.seekg(std::streamoff(position));
    }
    if (position != fileBytes)
        return corrupt(std::to_string(fileBytes - position) + " bytes follow the last link list", path);
    return {};
}

Status validateHnswGraph(const HnswGraphView &g, const std::string &path)
{
    if (g.count == 0)
        return {};
    if (g.enterPoint >= g.count || g.levels[g.enterPoint] != g.maxLevel)
        return corrupt("the enter point " + std::to_string(g.enterPoint) + " is not an element on the top level " +
                           std::to_string(g.maxLevel),
                       path);
    for (uint64_t i = 0; i < g.count; ++i)
        if (g.levels[i] < 0 || g.levels[i] > g.maxLevel || (g.levels[i] > 0 && !g.linkLists[i]))
            return corrupt("element " + std::to_string(i) + " has level " + std::to_string(g.levels[i]) +
                               " (max level " + std::to_string(g.maxLevel) + ")",
                           path);
    for (uint64_t i = 0; i < g.count; ++i) {
        if (Status s = checkList(g, g.level0 + i * g.sizeDataPerElement + g.offsetLevel0, i, 0, path); !s)
            return s;
        for (int level = 1; level <= g.levels[i]; ++level)
            if (Status s = checkList(g, g.linkLists[i] + uint64_t(level - 1) * g.sizeLinksPerElement, i, level, path);
                !s)
                return s;
    }
    return {};
}

} // namespace embtune::engine
