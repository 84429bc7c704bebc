#include "llm_query_generator.h"

#include "batch_planner.h"
#include "chat_protocol.h"
#include "embeddings_protocol.h"
#include "http_exchange.h"
#include "retry_policy.h"

#include "data/dataset_hash.h"
#include "io/json_writer.h"
#include "synth/query_generators.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QTimer>

#include <deque>
#include <limits>
#include <memory>
#include <optional>

namespace embtune::net {

using engine::Dataset;
using engine::Error;
using engine::Progress;
using engine::Result;
using engine::Status;
using engine::SyntheticQuery;
using engine::SyntheticSet;

namespace {

const std::string kPhase = "llm";

// Questions of a cache file (one per line), or nullopt when there is none.
std::optional<std::vector<std::string>> readCached(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    std::vector<std::string> out;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            out.push_back(line.toStdString());
    return out;
}

Status writeCached(const QString &path, const std::vector<std::string> &questions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::io("cannot write the cache: " + file.errorString().toStdString(), path.toStdString());
    for (const std::string &q : questions) {
        file.write(q.data(), qint64(q.size()));
        file.write("\n", 1);
    }
    if (!file.commit())
        return Error::io("cannot write the cache: " + file.errorString().toStdString(), path.toStdString());
    return {};
}

struct DocRequest {
    int32_t doc = 0;
    QByteArray body;
    int attempts = 0;
    QNetworkReply *reply = nullptr;
    bool timedOut = false;
};

// One generate() call's event loop on the calling thread. Answers land in `answers[request]`.
class ChatJob {
public:
    ChatJob(const LlmGeneratorSettings &settings, const ApiKey &key, const QUrl &endpoint, Progress *progress,
            std::vector<DocRequest> &requests, std::vector<std::vector<std::string>> &answers,
            const std::vector<QString> &cachePaths, int64_t done, int64_t total, LlmStats &stats)
        : m_settings(settings)
        , m_key(key)
        , m_endpoint(endpoint)
        , m_progress(progress)
        , m_requests(requests)
        , m_answers(answers)
        , m_cachePaths(cachePaths)
        , m_done(done)
        , m_total(total)
        , m_stats(stats)
        , m_policy(settings.initialBackoffMs, settings.maxBackoffMs, settings.maxRetryAfterMs, 0x5eed)
    {
    }

    Status run()
    {
        for (size_t i = 0; i < m_requests.size(); ++i)
            m_ready.push_back(i);
        if (m_requests.empty())
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
        m_manager.reset();
        if (m_state == State::Cancelled)
            return Error::cancelled();
        if (m_state == State::Failed)
            return *m_failure;
        return {};
    }

private:
    enum class State { Running, Done, Failed, Cancelled };

    bool report()
    {
        if (m_state != State::Running)
            return false;
        if (m_progress && !m_progress->step(kPhase, m_done, m_total)) {
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
        for (DocRequest &r : m_requests)
            if (r.reply)
                r.reply->abort();
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
        while (m_inFlight < m_settings.maxInFlight && !m_ready.empty()) {
            const size_t r = m_ready.front();
            m_ready.pop_front();
            send(r);
        }
    }

    void send(size_t r)
    {
        DocRequest &request = m_requests[r];
        const QNetworkRequest http = jsonPostRequest(m_endpoint, m_key);
        ++request.attempts;
        ++m_stats.requests;
        request.timedOut = false;
        QNetworkReply *reply = m_manager->post(http, request.body);
        request.reply = reply;
        ++m_inFlight;
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
        QObject::connect(timer, &QTimer::timeout, &m_context, [this, r] {
            DocRequest &late = m_requests[r];
            if (!late.reply)
                return;
            late.timedOut = true;
            late.reply->abort();
        });
        timer->start(std::max(1, m_settings.timeoutMs));
        QObject::connect(reply, &QNetworkReply::finished, &m_context, [this, r] { onFinished(r); });
    }

    std::string describe(const DocRequest &request) const
    {
        return "request for document index " + std::to_string(request.doc);
    }

    void onFinished(size_t r)
    {
        DocRequest &request = m_requests[r];
        QNetworkReply *reply = request.reply;
        if (!reply)
            return;
        request.reply = nullptr;
        --m_inFlight;
        reply->deleteLater();
        if (m_state != State::Running)
            return;
        ReplyOutcome outcome = classifyReply(*reply, request.timedOut, m_settings.timeoutMs, m_endpoint);
        switch (outcome.kind) {
        case ReplyOutcome::Kind::Success:
            accept(r, outcome.body);
            return;
        case ReplyOutcome::Kind::Retry:
            retry(r, outcome.reason, outcome.retryAfterMs);
            return;
        case ReplyOutcome::Kind::Fail:
            finish(State::Failed, Error::io(describe(request) + " failed: " + outcome.reason));
            return;
        }
    }

    void retry(size_t r, const std::string &reason, std::optional<int64_t> retryAfterMs)
    {
        DocRequest &request = m_requests[r];
        if (request.attempts >= m_settings.maxAttempts) {
            finish(State::Failed, Error::io(describe(request) + " failed after " + std::to_string(request.attempts) +
                                            " attempts; last error: " + reason));
            return;
        }
        ++m_stats.retries;
        const int64_t delay = m_policy.delayMs(request.attempts, retryAfterMs);
        if (retryAfterMs)
            m_pauseUntil = std::max<qint64>(m_pauseUntil, m_clock.elapsed() + delay);
        auto *timer = new QTimer(&m_context);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
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
        DocRequest &request = m_requests[r];
        auto parsed = parseChatResponse(body);
        if (!parsed) {
            finish(State::Failed, Error::io(describe(request) + " to " +
                                            m_endpoint.toDisplayString(QUrl::RemoveUserInfo).toStdString() + ": " +
                                            parsed.error().message));
            return;
        }
        m_answers[r] = parseQuestionLines(parsed->content, m_settings.questionsPerDocument);
        if (int(m_answers[r].size()) < m_settings.questionsPerDocument)
            ++m_stats.shortAnswers;
        if (parsed->totalTokens >= 0)
            m_stats.reportedTokens = std::max<int64_t>(m_stats.reportedTokens, 0) + parsed->totalTokens;
        if (!m_cachePaths.empty())
            if (Status stored = writeCached(m_cachePaths[r], m_answers[r]); !stored) {
                finish(State::Failed, stored.error());
                return;
            }
        request.body = QByteArray();
        ++m_done;
        ++m_finished;
        if (!report())
            return;
        if (m_finished == m_requests.size()) {
            finish(State::Done);
            return;
        }
        pump();
    }

    QEventLoop m_loop; // first: creates the thread's event dispatcher when it has none
    QObject m_context;
    QTimer m_pauseTimer;

    const LlmGeneratorSettings &m_settings;
    const ApiKey &m_key;
    const QUrl m_endpoint;
    Progress *m_progress;
    std::vector<DocRequest> &m_requests;
    std::vector<std::vector<std::string>> &m_answers;
    const std::vector<QString> &m_cachePaths;
    int64_t m_done;
    const int64_t m_total;
    LlmStats &m_stats;
    RetryPolicy m_policy;

    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::deque<size_t> m_ready;
    size_t m_finished = 0;
    int m_inFlight = 0;
    QElapsedTimer m_clock;
    qint64 m_pauseUntil = 0;
    State m_state = State::Running;
    std::optional<Error> m_failure;
};

} // namespace

LlmQueryGenerator::LlmQueryGenerator(LlmGeneratorSettings settings, ApiKey key)
    : m_settings(std::move(settings))
    , m_key(std::move(key))
    , m_baseUrl(normalizedApiBaseUrl(m_settings.baseUrl))
{
    if (!m_baseUrl.isEmpty()) {
        m_endpoint = QUrl(m_settings.baseUrl.trimmed(), QUrl::StrictMode);
        m_endpoint.setQuery(QString());
        m_endpoint.setFragment(QString());
        m_endpoint.setPath(QUrl(m_baseUrl).path() + QStringLiteral("/v1/chat/completions"));
    }
}

QString LlmQueryGenerator::promptTemplate() const
{
    return m_settings.promptTemplate.isEmpty() ? defaultQuestionPrompt() : m_settings.promptTemplate;
}

Status LlmQueryGenerator::validate() const
{
    const LlmGeneratorSettings &s = m_settings;
    const QString scheme = m_endpoint.scheme();
    if (m_baseUrl.isEmpty() || !m_endpoint.isValid() || (scheme != "http" && scheme != "https") ||
        m_endpoint.host().isEmpty())
        return Error::usage("invalid base URL \"" + QUrl(s.baseUrl).toDisplayString(QUrl::RemoveUserInfo).toStdString() +
                            "\": expected http(s)://host[:port][/path]");
    if (s.model.trimmed().isEmpty())
        return Error::usage("no chat model named");
    if (s.questionsPerDocument < 1 || s.documents < 0)
        return Error::usage("questions per document must be at least 1 and the document sample not negative");
    if (s.maxInFlight < 1 || s.timeoutMs < 1 || s.maxAttempts < 1)
        return Error::usage("requests in flight, time-out and attempts must be positive");
    if (s.initialBackoffMs < 0 || s.maxBackoffMs < 0 || s.maxRetryAfterMs < 0 || s.pricePerMillionTokens < 0 ||
        !(s.temperature >= 0 && s.temperature <= 2))
        return Error::usage("backoff, Retry-After cap and price must not be negative; temperature lies in [0, 2]");
    if (auto rendered = renderQuestionPrompt(promptTemplate(), "", "", 1); !rendered)
        return rendered.error();
    if (Status transport = checkKeyTransport(m_endpoint, m_key, s.allowPlainHttpWithKey); !transport)
        return transport;
    return {};
}

std::string LlmQueryGenerator::cacheKey(const engine::Document &doc) const
{
    engine::ContentHasher hasher;
    hasher.addString("embtune.llm-questions.v1");
    hasher.addString(m_baseUrl.toStdString());
    hasher.addString(m_settings.model.toStdString());
    hasher.addString(promptTemplate().toStdString());
    hasher.addInt(m_settings.questionsPerDocument);
    hasher.addInt(int64_t(m_settings.temperature * 1e6));
    hasher.addString(doc.title);
    hasher.addString(doc.text);
    return hasher.hex();
}

QString LlmQueryGenerator::cachePath(const engine::Document &doc) const
{
    return m_settings.cacheDir + QStringLiteral("/") + QString::fromStdString(cacheKey(doc)) +
           QStringLiteral(".questions");
}

Result<LlmEstimate> LlmQueryGenerator::estimate(const Dataset &dataset) const
{
    if (Status valid = validate(); !valid)
        return valid.error();
    LlmEstimate out;
    for (const int32_t doc : engine::sampleDocuments(dataset.docCount(), m_settings.documents, m_settings.seed)) {
        ++out.documents;
        const engine::Document &d = dataset.docs[size_t(doc)];
        if (!m_settings.cacheDir.isEmpty() && QFile::exists(cachePath(d))) {
            ++out.cachedDocuments;
            continue;
        }
        ++out.requests;
        auto prompt = renderQuestionPrompt(promptTemplate(), d.title, d.text, m_settings.questionsPerDocument);
        out.estimatedTokens += estimateTokens(prompt->toStdString()) +
                               int64_t(m_settings.questionsPerDocument) * m_settings.answerTokensPerQuestion;
    }
    out.estimatedCost = double(out.estimatedTokens) / 1e6 * m_settings.pricePerMillionTokens;
    return out;
}

Result<SyntheticSet> LlmQueryGenerator::generate(const Dataset &dataset, Progress *progress)
{
    m_stats = LlmStats();
    if (Status valid = validate(); !valid)
        return valid.error();
    if (!QCoreApplication::instance())
        return Error::usage("the llm generator needs a QCoreApplication (create one in main())");
    if (!m_settings.cacheDir.isEmpty() && !QDir().mkpath(m_settings.cacheDir))
        return Error::io("cannot create the cache folder", m_settings.cacheDir.toStdString());

    const std::vector<int32_t> docs = engine::sampleDocuments(dataset.docCount(), m_settings.documents, m_settings.seed);
    const auto total = int64_t(docs.size());
    std::vector<std::vector<std::string>> answers(docs.size());
    std::vector<DocRequest> requests;
    std::vector<size_t> requestDoc; // position in docs of each request
    std::vector<QString> cachePaths;
    int64_t done = 0;
    for (size_t i = 0; i < docs.size(); ++i) {
        const engine::Document &d = dataset.docs[size_t(docs[i])];
        QString path;
        if (!m_settings.cacheDir.isEmpty()) {
            path = cachePath(d);
            if (auto cached = readCached(path)) {
                answers[i] = std::move(*cached);
                ++m_stats.cachedDocuments;
                ++done;
                continue;
            }
        }
        auto prompt = renderQuestionPrompt(promptTemplate(), d.title, d.text, m_settings.questionsPerDocument);
        if (!prompt)
            return prompt.error();
        DocRequest request;
        request.doc = docs[i];
        request.body = chatRequestBody(m_settings.model, *prompt, m_settings.temperature);
        requests.push_back(std::move(request));
        requestDoc.push_back(i);
        if (!path.isEmpty())
            cachePaths.push_back(path);
    }
    m_stats.documents = total;
    if (progress && !progress->step(kPhase, done, total))
        return Error::cancelled();

    std::vector<std::vector<std::string>> fresh(requests.size());
    ChatJob job(m_settings, m_key, m_endpoint, progress, requests, fresh, cachePaths, done, total, m_stats);
    if (Status sent = job.run(); !sent) {
        Error error = sent.error();
        error.message = m_key.scrub(error.message);
        error.file = m_key.scrub(error.file);
        return error;
    }
    for (size_t r = 0; r < requests.size(); ++r)
        answers[requestDoc[r]] = std::move(fresh[r]);

    SyntheticSet set;
    set.generator = "llm";
    engine::JsonWriter w(false);
    w.beginObject();
    w.key("base_url");
    w.value(m_baseUrl.toStdString());
    w.key("model");
    w.value(m_settings.model.toStdString());
    w.key("per_document");
    w.value(m_settings.questionsPerDocument);
    w.key("documents");
    w.value(m_settings.documents);
    w.key("temperature");
    w.value(m_settings.temperature);
    w.key("prompt_template");
    w.value(promptTemplate().toStdString());
    w.endObject();
    set.parametersJson = w.str();
    set.seed = m_settings.seed;
    set.datasetHash = engine::datasetTextsHash(dataset);
    set.documentsSampled = total;
    for (size_t i = 0; i < docs.size(); ++i)
        for (size_t k = 0; k < answers[i].size(); ++k)
            set.queries.push_back(SyntheticQuery{"llm:" + dataset.docIds.id(docs[i]) + ":" + std::to_string(k),
                                                 answers[i][k], docs[i], false});
    return set;
}

} // namespace embtune::net
