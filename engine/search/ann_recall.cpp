#include "search/ann_recall.h"

#include <algorithm>
#include <vector>

namespace embtune::engine {

Result<double> annRecall(const Ranking &approximate, const Ranking &exact, int32_t k)
{
    if (k < 1)
        return Error::usage("ANN recall needs k >= 1");
    if (approximate.queries != exact.queries)
        return Error::usage("ANN recall needs two rankings of the same queries in the same order");
    if (approximate.k < k || exact.k < k)
        return Error::usage("ANN recall@" + std::to_string(k) + " needs rankings of at least " + std::to_string(k) +
                            " documents per query");
    double sum = 0;
    int64_t rows = 0;
    std::vector<int32_t> truth;
    for (size_t row = 0; row < exact.size(); ++row) {
        truth.assign(exact.docsOf(row), exact.docsOf(row) + k);
        truth.erase(std::remove(truth.begin(), truth.end(), -1), truth.end());
        if (truth.empty())
            continue;
        std::sort(truth.begin(), truth.end());
        int32_t found = 0;
        const int32_t *ann = approximate.docsOf(row);
        for (int32_t r = 0; r < k; ++r)
            found += ann[r] >= 0 && std::binary_search(truth.begin(), truth.end(), ann[r]);
        sum += double(found) / double(truth.size());
        ++rows;
    }
    return rows > 0 ? sum / double(rows) : 1.0;
}

} // namespace embtune::engine
