#include "run/run_fusion.h"

#include "search/ranking.h"

#include <cmath>
#include <limits>
#include <map>

namespace embtune::engine {
namespace {

// The member lists of `queries` (depth documents each), rows in the order of `queries`.
Result<std::vector<Ranking>> memberLists(const std::vector<std::shared_ptr<const RunResult>> &members,
                                         const std::vector<int32_t> &queries, int32_t depth,
                                         const std::vector<int32_t> &excludeDoc, Progress *progress)
{
    std::vector<Ranking> lists;
    lists.reserve(members.size());
    for (const auto &member : members) {
        auto ranking = rankWithRun(*member, queries, depth, excludeDoc, progress);
        if (!ranking)
            return ranking.error();
        lists.push_back(std::move(*ranking));
    }
    return lists;
}

std::vector<FusionMember> fusionMembers(const std::vector<std::shared_ptr<const RunResult>> &members,
                                        const std::vector<Ranking> &lists)
{
    std::vector<FusionMember> out;
    for (size_t i = 0; i < members.size(); ++i)
        out.push_back({&lists[i], theoreticalMinimumOf(*members[i])});
    return out;
}

std::vector<int32_t> sameIdExclusions(const Dataset &dataset, const std::vector<int32_t> &queries, bool ignoreSameId)
{
    std::vector<int32_t> exclude;
    if (ignoreSameId)
        for (int32_t q : queries)
            exclude.push_back(dataset.docIds.find(dataset.queryIds.id(q)));
    return exclude;
}

std::vector<double> normalizedWeights(std::vector<double> weights)
{
    double sum = 0;
    for (double w : weights)
        sum += w;
    for (double &w : weights)
        w /= sum;
    return weights;
}

// `name`, or "name (2)", "name (3)"... when members before had it.
std::string uniqueMemberName(std::map<std::string, int> &nameCount, std::string name)
{
    if (const int seen = nameCount[name]++; seen > 0)
        name += " (" + std::to_string(seen + 1) + ")";
    return name;
}

} // namespace

double theoreticalMinimumOf(const RunResult &run)
{
    if (run.bm25)
        return 0.0;
    if (run.fusion)
        return std::numeric_limits<double>::quiet_NaN();
    return run.similarity() == Similarity::Cosine ? -1.0 : std::numeric_limits<double>::quiet_NaN();
}

std::string runDisplayName(const RunResult &run)
{
    if (run.fusion)
        return "fusion";
    if (run.bm25)
        return "bm25";
    if (run.tuned)
        return run.tuned->name;
    return run.embeddings ? run.embeddings->name : runBaseName(run.spec.base);
}

Result<Ranking> rankFused(const RunResult &run, const std::vector<int32_t> &queries, int32_t k,
                          const std::vector<int32_t> &excludeDoc, Progress *progress)
{
    const FusionRecord &record = *run.fusion;
    FusionOptions options = run.spec.fusion.options;
    options.rrfK = record.choice.rrfK > 0 ? record.choice.rrfK : options.rrfK;
    auto lists = memberLists(record.members, queries, options.depth, excludeDoc, progress);
    if (!lists)
        return lists.error();
    return fuseRankings(fusionMembers(record.members, *lists), record.choice.weights, options,
                        tiePriorityByIdDescending(run.dataset->docIds.ids()), std::max(k, 1));
}

Result<std::vector<std::vector<FusionContribution>>> fusionBreakdown(const RunResult &fused, int32_t query,
                                                                     const std::vector<int32_t> &docs, Progress *progress)
{
    if (!fused.fusion)
        return Error::usage("not a fused run");
    const FusionRecord &record = *fused.fusion;
    const FusionOptions &options = fused.spec.fusion.options;
    const double rrfK = record.choice.rrfK > 0 ? record.choice.rrfK : options.rrfK;
    const std::vector<int32_t> queries{query};
    auto lists = memberLists(record.members, queries,
                             options.depth, sameIdExclusions(*fused.dataset, queries, fused.spec.ignoreSameId), progress);
    if (!lists)
        return lists.error();
    std::vector<std::vector<FusionContribution>> out(docs.size(), std::vector<FusionContribution>(record.members.size()));
    for (size_t i = 0; i < record.members.size(); ++i) {
        const Ranking &list = (*lists)[i];
        int32_t n = 0;
        while (n < std::min(options.depth, list.k) && list.docsOf(0)[n] >= 0)
            ++n;
        const NormalizedList normalized = normalizeList(list.scoresOf(0), n, options.normalization, options.depth,
                                                        theoreticalMinimumOf(*record.members[i]));
        for (size_t j = 0; j < docs.size(); ++j) {
            FusionContribution &c = out[j][i];
            for (int32_t r = 0; r < n; ++r)
                if (list.docsOf(0)[r] == docs[j]) {
                    c.rank = r + 1;
                    break;
                }
            if (options.method == FusionMethod::Rrf)
                c.value = c.rank > 0 ? 1.0 / (rrfK + c.rank) : 0.0;
            else if (c.rank > 0)
                c.value = normalized.values[size_t(c.rank - 1)];
            else
                c.value = options.method == FusionMethod::Convex ? normalized.floor : 0.0;
        }
    }
    return out;
}

Status chooseFusionOnDev(const RunSpec &spec, const Dataset &dataset, const std::vector<int32_t> &devQueries,
                         FusionRecord &record, std::vector<std::string> &warnings, Progress *progress)
{
    const std::vector<int32_t> tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());
    const FusionSettings &settings = spec.fusion;
    const Qrels devQrels = dataset.judgementsFor(devQueries);
    std::vector<int32_t> judged;
    for (int32_t q : devQueries)
        if (const QueryJudgements *j = devQrels.find(q); j && j->relevantCount() > 0)
            judged.push_back(q);
    if (judged.empty())
        return Error::input("no dev query has a relevant document: the fusion cannot be chosen on dev", spec.devQueries);
    if (const Qrels *evaluated = dataset.split(spec.split)) {
        std::vector<int32_t> shared;
        for (int32_t q : judged)
            if (evaluated->find(q))
                shared.push_back(q);
        if (!shared.empty())
            warnings.push_back(std::to_string(shared.size()) + " of the " + std::to_string(judged.size()) +
                               " dev queries the fusion was chosen on are judged in the evaluated split \"" +
                               spec.split + "\" (" + idSample(dataset.queryIds, shared) +
                               "): its figures there are optimistic");
    }
    if (progress && !progress->step("choosing the fusion on dev", 0, 1))
        return Error::cancelled();
    const std::vector<int32_t> exclude = sameIdExclusions(dataset, judged, spec.ignoreSameId);
    auto lists = memberLists(record.members, judged, settings.options.depth, exclude, progress);
    if (!lists)
        return lists.error();
    // The weights (and k) for the members' lists as they are.
    const auto choose = [&](const std::vector<Ranking> &memberRankings) {
        const auto members = fusionMembers(record.members, memberRankings);
        FusionChoice choice;
        if (settings.weights.empty())
            return chooseFusionWeights(members, settings.options, tiePriority, devQrels);
        // Weights given, RRF k chosen: the grid is k alone.
        const std::vector<double> weights = normalizedWeights(settings.weights);
        for (size_t i = 0; i < members.size(); ++i)
            choice.memberDevScores.push_back(fusionDevScore({members[i]}, {1.0}, settings.options, tiePriority, devQrels));
        bool first = true;
        for (double k : kRrfKGrid) {
            FusionOptions at = settings.options;
            at.rrfK = k;
            const double score = fusionDevScore(members, weights, at, tiePriority, devQrels);
            choice.curve.push_back({weights, k, score});
            if (first || score > choice.devScore)
                choice.weights = weights, choice.rrfK = k, choice.devScore = score, first = false;
        }
        return choice;
    };
    // BM25 members whose k1 and b are chosen too, one after another: every (k1, b) of the grid
    // with the weights chosen for it; the best dev score wins (the first in grid order on ties).
    // The member is then that BM25 run, evaluated on the split.
    for (size_t i = 0; i < record.members.size(); ++i) {
        const RunResult &member = *record.members[i];
        // The fusion's spec says (a run the caller made has its own spec).
        const bool onDev = i < spec.members.size() ? spec.members[i].bm25.chooseOnDev : member.spec.bm25.chooseOnDev;
        if (!member.bm25 || !onDev)
            continue;
        double bestScore = -1, bestK1 = member.spec.bm25.k1, bestB = member.spec.bm25.b;
        for (double k1 : kBm25K1Grid)
            for (double b : kBm25BGrid) {
                auto variant = bm25RunWith(member, k1, b, false, progress);
                if (!variant)
                    return variant.error();
                auto ranking = rankWithRun(*variant, judged, settings.options.depth, exclude, progress);
                if (!ranking)
                    return ranking.error();
                (*lists)[i] = std::move(*ranking);
                if (const double score = choose(*lists).devScore; score > bestScore)
                    bestScore = score, bestK1 = k1, bestB = b;
            }
        auto chosen = bm25RunWith(member, bestK1, bestB, true, progress);
        if (!chosen)
            return chosen.error();
        chosen->spec.bm25.chooseOnDev = true;
        auto ranking = rankWithRun(*chosen, judged, settings.options.depth, exclude, progress);
        if (!ranking)
            return ranking.error();
        (*lists)[i] = std::move(*ranking);
        record.members[i] = std::make_shared<const RunResult>(std::move(*chosen));
    }
    record.choice = choose(*lists);
    record.chosenOnDev = true;
    record.devQueries = int64_t(judged.size());
    if (progress && !progress->step("choosing the fusion on dev", 1, 1))
        return Error::cancelled();
    return {};
}

static Status fuseMemberRuns(const RunSpec &spec, const RunInputs &inputs, FusionRecord record, RunResult &result,
                      Progress *progress)
{
    if (record.members.size() != spec.members.size() || record.memberNames.size() != spec.members.size())
        return Error::usage("a fused run needs one run per member of its spec");
    const Dataset &dataset = *inputs.dataset;
    const FusionSettings &settings = spec.fusion;
    const bool chooseK = settings.options.method == FusionMethod::Rrf && settings.options.rrfK == 0;
    if (settings.weights.empty() || chooseK) {
        if (!inputs.devQueries)
            return Error::usage("the fusion is chosen on dev queries, and none were given");
        if (Status s = chooseFusionOnDev(spec, dataset, *inputs.devQueries, record, result.warnings, progress); !s)
            return s;
    } else {
        record.choice.weights = normalizedWeights(settings.weights);
        record.choice.rrfK = settings.options.method == FusionMethod::Rrf ? settings.options.rrfK : 0.0;
    }
    result.fusion = std::move(record);

    EvaluationOptions options;
    options.split = spec.split;
    options.ks = spec.ks;
    options.metrics = spec.metrics;
    options.threads = spec.threads;
    options.ignoreSameId = spec.ignoreSameId;
    const RankingSource fused = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                    Progress *searchProgress) { return rankFused(result, queries, k, exclude, searchProgress); };
    auto report = evaluateRankings(dataset, fused, options, progress);
    if (!report)
        return report.error();
    result.evaluation = std::move(*report);
    return {};
}

Status runFusion(const RunSpec &spec, const RunInputs &inputs, RunResult &result, Progress *progress)
{
    FusionRecord record;
    if (!inputs.members.empty()) { // runs the caller made
        if (inputs.members.size() != spec.members.size())
            return Error::usage("a fused run needs one run per member of its spec (" + std::to_string(spec.members.size()) +
                                "), and " + std::to_string(inputs.members.size()) + " were given");
        std::map<std::string, int> nameCount;
        for (const auto &member : inputs.members) {
            if (!member || member->dataset != inputs.dataset)
                return Error::usage("the runs fused must be runs of the fusion's dataset");
            record.memberNames.push_back(uniqueMemberName(nameCount, runDisplayName(*member)));
            record.members.push_back(member);
        }
        return fuseMemberRuns(spec, inputs, std::move(record), result, progress);
    }
    std::map<std::string, std::shared_ptr<const EmbeddingSet>> loadedSets; // by folder: members share vectors
    std::map<std::string, int> nameCount;
    for (const RunSpec &memberSpec : spec.members) {
        RunSpec member = memberSpec;
        member.split = spec.split;
        member.ks = spec.ks;
        member.metrics = spec.metrics;
        member.ignoreSameId = spec.ignoreSameId;
        if (member.threads == 0)
            member.threads = spec.threads;
        if (member.trained()) {
            if (member.trainQueries.empty() && member.generatedQueries.empty())
                member.trainQueries = spec.trainQueries;
            if (member.devQueries.empty() && member.generatedQueries.empty())
                member.devQueries = spec.devQueries;
        }
        RunInputs given;
        given.dataset = inputs.dataset;
        if (member.base == RunBase::Embeddings)
            if (auto found = loadedSets.find(member.embeddings); found != loadedSets.end())
                given.embeddings = found->second;
        if (member.trained() && member.trainQueries == spec.trainQueries)
            given.trainQueries = inputs.trainQueries;
        if (member.trained() && member.devQueries == spec.devQueries)
            given.devQueries = inputs.devQueries;
        auto run = runPipeline(member, std::move(given), progress);
        if (!run)
            return run.error();
        if (member.base == RunBase::Embeddings && run->embeddings)
            loadedSets.emplace(member.embeddings, run->embeddings);
        std::string name = uniqueMemberName(nameCount, runDisplayName(*run));
        for (const std::string &warning : run->warnings)
            result.warnings.push_back(name + ": " + warning);
        record.memberNames.push_back(std::move(name));
        record.members.push_back(std::make_shared<const RunResult>(std::move(*run)));
    }

    return fuseMemberRuns(spec, inputs, std::move(record), result, progress);
}

} // namespace embtune::engine
