#pragma once
// Records one evaluation or training run of the engine in a workspace: the dataset and
// embedding set it used, the run (queued -> running -> finished / failed / cancelled), the
// per-query value of every metric@k of its evaluation, and its artifacts. Used by
// `embtune-cli evaluate|train --workspace DIR`; holds the workspace (and its lock) open.

#include "workspace.h"

#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"
#include "run/run_pipeline.h"
#include "synth/synthetic_set.h"

#include <string>

namespace embtune::app {

// The workspace record of `dataset`: its path, name, datasetHash and counts.
DatasetRecord datasetRecordOf(const engine::Dataset &dataset);

// The record of generated query set `set` named `name` for dataset record `datasetId`:
// paramsJson = {"parameters": generator parameters (JSON text), "seed": decimal text,
// "dataset_hash": texts hash, "documents_sampled", "documents_with_queries", "queries"}; the
// folder is left for Workspace::storeQuerySet.
QuerySetRecord querySetRecordOf(const engine::SyntheticSet &set, int64_t datasetId, const std::string &name);

struct RunDescription {
    std::string methodId;         // "none" (the vectors as they are), "bm25" or a method id
    std::string paramsJson = "{}";
    int64_t seed = 0;
    std::string codeVersion;
    std::string searchJson = "{}";
    std::string specJson;         // runSpecToJson of the run's spec; empty: none
};

// The description of a run of `spec`: method ("none", "bm25" or the method id), its parameters
// (every parameter of the method's schema; for evaluations split, k and ignore_same_id), seed,
// search settings and the spec itself.
RunDescription runDescriptionOf(const engine::RunSpec &spec, const std::string &codeVersion);

class RunRecorder {
public:
    // Opens the workspace at `folder`, creating it when the folder is absent or empty.
    static engine::Result<RunRecorder> open(const std::string &folder);

    // Records the dataset and the embedding set (nullptr: none, e.g. BM25; the vectors are not
    // copied, their folder is in the provenance) and creates the run as 'running'.
    engine::Status begin(const engine::Dataset &dataset, const engine::EmbeddingSet *embeddings,
                         const RunDescription &description);
    // Stores the per-query values of every metric and k of `options` from `report` (query ids
    // of the dataset), then marks the run finished with `summaryJson` and `trainSeconds`.
    engine::Status finish(const engine::Dataset &dataset, const engine::EvaluationOptions &options,
                          const engine::EvaluationReport &report, const std::string &summaryJson,
                          double trainSeconds);
    // finish() with the run's evaluation and, for trained runs, the tuned document vectors and
    // their ids stored as artifacts "tuned_documents" and "document_ids".
    engine::Status finish(const engine::RunResult &result, const std::string &summaryJson);
    // Marks the run cancelled (error code Cancelled) or failed with the error's message.
    // Does nothing before begin(). Returns a problem of the workspace itself, if any.
    engine::Status fail(const engine::Error &error);

    int64_t runId() const { return m_runId; }
    Workspace &workspace() { return m_workspace; }

private:
    explicit RunRecorder(Workspace workspace) : m_workspace(std::move(workspace)) {}

    Workspace m_workspace;
    int64_t m_runId = 0;
};

} // namespace embtune::app
