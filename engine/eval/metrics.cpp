#include "eval/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

namespace embtune::engine {

const char *metricName(Metric metric)
{
    switch (metric) {
    case Metric::Ndcg: return "nDCG";
    case Metric::Recall: return "recall";
    case Metric::CappedRecall: return "R_cap";
    case Metric::Precision: return "P";
    case Metric::Mrr: return "MRR";
    case Metric::Map: return "MAP";
    }
    return "?";
}

const char *metricKey(Metric metric)
{
    switch (metric) {
    case Metric::Ndcg: return "ndcg";
    case Metric::Recall: return "recall";
    case Metric::CappedRecall: return "recall_cap";
    case Metric::Precision: return "precision";
    case Metric::Mrr: return "mrr";
    case Metric::Map: return "map";
    }
    return "?";
}

bool metricFromKey(const std::string &key, Metric &metric)
{
    for (Metric m : kAllMetrics)
        if (key == metricKey(m) || key == metricName(m)) {
            metric = m;
            return true;
        }
    return false;
}

double MetricResults::mean(Metric metric, int k) const
{
    const auto &v = values(metric, k);
    if (v.empty())
        return 0.0;
    double sum = 0;
    for (double x : v)
        sum += x;
    return sum / double(v.size());
}

const std::vector<double> &MetricResults::values(Metric metric, int k) const
{
    const auto it = perQuery.find({metric, k});
    if (it == perQuery.end())
        throw std::out_of_range("metric not computed");
    return it->second;
}

MetricResults evaluateRanking(const Ranking &ranking, const Qrels &qrels, const std::vector<Metric> &metrics,
                              const std::vector<int> &ks)
{
    MetricResults results;
    results.metrics = metrics;
    results.ks = ks;
    for (Metric m : metrics)
        for (int k : ks)
            results.perQuery[{m, k}];
    const int maxK = ks.empty() ? 0 : *std::max_element(ks.begin(), ks.end());

    // Cumulative values at each rank 1..maxK, filled once per query.
    std::vector<double> dcg(size_t(maxK) + 1), idcg(size_t(maxK) + 1), precisionSum(size_t(maxK) + 1);
    std::vector<int> hits(size_t(maxK) + 1);
    std::vector<int32_t> gains;

    for (size_t row = 0; row < ranking.size(); ++row) {
        const QueryJudgements *judged = qrels.find(ranking.queries[row]);
        if (!judged)
            continue;
        const int relevant = judged->relevantCount();
        if (relevant == 0) {
            ++results.excludedNoRelevant;
            continue;
        }
        results.queries.push_back(ranking.queries[row]);

        gains.clear();
        for (const Judgement &j : judged->judged)
            if (j.gain > 0)
                gains.push_back(j.gain);
        std::sort(gains.begin(), gains.end(), std::greater<>());

        const int32_t *docs = ranking.docsOf(row);
        int firstHit = 0;
        for (int r = 1; r <= maxK; ++r) {
            const int32_t doc = r <= ranking.k ? docs[r - 1] : -1;
            const int32_t gain = doc >= 0 ? judged->gainOf(doc) : 0;
            const double discount = 1.0 / std::log2(double(r) + 1.0);
            const bool hit = gain > 0;
            dcg[size_t(r)] = dcg[size_t(r) - 1] + (hit ? gain * discount : 0.0);
            idcg[size_t(r)] = idcg[size_t(r) - 1] + (size_t(r) <= gains.size() ? gains[size_t(r) - 1] * discount : 0.0);
            hits[size_t(r)] = hits[size_t(r) - 1] + hit;
            precisionSum[size_t(r)] = precisionSum[size_t(r) - 1] + (hit ? double(hits[size_t(r)]) / r : 0.0);
            if (hit && firstHit == 0)
                firstHit = r;
        }
        for (Metric m : metrics) {
            for (int k : ks) {
                double value = 0;
                switch (m) {
                case Metric::Ndcg: value = idcg[size_t(k)] > 0 ? dcg[size_t(k)] / idcg[size_t(k)] : 0.0; break;
                case Metric::Recall: value = double(hits[size_t(k)]) / relevant; break;
                case Metric::CappedRecall: value = double(hits[size_t(k)]) / std::min(k, relevant); break;
                case Metric::Precision: value = double(hits[size_t(k)]) / k; break;
                case Metric::Mrr: value = (firstHit > 0 && firstHit <= k) ? 1.0 / firstHit : 0.0; break;
                case Metric::Map: value = precisionSum[size_t(k)] / relevant; break;
                }
                results.perQuery[{m, k}].push_back(value);
            }
        }
    }
    return results;
}

double metricReference(Metric metric, int k, const std::vector<int32_t> &rankedDocs, const QueryJudgements &judged)
{
    std::vector<int32_t> top(rankedDocs.begin(), rankedDocs.begin() + std::min<size_t>(size_t(k), rankedDocs.size()));
    const int relevant = judged.relevantCount();
    auto gainAt = [&](size_t i) { return top[i] >= 0 ? judged.gainOf(top[i]) : 0; };
    switch (metric) {
    case Metric::Ndcg: {
        double dcg = 0, idcg = 0;
        for (size_t i = 0; i < top.size(); ++i)
            if (gainAt(i) > 0)
                dcg += gainAt(i) / std::log2(double(i) + 2.0);
        std::vector<int32_t> ideal;
        for (const auto &j : judged.judged)
            if (j.gain > 0)
                ideal.push_back(j.gain);
        std::sort(ideal.rbegin(), ideal.rend());
        for (size_t i = 0; i < ideal.size() && int(i) < k; ++i)
            idcg += ideal[i] / std::log2(double(i) + 2.0);
        return idcg > 0 ? dcg / idcg : 0.0;
    }
    case Metric::Recall:
    case Metric::CappedRecall:
    case Metric::Precision: {
        int hits = 0;
        for (size_t i = 0; i < top.size(); ++i)
            hits += gainAt(i) > 0;
        if (metric == Metric::Recall)
            return double(hits) / relevant;
        if (metric == Metric::CappedRecall)
            return double(hits) / std::min(k, relevant);
        return double(hits) / k;
    }
    case Metric::Mrr:
        for (size_t i = 0; i < top.size(); ++i)
            if (gainAt(i) > 0)
                return 1.0 / double(i + 1);
        return 0.0;
    case Metric::Map: {
        double sum = 0;
        int hits = 0;
        for (size_t i = 0; i < top.size(); ++i)
            if (gainAt(i) > 0)
                sum += double(++hits) / double(i + 1);
        return sum / relevant;
    }
    }
    return 0.0;
}

} // namespace embtune::engine
