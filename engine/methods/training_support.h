#pragma once
// What the parametric methods (linear, adder, adder2, mafin, refine, soft-label) share around
// the trainer: options from their common parameters, the query-vector check, and the report.

#include "io/json_writer.h"
#include "methods/method.h"
#include "train/trainer.h"

namespace embtune::engine {

// Trainer options from the parameters epochs, batch_size, scale, patience, seed, threads, lr
// and, when the method has them, clip_norm eval_every and label_smoothing. threads 0 falls back to data.threads.
TrainerOptions trainerOptionsFrom(const ParamValues &params, const TrainingData &data);

// The parameter eval_every (dev evaluation every N steps; 0 = after every epoch).
ParamSpec evalEveryParam();

// The parameter label_smoothing (TrainerOptions::labelSmoothing).
ParamSpec labelSmoothingParam();

// The parameter positives (each | soft) and the training pairs it selects (pairsFromQrels).
ParamSpec positivesParam();
std::vector<TrainingPair> trainingPairs(const ParamValues &params, const Qrels &qrels);

// Input error naming the first train or dev query without a query vector.
Status checkQueryVectors(const TrainingData &data);

// Writes best_epoch, best_dev_ndcg10, steps, ms_per_step and the dev_ndcg10, loss and eval_steps
// curves (one entry per dev evaluation, the first before training) into an open JSON object.
void writeTrainingResult(JsonWriter &w, const TrainerResult &result);

} // namespace embtune::engine
