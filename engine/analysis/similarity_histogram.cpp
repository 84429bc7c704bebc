#include "analysis/similarity_histogram.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace embtune::engine {

double cosine(const float *a, const float *b, int64_t dim)
{
    double dot = 0, na = 0, nb = 0;
    for (int64_t i = 0; i < dim; ++i) {
        dot += double(a[i]) * double(b[i]);
        na += double(a[i]) * double(a[i]);
        nb += double(b[i]) * double(b[i]);
    }
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

Histogram Histogram::make(const std::vector<double> &values, int bins, double lo, double hi)
{
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(size_t(std::max(1, bins)), 0);
    h.count = int64_t(values.size());
    if (values.empty())
        return h;
    double sum = 0;
    h.minimum = values.front();
    h.maximum = values.front();
    const double width = (hi - lo) / double(h.counts.size());
    for (double v : values) {
        sum += v;
        h.minimum = std::min(h.minimum, v);
        h.maximum = std::max(h.maximum, v);
        const auto bin = int64_t(std::floor((v - lo) / width));
        ++h.counts[size_t(std::clamp<int64_t>(bin, 0, int64_t(h.counts.size()) - 1))];
    }
    h.mean = sum / double(values.size());
    return h;
}

Result<SimilarityDistributions> similarityDistributions(const FloatMatrix &queries, const FloatMatrix &docs,
                                                        const Qrels &qrels, const std::vector<int32_t> &tiePriority,
                                                        const SimilarityHistogramOptions &options, Progress *progress)
{
    if (options.bins < 1 || !(options.lo < options.hi))
        return Error::usage("histograms need at least one bin and lo < hi");
    if (queries.cols() != docs.cols())
        return Error::usage("query and document vectors have different dimensions (" +
                            std::to_string(queries.cols()) + " and " + std::to_string(docs.cols()) + ")");
    if (int64_t(tiePriority.size()) != docs.rows())
        return Error::usage("one tie priority per document is needed");
    const int64_t dim = docs.cols();
    RowMatrixXf scratch; // docs.rowAt: a derived document matrix is never built
    std::vector<const QueryJudgements *> used;
    std::vector<double> relevant;
    for (const QueryJudgements &q : qrels.queries) {
        if (q.relevantCount() == 0)
            continue;
        if (q.query < 0 || q.query >= queries.rows())
            return Error::usage("query index " + std::to_string(q.query) + " is outside the query vectors");
        for (const Judgement &j : q.judged) {
            if (j.doc < 0 || j.doc >= docs.rows())
                return Error::usage("document index " + std::to_string(j.doc) + " is outside the document vectors");
            if (j.gain > 0)
                relevant.push_back(cosine(queries.row(q.query), docs.rowAt(j.doc, scratch), dim));
        }
        used.push_back(&q);
    }
    if (used.empty())
        return Error::input("no query with a relevant document to draw the similarity distributions from");

    SimilarityDistributions out;
    out.queries = int32_t(used.size());
    out.relevant = Histogram::make(relevant, options.bins, options.lo, options.hi);

    std::mt19937_64 rng(options.seed);
    std::vector<double> random;
    random.reserve(size_t(std::max<int64_t>(0, options.randomPairs)));
    for (int64_t i = 0; i < options.randomPairs; ++i) {
        const QueryJudgements *q = used[size_t(rng() % used.size())];
        const auto doc = int64_t(rng() % uint64_t(docs.rows()));
        random.push_back(cosine(queries.row(q->query), docs.rowAt(doc, scratch), dim));
    }
    out.random = Histogram::make(random, options.bins, options.lo, options.hi);

    std::vector<double> hard;
    if (options.hardNegatives > 0) {
        int32_t maxRelevant = 0;
        std::vector<int32_t> rows;
        for (const QueryJudgements *q : used) {
            maxRelevant = std::max(maxRelevant, q->relevantCount());
            rows.push_back(q->query);
        }
        ExactSearchOptions search;
        search.k = int32_t(std::min<int64_t>(docs.rows(), int64_t(options.hardNegatives) + maxRelevant));
        search.similarity = options.ranking;
        search.threads = options.threads;
        auto ranking = exactSearch(docs, queries, rows, tiePriority, search, {}, progress);
        if (!ranking)
            return ranking.error();
        for (size_t r = 0; r < used.size(); ++r) {
            int32_t taken = 0;
            const int32_t *list = ranking->docsOf(r);
            for (int32_t i = 0; i < ranking->k && taken < options.hardNegatives; ++i) {
                if (list[i] < 0 || used[r]->gainOf(list[i]) > 0)
                    continue;
                hard.push_back(cosine(queries.row(used[r]->query), docs.rowAt(list[i], scratch), dim));
                ++taken;
            }
        }
    }
    out.hardNegative = Histogram::make(hard, options.bins, options.lo, options.hi);
    return out;
}

} // namespace embtune::engine
