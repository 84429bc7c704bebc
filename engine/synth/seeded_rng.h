#pragma once
// A small deterministic random generator (splitmix64 stream) for the synthetic query code: the
// same numbers on every platform and standard library, unlike std::uniform_*_distribution.
// Not thread-safe; one per task.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace embtune::engine {

inline uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class SeededRng {
public:
    explicit SeededRng(uint64_t seed) : m_state(seed) {}
    uint64_t next() { return splitmix64(m_state += 0x9e3779b97f4a7c15ULL); }
    // Uniform in [0, n), n > 0.
    uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }
    // Uniform in [0, 1).
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t m_state;
};

// The first `count` items of a seeded partial Fisher-Yates shuffle of `items`.
template <typename T>
std::vector<T> drawWithoutReplacement(std::vector<T> items, size_t count, SeededRng &rng)
{
    count = std::min(count, items.size());
    for (size_t i = 0; i < count; ++i)
        std::swap(items[i], items[i + size_t(rng.below(items.size() - i))]);
    items.resize(count);
    return items;
}

} // namespace embtune::engine
