#pragma once
// When to retry a failed HTTP request and how long to wait first.
//
// Retryable: HTTP 408, 429 and 5xx, time-outs, and transport failures that may pass (connection
// refused or reset, temporary network failure). The wait is the server's Retry-After (or
// retry-after-ms) when it sent one, capped at maxRetryAfterMs; otherwise capped exponential
// backoff with "equal jitter": base = min(maxBackoffMs, initialBackoffMs * 2^(retry - 1)),
// wait = base / 2 + uniform[0, base / 2]. The jitter comes from a generator seeded by `seed`, so a
// job's waits are reproducible. Units: milliseconds.
//
// Threads: not thread-safe (owns its random generator); one instance per job.

#include <QByteArray>
#include <QDateTime>

#include <cstdint>
#include <optional>
#include <random>

namespace embtune::net {

class RetryPolicy {
public:
    RetryPolicy(int64_t initialBackoffMs, int64_t maxBackoffMs, int64_t maxRetryAfterMs, uint64_t seed);

    static bool isRetryableStatus(int httpStatus);

    // Delay before retry number `retry` (1 = first retry). `retryAfterMs` is the server's
    // requested delay, if any.
    int64_t delayMs(int retry, std::optional<int64_t> retryAfterMs);

    // Parses a Retry-After value: delay-seconds (integer; a decimal fraction is accepted) or an
    // HTTP date (IMF-fixdate, RFC 850 or asctime form), relative to `now`. A date in the past
    // gives 0. std::nullopt when the value is neither.
    static std::optional<int64_t> parseRetryAfter(const QByteArray &value, const QDateTime &now);
    // Parses an HTTP date (the three forms above, GMT). Invalid QDateTime when it is none.
    static QDateTime parseHttpDate(const QByteArray &value);

private:
    int64_t m_initialBackoffMs;
    int64_t m_maxBackoffMs;
    int64_t m_maxRetryAfterMs;
    std::mt19937_64 m_random;
};

} // namespace embtune::net
