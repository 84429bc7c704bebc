#include "eval/hnsw_evaluation.h"

#include "search/ann_recall.h"
#include "search/exact_search.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace embtune::engine {
namespace {

// The first k columns of `ranking`.
Ranking firstColumns(const Ranking &ranking, int32_t k)
{
    if (ranking.k == k)
        return ranking;
    Ranking out;
    out.k = k;
    out.queries = ranking.queries;
    for (size_t row = 0; row < ranking.size(); ++row) {
        out.docs.insert(out.docs.end(), ranking.docsOf(row), ranking.docsOf(row) + k);
        out.scores.insert(out.scores.end(), ranking.scoresOf(row), ranking.scoresOf(row) + k);
    }
    return out;
}

} // namespace

Result<HnswEvaluationResult> evaluateWithHnswIndex(const Dataset &dataset, const EmbeddingSet &embeddings,
                                             const HnswIndex &index, const EvaluationOptions &options,
                                             Progress *progress)
{
    if (options.ks.empty())
        return Error::usage("no k to evaluate at");
    // Labels are document indices unless the index's ids differ from the dataset's.
    std::vector<int32_t> labelToDoc;
    if (const std::vector<std::string> ids = index.ids(); ids != dataset.docIds.ids()) {
        labelToDoc.reserve(ids.size());
        for (const auto &id : ids)
            labelToDoc.push_back(dataset.docIds.find(id));
    }
    const int32_t depth = std::max(*std::max_element(options.ks.begin(), options.ks.end()), 10);
    // A zero query scores 0 against every document, so its list is the live labels in tie order;
    // the graph cannot find that order (every distance is equal), so it is written here.
    std::vector<int32_t> labelsInTieOrder;
    auto answerZeroQuery = [&](Ranking &ranking, size_t row, int32_t excludedLabel) {
        if (labelsInTieOrder.empty()) {
            const std::vector<int32_t> priority = tiePriorityByIdDescending(index.ids());
            labelsInTieOrder.resize(priority.size());
            for (size_t label = 0; label < priority.size(); ++label)
                labelsInTieOrder[priority.size() - 1 - size_t(priority[label])] = int32_t(label);
        }
        int32_t *docs = ranking.docs.data() + row * size_t(ranking.k);
        float *scores = ranking.scores.data() + row * size_t(ranking.k);
        int32_t r = 0;
        for (size_t i = 0; i < labelsInTieOrder.size() && r < ranking.k; ++i) {
            const int32_t label = labelsInTieOrder[i];
            if (label != excludedLabel && !index.isDeleted(label)) {
                docs[r] = label;
                scores[r++] = 0.0f;
            }
        }
        for (; r < ranking.k; ++r) {
            docs[r] = -1;
            scores[r] = -std::numeric_limits<float>::infinity();
        }
    };
    Ranking annRanking;
    const RankingSource source = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                     Progress *searchProgress) -> Result<Ranking> {
        std::vector<int32_t> excludeLabels = exclude;
        if (!labelToDoc.empty())
            for (int32_t &doc : excludeLabels)
                doc = doc < 0 ? -1 : index.labelOf(dataset.docIds.id(doc));
        auto ranking = index.search(embeddings.queries, queries, std::max(k, depth), options.threads, excludeLabels,
                                    searchProgress);
        if (!ranking)
            return ranking.error();
        for (size_t row = 0; row < queries.size(); ++row)
            if (isZeroRow(embeddings.queries.row(queries[row]), embeddings.queries.cols()))
                answerZeroQuery(*ranking, row, excludeLabels.empty() ? -1 : excludeLabels[row]);
        if (!labelToDoc.empty())
            for (int32_t &label : ranking->docs)
                label = label < 0 ? -1 : labelToDoc[size_t(label)];
        annRanking = std::move(*ranking);
        return firstColumns(annRanking, k);
    };
    const QueryAvailability available{[&](int32_t q) { return embeddings.hasQuery(q); }, "have no query vector",
                                      embeddings.source};
    auto report = evaluateRankings(dataset, source, options, progress, available);
    if (!report)
        return report.error();
    HnswEvaluationResult out;
    out.report = std::move(*report);
    addZeroVectorWarnings(out.report, dataset, embeddings);

    // The exact lists of the same queries, as deep as the HNSW lists.
    std::vector<int32_t> exclude;
    if (options.ignoreSameId)
        for (int32_t q : annRanking.queries)
            exclude.push_back(dataset.docIds.find(dataset.queryIds.id(q)));
    ExactSearchOptions exactOptions;
    exactOptions.k = annRanking.k;
    exactOptions.similarity = options.similarity;
    exactOptions.threads = options.threads;
    const auto exactStart = std::chrono::steady_clock::now();
    auto exact = exactSearch(embeddings.docs, embeddings.queries, annRanking.queries,
                             tiePriorityByIdDescending(dataset.docIds.ids()), exactOptions, exclude, progress);
    if (!exact)
        return exact.error();
    out.exactSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - exactStart).count();
    std::vector<int> recallKs{10};
    for (int k : options.ks)
        if (k <= annRanking.k)
            recallKs.push_back(k);
    std::sort(recallKs.begin(), recallKs.end());
    recallKs.erase(std::unique(recallKs.begin(), recallKs.end()), recallKs.end());
    for (int k : recallKs) {
        auto recall = annRecall(annRanking, *exact, k);
        if (!recall)
            return recall.error();
        out.annRecall.emplace_back(k, *recall);
    }
    return out;
}

} // namespace embtune::engine
