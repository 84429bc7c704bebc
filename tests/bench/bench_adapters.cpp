// Time per training step of the linear and key-value (ADDER) query adapters against the PyTorch
// peer (../shared/peers/peer_adapters.py, python3-torch), side by side in this run with the same
// data, batch size (64) and negatives (the whole corpus). Target: at most one fifth of the
// peer's time per step. Both run 3 epochs; each side is measured twice, best kept.

#include "bench_common.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>

using namespace embtune;

namespace {

std::string capture(const std::string &command)
{
    std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(command.c_str(), "r"), &pclose);
    std::string out;
    char buffer[4096];
    while (pipe && fgets(buffer, sizeof buffer, pipe.get()))
        out += buffer;
    return out;
}

double msPerStep(const std::string &output, const char *key)
{
    const std::regex pattern(std::string("\\\\?\"") + key + "\\\\?\": ?([0-9.eE+-]+)");
    std::smatch match;
    if (!std::regex_search(output, match, pattern))
        return -1;
    return std::stod(match[1]);
}

} // namespace

int main()
{
    const std::string shared = EMBTUNE_SHARED_DIR;
    const std::string dataset = shared + "/datasets/scifact", embeddings = dataset + "/embeddings/lsa256";
    const std::string peer = shared + "/peers/peer_adapters.py";
    if (!std::filesystem::exists(dataset + "/corpus.jsonl") || !std::filesystem::exists(peer)) {
        std::fprintf(stderr, "skipped: %s or %s is absent\n", dataset.c_str(), peer.c_str());
        return 0;
    }
    if (std::system("/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null") != 0) {
        std::fprintf(stderr, "skipped: python3-torch is not installed (apt-get install python3-torch)\n");
        return 0;
    }
    bool pass = true;
    for (const char *method : {"linear", "adder"}) {
        double ours = 1e300, theirs = 1e300;
        for (int repeat = 0; repeat < 2; ++repeat) {
            theirs = std::min(theirs, msPerStep(capture("/usr/bin/python3 " + peer + " " + dataset + " " + embeddings +
                                                        " " + method + " 3"),
                                                "ms_per_step"));
            ours = std::min(ours, msPerStep(capture(std::string(EMBTUNE_CLI_PATH) + " train --method " + method +
                                                    " --param epochs=3 --param batch_size=64 --param negatives=corpus --dataset " + dataset +
                                                    " --embeddings " + embeddings + " --train-queries " + dataset +
                                                    "/splits/train.txt --dev-queries " + dataset +
                                                    "/splits/dev.txt --json -"),
                                            "ms_per_step"));
        }
        if (ours <= 0 || theirs <= 0) {
            std::fprintf(stderr, "could not read ms_per_step for %s\n", method);
            return 2;
        }
        const double ratio = ours / theirs;
        pass &= ratio <= 0.2;
        bench::printJsonLine("adapter_step_time", {{"method", std::string(method)}, {"batch_size", int64_t(64)},
                                                   {"negatives", std::string("corpus")}, {"ms_per_step", ours},
                                                   {"peer_ms_per_step", theirs}, {"ratio_to_peer", ratio},
                                                   {"target_ratio", 0.2}, {"pass", ratio <= 0.2}});
    }
    return pass ? 0 : 1;
}
