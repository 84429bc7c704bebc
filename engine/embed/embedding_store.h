#pragma once
// Embedding sets on disk: the folder layout (save/load), the on-disk cache keyed by dataset
// content hash + embedder configuration key, and export/import in every vector format.
//
// Folder layout (what saveEmbeddingSet writes and loadEmbeddingSet reads):
//   corpus.npy + corpus_ids.txt     one row per dataset document, in dataset order
//   queries.npy + query_ids.txt     one row per query that has a vector (absent when none has)
//   provenance.json                 {"format": "embtune.embedding-set", "version": 1, "name",
//                                    "embedder", "parameters", "created", "dataset_hash",
//                                    "normalized", "config_key", "dim", "documents", "queries"}

#include "core/error.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "io/vector_file.h"

#include <optional>
#include <string>
#include <vector>

namespace embtune::engine {

// The current time as ISO 8601 UTC ("2026-12-07T07:05:00Z"), as provenance records it.
std::string nowIso8601();

// Writes `set` (aligned to `dataset`: docs docCount x dim, queries queryCount x dim with
// hasQueryVector flags, or empty flags meaning every query has a vector) into `dir`, creating it.
// Each file is written atomically; a stale queries.npy/query_ids.txt is removed when no query
// has a vector. `configKey` is recorded in provenance.json (may be empty).
Status saveEmbeddingSet(const EmbeddingSet &set, const Dataset &dataset, const std::string &dir,
                        const std::string &configKey = {});

// Reads a folder in the layout above (readNpyEmbeddingSet) plus provenance.json when present
// (name and provenance come from it; without it the provenance is empty and the name is the
// folder's).
Result<EmbeddingSet> loadEmbeddingSet(const std::string &dir, const Dataset &dataset);

// What provenance.json of a stored set says, without reading its vectors.
struct StoredSetInfo {
    std::string dir;          // the set's folder
    std::string name;
    std::string configKey;
    Provenance provenance;
    int64_t dim = 0;
    int64_t documents = 0;
    int64_t queries = 0;      // queries with a vector
};

// Parses DIR/provenance.json. Errors name the file.
Result<StoredSetInfo> readStoredSetInfo(const std::string &dir);

// A folder of embedding sets, one subfolder per (dataset hash, embedder configuration key),
// named by a hash of the pair. An entry appears only complete: store() writes into a temporary
// folder (name starting with ".tmp-") and renames it into place, so a killed write leaves at
// most a temporary folder, which lookup() and list() ignore. Several EmbeddingCache objects,
// in one or several processes, may share a root; the last store() of a key wins.
class EmbeddingCache {
public:
    explicit EmbeddingCache(std::string rootDir) : m_root(std::move(rootDir)) {}

    const std::string &rootDir() const { return m_root; }
    // Folder (under rootDir) of the entry for the key: 32 hex digits of a hash of both parts.
    std::string entryDir(const std::string &datasetHash, const std::string &configKey) const;

    // The cached set for the key aligned to `dataset`, or std::nullopt when none is cached (or
    // the entry's provenance.json names another key). A damaged entry is an Error naming the
    // damaged file; remove() it and compute again.
    Result<std::optional<EmbeddingSet>> lookup(const std::string &datasetHash, const std::string &configKey,
                                               const Dataset &dataset) const;

    // Stores `set` under the key (replacing an existing entry). `set.provenance.datasetHash` is
    // recorded as `datasetHash`.
    Status store(const std::string &datasetHash, const std::string &configKey, const EmbeddingSet &set,
                 const Dataset &dataset) const;

    // Removes the entry of the key; no error when there is none.
    Status remove(const std::string &datasetHash, const std::string &configKey) const;

    // Every complete entry, newest first (by provenance "created", then folder). An entry whose
    // provenance.json cannot be read is listed with `error` set. An absent root gives an empty list.
    struct Entry {
        StoredSetInfo info;
        std::string error; // non-empty when provenance.json is unreadable (info.dir is set)
    };
    Result<std::vector<Entry>> list() const;

private:
    std::string m_root;
};

// File names of an exported set in `format`, relative to its folder. The id file names are
// empty for formats that keep the ids inside the vector file:
//   npy:         corpus.npy + corpus_ids.txt, queries.npy + query_ids.txt
//   fvecs:       corpus.fvecs + corpus_ids.txt, queries.fvecs + query_ids.txt
//   jsonl:       corpus_embeddings.jsonl, query_embeddings.jsonl
//   safetensors: corpus.safetensors, queries.safetensors (ids and provenance in __metadata__)
struct ExportLayout {
    std::string docs, docIds, queries, queryIds;
};
ExportLayout exportLayout(VectorFormat format);

// Writes `set` into `outDir` (created) in `format` following exportLayout, plus provenance.json.
// Documents are written in dataset order with the dataset's ids; only queries with a vector are
// written (no query files when none has one; stale ones of the same layout are removed).
Status exportEmbeddingSet(const EmbeddingSet &set, const Dataset &dataset, VectorFormat format,
                          const std::string &outDir);

// Vector files to import into an embedding set.
struct VectorImport {
    std::string docsPath;                // required
    std::string docIdsPath;              // npy/fvecs id list; empty: siblingIdListPath(docsPath)
    std::string queriesPath;             // optional: no query vectors when empty
    std::string queryIdsPath;            // empty: siblingIdListPath(queriesPath)
    std::optional<VectorFormat> format;  // empty: from each file's extension
    std::string name;                    // display name; empty: the docs file's folder name
};

// Reads the files and aligns them to `dataset` by id (alignRowsById): every document needs a
// vector, queries may be partial (hasQueryVector flags them). Ids the dataset does not know,
// dimension mismatches and every reader error name the offending file. Provenance: the docs
// file's own (safetensors), else embedder "imported" with the source files in `parameters`,
// the current time, `normalized` measured on the vectors and the dataset's hash empty.
Result<EmbeddingSet> importEmbeddingSet(const VectorImport &spec, const Dataset &dataset);

// Imports a folder written by exportEmbeddingSet (or saveEmbeddingSet) in any format, found by
// the files present (npy, safetensors, fvecs, jsonl: the first whose docs file exists); its
// provenance.json, when present, supplies the name and provenance.
Result<EmbeddingSet> importEmbeddingFolder(const std::string &dir, const Dataset &dataset);

} // namespace embtune::engine
