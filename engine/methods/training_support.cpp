#include "methods/training_support.h"

#include <algorithm>
#include <cassert>

namespace embtune::engine {

namespace {

// The common declarations, in the common order (see training_support.h).
const std::vector<ParamSpec> &commonTrainerParams()
{
    static const std::vector<ParamSpec> params{
        {"epochs", ParamSpec::Type::Int, "30", 0, 10000, {}, "Passes over the training pairs."},
        {"batch_size", ParamSpec::Type::Int, "64", 1, 65536, {}, "Training pairs per Adam step."},
        {"lr", ParamSpec::Type::Double, "0.001", 1e-7, 10, {}, "Adam learning rate."},
        {"scale", ParamSpec::Type::Double, "20", 0.01, 1000, {}, "Logits are scale x cosine."},
        {"patience", ParamSpec::Type::Int, "0", 0, 10000, {},
         "Dev evaluations without a better nDCG@10 before stopping; 0 = off."},
        {"eval_every", ParamSpec::Type::Int, "0", 0, 1e9, {},
         "Evaluate dev nDCG@10 every N optimiser steps (and after the last); 0 = after every epoch."},
        {"positives", ParamSpec::Type::Choice, "each", 0, 0, {"each", "soft"},
         "Queries with several relevant documents: one training pair per document (each), or one pair whose "
         "target is spread over them by gain (soft)."},
        {"label_smoothing", ParamSpec::Type::Double, "0", 0, 0.99, {},
         "Label smoothing: this much target mass is spread evenly over the candidates."},
        {"clip_norm", ParamSpec::Type::Double, "0", 0, 1e6, {}, "Clip the global gradient norm to this; 0 = off."},
        {"seed", ParamSpec::Type::Int, "0", 0, 4294967295.0, {}, "Seed of the shuffles."},
        {"threads", ParamSpec::Type::Int, "0", 0, 1024, {}, "Worker threads; 0 uses every core."},
    };
    return params;
}

[[maybe_unused]] bool isCommonTrainerParam(const std::string &name)
{
    for (const ParamSpec &p : commonTrainerParams())
        if (p.name == name)
            return true;
    return false;
}

ParamSpec overridden(ParamSpec p, const ParamOverride &change)
{
    if (change.defaultValue)
        p.defaultValue = *change.defaultValue;
    if (change.minimum)
        p.minimum = *change.minimum;
    if (change.maximum)
        p.maximum = *change.maximum;
    if (change.help)
        p.help = *change.help;
    return p;
}

} // namespace

ParamSpec trainerParam(const std::string &name, const ParamOverride &change)
{
    for (const ParamSpec &p : commonTrainerParams())
        if (p.name == name)
            return overridden(p, change);
    assert(false && "not a common trainer parameter");
    return {};
}

std::vector<ParamSpec> trainerParams(const TrainerParamChoice &choice)
{
    for ([[maybe_unused]] const std::string &name : choice.without)
        assert(isCommonTrainerParam(name) && "`without` names a parameter that is not a common trainer parameter");
    for ([[maybe_unused]] const auto &[name, change] : choice.overrides)
        assert(isCommonTrainerParam(name) && "an override names a parameter that is not a common trainer parameter");
    std::vector<ParamSpec> out;
    for (const ParamSpec &p : commonTrainerParams()) {
        if (std::find(choice.without.begin(), choice.without.end(), p.name) != choice.without.end())
            continue;
        const auto change = choice.overrides.find(p.name);
        out.push_back(change == choice.overrides.end() ? p : overridden(p, change->second));
    }
    return out;
}

void appendTrainerParams(std::vector<ParamSpec> &params, const TrainerParamChoice &choice)
{
    for (ParamSpec &p : trainerParams(choice)) {
        assert(std::none_of(params.begin(), params.end(), [&](const ParamSpec &q) { return q.name == p.name; }) &&
               "a common trainer parameter is declared twice");
        params.push_back(std::move(p));
    }
}

TrainerOptions trainerOptionsFrom(const ParamValues &params, const TrainingData &data)
{
    TrainerOptions options;
    options.epochs = int(params.integer("epochs"));
    options.batchSize = int(params.integer("batch_size"));
    options.scale = float(params.real("scale"));
    options.patience = int(params.integer("patience"));
    if (params.all().count("label_smoothing"))
        options.labelSmoothing = float(params.real("label_smoothing"));
    if (params.all().count("eval_every"))
        options.evaluateEverySteps = params.integer("eval_every");
    options.seed = uint64_t(params.integer("seed"));
    options.threads = int(params.integer("threads")) > 0 ? int(params.integer("threads")) : data.threads;
    options.adam.learningRate = params.real("lr");
    if (params.all().count("clip_norm"))
        options.adam.clipNorm = params.real("clip_norm");
    return options;
}

std::vector<TrainingPair> trainingPairs(const ParamValues &params, const Qrels &qrels)
{
    const bool soft = params.all().count("positives") && params.text("positives") == "soft";
    return pairsFromQrels(qrels, soft ? PositiveTargets::Soft : PositiveTargets::Each);
}

Status checkQueryVectors(const TrainingData &data)
{
    const EmbeddingSet &set = *data.embeddings;
    for (const auto &qrels : {&data.trainQrels, &data.devQrels})
        for (const auto &q : qrels->queries)
            if (!set.hasQuery(q.query))
                return Error::input("query \"" + data.dataset->queryIds.id(q.query) + "\" has no query vector", set.source);
    return {};
}

ZeroVectorQueries zeroVectorQueries(const TrainingData &data)
{
    const EmbeddingSet &set = *data.embeddings;
    auto zeroOf = [&](const Qrels &qrels) {
        std::vector<int32_t> out;
        for (const QueryJudgements &q : qrels.queries)
            if (set.hasQuery(q.query) && isZeroRow(set.queries.row(q.query), set.queries.cols()))
                out.push_back(q.query);
        return out;
    };
    return {zeroOf(data.trainQrels), zeroOf(data.devQrels)};
}

Result<TrainingData> usableTrainingData(const TrainingData &data)
{
    const ZeroVectorQueries zero = zeroVectorQueries(data);
    if (zero.empty())
        return data;
    TrainingData out = data;
    auto drop = [](std::vector<int32_t> &queries, Qrels &qrels, const std::vector<int32_t> &zeroQueries) {
        auto isZero = [&](int32_t q) { return std::binary_search(zeroQueries.begin(), zeroQueries.end(), q); };
        queries.erase(std::remove_if(queries.begin(), queries.end(), isZero), queries.end());
        qrels.queries.erase(std::remove_if(qrels.queries.begin(), qrels.queries.end(),
                                           [&](const QueryJudgements &q) { return isZero(q.query); }),
                            qrels.queries.end());
    };
    drop(out.trainQueries, out.trainQrels, zero.train);
    drop(out.devQueries, out.devQrels, zero.dev);
    const Dataset &dataset = *data.dataset;
    const std::string &source = data.embeddings->source;
    if (!zero.train.empty() && out.trainQrels.queries.empty())
        return Error::input("every judged training query has a zero vector (first: \"" +
                                dataset.queryIds.id(zero.train.front()) + "\"): there is nothing to train on",
                            source);
    if (!zero.dev.empty() && out.devQrels.queries.empty())
        return Error::input("every judged dev query has a zero vector (first: \"" +
                                dataset.queryIds.id(zero.dev.front()) + "\"): there is nothing to select on",
                            source);
    return out;
}

void writeTrainingResult(JsonWriter &w, const TrainerResult &result)
{
    w.key("best_epoch");
    w.value(result.bestEpoch);
    w.key("best_dev_ndcg10");
    w.value(result.bestDevNdcg10);
    w.key("steps");
    w.value(result.steps);
    w.key("ms_per_step");
    w.value(result.steps > 0 ? 1000.0 * result.trainSeconds / double(result.steps) : 0.0);
    w.key("dev_ndcg10");
    w.beginArray();
    for (const auto &epoch : result.history)
        w.value(epoch.devNdcg10);
    w.endArray();
    w.key("loss"); // the entry before training is 0
    w.beginArray();
    for (const auto &epoch : result.history)
        w.value(epoch.loss);
    w.endArray();
    w.key("eval_steps");
    w.beginArray();
    for (const auto &epoch : result.history)
        w.value(epoch.step);
    w.endArray();
}

} // namespace embtune::engine
