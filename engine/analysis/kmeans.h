#pragma once
// k-means (Lloyd) with k-means++ seeding and a fixed seed: the same input, options and seed give
// the same clusters on every run and thread count. Squared Euclidean distance on the rows as
// given, accumulated in double. Ties between centroids go to the lower cluster index.

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace embtune::engine {

struct KMeansOptions {
    int32_t k = 2;
    int32_t maxIterations = 100;
    // Stop when an iteration lowers the objective by less than tolerance * objective (or leaves
    // every assignment unchanged).
    double tolerance = 1e-6;
    uint64_t seed = 0;
};

struct KMeansResult {
    Eigen::MatrixXd centroids;           // k x dim
    std::vector<int32_t> assignments;    // per row: its cluster 0..k-1 (the nearest centroid)
    std::vector<int64_t> clusterSizes;   // k
    // Sum of squared distances of the rows to their centroids: after seeding, then after each
    // Lloyd iteration (non-increasing).
    std::vector<double> objectiveHistory;
    int32_t iterations = 0;
    bool converged = false;
};

// x: n x dim. A cluster that loses all its rows keeps its previous centroid.
// Errors: k < 1 or k > n (Usage), NaN/Inf values (Input, names the row); Cancelled when
// progress asks to stop (checked once per iteration).
Result<KMeansResult> kmeans(ConstMatrixMap x, const KMeansOptions &options, Progress *progress = nullptr);

// Index of the nearest centroid (k x dim) for each row of x (n x dim); ties -> lower index.
std::vector<int32_t> nearestCentroids(ConstMatrixMap x, const Eigen::MatrixXd &centroids);

// Sum over rows of the squared distance to centroid assignments[i].
double kmeansObjective(ConstMatrixMap x, const Eigen::MatrixXd &centroids, const std::vector<int32_t> &assignments);

} // namespace embtune::engine
