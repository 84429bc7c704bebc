#include "search/exact_search.h"

#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

namespace embtune::engine {
namespace {

struct Candidate {
    float score;
    int32_t priority;
    int32_t doc;
};

// a ranks before b.
inline bool ranksBefore(const Candidate &a, const Candidate &b)
{
    return a.score > b.score || (a.score == b.score && a.priority > b.priority);
}

// Bounded top-k keeper: a heap whose front is the worst kept candidate.
class TopK {
public:
    void reset(int32_t k)
    {
        m_k = size_t(k);
        m_heap.clear();
        m_heap.reserve(m_k);
    }
    inline void offer(float score, int32_t priority, int32_t doc)
    {
        if (m_heap.size() < m_k) {
            m_heap.push_back({score, priority, doc});
            std::push_heap(m_heap.begin(), m_heap.end(), ranksBefore);
            return;
        }
        const Candidate &worst = m_heap.front();
        if (score < worst.score || (score == worst.score && priority < worst.priority))
            return;
        std::pop_heap(m_heap.begin(), m_heap.end(), ranksBefore);
        m_heap.back() = {score, priority, doc};
        std::push_heap(m_heap.begin(), m_heap.end(), ranksBefore);
    }
    bool full() const { return m_heap.size() == m_k; }
    float worstScore() const { return m_heap.front().score; }
    // Writes the kept candidates best first, padding with -1.
    void drain(int32_t *docs, float *scores)
    {
        std::sort(m_heap.begin(), m_heap.end(), ranksBefore);
        for (size_t i = 0; i < m_k; ++i) {
            docs[i] = i < m_heap.size() ? m_heap[i].doc : -1;
            scores[i] = i < m_heap.size() ? m_heap[i].score : -std::numeric_limits<float>::infinity();
        }
    }

private:
    size_t m_k = 0;
    std::vector<Candidate> m_heap;
};

std::vector<float> inverseNorms(const FloatMatrix &m)
{
    std::vector<float> out(size_t(m.rows()));
    const auto map = m.map();
    for (int64_t i = 0; i < m.rows(); ++i) {
        const float norm = map.row(i).norm();
        out[size_t(i)] = norm > 0 ? 1.0f / norm : 0.0f;
    }
    return out;
}

} // namespace

const char *similarityName(Similarity similarity)
{
    return similarity == Similarity::Cosine ? "cosine" : "dot";
}

Result<Ranking> exactSearch(const FloatMatrix &docs, const FloatMatrix &queries, const std::vector<int32_t> &queryRows,
                            const std::vector<int32_t> &tiePriority, const ExactSearchOptions &options,
                            const std::vector<int32_t> &excludeDoc, Progress *progress)
{
    if (docs.cols() != queries.cols())
        return Error::usage("document and query dimensions differ (" + std::to_string(docs.cols()) + " vs " +
                            std::to_string(queries.cols()) + ")");
    if (int64_t(tiePriority.size()) != docs.rows())
        return Error::usage("tie priority must have one entry per document");
    if (!excludeDoc.empty() && excludeDoc.size() != queryRows.size())
        return Error::usage("excludeDoc must be empty or have one entry per query");
    if (options.k <= 0)
        return Error::usage("k must be positive");

    Ranking ranking;
    ranking.k = options.k;
    ranking.queries = queryRows;
    const size_t m = queryRows.size();
    ranking.docs.assign(m * size_t(options.k), -1);
    ranking.scores.assign(m * size_t(options.k), 0.0f);
    if (m == 0)
        return ranking;

    const int64_t n = docs.rows(), d = docs.cols();
    const bool cosine = options.similarity == Similarity::Cosine;
    const std::vector<float> docScale = cosine ? inverseNorms(docs) : std::vector<float>();

    // Gather (and for cosine normalise) the searched query rows once.
    RowMatrixXf q(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(d));
    const auto queryMap = queries.map();
    for (size_t i = 0; i < m; ++i) {
        q.row(Eigen::Index(i)) = queryMap.row(queryRows[i]);
        if (cosine) {
            const float norm = q.row(Eigen::Index(i)).norm();
            if (norm > 0)
                q.row(Eigen::Index(i)) /= norm;
        }
    }

    const ConstMatrixMap docMap = docs.map();
    const int threads = resolveThreadCount(options.threads);
    const int64_t queryBlock = std::max<int64_t>(1, options.queryBlock);
    const int64_t docBlock = std::max<int64_t>(1, options.docBlock);
    const int64_t blocksTotal = int64_t((m + size_t(queryBlock) - 1) / size_t(queryBlock)) * ((n + docBlock - 1) / docBlock);
    std::atomic<int64_t> blocksDone{0};
    std::atomic<bool> stop{false};

    parallelChunks(int64_t(m), threads, [&](int64_t begin, int64_t end, int worker) {
        Eigen::setNbThreads(1);
        RowMatrixXf scores;
        std::vector<TopK> keepers(static_cast<size_t>(queryBlock));
        for (int64_t q0 = begin; q0 < end && !stop.load(std::memory_order_relaxed); q0 += queryBlock) {
            const int64_t qn = std::min(queryBlock, end - q0);
            for (int64_t i = 0; i < qn; ++i)
                keepers[size_t(i)].reset(options.k);
            for (int64_t d0 = 0; d0 < n; d0 += docBlock) {
                const int64_t dn = std::min(docBlock, n - d0);
                scores.resize(qn, dn);
                scores.noalias() = q.middleRows(q0, qn) * docMap.middleRows(d0, dn).transpose();
                for (int64_t i = 0; i < qn; ++i) {
                    const float *row = scores.data() + i * dn;
                    TopK &keeper = keepers[size_t(i)];
                    const int32_t excluded = excludeDoc.empty() ? -1 : excludeDoc[size_t(q0 + i)];
                    for (int64_t j = 0; j < dn; ++j) {
                        const float s = cosine ? row[j] * docScale[size_t(d0 + j)] : row[j];
                        if (keeper.full() && s < keeper.worstScore())
                            continue;
                        const auto doc = int32_t(d0 + j);
                        if (doc == excluded)
                            continue;
                        keeper.offer(s, tiePriority[size_t(doc)], doc);
                    }
                }
                const int64_t done = blocksDone.fetch_add(1) + 1;
                if (progress && worker == 0 && progress->report("search", done, blocksTotal))
                    stop.store(true);
                if (progress && progress->shouldStop())
                    stop.store(true);
                if (stop.load(std::memory_order_relaxed))
                    break;
            }
            for (int64_t i = 0; i < qn; ++i)
                keepers[size_t(i)].drain(ranking.docs.data() + size_t(q0 + i) * size_t(options.k),
                                         ranking.scores.data() + size_t(q0 + i) * size_t(options.k));
        }
    });
    if (stop.load())
        return Error::cancelled();
    if (progress)
        progress->report("search", blocksTotal, blocksTotal);
    return ranking;
}

Ranking exactSearchReference(const FloatMatrix &docs, const FloatMatrix &queries, const std::vector<int32_t> &queryRows,
                             const std::vector<int32_t> &tiePriority, int32_t k, Similarity similarity,
                             const std::vector<int32_t> &excludeDoc)
{
    Ranking ranking;
    ranking.k = k;
    ranking.queries = queryRows;
    const int64_t n = docs.rows(), d = docs.cols();
    for (size_t qi = 0; qi < queryRows.size(); ++qi) {
        const float *q = queries.row(queryRows[qi]);
        std::vector<Candidate> all;
        for (int64_t j = 0; j < n; ++j) {
            if (!excludeDoc.empty() && excludeDoc[qi] == j)
                continue;
            double dot = 0, qq = 0, dd = 0;
            for (int64_t c = 0; c < d; ++c) {
                dot += double(q[c]) * docs.row(j)[c];
                qq += double(q[c]) * q[c];
                dd += double(docs.row(j)[c]) * docs.row(j)[c];
            }
            double s = dot;
            if (similarity == Similarity::Cosine)
                s = (qq > 0 && dd > 0) ? dot / std::sqrt(qq * dd) : 0.0;
            all.push_back({float(s), tiePriority[size_t(j)], int32_t(j)});
        }
        std::sort(all.begin(), all.end(), ranksBefore);
        for (int32_t r = 0; r < k; ++r) {
            ranking.docs.push_back(size_t(r) < all.size() ? all[size_t(r)].doc : -1);
            ranking.scores.push_back(size_t(r) < all.size() ? all[size_t(r)].score
                                                            : -std::numeric_limits<float>::infinity());
        }
    }
    return ranking;
}

} // namespace embtune::engine
