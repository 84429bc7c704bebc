#pragma once
// Worker-thread jobs for generated training queries: generate a set (built-in generators of
// engine/synth or the llm generator of embtune_net, with a cost estimate first), export a set as a
// BEIR folder, and build what a method fits on when it trains on a generated set (the generated
// queries embedded with the embedder of the trained set: the built-in LSA or an
// OpenAI-compatible API). Results cross threads as values (JobResult, engine_jobs.h).

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

// Training on a generated set: which queries train and select, and how the generated queries are
// embedded (the same embedder as the trained set's queries).
struct GeneratedTraining {
    std::shared_ptr<const engine::SyntheticSet> set;
    bool withLabelled = false;    // the labelled training queries train too
    QString labelledTrainFile;    // with withLabelled: one query id per line
    QString devFile;              // labelled dev queries; empty: held-out generated queries
    double devFraction = 0.1;     // of the generated queries, when devFile is empty
    uint64_t seed = 0;            // of the held-out split

    enum class Embedder { Lsa, Remote };
    Embedder embedder = Embedder::Lsa;
    // Lsa: the fitted model's folder (lsa.json, ...). When it holds no model, the LSA of
    // lsaOptions is fitted on the dataset's documents, checked against the set's document vectors
    // (it must reproduce them) and saved there for the next time.
    QString lsaModelDir;
    engine::LsaOptions lsaOptions;
    // Remote: the service of the set (settings from its cache key) and where the key is.
    RemoteRequest remote;
};

// The LSA options recorded in a set's provenance parameters (LsaEmbedder::optionsJson);
// std::nullopt when `json` is not such an object.
std::optional<engine::LsaOptions> lsaOptionsFromJson(const QString &json);

// The FitInput of `training` for `dataset` and its loaded set `embeddings` (call on a worker
// thread): the generated queries appended to a copy of the dataset and embedded, train = the
// labelled training queries (withLabelled) + the generated ones not held out, dev = the labelled
// dev queries or the held-out generated ones.
engine::Result<FitInput> buildGeneratedFitInput(const GeneratedTraining &training, const engine::Dataset &dataset,
                                                std::shared_ptr<const engine::EmbeddingSet> embeddings,
                                                engine::Progress *progress);

} // namespace embtune::gui
