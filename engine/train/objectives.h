#pragma once
// Training objectives beyond the query-side one in trainer.h.

#include "train/trainer.h"

#include <memory>
#include <vector>

namespace embtune::engine {

// Separate modules for queries and documents (ADDER2): the documents are re-encoded by their
// module at every step and the loss is the softmax over the whole (re-encoded) corpus; both
// modules receive gradients. docs: n x d unit rows; both matrices must outlive the objective.
class TwoTowerObjective : public TrainingObjective {
public:
    TwoTowerObjective(Module &queryModule, Module &docModule, const RowMatrixXf &docs, ConstMatrixMap queries);
    std::vector<Parameter *> parameters() override;
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override
    {
        return m_queryModule.apply(gatherRows(m_queries, queryIndices));
    }
    FloatMatrix documents() const override { return FloatMatrix(m_docModule.apply(m_docs)); }

private:
    Module &m_queryModule, &m_docModule;
    const RowMatrixXf &m_docs;
    ConstMatrixMap m_queries;
};

// One module for both sides (REFINE's fused copy); candidates of a batch are its positives plus
// each pair's hard negatives, all encoded by the module; gradients flow through both sides.
// hardNegatives[p] are document rows for pairs[p] (the `pairs` vector given to trainObjective).
class SharedModuleObjective : public TrainingObjective {
public:
    // everyDocument: the candidates are the whole corpus, re-encoded at every step (hardNegatives
    // is then ignored and may be empty).
    SharedModuleObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                          const std::vector<TrainingPair> &pairs, std::vector<std::vector<int32_t>> hardNegatives,
                          bool everyDocument = false);
    std::vector<Parameter *> parameters() override { return m_module.parameters(); }
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override
    {
        return m_module.apply(gatherRows(m_queries, queryIndices));
    }
    FloatMatrix documents() const override { return FloatMatrix(m_module.apply(m_docs)); }

private:
    Module &m_module;
    const RowMatrixXf &m_docs;
    ConstMatrixMap m_queries;
    const std::vector<TrainingPair> &m_pairs;
    std::vector<std::vector<int32_t>> m_hardNegatives;
    bool m_everyDocument;
};

// Query-side module over fixed documents with sampled candidates instead of the whole corpus:
//   InBatch: the candidates of a batch are its pairs' positives (each document once);
//   Hardest: the positives plus, for every pair, the `count` highest-scoring documents that are
//            not positives of its query, mined over the whole corpus under the current weights
//            at the start of every epoch (ADDER's "global hardest" negatives).
// Softmax cross-entropy over the candidates (scale from the options, label smoothing over the
// candidates). docs: n x d rows as given (not necessarily unit): the objective scores their unit
// rows, normalising a candidate when it gathers it and each block when it searches, exactly as a
// normalizedRows copy would give them, so no second document matrix is held. queries and pairs
// must outlive the objective.
enum class NegativeSampling { Corpus, InBatch, Hardest };
class SampledNegativesObjective : public TrainingObjective {
public:
    SampledNegativesObjective(Module &module, FloatMatrix docs, ConstMatrixMap queries,
                              const std::vector<TrainingPair> &pairs, NegativeSampling sampling, int count, int threads);
    std::vector<Parameter *> parameters() override { return m_module.parameters(); }
    bool beginEpoch(int epoch, Progress *progress) override;
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override
    {
        return m_module.apply(gatherRows(m_queries, queryIndices));
    }
    FloatMatrix documents() const override { return m_docs; }
    bool documentsNeedNormalizing() const override { return true; }
    // The mined negatives of query `query` (empty before the first epoch or for InBatch).
    const std::vector<int32_t> &hardNegatives(int32_t query) const;

private:
    Module &m_module;
    FloatMatrix m_docs;
    ConstMatrixMap m_queries;
    NegativeSampling m_sampling;
    int m_count, m_threads;
    std::vector<int32_t> m_trainQueries;                       // distinct, ascending
    std::vector<std::vector<int32_t>> m_positives;             // per m_trainQueries entry, sorted
    std::vector<std::vector<int32_t>> m_negatives;             // per m_trainQueries entry
};

// REFINE's hard negatives for each (query, positive) pair under the frozen vectors: rank the
// corpus by score, drop the query's positives and the top `skipTop` ranks, keep documents whose
// score lies in [lo, hi] (absolute cosine, or percentiles 0..100 of the query's scores when
// `percentile`), and sample `count` of them (seeded). docs: n x d unit rows.
struct BandOptions {
    int skipTop = 5;
    double lo = 0.5, hi = 0.7;
    bool percentile = false;
    int count = 3;
    uint64_t seed = 0;
};
std::vector<std::vector<int32_t>> bandHardNegatives(const RowMatrixXf &docs, ConstMatrixMap queries,
                                                    const std::vector<TrainingPair> &pairs, const BandOptions &options,
                                                    int64_t *pairsWithoutNegatives = nullptr);

} // namespace embtune::engine
