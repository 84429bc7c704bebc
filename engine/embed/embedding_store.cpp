#include "embed/embedding_store.h"

#include "data/dataset_hash.h"
#include "io/json_writer.h"
#include "io/npy.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace embtune::engine {

std::string nowIso8601()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

namespace {

constexpr char kProvenanceFile[] = "provenance.json";
constexpr char kProvenanceFormat[] = "embtune.embedding-set";
constexpr int64_t kProvenanceVersion = 1;

std::string join(const std::string &dir, const std::string &name)
{
    return (fs::path(dir) / name).string();
}

// Dataset indices of the queries of `set` that have a vector, in index order.
Result<std::vector<int32_t>> queriesWithVectors(const EmbeddingSet &set, const Dataset &dataset)
{
    if (set.docs.rows() != dataset.docCount())
        return Error::usage("the embedding set has " + std::to_string(set.docs.rows()) + " document rows but the dataset " +
                            std::to_string(dataset.docCount()) + " documents");
    if (set.docs.cols() == 0)
        return Error::usage("the embedding set has dimension 0");
    std::vector<int32_t> present;
    if (set.queries.rows() == 0 && set.hasQueryVector.empty())
        return present;
    if (set.queries.rows() != dataset.queryCount())
        return Error::usage("the embedding set has " + std::to_string(set.queries.rows()) + " query rows but the dataset " +
                            std::to_string(dataset.queryCount()) + " queries");
    if (set.queries.cols() != set.docs.cols())
        return Error::usage("query and document vectors of the embedding set differ in dimension");
    if (!set.hasQueryVector.empty() && int64_t(set.hasQueryVector.size()) != dataset.queryCount())
        return Error::usage("the embedding set's query flags do not match the dataset's queries");
    for (int32_t q = 0; q < dataset.queryCount(); ++q)
        if (set.hasQueryVector.empty() || set.hasQuery(q))
            present.push_back(q);
    return present;
}

// Copy of the rows of `matrix` listed in `rows`, in that order.
RowMatrixXf gatherRows(const FloatMatrix &matrix, const std::vector<int32_t> &rows)
{
    RowMatrixXf out(int64_t(rows.size()), matrix.cols());
    for (size_t i = 0; i < rows.size(); ++i)
        out.row(int64_t(i)) = matrix.map().row(rows[i]);
    return out;
}

std::string provenanceJson(const EmbeddingSet &set, const std::string &configKey, int64_t queryCount)
{
    JsonWriter json;
    json.beginObject();
    json.key("format");
    json.value(kProvenanceFormat);
    json.key("version");
    json.value(kProvenanceVersion);
    json.key("name");
    json.value(set.name);
    json.key("embedder");
    json.value(set.provenance.embedder);
    json.key("parameters");
    json.value(set.provenance.parameters);
    json.key("created");
    json.value(set.provenance.created);
    json.key("dataset_hash");
    json.value(set.provenance.datasetHash);
    json.key("normalized");
    json.value(set.provenance.normalized);
    json.key("config_key");
    json.value(configKey);
    json.key("dim");
    json.value(set.docs.cols());
    json.key("documents");
    json.value(set.docs.rows());
    json.key("queries");
    json.value(queryCount);
    json.endObject();
    return json.str() + "\n";
}

Status removeIfPresent(const std::string &path)
{
    std::error_code ec;
    fs::remove(path, ec);
    if (ec)
        return Error::io("cannot remove a stale file: " + ec.message(), path);
    return {};
}

// Writes the vector files of `set` in `format` (exportLayout) and provenance.json into `dir`.
Status writeSetFolder(const EmbeddingSet &set, const Dataset &dataset, VectorFormat format, const std::string &dir,
                      const std::string &configKey)
{
    auto present = queriesWithVectors(set, dataset);
    if (!present)
        return present.error();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Error::io("cannot create the folder: " + ec.message(), dir);
    const ExportLayout layout = exportLayout(format);
    auto idsPath = [&](const std::string &name) { return name.empty() ? std::string() : join(dir, name); };

    if (Status s = writeVectorFile(join(dir, layout.docs), format, set.docs, dataset.docIds.ids(),
                                   &set.provenance, idsPath(layout.docIds));
        !s)
        return s;
    if (present->empty()) {
        if (Status s = removeIfPresent(join(dir, layout.queries)); !s)
            return s;
        if (!layout.queryIds.empty())
            if (Status s = removeIfPresent(join(dir, layout.queryIds)); !s)
                return s;
    } else {
        std::vector<std::string> ids;
        ids.reserve(present->size());
        for (const int32_t q : *present)
            ids.push_back(dataset.queryIds.id(q));
        Status s;
        if (int64_t(present->size()) == set.queries.rows()) {
            s = writeVectorFile(join(dir, layout.queries), format, set.queries.map(), ids, &set.provenance,
                                idsPath(layout.queryIds));
        } else {
            const RowMatrixXf rows = gatherRows(set.queries, *present);
            s = writeVectorFile(join(dir, layout.queries), format, ConstMatrixMap(rows.data(), rows.rows(), rows.cols()),
                                ids, &set.provenance, idsPath(layout.queryIds));
        }
        if (!s)
            return s;
    }
    return writeFileAtomically(join(dir, kProvenanceFile), provenanceJson(set, configKey, int64_t(present->size())));
}

bool rowsAreUnitLength(const FloatMatrix &matrix, const std::vector<char> *present)
{
    for (int64_t i = 0; i < matrix.rows(); ++i) {
        if (present && !(*present)[size_t(i)])
            continue;
        if (std::abs(matrix.map().row(i).squaredNorm() - 1.0f) > 1e-3f)
            return false;
    }
    return true;
}

std::string importParameters(const VectorImport &spec)
{
    JsonWriter json(false);
    json.beginObject();
    json.key("documents");
    json.value(spec.docsPath);
    if (!spec.queriesPath.empty()) {
        json.key("queries");
        json.value(spec.queriesPath);
    }
    json.endObject();
    return json.str();
}

Result<VectorFormat> formatOf(const VectorImport &spec, const std::string &path)
{
    if (spec.format)
        return *spec.format;
    if (const auto format = vectorFormatFromPath(path))
        return *format;
    return Error::usage("cannot tell the vector format of " + path +
                        " from its extension (expected .npy, .fvecs, .jsonl or .safetensors)");
}

} // namespace

Status saveEmbeddingSet(const EmbeddingSet &set, const Dataset &dataset, const std::string &dir,
                        const std::string &configKey)
{
    return writeSetFolder(set, dataset, VectorFormat::Npy, dir, configKey);
}

Result<StoredSetInfo> readStoredSetInfo(const std::string &dir)
{
    const std::string path = join(dir, kProvenanceFile);
    simdjson::padded_string text;
    if (const auto error = simdjson::padded_string::load(path).get(text))
        return Error::io(std::string("cannot read: ") + simdjson::error_message(error), path);
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (const auto error = parser.parse(text).get_object().get(root))
        return Error::input(std::string("malformed JSON: ") + simdjson::error_message(error), path);

    std::string_view format;
    if (root.at_key("format").get_string().get(format) || format != kProvenanceFormat)
        return Error::input(std::string("not an embtune provenance file (\"format\" is not \"") + kProvenanceFormat +
                                "\")",
                            path);
    int64_t version = 0;
    if (root.at_key("version").get_int64().get(version) || version < 1)
        return Error::input("missing or invalid \"version\"", path);
    if (version > kProvenanceVersion)
        return Error::input("written by a newer embtune (version " + std::to_string(version) + ")", path);

    StoredSetInfo info;
    info.dir = dir;
    std::string failed;
    auto stringField = [&](const char *key, std::string &out) {
        simdjson::dom::element element;
        if (root.at_key(key).get(element))
            return; // optional
        std::string_view value;
        if (element.get_string().get(value)) {
            failed = key;
            return;
        }
        out.assign(value);
    };
    auto number = [&](const char *key, int64_t &out) {
        simdjson::dom::element element;
        if (!root.at_key(key).get(element) && (element.get_int64().get(out) || out < 0))
            failed = key;
    };
    stringField("name", info.name);
    stringField("embedder", info.provenance.embedder);
    stringField("parameters", info.provenance.parameters);
    stringField("created", info.provenance.created);
    stringField("dataset_hash", info.provenance.datasetHash);
    stringField("config_key", info.configKey);
    number("dim", info.dim);
    number("documents", info.documents);
    number("queries", info.queries);
    simdjson::dom::element normalized;
    if (!root.at_key("normalized").get(normalized) && normalized.get_bool().get(info.provenance.normalized))
        failed = "normalized";
    if (!failed.empty())
        return Error::input("\"" + failed + "\" has the wrong type", path);
    return info;
}

Result<EmbeddingSet> loadEmbeddingSet(const std::string &dir, const Dataset &dataset)
{
    auto set = readNpyEmbeddingSet(dir, dataset);
    if (!set)
        return set.error();
    std::error_code ec;
    if (fs::exists(join(dir, kProvenanceFile), ec)) {
        auto info = readStoredSetInfo(dir);
        if (!info)
            return info.error();
        if (info->dim != 0 && info->dim != set->dim())
            return Error::input("provenance.json gives dimension " + std::to_string(info->dim) +
                                    " but corpus.npy has " + std::to_string(set->dim()),
                                join(dir, kProvenanceFile));
        if (!info->name.empty())
            set->name = info->name;
        set->provenance = info->provenance;
    }
    return set;
}

std::string EmbeddingCache::entryDir(const std::string &datasetHash, const std::string &configKey) const
{
    ContentHasher hasher;
    hasher.addString("embtune.embedding-cache.v1");
    hasher.addString(datasetHash);
    hasher.addString(configKey);
    return join(m_root, hasher.hex());
}

Result<std::optional<EmbeddingSet>> EmbeddingCache::lookup(const std::string &datasetHash,
                                                           const std::string &configKey,
                                                           const Dataset &dataset) const
{
    const std::string dir = entryDir(datasetHash, configKey);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return std::optional<EmbeddingSet>();
    auto info = readStoredSetInfo(dir);
    if (!info)
        return info.error();
    if (info->provenance.datasetHash != datasetHash || info->configKey != configKey)
        return std::optional<EmbeddingSet>();
    auto set = loadEmbeddingSet(dir, dataset);
    if (!set)
        return set.error();
    return std::optional<EmbeddingSet>(std::move(*set));
}

Status EmbeddingCache::store(const std::string &datasetHash, const std::string &configKey, const EmbeddingSet &set,
                             const Dataset &dataset) const
{
    static std::atomic<int64_t> serial{0};
    const std::string dir = entryDir(datasetHash, configKey);
    const std::string unique = fs::path(dir).filename().string() + "-" + std::to_string(::getpid()) + "-" +
                               std::to_string(serial.fetch_add(1));
    const std::string temp = join(m_root, ".tmp-" + unique);
    std::error_code ec;
    fs::create_directories(m_root, ec);
    if (ec)
        return Error::io("cannot create the cache folder: " + ec.message(), m_root);

    EmbeddingSet stored = set;
    stored.provenance.datasetHash = datasetHash;
    if (Status s = saveEmbeddingSet(stored, dataset, temp, configKey); !s) {
        fs::remove_all(temp, ec);
        return s;
    }
    fs::rename(temp, dir, ec);
    if (!ec)
        return {};
    // An entry exists already: move it aside, put the new one in place, then delete the old one.
    const std::string old = join(m_root, ".old-" + unique);
    fs::rename(dir, old, ec);
    if (!ec)
        fs::rename(temp, dir, ec);
    if (ec) {
        const std::string message = ec.message();
        std::error_code ignored;
        if (fs::exists(old, ignored) && !fs::exists(dir, ignored))
            fs::rename(old, dir, ignored);
        fs::remove_all(temp, ignored);
        return Error::io("cannot move the new cache entry into place: " + message, dir);
    }
    fs::remove_all(old, ec);
    return {};
}

Status EmbeddingCache::remove(const std::string &datasetHash, const std::string &configKey) const
{
    static std::atomic<int64_t> serial{0};
    const std::string dir = entryDir(datasetHash, configKey);
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return {};
    // Renamed first so that no reader ever sees a half-deleted entry.
    const std::string old = join(m_root, ".old-" + fs::path(dir).filename().string() + "-" +
                                             std::to_string(::getpid()) + "-r" + std::to_string(serial.fetch_add(1)));
    fs::rename(dir, old, ec);
    if (ec)
        return Error::io("cannot remove the cache entry: " + ec.message(), dir);
    fs::remove_all(old, ec);
    return {};
}

Result<std::vector<EmbeddingCache::Entry>> EmbeddingCache::list() const
{
    std::vector<Entry> entries;
    std::error_code ec;
    if (!fs::is_directory(m_root, ec))
        return entries;
    fs::directory_iterator it(m_root, ec);
    if (ec)
        return Error::io("cannot list the cache folder: " + ec.message(), m_root);
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        const fs::path dir = it->path();
        const std::string name = dir.filename().string();
        std::error_code ignored; // unreadable children are skipped, not errors of the listing
        if (name.empty() || name.front() == '.' || !fs::is_directory(dir, ignored) ||
            !fs::exists(dir / kProvenanceFile, ignored))
            continue;
        Entry entry;
        auto info = readStoredSetInfo(dir.string());
        if (info) {
            entry.info = std::move(*info);
        } else {
            entry.info.dir = dir.string();
            entry.error = info.error().toString();
        }
        entries.push_back(std::move(entry));
    }
    if (ec)
        return Error::io("cannot list the cache folder: " + ec.message(), m_root);
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        if (a.info.provenance.created != b.info.provenance.created)
            return a.info.provenance.created > b.info.provenance.created;
        return a.info.dir < b.info.dir;
    });
    return entries;
}

ExportLayout exportLayout(VectorFormat format)
{
    switch (format) {
    case VectorFormat::Npy: return {"corpus.npy", "corpus_ids.txt", "queries.npy", "query_ids.txt"};
    case VectorFormat::Fvecs: return {"corpus.fvecs", "corpus_ids.txt", "queries.fvecs", "query_ids.txt"};
    case VectorFormat::Jsonl: return {"corpus_embeddings.jsonl", "", "query_embeddings.jsonl", ""};
    case VectorFormat::Safetensors: return {"corpus.safetensors", "", "queries.safetensors", ""};
    }
    return {};
}

Status exportEmbeddingSet(const EmbeddingSet &set, const Dataset &dataset, VectorFormat format,
                          const std::string &outDir)
{
    return writeSetFolder(set, dataset, format, outDir, {});
}

Result<EmbeddingSet> importEmbeddingSet(const VectorImport &spec, const Dataset &dataset)
{
    if (spec.docsPath.empty())
        return Error::usage("no document vector file given");
    auto docsFormat = formatOf(spec, spec.docsPath);
    if (!docsFormat)
        return docsFormat.error();
    auto docs = readVectorFile(spec.docsPath, *docsFormat, spec.docIdsPath);
    if (!docs)
        return docs.error();
    if (docs->vectors.cols() == 0)
        return Error::input("the vectors have dimension 0", spec.docsPath);
    auto alignedDocs = alignRowsById(docs->vectors, docs->ids, dataset.docIds, true, docs->idsSource, nullptr);
    if (!alignedDocs)
        return alignedDocs.error();

    EmbeddingSet set;
    set.docs = std::move(*alignedDocs);
    if (!spec.queriesPath.empty()) {
        auto queriesFormat = formatOf(spec, spec.queriesPath);
        if (!queriesFormat)
            return queriesFormat.error();
        auto queries = readVectorFile(spec.queriesPath, *queriesFormat, spec.queryIdsPath);
        if (!queries)
            return queries.error();
        if (queries->vectors.cols() != set.docs.cols())
            return Error::input("query vectors have dimension " + std::to_string(queries->vectors.cols()) +
                                    " but document vectors have " + std::to_string(set.docs.cols()),
                                spec.queriesPath);
        auto aligned = alignRowsById(queries->vectors, queries->ids, dataset.queryIds, false, queries->idsSource,
                                     &set.hasQueryVector);
        if (!aligned)
            return aligned.error();
        set.queries = std::move(*aligned);
    } else {
        set.queries = FloatMatrix(dataset.queryCount(), set.docs.cols(),
                                  std::vector<float>(size_t(dataset.queryCount()) * size_t(set.docs.cols()), 0.0f));
        set.hasQueryVector.assign(size_t(dataset.queryCount()), 0);
    }

    set.source = spec.docsPath;
    set.name = spec.name;
    if (set.name.empty())
        set.name = fs::absolute(fs::path(spec.docsPath)).parent_path().filename().string();
    if (docs->provenance) {
        set.provenance = *docs->provenance;
    } else {
        set.provenance.embedder = "imported";
        set.provenance.parameters = importParameters(spec);
        set.provenance.created = nowIso8601();
        set.provenance.normalized =
            rowsAreUnitLength(set.docs, nullptr) && rowsAreUnitLength(set.queries, &set.hasQueryVector);
    }
    return set;
}

Result<EmbeddingSet> importEmbeddingFolder(const std::string &dir, const Dataset &dataset)
{
    std::error_code ec;
    for (const auto format : {VectorFormat::Npy, VectorFormat::Safetensors, VectorFormat::Fvecs, VectorFormat::Jsonl}) {
        const ExportLayout layout = exportLayout(format);
        if (!fs::exists(join(dir, layout.docs), ec))
            continue;
        VectorImport spec;
        spec.format = format;
        spec.docsPath = join(dir, layout.docs);
        if (!layout.docIds.empty())
            spec.docIdsPath = join(dir, layout.docIds);
        if (fs::exists(join(dir, layout.queries), ec)) {
            spec.queriesPath = join(dir, layout.queries);
            if (!layout.queryIds.empty())
                spec.queryIdsPath = join(dir, layout.queryIds);
        } else if (!layout.queryIds.empty() && fs::exists(join(dir, layout.queryIds), ec)) {
            return Error::input(layout.queryIds + " without " + layout.queries, dir);
        }
        spec.name = fs::absolute(fs::path(dir)).lexically_normal().filename().string();
        if (spec.name.empty())
            spec.name = fs::absolute(fs::path(dir)).lexically_normal().parent_path().filename().string();
        auto set = importEmbeddingSet(spec, dataset);
        if (!set)
            return set.error();
        set->source = dir;
        if (fs::exists(join(dir, kProvenanceFile), ec)) {
            auto info = readStoredSetInfo(dir);
            if (!info)
                return info.error();
            if (!info->name.empty())
                set->name = info->name;
            set->provenance = info->provenance;
        }
        return set;
    }
    return Error::input("no embedding files in the folder (expected corpus.npy, corpus.safetensors, corpus.fvecs or "
                        "corpus_embeddings.jsonl)",
                        dir);
}

} // namespace embtune::engine
