// RequestScheduler against a real local HTTP/1.1 server (support/http_test_server.h), no mocks:
// the queue order and the bound on requests in flight (the server counts busy connections),
// Retry-After as seconds, HTTP date and retry-after-ms (absurd, past and negative values: clamped
// or ignored, no undefined conversion), backoff on 5xx/429/dropped connections, the limit on
// attempts, failures for good, time-outs, and cancel: requests in flight are aborted at once, no
// queued one is sent, and a resumed run repeats none that had succeeded. Also the pure parts:
// Retry-After parsing, backoff (RetryPolicy) and serverInteger()/serverFloat().

#include "request_scheduler.h"
#include "retry_policy.h"
#include "server_number.h"

#include "support/http_test_server.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

using namespace embtune::test; // HttpTestServer, HttpRequest, HttpResponse
namespace engine = embtune::engine;
namespace net = embtune::net;

namespace {

QByteArray bodyOf(size_t r)
{
    return QJsonDocument(QJsonObject{{"r", int(r)}}).toJson(QJsonDocument::Compact);
}

// The request number a body carries, -1 when none.
int numberOf(const HttpRequest &request)
{
    return QJsonDocument::fromJson(request.body).object().value("r").toInt(-1);
}

HttpResponse ok(int r, int delayMs = 0)
{
    HttpResponse response;
    response.body = QJsonDocument(QJsonObject{{"ok", r}}).toJson(QJsonDocument::Compact);
    response.delayMs = delayMs;
    return response;
}

HttpResponse failure(int status, QByteArray header = {}, QByteArray value = {})
{
    HttpResponse response;
    response.status = status;
    response.body = R"({"error":{"message":"scripted failure"}})";
    if (!header.isEmpty())
        response.headers.append({std::move(header), std::move(value)});
    return response;
}

HttpResponse busy(QByteArray header, QByteArray value)
{
    return failure(429, std::move(header), std::move(value));
}

// "DATE+n" becomes the IMF-fixdate n seconds from now (the time of the answer); anything else
// is sent as it is.
QByteArray headerValue(const QByteArray &value)
{
    if (!value.startsWith("DATE+"))
        return value;
    const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(value.mid(5).toInt());
    return QLocale::c().toString(when, u"ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1();
}

// A port nothing listens on (a server's, after it stopped).
quint16 closedPort()
{
    return HttpTestServer([](const HttpRequest &) { return HttpResponse(); }).port();
}

net::RequestSchedulerSettings fastSettings(int maxInFlight)
{
    net::RequestSchedulerSettings s;
    s.maxInFlight = maxInFlight;
    s.timeoutMs = 5000;
    s.maxAttempts = 3;
    s.initialBackoffMs = 10;
    s.maxBackoffMs = 40;
    s.progressIntervalMs = 20;
    s.useSystemProxy = false;
    return s;
}

QUrl endpointOf(const HttpTestServer &server)
{
    return QUrl(server.baseUrl().toString() + "/v1/test");
}

// Sends bodyOf(r) and records the accepted answers (request -> times accepted).
struct Recorder final : net::RequestScheduler::Client {
    std::map<size_t, int> accepted;
    std::function<bool()> keepGoing; // empty: never cancel

    QByteArray body(size_t r) override { return bodyOf(r); }
    engine::Status accept(size_t r, const QByteArray &body) override
    {
        if (QJsonDocument::fromJson(body).object().value("ok").toInt(-1) != int(r))
            return engine::Error::io("answer of another request");
        ++accepted[r];
        return {};
    }
    std::string describe(size_t r) const override { return "request " + std::to_string(r); }
    bool progress() override { return !keepGoing || keepGoing(); }
};

} // namespace

class TestRequestScheduler : public QObject {
    Q_OBJECT

private slots:
    // ---- pure parts -------------------------------------------------------------------------

    void convertsServerNumbersWithoutOverflow()
    {
        constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
        const double inf = std::numeric_limits<double>::infinity();
        QCOMPARE(net::serverInteger(1e30, 0, kMax), kMax);
        QCOMPARE(net::serverInteger(inf, 0, kMax), kMax);
        QCOMPARE(net::serverInteger(-inf, 0, kMax), int64_t(0));
        QCOMPARE(net::serverInteger(-5, 0, kMax), int64_t(0));
        QCOMPARE(net::serverInteger(std::nan(""), 0, kMax), int64_t(0));
        QCOMPARE(net::serverInteger(9.2233720368547758e18, 0, kMax), kMax); // 2^63 itself
        QCOMPARE(net::serverInteger(1234.9, 0, kMax), int64_t(1234));
        QCOMPARE(net::serverInteger(1e30, -1, net::kMaxServerTokens), net::kMaxServerTokens);
        QVERIFY(std::isinf(net::serverFloat(1e300)));
        QVERIFY(std::isinf(net::serverFloat(std::nan(""))));
        QCOMPARE(net::serverFloat(0.5), 0.5f);
    }

    void retryAfterParsing()
    {
        const QDateTime now(QDate(1994, 11, 6), QTime(8, 49, 30), QTimeZone::utc());
        using P = net::RetryPolicy;
        QCOMPARE(P::parseRetryAfter("1", now), std::optional<int64_t>(1000));
        QCOMPARE(P::parseRetryAfter(" 120 ", now), std::optional<int64_t>(120000));
        QCOMPARE(P::parseRetryAfter("0.25", now), std::optional<int64_t>(250));
        QCOMPARE(P::parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), std::optional<int64_t>(7000));
        QCOMPARE(P::parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), std::optional<int64_t>(7000));
        QCOMPARE(P::parseRetryAfter("Sun Nov  6 08:49:37 1994", now), std::optional<int64_t>(7000));
        QCOMPARE(P::parseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), std::optional<int64_t>(0)); // past
        QVERIFY(!P::parseRetryAfter("", now));
        QVERIFY(!P::parseRetryAfter("-3", now));
        QVERIFY(!P::parseRetryAfter("soon", now));
        QVERIFY(!P::parseRetryAfter("inf", now));
        QVERIFY(!P::parseRetryAfter("Sun, 32 Nov 1994 08:49:37 GMT", now));
        QVERIFY(!P::parseRetryAfter("Sun, 06 Foo 1994 08:49:37 GMT", now));
        // Absurd delays and dates stay within int64 milliseconds (delayMs() caps them).
        QCOMPARE(P::parseRetryAfter("1e30", now), std::optional<int64_t>(int64_t(1e12)));
        for (const QByteArray &far : {QByteArray("Sun Nov  6 08:49:37 200000000"),
                                     QByteArray("Sun Nov  6 08:49:37 2000000000"),
                                     QByteArray("Sun Nov  6 08:49:37 99999999999")}) {
            const std::optional<int64_t> ms = P::parseRetryAfter(far, now);
            QVERIFY2(!ms || *ms > 0, far.constData());
        }
    }

    void backoffIsCappedJitteredAndSeeded()
    {
        net::RetryPolicy a(100, 1000, 5000, 42), b(100, 1000, 5000, 42), c(100, 1000, 5000, 43);
        bool anyDifferent = false;
        for (int retry = 1; retry <= 12; ++retry) {
            const int64_t base = std::min<int64_t>(1000, 100LL << std::min(retry - 1, 20));
            const int64_t da = a.delayMs(retry, std::nullopt);
            QVERIFY2(da >= base / 2 && da <= base, qPrintable(QString::number(da)));
            QCOMPARE(b.delayMs(retry, std::nullopt), da);
            anyDifferent = anyDifferent || c.delayMs(retry, std::nullopt) != da;
        }
        QVERIFY(anyDifferent);
        QVERIFY(a.delayMs(1000000, std::nullopt) <= 1000); // no overflow for absurd retry numbers
        QCOMPARE(a.delayMs(1, 2500), 2500);  // Retry-After wins over the backoff
        QCOMPARE(a.delayMs(1, 99999), 5000); // but is capped
        QCOMPARE(a.delayMs(1, std::numeric_limits<int64_t>::max()), 5000);
        QCOMPARE(a.delayMs(1, -7), 0);
        QVERIFY(net::RetryPolicy::isRetryableStatus(429));
        QVERIFY(net::RetryPolicy::isRetryableStatus(503));
        QVERIFY(net::RetryPolicy::isRetryableStatus(408));
        QVERIFY(!net::RetryPolicy::isRetryableStatus(400));
        QVERIFY(!net::RetryPolicy::isRetryableStatus(401));
        QVERIFY(!net::RetryPolicy::isRetryableStatus(404));
    }

    void settingsAreChecked()
    {
        net::RequestSchedulerSettings s;
        QVERIFY(net::checkRequestSchedulerSettings(s).ok());
        s.maxInFlight = 0;
        QCOMPARE(net::checkRequestSchedulerSettings(s).error().code, engine::ErrorCode::Usage);
        s = {};
        s.maxRetryAfterMs = -1;
        QCOMPARE(net::checkRequestSchedulerSettings(s).error().code, engine::ErrorCode::Usage);
    }

    // ---- against the loopback server ----------------------------------------------------------

    // maxInFlight requests at once, never more, sent in queue order, each answered once.
    void boundsRequestsInFlight()
    {
        for (const int bound : {1, 3}) {
            HttpTestServer server([](const HttpRequest &request) { return ok(numberOf(request), 150); });
            QVERIFY(server.isListening());
            net::RequestScheduler scheduler(fastSettings(bound), endpointOf(server), {}, 8);
            Recorder recorder;
            const engine::Status status = scheduler.run(recorder);
            QVERIFY2(status.ok(), status ? "" : status.error().message.c_str());
            QCOMPARE(server.maxBusyConnections(), bound);
            const std::vector<HttpRequest> requests = server.requests();
            QCOMPARE(requests.size(), size_t(8));
            if (bound == 1)
                for (size_t i = 0; i < requests.size(); ++i)
                    QCOMPARE(numberOf(requests[i]), int(i));
            QCOMPARE(recorder.accepted.size(), size_t(8));
            for (const auto &[r, times] : recorder.accepted)
                QCOMPARE(times, 1);
            QCOMPARE(scheduler.succeededCount(), size_t(8));
            QCOMPARE(scheduler.stats().requests, int64_t(8));
            QCOMPARE(scheduler.stats().retries, int64_t(0));
        }
    }

    // A Retry-After (seconds or HTTP date) or retry-after-ms pauses every new request of the run
    // for [minMs, maxMs] after the 429: capped at maxRetryAfterMs, a past date or a negative or
    // unparsable value does not pause.
    void honoursRetryAfter_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("capMs");
        QTest::addColumn<int>("minMs");
        QTest::addColumn<int>("maxMs");
        const QByteArray ra("Retry-After"), ms("retry-after-ms");
        QTest::newRow("seconds") << ra << QByteArray("1") << 300000 << 1000 << 1000;
        QTest::newRow("HTTP date") << ra << QByteArray("DATE+2") << 300000 << 1000 << 2000;
        QTest::newRow("seconds 1e30, capped") << ra << QByteArray("1e30") << 700 << 700 << 700;
        QTest::newRow("year 9999, capped") << ra << QByteArray("Fri, 31 Dec 9999 23:59:59 GMT") << 700 << 700 << 700;
        QTest::newRow("past date") << ra << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << 300000 << 0 << 0;
        QTest::newRow("negative seconds") << ra << QByteArray("-5") << 300000 << 0 << 0;
        QTest::newRow("garbage") << ra << QByteArray("soon") << 300000 << 0 << 0;
        QTest::newRow("ms") << ms << QByteArray("600") << 300000 << 600 << 600;
        QTest::newRow("ms 1e30, capped") << ms << QByteArray("1e30") << 700 << 700 << 700;
        QTest::newRow("ms inf, capped") << ms << QByteArray("inf") << 700 << 700 << 700;
        QTest::newRow("ms negative") << ms << QByteArray("-5000") << 300000 << 0 << 0;
    }

    void honoursRetryAfter()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(int, capMs);
        QFETCH(int, minMs);
        QFETCH(int, maxMs);
        QElapsedTimer clock;
        clock.start();
        std::mutex mutex;
        std::vector<std::pair<int, qint64>> arrivals; // request number, server time
        qint64 busyAt = -1;                            // when the 429 was sent
        HttpTestServer server([&](const HttpRequest &request) {
            std::lock_guard lock(mutex);
            const int r = numberOf(request);
            arrivals.emplace_back(r, clock.elapsed());
            if (r == 0 && busyAt < 0) {
                busyAt = clock.elapsed();
                return busy(header, headerValue(value));
            }
            return ok(r, r == 1 ? 200 : 0); // request 1 finishes inside the pause
        });
        net::RequestSchedulerSettings settings = fastSettings(2);
        settings.maxRetryAfterMs = capMs;
        net::RequestScheduler scheduler(settings, endpointOf(server), {}, 4);
        Recorder recorder;
        recorder.keepGoing = [&] { return clock.elapsed() < maxMs + 3000; }; // an uncapped wait fails
        const engine::Status status = scheduler.run(recorder);
        QVERIFY2(status.ok(), status ? "" : status.error().message.c_str());
        QCOMPARE(recorder.accepted.size(), size_t(4));
        QCOMPARE(scheduler.stats().retries, int64_t(1));
        std::lock_guard lock(mutex);
        QCOMPARE(arrivals.size(), size_t(5));
        // Requests 0 and 1 went first; nothing was sent after the 429 before the pause ended.
        const qint64 pause = arrivals[2].second - busyAt;
        QVERIFY2(pause >= minMs - 50 && pause <= maxMs + 500,
                 qPrintable(QStringLiteral("request %1 %2 ms after the 429").arg(arrivals[2].first).arg(pause)));
        for (size_t i = 3; i < arrivals.size(); ++i)
            QVERIFY(arrivals[i].second - busyAt >= minMs - 50);
    }

    // 5xx and 429 without Retry-After are retried after a backoff; so is a dropped connection
    // (once QtNetwork, which sends a request again by itself after some drops, gives up).
    void retriesTransientFailures()
    {
        std::atomic<int> calls{0};
        HttpTestServer server([&](const HttpRequest &request) {
            const int call = ++calls;
            return call == 1 ? failure(500) : call == 2 ? failure(429) : ok(numberOf(request));
        });
        net::RequestSchedulerSettings settings = fastSettings(1);
        settings.maxAttempts = 3;
        net::RequestScheduler scheduler(settings, endpointOf(server), {}, 1);
        Recorder recorder;
        const engine::Status status = scheduler.run(recorder);
        QVERIFY2(status.ok(), status ? "" : status.error().message.c_str());
        QCOMPARE(recorder.accepted.size(), size_t(1));
        QCOMPARE(calls.load(), 3);
        QCOMPARE(scheduler.stats().retries, int64_t(2));
        QCOMPARE(scheduler.stats().requests, int64_t(3));

        std::atomic<int> drops{0};
        HttpTestServer dropping([&](const HttpRequest &request) {
            if (++drops <= 6) {
                HttpResponse dropped;
                dropped.dropConnection = true;
                return dropped;
            }
            return ok(numberOf(request));
        });
        settings.maxAttempts = 7;
        net::RequestScheduler again(settings, endpointOf(dropping), {}, 1);
        Recorder second;
        const engine::Status recovered = again.run(second);
        QVERIFY2(recovered.ok(), recovered ? "" : recovered.error().message.c_str());
        QCOMPARE(second.accepted.size(), size_t(1));
        QVERIFY2(again.stats().retries >= 1, qPrintable(QString::number(again.stats().retries)));
        QCOMPARE(again.stats().requests, again.stats().retries + 1);
    }

    // Retries stop at maxAttempts: then the run fails naming the request, the status and the
    // server's message; the waits between attempts are the backoff's (at least half its base).
    void retriesStopAtTheLimit()
    {
        QElapsedTimer clock;
        clock.start();
        std::mutex mutex;
        std::vector<qint64> arrivals;
        HttpTestServer server([&](const HttpRequest &) {
            std::lock_guard lock(mutex);
            arrivals.push_back(clock.elapsed());
            return failure(503);
        });
        net::RequestSchedulerSettings settings = fastSettings(1);
        settings.initialBackoffMs = 100;
        settings.maxBackoffMs = 150;
        net::RequestScheduler scheduler(settings, endpointOf(server), {}, 1);
        Recorder recorder;
        const engine::Status status = scheduler.run(recorder);
        QVERIFY(!status);
        QCOMPARE(status.error().code, engine::ErrorCode::Io);
        const QString message = QString::fromStdString(status.error().message);
        QVERIFY2(message.contains("request 0 failed after 3 attempts") && message.contains("HTTP 503") &&
                     message.contains("scripted failure"),
                 qPrintable(message));
        QCOMPARE(scheduler.stats().requests, int64_t(3));
        QCOMPARE(scheduler.stats().retries, int64_t(2));
        std::lock_guard lock(mutex);
        QCOMPARE(arrivals.size(), size_t(3)); // not one more
        QVERIFY2(arrivals[1] - arrivals[0] >= 50 - 5, qPrintable(QString::number(arrivals[1] - arrivals[0])));
        QVERIFY2(arrivals[2] - arrivals[1] >= 75 - 5, qPrintable(QString::number(arrivals[2] - arrivals[1])));
    }

    // A refused connection is a transient failure: retried, then the run fails saying so.
    void unreachableServerIsRetriedThenFails()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        net::RequestScheduler scheduler(fastSettings(1), QUrl(QStringLiteral("http://127.0.0.1:%1/v1/test").arg(port)),
                                        {}, 1);
        Recorder recorder;
        const engine::Status status = scheduler.run(recorder);
        QVERIFY(!status);
        QVERIFY2(status.error().message.find("failed after 3 attempts; last error: cannot reach") != std::string::npos,
                 status.error().message.c_str());
        QCOMPARE(scheduler.stats().requests, int64_t(3));
    }

    // A 4xx other than 408/429, or a 2xx the client rejects, fails at once, naming the request.
    void failsForGoodWithoutRetry()
    {
        HttpTestServer server([](const HttpRequest &) { return failure(400); });
        net::RequestScheduler scheduler(fastSettings(1), endpointOf(server), {}, 3);
        Recorder recorder;
        const engine::Status status = scheduler.run(recorder);
        QVERIFY(!status);
        QVERIFY2(status.error().message.find("request 0 failed: HTTP 400") != std::string::npos,
                 status.error().message.c_str());
        QCOMPARE(server.requests().size(), size_t(1));

        HttpTestServer wrong([](const HttpRequest &) { return ok(99); });
        net::RequestScheduler rejecting(fastSettings(1), endpointOf(wrong), {}, 3);
        const engine::Status rejected = rejecting.run(recorder);
        QVERIFY(!rejected);
        QCOMPARE(rejected.error().message, std::string("answer of another request"));
        QCOMPARE(wrong.requests().size(), size_t(1));
    }

    // An attempt without a complete answer within timeoutMs is aborted and retried.
    void timesOut()
    {
        std::atomic<int> calls{0};
        HttpTestServer server([&](const HttpRequest &request) {
            const int call = ++calls;
            return ok(numberOf(request), call == 1 ? 3000 : 0);
        });
        net::RequestSchedulerSettings settings = fastSettings(1);
        settings.timeoutMs = 200;
        net::RequestScheduler scheduler(settings, endpointOf(server), {}, 1);
        Recorder recorder;
        QElapsedTimer clock;
        clock.start();
        const engine::Status status = scheduler.run(recorder);
        QVERIFY2(status.ok(), status ? "" : status.error().message.c_str());
        QVERIFY2(clock.elapsed() >= 190 && clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(scheduler.stats().requests, int64_t(2));
        QCOMPARE(scheduler.stats().retries, int64_t(1));

        // Every attempt too slow: the run fails saying so.
        HttpTestServer slow([](const HttpRequest &request) { return ok(numberOf(request), 3000); });
        settings.maxAttempts = 2;
        net::RequestScheduler late(settings, endpointOf(slow), {}, 1);
        clock.restart();
        const engine::Status failed = late.run(recorder);
        QVERIFY(!failed);
        QVERIFY2(failed.error().message.find("failed after 2 attempts") != std::string::npos &&
                     failed.error().message.find("within 200 ms") != std::string::npos,
                 failed.error().message.c_str());
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    // Cancel while requests are in flight, or while the run waits out a long Retry-After (the
    // progress handler is polled meanwhile): run() returns at once, the requests in flight are
    // aborted (the server sees their connections close long before it would have answered) and
    // no queued request is sent.
    void cancelStopsPromptly_data()
    {
        QTest::addColumn<bool>("retryAfter");
        QTest::newRow("requests in flight") << false;
        QTest::newRow("waiting out Retry-After: 30") << true;
    }

    void cancelStopsPromptly()
    {
        QFETCH(bool, retryAfter);
        HttpTestServer server([&](const HttpRequest &request) {
            return retryAfter ? busy("Retry-After", "30") : ok(numberOf(request), 5000);
        });
        net::RequestScheduler scheduler(fastSettings(2), endpointOf(server), {}, 6);
        Recorder recorder;
        QElapsedTimer clock;
        clock.start();
        recorder.keepGoing = [&] { return clock.elapsed() < 300; };
        const engine::Status status = scheduler.run(recorder);
        QVERIFY(!status);
        QCOMPARE(status.error().code, engine::ErrorCode::Cancelled);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(server.busyConnections(), 0, 1000);
        QCOMPARE(server.requests().size(), size_t(2));
        QTest::qWait(200);
        QCOMPARE(server.requests().size(), size_t(2));
        QCOMPARE(scheduler.succeededCount(), size_t(0));
    }

    // Cancel after some answers: no request is sent after it (no timer of the run survives).
    // Resume: run() again sends only the requests that had not succeeded, and none twice.
    void cancelStopsAndResumeRepeatsNothing()
    {
        HttpTestServer server([](const HttpRequest &request) { return ok(numberOf(request), 100); });
        net::RequestScheduler scheduler(fastSettings(2), endpointOf(server), {}, 10);
        Recorder recorder;
        recorder.keepGoing = [&] { return recorder.accepted.size() < 3; };
        const engine::Status cancelled = scheduler.run(recorder);
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, engine::ErrorCode::Cancelled);
        QCOMPARE(recorder.accepted.size(), size_t(3));
        QCOMPARE(scheduler.succeededCount(), size_t(3));
        const size_t sentBeforeCancel = server.requests().size();
        QVERIFY(sentBeforeCancel <= 3 + 2); // the three answered and at most two in flight
        QTest::qWait(400);                  // retry or pause timers of the cancelled run must not fire
        QCOMPARE(server.requests().size(), sentBeforeCancel);

        std::set<int> doneBefore;
        for (const auto &[r, times] : recorder.accepted) {
            doneBefore.insert(int(r));
            QVERIFY(scheduler.succeeded(r));
        }
        recorder.keepGoing = nullptr;
        const engine::Status resumed = scheduler.run(recorder);
        QVERIFY2(resumed.ok(), resumed ? "" : resumed.error().message.c_str());
        QCOMPARE(scheduler.succeededCount(), size_t(10));
        QCOMPARE(recorder.accepted.size(), size_t(10));
        for (const auto &[r, times] : recorder.accepted)
            QCOMPARE(times, 1);
        const std::vector<HttpRequest> all = server.requests();
        QCOMPARE(all.size(), sentBeforeCancel + 7);
        for (size_t i = sentBeforeCancel; i < all.size(); ++i)
            QVERIFY2(!doneBefore.count(numberOf(all[i])), qPrintable(QString::number(numberOf(all[i]))));
        QVERIFY(server.maxBusyConnections() <= 2);

        // Nothing left: a further run sends nothing.
        QVERIFY(scheduler.run(recorder).ok());
        QCOMPARE(server.requests().size(), all.size());
    }

    // Errors never carry the key, even when the server echoes it.
    void errorsAreScrubbed()
    {
        const QByteArray secret = "sk-test-SCHEDULER-SECRET";
        HttpTestServer server([&](const HttpRequest &request) {
            HttpResponse response = failure(401);
            response.body = R"({"error":{"message":"invalid key )" + request.header("authorization").mid(7) + R"("}})";
            return response;
        });
        net::RequestScheduler scheduler(fastSettings(1), endpointOf(server), net::ApiKey::fromString(secret), 1);
        Recorder recorder;
        const engine::Status status = scheduler.run(recorder);
        QVERIFY(!status);
        QCOMPARE(server.requests().size(), size_t(1));
        QCOMPARE(server.requests()[0].header("authorization"), "Bearer " + secret);
        QVERIFY2(status.error().message.find("invalid key ***") != std::string::npos, status.error().message.c_str());
        QVERIFY(status.error().message.find(secret.toStdString()) == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRequestScheduler)
#include "test_request_scheduler.moc"
