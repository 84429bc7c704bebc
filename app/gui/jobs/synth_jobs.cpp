#include "jobs/synth_jobs.h"

#include "data/beir_reader.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "synth/synthetic_export.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <new>

namespace embtune::gui {

namespace {

net::LlmGeneratorSettings llmSettings(const SynthRequest &request)
{
    net::LlmGeneratorSettings settings = request.llm;
    settings.questionsPerDocument = request.options.perDocument;
    settings.documents = request.options.documents;
    settings.seed = request.options.seed;
    return settings;
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

} // namespace embtune::gui
