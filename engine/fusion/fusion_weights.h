#pragma once
// Choosing a fusion's weights (and RRF's k) on dev queries (docs/methods.md "Fusion"): the dev
// metric (nDCG@10 by default) of the fused lists of the dev queries is maximised over
//   - up to 3 members: a grid over the simplex, step 0.05 (21 points for 2, 231 for 3), whose
//     vertices are the members alone;
//   - more members: coordinate ascent from the best vertex: each round, for each member, the
//     weight t in {0, 0.05, ..., 1} with the others scaled to 1 - t, kept when strictly better;
//     until a round improves nothing (at most 20 rounds).
// RRF with k "auto" repeats this for k in kRrfKGrid. Ties: the first point in grid order (weights
// of earlier members descending, then k ascending) wins. Because every member alone is a grid
// point, the chosen fusion is never worse on dev than its best member fused alone.

#include "data/dataset.h"
#include "eval/metrics.h"
#include "fusion/score_fusion.h"

#include <vector>

namespace embtune::engine {

inline constexpr double kFusionWeightStep = 0.05;
inline constexpr double kRrfKGrid[] = {10, 20, 40, 60, 100};

struct FusionDevPoint {
    std::vector<double> weights;
    double rrfK = 0;
    double score = 0; // dev metric of the fused lists
};

struct FusionChoice {
    std::vector<double> weights;          // sum 1
    double rrfK = 0;                      // rrf only
    double devScore = 0;
    std::vector<double> memberDevScores;  // each member alone (its vertex)
    std::vector<FusionDevPoint> curve;    // every point tried, in grid order
};

// The dev metric of fusing `members` (dev queries' lists) with `weights`: mean `metric`@`k` over
// the dev queries with a relevant document in `devQrels`.
double fusionDevScore(const std::vector<FusionMember> &members, const std::vector<double> &weights,
                      const FusionOptions &options, const std::vector<int32_t> &tiePriority, const Qrels &devQrels,
                      Metric metric = Metric::Ndcg, int k = 10);

// Chooses as above. options.rrfK <= 0 with rrf: k chosen from kRrfKGrid, else fixed.
FusionChoice chooseFusionWeights(const std::vector<FusionMember> &members, const FusionOptions &options,
                                 const std::vector<int32_t> &tiePriority, const Qrels &devQrels,
                                 Metric metric = Metric::Ndcg, int k = 10);

} // namespace embtune::engine
