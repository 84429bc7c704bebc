#pragma once
// TF-IDF weighting over a vocabulary fitted on a corpus:
//   tf = 1 + ln(count) (sublinear) or count; idf = ln((1 + n) / (1 + df)) + 1 (smoothed);
//   terms with df < minDf or df > maxDfFraction * n are dropped; rows are L2-normalised.
// Column order of the vocabulary is the terms' ascending string order (stable across runs).

#include "core/progress.h"
#include "embed/sparse_rows.h"
#include "embed/tokenizer.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

struct TfidfOptions {
    TokenizerOptions tokenizer;
    int minDf = 2;
    double maxDfFraction = 1.0;
    bool sublinearTf = true;
};

class TfidfModel {
public:
    TfidfModel() = default;
    TfidfModel(TfidfOptions options, std::vector<std::string> terms, std::vector<float> idf);

    // Fits the vocabulary and idf on `texts`; returns the corpus matrix (texts x terms) too.
    // Tokenisation runs on `threads` threads. Returns false when progress asks to stop.
    bool fit(const std::vector<std::string> &texts, int threads, SparseRows &corpus, Progress *progress = nullptr);
    // TF-IDF rows of new texts with the fitted vocabulary (unknown terms are ignored).
    SparseRows transform(const std::vector<std::string> &texts, int threads) const;

    const std::vector<std::string> &terms() const { return m_terms; }
    const std::vector<float> &idf() const { return m_idf; }
    const TfidfOptions &options() const { return m_options; }
    int64_t vocabularySize() const { return int64_t(m_terms.size()); }

private:
    void index();
    // Weighted, normalised row for one tokenised text.
    void weightRow(const std::vector<std::string> &tokens, std::vector<std::pair<int32_t, float>> &row) const;

    TfidfOptions m_options;
    std::vector<std::string> m_terms;
    std::vector<float> m_idf;
    std::unordered_map<std::string, int32_t> m_column;
};

} // namespace embtune::engine
