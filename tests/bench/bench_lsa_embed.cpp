// LSA 256 on SciFact: embtune's built-in embedder against the scikit-learn peer
// (../shared/peers/lsa_embed.py, python3-sklearn), both run as whole commands side by side in
// this run, alternating, best of 3 each. Targets: wall time at most one third of the peer's,
// test nDCG@10 >= 0.470.

#include "bench_common.h"
#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"

#include <cstdlib>
#include <filesystem>

using namespace embtune;

namespace {

double runCommand(const std::string &command)
{
    int status = 0;
    const double seconds = bench::secondsOf([&] { status = std::system((command + " > /dev/null").c_str()); });
    if (status != 0) {
        std::fprintf(stderr, "command failed (%d): %s\n", status, command.c_str());
        std::exit(2);
    }
    return seconds;
}

} // namespace

int main()
{
    const std::string shared = EMBTUNE_SHARED_DIR;
    const std::string dataset = shared + "/datasets/scifact", peer = shared + "/peers/lsa_embed.py";
    if (!std::filesystem::exists(dataset + "/corpus.jsonl") || !std::filesystem::exists(peer)) {
        std::fprintf(stderr, "skipped: %s or %s is absent\n", dataset.c_str(), peer.c_str());
        return 0;
    }
    if (std::system("/usr/bin/python3 -c 'import sklearn, numpy' 2>/dev/null") != 0) {
        std::fprintf(stderr, "skipped: python3-sklearn is not installed (apt-get install python3-sklearn)\n");
        return 0;
    }
    const auto out = std::filesystem::temp_directory_path() / "embtune-bench-lsa";
    const std::string ours = std::string(EMBTUNE_CLI_PATH) + " embed --dataset " + dataset + " --dim 256 --out " +
                             (out / "embtune").string();
    const std::string theirs = "/usr/bin/python3 " + peer + " " + dataset + " " + (out / "sklearn").string() + " 256";
    double best = 1e300, bestPeer = 1e300;
    for (int i = 0; i < 3; ++i) {
        bestPeer = std::min(bestPeer, runCommand(theirs));
        best = std::min(best, runCommand(ours));
    }

    auto ds = engine::readBeirDataset(dataset);
    if (!ds.ok())
        return 2;
    auto set = engine::readNpyEmbeddingSet((out / "embtune").string(), *ds);
    auto peerSet = engine::readNpyEmbeddingSet((out / "sklearn").string(), *ds);
    if (!set.ok() || !peerSet.ok())
        return 2;
    engine::EvaluationOptions options;
    options.ks = {10};
    const double ndcg = engine::evaluateEmbeddings(*ds, *set, options)->metrics.mean(engine::Metric::Ndcg, 10);
    const double peerNdcg = engine::evaluateEmbeddings(*ds, *peerSet, options)->metrics.mean(engine::Metric::Ndcg, 10);
    std::filesystem::remove_all(out);

    const double ratio = best / bestPeer;
    const bool pass = ratio <= 1.0 / 3.0 && ndcg >= 0.470;
    bench::printJsonLine("lsa_embed_scifact", {{"dim", int64_t(256)}, {"seconds", best}, {"peer_seconds", bestPeer},
                                               {"ratio_to_peer", ratio}, {"target_ratio", 1.0 / 3.0},
                                               {"ndcg10", ndcg}, {"peer_ndcg10", peerNdcg},
                                               {"target_ndcg10", 0.470}, {"pass", pass}});
    return pass ? 0 : 1;
}
