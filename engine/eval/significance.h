#pragma once
// Significance of the difference between two runs over the same queries, from per-query values
// of any metric (METHODS.md "Analysis"). Differences are d_i = b_i - a_i (run B minus run A).
//   Paired randomisation test: each permutation flips the sign of every d_i independently with
//   probability 1/2; the statistic is |mean d|. Two-sided p = (count + 1) / (permutations + 1),
//   count = permutations whose |mean| >= the observed |mean| (with a relative slack of 1e-12 for
//   rounding). The +1 counts the observed assignment itself, so p is never 0; identical runs
//   (every d_i = 0) give exactly 1.0.
//   Bootstrap interval: resample the n queries with replacement `bootstrapResamples` times; the
//   interval is the (1 - confidence)/2 and (1 + confidence)/2 percentiles of the resampled mean
//   differences (linear interpolation between order statistics).
// Both draw from a seeded std::mt19937_64: the same inputs and seed give the same figures.

#include "core/error.h"

#include <cstdint>
#include <vector>

namespace embtune::engine {

struct SignificanceOptions {
    int64_t permutations = 10000;
    int64_t bootstrapResamples = 10000;
    double confidence = 0.95;
    uint64_t seed = 0;
};

struct SignificanceResult {
    int64_t queries = 0;
    double meanA = 0, meanB = 0;
    double meanDifference = 0;        // mean of b_i - a_i
    double pValue = 1;                // two-sided randomisation test
    double intervalLow = 0, intervalHigh = 0; // bootstrap percentile interval of the mean difference
    int64_t bWins = 0, aWins = 0, ties = 0;   // queries with b_i > a_i, b_i < a_i, equal
    SignificanceOptions options;
};

// a, b: per-query values of the same queries in the same order.
// Errors (Usage): sizes differ, no queries, permutations or resamples < 1, confidence not in
// (0, 1); (Input): a NaN/Inf value (names the query position, 1-based).
Result<SignificanceResult> pairedSignificance(const std::vector<double> &a, const std::vector<double> &b,
                                              const SignificanceOptions &options = {});

} // namespace embtune::engine
