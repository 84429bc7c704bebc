#include "methods/refine.h"

#include "io/json_writer.h"
#include "methods/training_support.h"
#include "methods/query_adapter.h"
#include "train/objectives.h"

namespace embtune::engine {

RefineMethod::RefineMethod()
{
    m_spec = {"refine", "REFINE",
              "Fuses the frozen model with a trainable linear copy on both sides (W = lambda I + (1 - lambda) A) and "
              "trains it with in-batch and band hard negatives; documents are re-encoded.",
              {{"lambda_frozen", ParamSpec::Type::Double, "0.35", 0, 1, {}, "Weight of the frozen model in the fusion."},
               {"skip_top", ParamSpec::Type::Int, "5", 0, 100000, {}, "Top-ranked documents never used as negatives."},
               {"band_lo", ParamSpec::Type::Double, "0.5", -1, 100, {}, "Lower end of the negative band (cosine, or percentile)."},
               {"band_hi", ParamSpec::Type::Double, "0.7", -1, 100, {}, "Upper end of the negative band."},
               {"band_mode", ParamSpec::Type::Choice, "absolute", 0, 0, {"absolute", "percentile"},
                "absolute: the band is in cosine; percentile: in percentiles 0..100 of the query's scores."},
               {"n_hard", ParamSpec::Type::Int, "3", 0, 1000, {}, "Hard negatives sampled per training pair."}}};
    appendTrainerParams(m_spec.params,
                        {{"clip_norm"}, {{"seed", {.help = "Seed of the shuffles and the negative sampling."}}}});
}

Result<std::unique_ptr<TunedModel>> RefineMethod::fit(const TrainingData &data, const ParamValues &params,
                                                      Progress *progress) const
{
    if (!data.dataset || !data.embeddings)
        return Error::usage("refine needs a dataset and an embedding set");
    const EmbeddingSet &set = *data.embeddings;
    if (Status s = checkQueryVectors(data); !s)
        return s.error();
    const auto usable = usableTrainingData(data);
    if (!usable)
        return usable.error();
    const int64_t d = set.dim();
    auto module = std::make_shared<Sequential>();
    auto fusedOwned = std::make_unique<FusedLinearMap>(d, params.real("lambda_frozen"));
    FusedLinearMap *fused = fusedOwned.get();
    module->add(std::move(fusedOwned));
    module->add(std::make_unique<RowNormalize>());

    const RowMatrixXf docs = normalizedRows(set.docs.map());
    const std::vector<TrainingPair> pairs = trainingPairs(params, usable->trainQrels);
    BandOptions band;
    band.skipTop = int(params.integer("skip_top"));
    band.lo = params.real("band_lo");
    band.hi = params.real("band_hi");
    band.percentile = params.text("band_mode") == "percentile";
    band.count = int(params.integer("n_hard"));
    band.seed = uint64_t(params.integer("seed"));
    int64_t withoutNegatives = 0;
    auto negatives = bandHardNegatives(docs, set.queries.map(), pairs, band, &withoutNegatives);

    const TrainerOptions options = trainerOptionsFrom(params, data);
    SharedModuleObjective objective(*module, docs, set.queries.map(), pairs, std::move(negatives));
    auto result = trainObjective(objective, set.queries.map(), pairs, usable->devQrels,
                                 tiePriorityByIdDescending(data.dataset->docIds.ids()), options, progress);
    if (!result)
        return result.error();

    JsonWriter w(false);
    w.beginObject();
    w.key("method");
    w.value(m_spec.id);
    w.key("pairs");
    w.value(int64_t(pairs.size()));
    w.key("pairs_without_hard_negatives");
    w.value(withoutNegatives);
    writeTrainingResult(w, *result);
    w.endObject();
    // The same module encodes both sides; the export holds the fused matrix.
    AdapterDescription adapter;
    adapter.tensors.push_back(modelTensor("W", fused->fusedWeight()));
    adapter.applyQueries = "q2 = normalize(q @ W.T)";
    adapter.applyDocuments = "d2 = normalize(d @ W.T)";
    adapter.settings["lambda_frozen"] = params.text("lambda_frozen");
    return std::unique_ptr<TunedModel>(
        std::make_unique<QueryAdapterModel>(module, module, set.docs, w.str(), std::move(adapter)));
}

} // namespace embtune::engine
