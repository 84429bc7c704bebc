#include "search/bm25.h"

#include "core/parallel.h"

#include <algorithm>
#include <bit>
#include <atomic>
#include <cmath>
#include <limits>

namespace embtune::engine {

Bm25Index Bm25Index::build(const std::vector<std::string> &documents, const Bm25Options &options)
{
    Bm25Index index;
    index.m_options = options;
    const Tokenizer tokenizer(options.tokenizer);
    const auto n = int64_t(documents.size());
    std::vector<std::vector<std::string>> tokens(documents.size());
    parallelChunks(n, resolveThreadCount(options.threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i)
            tokenizer.tokenize(documents[size_t(i)], tokens[size_t(i)]);
    });
    index.m_docLength.resize(documents.size());
    double totalLength = 0;
    std::vector<std::string> sorted;
    auto postings = std::make_shared<std::unordered_map<std::string, Term>>();
    for (int64_t d = 0; d < n; ++d) {
        sorted = tokens[size_t(d)];
        index.m_docLength[size_t(d)] = float(sorted.size());
        totalLength += double(sorted.size());
        std::sort(sorted.begin(), sorted.end());
        for (size_t i = 0; i < sorted.size();) {
            size_t j = i;
            while (j < sorted.size() && sorted[j] == sorted[i])
                ++j;
            (*postings)[sorted[i]].postings.push_back({int32_t(d), float(j - i)});
            i = j;
        }
    }
    index.m_averageLength = n > 0 ? totalLength / double(n) : 0.0;
    for (auto &[term, entry] : *postings) {
        const double df = double(entry.postings.size());
        entry.idf = float(std::log(1.0 + (double(n) - df + 0.5) / (df + 0.5)));
    }
    index.m_postings = std::move(postings);
    index.computeLengthNorms();
    return index;
}

void Bm25Index::computeLengthNorms()
{
    m_lengthNorm.resize(m_docLength.size());
    for (size_t d = 0; d < m_docLength.size(); ++d)
        m_lengthNorm[d] = float(m_options.k1 * (1.0 - m_options.b +
                                                m_options.b * (m_averageLength > 0 ? m_docLength[d] / m_averageLength : 0.0)));
}

Bm25Index Bm25Index::withParameters(double k1, double b) const
{
    Bm25Index index = *this;
    index.m_options.k1 = k1;
    index.m_options.b = b;
    index.computeLengthNorms();
    return index;
}

float Bm25Index::termScore(const Term &term, const Posting &posting) const
{
    return term.idf * posting.tf * float(m_options.k1 + 1.0) / (posting.tf + m_lengthNorm[size_t(posting.doc)]);
}

std::vector<std::pair<const Bm25Index::Term *, int>> Bm25Index::queryTerms(const std::string &query,
                                                                            const Tokenizer &tokenizer) const
{
    std::vector<std::pair<const Term *, int>> terms;
    if (!m_postings) // not built
        return terms;
    std::vector<std::string> tokens = tokenizer.tokenize(query);
    std::sort(tokens.begin(), tokens.end());
    for (size_t i = 0; i < tokens.size();) {
        size_t j = i;
        while (j < tokens.size() && tokens[j] == tokens[i])
            ++j;
        const auto it = m_postings->find(tokens[i]);
        if (it != m_postings->end())
            terms.emplace_back(&it->second, int(j - i));
        i = j;
    }
    return terms;
}

Result<Ranking> Bm25Index::search(const std::vector<std::string> &queryTexts, const std::vector<int32_t> &queryIndices,
                                  int32_t k, const std::vector<int32_t> &tiePriority,
                                  const std::vector<int32_t> &excludeDoc, Progress *progress) const
{
    if (queryTexts.size() != queryIndices.size())
        return Error::usage("one query index per query text is needed");
    if (int64_t(tiePriority.size()) != int64_t(m_docLength.size()))
        return Error::usage("tie priority must have one entry per document");
    if (!excludeDoc.empty() && excludeDoc.size() != queryTexts.size())
        return Error::usage("excludeDoc must be empty or have one entry per query");
    if (k <= 0)
        return Error::usage("k must be positive");
    Ranking ranking;
    ranking.k = k;
    ranking.queries = queryIndices;
    ranking.docs.assign(queryTexts.size() * size_t(k), -1);
    ranking.scores.assign(queryTexts.size() * size_t(k), -std::numeric_limits<float>::infinity());
    const Tokenizer tokenizer(m_options.tokenizer);
    std::atomic<int64_t> done{0};
    std::atomic<bool> stop{false};
    parallelChunks(int64_t(queryTexts.size()), resolveThreadCount(m_options.threads), [&](int64_t begin, int64_t end, int worker) {
        std::vector<float> accumulator(m_docLength.size(), 0.0f);
        std::vector<int32_t> touched;
        std::vector<std::pair<uint64_t, int32_t>> candidates; // (score/priority key, doc)
        for (int64_t qi = begin; qi < end && !stop.load(std::memory_order_relaxed); ++qi) {
            touched.clear();
            for (const auto &[term, count] : queryTerms(queryTexts[size_t(qi)], tokenizer))
                for (const Posting &posting : term->postings) {
                    if (accumulator[size_t(posting.doc)] == 0.0f)
                        touched.push_back(posting.doc);
                    accumulator[size_t(posting.doc)] += float(count) * termScore(*term, posting);
                }
            const int32_t excluded = excludeDoc.empty() ? -1 : excludeDoc[size_t(qi)];
            candidates.clear();
            for (int32_t doc : touched) {
                const float score = accumulator[size_t(doc)];
                accumulator[size_t(doc)] = 0.0f;
                if (doc == excluded || score <= 0.0f)
                    continue;
                const uint32_t bits = std::bit_cast<uint32_t>(score) | 0x80000000u; // positive scores
                candidates.emplace_back(uint64_t(bits) << 32 | uint32_t(tiePriority[size_t(doc)]), doc);
            }
            const size_t kept = std::min(candidates.size(), size_t(k));
            std::partial_sort(candidates.begin(), candidates.begin() + ptrdiff_t(kept), candidates.end(),
                              [](const auto &a, const auto &b) { return a.first > b.first; });
            for (size_t r = 0; r < kept; ++r) {
                ranking.docs[size_t(qi) * size_t(k) + r] = candidates[r].second;
                ranking.scores[size_t(qi) * size_t(k) + r] =
                    std::bit_cast<float>(uint32_t(candidates[r].first >> 32) & 0x7fffffffu);
            }
            const int64_t finished = done.fetch_add(1) + 1;
            if (progress && worker == 0 && !progress->step("bm25", finished, int64_t(queryTexts.size())))
                stop.store(true);
            if (progress && progress->shouldStop())
                stop.store(true);
        }
    });
    if (stop.load())
        return Error::cancelled();
    return ranking;
}

std::vector<float> Bm25Index::scoreDocuments(const std::string &query, const std::vector<int32_t> &docs) const
{
    const Tokenizer tokenizer(m_options.tokenizer);
    std::vector<float> scores(docs.size(), 0.0f);
    for (const auto &[term, count] : queryTerms(query, tokenizer))
        for (size_t i = 0; i < docs.size(); ++i) {
            const auto it = std::lower_bound(term->postings.begin(), term->postings.end(), docs[i],
                                             [](const Posting &p, int32_t d) { return p.doc < d; });
            if (it != term->postings.end() && it->doc == docs[i])
                scores[i] += float(count) * termScore(*term, *it);
        }
    return scores;
}

} // namespace embtune::engine
