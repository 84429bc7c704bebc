#pragma once
// What the parametric methods (linear, adder, adder2, mafin, refine, soft-label) share around
// the trainer: the trainer's common parameters (declared once here), options from them, the
// query-vector check, and the report.

#include "io/json_writer.h"
#include "methods/method.h"
#include "train/trainer.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace embtune::engine {

// The trainer's common parameters, declared once, in this order: epochs, batch_size, lr, scale,
// patience, eval_every, positives, label_smoothing, clip_norm, seed, threads. trainerOptionsFrom
// and trainingPairs read them by these names. A trained method adds them to its schema with
// trainerParams / appendTrainerParams, leaving out those its trainer does not read and stating
// where its declaration differs (a default, a range, a help text) as an override.

// A method's change to one common declaration; unset fields keep the common value.
struct ParamOverride {
    std::optional<std::string> defaultValue{};
    std::optional<double> minimum{}, maximum{};
    std::optional<std::string> help{};
};

// Which common parameters a method takes and how they differ from the common declarations.
struct TrainerParamChoice {
    // Common parameters not added: the method's trainer does not read them, or the method
    // declares them at another place of its schema with trainerParam.
    std::vector<std::string> without{};
    std::map<std::string, ParamOverride> overrides{}; // by parameter name
};

// The common declaration of `name` with `change` applied. `name` must be a common parameter
// (asserted; an unknown name gives a parameter with an empty name).
ParamSpec trainerParam(const std::string &name, const ParamOverride &change = {});

// The common parameters in the common order, without choice.without, with choice.overrides
// applied. Every name in `without` and `overrides` must be a common parameter (asserted).
std::vector<ParamSpec> trainerParams(const TrainerParamChoice &choice = {});

// Appends trainerParams(choice) to `params`. No name may then appear twice (asserted).
void appendTrainerParams(std::vector<ParamSpec> &params, const TrainerParamChoice &choice = {});

// Trainer options from the common parameters. Those a method leaves out (label_smoothing,
// eval_every, clip_norm) keep the TrainerOptions defaults; threads 0 falls back to data.threads.
TrainerOptions trainerOptionsFrom(const ParamValues &params, const TrainingData &data);

// The training pairs the parameter positives (each | soft) selects (pairsFromQrels); each when
// the method has no positives parameter.
std::vector<TrainingPair> trainingPairs(const ParamValues &params, const Qrels &qrels);

// Input error naming the first train or dev query without a query vector.
Status checkQueryVectors(const TrainingData &data);

// Train and dev queries of `data` (those with judgements) whose black-box vector is zero: a text
// with no term in the embedder's vocabulary, or a zero row of imported vectors. Cosine is
// undefined for them, so no method trains or selects on them. Dense indices, ascending; queries
// without a vector are not listed (checkQueryVectors reports those).
struct ZeroVectorQueries {
    std::vector<int32_t> train, dev;
    bool empty() const { return train.empty() && dev.empty(); }
};
ZeroVectorQueries zeroVectorQueries(const TrainingData &data);

// `data` without its zero-vector train and dev queries (in the query lists and the qrels); every
// method fits on this. Input errors (naming the embedding set's source and the first query) when
// every judged training query, or every judged dev query, has a zero vector.
Result<TrainingData> usableTrainingData(const TrainingData &data);

// Writes best_epoch, best_dev_ndcg10, steps, ms_per_step and the dev_ndcg10, loss and eval_steps
// curves (one entry per dev evaluation, the first before training) into an open JSON object.
void writeTrainingResult(JsonWriter &w, const TrainerResult &result);

} // namespace embtune::engine
