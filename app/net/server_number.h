#pragma once
// Numbers a server sends (JSON numbers, header values) arrive as doubles of any size, infinite or
// NaN; converting one outside an integer type's range is undefined behaviour. Every conversion of
// such a number to an integer (or a float) in embtune_net goes through these functions. Reentrant.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace embtune::net {

// `value` truncated toward zero and clamped to [low, high] (low <= high); NaN gives `low`.
inline int64_t serverInteger(double value, int64_t low, int64_t high)
{
    if (std::isnan(value) || value <= double(low))
        return low;
    if (value >= double(high))
        return high;
    return std::clamp(int64_t(value), low, high); // double(high) may round above high
}

// `value` as a float; infinite when it lies beyond float's range (or is NaN), for the caller's
// finiteness check to reject.
inline float serverFloat(double value)
{
    if (!(std::fabs(value) <= double(std::numeric_limits<float>::max())))
        return std::numeric_limits<float>::infinity();
    return float(value);
}

// Token counts a server reports per answer are clamped to this, so that summing them over any
// credible number of requests cannot overflow.
inline constexpr int64_t kMaxServerTokens = int64_t(1) << 40;

} // namespace embtune::net
