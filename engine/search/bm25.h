#pragma once
// Okapi BM25 over the built-in tokenizer (Lucene's idf):
//   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
//   score(q, d) = sum over query tokens t of idf(t) * tf (k1 + 1) / (tf + k1 (1 - b + b |d| / avgdl))
// (a token repeated in the query counts each time, as Lucene's clauses do). Documents are
// title + " " + text. An inverted index answers searches; scoreDocuments() scores given pairs,
// for methods that use BM25 as an expert. Immutable once built: searches are thread-safe.
// withParameters() gives the index with other k1 and b sharing the postings (O(documents)).

#include "core/error.h"
#include "core/progress.h"
#include "embed/tokenizer.h"
#include "search/ranking.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

struct Bm25Options {
    double k1 = 0.9;
    double b = 0.4;
    TokenizerOptions tokenizer{1, true}; // every token length, English stop words dropped
    int threads = 0;
};

class Bm25Index {
public:
    // Indexes `documents` (one text per document, dense index = position).
    static Bm25Index build(const std::vector<std::string> &documents, const Bm25Options &options = {});

    // Top-k documents for each query text; ties broken by tiePriority (see ranking.h).
    // ranking.queries receives queryIndices (one per text); excludeDoc as in exactSearch.
    Result<Ranking> search(const std::vector<std::string> &queryTexts, const std::vector<int32_t> &queryIndices,
                           int32_t k, const std::vector<int32_t> &tiePriority,
                           const std::vector<int32_t> &excludeDoc = {}, Progress *progress = nullptr) const;

    // This index with k1 and b replaced: the postings are shared, the length norms recomputed.
    Bm25Index withParameters(double k1, double b) const;

    // BM25 score of `query` against each document in `docs`.
    std::vector<float> scoreDocuments(const std::string &query, const std::vector<int32_t> &docs) const;

    int32_t documentCount() const { return int32_t(m_docLength.size()); }
    int64_t vocabularySize() const { return m_postings ? int64_t(m_postings->size()) : 0; }
    double averageLength() const { return m_averageLength; }
    const Bm25Options &options() const { return m_options; }

private:
    struct Posting {
        int32_t doc;
        float tf;
    };
    struct Term {
        float idf;
        std::vector<Posting> postings; // ascending doc
    };
    // Per-query term weights: (term, count in the query).
    std::vector<std::pair<const Term *, int>> queryTerms(const std::string &query, const Tokenizer &tokenizer) const;
    float termScore(const Term &term, const Posting &posting) const;
    void computeLengthNorms();

    Bm25Options m_options;
    std::shared_ptr<const std::unordered_map<std::string, Term>> m_postings; // shared by withParameters()
    std::vector<float> m_docLength;
    std::vector<float> m_lengthNorm; // k1 (1 - b + b |d| / avgdl) per document
    double m_averageLength = 0;
};

} // namespace embtune::engine
