#include "train/objectives.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <unordered_map>

namespace embtune::engine {

TwoTowerObjective::TwoTowerObjective(Module &queryModule, Module &docModule, const RowMatrixXf &docs,
                                     ConstMatrixMap queries)
    : m_queryModule(queryModule), m_docModule(docModule), m_docs(docs), m_queries(queries)
{
}

std::vector<Parameter *> TwoTowerObjective::parameters()
{
    std::vector<Parameter *> all = m_queryModule.parameters();
    for (Parameter *p : m_docModule.parameters())
        all.push_back(p);
    return all;
}

float TwoTowerObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    RowMatrixXf queries(Eigen::Index(batch.size()), m_queries.cols());
    std::vector<SoftTarget> targets;
    for (size_t i = 0; i < batch.size(); ++i) {
        queries.row(Eigen::Index(i)) = m_queries.row(batch[i]->query);
        targets.push_back(batch[i]->target);
    }
    const RowMatrixXf q = m_queryModule.forward(queries);
    const RowMatrixXf d = m_docModule.forward(m_docs);
    RowMatrixXf gradQ, gradD;
    const float loss = softmaxCrossEntropy(q, ConstMatrixMap(d.data(), d.rows(), d.cols()), targets, options.scale,
                                           &gradQ, &gradD);
    m_queryModule.backward(gradQ);
    m_docModule.backward(gradD);
    return loss;
}

SharedModuleObjective::SharedModuleObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                             const std::vector<TrainingPair> &pairs,
                                             std::vector<std::vector<int32_t>> hardNegatives)
    : m_module(module), m_docs(docs), m_queries(queries), m_pairs(pairs), m_hardNegatives(std::move(hardNegatives))
{
}

float SharedModuleObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    // Candidate rows: the batch's positives, then its hard negatives, each document once.
    std::vector<int32_t> candidates;
    std::unordered_map<int32_t, int32_t> column;
    auto addCandidate = [&](int32_t doc) {
        auto [it, inserted] = column.try_emplace(doc, int32_t(candidates.size()));
        if (inserted)
            candidates.push_back(doc);
        return it->second;
    };
    std::vector<SoftTarget> targets;
    for (const TrainingPair *pair : batch) {
        SoftTarget target;
        for (const auto &[doc, weight] : pair->target)
            target.emplace_back(addCandidate(doc), weight);
        targets.push_back(std::move(target));
    }
    for (const TrainingPair *pair : batch)
        for (int32_t doc : m_hardNegatives[size_t(pair - m_pairs.data())])
            addCandidate(doc);

    // Queries and candidates go through the module in one batch (one forward, one backward).
    const auto b = Eigen::Index(batch.size()), m = Eigen::Index(candidates.size());
    RowMatrixXf input(b + m, m_docs.cols());
    for (Eigen::Index i = 0; i < b; ++i)
        input.row(i) = m_queries.row(batch[size_t(i)]->query);
    for (Eigen::Index j = 0; j < m; ++j)
        input.row(b + j) = m_docs.row(candidates[size_t(j)]);
    const RowMatrixXf encoded = m_module.forward(input);
    const RowMatrixXf q = encoded.topRows(b);
    const RowMatrixXf c = encoded.bottomRows(m);
    RowMatrixXf gradQ, gradC;
    const float loss = softmaxCrossEntropy(q, ConstMatrixMap(c.data(), c.rows(), c.cols()), targets, options.scale,
                                           &gradQ, &gradC);
    RowMatrixXf grad(b + m, m_docs.cols());
    grad.topRows(b) = gradQ;
    grad.bottomRows(m) = gradC;
    m_module.backward(grad);
    return loss;
}

std::vector<std::vector<int32_t>> bandHardNegatives(const RowMatrixXf &docs, ConstMatrixMap queries,
                                                    const std::vector<TrainingPair> &pairs, const BandOptions &options,
                                                    int64_t *pairsWithoutNegatives)
{
    std::vector<std::vector<int32_t>> out(pairs.size());
    std::mt19937_64 rng(options.seed);
    // Positives of each query (all its pairs), so no positive becomes a negative.
    std::unordered_map<int32_t, std::set<int32_t>> positives;
    for (const auto &pair : pairs)
        for (const auto &[doc, weight] : pair.target)
            positives[pair.query].insert(doc);
    std::unordered_map<int32_t, std::vector<int32_t>> bandOf; // per query: documents in the band
    int64_t empty = 0;
    for (size_t p = 0; p < pairs.size(); ++p) {
        const int32_t query = pairs[p].query;
        auto it = bandOf.find(query);
        if (it == bandOf.end()) {
            Eigen::VectorXf q = queries.row(query).transpose();
            if (q.norm() > 0)
                q.normalize();
            const Eigen::VectorXf scores = docs * q;
            std::vector<int32_t> order(size_t(docs.rows()));
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
                return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
            });
            double lo = options.lo, hi = options.hi;
            if (options.percentile) {
                std::vector<float> sorted(scores.data(), scores.data() + scores.size());
                std::sort(sorted.begin(), sorted.end());
                auto at = [&](double pct) {
                    const double index = std::clamp(pct, 0.0, 100.0) / 100.0 * double(sorted.size() - 1);
                    return double(sorted[size_t(std::llround(index))]);
                };
                lo = at(options.lo);
                hi = at(options.hi);
            }
            std::vector<int32_t> band;
            const auto &own = positives[query];
            int skipped = 0;
            for (int32_t doc : order) {
                if (own.count(doc))
                    continue;
                if (skipped < options.skipTop) {
                    ++skipped;
                    continue;
                }
                if (scores[doc] >= lo && scores[doc] <= hi)
                    band.push_back(doc);
            }
            it = bandOf.emplace(query, std::move(band)).first;
        }
        const std::vector<int32_t> &band = it->second;
        std::vector<int32_t> chosen;
        if (!band.empty()) {
            // Partial Fisher-Yates over a copy of the indices: `count` distinct picks.
            std::vector<size_t> index(band.size());
            std::iota(index.begin(), index.end(), 0);
            const size_t take = std::min(band.size(), size_t(std::max(0, options.count)));
            for (size_t k = 0; k < take; ++k) {
                std::swap(index[k], index[k + size_t(rng() % (index.size() - k))]);
                chosen.push_back(band[index[k]]);
            }
        }
        empty += chosen.empty();
        out[p] = std::move(chosen);
    }
    if (pairsWithoutNegatives)
        *pairsWithoutNegatives = empty;
    return out;
}

} // namespace embtune::engine
