#pragma once
// Fused runs (RunBase::Fusion; docs/methods.md "Fusion"), the part of the run pipeline that
// runPipeline calls for them:
//   1. each member spec runs through runPipeline on the fusion's dataset, split, k and metrics
//      (members that name the same embedding folder share its vectors), unless the caller gave
//      the member runs (RunInputs::members);
//   2. with weights (or RRF k) left open, every member ranks the dev queries (depth documents
//      each) and chooseFusionWeights picks them on the dev judgements;
//   3. the split's queries are ranked by every member and fused with those weights
//      (evaluateRankings), so the fused run is evaluated exactly like any other run.
// The dev queries never include the evaluated split's answers: they are the spec's dev list.

#include "core/error.h"
#include "core/progress.h"
#include "run/run_inputs.h"
#include "run/run_pipeline.h"

#include <string>
#include <vector>

namespace embtune::engine {

// Fills result.evaluation and result.fusion for a fused spec (inputs: the dataset and query lists).
Status runFusion(const RunSpec &spec, const RunInputs &inputs, RunResult &result, Progress *progress);

// Step 2 alone: record.members (their runs) fused on `devQueries` as spec.fusion leaves open
// (weights, RRF k): record.choice with its dev curve, chosenOnDev and devQueries set. The GUI
// shows the curve before fusing. A warning is appended when dev queries are judged in spec.split.
// Errors: no dev query with a relevant document; Cancelled.
Status chooseFusionOnDev(const RunSpec &spec, const Dataset &dataset, const std::vector<int32_t> &devQueries,
                         FusionRecord &record, std::vector<std::string> &warnings, Progress *progress);

// rankWithRun for a fused run: its members' lists (depth each) fused with its chosen weights.
Result<Ranking> rankFused(const RunResult &run, const std::vector<int32_t> &queries, int32_t k,
                          const std::vector<int32_t> &excludeDoc, Progress *progress);

// What each member gave one document of a fused list (the query explorer shows it per member).
struct FusionContribution {
    int32_t rank = 0;      // in the member's list, from 1; 0: not in its top depth
    double value = 0;      // the member's term before weighting: its normalised score (its floor
                           // when not listed; 0 for combsum/combmnz), or 1 / (k + rank) for rrf
};

// For `query` (a dense query index), each document of `docs` x each member, in member order.
// The fused score of a document is sum_i weight_i * value_i (times the members listing it, for
// combmnz).
Result<std::vector<std::vector<FusionContribution>>> fusionBreakdown(const RunResult &fused, int32_t query,
                                                                     const std::vector<int32_t> &docs,
                                                                     Progress *progress = nullptr);

// The lowest score a run's scoring can give (tmm): 0 for BM25, -1 for cosine, NaN for dot product
// (unbounded) and for fused runs.
double theoreticalMinimumOf(const RunResult &run);

// A short name of a run: "bm25", the embedding set's name, "SET+METHOD" for tuned runs, "fusion".
std::string runDisplayName(const RunResult &run);

} // namespace embtune::engine
