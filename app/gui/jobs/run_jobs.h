#pragma once
// The window's runs as worker jobs: evaluate a set (exact or HNSW search), evaluate BM25, train a
// method. Each is engine::runPipeline (engine/run/run_pipeline.h), the function the CLI's
// evaluate, train and run commands call, on a RunSpec the window fills; the window passes what
// it already holds in memory (dataset, loaded sets, a generated set, a remote query embedder) as
// RunInputs and the engine reads the rest from the spec's paths. The results below only
// re-present the RunResult for the window. Threads and cancellation as in engine_jobs.h.

#include "jobs/engine_jobs.h"
#include "jobs/remote_jobs.h"
#include "run/run_inputs.h"
#include "run/run_fusion.h"
#include "run/run_pipeline.h"
#include "run/run_spec.h"

#include <QFuture>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace embtune::gui {

class JobProgress;

// A run to make: the spec (stored in the workspace; `embtune-cli run` reproduces it from the
// paths it names) and what the window already has of its inputs.
struct RunRequest {
    engine::RunSpec spec;
    std::shared_ptr<const engine::Dataset> dataset;          // spec.dataset, opened
    EmbeddingsSource source;                                 // spec.embeddings (unused for BM25)
    std::vector<EmbeddingsSource> experts;                   // spec.experts, in order
    std::shared_ptr<const engine::SyntheticSet> generated;   // spec.generatedQueries, read; null: read from the path
    engine::QueryEmbedderFactory queryEmbedder;              // generated queries; null: the spec's (the set's LSA)
};

// The index settings of the Evaluate dialog.
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

// A run of method "none": the base set (or BM25) as it is.
struct EvaluatedRun {
    engine::RunSpec spec;
    engine::EvaluationReport report;
    std::shared_ptr<const engine::EmbeddingSet> embeddings; // the set evaluated (null for BM25)
    std::shared_ptr<const HnswEvaluation> hnsw;             // set when searched with HNSW
    std::shared_ptr<const engine::RunResult> run;           // the engine's run (fusion ranks with it)
};

// A trained run.
struct TrainedRun {
    engine::RunSpec spec;
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
    std::shared_ptr<const engine::RunResult> run;           // the engine's run (fusion ranks with it)
};

// A fused run of runs the window holds.
struct FusedRun {
    std::shared_ptr<const engine::RunResult> run;
};

// The dev curve of a fusion before it is made (the Fuse Runs dialog).
struct FusionDevCurve {
    engine::FusionChoice choice; // weights (and RRF k) chosen on dev, each member's dev score, the curve
    qint64 devQueries = 0;       // dev queries with a relevant document
    QString error;               // set when the curve could not be made
};

using EvaluationJobResult = JobResult<EvaluatedRun>;
using TrainJobResult = JobResult<TrainedRun>;

// request.spec must be of method "none" (any base, exact or HNSW search).
QFuture<EvaluationJobResult> evaluateAsync(RunRequest request, JobProgress *progress);

// request.spec must name a method.
QFuture<TrainJobResult> trainAsync(RunRequest request, JobProgress *progress);

// engine::runPipeline of fusion spec `spec` on runs the window holds: members[i] is the run of
// spec.members[i] (RunInputs::members).
using FusionJobResult = JobResult<FusedRun>;
QFuture<FusionJobResult> fuseAsync(engine::RunSpec spec, std::vector<std::shared_ptr<const engine::RunResult>> members,
                                   JobProgress *progress);

// engine::chooseFusionOnDev of `members` under spec.fusion (weights left open), on the dev list
// spec.devQueries: a side job (no progress, not cancelled; a few hundred milliseconds).
QFuture<FusionDevCurve> fusionDevCurveAsync(engine::RunSpec spec,
                                            std::vector<std::shared_ptr<const engine::RunResult>> members);

// The query embedder of a set computed by an OpenAI-compatible service: the key is loaded and
// the embedder built on the worker thread that runs the pipeline.
engine::QueryEmbedderFactory remoteQueryEmbedder(RemoteRequest remote);

} // namespace embtune::gui
