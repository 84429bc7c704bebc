#include "train/hashed_text_encoder.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace embtune::engine {
namespace {

uint64_t fnv1a(std::string_view text, uint64_t salt)
{
    uint64_t hash = 14695981039346656037ull ^ salt;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

} // namespace

HashedTextEncoder::HashedTextEncoder(int64_t buckets, int64_t dim, uint64_t seed)
    : m_tokenizer({1, false}), m_squares(RowMatrixXf::Zero(buckets, dim)), m_pending(RowMatrixXf::Zero(buckets, dim)),
      m_isTouched(static_cast<size_t>(buckets), 0)
{
    m_table.name = std::string(1, 'E');
    m_table.value.resize(buckets, dim);
    std::mt19937_64 rng(seed);
    const double range = 1.0 / double(dim);
    for (Eigen::Index i = 0; i < m_table.value.size(); ++i)
        m_table.value.data()[i] = float((double(rng() >> 11) * 0x1.0p-53 * 2.0 - 1.0) * range);
}

std::vector<uint32_t> HashedTextEncoder::features(const std::string &text) const
{
    const auto buckets = uint64_t(m_table.value.rows());
    const std::vector<std::string> words = m_tokenizer.tokenize(text);
    std::vector<uint32_t> out;
    out.reserve(words.size() * 12);
    for (size_t i = 0; i < words.size(); ++i) {
        out.push_back(uint32_t(fnv1a(words[i], 1) % buckets));
        if (i + 1 < words.size())
            out.push_back(uint32_t(fnv1a(words[i] + " " + words[i + 1], 2) % buckets));
        const std::string marked = "<" + words[i] + ">";
        for (size_t n = 3; n <= 5; ++n)
            for (size_t start = 0; start + n <= marked.size(); ++start)
                out.push_back(uint32_t(fnv1a(std::string_view(marked).substr(start, n), 3) % buckets));
    }
    return out;
}

Eigen::VectorXf HashedTextEncoder::encode(const std::vector<uint32_t> &features) const
{
    Eigen::VectorXf out = Eigen::VectorXf::Zero(m_table.value.cols());
    for (uint32_t f : features)
        out += m_table.value.row(f).transpose();
    if (!features.empty())
        out /= float(features.size());
    return out;
}

RowMatrixXf HashedTextEncoder::encodeAll(const std::vector<std::vector<uint32_t>> &features) const
{
    RowMatrixXf out(Eigen::Index(features.size()), m_table.value.cols());
    for (size_t i = 0; i < features.size(); ++i)
        out.row(Eigen::Index(i)) = encode(features[i]).transpose();
    return out;
}

void HashedTextEncoder::accumulate(const std::vector<uint32_t> &features, const Eigen::VectorXf &gradient)
{
    if (features.empty())
        return;
    const Eigen::RowVectorXf share = gradient.transpose() / float(features.size());
    for (uint32_t f : features) {
        if (!m_isTouched[f]) {
            m_isTouched[f] = 1;
            m_touched.push_back(f);
        }
        m_pending.row(f) += share;
    }
}

void HashedTextEncoder::adagradStep(double learningRate, double epsilon)
{
    std::sort(m_touched.begin(), m_touched.end()); // a fixed order: reproducible results
    for (uint32_t row : m_touched) {
        auto gradient = m_pending.row(row);
        auto squares = m_squares.row(row);
        squares += gradient.cwiseAbs2();
        m_table.value.row(row).array() -= float(learningRate) * gradient.array() / (squares.array().sqrt() + float(epsilon));
        gradient.setZero();
        m_isTouched[row] = 0;
    }
    m_touched.clear();
}

void HashedTextEncoder::discardPendingGradient()
{
    for (uint32_t row : m_touched) {
        m_pending.row(row).setZero();
        m_isTouched[row] = 0;
    }
    m_touched.clear();
}

} // namespace embtune::engine
