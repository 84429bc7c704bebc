#include "run/run_inputs.h"

#include "data/beir_reader.h"
#include "embed/embedding_store.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace embtune::engine {
namespace {

// The built-in LSA fitted on the corpus: the set (documents and dataset queries) and the model.
Result<EmbeddingSet> lsaEmbeddings(const Dataset &dataset, LsaEmbedder &lsa, Progress *progress)
{
    auto docs = lsa.fit(documentTexts(dataset), progress);
    if (!docs)
        return docs.error();
    auto queries = lsa.embed(dataset.queries, progress);
    if (!queries)
        return queries.error();
    EmbeddingSet set;
    set.name = "lsa" + std::to_string(lsa.dim());
    set.source = "built-in";
    set.docs = FloatMatrix(*docs);
    set.queries = FloatMatrix(*queries);
    set.hasQueryVector.assign(size_t(dataset.queryCount()), 1);
    set.provenance.embedder = "lsa";
    set.provenance.parameters = lsa.optionsJson();
    set.provenance.normalized = true;
    return set;
}

Result<std::vector<int32_t>> queryList(const std::string &path, const Dataset &dataset)
{
    if (path.empty())
        return std::vector<int32_t>{};
    return readQueryIdList(path, dataset);
}

} // namespace

Result<std::shared_ptr<LsaEmbedder>> lsaQueryEmbedder(const std::string &modelDir, const Dataset &dataset,
                                                      const EmbeddingSet &embeddings, Progress *progress)
{
    if (!modelDir.empty() && fs::exists(fs::path(modelDir) / "lsa.json")) {
        auto loaded = LsaEmbedder::load(modelDir);
        if (!loaded)
            return loaded.error();
        return std::shared_ptr<LsaEmbedder>(std::move(*loaded));
    }
    if (embeddings.provenance.embedder != "lsa")
        return Error::usage("the embedding set " + embeddings.source + " (embedder \"" + embeddings.provenance.embedder +
                            "\") holds precomputed vectors and no embedder model (model/lsa.json), so it cannot embed "
                            "the generated queries like its own; use the built-in LSA (--embedder lsa) or an "
                            "`embtune-cli embed` folder");
    auto options = LsaEmbedder::optionsFromJson(embeddings.provenance.parameters);
    if (!options)
        return Error::input("the LSA set's provenance does not record its options: " + options.error().message,
                            embeddings.source);
    // No saved model: fit the LSA of the set's options again (seeded, independent of the thread
    // count) and check that it reproduces the set's document vectors.
    auto lsa = std::make_shared<LsaEmbedder>(*options);
    auto docs = lsa->fit(documentTexts(dataset), progress);
    if (!docs)
        return docs.error();
    const ConstMatrixMap stored = embeddings.docs.map();
    if (docs->rows() != stored.rows() || docs->cols() != stored.cols())
        return Error::input("the LSA model fitted again does not match the set's shape (" + std::to_string(docs->cols()) +
                                " vs " + std::to_string(stored.cols()) + " dimensions); compute the set again",
                            embeddings.source);
    float worst = 0;
    for (int64_t r = 0; r < std::min<int64_t>(docs->rows(), 200); ++r)
        worst = std::max(worst, (docs->row(r) - stored.row(r)).cwiseAbs().maxCoeff());
    if (!(worst < 1e-3f))
        return Error::input("the LSA model fitted again does not reproduce the set's document vectors (max difference " +
                                std::to_string(worst) + "): compute the set again",
                            embeddings.source);
    if (!modelDir.empty())
        (void)lsa->save(modelDir); // best effort: the next run loads it instead of fitting again
    return lsa;
}

Result<RunInputs> loadRunInputs(const RunSpec &spec, RunInputs inputs, Progress *progress)
{
    // What the caller holds in memory needs no path (a set computed in the GUI and not stored).
    RunSpec checked = spec;
    if (inputs.dataset && checked.dataset.empty())
        checked.dataset = inputs.dataset->path.empty() ? "(given)" : inputs.dataset->path;
    if (inputs.embeddings && checked.base == RunBase::Embeddings && checked.embeddings.empty())
        checked.embeddings = "(given)";
    if (Status s = validateRunSpec(checked); !s)
        return s.error();
    if (!inputs.dataset) {
        LoadReport report;
        auto dataset = readBeirDataset(spec.dataset, &report, progress);
        if (!dataset)
            return dataset.error();
        inputs.warnings.insert(inputs.warnings.end(), report.warnings.begin(), report.warnings.end());
        inputs.dataset = std::make_shared<const Dataset>(std::move(*dataset));
    }
    const Dataset &dataset = *inputs.dataset;
    std::shared_ptr<LsaEmbedder> fittedLsa; // RunBase::Lsa: embeds generated queries too
    if (!inputs.embeddings && spec.base == RunBase::Embeddings) {
        auto set = importEmbeddingFolder(spec.embeddings, dataset);
        if (!set)
            return set.error();
        inputs.embeddings = std::make_shared<const EmbeddingSet>(std::move(*set));
    } else if (!inputs.embeddings && spec.base == RunBase::Lsa) {
        LsaOptions options;
        options.dim = spec.lsaDim;
        options.seed = spec.seed;
        options.threads = spec.threads;
        fittedLsa = std::make_shared<LsaEmbedder>(options);
        auto set = lsaEmbeddings(dataset, *fittedLsa, progress);
        if (!set)
            return set.error();
        inputs.embeddings = std::make_shared<const EmbeddingSet>(std::move(*set));
    }
    if (inputs.experts.empty())
        for (const std::string &dir : spec.experts) {
            auto expert = importEmbeddingFolder(dir, dataset);
            if (!expert)
                return expert.error();
            inputs.experts.push_back(std::make_shared<const EmbeddingSet>(std::move(*expert)));
        }
    if (inputs.experts.size() != spec.experts.size())
        return Error::usage("the run names " + std::to_string(spec.experts.size()) + " expert sets but " +
                            std::to_string(inputs.experts.size()) + " were given");
    for (auto [list, path] : {std::pair{&inputs.trainQueries, &spec.trainQueries}, {&inputs.devQueries, &spec.devQueries}})
        if (!*list) {
            auto read = queryList(*path, dataset);
            if (!read)
                return read.error();
            *list = std::move(*read);
        }
    if (!spec.generatedQueries.empty()) {
        if (!inputs.generated) {
            auto set = readSyntheticSet(spec.generatedQueries, dataset);
            if (!set)
                return set.error();
            inputs.generated = std::make_shared<const SyntheticSet>(std::move(*set));
        }
        if (!inputs.queryEmbedder) {
            if (fittedLsa) {
                inputs.queryEmbedder = [fittedLsa](const Dataset &, const EmbeddingSet &,
                                                   Progress *) -> Result<std::shared_ptr<TextEmbedder>> {
                    return std::shared_ptr<TextEmbedder>(fittedLsa);
                };
            } else {
                // The model kept beside the vectors (an `embtune-cli embed` folder), or the folder named.
                const std::string modelDir = !spec.queryEmbedder.empty() ? spec.queryEmbedder
                                                                         : (fs::path(spec.embeddings) / "model").string();
                inputs.queryEmbedder = [modelDir](const Dataset &data, const EmbeddingSet &set,
                                                  Progress *p) -> Result<std::shared_ptr<TextEmbedder>> {
                    auto lsa = lsaQueryEmbedder(modelDir, data, set, p);
                    if (!lsa)
                        return lsa.error();
                    return std::shared_ptr<TextEmbedder>(std::move(*lsa));
                };
            }
        }
    }
    return inputs;
}

} // namespace embtune::engine
