#pragma once
// Engine calls run on workerPool() (job_runner.h). Each returns a future whose
// single result is a JobResult; inputs and outputs cross threads as values or
// std::shared_ptr<const T>. `progress` receives the engine's progress reports and carries
// cancellation; it must outlive the future (see JobProgress). A cancelled job finishes with
// error->code == Cancelled and no value, never a partial result.

#include "data/dataset.h"
#include "jobs/job_result.h"
#include "embed/embedding_set.h"
#include "embed/embedding_store.h"
#include "embed/lsa_embedder.h"
#include "eval/retrieval_evaluation.h"
#include "io/vector_file.h"
#include "methods/method.h"
#include "search/bm25.h"
#include "search/hnsw_index.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace embtune::gui {

class JobProgress;

// The vectors of an embedding set: already in memory, or the folder of a cache entry to load
// (loadEmbeddingSet) on the worker thread before use.
struct EmbeddingsSource {
    std::shared_ptr<const engine::EmbeddingSet> loaded;
    QString folder; // used when `loaded` is null
};

// A dataset with what the Embeddings panel lists for it.
struct OpenedDataset {
    engine::Dataset dataset;
    std::string textsHash;                          // datasetTextsHash(dataset): the cache key part
    std::vector<engine::StoredSetInfo> cachedSets;  // cache entries made from these texts, newest first
};

// An embedding set computed (or found in the cache) and stored in the cache.
struct ComputedEmbeddings {
    engine::EmbeddingSet set;
    engine::StoredSetInfo info;  // of the cache entry; info.dir empty when it could not be stored
    bool cacheHit = false;       // found in the cache: nothing was computed
};

// Vector files to import: a folder (importEmbeddingFolder, any format) or files
// (importEmbeddingSet; empty id lists mean the files' sibling id lists or the ids inside).
struct ImportSpec {
    QString folder;
    QString docsFile, docIdsFile, queriesFile, queryIdsFile;
};

struct ExportedEmbeddings {
    QString dir;
    QStringList files;                                    // written, relative to dir
    std::shared_ptr<const engine::EmbeddingSet> resolved; // the set as loaded for the export
};

struct CacheListing {
    std::vector<engine::StoredSetInfo> cachedSets; // entries for the dataset's texts, newest first
};

// An index written by saveHnswIndexAsync.
struct SavedIndex {
    QString indexFile, sidecarFile;
    int64_t indexBytes = 0;
};

using EmbeddingsJobResult = JobResult<engine::EmbeddingSet>;
using OpenedDatasetJobResult = JobResult<OpenedDataset>;
using ComputeJobResult = JobResult<ComputedEmbeddings>;
using ExportJobResult = JobResult<ExportedEmbeddings>;
using CacheJobResult = JobResult<CacheListing>;
using SaveIndexJobResult = JobResult<SavedIndex>;

// The set of `source` for `dataset`: the loaded one, or loadEmbeddingSet of its folder (call on
// a worker thread).
engine::Result<std::shared_ptr<const engine::EmbeddingSet>> resolveEmbeddings(const EmbeddingsSource &source,
                                                                             const engine::Dataset &dataset);

// Display name of an LSA set: "lsa256", plus the options that differ from the defaults
// ("lsa2 min_df=1").
std::string lsaSetName(const engine::LsaOptions &options);

// readBeirDataset(dir), its texts hash and the entries of the cache at `cacheRoot` for it (an
// unreadable cache is a warning, not an error).
QFuture<OpenedDatasetJobResult> loadDatasetAsync(const QString &dir, const QString &cacheRoot, JobProgress *progress);

// The LSA set of `options` for the dataset: EmbeddingCache(cacheRoot).lookup(textsHash, key),
// else LsaEmbedder::fit on documentTexts + embed of the queries, stored in the cache.
QFuture<ComputeJobResult> computeLsaAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                          engine::LsaOptions options, QString cacheRoot, JobProgress *progress);

// importEmbeddingFolder or importEmbeddingSet. Not cancellable once started (the engine calls
// take no Progress); a cancel before it starts is honoured.
QFuture<EmbeddingsJobResult> importEmbeddingsAsync(ImportSpec spec, std::shared_ptr<const engine::Dataset> dataset,
                                                   JobProgress *progress);

// exportEmbeddingSet(set, dataset, format, outDir).
QFuture<ExportJobResult> exportEmbeddingsAsync(EmbeddingsSource source, std::shared_ptr<const engine::Dataset> dataset,
                                               engine::VectorFormat format, QString outDir, JobProgress *progress);

// Removes the cache entry (datasetHash, configKey) and lists what remains for `textsHash`.
QFuture<CacheJobResult> removeCachedAsync(QString cacheRoot, std::string datasetHash, std::string configKey,
                                          std::string textsHash, JobProgress *progress);

// index->save(path): the hnswlib file and its JSON sidecar (HnswIndex::sidecarPath).
// Not cancellable once started.
QFuture<SaveIndexJobResult> saveHnswIndexAsync(std::shared_ptr<engine::HnswIndex> index, QString path,
                                               JobProgress *progress);

} // namespace embtune::gui
