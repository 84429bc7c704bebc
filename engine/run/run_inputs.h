#pragma once
// What a RunSpec names, loaded: the dataset, the base embedding set, experts, query lists, the
// generated query set and the embedder of its queries, an HNSW index to load. The CLI loads all
// of it from the spec's paths (loadRunInputs); the GUI passes what it already holds in memory and
// lets loadRunInputs read the rest, so both run the same pipeline on the same values.
// Everything is shared_ptr<const T>: inputs cross threads and are shared between runs.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "embed/lsa_embedder.h"
#include "embed/text_embedder.h"
#include "run/run_spec.h"
#include "synth/synthetic_set.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace embtune::engine {

// Makes the embedder of generated queries for the base set (e.g. the app's remote embedder);
// called on the thread that runs the pipeline.
using QueryEmbedderFactory = std::function<Result<std::shared_ptr<TextEmbedder>>(
    const Dataset &dataset, const EmbeddingSet &embeddings, Progress *progress)>;

struct RunResult;

struct RunInputs {
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const EmbeddingSet> embeddings;              // null for RunBase::Bm25
    std::vector<std::shared_ptr<const EmbeddingSet>> experts;    // one per RunSpec::experts
    std::optional<std::vector<int32_t>> trainQueries, devQueries; // dense query indices of `dataset`
    std::shared_ptr<const SyntheticSet> generated;               // RunSpec::generatedQueries
    // Embeds the generated queries; loadRunInputs sets it from the spec when the caller did not.
    QueryEmbedderFactory queryEmbedder;
    std::vector<std::string> warnings;                           // of the dataset reader
    // RunBase::Fusion: the runs of spec.members the caller holds already (the GUI fuses runs of
    // its comparison), one per member, made on spec.split of `dataset`; empty: runFusion runs them.
    std::vector<std::shared_ptr<const RunResult>> members;
};

// Fills what `given` lacks from the spec's paths: readBeirDataset, the embedding folder
// (importEmbeddingFolder: any vector format, cache entries included) or the built-in LSA fitted
// on the corpus, experts, the query id lists, the generated set (readSyntheticSet) and, for
// generated queries, the LSA query embedder (lsaQueryEmbedder below). Progress phases are the
// readers'; cancel returns Cancelled.
Result<RunInputs> loadRunInputs(const RunSpec &spec, RunInputs given, Progress *progress);

// The LSA model that embeds new queries like `embeddings` embedded the dataset's queries:
// `modelDir`/lsa.json when present; else, for a set made by the built-in LSA (provenance
// embedder "lsa" with its options as parameters), the LSA fitted again on the corpus, checked to
// reproduce the set's document vectors and saved into `modelDir` (when given) for the next time.
// Errors: a set made by another embedder (it cannot embed new text alike), a refit that differs.
Result<std::shared_ptr<LsaEmbedder>> lsaQueryEmbedder(const std::string &modelDir, const Dataset &dataset,
                                                      const EmbeddingSet &embeddings, Progress *progress);

} // namespace embtune::engine
