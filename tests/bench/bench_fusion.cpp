// Fusion time on SciFact once the members exist (target: fusing 3 runs over the 300 test queries,
// evaluation included, under 100 ms). Members: BM25, lsa256 by cosine and lsa256 by dot product,
// each a run of the engine's pipeline; then the fused run's evaluation (the members' top-100
// lists of every test query, fused with fixed weights, scored) and the choice of weights on dev
// (231 grid points), timed alone.

#include "bench_common.h"
#include "fusion/fusion_weights.h"
#include "run/run_fusion.h"
#include "io/npy.h"
#include "run/run_pipeline.h"

#include <filesystem>

using namespace embtune;
using namespace embtune::engine;

int main()
{
    const std::string dir = std::string(EMBTUNE_SHARED_DIR) + "/datasets/scifact";
    if (!std::filesystem::exists(dir + "/corpus.jsonl")) {
        std::fprintf(stderr, "skipped scifact: %s is absent\n", dir.c_str());
        return 0;
    }
    RunSpec spec;
    spec.dataset = dir;
    spec.base = RunBase::Fusion;
    spec.devQueries = dir + "/splits/dev.txt";
    RunSpec bm25, cosine, dot;
    bm25.dataset = cosine.dataset = dot.dataset = dir;
    bm25.base = RunBase::Bm25;
    cosine.embeddings = dot.embeddings = dir + "/embeddings/lsa256";
    dot.similarity = Similarity::Dot;
    spec.members = {bm25, cosine, dot};
    auto fused = runPipeline(spec, {}, nullptr);
    if (!fused) {
        std::fprintf(stderr, "%s\n", fused.error().toString().c_str());
        return 1;
    }
    const RunResult &run = *fused;
    const double target = 0.100;

    // The fused run's evaluation: rank every test query with each member (top 100), fuse, score.
    EvaluationOptions options;
    options.split = spec.split;
    const RankingSource source = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                     Progress *progress) { return rankFused(run, queries, k, exclude, progress); };
    double ndcg = 0;
    const double evaluate = bench::bestSecondsOf(5, [&] {
        auto report = evaluateRankings(*run.dataset, source, options);
        ndcg = report ? report->metrics.mean(Metric::Ndcg, 10) : -1;
    });
    const bool ok = evaluate <= target;
    bench::printJsonLine("fusion_evaluate_3_runs", {{"dataset", std::string("scifact")},
                                                    {"queries", int64_t(run.evaluation.metrics.queries.size())},
                                                    {"seconds", evaluate}, {"target_seconds", target}, {"pass", ok},
                                                    {"ndcg@10", ndcg}});

    // The fusion alone (members' lists in hand), and the choice of weights on dev.
    std::vector<Ranking> lists;
    for (const auto &member : run.fusion->members)
        lists.push_back(member->evaluation.ranking);
    std::vector<FusionMember> members;
    for (size_t i = 0; i < lists.size(); ++i)
        members.push_back({&lists[i], theoreticalMinimumOf(*run.fusion->members[i])});
    const std::vector<int32_t> priority = tiePriorityByIdDescending(run.dataset->docIds.ids());
    const double fuseOnly = bench::bestSecondsOf(5, [&] {
        (void)fuseRankings(members, run.fusion->choice.weights, spec.fusion.options, priority, 100);
    });
    bench::printJsonLine("fusion_fuse_only_3_runs", {{"seconds", fuseOnly}, {"target_seconds", target}, {"pass", fuseOnly <= target}});
    std::vector<int32_t> dev;
    std::vector<int32_t> devList;
    const auto devIds = readIdList(spec.devQueries);
    if (!devIds) {
        std::fprintf(stderr, "%s\n", devIds.error().toString().c_str());
        return 1;
    }
    for (const std::string &id : *devIds)
        if (const int32_t q = run.dataset->queryIds.find(id); q >= 0)
            devList.push_back(q);
    const Qrels devQrels = run.dataset->judgementsFor(devList);
    for (const QueryJudgements &j : devQrels.queries)
        if (j.relevantCount() > 0)
            dev.push_back(j.query);
    std::vector<Ranking> devLists;
    for (const auto &member : run.fusion->members) {
        auto list = rankWithRun(*member, dev, 100, {}, nullptr);
        if (!list) {
            std::fprintf(stderr, "%s\n", list.error().toString().c_str());
            return 1;
        }
        devLists.push_back(std::move(*list));
    }
    std::vector<FusionMember> devMembers;
    for (size_t i = 0; i < devLists.size(); ++i)
        devMembers.push_back({&devLists[i], theoreticalMinimumOf(*run.fusion->members[i])});
    const double choose = bench::bestSecondsOf(3, [&] {
        (void)chooseFusionWeights(devMembers, spec.fusion.options, priority, devQrels);
    });
    bench::printJsonLine("fusion_choose_weights_3_runs", {{"seconds", choose},
                                                          {"grid_points", int64_t(run.fusion->choice.curve.size())},
                                                          {"dev_queries", run.fusion->devQueries},
                                                          {"fused_test_ndcg@10", run.evaluation.metrics.mean(Metric::Ndcg, 10)}});
    return ok ? 0 : 1;
}
