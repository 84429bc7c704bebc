#pragma once
// Fusion of ranked lists (docs/methods.md "Fusion"): the lists of two or more member runs for the
// same queries become one list per query. Every member contributes its top `depth` documents of
// each query; the candidates are their union.
//
//   convex   fused(d) = sum_i w_i * n_i(d)        n_i: member i's normalised score of d, or its
//                                                 floor when d is not in its list
//   combsum  fused(d) = sum_{i: d in list i} w_i * n_i(d)
//   combmnz  fused(d) = combsum(d) * |{i: d in list i}|
//   rrf      fused(d) = sum_{i: d in list i} w_i / (rrfK + rank_i(d))      rank from 1
//
// Normalisations of one member's list for one query (scores s_1 >= ... >= s_n, n <= depth):
//   minmax   (s - s_n) / (s_1 - s_n)                        floor 0
//   zscore   (s - mean) / std   (population std of the list) floor (s_n - mean) / std
//   rank     1 - (rank - 1) / depth                          floor 0 (rank depth + 1)
//   tmm      (s - m) / (s_1 - m), m the member's theoretical minimum (cosine -1, BM25 0; a
//            scoring without one, e.g. dot product, uses s_n: minmax)   floor (s_n - m) / (s_1 - m)
// A list whose scores are all equal (or empty) carries no order: every n_i and the floor are 0.
// The fused score is rounded to float, then documents are ordered by it descending and ties by
// the tie priority (ranking.h: document id descending, as trec_eval), so a TREC file of the fused
// run sorts the same way in trec_eval.

#include "search/ranking.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace embtune::engine {

enum class FusionMethod { Convex, Rrf, CombSum, CombMnz };
enum class ScoreNormalization { ZScore, MinMax, Rank, TheoreticalMinMax };

const char *fusionMethodName(FusionMethod method);          // "convex", "rrf", "combsum", "combmnz"
bool fusionMethodFromName(const std::string &name, FusionMethod &method);
const char *scoreNormalizationName(ScoreNormalization n);    // "zscore", "minmax", "rank", "tmm"
bool scoreNormalizationFromName(const std::string &name, ScoreNormalization &n);

struct FusionOptions {
    FusionMethod method = FusionMethod::Convex;
    ScoreNormalization normalization = ScoreNormalization::ZScore; // not used by rrf
    int32_t depth = 100;   // documents taken from each member's list
    double rrfK = 60;      // rrf only, > 0
    bool operator==(const FusionOptions &) const = default;
};

// One member's lists. Rows are queries; every member of one fusion has the same queries in the
// same row order. theoreticalMin: the lower bound of the member's scores (tmm), NaN when none.
struct FusionMember {
    const Ranking *ranking = nullptr;
    double theoreticalMin = std::numeric_limits<double>::quiet_NaN();
};

// The normalised scores of one list (scores[0..count), descending) and its floor, as above.
struct NormalizedList {
    std::vector<double> values;
    double floor = 0;
};
NormalizedList normalizeList(const float *scores, int32_t count, ScoreNormalization normalization, int32_t depth,
                             double theoreticalMin);

// The part of a fusion that does not depend on the weights: per query, the candidates (every
// member's list, depth documents each), which members list each, and each member's term for it
// (its normalised score, its floor, or 1 / (rrfK + rank)). At most 32 members.
struct PreparedFusion {
    size_t members = 0;
    FusionOptions options;
    std::vector<int32_t> queries;    // rows, member 0's
    std::vector<size_t> offsets;     // the candidates of row r: [offsets[r], offsets[r + 1])
    std::vector<int32_t> docs;       // candidate documents, ascending within a row
    std::vector<uint32_t> listedBy;  // bit i: member i lists the document
    std::vector<double> terms;       // candidates x members, row-major
};
PreparedFusion prepareFusion(const std::vector<FusionMember> &members, const FusionOptions &options);

// The top `k` per query of a prepared fusion with `weights` (fuseRankings below is
// prepareFusion + this; choosing weights on dev prepares once and tries many).
Ranking fusePrepared(const PreparedFusion &prepared, const std::vector<double> &weights,
                     const std::vector<int32_t> &tiePriority, int32_t k);

// Fuses the members' lists into the top `k` per query. weights: one per member, >= 0 (scale is
// irrelevant to the order); a member of weight 0 is left out (no candidates, no floor), so
// weights with one non-zero entry give that member's own order. Rows follow member 0's queries. Members whose lists are shorter
// than depth contribute what they have (-1 pads end a list).
Ranking fuseRankings(const std::vector<FusionMember> &members, const std::vector<double> &weights,
                     const FusionOptions &options, const std::vector<int32_t> &tiePriority, int32_t k);

} // namespace embtune::engine
