#pragma once
// Worker-thread jobs for generated training queries: generate a set (built-in generators of
// engine/synth or the llm generator of embtune_net, with a cost estimate first) and export a set
// as a BEIR folder. Training on a set is a run (run_jobs.h). Results cross threads as values
// (JobResult, engine_jobs.h).

#include "jobs/engine_jobs.h"
#include "jobs/remote_jobs.h"

#include "llm_query_generator.h"
#include "synth/query_generators.h"
#include "synth/synthetic_set.h"

#include <QFuture>
#include <QString>

#include <memory>

namespace embtune::gui {

// What "Generate Training Queries" asks for.
struct SynthRequest {
    QString name;                   // the set's name in the store (GeneratedSetStore::nameProblem)
    engine::SynthOptions options;   // generator (ict|title|keyphrase|llm), perDocument, documents, seed, ...
    // llm only: endpoint, model, prompt template, price, in flight; perDocument, documents and seed
    // are taken from `options`. cacheDir is set by the window (the app's cache).
    net::LlmGeneratorSettings llm;
    net::ApiKeySource keySource;
    bool useKey = true;             // false: no key (local servers)
    double confirmAbove = 1.0;      // ask before a job whose estimated cost exceeds this
};

// The llm generator, ready to run (holds the key), and what it would send.
struct LlmPlan {
    std::shared_ptr<net::LlmQueryGenerator> generator;
    net::LlmEstimate estimate;
};

using LlmPlanJobResult = JobResult<LlmPlan>;
using SynthJobResult = JobResult<engine::SyntheticSet>;
using GeneratedExportJobResult = JobResult<QString>; // the folder written

// Loads the key (environment or keychain, on the worker thread), validates the settings and
// estimates requests, tokens and cost. Sends nothing.
QFuture<LlmPlanJobResult> planLlmAsync(std::shared_ptr<const engine::Dataset> dataset, SynthRequest request,
                                       JobProgress *progress);

// Runs the built-in generator of request.options, or `llm` (from planLlmAsync) when the generator
// is "llm". An empty result (no document qualified) is an input error.
QFuture<SynthJobResult> generateQueriesAsync(std::shared_ptr<const engine::Dataset> dataset, SynthRequest request,
                                             std::shared_ptr<net::LlmQueryGenerator> llm, JobProgress *progress);

// exportSyntheticSetAsBeir(set, dataset, dir).
QFuture<GeneratedExportJobResult> exportGeneratedSetAsync(std::shared_ptr<const engine::Dataset> dataset,
                                                          std::shared_ptr<const engine::SyntheticSet> set, QString dir,
                                                          JobProgress *progress);

} // namespace embtune::gui
