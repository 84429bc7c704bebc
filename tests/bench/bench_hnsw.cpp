// HNSW against exact search on 1,000,000 x 128 synthetic clustered vectors (cosine): build time
// on 2 threads (M 16, ef_construction 200), single-threaded queries per second at ef 50, 100
// and 200 with recall@10 against exact search on 1,000 queries, and exact search's queries per
// second (1 thread, and all threads) in the same run. No targets: the figures are reported.
// Optional arguments: number of documents (default 1000000), number of queries (default 1000).

#include "bench_common.h"
#include "core/parallel.h"
#include "search/ann_recall.h"
#include "search/exact_search.h"
#include "search/hnsw_index.h"

#include <fstream>
#include <random>
#include <string>

using namespace embtune;
using engine::FloatMatrix;

namespace {

constexpr int kClusters = 1000;
constexpr float kNoise = 0.5f; // per coordinate, against unit-variance cluster centres

// `rows` vectors around kClusters Gaussian centres (the same centres for every seed), generated
// on 2 threads.
FloatMatrix clustered(int64_t rows, int64_t dim, uint32_t seed)
{
    std::mt19937 centreRng(12345);
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(kClusters) * size_t(dim));
    for (auto &c : centres)
        c = normal(centreRng);
    std::vector<float> values(size_t(rows * dim));
    engine::parallelChunks(rows, 2, [&](int64_t begin, int64_t end, int worker) {
        std::mt19937 local(seed * 7919u + uint32_t(worker));
        std::normal_distribution<float> noise(0.0f, kNoise);
        for (int64_t r = begin; r < end; ++r) {
            const float *c = centres.data() + (local() % kClusters) * dim;
            for (int64_t j = 0; j < dim; ++j)
                values[size_t(r * dim + j)] = c[j] + noise(local);
        }
    });
    return FloatMatrix(rows, dim, std::move(values));
}

double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double one = -1;
    in >> one;
    return one;
}

[[noreturn]] void die(const engine::Error &error)
{
    std::fprintf(stderr, "bench_hnsw: %s\n", error.toString().c_str());
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    const int64_t docs = argc > 1 ? std::stoll(argv[1]) : 1000000;
    const int64_t queryCount = argc > 2 ? std::stoll(argv[2]) : 1000;
    const int64_t dim = 128;
    const int32_t k = 10;
    const int allThreads = engine::resolveThreadCount(0);
    bench::printJsonLine("hnsw_setup", {{"docs", docs}, {"queries", queryCount}, {"dim", dim},
                                        {"clusters", int64_t(kClusters)}, {"noise", double(kNoise)},
                                        {"hardware_threads", int64_t(allThreads)}, {"load_average_1min", loadAverage()}});

    const FloatMatrix d = clustered(docs, dim, 1);
    const FloatMatrix q = clustered(queryCount, dim, 2);
    std::vector<std::string> ids;
    ids.reserve(size_t(docs));
    for (int64_t i = 0; i < docs; ++i)
        ids.push_back(std::to_string(i));
    std::vector<int32_t> rows(static_cast<size_t>(queryCount));
    std::iota(rows.begin(), rows.end(), 0);
    const std::vector<int32_t> priority = engine::tiePriorityByIdDescending(ids);

    // Exact search: the ground truth, and its speed on 1 thread and on all threads.
    engine::ExactSearchOptions exactOptions;
    exactOptions.k = k;
    engine::Ranking exact;
    double exactSeconds1 = 0;
    std::vector<int> exactThreads{1};
    if (allThreads > 1)
        exactThreads.push_back(allThreads);
    for (int threads : exactThreads) {
        exactOptions.threads = threads;
        const double seconds = bench::bestSecondsOf(threads == 1 ? 1 : 2, [&] {
            auto r = engine::exactSearch(d, q, rows, priority, exactOptions);
            if (!r)
                die(r.error());
            exact = std::move(*r);
        });
        if (threads == 1)
            exactSeconds1 = seconds;
        bench::printJsonLine("exact_search", {{"docs", docs}, {"queries", queryCount}, {"dim", dim}, {"k", int64_t(k)},
                                              {"threads", int64_t(threads)}, {"seconds", seconds},
                                              {"queries_per_s", double(queryCount) / seconds}});
    }

    // Build on 2 threads.
    engine::HnswParameters parameters; // M 16, ef_construction 200, seed 100, cosine
    const int buildThreads = 2;
    engine::Result<engine::HnswIndex> index = engine::Error::usage("not built");
    const double buildSeconds = bench::secondsOf([&] { index = engine::HnswIndex::build(d, ids, parameters, buildThreads); });
    if (!index)
        die(index.error());
    bench::printJsonLine("hnsw_build", {{"docs", docs}, {"dim", dim}, {"M", int64_t(parameters.m)},
                                        {"ef_construction", int64_t(parameters.efConstruction)},
                                        {"threads", int64_t(buildThreads)}, {"seconds", buildSeconds},
                                        {"inserts_per_s", double(docs) / buildSeconds},
                                        {"index_bytes", index->indexBytes()}, {"load_average_1min", loadAverage()}});

    // Single-threaded search at several ef.
    for (int ef : {50, 100, 200}) {
        if (engine::Status s = index->setEfSearch(ef); !s)
            die(s.error());
        engine::Ranking ann;
        const double seconds = bench::bestSecondsOf(3, [&] {
            auto r = index->search(q, rows, k, 1);
            if (!r)
                die(r.error());
            ann = std::move(*r);
        });
        auto recall = engine::annRecall(ann, exact, k);
        if (!recall)
            die(recall.error());
        bench::printJsonLine("hnsw_search", {{"docs", docs}, {"queries", queryCount}, {"k", int64_t(k)},
                                             {"ef", int64_t(ef)}, {"threads", int64_t(1)}, {"seconds", seconds},
                                             {"queries_per_s", double(queryCount) / seconds},
                                             {"recall_at_10", *recall},
                                             {"speedup_vs_exact_1_thread", exactSeconds1 / seconds}});
    }
    bench::printJsonLine("hnsw_done", {{"load_average_1min", loadAverage()}});
    return 0;
}
