#include "synth/synthetic_training.h"

#include "data/dataset_hash.h"
#include "synth/seeded_rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace embtune::engine {

Result<Dataset> appendSyntheticQueries(const Dataset &dataset, const SyntheticSet &set,
                                       std::vector<int32_t> *appended)
{
    if (!set.datasetHash.empty() && set.datasetHash != datasetTextsHash(dataset))
        return Error::input("the generated queries were made for another dataset (text hash differs)");
    Dataset out = dataset;
    out.queryIds.reserve(size_t(dataset.queryCount()) + set.queries.size());
    Qrels qrels;
    qrels.queries.reserve(set.queries.size());
    if (appended)
        appended->clear();
    for (const SyntheticQuery &q : set.queries) {
        if (q.doc < 0 || q.doc >= dataset.docCount())
            return Error::input("generated query \"" + q.id + "\" names document index " + std::to_string(q.doc) +
                                " outside the dataset");
        const auto index = out.queryIds.add(kSyntheticIdPrefix + q.id);
        if (!index)
            return Error::input("generated query id \"" + q.id + "\" occurs twice or collides with a dataset query");
        out.queries.push_back(q.text);
        QueryJudgements judged;
        judged.query = *index;
        judged.judged.push_back({q.doc, 1});
        qrels.queries.push_back(std::move(judged));
        if (appended)
            appended->push_back(*index);
    }
    out.splits[kSyntheticSplit] = std::move(qrels);
    return out;
}

Result<EmbeddingSet> appendQueryVectors(const EmbeddingSet &embeddings, ConstMatrixMap vectors)
{
    if (vectors.rows() > 0 && vectors.cols() != embeddings.dim())
        return Error::input("generated query vectors have dimension " + std::to_string(vectors.cols()) +
                            ", the embedding set " + std::to_string(embeddings.dim()));
    EmbeddingSet out = embeddings;
    const int64_t old = embeddings.queries.rows();
    RowMatrixXf queries(old + vectors.rows(), embeddings.dim());
    if (old > 0)
        queries.topRows(old) = embeddings.queries.map();
    if (vectors.rows() > 0)
        queries.bottomRows(vectors.rows()) = vectors;
    out.queries = FloatMatrix(std::move(queries));
    out.hasQueryVector.resize(size_t(old + vectors.rows()), 1);
    return out;
}

std::pair<std::vector<int32_t>, std::vector<int32_t>> splitHeldOut(const std::vector<int32_t> &queries,
                                                                    double fraction, uint64_t seed)
{
    const size_t n = queries.size();
    size_t devCount = size_t(std::llround(std::clamp(fraction, 0.0, 1.0) * double(n)));
    if (fraction > 0 && n >= 2)
        devCount = std::clamp<size_t>(devCount, 1, n - 1);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    SeededRng rng(seed ^ 0xd1b54a32d192ed03ULL);
    order = drawWithoutReplacement(std::move(order), devCount, rng);
    std::vector<char> isDev(n, 0);
    for (const size_t i : order)
        isDev[i] = 1;
    std::pair<std::vector<int32_t>, std::vector<int32_t>> out;
    for (size_t i = 0; i < n; ++i)
        (isDev[i] ? out.second : out.first).push_back(queries[i]);
    std::sort(out.first.begin(), out.first.end());
    std::sort(out.second.begin(), out.second.end());
    return out;
}

} // namespace embtune::engine
