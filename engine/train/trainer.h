#pragma once
// The training loop shared by the parametric methods: shuffled mini-batches of training pairs,
// a TrainingObjective that does forward + backward for a batch, Adam, dev nDCG@10 after every
// epoch, early stopping with patience and restore of the best weights. Seeded: with threads = 1
// the result is bit-for-bit reproducible. Progress reports phase "train" (done = steps, total =
// all steps) and, after every dev evaluation, phase "epoch" (done = epoch, total = epochs) with
// metrics loss, dev_ndcg@10, examples_per_second and step; cancel returns Cancelled and leaves no
// partial result.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "train/adam.h"
#include "train/losses.h"
#include "train/module.h"

#include <functional>
#include <random>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

struct TrainerOptions {
    int epochs = 30;
    int batchSize = 64;
    float scale = 20.0f;        // logits = scale * cos (temperature 1/scale)
    int patience = 0;           // evaluations without improvement before stopping; 0 = never stop early
    int64_t evaluateEverySteps = 0; // dev evaluation every N steps (and after the last); 0 = after every epoch
    float labelSmoothing = 0;   // epsilon spread over the candidates (smoothTargets), for objectives that use it
    uint64_t seed = 0;
    int threads = 0;
    AdamOptions adam;
};

// One dev evaluation point (after an epoch, or every N steps).
struct TrainerEpoch {
    int epoch = 0;              // 0 = before training
    int64_t step = 0;           // optimiser steps done at this point
    double loss = 0;            // mean training loss since the previous evaluation
    double devNdcg10 = 0;
    double seconds = 0;         // wall time of the steps since the previous evaluation
    double examplesPerSecond = 0;
};

struct TrainerResult {
    std::vector<TrainerEpoch> history;
    int bestEpoch = 0;
    double bestDevNdcg10 = 0;
    int64_t steps = 0;
    double trainSeconds = 0;    // steps only, without dev evaluation
};

// A training pair: dense query index and the target over document rows.
struct TrainingPair {
    int32_t query;
    SoftTarget target;
};

// The training pairs of `qrels`. Each: one pair per relevant document with a hard target (as the
// PyTorch peer). Soft: one pair per query whose target spreads over its relevant documents in
// proportion to their gains, P*(d|q) = gain(q,d) / sum of gains (METHODS.md, several positives).
enum class PositiveTargets { Each, Soft };
std::vector<TrainingPair> pairsFromQrels(const Qrels &qrels, PositiveTargets targets = PositiveTargets::Each);

// What a method trains: its parameters, one forward + backward pass per batch, and its current
// view of queries and documents for the dev evaluation (scored by dot product).
class TrainingObjective {
public:
    virtual ~TrainingObjective() = default;
    virtual std::vector<Parameter *> parameters() = 0;
    // Accumulates the gradients of one batch into the parameters; returns the batch loss.
    virtual float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) = 0;
    // Current tuned vectors of the given dataset queries (rows in the order of queryIndices).
    virtual RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const = 0;
    // The current document vectors for the dev evaluation. Objectives over fixed documents
    // return a view of them (valid while the objective lives), never a copy.
    virtual FloatMatrix documents() const = 0;
    // True when documents() gives the rows as stored and the dev evaluation scores their unit
    // rows (ExactSearchOptions::normalizeDocuments).
    virtual bool documentsNeedNormalizing() const { return false; }
    // Called before every epoch (1-based), e.g. to refresh mined negatives under the current
    // weights. Returns false when progress asked to stop.
    virtual bool beginEpoch(int epoch, Progress *progress)
    {
        (void)epoch;
        (void)progress;
        return true;
    }
    // True when step() updates the parameters itself (e.g. sparse Adagrad); the trainer then
    // neither clears gradients nor runs Adam, and uses parameters() only to keep the best weights.
    virtual bool updatesItself() const { return false; }
};

// The candidate documents of a batch, each once, in the order first added; a document's
// column is its position. Used by objectives whose softmax runs over sampled candidates.
class BatchCandidates {
public:
    // Adds the positives of every pair first and returns the batch's targets over columns.
    std::vector<SoftTarget> addPositives(const std::vector<const TrainingPair *> &batch);
    // The column of `doc`, added when new.
    int32_t add(int32_t doc);
    const std::vector<int32_t> &docs() const { return m_docs; }
    int32_t size() const { return int32_t(m_docs.size()); }

private:
    std::vector<int32_t> m_docs;
    std::unordered_map<int32_t, int32_t> m_column;
};

// Rows of `queries` for the given indices.
RowMatrixXf gatherRows(ConstMatrixMap queries, const std::vector<int32_t> &indices);

// Trains `objective` on `pairs` (query vectors from `queries`, rows by dense query index),
// selecting on `devQrels`. On return the objective holds the best weights seen. onEpoch (may be
// empty) is called after every evaluation.
Result<TrainerResult> trainObjective(TrainingObjective &objective, ConstMatrixMap queries,
                                     const std::vector<TrainingPair> &pairs, const Qrels &devQrels,
                                     const std::vector<int32_t> &tiePriority, const TrainerOptions &options,
                                     Progress *progress, const std::function<void(const TrainerEpoch &)> &onEpoch = {});

// Query-side module over fixed documents, softmax over the whole corpus.
class QueryModuleObjective : public TrainingObjective {
public:
    // docs: n x d unit rows; queries: all query vectors. Both must outlive the objective.
    QueryModuleObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries);
    std::vector<Parameter *> parameters() override { return m_module.parameters(); }
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override
    {
        return m_module.apply(gatherRows(m_queries, queryIndices));
    }
    FloatMatrix documents() const override { return FloatMatrix::view(m_docs); }

private:
    Module &m_module;
    const RowMatrixXf &m_docs;
    ConstMatrixMap m_queries;
    RowMatrixXf m_batch, m_grad;
};

// Convenience: trainObjective with a QueryModuleObjective.
Result<TrainerResult> trainQueryModule(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                       const std::vector<TrainingPair> &pairs, const Qrels &devQrels,
                                       const std::vector<int32_t> &tiePriority, const TrainerOptions &options,
                                       Progress *progress, const std::function<void(const TrainerEpoch &)> &onEpoch = {});

} // namespace embtune::engine
