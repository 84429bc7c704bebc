#include "jobs/run_jobs.h"

#include "gui_text.h"
#include "jobs/job_progress.h"
#include "api_key.h"
#include "remote_embedder.h"

#include <QtConcurrent/QtConcurrentRun>

namespace embtune::gui {

namespace {

// runPipeline on what the request holds, the embedding sources loaded first (on this thread).
engine::Result<engine::RunResult> runRequest(const RunRequest &request, JobProgress *progress)
{
    engine::Progress engineProgress(callbackOf(progress));
    engine::RunInputs inputs;
    inputs.dataset = request.dataset;
    if (request.spec.base == engine::RunBase::Embeddings) {
        auto set = resolveEmbeddings(request.source, *request.dataset);
        if (!set)
            return set.error();
        inputs.embeddings = *set;
    }
    for (const EmbeddingsSource &expert : request.experts) {
        auto set = resolveEmbeddings(expert, *request.dataset);
        if (!set)
            return set.error();
        inputs.experts.push_back(*set);
    }
    inputs.generated = request.generated;
    inputs.queryEmbedder = request.queryEmbedder;
    return engine::runPipeline(request.spec, std::move(inputs), &engineProgress);
}

std::shared_ptr<const HnswEvaluation> hnswEvaluationOf(const engine::RunResult &run)
{
    if (!run.hnsw)
        return nullptr;
    auto hnsw = std::make_shared<HnswEvaluation>();
    hnsw->parameters = run.hnsw->parameters;
    hnsw->threads = run.spec.threads;
    hnsw->buildSeconds = run.hnsw->indexSeconds;
    hnsw->exactSeconds = run.hnsw->exactSeconds;
    hnsw->indexBytes = run.hnsw->indexBytes;
    hnsw->annRecall = run.hnsw->annRecall;
    hnsw->index = run.hnsw->index;
    return hnsw;
}

} // namespace

double HnswEvaluation::annRecallAt(int k) const
{
    for (const auto &[at, recall] : annRecall)
        if (at == k)
            return recall;
    return -1;
}

QFuture<EvaluationJobResult> evaluateAsync(RunRequest request, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [request = std::move(request), progress]() {
        return runJob<EvaluatedRun>(progress, [&](EvaluationJobResult &out) -> engine::Result<EvaluatedRun> {
            if (request.spec.trained())
                return engine::Error::usage("evaluateAsync runs method \"none\"; train with trainAsync");
            auto run = runRequest(request, progress);
            if (!run)
                return run.error();
            out.warnings = toStringList(run->warnings);
            EvaluatedRun evaluated{run->spec, run->evaluation, run->embeddings, hnswEvaluationOf(*run), nullptr};
            evaluated.run = std::make_shared<const engine::RunResult>(std::move(*run));
            return evaluated;
        });
    });
}

QFuture<TrainJobResult> trainAsync(RunRequest request, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [request = std::move(request), progress]() {
        return runJob<TrainedRun>(progress, [&](TrainJobResult &out) -> engine::Result<TrainedRun> {
            if (!request.spec.trained())
                return engine::Error::usage("trainAsync needs a method; evaluate with evaluateAsync");
            auto run = runRequest(request, progress);
            if (!run)
                return run.error();
            out.warnings = toStringList(run->warnings);
            const engine::FitRecord &fit = *run->fit;
            TrainedRun trained;
            trained.spec = run->spec;
            trained.embeddings = run->embeddings;
            trained.tuned = run->tuned;
            trained.model = run->model;
            trained.baseline = *run->baseline;
            trained.result = run->evaluation;
            trained.params = fit.params;
            trained.reportJson = fit.reportJson;
            trained.similarity = fit.similarity;
            trained.fitSeconds = fit.fitSeconds;
            trained.trainQueries = int(fit.trainQueries);
            trained.devQueries = int(fit.devQueries);
            trained.run = std::make_shared<const engine::RunResult>(std::move(*run));
            return trained;
        });
    });
}

QFuture<FusionJobResult> fuseAsync(engine::RunSpec spec, std::vector<std::shared_ptr<const engine::RunResult>> members,
                                   JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [spec = std::move(spec), members = std::move(members), progress]() {
        return runJob<FusedRun>(progress, [&](FusionJobResult &out) -> engine::Result<FusedRun> {
            engine::Progress engineProgress(callbackOf(progress));
            engine::RunInputs inputs;
            inputs.dataset = members.empty() ? nullptr : members.front()->dataset;
            inputs.members = members;
            auto run = engine::runPipeline(spec, std::move(inputs), &engineProgress);
            if (!run)
                return run.error();
            out.warnings = toStringList(run->warnings);
            return FusedRun{std::make_shared<const engine::RunResult>(std::move(*run))};
        });
    });
}

QFuture<FusionDevCurve> fusionDevCurveAsync(engine::RunSpec spec,
                                            std::vector<std::shared_ptr<const engine::RunResult>> members)
{
    return QtConcurrent::run(workerPool(), [spec = std::move(spec), members = std::move(members)]() {
        FusionDevCurve out;
        try {
            engine::RunInputs given;
            given.dataset = members.empty() ? nullptr : members.front()->dataset;
            auto inputs = engine::loadRunInputs(spec, std::move(given), nullptr);
            if (!inputs) {
                out.error = QString::fromStdString(inputs.error().toString());
                return out;
            }
            engine::FusionRecord record;
            record.members = members;
            std::vector<std::string> warnings;
            if (engine::Status s = engine::chooseFusionOnDev(spec, *inputs->dataset, *inputs->devQueries, record,
                                                             warnings, nullptr);
                !s) {
                out.error = QString::fromStdString(s.error().toString());
                return out;
            }
            out.choice = std::move(record.choice);
            out.devQueries = record.devQueries;
        } catch (const std::bad_alloc &) {
            out.error = QStringLiteral("out of memory");
        }
        return out;
    });
}

engine::QueryEmbedderFactory remoteQueryEmbedder(RemoteRequest remote)
{
    return [remote = std::move(remote)](const engine::Dataset &, const engine::EmbeddingSet &,
                                        engine::Progress *) -> engine::Result<std::shared_ptr<engine::TextEmbedder>> {
        net::ApiKey key;
        if (remote.useKey) {
            // The keychain may ask the user to unlock it: this blocks the worker thread only.
            auto loaded = net::loadApiKey(remote.keySource);
            if (!loaded)
                return loaded.error();
            key = *loaded;
        }
        auto embedder = std::make_shared<net::RemoteEmbedder>(remote.settings, key);
        if (engine::Status s = embedder->validate(); !s)
            return s.error();
        return std::shared_ptr<engine::TextEmbedder>(std::move(embedder));
    };
}

} // namespace embtune::gui
