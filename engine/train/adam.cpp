#include "train/adam.h"

#include <cmath>

namespace embtune::engine {

Adam::Adam(std::vector<Parameter *> parameters, AdamOptions options)
    : m_parameters(std::move(parameters)), m_options(options)
{
    for (Parameter *p : m_parameters) {
        m_m.push_back(RowMatrixXf::Zero(p->value.rows(), p->value.cols()));
        m_v.push_back(RowMatrixXf::Zero(p->value.rows(), p->value.cols()));
    }
}

void Adam::step()
{
    ++m_steps;
    float clip = 1.0f;
    if (m_options.clipNorm > 0) {
        double norm2 = 0;
        for (Parameter *p : m_parameters)
            norm2 += double(p->grad.squaredNorm());
        const double norm = std::sqrt(norm2);
        if (norm > m_options.clipNorm)
            clip = float(m_options.clipNorm / norm);
    }
    const double correction1 = 1 - std::pow(m_options.beta1, double(m_steps));
    const double correction2 = 1 - std::pow(m_options.beta2, double(m_steps));
    const auto b1 = float(m_options.beta1), b2 = float(m_options.beta2);
    const auto stepSize = float(m_options.learningRate / correction1);
    const auto root2 = float(std::sqrt(correction2));
    const auto eps = float(m_options.epsilon);
    for (size_t k = 0; k < m_parameters.size(); ++k) {
        Parameter &p = *m_parameters[k];
        const auto g = (p.grad.array() * clip);
        m_m[k].array() = b1 * m_m[k].array() + (1 - b1) * g;
        m_v[k].array() = b2 * m_v[k].array() + (1 - b2) * g.square();
        p.value.array() -= stepSize * m_m[k].array() / (m_v[k].array().sqrt() / root2 + eps);
    }
}

} // namespace embtune::engine
