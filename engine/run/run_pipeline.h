#pragma once
// The one run pipeline (DESIGN.md "Runs"): how a run is fitted, selected, searched and
// evaluated is decided here and nowhere else. The CLI (evaluate, train, analyze, run), the GUI
// jobs and the workspace recorders call runPipeline and present its RunResult.
//
//   method "none":  the base (embedding set, fitted LSA or BM25) searched with the spec's backend
//                   and similarity, evaluated on the split.
//   base "run":     RunSpec::baseRun runs first; its final vectors (tuned documents and dataset
//                   queries) are this run's base set, as an embedding set would be.
//   trained method: training data = labelled train queries (+ generated queries appended to a
//                   copy of the dataset, embedded with the query embedder; those not held out),
//                   dev = the labelled dev list or the held-out generated queries; Method::fit
//                   (which chooses its epoch / gamma on dev); baseline = the base set searched
//                   exactly with the spec's similarity; run = the tuned documents and the tuned
//                   dataset queries searched with the spec's backend and the model's similarity.
// Both evaluations are on the base dataset's split. Cancel (Progress) returns Cancelled and no
// partial result.

#include "core/error.h"
#include "core/progress.h"
#include "eval/retrieval_evaluation.h"
#include "fusion/fusion_weights.h"
#include "search/bm25.h"
#include "methods/method.h"
#include "run/run_inputs.h"
#include "run/run_spec.h"
#include "search/hnsw_index.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace embtune::engine {

// What an HNSW search measured beside the metrics.
struct HnswRunRecord {
    HnswParameters parameters;                     // of the index searched (loaded or built)
    std::string loadedFrom;                        // RunSpec::hnswIndex, empty when built
    double indexSeconds = 0;                       // build or load
    int64_t indexBytes = 0;
    double exactSeconds = 0;                       // the exact search run for the ANN recall
    std::vector<std::pair<int, double>> annRecall; // (k, recall@k of the HNSW lists against exact), k ascending
    std::shared_ptr<HnswIndex> index;              // for saving; HnswIndex::save serialises itself

    double annRecallAt(int k) const; // -1 when not measured
};

// How the method was fitted (trained runs only).
struct FitRecord {
    std::map<std::string, std::string> params;   // every parameter, defaults included
    std::string reportJson;                      // TunedModel::reportJson(): chosen epoch/gamma, dev and loss curves
    Similarity similarity = Similarity::Cosine;  // the model's
    double fitSeconds = 0;
    int64_t trainQueries = 0, devQueries = 0;    // given to the method (generated ones included)
    int64_t generatedTrain = 0, generatedDev = 0;
    std::string generator;                       // of the generated set, empty when none
};

struct RunResult;

// How a fused run's members were combined (RunBase::Fusion).
struct FusionRecord {
    std::vector<std::string> memberNames;               // unique, in spec order ("bm25", "lsa256+linear", ...)
    std::vector<std::shared_ptr<const RunResult>> members; // each member's own run (its evaluation on the split)
    FusionChoice choice;        // the weights and RRF k used (given or chosen), dev scores and curve
    bool chosenOnDev = false;   // false: the spec's weights and k, and no dev curve
    int64_t devQueries = 0;     // dev queries with a relevant document (0 when not chosen on dev)
};

struct RunResult {
    RunSpec spec;
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const EmbeddingSet> embeddings;  // the base set (null for BM25)
    std::optional<EvaluationReport> baseline;        // trained runs: the base set on the same split
    EvaluationReport evaluation;                     // the run: the base (method "none") or the tuned vectors
    std::optional<FitRecord> fit;                    // trained runs
    std::shared_ptr<const EmbeddingSet> tuned;       // trained runs: tuned documents + dataset queries
    std::shared_ptr<const TunedModel> model;         // trained runs: the fitted model (adapter export)
    std::optional<HnswRunRecord> hnsw;               // RunSearch::Hnsw
    std::shared_ptr<const Bm25Index> bm25;           // RunBase::Bm25: the index searched
    std::optional<FusionRecord> fusion;              // RunBase::Fusion
    std::shared_ptr<const RunResult> baseRun;        // RunBase::Run: the run whose final vectors were the base
    // The inputs', the left-out zero-vector training and dev queries', then the baseline's and
    // the run's evaluation warnings (each text once).
    std::vector<std::string> warnings;
    double seconds = 0;                              // the whole pipeline, wall

    // The similarity the run's evaluation searched with.
    Similarity similarity() const { return fit ? fit->similarity : spec.similarity; }
};

// Runs `spec` on `inputs` (loadRunInputs fills them; what is missing is loaded here).
// RunBase::Fusion runs each member first (run_fusion.h).
Result<RunResult> runPipeline(const RunSpec &spec, RunInputs inputs, Progress *progress);

// The top-k lists of `queries` (dense query indices of run.dataset) as the run ranks them: its
// BM25 index, its final vectors (tuned, or the base set) searched exactly or with its HNSW index,
// or its members fused. excludeDoc as in exactSearch. Errors: a query without a vector.
Result<Ranking> rankWithRun(const RunResult &run, const std::vector<int32_t> &queries, int32_t k,
                            const std::vector<int32_t> &excludeDoc, Progress *progress);

// BM25 run `run` with k1 and b replaced (its index's postings shared): evaluated on its split when
// `evaluate`, else ranking only (rankWithRun). Errors: not a BM25 run; Cancelled.
Result<RunResult> bm25RunWith(const RunResult &run, double k1, double b, bool evaluate, Progress *progress);

// The tuned set's provenance parameters: {"base_embedder", "base_parameters", "method",
// "method_parameters", "fit"} as a JSON object text.
std::string tunedProvenanceParameters(const Provenance &base, const std::string &methodId,
                                      const std::map<std::string, std::string> &params, const std::string &reportJson);

} // namespace embtune::engine
