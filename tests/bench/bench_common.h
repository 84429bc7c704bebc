#pragma once
// Helpers for benchmarks: wall-clock timing and JSON-line output.

#include "io/json_writer.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace embtune::bench {

inline double secondsOf(const std::function<void()> &work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Best (minimum) wall time of `repeats` runs: the least noisy estimate on a shared machine.
inline double bestSecondsOf(int repeats, const std::function<void()> &work)
{
    double best = 1e300;
    for (int i = 0; i < repeats; ++i)
        best = std::min(best, secondsOf(work));
    return best;
}

using Field = std::variant<double, int64_t, bool, std::string>;

// Prints one JSON object on one line: {"bench": name, key: value, ...}.
inline void printJsonLine(const std::string &name, const std::vector<std::pair<std::string, Field>> &fields)
{
    engine::JsonWriter w(false);
    w.beginObject();
    w.key("bench");
    w.value(name);
    for (const auto &[key, value] : fields) {
        w.key(key);
        std::visit([&](const auto &v) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>)
                w.value(std::string_view(v));
            else
                w.value(v);
        }, value);
    }
    w.endObject();
    std::printf("%s\n", w.str().c_str());
    std::fflush(stdout);
}

} // namespace embtune::bench
