#include "eval/retrieval_evaluation.h"

#include <algorithm>
#include <chrono>

namespace embtune::engine {

Result<EvaluationReport> evaluateEmbeddings(const Dataset &dataset, const EmbeddingSet &embeddings,
                                            const EvaluationOptions &options, Progress *progress)
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
    if (embeddings.docs.rows() != dataset.docCount())
        return Error::usage("the embedding set does not belong to this dataset");

    EvaluationReport report;
    report.split = options.split;
    std::vector<int32_t> queries;
    int32_t withoutVector = 0;
    std::string firstWithoutVector;
    int32_t withoutRelevant = 0;
    for (const QueryJudgements &q : qrels->queries) {
        if (q.relevantCount() == 0) {
            ++withoutRelevant;
            continue;
        }
        if (!embeddings.hasQuery(q.query)) {
            if (withoutVector++ == 0)
                firstWithoutVector = dataset.queryIds.id(q.query);
            continue;
        }
        queries.push_back(q.query);
    }
    report.judgedQueries = int32_t(qrels->queries.size());
    if (withoutVector > 0)
        return Error::input(std::to_string(withoutVector) + " judged queries of split \"" + options.split +
                                "\" have no query vector (first: \"" + firstWithoutVector + "\")",
                            embeddings.source);
    if (queries.empty())
        return Error::input("split \"" + options.split + "\" has no query with a relevant document", dataset.path);

    std::vector<int32_t> exclude;
    if (options.ignoreSameId) {
        exclude.reserve(queries.size());
        for (int32_t q : queries)
            exclude.push_back(dataset.docIds.find(dataset.queryIds.id(q)));
    }

    ExactSearchOptions searchOptions;
    searchOptions.k = std::max(1, *std::max_element(options.ks.begin(), options.ks.end()));
    searchOptions.similarity = options.similarity;
    searchOptions.threads = options.threads;
    const auto started = std::chrono::steady_clock::now();
    auto ranking = exactSearch(embeddings.docs, embeddings.queries, queries,
                               tiePriorityByIdDescending(dataset.docIds.ids()), searchOptions, exclude, progress);
    if (!ranking)
        return ranking.error();
    report.searchSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.ranking = std::move(*ranking);
    report.metrics = evaluateRanking(report.ranking, *qrels, options.metrics, options.ks);
    report.metrics.excludedNoRelevant = withoutRelevant;
    if (report.metrics.excludedNoRelevant > 0)
        report.warnings.push_back(std::to_string(report.metrics.excludedNoRelevant) +
                                  " judged queries have no relevant document and are excluded");
    return report;
}

} // namespace embtune::engine
