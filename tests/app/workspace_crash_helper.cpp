// Helper process of test_workspace_crash (not a test by itself).
//   workspace_crash_helper write DIR   records two finished runs (100 per-query values and a log
//                                      line each), starts a third run, prints "ready", then adds
//                                      per-query values (batches of kBatch) and log lines to it
//                                      until it is killed.
//   workspace_crash_helper hold DIR    opens the workspace, prints "holding", waits for stdin to
//                                      close (holds the lock meanwhile).
// Exit codes: 0 done, 1 a workspace call failed (message on stderr), 2 usage.

#include "workspace.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace embtune::app;

namespace {

constexpr int kBatch = 25;

int fail(const embtune::engine::Error &error)
{
    std::fprintf(stderr, "workspace_crash_helper: %s\n", error.toString().c_str());
    return 1;
}

// Value of query q's metric m in run r: what the test expects to read back.
double expectedValue(int64_t run, int q, int m)
{
    return double(run * 1000 + q * 2 + m) / 4096.0;
}

std::vector<QueryMetricValue> batch(int64_t run, int firstQuery, int count)
{
    std::vector<QueryMetricValue> values;
    for (int q = firstQuery; q < firstQuery + count; ++q)
        for (int m = 0; m < 2; ++m) {
            std::string id = "q";
            id += std::to_string(q);
            values.push_back({id, m == 0 ? "ndcg@10" : "recall@10", expectedValue(run, q, m)});
        }
    return values;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const std::string mode = argv[1];
    auto ws = Workspace::open(argv[2], Workspace::OpenMode::OpenOrCreate);
    if (!ws)
        return fail(ws.error());
    if (mode == "hold") {
        std::printf("holding\n");
        std::fflush(stdout);
        while (std::getchar() != EOF) {
        }
        return 0;
    }
    if (mode != "write")
        return 2;
    RunRecord record;
    record.methodId = "linear";
    record.codeVersion = "crash-helper";
    record.status = RunStatus::Running;
    for (int i = 0; i < 2; ++i) {
        auto run = ws->createRun(record);
        if (!run)
            return fail(run.error());
        for (int first = 0; first < 50; first += kBatch)
            if (auto s = ws->addQueryMetrics(*run, batch(*run, first, kBatch)); !s)
                return fail(s.error());
        if (auto s = ws->appendLog(*run, "info", "finished"); !s)
            return fail(s.error());
        if (auto s = ws->finishRun(*run, R"({"done": true})", 0.25); !s)
            return fail(s.error());
    }
    auto run = ws->createRun(record);
    if (!run)
        return fail(run.error());
    bool announced = false;
    for (int first = 0;; first += kBatch) {
        if (auto s = ws->addQueryMetrics(*run, batch(*run, first, kBatch)); !s)
            return fail(s.error());
        if (auto s = ws->appendLog(*run, "info", "batch " + std::to_string(first)); !s)
            return fail(s.error());
        if (!announced) {
            std::printf("ready\n");
            std::fflush(stdout);
            announced = true;
        }
    }
}
