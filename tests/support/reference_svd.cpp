#include "support/reference_svd.h"

#include <Eigen/SVD>

namespace embtune::test {

ReferenceSvd referenceSvd(const Eigen::MatrixXd &x, bool fullV)
{
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(x, fullV ? Eigen::ComputeFullV : Eigen::ComputeThinV);
    return {svd.singularValues(), svd.matrixV()};
}

} // namespace embtune::test
