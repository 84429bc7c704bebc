// Exact search throughput against the float GEMM rate Eigen reaches on this machine, measured
// in the same run (target: search GFLOP/s >= half of Eigen's GEMM GFLOP/s with the same number
// of threads). Shapes: 300 queries x 5,183 x 256 (SciFact-sized) and 1,000 x 1,000,000 x 256.

#include "bench_common.h"
#include "core/parallel.h"
#include "search/exact_search.h"

#include <random>
#include <thread>

using namespace embtune;
using engine::FloatMatrix;
using engine::RowMatrixXf;

namespace {

// Clustered synthetic vectors: 64 centres plus Gaussian noise.
FloatMatrix clustered(int64_t rows, int64_t dim, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(64 * dim));
    for (auto &c : centres)
        c = normal(rng);
    std::vector<float> values(size_t(rows * dim));
    engine::parallelChunks(rows, 2, [&](int64_t begin, int64_t end, int worker) {
        std::mt19937 local(seed * 7919u + uint32_t(worker));
        std::normal_distribution<float> noise(0.0f, 0.5f);
        for (int64_t r = begin; r < end; ++r) {
            const float *c = centres.data() + (local() % 64) * dim;
            for (int64_t j = 0; j < dim; ++j)
                values[size_t(r * dim + j)] = c[j] + noise(local);
        }
    });
    return FloatMatrix(rows, dim, std::move(values));
}

// Aggregate GEMM rate of `threads` concurrent Eigen products of (256 x d) x (d x 4096).
double eigenGemmGflops(int64_t dim, int threads)
{
    const int64_t m = 256, n = 4096;
    std::vector<RowMatrixXf> a(static_cast<size_t>(threads)), b(static_cast<size_t>(threads)), c(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) {
        a[size_t(t)] = RowMatrixXf::Random(m, dim);
        b[size_t(t)] = RowMatrixXf::Random(n, dim);
        c[size_t(t)].resize(m, n);
    }
    const int reps = 20;
    const double seconds = bench::bestSecondsOf(3, [&] {
        engine::parallelChunks(threads, threads, [&](int64_t begin, int64_t, int) {
            for (int r = 0; r < reps; ++r)
                c[size_t(begin)].noalias() = a[size_t(begin)] * b[size_t(begin)].transpose();
        });
    });
    return 2.0 * double(m) * double(n) * double(dim) * reps * threads / seconds / 1e9;
}

bool measure(int64_t queries, int64_t docs, int64_t dim, int threads, double gemmGflops, int repeats)
{
    const FloatMatrix d = clustered(docs, dim, 1);
    const FloatMatrix q = clustered(queries, dim, 2);
    std::vector<int32_t> rows(static_cast<size_t>(queries)), priority(static_cast<size_t>(docs));
    std::iota(rows.begin(), rows.end(), 0);
    std::iota(priority.begin(), priority.end(), 0);
    engine::ExactSearchOptions options;
    options.k = 100;
    options.threads = threads;
    const double seconds = bench::bestSecondsOf(repeats, [&] {
        auto r = engine::exactSearch(d, q, rows, priority, options);
        if (!r.ok())
            std::exit(2);
    });
    const double gflops = 2.0 * double(queries) * double(docs) * double(dim) / seconds / 1e9;
    const bool pass = gflops >= 0.5 * gemmGflops;
    bench::printJsonLine("exact_search", {{"queries", queries}, {"docs", docs}, {"dim", dim}, {"k", int64_t(100)},
                                          {"threads", int64_t(threads)}, {"seconds", seconds},
                                          {"queries_per_s", double(queries) / seconds}, {"gflops", gflops},
                                          {"eigen_gemm_gflops", gemmGflops}, {"ratio_to_gemm", gflops / gemmGflops},
                                          {"target_ratio", 0.5}, {"pass", pass}});
    return pass;
}

} // namespace

// Optional argument: "small" or "large" runs one shape only (for profiling).
int main(int argc, char **argv)
{
    const std::string only = argc > 1 ? argv[1] : "";
    const int threads = engine::resolveThreadCount(0);
    const int64_t dim = 256;
    const double gemm = eigenGemmGflops(dim, threads);
    bench::printJsonLine("eigen_gemm", {{"dim", dim}, {"threads", int64_t(threads)}, {"gflops", gemm}});
    bool pass = true;
    if (only.empty() || only == "small")
        pass &= measure(300, 5183, dim, threads, gemm, only.empty() ? 20 : 2000);
    if (only.empty() || only == "large")
        pass &= measure(1000, 1000000, dim, threads, gemm, 2);
    return pass ? 0 : 1;
}
