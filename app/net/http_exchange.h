#pragma once
// What every OpenAI-compatible client of embtune_net does the same way around one JSON POST:
// the base URL it is given, the network access manager it sends with, the request it sends and
// how a finished reply is classified (success, retry with an optional server-given delay, or a
// failure for good). request_scheduler.h schedules requests (queue, in-flight limit, retries).
// Functions are reentrant; objects belong to the calling thread, as QtNetwork's do.

#include "api_key.h"

#include "core/error.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

class QNetworkAccessManager;

namespace embtune::net {

// `baseUrl` trimmed, without user info, query, fragment, trailing slashes and a trailing /v1
// (so "http://h/v1/" and "http://h" name the same server); empty when it is not a valid URL.
QString normalizedApiBaseUrl(const QString &baseUrl);

// The URL of `apiPath` (e.g. "/v1/embeddings") on the server `baseUrl` names: baseUrl (trimmed;
// scheme, user info, host and port kept; query and fragment dropped) with the path of
// normalizedApiBaseUrl(baseUrl) followed by apiPath. Empty when baseUrl is not a valid URL.
QUrl apiEndpoint(const QString &baseUrl, const QString &apiPath);

// A usage error naming baseUrl (without user info) unless `endpoint` (from apiEndpoint()) is a
// valid http or https URL with a host.
engine::Status checkApiEndpoint(const QString &baseUrl, const QUrl &endpoint);

// "localhost" or a loopback address.
bool isLoopbackHost(const QString &host);

// An API key may travel over plain http only to a loopback host unless the user allows it:
// a usage error naming the host otherwise.
engine::Status checkKeyTransport(const QUrl &endpoint, const ApiKey &key, bool allowPlainHttpWithKey);

// A manager that never follows redirects (they are reported) and, with useSystemProxy, uses the
// system's proxies (Linux: http_proxy, https_proxy, no_proxy) except for loopback hosts, which
// are always reached directly; without it, no proxy at all.
std::unique_ptr<QNetworkAccessManager> newApiNetworkManager(bool useSystemProxy);

// A POST of JSON to `endpoint` with Accept: application/json, the key's Authorization header
// (none for an empty key) and no HTTP cache.
QNetworkRequest jsonPostRequest(const QUrl &endpoint, const ApiKey &key);

// Transport errors worth another attempt (refused or dropped connections, time-outs, proxies).
bool isTransientTransportError(QNetworkReply::NetworkError error);

// Why the caller ended a reply before it finished, if it did.
enum class ReplyAbort {
    None,
    TimedOut, // no complete answer within the time-out
    TooLarge, // replyExceeds() the body cap
};

// True when `reply` announced (Content-Length) or has buffered (bytesAvailable(), after any
// decompression) more than maxBodyBytes. A caller checks it whenever the reply's headers or data
// arrive (metaDataChanged, readyRead) and aborts a reply for which it is true, so that no more
// than maxBodyBytes plus one network read is ever held for one answer.
bool replyExceeds(const QNetworkReply &reply, int64_t maxBodyBytes);

struct ReplyOutcome {
    enum class Kind { Success, Retry, Fail };
    Kind kind = Kind::Fail;
    QByteArray body;                    // Success: the response body
    std::string reason;                 // Retry, Fail: what happened, naming the URL (never the key)
    std::optional<int64_t> retryAfterMs; // Retry: the server's retry-after-ms or Retry-After, if any
};

// Classifies a finished reply. `abort`: why the caller aborted it, after timeoutMs or on
// exceeding maxBodyBytes (bytes). A body over maxBodyBytes -> Fail naming the endpoint and the cap
// (the same request would get the same answer); a time-out -> Retry; 2xx -> Success (Retry when
// the body was cut short); 408, 429, 5xx and transient transport errors -> Retry; anything else ->
// Fail, with a hint for 401/403 and for redirects.
ReplyOutcome classifyReply(QNetworkReply &reply, ReplyAbort abort, int timeoutMs, int64_t maxBodyBytes,
                           const QUrl &endpoint);

} // namespace embtune::net
