#pragma once
// A RunResult as the JSON report the CLI prints (--json) and the workspace stores as a run's
// summary. Method "none" and BM25 runs use the evaluation report:
//   {"dataset", "embeddings", "split", "search", "similarity", ["hnsw", "ann_recall"], "queries",
//    "excluded_no_relevant", "search_seconds", "metrics": {"ndcg@10": ...}, ["per_query"],
//    "warnings", "spec"}
// trained runs the training report:
//   {"method", "parameters", "fit_seconds", "similarity", "split", "queries",
//    "baseline": {...}, "tuned": {...}, ["per_query": {"baseline"|"tuned": {query id: {...}}}],
//    ["hnsw", "ann_recall"], "fit": TunedModel::reportJson() as a string, "warnings", "spec"}
// fused runs (RunBase::Fusion) the fusion report:
//   {"dataset", "split", "queries", "excluded_no_relevant", "fused": {"ndcg@10": ...},
//    "members": [{"name", "weight", "metrics", ["dev_ndcg@10"]}], "weights",
//    "fusion": {"method", "normalize" | "rrf_k", "depth", "chosen_on_dev", ["dev_queries",
//    "dev_ndcg@10", "dev_curve": [{"weights", ["rrf_k"], "ndcg@10"}]]}, ["per_query"], "warnings", "spec"}
// "spec" is the RunSpec (run_spec.h) that reproduces the run.

#include "eval/retrieval_evaluation.h"
#include "run/run_pipeline.h"

#include <string>

namespace embtune::engine {

struct RunReportOptions {
    bool perQuery = false;        // per-query value of every metric@k
    std::string savedIndex;       // where the caller saved the HNSW index, if it did
};

// Pretty-printed, newline-terminated.
std::string runReportJson(const RunResult &result, const RunReportOptions &options = {});

// "metric@k" keys of `options` in report order (metric-major), e.g. "ndcg@10".
std::string metricAtKey(Metric metric, int k);

} // namespace embtune::engine
