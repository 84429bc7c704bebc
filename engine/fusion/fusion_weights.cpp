#include "fusion/fusion_weights.h"

#include <cmath>

namespace embtune::engine {
namespace {

// Weights on the simplex grid of `step` for `count` members, earlier members' weights descending.
void simplexGridPoints(size_t count, int steps, std::vector<int> &prefix, std::vector<std::vector<double>> &out)
{
    int used = 0;
    for (int v : prefix)
        used += v;
    if (prefix.size() + 1 == count) {
        std::vector<double> w;
        for (int v : prefix)
            w.push_back(double(v) / steps);
        w.push_back(double(steps - used) / steps);
        out.push_back(std::move(w));
        return;
    }
    for (int v = steps - used; v >= 0; --v) {
        prefix.push_back(v);
        simplexGridPoints(count, steps, prefix, out);
        prefix.pop_back();
    }
}

std::vector<double> vertexWeights(size_t count, size_t i)
{
    std::vector<double> w(count, 0.0);
    w[i] = 1.0;
    return w;
}

} // namespace

double fusionDevScore(const std::vector<FusionMember> &members, const std::vector<double> &weights,
                      const FusionOptions &options, const std::vector<int32_t> &tiePriority, const Qrels &devQrels,
                      Metric metric, int k)
{
    const Ranking fused = fuseRankings(members, weights, options, tiePriority, int32_t(k));
    const MetricResults results = evaluateRanking(fused, devQrels, {metric}, {k});
    return results.queries.empty() ? 0.0 : results.mean(metric, k);
}

namespace {

double preparedDevScore(const PreparedFusion &prepared, const std::vector<double> &weights,
                        const std::vector<int32_t> &tiePriority, const Qrels &devQrels, Metric metric, int k)
{
    const MetricResults results = evaluateRanking(fusePrepared(prepared, weights, tiePriority, int32_t(k)), devQrels,
                                                  {metric}, {k});
    return results.queries.empty() ? 0.0 : results.mean(metric, k);
}

} // namespace

FusionChoice chooseFusionWeights(const std::vector<FusionMember> &members, const FusionOptions &options,
                                 const std::vector<int32_t> &tiePriority, const Qrels &devQrels, Metric metric, int k)
{
    FusionChoice choice;
    const size_t m = members.size();
    std::vector<double> ks{options.rrfK};
    if (options.method == FusionMethod::Rrf && options.rrfK <= 0)
        ks.assign(std::begin(kRrfKGrid), std::end(kRrfKGrid));
    const int steps = int(std::lround(1.0 / kFusionWeightStep));
    bool first = true;
    PreparedFusion prepared; // for the k being tried: the lists' weight-independent part
    auto consider = [&](const std::vector<double> &weights, double rrfK) {
        const double score = preparedDevScore(prepared, weights, tiePriority, devQrels, metric, k);
        choice.curve.push_back({weights, options.method == FusionMethod::Rrf ? rrfK : 0.0, score});
        if (first || score > choice.devScore) {
            choice.weights = weights;
            choice.rrfK = options.method == FusionMethod::Rrf ? rrfK : 0.0;
            choice.devScore = score;
            first = false;
        }
        return score;
    };
    // Each member alone: the same for every k (one list, its own order), measured once.
    for (size_t i = 0; i < m; ++i)
        choice.memberDevScores.push_back(fusionDevScore({members[i]}, {1.0}, options, tiePriority, devQrels, metric, k));
    for (double rrfK : ks) {
        FusionOptions at = options;
        at.rrfK = rrfK;
        prepared = prepareFusion(members, at);
        if (m <= 3) {
            std::vector<std::vector<double>> grid;
            std::vector<int> prefix;
            simplexGridPoints(m, steps, prefix, grid);
            for (const auto &weights : grid)
                consider(weights, rrfK);
            continue;
        }
        std::vector<double> best;
        double bestScore = 0;
        for (size_t i = 0; i < m; ++i) {
            const double s = consider(vertexWeights(m, i), rrfK);
            if (best.empty() || s > bestScore)
                best = vertexWeights(m, i), bestScore = s;
        }
        for (int round = 0; round < 20; ++round) {
            bool improved = false;
            for (size_t i = 0; i < m; ++i) {
                const std::vector<double> line = best; // the line searched: member i's weight, the others in proportion
                const double rest = 1.0 - line[i];
                for (int v = steps; v >= 0; --v) {
                    const double t = double(v) / steps;
                    std::vector<double> w(m);
                    for (size_t j = 0; j < m; ++j)
                        w[j] = j == i ? t : (rest > 0 ? line[j] * (1.0 - t) / rest : (1.0 - t) / double(m - 1));
                    const double s = consider(w, rrfK);
                    if (s > bestScore) {
                        best = w, bestScore = s, improved = true;
                    }
                }
            }
            if (!improved)
                break;
        }
    }
    return choice;
}

} // namespace embtune::engine
