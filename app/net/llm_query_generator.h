#pragma once
// The llm synthetic query generator (METHODS.md "Synthetic query generators"): for each sampled
// document, POST {baseUrl}/v1/chat/completions with the prompt template rendered for the document
// and parse up to n questions from the answer (chat_protocol.h). The result is the same
// SyntheticSet the built-in generators produce (engine/synth), ids "llm:<doc id>:<k>".
//
// Requests (request_scheduler.h): one per document, up to maxInFlight at once; 408/429/5xx,
// time-outs and transient transport failures are retried with backoff (a Retry-After pauses
// every new request of the job until it has passed); a request still failing after maxAttempts
// fails the job with the HTTP status and the server's message. A 2xx answer that is not a chat
// completion fails the job (it would fail again); an answer with fewer than n usable lines keeps
// what it has (counted in GenerateStats::shortAnswers).
//
// Cache and resume: each parsed answer is written to cacheDir as soon as it arrives, one file per
// key = hash of (normalised base URL, model, prompt template, n, temperature, document title and
// text). A job that was cancelled or killed, run again, takes those documents from the cache and
// sends nothing for them. Cache files hold the questions only (no key, no prompt).
//
// Threads: generate() blocks its calling thread with a local QEventLoop (works on a worker thread
// or the main thread of a CLI); a QCoreApplication must exist. The progress callback (phase
// "llm", done/total documents) runs on the calling thread after each document and every
// progressIntervalMs; returning false aborts the requests in flight and generate() returns
// Error::cancelled(). One generate() at a time per object.
//
// Secrets: the API key goes only into the Authorization header; the errors of requests are
// scrubbed with ApiKey::scrub() (request_scheduler.h); the key is not part of the cache key, the
// files or the set's parameters.

#include "api_key.h"

#include "core/progress.h"
#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <QString>
#include <QUrl>

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::net {

struct LlmGeneratorSettings {
    QString baseUrl = QStringLiteral("https://api.openai.com"); // "/v1" or a trailing "/" ignored
    QString model = QStringLiteral("gpt-4o-mini");
    QString promptTemplate;          // empty: defaultQuestionPrompt(); placeholders {title} {text} {n}
    int questionsPerDocument = 3;    // n
    int64_t documents = 0;           // > 0: a seeded sample of this many documents; 0: all
    uint64_t seed = 0;               // document sample (engine sampleDocuments)
    double temperature = 0.7;

    // Request scheduling: the fields of RequestSchedulerSettings with the same names
    // (request_scheduler.h states their units and limits).
    int maxInFlight = 4;
    int timeoutMs = 60000;           // per attempt, retryable
    int maxAttempts = 6;
    int initialBackoffMs = 1000;
    int maxBackoffMs = 60000;
    int maxRetryAfterMs = 300000;

    QString cacheDir;                // empty: no cache (and no resume)
    // Price per million tokens (prompt and answer alike) for estimate(); 0 when unknown.
    double pricePerMillionTokens = 0;
    int answerTokensPerQuestion = 30; // estimate of an answer's tokens per question
    int progressIntervalMs = 100;
    bool useSystemProxy = true;       // loopback hosts are always reached directly
    bool allowPlainHttpWithKey = false;
};

struct LlmEstimate {
    int64_t documents = 0;       // sampled documents
    int64_t cachedDocuments = 0; // answered in the cache: not sent
    int64_t requests = 0;        // without retries
    int64_t estimatedTokens = 0; // prompts (batch_planner.h estimate) + answers
    double estimatedCost = 0;

    // True when the cost exceeds `costThreshold`; never while the price is 0 (unknown).
    bool needsConfirmation(double costThreshold) const { return estimatedCost > costThreshold; }
};

struct LlmStats {
    int64_t documents = 0;
    int64_t cachedDocuments = 0;
    int64_t requests = 0;        // sent, retries included
    int64_t retries = 0;
    int64_t shortAnswers = 0;    // answers with fewer than n questions
    int64_t reportedTokens = -1; // sum of usage.total_tokens; -1 when none reported
};

class LlmQueryGenerator {
public:
    LlmQueryGenerator(LlmGeneratorSettings settings, ApiKey key);

    const LlmGeneratorSettings &settings() const { return m_settings; }
    QUrl endpoint() const { return m_endpoint; } // {baseUrl}/v1/chat/completions
    // Usage errors: bad URL, no model, n < 1, limits, template without {text}, key over plain http.
    engine::Status validate() const;

    // What generate() would send now. Reads the cache; sends nothing.
    engine::Result<LlmEstimate> estimate(const engine::Dataset &dataset) const;
    engine::Result<engine::SyntheticSet> generate(const engine::Dataset &dataset, engine::Progress *progress);
    // Statistics of the last generate() that returned.
    const LlmStats &lastStats() const { return m_stats; }

private:
    QString promptTemplate() const;
    std::string cacheKey(const engine::Document &doc) const;
    QString cachePath(const engine::Document &doc) const;

    LlmGeneratorSettings m_settings;
    ApiKey m_key;
    QString m_baseUrl; // normalised
    QUrl m_endpoint;
    LlmStats m_stats;
};

} // namespace embtune::net
