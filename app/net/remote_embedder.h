#pragma once
// TextEmbedder for OpenAI-compatible embedding services: POST {baseUrl}/v1/embeddings.
//
// A job (embed()) removes duplicate texts, takes what it can from the on-disk cache
// (embedding_cache.h), splits the rest into batches (batch_planner.h), keeps up to maxInFlight
// requests going, retries 408/429/5xx/time-outs/transient transport failures (request_scheduler.h:
// a Retry-After pauses every new request of the job until it has passed), stores each batch's
// vectors in the cache as soon as it arrives, and reorders them by the response's "index".
// A request that still fails after maxAttempts attempts fails the job with the HTTP status and
// the server's message.
//
// Threads: embed() blocks its calling thread, running a local QEventLoop and its own
// QNetworkAccessManager there, so it works on a worker thread (QThread, QThreadPool,
// std::thread) and on the main thread of a command-line program; a QCoreApplication must exist.
// Concurrent embed() calls on one object are allowed; calls that share a cache file take turns
// (each waits up to cacheLockTimeoutMs for the file's lock). The progress callback is called on
// the calling thread: after each batch and every progressIntervalMs while waiting; returning false
// aborts the requests in flight and embed() returns Error::cancelled().
//
// Secrets: the API key goes only into the Authorization header. It is not part of configKey(),
// the cache, the progress phase or any error: the errors of requests (where a server may echo
// it) are scrubbed with ApiKey::scrub() (request_scheduler.h).

#include "api_key.h"
#include "embeddings_protocol.h"

#include "embed/text_embedder.h"

#include <QString>
#include <QUrl>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace embtune::net {

struct RemoteEmbedderSettings {
    // The service's base URL; requests go to {baseUrl}/v1/embeddings. A trailing "/" or "/v1" is
    // ignored, so "https://api.openai.com" and "https://api.openai.com/v1/" are the same.
    QString baseUrl = QStringLiteral("https://api.openai.com");
    QString model = QStringLiteral("text-embedding-3-small");
    int dimensions = 0; // > 0: sent as "dimensions" and required of the answer; 0: model default
    EncodingFormat encodingFormat = EncodingFormat::Base64;

    int maxBatchItems = 2048;        // inputs per request
    int64_t maxBatchTokens = 300000; // estimated tokens per request: ceil(bytes / 4) per text
    // Request scheduling (request_scheduler.h, which states the units and limits): the fields
    // of RequestSchedulerSettings with the same names.
    int maxInFlight = 4;   // requests in flight at once (QtNetwork: 6 per host over HTTP/1.1)
    int timeoutMs = 60000; // per request, from sending to the complete response; retryable
    int maxAttempts = 6;   // per request, the first included; then the job fails
    int initialBackoffMs = 1000; // first retry's backoff (retry_policy.h), doubled per retry
    int maxBackoffMs = 60000;    // backoff cap
    int maxRetryAfterMs = 300000; // cap on a server's Retry-After
    uint64_t seed = 0x5eed;       // backoff jitter

    QString cacheDir;              // folder of the on-disk cache; empty: no cache
    int cacheLockTimeoutMs = 10000;
    double pricePerMillionTokens = 0; // for estimate(); 0 when unknown
    int progressIntervalMs = 100;     // how often a waiting job re-checks its progress callback
    // Use the system's proxy settings (Linux: http_proxy, https_proxy, no_proxy); loopback hosts
    // are always reached directly. false: no proxy at all.
    bool useSystemProxy = true;
    // A key is refused over plain http to a host other than loopback unless this is set.
    bool allowPlainHttpWithKey = false;
};

// What a job would send, from estimate().
struct EmbedEstimate {
    int64_t texts = 0;           // all texts
    int64_t uniqueTexts = 0;     // distinct texts
    int64_t cachedTexts = 0;     // distinct texts already in the cache: not sent
    int64_t requests = 0;        // requests without retries
    int64_t estimatedTokens = 0; // of the texts to send (batch_planner.h)
    double estimatedCost = 0;    // estimatedTokens / 1e6 * pricePerMillionTokens

    // True when the estimated cost exceeds `costThreshold` (same currency as the price); the
    // CLI and GUI ask the user before such a job. Never true while the price is 0 (unknown).
    bool needsConfirmation(double costThreshold) const { return estimatedCost > costThreshold; }
};

// What the last finished embed() call did.
struct EmbedStats {
    int64_t texts = 0;
    int64_t uniqueTexts = 0;
    int64_t cachedTexts = 0;     // distinct texts taken from the cache
    int64_t sentTexts = 0;       // distinct texts embedded by the server in this call
    int64_t requests = 0;        // HTTP requests sent, retries included
    int64_t retries = 0;
    int64_t reportedTokens = -1; // sum of usage.total_tokens; -1 when the server reported none
    double seconds = 0;
};

class RemoteEmbedder final : public engine::TextEmbedder {
public:
    RemoteEmbedder(RemoteEmbedderSettings settings, ApiKey key);

    const RemoteEmbedderSettings &settings() const { return m_settings; }
    // {baseUrl}/v1/embeddings (invalid when baseUrl is).
    QUrl endpoint() const { return m_endpoint; }
    // The base URL as used in the cache identity: no user info, query, "/v1" or trailing "/".
    QString normalizedBaseUrl() const { return m_baseUrl; }

    // Errors (usage) for settings a job cannot run with; also checked by embed() and estimate().
    engine::Status validate() const;

    // "openai:" + JSON {"base_url","model","dimensions"}.
    std::string configKey() const override;
    std::string name() const override { return "openai"; }

    // texts.size() x dim, row i = texts[i]. See the header comment for threads and cancellation.
    engine::Result<engine::RowMatrixXf> embed(const std::vector<std::string> &texts,
                                              engine::Progress *progress) override;

    // Requests, tokens and cost of embedding `texts` now (texts already cached are free).
    // Reads the cache without locking it; sends nothing. Thread-safe.
    engine::Result<EmbedEstimate> estimate(const std::vector<std::string> &texts) const;

    // Statistics of the most recent embed() that returned (successfully or not). Thread-safe.
    EmbedStats lastStats() const;

private:
    engine::Result<engine::RowMatrixXf> run(const std::vector<std::string> &texts, engine::Progress *progress,
                                            EmbedStats &stats);

    RemoteEmbedderSettings m_settings;
    ApiKey m_key;
    QString m_baseUrl;
    QUrl m_endpoint;
    mutable std::mutex m_statsMutex;
    EmbedStats m_lastStats; // guarded by m_statsMutex
};

} // namespace embtune::net
