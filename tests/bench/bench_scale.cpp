// Scale: wall time and peak resident memory of each step of the flow on a synthetic BEIR set of
// N documents x D dimensions (scripts/make_scale_set.py writes it once; later runs reuse it).
//
//   bench_scale [N [D]]        defaults: 1,000,000 x 384 (EMBTUNE_SCALE_N / EMBTUNE_SCALE_D too)
//   EMBTUNE_SCALE_DIR          where the set lives (default /tmp/embtune-scale-N-D)
//   EMBTUNE_SCALE_STEPS        comma-separated subset of the steps below (default: all)
//
// Steps: load (in this process: dataset + vectors), then each as its own embtune-cli process
// (peak resident = that process's ru_maxrss): evaluate exact, evaluate HNSW, NUDGE-N, NUDGE-M,
// linear (2 epochs), adder (2 epochs), analysis. One JSON line per step with seconds, peak bytes,
// the vector matrix's bytes and their ratio; target: peak <= 2 x the matrix. Linear's line also
// has its seconds per epoch (target: <= 30 s per epoch at 1M x 384 with mined negatives).
// Exit 1 when a target is missed or a step fails.

#include "bench_common.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

extern char **environ;

using namespace embtune;

namespace {

struct ChildRun {
    int status = -1;
    double seconds = 0;
    int64_t peakBytes = 0;
    std::string output; // stdout (the JSON report)
};

// Runs argv with stdout to a file, stderr inherited; measures wall time and the child's peak RSS.
ChildRun runChild(const std::vector<std::string> &args, const std::string &stdoutPath)
{
    ChildRun run;
    std::vector<char *> argv;
    for (const std::string &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const auto start = std::chrono::steady_clock::now();
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return run;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.peakBytes = int64_t(usage.ru_maxrss) * 1024;
    std::ifstream in(stdoutPath);
    std::stringstream text;
    text << in.rdbuf();
    run.output = text.str();
    return run;
}

double jsonNumber(const std::string &json, const std::string &key)
{
    const std::regex pattern("\"" + key + "\": ?([0-9.eE+-]+)");
    std::smatch match;
    return std::regex_search(json, match, pattern) ? std::stod(match[1]) : -1;
}

int64_t argumentOr(int argc, char **argv, int index, const char *env, int64_t fallback)
{
    if (argc > index)
        return std::atoll(argv[index]);
    if (const char *value = std::getenv(env))
        return std::atoll(value);
    return fallback;
}

} // namespace

int main(int argc, char **argv)
{
    const int64_t n = argumentOr(argc, argv, 1, "EMBTUNE_SCALE_N", 1000000);
    const int64_t d = argumentOr(argc, argv, 2, "EMBTUNE_SCALE_D", 384);
    const std::string dir = std::getenv("EMBTUNE_SCALE_DIR")
                                ? std::string(std::getenv("EMBTUNE_SCALE_DIR"))
                                : "/tmp/embtune-scale-" + std::to_string(n) + "-" + std::to_string(d);
    const std::string steps = std::getenv("EMBTUNE_SCALE_STEPS") ? std::getenv("EMBTUNE_SCALE_STEPS") : "";
    auto wanted = [&](const std::string &step) {
        return steps.empty() || ("," + steps + ",").find("," + step + ",") != std::string::npos;
    };
    const std::string embeddings = dir + "/embeddings/synthetic";
    if (!std::filesystem::exists(embeddings + "/corpus.npy")) {
        const std::string generate = "/usr/bin/python3 " EMBTUNE_SOURCE_DIR "/scripts/make_scale_set.py " + dir + " " +
                                     std::to_string(n) + " " + std::to_string(d);
        std::fprintf(stderr, "generating %s\n", generate.c_str());
        if (std::system(generate.c_str()) != 0) {
            std::fprintf(stderr, "skipped: could not generate the set (python3-numpy installed?)\n");
            return 0;
        }
    }
    const double matrixBytes = double(n) * double(d) * 4.0;
    bool pass = true;
    auto report = [&](const std::string &step, double seconds, int64_t peak, bool ok,
                      std::vector<std::pair<std::string, bench::Field>> extra = {}) {
        const double ratio = double(peak) / matrixBytes;
        const bool met = ok && ratio <= 2.0;
        pass = pass && met;
        std::vector<std::pair<std::string, bench::Field>> fields{
            {"step", step}, {"documents", n}, {"dim", d}, {"seconds", seconds}, {"peak_bytes", peak},
            {"matrix_bytes", int64_t(matrixBytes)}, {"peak_over_matrix", ratio}, {"target_ratio", 2.0},
            {"ok", ok}, {"met", met}};
        fields.insert(fields.end(), extra.begin(), extra.end());
        bench::printJsonLine("scale", fields);
    };

    if (wanted("load")) {
        const auto start = std::chrono::steady_clock::now();
        auto dataset = engine::readBeirDataset(dir);
        const bool ok = dataset.ok() && engine::readNpyEmbeddingSet(embeddings, *dataset).ok();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        report("load", seconds, int64_t(usage.ru_maxrss) * 1024, ok);
    }

    const std::string cli = EMBTUNE_CLI_PATH;
    const std::vector<std::string> common{"--dataset", dir, "--embeddings", embeddings};
    const std::vector<std::string> training{"--train-queries", dir + "/splits/train.txt", "--dev-queries",
                                            dir + "/splits/dev.txt", "--eval-split", "test", "--json", "-"};
    struct Step {
        std::string name;
        std::vector<std::string> args;
    };
    auto train = [&](const std::string &method, std::vector<std::string> params) {
        std::vector<std::string> args{cli, "train", "--method", method};
        args.insert(args.end(), common.begin(), common.end());
        args.insert(args.end(), training.begin(), training.end());
        for (const std::string &p : params) {
            args.push_back("--param");
            args.push_back(p);
        }
        return args;
    };
    std::vector<Step> runs{
        {"evaluate_exact", {cli, "evaluate", "--split", "test", "--json", "-"}},
        {"evaluate_hnsw", {cli, "evaluate", "--split", "test", "--search", "hnsw", "--json", "-"}},
        {"nudge_n", train("nudge-n", {})},
        {"nudge_m", train("nudge-m", {})},
        {"linear_2_epochs", train("linear", {"epochs=2"})},
        {"adder_2_epochs", train("adder", {"epochs=2"})},
        {"analysis", {cli, "analyze", "--split", "test", "--json", "-"}},
    };
    for (Step &step : runs) {
        if (!wanted(step.name))
            continue;
        if (step.args[1] != "train")
            step.args.insert(step.args.begin() + 2, common.begin(), common.end());
        const ChildRun run = runChild(step.args, "/tmp/bench_scale_" + step.name + ".json");
        std::vector<std::pair<std::string, bench::Field>> extra;
        if (step.name.find("epochs") != std::string::npos) {
            const double fitSeconds = jsonNumber(run.output, "fit_seconds");
            extra.push_back({"fit_seconds", fitSeconds});
            extra.push_back({"seconds_per_epoch", fitSeconds / 2});
            if (step.name == "linear_2_epochs" && n >= 1000000 && d <= 384 && fitSeconds / 2 > 30)
                pass = false;
        }
        // The tuned run's figure for train (its report has "baseline" first), else the run's.
        const size_t tuned = run.output.find("\"tuned\"");
        const double ndcg = jsonNumber(tuned == std::string::npos ? run.output : run.output.substr(tuned), "ndcg@10");
        extra.push_back({"ndcg@10", ndcg});
        report(step.name, run.seconds, run.peakBytes, run.status == 0, extra);
    }
    return pass ? 0 : 1;
}
