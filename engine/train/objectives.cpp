#include "train/objectives.h"

#include "search/exact_search.h"

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
    smoothTargets(targets, int32_t(d.rows()), options.labelSmoothing);
    const float loss = softmaxCrossEntropy(q, ConstMatrixMap(d.data(), d.rows(), d.cols()), targets, options.scale,
                                           &gradQ, &gradD);
    m_queryModule.backward(gradQ);
    m_docModule.backward(gradD);
    return loss;
}

SharedModuleObjective::SharedModuleObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                             const std::vector<TrainingPair> &pairs,
                                             std::vector<std::vector<int32_t>> hardNegatives, bool everyDocument)
    : m_module(module), m_docs(docs), m_queries(queries), m_pairs(pairs), m_hardNegatives(std::move(hardNegatives)),
      m_everyDocument(everyDocument)
{
}

float SharedModuleObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    // Candidate rows: the batch's positives, then its hard negatives, each document once.
    BatchCandidates candidates;
    std::vector<SoftTarget> targets;
    if (m_everyDocument) {
        for (int32_t doc = 0; doc < int32_t(m_docs.rows()); ++doc)
            candidates.add(doc); // column = document row
        for (const TrainingPair *pair : batch)
            targets.push_back(pair->target);
    } else {
        targets = candidates.addPositives(batch);
        for (const TrainingPair *pair : batch)
            for (int32_t doc : m_hardNegatives[size_t(pair - m_pairs.data())])
                candidates.add(doc);
    }

    smoothTargets(targets, candidates.size(), options.labelSmoothing);

    // Queries and candidates go through the module in one batch (one forward, one backward).
    const auto b = Eigen::Index(batch.size()), m = Eigen::Index(candidates.size());
    RowMatrixXf input(b + m, m_docs.cols());
    for (Eigen::Index i = 0; i < b; ++i)
        input.row(i) = m_queries.row(batch[size_t(i)]->query);
    for (Eigen::Index j = 0; j < m; ++j)
        input.row(b + j) = m_docs.row(candidates.docs()[size_t(j)]);
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

SampledNegativesObjective::SampledNegativesObjective(Module &module, FloatMatrix docs, ConstMatrixMap queries,
                                                     const std::vector<TrainingPair> &pairs, NegativeSampling sampling,
                                                     int count, int threads)
    : m_module(module), m_docs(std::move(docs)), m_queries(queries), m_sampling(sampling), m_count(std::max(count, 0)),
      m_threads(threads)
{
    for (const TrainingPair &pair : pairs)
        m_trainQueries.push_back(pair.query);
    std::sort(m_trainQueries.begin(), m_trainQueries.end());
    m_trainQueries.erase(std::unique(m_trainQueries.begin(), m_trainQueries.end()), m_trainQueries.end());
    m_positives.resize(m_trainQueries.size());
    m_negatives.resize(m_trainQueries.size());
    for (const TrainingPair &pair : pairs) {
        auto &positives = m_positives[size_t(
            std::lower_bound(m_trainQueries.begin(), m_trainQueries.end(), pair.query) - m_trainQueries.begin())];
        for (const auto &[doc, weight] : pair.target)
            if (weight > 0)
                positives.push_back(doc);
    }
    for (auto &positives : m_positives) {
        std::sort(positives.begin(), positives.end());
        positives.erase(std::unique(positives.begin(), positives.end()), positives.end());
    }
}

const std::vector<int32_t> &SampledNegativesObjective::hardNegatives(int32_t query) const
{
    static const std::vector<int32_t> none;
    const auto it = std::lower_bound(m_trainQueries.begin(), m_trainQueries.end(), query);
    if (it == m_trainQueries.end() || *it != query)
        return none;
    return m_negatives[size_t(it - m_trainQueries.begin())];
}

bool SampledNegativesObjective::beginEpoch(int epoch, Progress *progress)
{
    (void)epoch;
    if (m_sampling != NegativeSampling::Hardest || m_count == 0 || m_trainQueries.empty())
        return true;
    // Top (count + most positives) under the current weights, then drop the positives.
    size_t mostPositives = 0;
    for (const auto &positives : m_positives)
        mostPositives = std::max(mostPositives, positives.size());
    const FloatMatrix tuned(transformQueries(m_trainQueries));
    std::vector<int32_t> rows(m_trainQueries.size());
    std::iota(rows.begin(), rows.end(), 0);
    ExactSearchOptions options;
    options.k = int32_t(std::min<int64_t>(m_docs.rows(), int64_t(m_count) + int64_t(mostPositives)));
    options.similarity = Similarity::Dot; // unit queries against the documents' unit rows
    options.normalizeDocuments = true;
    options.threads = m_threads;
    std::vector<int32_t> priority(size_t(m_docs.rows()));
    std::iota(priority.begin(), priority.end(), 0);
    // Progress is checked after the search.
    auto ranking = exactSearch(m_docs, tuned, rows, priority, options);
    if (!ranking || (progress && progress->shouldStop()))
        return false;
    for (size_t i = 0; i < m_trainQueries.size(); ++i) {
        auto &negatives = m_negatives[i];
        negatives.clear();
        const int32_t *docs = ranking->docsOf(i);
        for (int32_t r = 0; r < options.k && int(negatives.size()) < m_count; ++r)
            if (docs[r] >= 0 && !std::binary_search(m_positives[i].begin(), m_positives[i].end(), docs[r]))
                negatives.push_back(docs[r]);
    }
    return true;
}

float SampledNegativesObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    BatchCandidates candidates;
    std::vector<SoftTarget> targets = candidates.addPositives(batch);
    if (m_sampling == NegativeSampling::Hardest)
        for (const TrainingPair *pair : batch)
            for (int32_t doc : hardNegatives(pair->query))
                candidates.add(doc);
    smoothTargets(targets, candidates.size(), options.labelSmoothing);

    const auto b = Eigen::Index(batch.size()), m = Eigen::Index(candidates.size());
    RowMatrixXf input(b, m_queries.cols()), c(m, m_docs.cols());
    for (Eigen::Index i = 0; i < b; ++i)
        input.row(i) = m_queries.row(batch[size_t(i)]->query);
    const ConstMatrixMap docs = m_docs.map();
    for (Eigen::Index j = 0; j < m; ++j)
        c.row(j) = docs.row(candidates.docs()[size_t(j)]);
    normalizeRowsInPlace(c); // the candidates' unit rows, as normalizedRows gives them
    const RowMatrixXf q = m_module.forward(input);
    RowMatrixXf gradQ;
    const float loss = softmaxCrossEntropy(q, ConstMatrixMap(c.data(), c.rows(), c.cols()), targets, options.scale,
                                           &gradQ, nullptr);
    m_module.backward(gradQ);
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
