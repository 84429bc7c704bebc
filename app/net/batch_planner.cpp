#include "batch_planner.h"

#include <algorithm>
#include <cassert>

namespace embtune::net {

int64_t estimateTokens(std::string_view text)
{
    return std::max<int64_t>(1, (int64_t(text.size()) + 3) / 4);
}

std::vector<BatchRange> planBatches(const std::vector<int64_t> &tokens, int64_t maxItems, int64_t maxTokens)
{
    assert(maxItems >= 1 && maxTokens >= 1);
    std::vector<BatchRange> batches;
    BatchRange current;
    const auto count = int64_t(tokens.size());
    for (int64_t i = 0; i < count; ++i) {
        const int64_t t = tokens[size_t(i)];
        if (current.size() > 0 && (current.size() + 1 > maxItems || current.tokens + t > maxTokens)) {
            batches.push_back(current);
            current = BatchRange{i, i, 0};
        }
        if (current.size() == 0)
            current.begin = i;
        current.end = i + 1;
        current.tokens += t;
    }
    if (current.size() > 0)
        batches.push_back(current);
    return batches;
}

} // namespace embtune::net
