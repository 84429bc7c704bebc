#include "http_exchange.h"

#include "embeddings_protocol.h"
#include "retry_policy.h"
#include "server_number.h"

#include <QDateTime>
#include <QHostAddress>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>

#include <limits>

namespace embtune::net {
namespace {

class LoopbackDirectProxyFactory final : public QNetworkProxyFactory {
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override
    {
        if (isLoopbackHost(query.peerHostName()))
            return {QNetworkProxy(QNetworkProxy::NoProxy)};
        return systemProxyForQuery(query);
    }
};

std::optional<int64_t> serverRetryAfter(const QNetworkReply &reply)
{
    if (reply.hasRawHeader("retry-after-ms")) {
        bool ok = false;
        const double ms = reply.rawHeader("retry-after-ms").trimmed().toDouble(&ok);
        if (ok && ms >= 0)
            return serverInteger(ms, 0, std::numeric_limits<int64_t>::max());
    }
    if (reply.hasRawHeader("Retry-After"))
        return RetryPolicy::parseRetryAfter(reply.rawHeader("Retry-After"), QDateTime::currentDateTimeUtc());
    return std::nullopt;
}

} // namespace

bool isLoopbackHost(const QString &host)
{
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

engine::Status checkKeyTransport(const QUrl &endpoint, const ApiKey &key, bool allowPlainHttpWithKey)
{
    if (key.isEmpty() || endpoint.scheme().toLower() != QLatin1String("http") || allowPlainHttpWithKey ||
        isLoopbackHost(endpoint.host()))
        return {};
    return engine::Error::usage("refusing to send the API key over plain http to " + endpoint.host().toStdString() +
                                ": use https, or allow plain http explicitly");
}

QString normalizedApiBaseUrl(const QString &baseUrl)
{
    QUrl url(baseUrl.trimmed(), QUrl::StrictMode);
    if (!url.isValid())
        return {};
    url.setUserInfo({});
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith('/'))
        path.chop(1);
    if (path.endsWith(QLatin1String("/v1")))
        path.chop(3);
    while (path.endsWith('/'))
        path.chop(1);
    url.setPath(path);
    return url.toString(QUrl::FullyEncoded);
}

QUrl apiEndpoint(const QString &baseUrl, const QString &apiPath)
{
    const QString normalized = normalizedApiBaseUrl(baseUrl);
    if (normalized.isEmpty())
        return {};
    QUrl endpoint(baseUrl.trimmed(), QUrl::StrictMode);
    endpoint.setQuery(QString());
    endpoint.setFragment(QString());
    endpoint.setPath(QUrl(normalized).path() + apiPath);
    return endpoint;
}

engine::Status checkApiEndpoint(const QString &baseUrl, const QUrl &endpoint)
{
    const QString scheme = endpoint.scheme();
    if (endpoint.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https")) &&
        !endpoint.host().isEmpty())
        return {};
    return engine::Error::usage("invalid base URL \"" +
                                QUrl(baseUrl).toDisplayString(QUrl::RemoveUserInfo).toStdString() +
                                "\": expected http(s)://host[:port][/path]");
}

std::unique_ptr<QNetworkAccessManager> newApiNetworkManager(bool useSystemProxy)
{
    auto manager = std::make_unique<QNetworkAccessManager>();
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    if (useSystemProxy)
        manager->setProxyFactory(new LoopbackDirectProxyFactory); // owned by the manager
    else
        manager->setProxy(QNetworkProxy::NoProxy);
    return manager;
}

QNetworkRequest jsonPostRequest(const QUrl &endpoint, const ApiKey &key)
{
    QNetworkRequest request(endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    if (!key.isEmpty())
        request.setRawHeader("Authorization", key.authorizationHeader());
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    return request;
}

bool isTransientTransportError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownProxyError:
    case QNetworkReply::UnknownServerError:
        return true;
    default:
        return false;
    }
}

bool replyExceeds(const QNetworkReply &reply, int64_t maxBodyBytes)
{
    const QVariant announced = reply.header(QNetworkRequest::ContentLengthHeader);
    return (announced.isValid() && announced.toLongLong() > maxBodyBytes) || reply.bytesAvailable() > maxBodyBytes;
}

ReplyOutcome classifyReply(QNetworkReply &reply, ReplyAbort abort, int timeoutMs, int64_t maxBodyBytes,
                           const QUrl &endpoint)
{
    using Kind = ReplyOutcome::Kind;
    const std::string url = endpoint.toDisplayString(QUrl::RemoveUserInfo).toStdString();
    if (abort == ReplyAbort::TooLarge || replyExceeds(reply, maxBodyBytes)) {
        std::string reason = "the response from " + url + " is larger than the limit of " +
                             std::to_string(maxBodyBytes) + " bytes (" +
                             QLocale::c().formattedDataSize(maxBodyBytes, 1, QLocale::DataSizeIecFormat).toStdString() +
                             ") for this request";
        const QVariant announced = reply.header(QNetworkRequest::ContentLengthHeader);
        if (announced.isValid())
            reason += " (Content-Length: " + std::to_string(announced.toLongLong()) + ")";
        return {Kind::Fail, {}, reason, std::nullopt};
    }
    if (abort == ReplyAbort::TimedOut)
        return {Kind::Retry, {}, "no complete response from " + url + " within " + std::to_string(timeoutMs) + " ms",
                std::nullopt};
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QByteArray body = reply.isOpen() ? reply.readAll() : QByteArray();
    if (status == 0) {
        const std::string reason = "cannot reach " + url + ": " + reply.errorString().toStdString();
        return {isTransientTransportError(reply.error()) ? Kind::Retry : Kind::Fail, {}, reason, std::nullopt};
    }
    if (status >= 200 && status < 300) {
        if (reply.error() != QNetworkReply::NoError)
            return {Kind::Retry, {},
                    "the response from " + url + " was cut short: " + reply.errorString().toStdString(),
                    std::nullopt};
        return {Kind::Success, std::move(body), {}, std::nullopt};
    }
    const QString phrase = reply.attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    std::string reason = "HTTP " + std::to_string(status);
    if (!phrase.isEmpty())
        reason += " (" + phrase.toStdString() + ")";
    reason += " from " + url;
    const std::string message = serverErrorMessage(body);
    if (!message.empty())
        reason += ": " + message;
    if (RetryPolicy::isRetryableStatus(status))
        return {Kind::Retry, {}, reason, serverRetryAfter(reply)};
    if (status == 401 || status == 403)
        reason += " (check the API key and its permissions)";
    else if (status >= 300 && status < 400 && reply.hasRawHeader("Location"))
        reason += " (redirected to " + reply.rawHeader("Location").toStdString() + "; use that base URL)";
    return {Kind::Fail, {}, reason, std::nullopt};
}

} // namespace embtune::net
