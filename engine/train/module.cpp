#include "train/module.h"

#include <cmath>

namespace embtune::engine {

void Module::zeroGrad()
{
    for (Parameter *p : parameters())
        p->grad.setZero(p->value.rows(), p->value.cols());
}

LinearMap::LinearMap(int64_t in, int64_t out)
    : m_w{std::string(1, 'W'), RowMatrixXf::Identity(out, in), RowMatrixXf::Zero(out, in)}
{
}

RowMatrixXf LinearMap::forward(const RowMatrixXf &x)
{
    m_input = x;
    return apply(x);
}

RowMatrixXf LinearMap::apply(const RowMatrixXf &x) const
{
    RowMatrixXf y(x.rows(), m_w.value.rows());
    y.noalias() = x * m_w.value.transpose();
    return y;
}

RowMatrixXf LinearMap::backward(const RowMatrixXf &gradOutput)
{
    m_w.grad.noalias() += gradOutput.transpose() * m_input; // out x in
    RowMatrixXf gradInput(gradOutput.rows(), m_w.value.cols());
    gradInput.noalias() = gradOutput * m_w.value;
    return gradInput;
}

FusedLinearMap::FusedLinearMap(int64_t dim, double frozenWeight)
    : m_a{std::string(1, 'A'), RowMatrixXf::Identity(dim, dim), RowMatrixXf::Zero(dim, dim)}, m_lambda(float(frozenWeight))
{
}

RowMatrixXf FusedLinearMap::apply(const RowMatrixXf &x) const
{
    RowMatrixXf y = m_lambda * x;
    y.noalias() += (1 - m_lambda) * (x * m_a.value.transpose());
    return y;
}

RowMatrixXf FusedLinearMap::forward(const RowMatrixXf &x)
{
    m_input = x;
    return apply(x);
}

RowMatrixXf FusedLinearMap::backward(const RowMatrixXf &gradOutput)
{
    m_a.grad.noalias() += (1 - m_lambda) * (gradOutput.transpose() * m_input);
    RowMatrixXf gradInput = m_lambda * gradOutput;
    gradInput.noalias() += (1 - m_lambda) * (gradOutput * m_a.value);
    return gradInput;
}

RowMatrixXf FusedLinearMap::fusedWeight() const
{
    return m_lambda * RowMatrixXf::Identity(m_a.value.rows(), m_a.value.cols()) + (1 - m_lambda) * m_a.value;
}

KeyValueResidual::KeyValueResidual(int64_t dim, int64_t keys, double temperature, double keyStd, std::mt19937_64 &rng,
                                   const std::string &prefix)
    : m_temperature(temperature)
{
    m_k.name = prefix + "K";
    m_v.name = prefix + "V";
    m_k.value.resize(keys, dim);
    // Box-Muller over the engine's integers: the same numbers on every platform.
    for (Eigen::Index i = 0; i < m_k.value.size(); i += 2) {
        const double u1 = (double(rng() >> 11) + 1.0) * 0x1.0p-53, u2 = double(rng() >> 11) * 0x1.0p-53;
        const double r = std::sqrt(-2.0 * std::log(u1)) * keyStd;
        m_k.value.data()[i] = float(r * std::cos(6.283185307179586 * u2));
        if (i + 1 < m_k.value.size())
            m_k.value.data()[i + 1] = float(r * std::sin(6.283185307179586 * u2));
    }
    m_v.value = RowMatrixXf::Zero(keys, dim);
    m_k.grad = RowMatrixXf::Zero(keys, dim);
    m_v.grad = RowMatrixXf::Zero(keys, dim);
}

RowMatrixXf KeyValueResidual::attention(const RowMatrixXf &x) const
{
    RowMatrixXf logits(x.rows(), m_k.value.rows());
    logits.noalias() = x * m_k.value.transpose();
    logits /= float(m_temperature);
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        const float top = logits.row(i).maxCoeff();
        logits.row(i) = (logits.row(i).array() - top).exp();
        logits.row(i) /= logits.row(i).sum();
    }
    return logits;
}

RowMatrixXf KeyValueResidual::apply(const RowMatrixXf &x) const
{
    RowMatrixXf y = x;
    y.noalias() += attention(x) * m_v.value;
    return y;
}

RowMatrixXf KeyValueResidual::forward(const RowMatrixXf &x)
{
    m_input = x;
    m_attention = attention(x);
    RowMatrixXf y = x;
    y.noalias() += m_attention * m_v.value;
    return y;
}

RowMatrixXf KeyValueResidual::backward(const RowMatrixXf &gradOutput)
{
    // y = x + A V, A = softmax(Z), Z = x K^T / t.
    m_v.grad.noalias() += m_attention.transpose() * gradOutput;          // h x d
    RowMatrixXf gradA(gradOutput.rows(), m_v.value.rows());
    gradA.noalias() = gradOutput * m_v.value.transpose();                // B x h
    // Softmax backward: dZ = A .* (dA - rowsum(dA .* A)).
    RowMatrixXf gradZ = m_attention;
    for (Eigen::Index i = 0; i < gradZ.rows(); ++i) {
        const float dot = gradA.row(i).dot(m_attention.row(i));
        gradZ.row(i) = m_attention.row(i).array() * (gradA.row(i).array() - dot);
    }
    gradZ /= float(m_temperature);
    m_k.grad.noalias() += gradZ.transpose() * m_input;                   // h x d
    RowMatrixXf gradInput = gradOutput;
    gradInput.noalias() += gradZ * m_k.value;
    return gradInput;
}

RowMatrixXf RowNormalize::apply(const RowMatrixXf &x) const
{
    RowMatrixXf y = x;
    for (Eigen::Index i = 0; i < y.rows(); ++i) {
        const float norm = y.row(i).norm();
        if (norm > 0)
            y.row(i) /= norm;
    }
    return y;
}

RowMatrixXf RowNormalize::forward(const RowMatrixXf &x)
{
    m_norm = x.rowwise().norm();
    m_output = apply(x);
    return m_output;
}

RowMatrixXf RowNormalize::backward(const RowMatrixXf &gradOutput)
{
    // y = x/|x|: dx = (dy - y (y . dy)) / |x|.
    RowMatrixXf gradInput = gradOutput;
    for (Eigen::Index i = 0; i < gradInput.rows(); ++i) {
        if (m_norm[i] <= 0)
            continue;
        const float dot = m_output.row(i).dot(gradOutput.row(i));
        gradInput.row(i) = (gradOutput.row(i) - dot * m_output.row(i)) / m_norm[i];
    }
    return gradInput;
}

RowMatrixXf Sequential::forward(const RowMatrixXf &x)
{
    RowMatrixXf y = x;
    for (auto &module : m_modules)
        y = module->forward(y);
    return y;
}

RowMatrixXf Sequential::backward(const RowMatrixXf &gradOutput)
{
    RowMatrixXf g = gradOutput;
    for (auto it = m_modules.rbegin(); it != m_modules.rend(); ++it)
        g = (*it)->backward(g);
    return g;
}

RowMatrixXf Sequential::apply(const RowMatrixXf &x) const
{
    RowMatrixXf y = x;
    for (const auto &module : m_modules)
        y = module->apply(y);
    return y;
}

std::vector<Parameter *> Sequential::parameters()
{
    std::vector<Parameter *> all;
    for (auto &module : m_modules)
        for (Parameter *p : module->parameters())
            all.push_back(p);
    return all;
}

} // namespace embtune::engine
