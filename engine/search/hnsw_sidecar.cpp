#include "search/hnsw_sidecar.h"

#include "io/json_writer.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace embtune::engine {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;
constexpr const char *kHashPrefix = "fnv1a64-rows:";

uint64_t fnv1a(const void *data, size_t size, uint64_t hash = kFnvOffset)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= kFnvPrime;
    }
    return hash;
}

} // namespace

uint64_t rowHash(const float *row, int64_t dim)
{
    return fnv1a(row, size_t(dim) * sizeof(float));
}

std::string combinedHash(int64_t dim, const std::vector<uint64_t> &rowHashes, const std::vector<char> &deleted)
{
    int64_t live = 0;
    for (char flag : deleted)
        live += !flag;
    uint64_t hash = fnv1a(&dim, sizeof dim);
    hash = fnv1a(&live, sizeof live, hash);
    for (size_t label = 0; label < rowHashes.size(); ++label)
        if (!deleted[label])
            hash = fnv1a(&rowHashes[label], sizeof(uint64_t), hash);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return std::string(kHashPrefix) + hex;
}

Result<HnswSidecar> readHnswSidecar(const std::string &path)
{
    simdjson::padded_string text;
    if (simdjson::padded_string::load(path).get(text))
        return Error::input("cannot read the index sidecar (written beside the index by embtune)", path);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(text).get(root))
        return Error::input("malformed JSON in the index sidecar", path);

    HnswSidecar out;
    int64_t version = 0, dim = 0, m = 0, efc = 0, ef = 0, seed = 0, count = 0;
    std::string_view spaceName, hash;
    if (root["format_version"].get_int64().get(version) || version != HnswIndex::kSidecarFormatVersion)
        return Error::input("unsupported index sidecar format version (expected " +
                                std::to_string(HnswIndex::kSidecarFormatVersion) + ")",
                            path);
    if (root["space"].get_string().get(spaceName) || !hnswSpaceFromName(spaceName, out.parameters.space))
        return Error::input("the index sidecar's \"space\" must be \"cosine\" or \"ip\"", path);
    if (root["dim"].get_int64().get(dim) || root["M"].get_int64().get(m) ||
        root["ef_construction"].get_int64().get(efc) || root["ef_search"].get_int64().get(ef) ||
        root["seed"].get_int64().get(seed) || root["count"].get_int64().get(count) ||
        root["vectors_hash"].get_string().get(hash))
        return Error::input("the index sidecar lacks one of dim, M, ef_construction, ef_search, seed, count, "
                            "vectors_hash",
                            path);
    if (m < 2 || m > 10000 || efc < 1 || ef < 1 || seed < 0 || count < 0 || dim < 1 ||
        count > std::numeric_limits<int32_t>::max())
        return Error::input("the index sidecar holds an out-of-range parameter", path);
    out.parameters.m = int(m);
    out.parameters.efConstruction = int(efc);
    out.parameters.efSearch = int(ef);
    out.parameters.seed = uint64_t(seed);
    out.dim = dim;
    out.count = count;
    out.vectorsHash = std::string(hash);

    simdjson::dom::array idArray, deletedArray;
    if (root["ids"].get_array().get(idArray) || root["deleted"].get_array().get(deletedArray))
        return Error::input("the index sidecar lacks \"ids\" or \"deleted\"", path);
    out.ids.reserve(std::min(size_t(count), idArray.size())); // bounded by what the sidecar holds
    for (auto element : idArray) {
        std::string_view id;
        if (element.get_string().get(id))
            return Error::input("the index sidecar's \"ids\" must be strings", path);
        out.ids.emplace_back(id);
    }
    if (int64_t(out.ids.size()) != count)
        return Error::input("the index sidecar lists " + std::to_string(out.ids.size()) + " ids for " +
                                std::to_string(count) + " vectors",
                            path);
    out.deleted.assign(size_t(count), 0);
    for (auto element : deletedArray) {
        int64_t label = 0;
        if (element.get_int64().get(label) || label < 0 || label >= count || out.deleted[size_t(label)])
            return Error::input("the index sidecar's \"deleted\" must list distinct labels below count", path);
        out.deleted[size_t(label)] = 1;
        ++out.deletedCount;
    }
    return out;
}

std::string hnswSidecarJson(const HnswParameters &parameters, int64_t dim, const std::string &vectorsHash,
                            const std::vector<std::string> &ids, const std::vector<char> &deleted,
                            const std::string &indexFileName)
{
    JsonWriter w;
    w.beginObject();
    w.key("format");
    w.value("embtune hnsw sidecar");
    w.key("format_version");
    w.value(HnswIndex::kSidecarFormatVersion);
    w.key("library");
    w.value("hnswlib 0.6.2");
    w.key("index_file");
    w.value(indexFileName);
    w.key("space");
    w.value(hnswSpaceName(parameters.space));
    w.key("dim");
    w.value(dim);
    w.key("M");
    w.value(parameters.m);
    w.key("ef_construction");
    w.value(parameters.efConstruction);
    w.key("ef_search");
    w.value(parameters.efSearch);
    w.key("seed");
    w.value(int64_t(parameters.seed));
    w.key("count");
    w.value(int64_t(ids.size()));
    w.key("vectors_hash");
    w.value(vectorsHash);
    w.key("deleted");
    w.beginArray();
    for (size_t label = 0; label < deleted.size(); ++label)
        if (deleted[label])
            w.value(int64_t(label));
    w.endArray();
    w.key("ids");
    w.beginArray();
    for (const auto &id : ids)
        w.value(id);
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

} // namespace embtune::engine
