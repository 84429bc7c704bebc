#pragma once
// Engine calls run on workerPool() (job_runner.h). Each returns a future whose
// single result is a JobResult; inputs and outputs cross threads as values or
// std::shared_ptr<const T>. `progress` receives the engine's progress reports and carries
// cancellation; it must outlive the future (see JobProgress). A cancelled job finishes with
// error->code == Cancelled and no value, never a partial result.

#include "data/dataset.h"
#include "jobs/job_runner.h"
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

// Search with an HNSW index instead of exact search (evaluateHnswAsync).
struct HnswSettings {
    engine::HnswParameters parameters; // space is chosen from the evaluation's similarity
    int threads = 0;                   // build and search threads; 0 = all, 1 = deterministic build
};

// What an HNSW evaluation measured beside the metrics.
struct HnswEvaluation {
    engine::HnswParameters parameters;
    int threads = 0;
    double buildSeconds = 0;      // HnswIndex::build
    double exactSeconds = 0;      // the exact search of the same queries, for the ANN recall
    int64_t indexBytes = 0;       // size of the hnswlib file the index saves to
    std::vector<std::pair<int, double>> annRecall; // (k, recall@k of the HNSW lists against exact), k ascending
    // The index, for Save Index. save() is a write: the index serialises it with its own lock.
    std::shared_ptr<engine::HnswIndex> index;

    // recall@k for k, or -1 when it was not measured.
    double annRecallAt(int k) const;
};

struct EvaluatedRun {
    engine::EvaluationReport report;
    std::shared_ptr<const engine::EmbeddingSet> embeddings; // the set evaluated (null for BM25)
    std::shared_ptr<const HnswEvaluation> hnsw;             // set when searched with HNSW
};

// An index written by saveHnswIndexAsync.
struct SavedIndex {
    QString indexFile, sidecarFile;
    int64_t indexBytes = 0;
};

// What a method fits on when it is not the trained set itself (generated training queries,
// app/gui/jobs/synth_jobs.h): the dataset with queries appended, the set with their vectors and
// the dense query indices (of `dataset`) to train and select on.
struct FitInput {
    std::shared_ptr<const engine::Dataset> dataset;
    std::shared_ptr<const engine::EmbeddingSet> embeddings;
    std::vector<int32_t> trainQueries, devQueries;
};
// Builds a FitInput on the worker thread from the dataset and the loaded set.
using FitInputBuilder = std::function<engine::Result<FitInput>(const engine::Dataset &,
                                                               std::shared_ptr<const engine::EmbeddingSet>,
                                                               engine::Progress *)>;

// What to train; see app/cli/train_command.cpp for the same flow on the command line.
struct TrainSpec {
    std::string methodId;
    std::map<std::string, std::string> params; // name=value texts; missing ones take defaults
    QString trainQueriesFile, devQueriesFile;  // one query id per line
    engine::EvaluationOptions evaluation;      // split, ks, metrics (similarity: the model's)
    std::vector<EmbeddingsSource> experts;     // other sets, for methods that take experts
    // Set: the method fits on what it builds (the query files are not read); the baseline, the
    // tuned vectors and the evaluation stay on the dataset and the set.
    FitInputBuilder fitInput;
};

struct TrainedRun {
    std::shared_ptr<const engine::EmbeddingSet> embeddings; // the black-box set trained on
    std::shared_ptr<const engine::EmbeddingSet> tuned;      // tuned documents + transformed queries
    std::shared_ptr<const engine::TunedModel> model;        // the fitted model (its adapter is exported)
    engine::EvaluationReport baseline;                      // the black-box set on the same split
    engine::EvaluationReport result;                        // the tuned vectors
    std::map<std::string, std::string> params;              // every parameter, defaults included
    std::string reportJson;                                 // TunedModel::reportJson()
    engine::Similarity similarity = engine::Similarity::Cosine;
    double fitSeconds = 0;
    int trainQueries = 0, devQueries = 0;
};

using EmbeddingsJobResult = JobResult<engine::EmbeddingSet>;
using OpenedDatasetJobResult = JobResult<OpenedDataset>;
using ComputeJobResult = JobResult<ComputedEmbeddings>;
using ExportJobResult = JobResult<ExportedEmbeddings>;
using CacheJobResult = JobResult<CacheListing>;
using EvaluationJobResult = JobResult<EvaluatedRun>;
using TrainJobResult = JobResult<TrainedRun>;
using SaveIndexJobResult = JobResult<SavedIndex>;

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

// evaluateEmbeddings(*dataset, set, options).
QFuture<EvaluationJobResult> evaluateAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                           engine::EvaluationOptions options, JobProgress *progress);

// HnswIndex::build over the set's documents (progress phase "index", cancellable), evaluateRankings
// with HNSW search, then exactSearch of the same queries and annRecall at every k <= 100 of
// options.ks and at 10. Labels are document indices (the index is built over the dataset's ids).
QFuture<EvaluationJobResult> evaluateHnswAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                               engine::EvaluationOptions options, HnswSettings hnsw,
                                               JobProgress *progress);

// index->save(path): the hnswlib file and its JSON sidecar (HnswIndex::sidecarPath).
// Not cancellable once started.
QFuture<SaveIndexJobResult> saveHnswIndexAsync(std::shared_ptr<engine::HnswIndex> index, QString path,
                                               JobProgress *progress);

// Bm25Index::build over documentTexts + evaluateRankings with BM25 search of the query texts.
// The index build takes no Progress: a cancel is honoured before and after it.
QFuture<EvaluationJobResult> evaluateBm25Async(std::shared_ptr<const engine::Dataset> dataset,
                                               engine::Bm25Options bm25, engine::EvaluationOptions options,
                                               JobProgress *progress);

// Reads the query lists, fits the method on the set, evaluates the set and the tuned vectors.
QFuture<TrainJobResult> trainAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                   TrainSpec spec, JobProgress *progress);

} // namespace embtune::gui
