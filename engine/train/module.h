#pragma once
// Differentiable building blocks with hand-written gradients. A Module maps a batch of row
// vectors (B x in) to (B x out). forward() caches what backward() needs; backward() takes
// dL/dy (B x out), adds dL/dparameters into each Parameter's grad and returns dL/dx (B x in).
// Modules are not thread-safe: one training loop owns one module tree.
// Every module has a finite-difference gradient test (tests/engine/test_train_modules.cpp).

#include "core/matrix.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace embtune::engine {

struct Parameter {
    std::string name;   // e.g. "W", "K", "V"
    RowMatrixXf value;
    RowMatrixXf grad;   // same shape, accumulated by backward(), cleared by zeroGrad()
};

class Module {
public:
    virtual ~Module() = default;
    virtual RowMatrixXf forward(const RowMatrixXf &x) = 0;
    virtual RowMatrixXf backward(const RowMatrixXf &gradOutput) = 0;
    // Inference without caching (thread-safe for concurrent callers).
    virtual RowMatrixXf apply(const RowMatrixXf &x) const = 0;
    virtual std::vector<Parameter *> parameters() { return {}; }
    void zeroGrad();
};

// y = x W^T, W: out x in (initialised to the identity when square).
class LinearMap : public Module {
public:
    LinearMap(int64_t in, int64_t out);
    RowMatrixXf forward(const RowMatrixXf &x) override;
    RowMatrixXf backward(const RowMatrixXf &gradOutput) override;
    RowMatrixXf apply(const RowMatrixXf &x) const override;
    std::vector<Parameter *> parameters() override { return {&m_w}; }
    Parameter &weight() { return m_w; }

private:
    Parameter m_w;
    RowMatrixXf m_input;
};

// y = lambda x + (1 - lambda) x A^T (REFINE's fusion of the frozen model with a trainable copy,
// as weight fusion W = lambda I + (1 - lambda) A). A: d x d, identity at start.
class FusedLinearMap : public Module {
public:
    FusedLinearMap(int64_t dim, double frozenWeight);
    RowMatrixXf forward(const RowMatrixXf &x) override;
    RowMatrixXf backward(const RowMatrixXf &gradOutput) override;
    RowMatrixXf apply(const RowMatrixXf &x) const override;
    std::vector<Parameter *> parameters() override { return {&m_a}; }
    Parameter &trainable() { return m_a; }
    // The fused matrix W = lambda I + (1 - lambda) A.
    RowMatrixXf fusedWeight() const;

private:
    Parameter m_a;
    float m_lambda;
    RowMatrixXf m_input;
};

// y = x + softmax(x K^T / t) V (key-value residual, ADDER). K, V: h x d. Init: V = 0 (identity
// at start), K ~ N(0, keyStd^2).
class KeyValueResidual : public Module {
public:
    KeyValueResidual(int64_t dim, int64_t keys, double temperature, double keyStd, std::mt19937_64 &rng,
                     const std::string &prefix = "");
    RowMatrixXf forward(const RowMatrixXf &x) override;
    RowMatrixXf backward(const RowMatrixXf &gradOutput) override;
    RowMatrixXf apply(const RowMatrixXf &x) const override;
    std::vector<Parameter *> parameters() override { return {&m_k, &m_v}; }

private:
    RowMatrixXf attention(const RowMatrixXf &x) const; // B x h softmax weights
    Parameter m_k, m_v;
    double m_temperature;
    RowMatrixXf m_input, m_attention;
};

// y = x / |x| row-wise (rows of zero norm pass through unchanged).
class RowNormalize : public Module {
public:
    RowMatrixXf forward(const RowMatrixXf &x) override;
    RowMatrixXf backward(const RowMatrixXf &gradOutput) override;
    RowMatrixXf apply(const RowMatrixXf &x) const override;

private:
    RowMatrixXf m_output;
    Eigen::VectorXf m_norm;
};

// Modules applied in order.
class Sequential : public Module {
public:
    void add(std::unique_ptr<Module> module) { m_modules.push_back(std::move(module)); }
    RowMatrixXf forward(const RowMatrixXf &x) override;
    RowMatrixXf backward(const RowMatrixXf &gradOutput) override;
    RowMatrixXf apply(const RowMatrixXf &x) const override;
    std::vector<Parameter *> parameters() override;

private:
    std::vector<std::unique_ptr<Module>> m_modules;
};

} // namespace embtune::engine
