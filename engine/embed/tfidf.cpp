#include "embed/tfidf.h"

#include "core/parallel.h"

#include <algorithm>
#include <cmath>

namespace embtune::engine {
namespace {

std::vector<std::vector<std::string>> tokenizeAll(const std::vector<std::string> &texts, const Tokenizer &tokenizer,
                                                  int threads)
{
    std::vector<std::vector<std::string>> tokens(texts.size());
    parallelChunks(int64_t(texts.size()), resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i)
            tokenizer.tokenize(texts[size_t(i)], tokens[size_t(i)]);
    });
    return tokens;
}

SparseRows assemble(const std::vector<std::vector<std::pair<int32_t, float>>> &rows, int64_t cols)
{
    SparseRows m;
    m.rows = int64_t(rows.size());
    m.cols = cols;
    m.rowStart.reserve(rows.size() + 1);
    for (const auto &row : rows) {
        for (const auto &[col, value] : row) {
            m.colIndex.push_back(col);
            m.values.push_back(value);
        }
        m.rowStart.push_back(int64_t(m.values.size()));
    }
    return m;
}

} // namespace

TfidfModel::TfidfModel(TfidfOptions options, std::vector<std::string> terms, std::vector<float> idf)
    : m_options(options), m_terms(std::move(terms)), m_idf(std::move(idf))
{
    index();
}

void TfidfModel::index()
{
    m_column.clear();
    m_column.reserve(m_terms.size());
    for (size_t i = 0; i < m_terms.size(); ++i)
        m_column.emplace(m_terms[i], int32_t(i));
}

void TfidfModel::weightRow(const std::vector<std::string> &tokens, std::vector<std::pair<int32_t, float>> &row) const
{
    row.clear();
    for (const auto &token : tokens) {
        const auto it = m_column.find(token);
        if (it != m_column.end())
            row.emplace_back(it->second, 1.0f);
    }
    std::sort(row.begin(), row.end());
    // Merge counts of equal columns.
    size_t out = 0;
    for (size_t i = 0; i < row.size();) {
        size_t j = i;
        while (j < row.size() && row[j].first == row[i].first)
            ++j;
        const auto count = float(j - i);
        const float tf = m_options.sublinearTf ? 1.0f + std::log(count) : count;
        row[out++] = {row[i].first, tf * m_idf[size_t(row[i].first)]};
        i = j;
    }
    row.resize(out);
    double norm = 0;
    for (const auto &entry : row)
        norm += double(entry.second) * entry.second;
    if (norm > 0) {
        const auto scale = float(1.0 / std::sqrt(norm));
        for (auto &entry : row)
            entry.second *= scale;
    }
}

bool TfidfModel::fit(const std::vector<std::string> &texts, int threads, SparseRows &corpus, Progress *progress)
{
    const Tokenizer tokenizer(m_options.tokenizer);
    const auto tokens = tokenizeAll(texts, tokenizer, threads);
    if (progress && !progress->step("tf-idf", 1, 3))
        return false;

    std::unordered_map<std::string, int64_t> df;
    std::vector<std::string> unique;
    for (const auto &docTokens : tokens) {
        unique = docTokens;
        std::sort(unique.begin(), unique.end());
        unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
        for (const auto &term : unique)
            ++df[term];
    }
    const auto n = int64_t(texts.size());
    const double maxDf = m_options.maxDfFraction * double(n);
    m_terms.clear();
    for (const auto &[term, count] : df)
        if (count >= m_options.minDf && double(count) <= maxDf)
            m_terms.push_back(term);
    std::sort(m_terms.begin(), m_terms.end());
    m_idf.resize(m_terms.size());
    for (size_t i = 0; i < m_terms.size(); ++i)
        m_idf[i] = float(std::log((1.0 + double(n)) / (1.0 + double(df[m_terms[i]]))) + 1.0);
    index();
    if (progress && !progress->step("tf-idf", 2, 3))
        return false;

    std::vector<std::vector<std::pair<int32_t, float>>> rows(texts.size());
    parallelChunks(n, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i)
            weightRow(tokens[size_t(i)], rows[size_t(i)]);
    });
    corpus = assemble(rows, vocabularySize());
    return !progress || progress->step("tf-idf", 3, 3);
}

SparseRows TfidfModel::transform(const std::vector<std::string> &texts, int threads) const
{
    const Tokenizer tokenizer(m_options.tokenizer);
    std::vector<std::vector<std::pair<int32_t, float>>> rows(texts.size());
    parallelChunks(int64_t(texts.size()), resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        std::vector<std::string> tokens;
        for (int64_t i = begin; i < end; ++i) {
            tokenizer.tokenize(texts[size_t(i)], tokens);
            weightRow(tokens, rows[size_t(i)]);
        }
    });
    return assemble(rows, vocabularySize());
}

} // namespace embtune::engine
