#pragma once
// Sends a fixed set of JSON POSTs to one endpoint (http_exchange.h) the way every client of
// embtune_net does:
// - Queue: requests are numbered 0..count-1 and first sent in that order; a retried request goes
//   to the front of the queue.
// - Concurrency bound: at most maxInFlight requests are in flight at once (one at least).
// - Time-out: an attempt without a complete answer timeoutMs after its hand-over to Qt is
//   aborted and counts as a failed attempt (retryable).
// - Body cap: an answer (of any status) that announces or delivers more than
//   Client::maxReplyBytes() is aborted as soon as its headers or that much data arrive, and fails
//   the run naming the endpoint and the cap (not retried: the server would send it again).
// - Retries: HTTP 408, 429 and 5xx, time-outs and transient transport failures (connection
//   refused, reset or closed, temporary network failure) are retried, up to maxAttempts attempts
//   per request (the first included), after RetryPolicy's capped, jittered exponential backoff
//   (retry_policy.h). Other answers (4xx, redirects, a 2xx the Client rejects) fail the run at
//   once. While one request waits out its backoff, the others go on.
// - Retry-After: a server's Retry-After (delay-seconds or HTTP date) or retry-after-ms replaces
//   the backoff, clamped to [0, maxRetryAfterMs] (absurd, infinite or past values included;
//   negative or unparsable ones are ignored), and pauses every new request of the run until it
//   has passed; requests already in flight go on.
// - Cancellation: Client::progress() is asked after each accepted answer and every
//   progressIntervalMs; false aborts the requests in flight at once, sends no queued one and
//   run() returns Error::cancelled().
// The first request that fails for good fails the run with the HTTP status and the server's
// message, naming the request (Client::describe()); requests in flight are then aborted.
//
// A body is asked for when its request is first sent and kept until it succeeds. run() returns
// when every request has succeeded, one failed, or the run was cancelled. It may be called
// again (resume): it then sends only the requests that have not succeeded yet, each with
// maxAttempts fresh attempts, and never repeats one that has.
//
// Threads: not thread-safe; one run() at a time per object, on any thread that may block (a
// worker thread of any kind or the main thread of a CLI); a QCoreApplication must exist. run()
// blocks, running a local QEventLoop and its own QNetworkAccessManager on the calling thread;
// the Client is called on that thread from inside run() and must not call run() itself.
// Nothing of a run (timers, replies, connections) outlives it.
//
// Secrets: the key goes only into the Authorization header; errors returned by run() are
// scrubbed with ApiKey::scrub(), those of the Client included.

#include "api_key.h"
#include "retry_policy.h"

#include "core/error.h"

#include <QByteArray>
#include <QUrl>

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::net {

// Units: milliseconds.
struct RequestSchedulerSettings {
    // Requests in flight at once (below 1 counts as 1). Over HTTP/1.1 QtNetwork opens at most 6
    // connections per host, so values above 6 help only over HTTP/2 (and the time-out counts from
    // the hand-over to Qt, its own queue included).
    int maxInFlight = 4;
    int timeoutMs = 60000;        // per attempt, from the hand-over to Qt to the complete answer
    int maxAttempts = 6;          // per request and run(), the first included
    int initialBackoffMs = 1000;  // first retry's backoff (retry_policy.h), doubled per retry
    int maxBackoffMs = 60000;     // backoff cap
    int maxRetryAfterMs = 300000; // cap on a server's Retry-After / retry-after-ms
    uint64_t seed = 0x5eed;       // backoff jitter
    int progressIntervalMs = 100; // how often a waiting run calls Client::progress() (10 at least)
    bool useSystemProxy = true;   // newApiNetworkManager(useSystemProxy)
};

// Usage errors for settings a client must not run with: maxInFlight, timeoutMs or maxAttempts
// below 1, a negative backoff or Retry-After cap. (run() itself clamps whatever it is given.)
engine::Status checkRequestSchedulerSettings(const RequestSchedulerSettings &settings);

// Counted over the object's lifetime (every run()).
struct RequestSchedulerStats {
    int64_t requests = 0; // attempts sent, retries included
    int64_t retries = 0;  // attempts scheduled after a retryable failure
};

// The scheduling fields of a client's settings struct, which carry the same names (the jitter
// seed is left at its default: a client with a seed of its own sets it).
template <class ClientSettings>
RequestSchedulerSettings requestSchedulerSettings(const ClientSettings &s)
{
    RequestSchedulerSettings out;
    out.maxInFlight = s.maxInFlight;
    out.timeoutMs = s.timeoutMs;
    out.maxAttempts = s.maxAttempts;
    out.initialBackoffMs = s.initialBackoffMs;
    out.maxBackoffMs = s.maxBackoffMs;
    out.maxRetryAfterMs = s.maxRetryAfterMs;
    out.progressIntervalMs = s.progressIntervalMs;
    out.useSystemProxy = s.useSystemProxy;
    return out;
}

class RequestScheduler {
public:
    // Client::maxReplyBytes() unless a client says otherwise (bytes).
    static constexpr int64_t kDefaultMaxReplyBytes = int64_t(16) << 20;

    // What a run sends and where its answers go. Called on the run() thread, from inside run(),
    // never re-entered. Owned by the caller of run(); must outlive it.
    class Client {
    public:
        virtual ~Client() = default;
        // The JSON body of request `r`; called before its first attempt, kept until it succeeds.
        virtual QByteArray body(size_t r) = 0;
        // Request `r` answered 2xx with `body`. An error fails the run with that error.
        virtual engine::Status accept(size_t r, const QByteArray &body) = 0;
        // What request `r` is in an error message, e.g. "request for document index 3".
        virtual std::string describe(size_t r) const = 0;
        // Called after each accepted answer and every progressIntervalMs while waiting; false
        // cancels: requests in flight are aborted, none is sent any more and run() returns
        // Error::cancelled().
        virtual bool progress() { return true; }
        // The largest answer body (bytes) request `r` may get; see "Body cap" above.
        virtual int64_t maxReplyBytes(size_t /*r*/) const { return kDefaultMaxReplyBytes; }
    };

    // `count` requests to POST to `endpoint` with `key` (jsonPostRequest()). Sends nothing yet.
    RequestScheduler(RequestSchedulerSettings settings, QUrl endpoint, ApiKey key, size_t count);
    ~RequestScheduler();
    RequestScheduler(const RequestScheduler &) = delete;
    RequestScheduler &operator=(const RequestScheduler &) = delete;

    // Sends every request that has not succeeded yet. See the header comment.
    engine::Status run(Client &client);

    size_t size() const { return m_requests.size(); }
    bool succeeded(size_t r) const { return m_requests[r].succeeded; }
    size_t succeededCount() const { return m_succeeded; }
    const RequestSchedulerStats &stats() const { return m_stats; }

private:
    class Run;
    struct Request {
        QByteArray body;  // set on the first attempt, released on success
        int attempts = 0; // in the current run
        bool succeeded = false;
    };

    RequestSchedulerSettings m_settings;
    QUrl m_endpoint;
    ApiKey m_key;
    std::vector<Request> m_requests;
    size_t m_succeeded = 0;
    RequestSchedulerStats m_stats;
    RetryPolicy m_policy; // seeded with settings.seed once: later runs continue its jitter
};

} // namespace embtune::net
