#pragma once
// Worker-thread jobs for the OpenAI-compatible remote embedder (embtune_net), in two steps so
// the GUI can ask before a costly job: planRemoteAsync loads the API key, validates the settings,
// looks the set up in the embedding cache and, on a miss, estimates requests, tokens and cost
// (sending nothing); embedRemoteAsync embeds every document and query text and stores the set in
// the cache. The API key stays inside the RemoteEmbedder (memory only): it is never part of a
// result, a message, the cache key or the provenance.

#include "jobs/engine_jobs.h"

#include "api_key.h"
#include "remote_embedder.h"

#include <memory>
#include <optional>

namespace embtune::gui {

// What the "Compute via API" dialog asks for.
struct RemoteRequest {
    net::RemoteEmbedderSettings settings; // baseUrl, model, dimensions, price, in flight, ...
    net::ApiKeySource keySource;          // environment variable and/or keychain entry
    bool useKey = true;                   // false: no key (local servers)
    double confirmAbove = 1.0;            // ask before a job whose estimated cost exceeds this
};

struct RemotePlan {
    std::shared_ptr<net::RemoteEmbedder> embedder; // ready to run; holds the key
    net::EmbedEstimate estimate;                   // of the texts still to send (cache misses)
    std::optional<ComputedEmbeddings> cached;      // the set was in the embedding cache: no request
};
using RemotePlanJobResult = JobResult<RemotePlan>;

// Display name of a remote set: the model, with "-<dimensions>" when dimensions are requested.
std::string remoteSetName(const net::RemoteEmbedderSettings &settings);

QFuture<RemotePlanJobResult> planRemoteAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                             RemoteRequest request, QString cacheRoot, JobProgress *progress);

// Runs plan.embedder on documentTexts + query texts; stores the set under (textsHash,
// embedder->configKey()) in the cache at `cacheRoot`.
QFuture<ComputeJobResult> embedRemoteAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                           std::shared_ptr<net::RemoteEmbedder> embedder, QString cacheRoot,
                                           JobProgress *progress);

} // namespace embtune::gui
