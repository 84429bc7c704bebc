#pragma once
// The evaluation pipeline shared by the CLI and the GUI: pick a split's judged queries, search
// the documents exactly, score the lists.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/metrics.h"
#include "search/exact_search.h"

#include <string>
#include <vector>

namespace embtune::engine {

struct EvaluationOptions {
    std::string split = "test";
    std::vector<int> ks{1, 3, 5, 10, 100};
    std::vector<Metric> metrics{std::begin(kAllMetrics), std::end(kAllMetrics)};
    Similarity similarity = Similarity::Cosine;
    int threads = 0;
    bool ignoreSameId = false; // leave out a document whose id equals the query id
};

struct EvaluationReport {
    std::string split;
    MetricResults metrics;
    Ranking ranking;              // top max(ks) per evaluated query
    int32_t judgedQueries = 0;    // queries the split judges
    double searchSeconds = 0;
    std::vector<std::string> warnings;
};

// Errors: unknown split (the message lists the known ones), a split with no query that has a
// relevant document, judged queries without a query vector (names the first).
Result<EvaluationReport> evaluateEmbeddings(const Dataset &dataset, const EmbeddingSet &embeddings,
                                            const EvaluationOptions &options, Progress *progress = nullptr);

} // namespace embtune::engine
