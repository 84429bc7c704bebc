#include "fusion/score_fusion.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace embtune::engine {
namespace {

struct FusionEntry {
    int32_t doc;
    int32_t member;
    int32_t rank; // from 1
};

// Documents listed in `ranking`'s row, at most `depth`.
int32_t fusionListLength(const Ranking &ranking, size_t row, int32_t depth)
{
    const int32_t *docs = ranking.docsOf(row);
    const int32_t limit = std::min(depth, ranking.k);
    int32_t n = 0;
    while (n < limit && docs[n] >= 0)
        ++n;
    return n;
}

} // namespace

const char *fusionMethodName(FusionMethod method)
{
    switch (method) {
    case FusionMethod::Convex: return "convex";
    case FusionMethod::Rrf: return "rrf";
    case FusionMethod::CombSum: return "combsum";
    case FusionMethod::CombMnz: return "combmnz";
    }
    return "?";
}

bool fusionMethodFromName(const std::string &name, FusionMethod &method)
{
    for (FusionMethod m : {FusionMethod::Convex, FusionMethod::Rrf, FusionMethod::CombSum, FusionMethod::CombMnz})
        if (name == fusionMethodName(m)) {
            method = m;
            return true;
        }
    return false;
}

const char *scoreNormalizationName(ScoreNormalization n)
{
    switch (n) {
    case ScoreNormalization::ZScore: return "zscore";
    case ScoreNormalization::MinMax: return "minmax";
    case ScoreNormalization::Rank: return "rank";
    case ScoreNormalization::TheoreticalMinMax: return "tmm";
    }
    return "?";
}

bool scoreNormalizationFromName(const std::string &name, ScoreNormalization &n)
{
    for (ScoreNormalization x : {ScoreNormalization::ZScore, ScoreNormalization::MinMax, ScoreNormalization::Rank,
                                 ScoreNormalization::TheoreticalMinMax})
        if (name == scoreNormalizationName(x)) {
            n = x;
            return true;
        }
    return false;
}

NormalizedList normalizeList(const float *scores, int32_t count, ScoreNormalization normalization, int32_t depth,
                             double theoreticalMin)
{
    NormalizedList out;
    out.values.assign(size_t(std::max(count, 0)), 0.0);
    if (count <= 0 || double(scores[0]) == double(scores[count - 1]))
        return out; // no order to carry
    const double top = scores[0], bottom = scores[count - 1];
    switch (normalization) {
    case ScoreNormalization::MinMax:
        for (int32_t i = 0; i < count; ++i)
            out.values[size_t(i)] = (double(scores[i]) - bottom) / (top - bottom);
        out.floor = 0;
        break;
    case ScoreNormalization::ZScore: {
        double mean = 0;
        for (int32_t i = 0; i < count; ++i)
            mean += scores[i];
        mean /= count;
        double variance = 0;
        for (int32_t i = 0; i < count; ++i)
            variance += (scores[i] - mean) * (scores[i] - mean);
        const double sd = std::sqrt(variance / count);
        for (int32_t i = 0; i < count; ++i)
            out.values[size_t(i)] = (double(scores[i]) - mean) / sd;
        out.floor = (bottom - mean) / sd;
        break;
    }
    case ScoreNormalization::Rank:
        for (int32_t i = 0; i < count; ++i)
            out.values[size_t(i)] = 1.0 - double(i) / double(depth);
        out.floor = 0;
        break;
    case ScoreNormalization::TheoreticalMinMax: {
        const double low = std::isnan(theoreticalMin) ? bottom : std::min(theoreticalMin, bottom);
        for (int32_t i = 0; i < count; ++i)
            out.values[size_t(i)] = (double(scores[i]) - low) / (top - low);
        out.floor = (bottom - low) / (top - low);
        break;
    }
    }
    return out;
}

PreparedFusion prepareFusion(const std::vector<FusionMember> &members, const FusionOptions &options)
{
    PreparedFusion prepared;
    prepared.members = members.size();
    prepared.options = options;
    prepared.offsets.push_back(0);
    if (members.empty())
        return prepared;
    const size_t rows = members[0].ranking->size();
    const size_t m = members.size();
    prepared.queries = members[0].ranking->queries;
    const bool rrf = options.method == FusionMethod::Rrf;
    std::vector<NormalizedList> lists(m);
    std::vector<FusionEntry> entries;
    for (size_t row = 0; row < rows; ++row) {
        entries.clear();
        for (size_t i = 0; i < m; ++i) {
            const Ranking &ranking = *members[i].ranking;
            const int32_t n = fusionListLength(ranking, row, options.depth);
            lists[i] = rrf ? NormalizedList{}
                           : normalizeList(ranking.scoresOf(row), n, options.normalization, options.depth,
                                           members[i].theoreticalMin);
            const int32_t *docs = ranking.docsOf(row);
            for (int32_t r = 0; r < n; ++r)
                entries.push_back({docs[r], int32_t(i), r + 1});
        }
        std::sort(entries.begin(), entries.end(), [](const FusionEntry &a, const FusionEntry &b) {
            return a.doc != b.doc ? a.doc < b.doc : (a.member != b.member ? a.member < b.member : a.rank < b.rank);
        });
        for (size_t begin = 0; begin < entries.size();) {
            const int32_t doc = entries[begin].doc;
            const size_t at = prepared.terms.size();
            prepared.terms.resize(at + m, 0.0);
            if (options.method == FusionMethod::Convex)
                for (size_t i = 0; i < m; ++i)
                    prepared.terms[at + i] = lists[i].floor;
            uint32_t listed = 0;
            size_t end = begin;
            for (; end < entries.size() && entries[end].doc == doc; ++end) {
                const FusionEntry &e = entries[end];
                const uint32_t bit = 1u << e.member;
                if (listed & bit)
                    continue; // listed twice by one member: its best rank counts
                listed |= bit;
                prepared.terms[at + size_t(e.member)] =
                    rrf ? 1.0 / (options.rrfK + e.rank) : lists[size_t(e.member)].values[size_t(e.rank - 1)];
            }
            prepared.docs.push_back(doc);
            prepared.listedBy.push_back(listed);
            begin = end;
        }
        prepared.offsets.push_back(prepared.docs.size());
    }
    return prepared;
}

Ranking fusePrepared(const PreparedFusion &prepared, const std::vector<double> &weights,
                     const std::vector<int32_t> &tiePriority, int32_t k)
{
    Ranking fused;
    fused.k = k;
    fused.queries = prepared.queries;
    const size_t rows = prepared.queries.size(), m = prepared.members;
    fused.docs.assign(rows * size_t(k), -1);
    fused.scores.assign(rows * size_t(k), 0.0f);
    uint32_t inFusion = 0; // members of positive weight
    for (size_t i = 0; i < m; ++i)
        if (weights[i] > 0)
            inFusion |= 1u << i;
    const FusionMethod method = prepared.options.method;
    struct Scored {
        uint64_t key; // rankKey(score, priority)
        int32_t doc;
        float score;
    };
    std::vector<Scored> keyed;
    for (size_t row = 0; row < rows; ++row) {
        keyed.clear();
        for (size_t c = prepared.offsets[row]; c < prepared.offsets[row + 1]; ++c) {
            const uint32_t listed = prepared.listedBy[c] & inFusion;
            if (!listed)
                continue; // only members left out of the fusion list it
            const double *term = prepared.terms.data() + c * m;
            double score = 0;
            for (size_t i = 0; i < m; ++i) {
                if (!(inFusion >> i & 1u))
                    continue;
                if ((listed >> i & 1u) || method == FusionMethod::Convex)
                    score += weights[i] * term[i];
            }
            if (method == FusionMethod::CombMnz)
                score *= std::popcount(listed);
            const int32_t doc = prepared.docs[c];
            keyed.push_back({rankKey(float(score), tiePriority[size_t(doc)]), doc, float(score)});
        }
        const size_t take = std::min(keyed.size(), size_t(k));
        std::partial_sort(keyed.begin(), keyed.begin() + std::ptrdiff_t(take), keyed.end(),
                          [](const Scored &a, const Scored &b) { return a.key > b.key; });
        for (size_t j = 0; j < take; ++j) {
            fused.docs[row * size_t(k) + j] = keyed[j].doc;
            fused.scores[row * size_t(k) + j] = keyed[j].score;
        }
    }
    return fused;
}

Ranking fuseRankings(const std::vector<FusionMember> &members, const std::vector<double> &weights,
                     const FusionOptions &options, const std::vector<int32_t> &tiePriority, int32_t k)
{
    return fusePrepared(prepareFusion(members, options), weights, tiePriority, k);
}

} // namespace embtune::engine
