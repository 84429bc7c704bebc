#pragma once
// Out-of-distribution check (NUDGE protocol, METHODS.md "Analysis"): k-means with k = 2 and a
// fixed seed on the train query vectors (rows scaled to unit length first, so clusters follow
// cosine geometry); the method is tuned on cluster 0's train queries and on the dev queries
// whose nearest centroid is cluster 0; the test queries are assigned to their nearest centroid
// and the baseline and the tuned run are scored in cluster 0 (in-distribution) and cluster 1
// (out-of-distribution). Cluster labels are those k-means returns (cluster 0 grows from the
// first k-means++ draw); the cluster sizes are reported.
// Works for every registered Method (it calls Method::fit like `embtune-cli train`).

#include "analysis/kmeans.h"
#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/metrics.h"
#include "methods/method.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct OodOptions {
    std::string split = "test";
    std::vector<int> ks{10, 100};
    std::vector<Metric> metrics{Metric::Ndcg, Metric::Recall};
    KMeansOptions kmeans;                       // k is forced to 2
    int threads = 0;
    uint64_t methodSeed = 0;                    // TrainingData::seed
    std::vector<const EmbeddingSet *> experts;  // TrainingData::experts (soft-label)
};

struct OodReport {
    std::string method;                          // method id
    std::array<int32_t, 2> trainQueries{};       // train queries with a vector per cluster
    std::array<int32_t, 2> devQueries{};         // dev queries with a vector per nearest cluster
    std::vector<double> objectiveHistory;        // k-means objective per iteration
    double fitSeconds = 0;
    std::string fitReport;                       // the tuned model's reportJson()
    // Per-query figures of the whole split: baseline.queries == tuned.queries; testCluster[i]
    // is the cluster (0 or 1) of baseline.queries[i].
    MetricResults baseline, tuned;
    std::vector<int32_t> testCluster;

    int32_t testQueries(int cluster) const;
    // Mean of `metric`@k over the test queries of `cluster` (0 when the cluster has none).
    double mean(const MetricResults &run, int cluster, Metric metric, int k) const;
    // Per-query values of `cluster`, in the order of baseline.queries.
    std::vector<double> values(const MetricResults &run, int cluster, Metric metric, int k) const;
};

// trainQueries / devQueries: dense query indices (as TrainingData). Queries without a vector
// are left out of clustering, tuning and evaluation.
// Errors: fewer than 2 train queries with a vector, no judged train query in cluster 0, the
// split's errors (see evaluateEmbeddings), the method's errors; Cancelled via progress.
Result<OodReport> oodReport(const Dataset &dataset, const EmbeddingSet &embeddings, const Method &method,
                            const ParamValues &params, const std::vector<int32_t> &trainQueries,
                            const std::vector<int32_t> &devQueries, const OodOptions &options,
                            Progress *progress = nullptr);

} // namespace embtune::engine
