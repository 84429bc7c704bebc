#include "eval/retrieval_evaluation.h"

#include <algorithm>
#include <chrono>

namespace embtune::engine {

Result<EvaluationReport> evaluateRankings(const Dataset &dataset, const RankingSource &source,
                                          const EvaluationOptions &options, Progress *progress,
                                          const QueryAvailability &available)
{
    const Qrels *qrels = dataset.split(options.split);
    if (!qrels) {
        std::string known;
        for (const auto &name : dataset.splitNames())
            known += (known.empty() ? "" : ", ") + name;
        return Error::input("the dataset has no split \"" + options.split + "\" (known: " +
                                (known.empty() ? "none" : known) + ")",
                            dataset.path);
    }
    if (options.ks.empty() || *std::min_element(options.ks.begin(), options.ks.end()) <= 0)
        return Error::usage("every k must be a positive integer");

    EvaluationReport report;
    report.split = options.split;
    std::vector<int32_t> queries;
    int32_t unavailable = 0;
    std::string firstUnavailable;
    int32_t withoutRelevant = 0;
    for (const QueryJudgements &q : qrels->queries) {
        if (q.relevantCount() == 0) {
            ++withoutRelevant;
            continue;
        }
        if (available.isAvailable && !available.isAvailable(q.query)) {
            if (unavailable++ == 0)
                firstUnavailable = dataset.queryIds.id(q.query);
            continue;
        }
        queries.push_back(q.query);
    }
    report.judgedQueries = int32_t(qrels->queries.size());
    if (unavailable > 0)
        return Error::input(std::to_string(unavailable) + " judged queries of split \"" + options.split + "\" " +
                                available.missingWhat + " (first: \"" + firstUnavailable + "\")",
                            available.file);
    if (queries.empty())
        return Error::input("split \"" + options.split + "\" has no query with a relevant document", dataset.path);

    std::vector<int32_t> exclude;
    if (options.ignoreSameId) {
        exclude.reserve(queries.size());
        for (int32_t q : queries)
            exclude.push_back(dataset.docIds.find(dataset.queryIds.id(q)));
    }

    const int32_t k = std::max(1, *std::max_element(options.ks.begin(), options.ks.end()));
    const auto started = std::chrono::steady_clock::now();
    auto ranking = source(queries, k, exclude, progress);
    if (!ranking)
        return ranking.error();
    report.searchSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.ranking = std::move(*ranking);
    report.metrics = evaluateRanking(report.ranking, *qrels, options.metrics, options.ks);
    report.metrics.excludedNoRelevant = withoutRelevant;
    if (withoutRelevant > 0)
        report.warnings.push_back(std::to_string(withoutRelevant) +
                                  " judged queries have no relevant document and are excluded");
    return report;
}

Result<EvaluationReport> evaluateEmbeddings(const Dataset &dataset, const EmbeddingSet &embeddings,
                                            const EvaluationOptions &options, Progress *progress)
{
    if (embeddings.docs.rows() != dataset.docCount())
        return Error::usage("the embedding set does not belong to this dataset");
    const std::vector<int32_t> tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());
    RankingSource exact = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                              Progress *searchProgress) {
        ExactSearchOptions searchOptions;
        searchOptions.k = k;
        searchOptions.similarity = options.similarity;
        searchOptions.threads = options.threads;
        return exactSearch(embeddings.docs, embeddings.queries, queries, tiePriority, searchOptions, exclude,
                           searchProgress);
    };
    QueryAvailability available{[&](int32_t q) { return embeddings.hasQuery(q); }, "have no query vector",
                                embeddings.source};
    auto report = evaluateRankings(dataset, exact, options, progress, available);
    if (report)
        addZeroVectorWarnings(*report, dataset, embeddings);
    return report;
}

std::string idSample(const IdTable &table, const std::vector<int32_t> &indices, size_t shown)
{
    std::string out;
    for (size_t i = 0; i < indices.size() && i < shown; ++i)
        out += (i ? ", \"" : "\"") + table.id(indices[i]) + "\"";
    if (indices.size() > shown)
        out += " and " + std::to_string(indices.size() - shown) + " more";
    return out;
}

void addZeroVectorWarnings(EvaluationReport &report, const Dataset &dataset, const EmbeddingSet &set)
{
    const std::string where = "\"" + set.name + "\"" + (set.source.empty() ? "" : " (" + set.source + ")");
    std::vector<int32_t> zeroQueries;
    for (int32_t q : report.ranking.queries)
        if (isZeroRow(set.queries.row(q), set.queries.cols()))
            zeroQueries.push_back(q);
    if (!zeroQueries.empty())
        report.warnings.push_back(std::to_string(zeroQueries.size()) + " of " +
                                  std::to_string(report.ranking.queries.size()) + " evaluated queries of split \"" +
                                  report.split + "\" have a zero vector in " + where + ": " +
                                  idSample(dataset.queryIds, zeroQueries) +
                                  "; cosine is undefined for them: each scores 0 against every document, so its list "
                                  "is the documents in tie order (id descending)");
    std::vector<int32_t> zeroDocs;
    for (int64_t j : zeroRows(set.docs))
        zeroDocs.push_back(int32_t(j));
    if (!zeroDocs.empty())
        report.warnings.push_back(std::to_string(zeroDocs.size()) + " of " + std::to_string(set.docs.rows()) +
                                  " documents have a zero vector in " + where + ": " +
                                  idSample(dataset.docIds, zeroDocs) +
                                  "; cosine is undefined for them: each scores 0 against every query (ties broken by "
                                  "document id, descending)");
}

} // namespace embtune::engine
