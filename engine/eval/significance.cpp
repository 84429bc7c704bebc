#include "eval/significance.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace embtune::engine {

Result<SignificanceResult> pairedSignificance(const std::vector<double> &a, const std::vector<double> &b,
                                              const SignificanceOptions &options)
{
    if (a.size() != b.size())
        return Error::usage("the runs have different numbers of queries (" + std::to_string(a.size()) + " and " +
                            std::to_string(b.size()) + ")");
    if (a.empty())
        return Error::usage("no queries to compare");
    if (options.permutations < 1 || options.bootstrapResamples < 1)
        return Error::usage("permutations and bootstrap resamples must be positive");
    if (!(options.confidence > 0 && options.confidence < 1))
        return Error::usage("the confidence level must lie strictly between 0 and 1");
    const size_t n = a.size();
    std::vector<double> diff(n);
    SignificanceResult result;
    result.options = options;
    result.queries = int64_t(n);
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i]))
            return Error::input("per-query value " + std::to_string(i + 1) + " is NaN or Inf", {}, int64_t(i + 1));
        diff[i] = b[i] - a[i];
        result.meanA += a[i];
        result.meanB += b[i];
        if (b[i] > a[i])
            ++result.bWins;
        else if (b[i] < a[i])
            ++result.aWins;
        else
            ++result.ties;
    }
    result.meanA /= double(n);
    result.meanB /= double(n);
    double sum = 0, absSum = 0;
    for (double d : diff) {
        sum += d;
        absSum += std::abs(d);
    }
    result.meanDifference = sum / double(n);

    std::mt19937_64 rng(options.seed);
    // Compare sums rather than means; the slack absorbs the different summation orders.
    const double observed = std::abs(sum) - 1e-12 * absSum;
    int64_t atLeast = 0;
    for (int64_t p = 0; p < options.permutations; ++p) {
        double permuted = 0;
        uint64_t bits = 0;
        for (size_t i = 0; i < n; ++i) {
            if (i % 64 == 0)
                bits = rng();
            permuted += (bits & 1) ? -diff[i] : diff[i];
            bits >>= 1;
        }
        if (std::abs(permuted) >= observed)
            ++atLeast;
    }
    result.pValue = double(atLeast + 1) / double(options.permutations + 1);

    std::vector<double> means(size_t(options.bootstrapResamples));
    for (auto &mean : means) {
        double s = 0;
        for (size_t i = 0; i < n; ++i)
            s += diff[size_t(rng() % n)];
        mean = s / double(n);
    }
    std::sort(means.begin(), means.end());
    const auto percentile = [&](double q) {
        const double position = q * double(means.size() - 1);
        const auto lower = size_t(std::floor(position));
        const size_t upper = std::min(lower + 1, means.size() - 1);
        return means[lower] + (position - double(lower)) * (means[upper] - means[lower]);
    };
    result.intervalLow = percentile((1 - options.confidence) / 2);
    result.intervalHigh = percentile((1 + options.confidence) / 2);
    return result;
}

} // namespace embtune::engine
