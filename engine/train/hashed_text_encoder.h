#pragma once
// A fastText-style text encoder trained from scratch: word unigrams and bigrams and character
// 3..5-grams of each word (with "<" ">" boundary marks) are hashed (FNV-1a 64) into `buckets`
// rows of a table; a text's vector is the mean of its features' rows (dimension `dim`).
// Training is sparse: only the rows a batch touches are updated, with Adagrad.
// Not thread-safe for writes; encode() is safe to call concurrently when no update runs.

#include "core/matrix.h"
#include "train/module.h"
#include "embed/tokenizer.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

class HashedTextEncoder {
public:
    HashedTextEncoder(int64_t buckets, int64_t dim, uint64_t seed);

    // Hashed feature rows of `text` (with repeats: a feature seen twice counts twice).
    std::vector<uint32_t> features(const std::string &text) const;
    // Mean of the features' rows (zero vector for a text without features). dim values.
    Eigen::VectorXf encode(const std::vector<uint32_t> &features) const;
    RowMatrixXf encodeAll(const std::vector<std::vector<uint32_t>> &features) const;

    // Adds dL/d(encode(features)) = gradient into the pending sparse gradient.
    void accumulate(const std::vector<uint32_t> &features, const Eigen::VectorXf &gradient);
    // Sparse Adagrad step on the rows with pending gradients, then clears them.
    void adagradStep(double learningRate, double epsilon = 1e-10);
    // The pending gradient dL/dE (buckets x dim; zero outside the touched rows).
    const RowMatrixXf &pendingGradient() const { return m_pending; }
    // Clears the pending gradient without a step.
    void discardPendingGradient();

    int64_t buckets() const { return m_table.value.rows(); }
    int64_t dim() const { return m_table.value.cols(); }
    // The table (buckets x dim) as a Parameter, for keeping the best weights (its grad is unused).
    Parameter &parameter() { return m_table; }

private:
    Tokenizer m_tokenizer;
    Parameter m_table;       // value: buckets x dim
    RowMatrixXf m_squares;   // Adagrad accumulators, same shape
    RowMatrixXf m_pending;              // buckets x dim, non-zero only on m_touched rows
    std::vector<uint32_t> m_touched;    // rows with a pending gradient
    std::vector<char> m_isTouched;
};

} // namespace embtune::engine
