#pragma once
// Retrieval metrics with trec_eval conventions (see README "Metrics"):
//   ranking by score descending, ties by document id descending (done by the search);
//   nDCG@k: gain = qrels level (> 0), discount log2(rank + 1), ideal from all judged gains;
//   recall@k = |relevant in top k| / |relevant|; capped recall (BEIR R_cap) divides by
//   min(k, |relevant|); P@k = |relevant in top k| / k; MRR@k = 1 / first relevant rank <= k;
//   MAP@k = sum of precision at each relevant rank <= k, divided by |relevant|.
// Queries with no relevant document (all gains <= 0) are excluded and counted.

#include "data/dataset.h"
#include "search/ranking.h"

#include <map>
#include <string>
#include <vector>

namespace embtune::engine {

enum class Metric { Ndcg, Recall, CappedRecall, Precision, Mrr, Map };

inline constexpr Metric kAllMetrics[] = {Metric::Ndcg, Metric::Recall, Metric::CappedRecall,
                                         Metric::Precision, Metric::Mrr, Metric::Map};

// Display name: "nDCG", "recall", "R_cap", "P", "MRR", "MAP".
const char *metricName(Metric metric);
// Machine key: "ndcg", "recall", "recall_cap", "precision", "mrr", "map".
const char *metricKey(Metric metric);
bool metricFromKey(const std::string &key, Metric &metric);

struct MetricResults {
    std::vector<int32_t> queries;       // evaluated queries (dense indices), in ranking order
    int32_t excludedNoRelevant = 0;     // judged queries skipped: no relevant document
    std::vector<Metric> metrics;
    std::vector<int> ks;
    // perQuery[{metric, k}][i] is the value for queries[i].
    std::map<std::pair<Metric, int>, std::vector<double>> perQuery;

    double mean(Metric metric, int k) const;
    const std::vector<double> &values(Metric metric, int k) const;
    bool has(Metric metric, int k) const { return perQuery.count({metric, k}) != 0; }
};

// Scores the ranked lists of `ranking` against `qrels` for every metric and k. Rankings of
// queries that qrels does not judge, or judges with no relevant document, are skipped (the
// latter counted in excludedNoRelevant). k may exceed ranking.k: missing ranks count as misses.
MetricResults evaluateRanking(const Ranking &ranking, const Qrels &qrels, const std::vector<Metric> &metrics,
                              const std::vector<int> &ks);

// Reference implementation (direct per-query, per-k formulas) for tests.
double metricReference(Metric metric, int k, const std::vector<int32_t> &rankedDocs, const QueryJudgements &judged);

} // namespace embtune::engine
