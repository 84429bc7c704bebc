#include "request_scheduler.h"

#include "http_exchange.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <optional>

namespace embtune::net {

using engine::Error;
using engine::Status;

// One run() call's event loop. Lives on the calling thread's stack; every Qt object it creates
// lives in that thread and dies with it, so nothing of one run (retry timers, connections,
// replies) reaches into the next.
class RequestScheduler::Run {
public:
    Run(RequestScheduler &scheduler, Client &client)
        : m_scheduler(scheduler)
        , m_settings(scheduler.m_settings)
        , m_client(client)
        , m_replies(scheduler.m_requests.size())
    {
    }

    Status exec()
    {
        for (size_t r = 0; r < m_scheduler.m_requests.size(); ++r) {
            Request &request = m_scheduler.m_requests[r];
            if (request.succeeded)
                continue;
            request.attempts = 0;
            m_ready.push_back(r);
        }
        if (m_ready.empty())
            return {};
        m_manager = newApiNetworkManager(m_settings.useSystemProxy);
        m_clock.start();

        QTimer heartbeat;
        QObject::connect(&heartbeat, &QTimer::timeout, &m_context, [this] { (void)report(); });
        heartbeat.start(std::max(10, m_settings.progressIntervalMs));
        m_pauseTimer.setSingleShot(true);
        m_pauseTimer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_pauseTimer, &QTimer::timeout, &m_context, [this] { pump(); });

        pump();
        if (m_state == State::Running)
            m_loop.exec();
        heartbeat.stop();
        m_pauseTimer.stop();
        abortAll();
        m_manager.reset(); // deletes the replies
        if (m_state == State::Cancelled)
            return Error::cancelled();
        if (m_state == State::Failed)
            return *m_failure;
        return {};
    }

private:
    enum class State { Running, Done, Failed, Cancelled };

    // One attempt in flight.
    struct Attempt {
        QNetworkReply *reply = nullptr;
        ReplyAbort abort = ReplyAbort::None;
    };

    bool report()
    {
        if (m_state != State::Running)
            return false;
        if (!m_client.progress()) {
            finish(State::Cancelled);
            return false;
        }
        return true;
    }

    void finish(State state, std::optional<Error> failure = std::nullopt)
    {
        if (m_state != State::Running)
            return;
        m_state = state;
        m_failure = std::move(failure);
        abortAll();
        m_loop.quit();
    }

    void abortAll()
    {
        for (Attempt &attempt : m_replies)
            if (attempt.reply)
                attempt.reply->abort(); // finished() runs onFinished(), which ignores it
    }

    void pump()
    {
        if (m_state != State::Running)
            return;
        const qint64 now = m_clock.elapsed();
        if (now < m_pauseUntil) {
            m_pauseTimer.start(int(m_pauseUntil - now));
            return;
        }
        while (m_inFlight < std::max(1, m_settings.maxInFlight) && !m_ready.empty()) {
            const size_t r = m_ready.front();
            m_ready.pop_front();
            send(r);
        }
    }

    void send(size_t r)
    {
        Request &request = m_scheduler.m_requests[r];
        if (request.body.isEmpty())
            request.body = m_client.body(r);
        ++request.attempts;
        ++m_scheduler.m_stats.requests;
        Attempt &attempt = m_replies[r];
        attempt.abort = ReplyAbort::None;
        const QNetworkRequest http = jsonPostRequest(m_scheduler.m_endpoint, m_scheduler.m_key);
        QNetworkReply *reply = m_manager->post(http, request.body);
        attempt.reply = reply;
        ++m_inFlight;
        // The body cap, checked when the headers (Content-Length) and each piece of data arrive.
        const int64_t maxBytes = m_client.maxReplyBytes(r);
        const auto checkSize = [this, r, reply, maxBytes] {
            Attempt &current = m_replies[r];
            if (current.reply != reply || current.abort != ReplyAbort::None || !replyExceeds(*reply, maxBytes))
                return;
            current.abort = ReplyAbort::TooLarge;
            reply->abort(); // finished() runs onFinished() now
        };
        QObject::connect(reply, &QNetworkReply::metaDataChanged, &m_context, checkSize);
        QObject::connect(reply, &QNetworkReply::readyRead, &m_context, checkSize);
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early
        // The timer dies with its reply; until then the request may have a newer attempt.
        QObject::connect(timer, &QTimer::timeout, &m_context, [this, r, reply] {
            Attempt &late = m_replies[r];
            if (late.reply != reply || late.abort != ReplyAbort::None)
                return;
            late.abort = ReplyAbort::TimedOut;
            reply->abort(); // finished() runs onFinished() now
        });
        timer->start(std::max(1, m_settings.timeoutMs));
        QObject::connect(reply, &QNetworkReply::finished, &m_context, [this, r] { onFinished(r); });
    }

    void onFinished(size_t r)
    {
        Attempt &attempt = m_replies[r];
        QNetworkReply *reply = attempt.reply;
        if (!reply)
            return;
        attempt.reply = nullptr;
        --m_inFlight;
        reply->deleteLater();
        if (m_state != State::Running)
            return;

        ReplyOutcome outcome = classifyReply(*reply, attempt.abort, m_settings.timeoutMs, m_client.maxReplyBytes(r),
                                             m_scheduler.m_endpoint);
        switch (outcome.kind) {
        case ReplyOutcome::Kind::Success:
            accept(r, outcome.body);
            return;
        case ReplyOutcome::Kind::Retry:
            retry(r, outcome.reason, outcome.retryAfterMs);
            return;
        case ReplyOutcome::Kind::Fail:
            finish(State::Failed, Error::io(m_client.describe(r) + " failed: " + outcome.reason));
            return;
        }
    }

    void retry(size_t r, const std::string &reason, std::optional<int64_t> retryAfterMs)
    {
        const Request &request = m_scheduler.m_requests[r];
        if (request.attempts >= m_settings.maxAttempts) {
            finish(State::Failed, Error::io(m_client.describe(r) + " failed after " +
                                            std::to_string(request.attempts) + " attempts; last error: " + reason));
            return;
        }
        ++m_scheduler.m_stats.retries;
        const int64_t delay = m_scheduler.m_policy.delayMs(request.attempts, retryAfterMs);
        if (retryAfterMs)
            m_pauseUntil = std::max<qint64>(m_pauseUntil, m_clock.elapsed() + delay);
        auto *timer = new QTimer(&m_context); // freed when it fires, or with the run
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer); // never before a Retry-After has passed
        QObject::connect(timer, &QTimer::timeout, &m_context, [this, r, timer] {
            timer->deleteLater();
            if (m_state != State::Running)
                return;
            m_ready.push_front(r);
            pump();
        });
        timer->start(int(std::min<int64_t>(delay, std::numeric_limits<int>::max())));
        pump();
    }

    void accept(size_t r, const QByteArray &body)
    {
        if (Status accepted = m_client.accept(r, body); !accepted) {
            finish(State::Failed, accepted.error());
            return;
        }
        Request &request = m_scheduler.m_requests[r];
        request.body = QByteArray();
        request.succeeded = true;
        ++m_scheduler.m_succeeded;
        if (!report())
            return;
        if (m_scheduler.m_succeeded == m_scheduler.m_requests.size()) {
            finish(State::Done);
            return;
        }
        pump();
    }

    // Constructed first: creates the thread's event dispatcher when it has none (std::thread).
    QEventLoop m_loop;
    QObject m_context; // receiver of every connection and parent of retry timers: none outlives the run
    QTimer m_pauseTimer;

    RequestScheduler &m_scheduler;
    const RequestSchedulerSettings &m_settings;
    Client &m_client;

    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::vector<Attempt> m_replies; // per request
    std::deque<size_t> m_ready;
    int m_inFlight = 0;
    QElapsedTimer m_clock;
    qint64 m_pauseUntil = 0; // m_clock time before which no request is sent (Retry-After)
    State m_state = State::Running;
    std::optional<Error> m_failure;
};

Status checkRequestSchedulerSettings(const RequestSchedulerSettings &s)
{
    if (s.maxInFlight < 1 || s.timeoutMs < 1 || s.maxAttempts < 1)
        return Error::usage("requests in flight, time-out and attempts must be positive");
    if (s.initialBackoffMs < 0 || s.maxBackoffMs < 0 || s.maxRetryAfterMs < 0)
        return Error::usage("backoff and Retry-After cap must not be negative");
    return {};
}

RequestScheduler::RequestScheduler(RequestSchedulerSettings settings, QUrl endpoint, ApiKey key, size_t count)
    : m_settings(std::move(settings))
    , m_endpoint(std::move(endpoint))
    , m_key(std::move(key))
    , m_requests(count)
    , m_policy(m_settings.initialBackoffMs, m_settings.maxBackoffMs, m_settings.maxRetryAfterMs, m_settings.seed)
{
}

RequestScheduler::~RequestScheduler() = default;

Status RequestScheduler::run(Client &client)
{
    Run run(*this, client);
    const Status status = run.exec();
    if (status)
        return status;
    // A server may echo the key (e.g. "invalid key sk-..."), and a Client's error may quote it.
    Error error = status.error();
    error.message = m_key.scrub(error.message);
    error.file = m_key.scrub(error.file);
    return error;
}

} // namespace embtune::net
