#include "methods/training_support.h"

namespace embtune::engine {

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

ParamSpec evalEveryParam()
{
    return {"eval_every", ParamSpec::Type::Int, "0", 0, 1e9, {},
            "Evaluate dev nDCG@10 every N optimiser steps (and after the last); 0 = after every epoch."};
}

ParamSpec labelSmoothingParam()
{
    return {"label_smoothing", ParamSpec::Type::Double, "0", 0, 0.99, {},
            "Label smoothing: this much target mass is spread evenly over the candidates."};
}

ParamSpec positivesParam()
{
    return {"positives", ParamSpec::Type::Choice, "each", 0, 0, {"each", "soft"},
            "Queries with several relevant documents: one training pair per document (each), or one pair whose "
            "target is spread over them by gain (soft)."};
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
