#pragma once
// The evaluation pipeline shared by the CLI and the GUI: pick a split's judged queries, search
// the documents exactly, score the lists.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/metrics.h"
#include "search/exact_search.h"

#include <functional>
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

// Produces the top-k lists of the given dataset queries; excludeDoc is empty or one document
// per query to leave out (see EvaluationOptions::ignoreSameId).
using RankingSource = std::function<Result<Ranking>(const std::vector<int32_t> &queries, int32_t k,
                                                    const std::vector<int32_t> &excludeDoc, Progress *progress)>;

// Which judged queries a ranking source can answer (e.g. those with a query vector); the
// strings name what is missing and where, for the error message.
struct QueryAvailability {
    std::function<bool(int32_t query)> isAvailable; // empty: all queries
    std::string missingWhat;                        // e.g. "have no query vector"
    std::string file;                               // e.g. the embeddings folder
};

// The pipeline for any search backend: choose the split's judged queries with a relevant
// document, rank them with `source`, score the lists.
// Errors: unknown split (the message lists the known ones), a split with no query that has a
// relevant document, judged queries the source cannot answer (names the first).
Result<EvaluationReport> evaluateRankings(const Dataset &dataset, const RankingSource &source,
                                          const EvaluationOptions &options, Progress *progress = nullptr,
                                          const QueryAvailability &available = {});

// Exact search over an embedding set. Adds the zero-vector warnings below to the report.
// Errors: unknown split (the message lists the known ones), a split with no query that has a
// relevant document, judged queries without a query vector (names the first).
Result<EvaluationReport> evaluateEmbeddings(const Dataset &dataset, const EmbeddingSet &embeddings,
                                            const EvaluationOptions &options, Progress *progress = nullptr);

// "a, b, c, d, e and 7 more": the ids of the first `shown` of `indices` in `table`, quoted.
std::string idSample(const IdTable &table, const std::vector<int32_t> &indices, size_t shown = 5);

// Warnings for zero vectors among the queries `report` evaluated and among the documents of
// `set` (a zero vector has no cosine: embtune scores it 0 against everything, so a zero query's
// list is the documents in tie order, and a zero document ties at 0 with every query); each
// gives the count, the set and the first ids. Nothing is added when there are none.
void addZeroVectorWarnings(EvaluationReport &report, const Dataset &dataset, const EmbeddingSet &set);

} // namespace embtune::engine
