#pragma once
// Adam (Kingma & Ba) with bias correction and optional clipping of the global gradient norm.

#include "train/module.h"

#include <vector>

namespace embtune::engine {

struct AdamOptions {
    double learningRate = 1e-3;
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    double clipNorm = 0; // 0 = no clipping; otherwise gradients are scaled to this global norm
};

class Adam {
public:
    Adam(std::vector<Parameter *> parameters, AdamOptions options);
    // Applies one update from the parameters' accumulated gradients.
    void step();
    int64_t steps() const { return m_steps; }

private:
    std::vector<Parameter *> m_parameters;
    AdamOptions m_options;
    std::vector<RowMatrixXf> m_m, m_v;
    int64_t m_steps = 0;
};

} // namespace embtune::engine
