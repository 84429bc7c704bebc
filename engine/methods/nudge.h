#pragma once
// NUDGE-M and NUDGE-N (NUDGE, arXiv 2409.02343; METHODS.md): document vectors move toward the
// training queries they answer; the step size gamma is chosen on dev queries. Nothing changes
// at query time. Documents that no training query answers keep their (normalised) black-box
// vectors; they enter gamma selection only as competitors, through the best score of a dev
// query among them, found with one blocked pass over the corpus (no copy of the corpus).
// Degenerate input: train and dev queries with a zero vector are skipped (usableTrainingData);
// a zero document is never moved. Dev selection breaks ties like the final evaluation (score,
// then document id descending) and scores identical vectors identically.
//
// Shapes: d = dimension; A = documents answered by a training query (|A| rows moved).
// Work: one GEMM pass dev x corpus (which also gives the answered documents' base scores) and
// one dev x A product with their query sums, computed once and reused for every grid point.

#include "methods/method.h"

#include <vector>

namespace embtune::engine {

// Coefficients of a NUDGE-N update written as d' = alpha d^ + beta g (before the final
// normalisation), for a unit document d^ and the sum g of its training queries.
struct NudgeNStep {
    double alpha = 1, beta = 0;
};
// v = g.d^, c = |g|^2; special cases: gamma = 0, v < 0 or c - v^2 <= 0 leave d^ unchanged;
// d^.g^ >= 1 - gamma/2 gives g^.
NudgeNStep nudgeNStep(double v, double c, double gamma);

// One dev pair's feasible interval [lo, hi] for NUDGE-M, or invalid.
struct GammaInterval {
    double lo = 0, hi = 0;
    bool valid = false;
};
// For a dev pair (q, x): sx = q.d^x, tx = q.g^x; competitors j give sj = q.d^j, tj = q.g^j.
// x ranks first under d^ + gamma g^ when sx + gamma tx >= sj + gamma tj for every j, i.e.
// gamma (tx - tj) >= sj - sx. Returns lo = max(0, max over tx > tj of (sj - sx)/(tx - tj)),
// hi = min over tx < tj of the same ratio (1e8 when none); invalid when some tj = tx has
// sj > sx, or sj = sx and j wins ties against x (j's tie priority is higher: an identical
// competitor that ranks above x at every gamma), or lo > hi.
class GammaIntervalBuilder {
public:
    GammaIntervalBuilder(double sx, double tx) : m_sx(sx), m_tx(tx) {}
    void addCompetitor(double sj, double tj, bool winsTies = false);
    GammaInterval interval() const;

private:
    double m_sx, m_tx;
    double m_lo = 0, m_hi = 1e8;
    bool m_dropped = false;
};

// The point covered by the most intervals: sweep over the sorted endpoints, +1 at each lo and
// -1 at each hi, all events of one value applied together; the first value reaching the maximum
// wins. Returns {gamma, count}; {0, 0} when no interval is valid.
std::pair<double, int> bestCoveredPoint(const std::vector<GammaInterval> &intervals);

class NudgeMethod : public Method {
public:
    enum class Variant { M, N };
    explicit NudgeMethod(Variant variant);
    const MethodSpec &spec() const override { return m_spec; }
    Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                            Progress *progress) const override;

private:
    Variant m_variant;
    MethodSpec m_spec;
};

// The tuned documents of a NUDGE run: the black-box matrix (shared, never copied) plus the
// moved rows. tunedDocuments() is a derived FloatMatrix (unitRowsWithOverlay): other rows read
// as the black-box rows scaled to unit norm; search reads it by block, never building it.
class NudgeModel : public TunedModel {
public:
    NudgeModel(FloatMatrix base, std::vector<int32_t> movedDocs, RowMatrixXf movedVectors, Similarity similarity,
               std::string report);
    Similarity similarity() const override { return m_similarity; }
    RowMatrixXf transformQueries(ConstMatrixMap queries) const override;
    FloatMatrix tunedDocuments() const override;
    std::string reportJson() const override { return m_report; }
    const std::vector<int32_t> &movedDocs() const { return m_movedDocs; }
    const RowMatrixXf &movedVectors() const { return m_movedVectors; }

private:
    FloatMatrix m_base;
    std::vector<int32_t> m_movedDocs;
    RowMatrixXf m_movedVectors;
    Similarity m_similarity;
    std::string m_report;
};

} // namespace embtune::engine
