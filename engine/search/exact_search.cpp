#include "search/exact_search.h"

#include "core/parallel.h"

#include <algorithm>
#include <bit>
#include <atomic>
#include <cmath>
#include <numeric>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace embtune::engine {
namespace {

// A scored document. `key` orders candidates by score, then tie priority (rankKey).
struct Candidate {
    uint64_t key;
    float score;
    int32_t doc;

    Candidate() = default;
    Candidate(float s, int32_t priority, int32_t d) : key(rankKey(s, priority)), score(s), doc(d) {}
};

// a ranks before b.
inline bool ranksBefore(const Candidate &a, const Candidate &b)
{
    return a.key > b.key;
}

// Bounded top-k keeper (reservoir): candidates at or above the current threshold are appended
// to a buffer of 2k; when it fills, nth_element keeps the best k and raises the threshold.
// Amortised O(1) per accepted candidate, versus O(log k) for a heap.
class TopK {
public:
    void reset(int32_t k)
    {
        m_k = size_t(k);
        m_buffer.clear();
        m_buffer.reserve(2 * m_k);
        m_threshold = -std::numeric_limits<float>::infinity();
    }
    // Candidates scoring below threshold() can never enter.
    float threshold() const { return m_threshold; }
    inline void offer(float score, int32_t priority, int32_t doc)
    {
        m_buffer.emplace_back(score, priority, doc);
        if (m_buffer.size() == 2 * m_k)
            shrink();
    }
    // Writes the kept candidates best first, padding with -1.
    void drain(int32_t *docs, float *scores)
    {
        const size_t kept = std::min(m_k, m_buffer.size());
        if (m_buffer.size() > kept)
            std::nth_element(m_buffer.begin(), m_buffer.begin() + ptrdiff_t(kept - 1), m_buffer.end(), ranksBefore);
        std::sort(m_buffer.begin(), m_buffer.begin() + ptrdiff_t(kept), ranksBefore);
        for (size_t i = 0; i < m_k; ++i) {
            docs[i] = i < kept ? m_buffer[i].doc : -1;
            scores[i] = i < kept ? m_buffer[i].score : -std::numeric_limits<float>::infinity();
        }
    }

private:
    void shrink()
    {
        std::nth_element(m_buffer.begin(), m_buffer.begin() + ptrdiff_t(m_k - 1), m_buffer.end(), ranksBefore);
        m_buffer.resize(m_k);
        m_threshold = m_buffer[m_k - 1].score; // the k-th best kept: nothing below it can enter
    }

    size_t m_k = 0;
    std::vector<Candidate> m_buffer;
    float m_threshold = 0;
};

// Documents with identical vectors. A matrix product rounds a dot product differently at
// different positions of its operands (Eigen's GEMM kernels differ for edge panels), so two
// copies of one vector would score a few ulps apart and their tie would be decided by rounding.
// Only the first row of each group of identical rows is scored; it stands for the group with
// the priority of its best member, and the group is expanded when the lists are drained.
struct DocumentGroups {
    bool any = false;                  // some document has an identical earlier row
    std::vector<int32_t> first;        // per document: the first row identical to it
    std::vector<int32_t> offerPriority; // per document: the group's best priority on its first row, -1 on the others
    std::vector<int64_t> memberBegin;  // docs + 1 offsets into members, non-empty only for first rows of groups
    std::vector<int32_t> members;      // each group's documents, best priority first

    DocumentGroups(const FloatMatrix &docs, const std::vector<int32_t> &tiePriority, int threads)
    {
        const int64_t n = docs.rows();
        first = firstIdenticalRows(docs, threads);
        std::vector<int64_t> size(static_cast<size_t>(n), 0);
        for (int64_t j = 0; j < n; ++j)
            ++size[size_t(first[size_t(j)])];
        any = std::any_of(size.begin(), size.end(), [](int64_t s) { return s > 1; });
        if (!any)
            return;
        memberBegin.assign(size_t(n) + 1, 0);
        for (int64_t j = 0; j < n; ++j)
            memberBegin[size_t(j) + 1] = memberBegin[size_t(j)] + (size[size_t(j)] > 1 ? size[size_t(j)] : 0);
        members.resize(size_t(memberBegin.back()));
        std::vector<int64_t> fill(memberBegin.begin(), memberBegin.end() - 1);
        for (int64_t j = 0; j < n; ++j)
            if (size[size_t(first[size_t(j)])] > 1)
                members[size_t(fill[size_t(first[size_t(j)])]++)] = int32_t(j);
        offerPriority.assign(size_t(n), -1);
        for (int64_t j = 0; j < n; ++j) {
            if (first[size_t(j)] != j)
                continue;
            const auto begin = members.begin() + memberBegin[size_t(j)], end = members.begin() + memberBegin[size_t(j) + 1];
            std::sort(begin, end, [&](int32_t a, int32_t b) { return tiePriority[size_t(a)] > tiePriority[size_t(b)]; });
            offerPriority[size_t(j)] = begin == end ? tiePriority[size_t(j)] : tiePriority[size_t(*begin)];
        }
    }

    // For a query that leaves out `excluded`: the document whose offer changes (the head of
    // excluded's group, or excluded itself when alone) and the priority it is offered with
    // instead (-1: not offered); {-1, -1} when nothing is left out.
    std::pair<int32_t, int32_t> excludedOverride(int32_t excluded, const std::vector<int32_t> &tiePriority) const
    {
        if (excluded < 0)
            return {-1, -1};
        const int32_t head = first[size_t(excluded)];
        if (memberBegin[size_t(head)] == memberBegin[size_t(head) + 1])
            return {excluded, -1}; // alone: never offered
        for (int64_t m = memberBegin[size_t(head)]; m < memberBegin[size_t(head) + 1]; ++m)
            if (members[size_t(m)] != excluded)
                return {head, tiePriority[size_t(members[size_t(m)])]};
        return {head, -1};
    }
};

// Offers row[j] (times scale[j] when scale is given) for j in [0, n) to `keeper` as document
// firstDoc + j with priority[doc], skipping documents whose priority is negative; document
// `special` is offered with `specialPriority` instead (skipped when negative). The AVX2 path
// rejects 8 scores below the threshold at once.
inline void scanScores(const float *row, const float *scale, int64_t n, int32_t firstDoc, int32_t special,
                       int32_t specialPriority, const int32_t *priority, TopK &keeper)
{
    auto offerOne = [&](int64_t j) {
        const float score = scale ? row[j] * scale[j] : row[j];
        const int32_t doc = firstDoc + int32_t(j);
        if (score < keeper.threshold())
            return;
        const int32_t p = doc == special ? specialPriority : priority[doc];
        if (p >= 0)
            keeper.offer(score, p, doc);
    };
    int64_t j = 0;
#if defined(__AVX2__)
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(row + j);
        if (scale)
            v = _mm256_mul_ps(v, _mm256_loadu_ps(scale + j));
        unsigned mask = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_set1_ps(keeper.threshold()), _CMP_GE_OQ)));
        while (mask) {
            offerOne(j + std::countr_zero(mask));
            mask &= mask - 1;
        }
    }
#endif
    for (; j < n; ++j)
        offerOne(j);
}

// Replaces the k drained group heads of one list (docs, scores; -1 pads) by their members,
// best first: score descending, then priority. A k-way merge over the groups' member lists.
void expandGroups(int32_t *docs, float *scores, int32_t k, const DocumentGroups &groups,
                  const std::vector<int32_t> &tiePriority, int32_t excluded)
{
    struct Cursor {
        uint64_t key;
        int64_t next, end; // positions in groups.members; a lone document has next = end = -1
        int32_t doc;
        float score;
    };
    auto later = [](const Cursor &a, const Cursor &b) { return a.key < b.key; };
    std::vector<Cursor> heap;
    auto advance = [&](Cursor c) {
        while (c.next >= 0 && c.next < c.end) {
            const int32_t doc = groups.members[size_t(c.next++)];
            if (doc == excluded)
                continue;
            c.doc = doc;
            c.key = rankKey(c.score, tiePriority[size_t(doc)]);
            heap.push_back(c);
            std::push_heap(heap.begin(), heap.end(), later);
            return;
        }
    };
    for (int32_t r = 0; r < k && docs[r] >= 0; ++r) {
        const int32_t head = docs[r];
        const int64_t begin = groups.memberBegin[size_t(head)], end = groups.memberBegin[size_t(head) + 1];
        if (begin == end) {
            heap.push_back({rankKey(scores[r], tiePriority[size_t(head)]), -1, -1, head, scores[r]});
            std::push_heap(heap.begin(), heap.end(), later);
        } else {
            advance({0, begin, end, -1, scores[r]});
        }
    }
    for (int32_t r = 0; r < k; ++r) {
        if (heap.empty()) {
            docs[r] = -1;
            scores[r] = -std::numeric_limits<float>::infinity();
            continue;
        }
        std::pop_heap(heap.begin(), heap.end(), later);
        const Cursor top = heap.back();
        heap.pop_back();
        docs[r] = top.doc;
        scores[r] = top.score;
        advance(top);
    }
}

// 1/|row| per row (0 for zero rows), so cosine = dot * scale.
Eigen::VectorXf inverseNorms(const FloatMatrix &m)
{
    Eigen::VectorXf out(m.rows());
    if (m.overlay()) { // by blocks of a multiple of 4 rows, as the full matrix would give them
        RowMatrixXf block;
        for (int64_t first = 0; first < m.rows(); first += 2048) {
            m.copyRows(first, std::min<int64_t>(2048, m.rows() - first), block);
            out.segment(first, block.rows()) = block.rowwise().norm();
        }
    } else {
        out = m.map().rowwise().norm();
    }
    for (Eigen::Index i = 0; i < out.size(); ++i)
        out[i] = out[i] > 0 ? 1.0f / out[i] : 0.0f;
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
    if (options.normalizeDocuments && options.similarity != Similarity::Dot)
        return Error::usage("normalizeDocuments goes with the dot product");

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
    const Eigen::VectorXf docScale = cosine ? inverseNorms(docs) : Eigen::VectorXf();
    const int threads = resolveThreadCount(options.threads);
    const DocumentGroups groups(docs, tiePriority, threads);
    const int32_t *offerPriority = groups.any ? groups.offerPriority.data() : tiePriority.data();

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

    // A derived matrix (an overlay) is read block by block, never built.
    const bool derived = docs.overlay() != nullptr;
    const ConstMatrixMap docMap = derived ? ConstMatrixMap(nullptr, n, d) : docs.map();
    const int64_t queryBlock = std::max<int64_t>(1, options.queryBlock);
    // A multiple of 4 rows over a derived matrix or normalised blocks, so that a block holds
    // what the full (normalised) matrix would.
    const int64_t docBlock = derived || options.normalizeDocuments ? (std::max<int64_t>(1, options.docBlock) + 3) / 4 * 4 : std::max<int64_t>(1, options.docBlock);
    const int64_t blocksTotal = int64_t((m + size_t(queryBlock) - 1) / size_t(queryBlock)) * ((n + docBlock - 1) / docBlock);
    std::atomic<int64_t> blocksDone{0};
    std::atomic<bool> stop{false};

    parallelChunks(int64_t(m), threads, [&](int64_t begin, int64_t end, int worker) {
        Eigen::setNbThreads(1);
        RowMatrixXf scores, unitBlock;
        std::vector<TopK> keepers(static_cast<size_t>(queryBlock));
        // Equal-sized query blocks: a small remainder block would waste GEMM efficiency.
        const int64_t blocks = (end - begin + queryBlock - 1) / queryBlock;
        const int64_t evenBlock = blocks > 0 ? (end - begin + blocks - 1) / blocks : queryBlock;
        for (int64_t q0 = begin; q0 < end && !stop.load(std::memory_order_relaxed); q0 += evenBlock) {
            const int64_t qn = std::min(evenBlock, end - q0);
            for (int64_t i = 0; i < qn; ++i)
                keepers[size_t(i)].reset(options.k);
            for (int64_t d0 = 0; d0 < n; d0 += docBlock) {
                const int64_t dn = std::min(docBlock, n - d0);
                scores.resize(qn, dn);
                if (derived || options.normalizeDocuments) {
                    if (derived)
                        docs.copyRows(d0, dn, unitBlock);
                    else
                        unitBlock = docMap.middleRows(d0, dn);
                    if (options.normalizeDocuments)
                        normalizeRowsInPlace(unitBlock);
                    scores.noalias() = q.middleRows(q0, qn) * unitBlock.transpose();
                } else {
                    scores.noalias() = q.middleRows(q0, qn) * docMap.middleRows(d0, dn).transpose();
                }
                const float *scale = cosine ? docScale.data() + d0 : nullptr;
                for (int64_t i = 0; i < qn; ++i) {
                    const int32_t excluded = excludeDoc.empty() ? -1 : excludeDoc[size_t(q0 + i)];
                    const auto [special, specialPriority] =
                        groups.any ? groups.excludedOverride(excluded, tiePriority) : std::pair{excluded, -1};
                    scanScores(scores.data() + i * dn, scale, dn, int32_t(d0), special, specialPriority, offerPriority,
                               keepers[size_t(i)]);
                }
                const int64_t done = blocksDone.fetch_add(1) + 1;
                if (progress && worker == 0 && !progress->step("search", done, blocksTotal))
                    stop.store(true);
                if (progress && progress->shouldStop())
                    stop.store(true);
                if (stop.load(std::memory_order_relaxed))
                    break;
            }
            for (int64_t i = 0; i < qn; ++i) {
                int32_t *docsOut = ranking.docs.data() + size_t(q0 + i) * size_t(options.k);
                float *scoresOut = ranking.scores.data() + size_t(q0 + i) * size_t(options.k);
                keepers[size_t(i)].drain(docsOut, scoresOut);
                if (groups.any)
                    expandGroups(docsOut, scoresOut, options.k, groups, tiePriority,
                                 excludeDoc.empty() ? -1 : excludeDoc[size_t(q0 + i)]);
            }
        }
    });
    if (stop.load())
        return Error::cancelled();
    if (progress)
        progress->step("search", blocksTotal, blocksTotal);
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
            all.emplace_back(float(s), tiePriority[size_t(j)], int32_t(j));
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
