#include "analysis/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace embtune::engine {
namespace {

// Uniform double in [0, 1) from 53 random bits (platform-independent, unlike the standard
// distributions).
double uniform01(std::mt19937_64 &rng)
{
    return double(rng() >> 11) * 0x1.0p-53;
}

double squaredDistance(ConstMatrixMap x, int64_t row, const Eigen::MatrixXd &centroids, int64_t c)
{
    return (x.row(row).cast<double>() - centroids.row(c)).squaredNorm();
}

} // namespace

std::vector<int32_t> nearestCentroids(ConstMatrixMap x, const Eigen::MatrixXd &centroids)
{
    std::vector<int32_t> out(size_t(x.rows()), 0);
    for (int64_t i = 0; i < x.rows(); ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (int64_t c = 0; c < centroids.rows(); ++c) {
            const double dist = squaredDistance(x, i, centroids, c);
            if (dist < best) {
                best = dist;
                out[size_t(i)] = int32_t(c);
            }
        }
    }
    return out;
}

double kmeansObjective(ConstMatrixMap x, const Eigen::MatrixXd &centroids, const std::vector<int32_t> &assignments)
{
    double total = 0;
    for (int64_t i = 0; i < x.rows(); ++i)
        total += squaredDistance(x, i, centroids, assignments[size_t(i)]);
    return total;
}

Result<KMeansResult> kmeans(ConstMatrixMap x, const KMeansOptions &options, Progress *progress)
{
    const int64_t n = x.rows(), d = x.cols();
    if (options.k < 1 || options.k > n)
        return Error::usage("k-means needs 1 <= k <= rows (k = " + std::to_string(options.k) +
                            ", rows = " + std::to_string(n) + ")");
    for (int64_t i = 0; i < n; ++i)
        if (!x.row(i).allFinite())
            return Error::input("vector " + std::to_string(i + 1) + " has a NaN or Inf value", {}, i + 1);

    // k-means++: the first centroid uniformly, each next one with probability proportional to
    // the squared distance to the nearest chosen centroid.
    std::mt19937_64 rng(options.seed);
    KMeansResult result;
    result.centroids = Eigen::MatrixXd::Zero(options.k, d);
    int64_t first = std::min<int64_t>(n - 1, int64_t(uniform01(rng) * double(n)));
    result.centroids.row(0) = x.row(first).cast<double>();
    std::vector<double> nearest(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        nearest[size_t(i)] = squaredDistance(x, i, result.centroids, 0);
    for (int32_t c = 1; c < options.k; ++c) {
        double total = 0;
        for (double v : nearest)
            total += v;
        int64_t chosen = 0;
        if (total > 0) {
            const double target = uniform01(rng) * total;
            double running = 0;
            chosen = -1;
            for (int64_t i = 0; i < n; ++i) {
                running += nearest[size_t(i)];
                if (nearest[size_t(i)] > 0 && running > target) {
                    chosen = i;
                    break;
                }
            }
            if (chosen < 0) // rounding at the end of the sum: the last row with weight
                for (int64_t i = n - 1; i >= 0 && chosen < 0; --i)
                    if (nearest[size_t(i)] > 0)
                        chosen = i;
        } else {
            chosen = std::min<int64_t>(n - 1, int64_t(uniform01(rng) * double(n)));
        }
        result.centroids.row(c) = x.row(chosen).cast<double>();
        for (int64_t i = 0; i < n; ++i)
            nearest[size_t(i)] = std::min(nearest[size_t(i)], squaredDistance(x, i, result.centroids, c));
    }

    result.assignments = nearestCentroids(x, result.centroids);
    result.objectiveHistory.push_back(kmeansObjective(x, result.centroids, result.assignments));
    for (int32_t iteration = 0; iteration < options.maxIterations; ++iteration) {
        if (progress && !progress->step("k-means", iteration, options.maxIterations))
            return Error::cancelled();
        // Update: each centroid is the mean of its rows (kept when the cluster is empty).
        Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(options.k, d);
        std::vector<int64_t> counts(size_t(options.k), 0);
        for (int64_t i = 0; i < n; ++i) {
            sums.row(result.assignments[size_t(i)]) += x.row(i).cast<double>();
            ++counts[size_t(result.assignments[size_t(i)])];
        }
        for (int32_t c = 0; c < options.k; ++c)
            if (counts[size_t(c)] > 0)
                result.centroids.row(c) = sums.row(c) / double(counts[size_t(c)]);
        // Assign: nearest centroid.
        std::vector<int32_t> next = nearestCentroids(x, result.centroids);
        const bool unchanged = next == result.assignments;
        result.assignments = std::move(next);
        const double before = result.objectiveHistory.back();
        const double after = kmeansObjective(x, result.centroids, result.assignments);
        result.objectiveHistory.push_back(after);
        result.iterations = iteration + 1;
        if (unchanged || before - after <= options.tolerance * before) {
            result.converged = true;
            break;
        }
    }
    result.clusterSizes.assign(size_t(options.k), 0);
    for (int32_t a : result.assignments)
        ++result.clusterSizes[size_t(a)];
    return result;
}

} // namespace embtune::engine
