#pragma once
// The training loop shared by the parametric methods: shuffled mini-batches of (query, positive)
// pairs, a loss over the transformed query batch, Adam, dev nDCG@10 after every epoch, early
// stopping with patience and restore of the best weights. Seeded: with threads = 1 the result
// is bit-for-bit reproducible. Progress reports (phase "train", done = step, total = all steps)
// carry the epoch, loss and dev metric in TrainerEpoch records; cancel returns Cancelled.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "train/adam.h"
#include "train/losses.h"
#include "train/module.h"

#include <functional>
#include <vector>

namespace embtune::engine {

struct TrainerOptions {
    int epochs = 30;
    int batchSize = 64;
    float scale = 20.0f;        // logits = scale * cos (temperature 1/scale)
    int patience = 0;           // evaluations without improvement before stopping; 0 = never stop early
    uint64_t seed = 0;
    int threads = 0;
    AdamOptions adam;
};

struct TrainerEpoch {
    int epoch = 0;              // 0 = before training
    double loss = 0;            // mean training loss over the epoch
    double devNdcg10 = 0;
    double seconds = 0;         // wall time of the epoch's steps
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

// The (query, positive) pairs of `qrels`: one pair per relevant document (as the PyTorch peer).
std::vector<TrainingPair> pairsFromQrels(const Qrels &qrels);

// Trains `module` (mapping query vectors) so that module(q) scores its positives highest among
// `docs` (unit rows) by dot product. queries: all query vectors (rows by dense query index);
// devQrels: judgements of the dev queries (selection metric). On return the module holds the
// best weights seen. onEpoch (may be empty) is called after every evaluation.
Result<TrainerResult> trainQueryModule(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                       const std::vector<TrainingPair> &pairs, const Qrels &devQrels,
                                       const std::vector<int32_t> &tiePriority, const TrainerOptions &options,
                                       Progress *progress, const std::function<void(const TrainerEpoch &)> &onEpoch = {});

} // namespace embtune::engine
