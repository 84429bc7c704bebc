#include "methods/nudge.h"

#include "core/parallel.h"
#include "io/json_writer.h"
#include "methods/training_support.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <unordered_map>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace embtune::engine {
namespace {

// A scored document with the tie rule of every ranking in embtune.
struct Scored {
    float score = -std::numeric_limits<float>::infinity();
    int32_t priority = -1;
    int32_t doc = -1;
    bool beats(const Scored &other) const
    {
        return score > other.score || (score == other.score && priority > other.priority);
    }
};

struct TopTwo {
    Scored first, second;
    void offer(const Scored &s)
    {
        if (s.beats(first)) {
            second = first;
            first = s;
        } else if (s.beats(second)) {
            second = s;
        }
    }
};

// Everything both variants need, computed once. Scores are taken so that identical vectors
// score identically, as exact search scores them (see firstIdenticalRows): the base score of a
// document is the one computed for the first row identical to it, in one blocked pass over the
// corpus, whether the document is answered or not; columns of sumScoreA for identical query sums
// are copies of one column.
struct Prepared {
    std::vector<int32_t> answered;        // documents of A, ascending (zero documents excluded)
    RowMatrixXf docsA;                    // |A| x d, unit rows, as normalizedRows computes them
    RowMatrixXf sums;                     // |A| x d, g_j (sum of unit training queries)
    std::vector<int32_t> devQueries;      // dev queries with a relevant document
    std::vector<std::vector<int32_t>> devRelevant;
    std::vector<std::vector<float>> devRelevantScore; // base score q^.d^_x of each relevant document
    RowMatrixXf devVectors;               // m x d, unit rows
    RowMatrixXf scoreA;                   // m x |A|: q^.d^_j
    RowMatrixXf sumScoreA;                // m x |A|: q^.g_j
    std::vector<TopTwo> bestUnanswered;   // per dev query, among documents not in A
    std::vector<int32_t> tiePriority;
    Eigen::VectorXf docScale;             // 1/|d| per document (0 for zero rows)
    int64_t zeroDocumentsAnswered = 0;    // answered by a training query but zero: not moved
};

Result<Prepared> prepare(const TrainingData &data, int threads, Progress *progress)
{
    const Dataset &dataset = *data.dataset;
    const EmbeddingSet &set = *data.embeddings;
    Prepared p;
    const int64_t n = set.docs.rows(), d = set.dim();
    const ConstMatrixMap docs = set.docs.map();
    p.docScale = docs.rowwise().norm();
    for (Eigen::Index i = 0; i < p.docScale.size(); ++i)
        p.docScale[i] = p.docScale[i] > 0 ? 1.0f / p.docScale[i] : 0.0f;
    p.tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());

    // g_j over the training queries' relevant documents; a zero document is not moved (it has
    // no direction to keep), so it stays out of A.
    std::unordered_map<int32_t, int32_t> rowOf;
    std::vector<Eigen::VectorXf> sums;
    std::vector<char> zeroAnswered(size_t(n), 0);
    for (const QueryJudgements &q : data.trainQrels.queries) {
        if (q.relevantCount() == 0)
            continue;
        if (!set.hasQuery(q.query))
            return Error::input("training query \"" + dataset.queryIds.id(q.query) + "\" has no query vector",
                                set.source);
        Eigen::VectorXf v = set.queries.map().row(q.query).transpose();
        const float norm = v.norm();
        if (norm > 0)
            v /= norm;
        for (const Judgement &j : q.judged) {
            if (j.gain <= 0)
                continue;
            if (p.docScale[j.doc] == 0.0f) {
                zeroAnswered[size_t(j.doc)] = 1;
                continue;
            }
            auto [it, inserted] = rowOf.try_emplace(j.doc, int32_t(sums.size()));
            if (inserted)
                sums.push_back(Eigen::VectorXf::Zero(d));
            sums[size_t(it->second)] += v;
        }
    }
    p.zeroDocumentsAnswered = std::count(zeroAnswered.begin(), zeroAnswered.end(), 1);
    if (sums.empty())
        return Error::input("no training query has a relevant document with a non-zero vector");
    for (const auto &[doc, row] : rowOf)
        p.answered.push_back(doc);
    std::sort(p.answered.begin(), p.answered.end());
    const auto a = Eigen::Index(p.answered.size());
    p.docsA.resize(a, d);
    p.sums.resize(a, d);
    for (Eigen::Index j = 0; j < a; ++j) {
        const int32_t doc = p.answered[size_t(j)];
        p.docsA.row(j) = docs.row(doc);
        const float norm = p.docsA.row(j).norm();
        p.docsA.row(j) /= norm; // as normalizedRows: an unmoved row equals the tuned matrix's
        p.sums.row(j) = sums[size_t(rowOf[doc])].transpose();
    }

    // Dev queries with a relevant document.
    for (const QueryJudgements &q : data.devQrels.queries) {
        std::vector<int32_t> relevant;
        for (const Judgement &j : q.judged)
            if (j.gain > 0)
                relevant.push_back(j.doc);
        if (relevant.empty())
            continue;
        if (!set.hasQuery(q.query))
            return Error::input("dev query \"" + dataset.queryIds.id(q.query) + "\" has no query vector", set.source);
        p.devQueries.push_back(q.query);
        p.devRelevant.push_back(std::move(relevant));
    }
    if (p.devQueries.empty())
        return Error::input("no dev query has a relevant document: gamma cannot be chosen");
    const auto m = Eigen::Index(p.devQueries.size());
    p.devVectors.resize(m, d);
    for (Eigen::Index i = 0; i < m; ++i) {
        p.devVectors.row(i) = set.queries.map().row(p.devQueries[size_t(i)]);
        const float norm = p.devVectors.row(i).norm();
        if (norm > 0)
            p.devVectors.row(i) /= norm;
    }
    if (progress && !progress->step("nudge: dev scores", 0, 2))
        return Error::cancelled();

    p.sumScoreA.noalias() = p.devVectors * p.sums.transpose();
    const std::vector<int32_t> sameSum = firstIdenticalRows(ConstMatrixMap(p.sums.data(), a, d), threads);
    for (Eigen::Index j = 0; j < a; ++j)
        if (sameSum[size_t(j)] != j)
            p.sumScoreA.col(j) = p.sumScoreA.col(sameSum[size_t(j)]);

    // Groups of identical documents: only the first row of each is scored. Per group, its two
    // best unanswered members (by priority) compete for bestUnanswered; the group's score is the
    // base score (scoreA, devRelevantScore) of each of its answered and relevant members.
    const std::vector<int32_t> first = firstIdenticalRows(docs, threads);
    std::vector<char> isAnswered(size_t(n), 0);
    for (int32_t doc : p.answered)
        isAnswered[size_t(doc)] = 1;
    std::vector<std::array<int32_t, 2>> unansweredOf(size_t(n), {-1, -1}); // by group head
    for (int64_t j = 0; j < n; ++j) {
        if (isAnswered[size_t(j)])
            continue;
        auto &best = unansweredOf[size_t(first[size_t(j)])];
        const int32_t priority = p.tiePriority[size_t(j)];
        if (best[0] < 0 || priority > p.tiePriority[size_t(best[0])])
            best = {int32_t(j), best[0]};
        else if (best[1] < 0 || priority > p.tiePriority[size_t(best[1])])
            best[1] = int32_t(j);
    }
    // Columns of A by group head, heads ascending.
    std::vector<std::pair<int32_t, int32_t>> answeredByHead; // (head, column of A)
    for (Eigen::Index j = 0; j < a; ++j)
        answeredByHead.emplace_back(first[size_t(p.answered[size_t(j)])], int32_t(j));
    std::sort(answeredByHead.begin(), answeredByHead.end());
    p.scoreA.resize(m, a);
    p.devRelevantScore.resize(size_t(m));
    for (Eigen::Index i = 0; i < m; ++i)
        p.devRelevantScore[size_t(i)].assign(p.devRelevant[size_t(i)].size(), 0.0f);

    const int workers = resolveThreadCount(threads);
    const int64_t block = 4096;
    const int64_t blocks = (n + block - 1) / block;
    std::vector<std::vector<TopTwo>> partial(static_cast<size_t>(workers), std::vector<TopTwo>(static_cast<size_t>(m)));
    parallelChunks(blocks, workers, [&](int64_t begin, int64_t end, int worker) {
        RowMatrixXf scores;
        auto &tops = partial[size_t(worker)];
        for (int64_t b = begin; b < end; ++b) {
            const int64_t d0 = b * block, dn = std::min(block, n - d0);
            scores.resize(m, dn);
            scores.noalias() = p.devVectors * docs.middleRows(d0, dn).transpose();
            const float *scale = p.docScale.data() + d0;
            // Answered documents whose head is in this block: each is written by one worker only.
            const auto kept = std::lower_bound(answeredByHead.begin(), answeredByHead.end(), std::pair{int32_t(d0), -1});
            const auto keptEnd = std::lower_bound(kept, answeredByHead.end(), std::pair{int32_t(d0 + dn), -1});
            for (Eigen::Index i = 0; i < m; ++i) {
                TopTwo &top = tops[size_t(i)];
                const float *row = scores.data() + i * dn;
                for (auto at = kept; at != keptEnd; ++at)
                    p.scoreA(i, at->second) = row[at->first - d0] * scale[at->first - d0];
                const auto &relevant = p.devRelevant[size_t(i)];
                for (size_t r = 0; r < relevant.size(); ++r)
                    if (const int32_t head = first[size_t(relevant[r])]; head >= d0 && head < d0 + dn)
                        p.devRelevantScore[size_t(i)][r] = row[head - d0] * scale[head - d0];
                auto offer = [&](int64_t j) {
                    const auto doc = int32_t(d0 + j);
                    if (first[size_t(doc)] != doc)
                        return;
                    const float score = row[j] * scale[j];
                    for (int32_t member : unansweredOf[size_t(doc)])
                        if (member >= 0)
                            top.offer({score, p.tiePriority[size_t(member)], member});
                };
                int64_t j = 0;
#if defined(__AVX2__)
                // Reject 8 scores at once when all are below the current second best.
                for (; j + 8 <= dn; j += 8) {
                    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(scale + j));
                    unsigned mask = unsigned(_mm256_movemask_ps(
                        _mm256_cmp_ps(v, _mm256_set1_ps(top.second.score), _CMP_GE_OQ)));
                    while (mask) {
                        offer(j + std::countr_zero(mask));
                        mask &= mask - 1;
                    }
                }
#endif
                for (; j < dn; ++j)
                    offer(j);
            }
        }
    });
    p.bestUnanswered.assign(size_t(m), TopTwo());
    for (const auto &tops : partial)
        for (Eigen::Index i = 0; i < m; ++i) {
            p.bestUnanswered[size_t(i)].offer(tops[size_t(i)].first);
            p.bestUnanswered[size_t(i)].offer(tops[size_t(i)].second);
        }
    if (progress && !progress->step("nudge: dev scores", 2, 2))
        return Error::cancelled();
    return p;
}

} // namespace

NudgeNStep nudgeNStep(double v, double c, double gamma)
{
    if (gamma <= 0 || v < 0 || c - v * v <= 0)
        return {1, 0};
    const double gNorm = std::sqrt(c);
    if (v / gNorm >= 1 - gamma / 2)
        return {0, 1 / gNorm};
    const double mu = v + std::sqrt(gamma / (4 - gamma) * (c - v * v));
    const double t = gamma / (2 * (mu - v));
    return {1 - t * mu, t};
}

void GammaIntervalBuilder::addCompetitor(double sj, double tj, bool winsTies)
{
    const double a = sj - m_sx, b = m_tx - tj;
    if (b > 0)
        m_lo = std::max(m_lo, a / b);
    else if (b < 0)
        m_hi = std::min(m_hi, a / b);
    else if (a > 0 || (a == 0 && winsTies))
        m_dropped = true;
}

GammaInterval GammaIntervalBuilder::interval() const
{
    if (m_dropped || m_lo > m_hi)
        return {};
    return {m_lo, m_hi, true};
}

std::pair<double, int> bestCoveredPoint(const std::vector<GammaInterval> &intervals)
{
    std::vector<std::pair<double, int>> events; // (value, +1 start / -1 end)
    for (const auto &interval : intervals)
        if (interval.valid) {
            events.emplace_back(interval.lo, +1);
            events.emplace_back(interval.hi, -1);
        }
    if (events.empty())
        return {0.0, 0};
    std::sort(events.begin(), events.end());
    int count = 0, best = 0;
    double bestValue = 0;
    for (size_t i = 0; i < events.size();) {
        size_t j = i;
        while (j < events.size() && events[j].first == events[i].first)
            count += events[j++].second;
        if (count > best) {
            best = count;
            bestValue = events[i].first;
        }
        i = j;
    }
    return {bestValue, best};
}

NudgeMethod::NudgeMethod(Variant variant) : m_variant(variant)
{
    if (variant == Variant::N) {
        m_spec = {"nudge-n", "NUDGE-N",
                  "Moves each answered document toward the sum of its training queries within a ball of radius "
                  "sqrt(gamma), staying on the unit sphere; gamma is chosen on the dev queries' accuracy@1. "
                  "Retrieve by cosine.",
                  {{"gamma_grid", ParamSpec::Type::DoubleList, "0,0.02,0.04,0.06,0.08,0.1,0.12,0.14,0.16,0.18,0.2,0.22,0.24,"
                                                                 "0.26,0.28,0.3,0.32,0.34,0.36,0.38,0.4,0.42,0.44,0.46,0.48",
                    0, 3.999, {}, "Candidate step sizes; the one with the best dev accuracy@1 wins (the smallest on ties)."},
                   {"gamma", ParamSpec::Type::Double, "-1", -1, 3.999, {},
                    "A fixed step size (skips the selection on dev queries); -1 selects from gamma_grid."},
                   {"threads", ParamSpec::Type::Int, "0", 0, 1024, {}, "Worker threads; 0 uses every core."}}};
    } else {
        m_spec = {"nudge-m", "NUDGE-M",
                  "Adds gamma times the unit sum of its training queries to each answered document; gamma is the "
                  "value that ranks the most dev pairs first, found in closed form. Retrieve by dot product.",
                  {{"gamma", ParamSpec::Type::Double, "-1", -1, 1e8, {},
                    "A fixed step size; -1 finds it from the dev pairs' feasible intervals."},
                   {"threads", ParamSpec::Type::Int, "0", 0, 1024, {}, "Worker threads; 0 uses every core."}}};
    }
}

Result<std::unique_ptr<TunedModel>> NudgeMethod::fit(const TrainingData &data, const ParamValues &params,
                                                     Progress *progress) const
{
    if (!data.dataset || !data.embeddings)
        return Error::usage("NUDGE needs a dataset and an embedding set");
    const auto started = std::chrono::steady_clock::now();
    const int threads = int(params.integer("threads")) > 0 ? int(params.integer("threads")) : data.threads;
    const auto usable = usableTrainingData(data);
    if (!usable)
        return usable.error();
    auto prepared = prepare(*usable, threads, progress);
    if (!prepared)
        return prepared.error();
    const Prepared &p = *prepared;
    const auto a = Eigen::Index(p.answered.size()), m = Eigen::Index(p.devQueries.size());
    const int64_t d = data.embeddings->dim();

    std::vector<double> v(static_cast<size_t>(a)), c(static_cast<size_t>(a));
    for (Eigen::Index j = 0; j < a; ++j) {
        v[size_t(j)] = double(p.sums.row(j).dot(p.docsA.row(j)));
        c[size_t(j)] = double(p.sums.row(j).squaredNorm());
    }

    JsonWriter report(false);
    report.beginObject();
    report.key("method");
    report.value(m_spec.id);
    report.key("moved_documents");
    report.value(int64_t(a));
    report.key("dev_queries");
    report.value(int64_t(m));
    if (p.zeroDocumentsAnswered > 0) {
        report.key("answered_zero_documents"); // answered by training queries, but zero: not moved
        report.value(p.zeroDocumentsAnswered);
    }
    RowMatrixXf moved(a, d);
    Similarity similarity;

    if (m_variant == Variant::N) {
        similarity = Similarity::Cosine;
        std::vector<double> grid = params.reals("gamma_grid");
        const double fixed = params.real("gamma");
        if (fixed >= 0)
            grid = {fixed};
        if (grid.empty())
            return Error::usage("gamma_grid is empty");
        std::vector<double> accuracy(grid.size());
        std::vector<NudgeNStep> steps(static_cast<size_t>(a));
        std::vector<float> scale(static_cast<size_t>(a));
        for (size_t gi = 0; gi < grid.size(); ++gi) {
            if (progress && !progress->step("nudge-n: gamma grid", int64_t(gi), int64_t(grid.size())))
                return Error::cancelled();
            for (Eigen::Index j = 0; j < a; ++j) {
                const NudgeNStep s = nudgeNStep(v[size_t(j)], c[size_t(j)], grid[gi]);
                steps[size_t(j)] = s;
                const double norm2 = s.alpha * s.alpha + 2 * s.alpha * s.beta * v[size_t(j)] + s.beta * s.beta * c[size_t(j)];
                scale[size_t(j)] = norm2 > 0 ? float(1 / std::sqrt(norm2)) : 0.0f;
            }
            int hits = 0;
            for (Eigen::Index i = 0; i < m; ++i) {
                Scored best = p.bestUnanswered[size_t(i)].first;
                for (Eigen::Index j = 0; j < a; ++j) {
                    const NudgeNStep &s = steps[size_t(j)];
                    const auto score = float((s.alpha * p.scoreA(i, j) + s.beta * p.sumScoreA(i, j)) * scale[size_t(j)]);
                    const Scored candidate{score, p.tiePriority[size_t(p.answered[size_t(j)])], p.answered[size_t(j)]};
                    if (candidate.beats(best))
                        best = candidate;
                }
                const auto &relevant = p.devRelevant[size_t(i)];
                hits += std::find(relevant.begin(), relevant.end(), best.doc) != relevant.end();
            }
            accuracy[gi] = double(hits) / double(m);
        }
        size_t chosen = 0;
        for (size_t gi = 1; gi < grid.size(); ++gi)
            if (accuracy[gi] > accuracy[chosen])
                chosen = gi;
        const double gamma = grid[chosen];
        for (Eigen::Index j = 0; j < a; ++j) {
            const NudgeNStep s = nudgeNStep(v[size_t(j)], c[size_t(j)], gamma);
            if (s.alpha == 1 && s.beta == 0) { // unchanged: bit-identical to an unmoved copy of it
                moved.row(j) = p.docsA.row(j);
                continue;
            }
            moved.row(j) = float(s.alpha) * p.docsA.row(j) + float(s.beta) * p.sums.row(j);
            const float norm = moved.row(j).norm();
            if (norm > 0)
                moved.row(j) /= norm;
            else
                moved.row(j) = p.docsA.row(j);
        }
        report.key("gamma");
        report.value(gamma);
        report.key("gamma_grid");
        report.beginArray();
        for (double g : grid)
            report.value(g);
        report.endArray();
        report.key("dev_accuracy");
        report.beginArray();
        for (double acc : accuracy)
            report.value(acc);
        report.endArray();
    } else {
        similarity = Similarity::Dot;
        // Unit query sums g^ and the dev scores against them.
        std::vector<float> inverseSum(static_cast<size_t>(a));
        for (Eigen::Index j = 0; j < a; ++j)
            inverseSum[size_t(j)] = c[size_t(j)] > 0 ? float(1 / std::sqrt(c[size_t(j)])) : 0.0f;
        double gamma = params.real("gamma");
        int bestCount = 0, validPairs = 0, pairs = 0;
        if (gamma < 0) {
            std::unordered_map<int32_t, Eigen::Index> columnOf;
            for (Eigen::Index j = 0; j < a; ++j)
                columnOf[p.answered[size_t(j)]] = j;
            std::vector<GammaInterval> intervals;
            for (Eigen::Index i = 0; i < m; ++i) {
                if (progress && i % 64 == 0 && !progress->step("nudge-m: dev pairs", int64_t(i), int64_t(m)))
                    return Error::cancelled();
                const auto &relevant = p.devRelevant[size_t(i)];
                for (size_t r = 0; r < relevant.size(); ++r) {
                    const int32_t x = relevant[r];
                    const int32_t priority = p.tiePriority[size_t(x)];
                    const auto at = columnOf.find(x);
                    const bool answered = at != columnOf.end();
                    const double sx = p.devRelevantScore[size_t(i)][r];
                    const double tx = answered ? double(p.sumScoreA(i, at->second)) * inverseSum[size_t(at->second)] : 0.0;
                    GammaIntervalBuilder builder(sx, tx);
                    for (Eigen::Index j = 0; j < a; ++j)
                        if (!answered || j != at->second)
                            builder.addCompetitor(p.scoreA(i, j), double(p.sumScoreA(i, j)) * inverseSum[size_t(j)],
                                                  p.tiePriority[size_t(p.answered[size_t(j)])] > priority);
                    const TopTwo &unanswered = p.bestUnanswered[size_t(i)];
                    const Scored &rival = unanswered.first.doc == x ? unanswered.second : unanswered.first;
                    if (rival.doc >= 0)
                        builder.addCompetitor(rival.score, 0.0, rival.priority > priority);
                    intervals.push_back(builder.interval());
                    ++pairs;
                    validPairs += intervals.back().valid;
                }
            }
            std::tie(gamma, bestCount) = bestCoveredPoint(intervals);
        }
        for (Eigen::Index j = 0; j < a; ++j)
            moved.row(j) = p.docsA.row(j) + float(gamma) * inverseSum[size_t(j)] * p.sums.row(j);
        report.key("gamma");
        report.value(gamma);
        report.key("dev_pairs");
        report.value(pairs);
        report.key("valid_intervals");
        report.value(validPairs);
        report.key("best_count");
        report.value(bestCount);
    }
    report.key("similarity");
    report.value(similarityName(similarity));
    report.key("fit_seconds");
    report.value(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    report.endObject();
    if (progress && !progress->step("nudge", 1, 1))
        return Error::cancelled();
    return std::unique_ptr<TunedModel>(std::make_unique<NudgeModel>(data.embeddings->docs, p.answered, std::move(moved),
                                                                    similarity, report.str()));
}

NudgeModel::NudgeModel(FloatMatrix base, std::vector<int32_t> movedDocs, RowMatrixXf movedVectors,
                       Similarity similarity, std::string report)
    : m_base(std::move(base)), m_movedDocs(std::move(movedDocs)), m_movedVectors(std::move(movedVectors)),
      m_similarity(similarity), m_report(std::move(report))
{
}

RowMatrixXf NudgeModel::transformQueries(ConstMatrixMap queries) const
{
    return queries; // NUDGE changes documents only
}

FloatMatrix NudgeModel::tunedDocuments() const
{
    // The unit base rows with the moved rows replaced, held as an overlay: no second matrix.
    return FloatMatrix::unitRowsWithOverlay(m_base, m_movedDocs, m_movedVectors);
}

} // namespace embtune::engine
