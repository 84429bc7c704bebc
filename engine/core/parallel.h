#pragma once
// Minimal fork-join parallelism for numeric kernels (no Qt in the engine).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace embtune::engine {

// Number of worker threads to use for `requested` (0 = all hardware threads).
inline int resolveThreadCount(int requested)
{
    if (requested > 0)
        return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

// Calls body(begin, end, worker) on `threads` contiguous chunks of [0, n) concurrently and
// waits for all. worker is 0..threads-1. body must be thread-safe across disjoint chunks.
inline void parallelChunks(int64_t n, int threads, const std::function<void(int64_t, int64_t, int)> &body)
{
    threads = int(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
    if (threads == 1) {
        body(0, n, 0);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    const int64_t chunk = (n + threads - 1) / threads;
    for (int t = 1; t < threads; ++t) {
        const int64_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
        pool.emplace_back([&body, begin, end, t] { body(begin, end, t); });
    }
    body(0, std::min(n, chunk), 0);
    for (auto &thread : pool)
        thread.join();
}

} // namespace embtune::engine
