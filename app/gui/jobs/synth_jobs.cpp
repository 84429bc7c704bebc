#include "jobs/synth_jobs.h"

#include "data/beir_reader.h"
#include "jobs/job_progress.h"
#include "synth/synthetic_export.h"
#include "synth/synthetic_training.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <new>

namespace embtune::gui {

namespace {

std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

engine::ProgressCallback callbackOf(JobProgress *progress)
{
    return progress ? progress->callback() : engine::ProgressCallback();
}

net::LlmGeneratorSettings llmSettings(const SynthRequest &request)
{
    net::LlmGeneratorSettings settings = request.llm;
    settings.questionsPerDocument = request.options.perDocument;
    settings.documents = request.options.documents;
    settings.seed = request.options.seed;
    return settings;
}

// The embedder of the trained set, for the generated queries.
engine::Result<std::unique_ptr<engine::TextEmbedder>> queryEmbedder(const GeneratedTraining &training,
                                                                    const engine::Dataset &dataset,
                                                                    const engine::EmbeddingSet &embeddings,
                                                                    engine::Progress *progress)
{
    if (training.embedder == GeneratedTraining::Embedder::Remote) {
        net::ApiKey key;
        if (training.remote.useKey) {
            auto loaded = net::loadApiKey(training.remote.keySource);
            if (!loaded)
                return loaded.error();
            key = *loaded;
        }
        auto remote = std::make_unique<net::RemoteEmbedder>(training.remote.settings, key);
        if (engine::Status s = remote->validate(); !s)
            return s.error();
        return std::unique_ptr<engine::TextEmbedder>(std::move(remote));
    }
    const std::string modelDir = localPath(training.lsaModelDir);
    if (!modelDir.empty() && std::filesystem::exists(std::filesystem::path(modelDir) / "lsa.json")) {
        auto loaded = engine::LsaEmbedder::load(modelDir);
        if (!loaded)
            return loaded.error();
        return std::unique_ptr<engine::TextEmbedder>(std::move(*loaded));
    }
    // No saved model: fit the LSA of the set's options again (the fit is seeded and does not
    // depend on the thread count) and check that it reproduces the set's document vectors.
    auto lsa = std::make_unique<engine::LsaEmbedder>(training.lsaOptions);
    auto docs = lsa->fit(engine::documentTexts(dataset), progress);
    if (!docs)
        return docs.error();
    const engine::ConstMatrixMap stored = embeddings.docs.map();
    if (docs->rows() != stored.rows() || docs->cols() != stored.cols())
        return engine::Error::input("the LSA model fitted again does not match the set's shape (" +
                                    std::to_string(docs->cols()) + " vs " + std::to_string(stored.cols()) +
                                    " dimensions); compute the set again");
    float worst = 0;
    for (int64_t r = 0; r < std::min<int64_t>(docs->rows(), 200); ++r)
        worst = std::max(worst, (docs->row(r) - stored.row(r)).cwiseAbs().maxCoeff());
    if (!(worst < 1e-3f))
        return engine::Error::input("the LSA model fitted again does not reproduce the set's document vectors (max "
                                    "difference " + std::to_string(worst) + "): compute the set again");
    if (!modelDir.empty())
        (void)lsa->save(modelDir); // best effort: the next run loads it instead of fitting again
    return std::unique_ptr<engine::TextEmbedder>(std::move(lsa));
}

} // namespace

QFuture<LlmPlanJobResult> planLlmAsync(std::shared_ptr<const engine::Dataset> dataset, SynthRequest request,
                                       JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), request = std::move(request), progress]() {
        return runJob<LlmPlan>(progress, [&](LlmPlanJobResult &) -> engine::Result<LlmPlan> {
            net::ApiKey key;
            if (request.useKey) {
                // The keychain may ask the user to unlock it: this blocks this worker thread only.
                auto loaded = net::loadApiKey(request.keySource);
                if (!loaded)
                    return loaded.error();
                key = *loaded;
            }
            LlmPlan plan;
            plan.generator = std::make_shared<net::LlmQueryGenerator>(llmSettings(request), key);
            if (engine::Status s = plan.generator->validate(); !s)
                return s.error();
            auto estimate = plan.generator->estimate(*dataset);
            if (!estimate)
                return estimate.error();
            plan.estimate = *estimate;
            return plan;
        });
    });
}

QFuture<SynthJobResult> generateQueriesAsync(std::shared_ptr<const engine::Dataset> dataset, SynthRequest request,
                                             std::shared_ptr<net::LlmQueryGenerator> llm, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), request = std::move(request), llm = std::move(llm),
                              progress]() {
        return runJob<engine::SyntheticSet>(progress, [&](SynthJobResult &) -> engine::Result<engine::SyntheticSet> {
            engine::Progress engineProgress(callbackOf(progress));
            const bool isLlm = request.options.generator == "llm";
            if (isLlm && !llm)
                return engine::Error::usage("the llm generator needs a plan (planLlmAsync) first");
            auto set = isLlm ? llm->generate(*dataset, &engineProgress)
                             : engine::generateQueries(*dataset, request.options, &engineProgress);
            if (set && set->queries.empty())
                return engine::Error::input("no query was generated (" + request.options.generator +
                                            ": no document qualified; for ict lower the minimum sentence length)");
            return set;
        });
    });
}

QFuture<GeneratedExportJobResult> exportGeneratedSetAsync(std::shared_ptr<const engine::Dataset> dataset,
                                                          std::shared_ptr<const engine::SyntheticSet> set, QString dir,
                                                          JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), set = std::move(set), dir = std::move(dir), progress]() {
        return runJob<QString>(progress, [&](GeneratedExportJobResult &) -> engine::Result<QString> {
            if (engine::Status s = engine::exportSyntheticSetAsBeir(*set, *dataset, localPath(dir)); !s)
                return s.error();
            return dir;
        });
    });
}

std::optional<engine::LsaOptions> lsaOptionsFromJson(const QString &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (!o.contains(QStringLiteral("dim")))
        return std::nullopt;
    engine::LsaOptions options;
    options.dim = o.value(QStringLiteral("dim")).toInt(options.dim);
    options.tfidf.minDf = o.value(QStringLiteral("min_df")).toInt(options.tfidf.minDf);
    options.tfidf.maxDfFraction = o.value(QStringLiteral("max_df")).toDouble(options.tfidf.maxDfFraction);
    options.tfidf.sublinearTf = o.value(QStringLiteral("sublinear_tf")).toBool(options.tfidf.sublinearTf);
    options.tfidf.tokenizer.minLength =
        o.value(QStringLiteral("min_token_length")).toInt(options.tfidf.tokenizer.minLength);
    if (o.contains(QStringLiteral("stop_words")))
        options.tfidf.tokenizer.englishStopWords = o.value(QStringLiteral("stop_words")).toString() == "english";
    options.oversampling = o.value(QStringLiteral("oversampling")).toInt(options.oversampling);
    options.powerIterations = o.value(QStringLiteral("power_iterations")).toInt(options.powerIterations);
    options.seed = uint64_t(o.value(QStringLiteral("seed")).toInteger(qint64(options.seed)));
    return options;
}

engine::Result<FitInput> buildGeneratedFitInput(const GeneratedTraining &training, const engine::Dataset &dataset,
                                                std::shared_ptr<const engine::EmbeddingSet> embeddings,
                                                engine::Progress *progress)
{
    if (!training.set)
        return engine::Error::usage("no generated query set");
    std::vector<int32_t> appended;
    auto augmented = engine::appendSyntheticQueries(dataset, *training.set, &appended);
    if (!augmented)
        return augmented.error();
    auto embedder = queryEmbedder(training, dataset, *embeddings, progress);
    if (!embedder)
        return embedder.error();
    std::vector<std::string> texts;
    texts.reserve(training.set->queries.size());
    for (const engine::SyntheticQuery &q : training.set->queries)
        texts.push_back(q.text);
    auto vectors = (*embedder)->embed(texts, progress);
    if (!vectors)
        return vectors.error();
    if (vectors->cols() != embeddings->dim())
        return engine::Error::input("the generated queries were embedded with " + std::to_string(vectors->cols()) +
                                    " dimensions, the set has " + std::to_string(embeddings->dim()));
    auto withVectors =
        engine::appendQueryVectors(*embeddings, engine::ConstMatrixMap(vectors->data(), vectors->rows(), vectors->cols()));
    if (!withVectors)
        return withVectors.error();

    FitInput fit;
    std::vector<int32_t> generatedTrain = appended, dev;
    if (!training.devFile.isEmpty()) {
        auto labelled = engine::readQueryIdList(localPath(training.devFile), dataset);
        if (!labelled)
            return labelled.error();
        dev = *labelled;
    } else {
        std::tie(generatedTrain, dev) = engine::splitHeldOut(appended, training.devFraction, training.seed);
    }
    if (training.withLabelled) {
        auto labelled = engine::readQueryIdList(localPath(training.labelledTrainFile), dataset);
        if (!labelled)
            return labelled.error();
        fit.trainQueries = *labelled;
    }
    fit.trainQueries.insert(fit.trainQueries.end(), generatedTrain.begin(), generatedTrain.end());
    fit.devQueries = std::move(dev);
    fit.dataset = std::make_shared<const engine::Dataset>(std::move(*augmented));
    fit.embeddings = std::make_shared<const engine::EmbeddingSet>(std::move(*withVectors));
    return fit;
}

} // namespace embtune::gui
