// RemoteEmbedder against a real local HTTP/1.1 server (support/http_test_server.h) that speaks
// the OpenAI embeddings protocol and derives each vector from its text: batching limits,
// reordering by "index", float and base64 answers, 429/500 retries, time-outs, malformed and
// invalid answers, cancel then resume from the cache (no text sent twice), work on a worker
// thread, and that the API key never shows up in files, errors or progress. Also the pure
// parts: batch planning, request bodies, settings validation and the keychain time-out
// (Retry-After parsing and backoff: test_request_scheduler).

#include "api_key.h"
#include "batch_planner.h"
#include "embedding_cache.h"
#include "embeddings_protocol.h"
#include "remote_embedder.h"

#include "support/http_test_server.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <thread>

using embtune::test::HttpRequest;
using embtune::test::HttpResponse;
using embtune::test::HttpTestServer;
namespace engine = embtune::engine;
namespace net = embtune::net;

namespace {

constexpr int kDefaultDim = 8;
const QByteArray kSecret = "sk-test-SECRET123";
const char *const kKeyVariable = "EMBTUNE_TEST_API_KEY";

// The service's vector for `text`: deterministic, different for every text.
std::vector<float> vectorFor(const std::string &text, int dim)
{
    uint64_t seed = 1469598103934665603ull;
    for (const unsigned char c : text) {
        seed ^= c;
        seed *= 1099511628211ull;
    }
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(dim));
    for (float &x : v)
        x = uniform(random);
    return v;
}

// Row i of `m` is exactly vectorFor(texts[i]); otherwise a description of the first difference.
QString rowsDiffer(const engine::RowMatrixXf &m, const std::vector<std::string> &texts, int dim)
{
    if (m.rows() != Eigen::Index(texts.size()) || m.cols() != dim)
        return QStringLiteral("shape %1 x %2, expected %3 x %4").arg(m.rows()).arg(m.cols()).arg(texts.size()).arg(dim);
    for (size_t i = 0; i < texts.size(); ++i) {
        const std::vector<float> expected = vectorFor(texts[i], dim);
        if (std::memcmp(m.row(Eigen::Index(i)).data(), expected.data(), sizeof(float) * size_t(dim)) != 0)
            return QStringLiteral("row %1 (\"%2\") differs").arg(i).arg(QString::fromStdString(texts[i]));
    }
    return {};
}

std::vector<std::string> makeTexts(int count, const std::string &prefix = "text")
{
    std::vector<std::string> texts;
    for (int i = 0; i < count; ++i)
        texts.push_back(prefix + " number " + std::to_string(i));
    return texts;
}

// What the fake service does with one request.
struct Answer {
    enum Kind {
        Embeddings,  // the vectors (base64 when asked for it)
        FloatsOnly,  // the vectors as JSON numbers whatever was asked
        Error,       // `status` with an OpenAI error body (echoing the Authorization header when echoKey)
        Malformed,   // 200 with a body that is not JSON
        WrongCount,  // one embedding too few
        NaNValue,    // a NaN in the first vector (base64)
        WrongDim,    // the last vector one value longer
    };
    Kind kind = Embeddings;
    int status = 200;
    QByteArray retryAfter;
    int delayMs = 0;
    bool echoKey = false;
};

Answer answer(Answer::Kind kind, int status = 200, QByteArray retryAfter = {}, int delayMs = 0, bool echoKey = false)
{
    Answer out;
    out.kind = kind;
    out.status = status;
    out.retryAfter = std::move(retryAfter);
    out.delayMs = delayMs;
    out.echoKey = echoKey;
    return out;
}

// An OpenAI-compatible embeddings service on 127.0.0.1. Scripted answers apply to the next
// requests in arrival order; after them every request gets `standing`.
class FakeEmbeddingService {
public:
    enum class Order { AsSent, Reversed, Shuffled };

    explicit FakeEmbeddingService(QByteArray key = {})
        : m_key(std::move(key))
        , m_server([this](const HttpRequest &request) { return handle(request); })
    {
    }

    QString baseUrl() const { return m_server.baseUrl().toString(); }
    const HttpTestServer &server() const { return m_server; }

    void script(std::vector<Answer> answers)
    {
        std::lock_guard lock(m_mutex);
        m_script.insert(m_script.end(), answers.begin(), answers.end());
    }
    void setStanding(Answer standing)
    {
        std::lock_guard lock(m_mutex);
        m_standing = standing;
    }
    void setOrder(Order order)
    {
        std::lock_guard lock(m_mutex);
        m_order = order;
    }
    // Inputs of every embeddings request, in arrival order (whatever the answer).
    std::vector<std::vector<std::string>> batches() const
    {
        std::lock_guard lock(m_mutex);
        return m_batches;
    }
    // How often each text was sent.
    std::map<std::string, int> received() const
    {
        std::map<std::string, int> counts;
        for (const auto &batch : batches())
            for (const std::string &text : batch)
                ++counts[text];
        return counts;
    }
    std::vector<QByteArray> authorizations() const
    {
        std::lock_guard lock(m_mutex);
        return m_authorizations;
    }

private:
    static HttpResponse json(int status, const QJsonObject &object)
    {
        HttpResponse response;
        response.status = status;
        response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
        return response;
    }
    static HttpResponse error(int status, const QString &message)
    {
        return json(status, QJsonObject{{"error", QJsonObject{{"message", message}, {"type", "test"}}}});
    }

    HttpResponse handle(const HttpRequest &request)
    {
        // Through a proxy the target is the absolute URL.
        if (request.method != "POST" || !request.target.endsWith("/v1/embeddings"))
            return error(404, "no such endpoint");
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        std::vector<std::string> inputs;
        for (const QJsonValue &value : body.value("input").toArray())
            inputs.push_back(value.toString().toStdString());
        const int dim = body.value("dimensions").toInt(kDefaultDim);
        const bool base64 = body.value("encoding_format").toString() == "base64";

        Answer scripted;
        Order order;
        {
            std::lock_guard lock(m_mutex);
            m_batches.push_back(inputs);
            m_authorizations.push_back(request.header("authorization"));
            if (!m_script.empty()) {
                scripted = m_script.front();
                m_script.pop_front();
            } else {
                scripted = m_standing;
            }
            order = m_order;
        }
        if (!m_key.isEmpty() && request.header("authorization") != "Bearer " + m_key)
            return error(401, "Incorrect API key provided: " +
                                  QString::fromUtf8(request.header("authorization").mid(7)) + ".");

        HttpResponse response;
        switch (scripted.kind) {
        case Answer::Error:
            response = error(scripted.status, scripted.echoKey ? "upstream failed for " +
                                                                 QString::fromUtf8(request.header("authorization"))
                                                           : QStringLiteral("scripted failure"));
            break;
        case Answer::Malformed:
            response.body = "{\"object\": \"list\", \"data\": [{\"index\": 0, \"embedding\": [0.1, oops";
            break;
        default:
            response = json(200, embeddings(inputs, dim, base64 && scripted.kind != Answer::FloatsOnly, scripted, order));
            break;
        }
        if (!scripted.retryAfter.isEmpty())
            response.headers.append({"Retry-After", scripted.retryAfter});
        response.delayMs = scripted.delayMs;
        return response;
    }

    static QJsonObject embeddings(const std::vector<std::string> &inputs, int dim, bool base64, const Answer &answer,
                                  Order order)
    {
        std::vector<int> indices(inputs.size());
        for (size_t i = 0; i < indices.size(); ++i)
            indices[i] = int(i);
        if (order == Order::Reversed)
            std::reverse(indices.begin(), indices.end());
        else if (order == Order::Shuffled)
            std::shuffle(indices.begin(), indices.end(), std::mt19937(7));
        if (answer.kind == Answer::WrongCount && !indices.empty())
            indices.pop_back();
        QJsonArray data;
        qint64 tokens = 0;
        for (size_t k = 0; k < indices.size(); ++k) {
            const int i = indices[k];
            std::vector<float> v = vectorFor(inputs[size_t(i)], dim);
            if (answer.kind == Answer::NaNValue && i == 0)
                v[1] = std::numeric_limits<float>::quiet_NaN();
            if (answer.kind == Answer::WrongDim && k + 1 == indices.size())
                v.push_back(0.5f);
            QJsonValue embedding;
            if (base64) {
                embedding = QString::fromLatin1(
                    QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(float))).toBase64());
            } else {
                QJsonArray numbers;
                for (const float x : v)
                    numbers.append(double(x));
                embedding = numbers;
            }
            data.append(QJsonObject{{"object", "embedding"}, {"index", i}, {"embedding", embedding}});
            tokens += net::estimateTokens(inputs[size_t(i)]);
        }
        return QJsonObject{{"object", "list"},
                           {"data", data},
                           {"model", "test-model"},
                           {"usage", QJsonObject{{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
    }

    const QByteArray m_key;
    mutable std::mutex m_mutex;
    std::deque<Answer> m_script;                     // guarded by m_mutex
    Answer m_standing;                               // guarded by m_mutex
    Order m_order = Order::AsSent;                   // guarded by m_mutex
    std::vector<std::vector<std::string>> m_batches; // guarded by m_mutex
    std::vector<QByteArray> m_authorizations;        // guarded by m_mutex
    HttpTestServer m_server; // last: its thread stops before the state above goes
};

net::RemoteEmbedderSettings fastSettings(const QString &baseUrl)
{
    net::RemoteEmbedderSettings settings;
    settings.baseUrl = baseUrl;
    settings.model = "test-model";
    settings.timeoutMs = 3000;
    settings.maxAttempts = 3;
    settings.initialBackoffMs = 10;
    settings.maxBackoffMs = 40;
    settings.maxRetryAfterMs = 3000;
    settings.progressIntervalMs = 20;
    return settings;
}

// Every file under `dir` that contains `needle`.
QStringList filesContaining(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found << file.fileName();
    }
    return found;
}

} // namespace

class TestRemoteEmbedder : public QObject {
    Q_OBJECT

private slots:
    // ---- pure parts -------------------------------------------------------------------------

    void batchPlanning()
    {
        QCOMPARE(net::estimateTokens(""), 1);
        QCOMPARE(net::estimateTokens("abcd"), 1);
        QCOMPARE(net::estimateTokens("abcde"), 2);
        QCOMPARE(net::estimateTokens(std::string(400, 'x')), 100);

        auto sizes = [](const std::vector<net::BatchRange> &batches) {
            std::vector<int64_t> out;
            for (const auto &b : batches)
                out.push_back(b.size());
            return out;
        };
        QCOMPARE(sizes(net::planBatches(std::vector<int64_t>(7, 1), 3, 1000)), (std::vector<int64_t>{3, 3, 1}));
        QCOMPARE(sizes(net::planBatches({5, 5, 5, 5, 5}, 100, 10)), (std::vector<int64_t>{2, 2, 1}));
        // An item larger than the token limit goes alone; the neighbours are not merged across it.
        const auto batches = net::planBatches({2, 50, 2, 2}, 100, 10);
        QCOMPARE(sizes(batches), (std::vector<int64_t>{1, 1, 2}));
        QCOMPARE(batches[1].tokens, 50);
        QCOMPARE(batches[2].begin, 2);
        QVERIFY(net::planBatches({}, 3, 10).empty());
    }

    void requestBody()
    {
        const std::vector<std::string_view> inputs{"a", "b \"quoted\""};
        QJsonObject body =
            QJsonDocument::fromJson(net::embeddingsRequestBody("m", inputs, 256, net::EncodingFormat::Base64)).object();
        QCOMPARE(body.value("model").toString(), QString("m"));
        QCOMPARE(body.value("input").toArray().size(), 2);
        QCOMPARE(body.value("input").toArray().at(1).toString(), QString("b \"quoted\""));
        QCOMPARE(body.value("dimensions").toInt(), 256);
        QCOMPARE(body.value("encoding_format").toString(), QString("base64"));
        body = QJsonDocument::fromJson(net::embeddingsRequestBody("m", inputs, 0, net::EncodingFormat::ServerDefault))
                   .object();
        QVERIFY(!body.contains("dimensions"));
        QVERIFY(!body.contains("encoding_format"));
        QCOMPARE(net::serverErrorMessage(R"({"error": {"message": "Rate limit reached", "type": "x"}})"),
                 std::string("Rate limit reached"));
        QCOMPARE(net::serverErrorMessage(R"({"detail": "Not Found"})"), std::string("Not Found"));
        QCOMPARE(net::serverErrorMessage("<html>Bad\ngateway</html>"), std::string("<html>Bad gateway</html>"));
    }

    void endpointAndValidation()
    {
        const auto key = net::ApiKey::fromString("k");
        auto settings = fastSettings("https://api.example.com/v1/");
        net::RemoteEmbedder embedder(settings, key);
        QCOMPARE(embedder.endpoint().toString(), QString("https://api.example.com/v1/embeddings"));
        QCOMPARE(embedder.normalizedBaseUrl(), QString("https://api.example.com"));
        QVERIFY(embedder.validate().ok());
        QVERIFY(embedder.configKey().find("api.example.com") != std::string::npos);

        settings.baseUrl = "https://user:pw@host.example/proxy";
        net::RemoteEmbedder withPath(settings, key);
        QCOMPARE(withPath.endpoint().path(), QString("/proxy/v1/embeddings"));
        QVERIFY(withPath.configKey().find("pw") == std::string::npos);

        // A key never goes over plain http to another machine unless allowed.
        settings.baseUrl = "http://example.com";
        QCOMPARE(net::RemoteEmbedder(settings, key).validate().error().code, engine::ErrorCode::Usage);
        QVERIFY(net::RemoteEmbedder(settings, net::ApiKey()).validate().ok());
        settings.allowPlainHttpWithKey = true;
        QVERIFY(net::RemoteEmbedder(settings, key).validate().ok());
        settings.allowPlainHttpWithKey = false;
        settings.baseUrl = "http://localhost:8080";
        QVERIFY(net::RemoteEmbedder(settings, key).validate().ok());

        settings.baseUrl = "ftp://example.com";
        QCOMPARE(net::RemoteEmbedder(settings, key).validate().error().code, engine::ErrorCode::Usage);
        settings.baseUrl = "https://example.com";
        settings.model = "";
        QCOMPARE(net::RemoteEmbedder(settings, key).validate().error().code, engine::ErrorCode::Usage);
        settings.model = "m";
        settings.maxBatchItems = 0;
        QCOMPARE(net::RemoteEmbedder(settings, key).validate().error().code, engine::ErrorCode::Usage);
    }

    void scrubbing()
    {
        const auto key = net::ApiKey::fromString(QString::fromLatin1(kSecret) + "\n");
        QCOMPARE(key.authorizationHeader(), "Bearer " + kSecret);
        QCOMPARE(key.scrub(std::string("a sk-test-SECRET123 b sk-test-SECRET123")), std::string("a *** b ***"));
        QCOMPARE(key.scrub(QString("x sk-test-SECRET123")), QString("x ***"));
        QVERIFY(key.occursIn("...sk-test-SECRET123..."));
        QCOMPARE(net::ApiKey().scrub(std::string("text")), std::string("text"));
        QVERIFY(net::ApiKey().authorizationHeader().isEmpty());

        qputenv("EMBTUNE_TEST_EMPTY_KEY", "");
        const auto missing = net::ApiKey::fromEnvironment("EMBTUNE_TEST_EMPTY_KEY");
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.find("EMBTUNE_TEST_EMPTY_KEY") != std::string::npos);
    }

    // The keychain gives an answer (entry missing, no service, or time-out) within its time-out.
    void keychainDoesNotHang()
    {
        if (!net::ApiKey::keychainAvailable())
            QSKIP("built without QtKeychain");
        QElapsedTimer clock;
        clock.start();
        const auto key = net::ApiKey::fromKeychain(
            QStringLiteral("embtune-test-%1").arg(QCoreApplication::applicationPid()), "missing-entry", 1500);
        QVERIFY(!key.ok());
        QVERIFY(!key.error().message.empty());
        QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
        qInfo("keychain: %s (%lld ms)", key.error().message.c_str(), clock.elapsed());
    }

    // ---- against the local service ----------------------------------------------------------

    void batchesByItemCount()
    {
        FakeEmbeddingService service;
        auto settings = fastSettings(service.baseUrl());
        settings.maxBatchItems = 3;
        settings.maxInFlight = 2;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(10);
        const auto estimate = embedder.estimate(texts);
        QVERIFY(estimate.ok());
        QCOMPARE(estimate->requests, 4);

        std::vector<engine::ProgressEvent> events;
        engine::Progress progress([&](const engine::ProgressEvent &e) {
            events.push_back(e);
            return true;
        });
        const auto result = embedder.embed(texts, &progress);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());

        std::vector<size_t> sizes;
        for (const auto &batch : service.batches())
            sizes.push_back(batch.size());
        std::sort(sizes.begin(), sizes.end());
        QCOMPARE(sizes, (std::vector<size_t>{1, 3, 3, 3}));
        for (const auto &[text, count] : service.received())
            QCOMPARE(count, 1);
        QVERIFY(!events.empty());
        QCOMPARE(events.back().done, 10);
        QCOMPARE(events.back().total, 10);
        for (size_t i = 1; i < events.size(); ++i)
            QVERIFY(events[i].done >= events[i - 1].done);
        const net::EmbedStats stats = embedder.lastStats();
        QCOMPARE(stats.requests, 4);
        QCOMPARE(stats.sentTexts, 10);
        QCOMPARE(stats.retries, 0);
        QVERIFY(stats.reportedTokens > 0);
    }

    void batchesByTokenEstimate()
    {
        FakeEmbeddingService service;
        auto settings = fastSettings(service.baseUrl());
        settings.maxBatchTokens = 25; // texts of 40 bytes = 10 estimated tokens: two per request
        settings.pricePerMillionTokens = 100;
        net::RemoteEmbedder embedder(settings, {});
        std::vector<std::string> texts;
        for (int i = 0; i < 7; ++i)
            texts.push_back(std::string(38, char('a' + i)) + "#" + std::to_string(i));
        const auto estimate = embedder.estimate(texts);
        QVERIFY(estimate.ok());
        QCOMPARE(estimate->requests, 4);
        QCOMPARE(estimate->estimatedTokens, 70);
        QCOMPARE(estimate->estimatedCost, 70 / 1e6 * 100);
        QVERIFY(estimate->needsConfirmation(0.005));
        QVERIFY(!estimate->needsConfirmation(0.01));

        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(service.batches().size(), size_t(4));
        for (const auto &batch : service.batches()) {
            int64_t tokens = 0;
            for (const auto &text : batch)
                tokens += net::estimateTokens(text);
            QVERIFY(tokens <= 25);
        }
    }

    void reordersByIndex_data()
    {
        QTest::addColumn<int>("order");
        QTest::newRow("reversed") << int(FakeEmbeddingService::Order::Reversed);
        QTest::newRow("shuffled") << int(FakeEmbeddingService::Order::Shuffled);
    }
    void reordersByIndex()
    {
        QFETCH(int, order);
        FakeEmbeddingService service;
        service.setOrder(FakeEmbeddingService::Order(order));
        auto settings = fastSettings(service.baseUrl());
        settings.encodingFormat = net::EncodingFormat::Float;
        settings.maxBatchItems = 6;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(15);
        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
    }

    void base64AndFloatAnswers()
    {
        FakeEmbeddingService service;
        auto settings = fastSettings(service.baseUrl());
        settings.encodingFormat = net::EncodingFormat::Base64;
        settings.dimensions = 16;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(5, "base64");
        auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, 16), QString());

        // A server that ignores encoding_format and answers with numbers is fine too.
        service.setStanding(answer(Answer::FloatsOnly));
        const auto more = makeTexts(5, "floats");
        result = embedder.embed(more, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, more, 16), QString());
        QCOMPARE(service.batches().size(), size_t(2));
    }

    void repeatedTextsAreSentOnce()
    {
        FakeEmbeddingService service;
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const std::vector<std::string> texts{"same", "other", "same", "same", "third", "other"};
        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(service.received(), (std::map<std::string, int>{{"same", 1}, {"other", 1}, {"third", 1}}));
        QCOMPARE(embedder.lastStats().uniqueTexts, 3);
        QCOMPARE(embedder.embed({}, nullptr)->rows(), 0);
    }

    void retryAfter429()
    {
        FakeEmbeddingService service;
        service.script({answer(Answer::Error, 429, "1")});
        auto settings = fastSettings(service.baseUrl());
        settings.maxInFlight = 1;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(3);
        QElapsedTimer clock;
        clock.start();
        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed()))); // waited Retry-After: 1
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(embedder.lastStats().retries, 1);
        QCOMPARE(embedder.lastStats().requests, 2);
    }

    void retryAfter500()
    {
        FakeEmbeddingService service;
        service.script({answer(Answer::Error, 500), answer(Answer::Error, 503)});
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const auto texts = makeTexts(4);
        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(embedder.lastStats().retries, 2);
    }

    void tooManyFailuresFail()
    {
        FakeEmbeddingService service;
        service.setStanding(answer(Answer::Error, 503));
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const auto result = embedder.embed(makeTexts(2), nullptr);
        QVERIFY(!result.ok());
        const std::string message = result.error().message;
        QCOMPARE(result.error().code, engine::ErrorCode::Io);
        QVERIFY2(message.find("after 3 attempts") != std::string::npos, message.c_str());
        QVERIFY2(message.find("HTTP 503") != std::string::npos, message.c_str());
        QVERIFY2(message.find("scripted failure") != std::string::npos, message.c_str());
        QCOMPARE(service.batches().size(), size_t(3));
    }

    void clientErrorIsNotRetried()
    {
        FakeEmbeddingService service;
        service.script({answer(Answer::Error, 400)});
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const auto result = embedder.embed(makeTexts(2), nullptr);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.find("HTTP 400") != std::string::npos, result.error().message.c_str());
        QCOMPARE(service.batches().size(), size_t(1));
    }

    void malformedBody()
    {
        FakeEmbeddingService service;
        service.script({answer(Answer::Malformed)});
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const auto result = embedder.embed(makeTexts(3), nullptr);
        QVERIFY(!result.ok());
        const std::string message = result.error().message;
        QVERIFY2(message.find("malformed embeddings response") != std::string::npos, message.c_str());
        QVERIFY2(message.find("not JSON") != std::string::npos, message.c_str());
        QVERIFY2(message.find("oops") != std::string::npos, message.c_str()); // shows the start of the body
        QCOMPARE(service.batches().size(), size_t(1));
    }

    void invalidAnswers_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("count") << int(Answer::WrongCount) << "returned 2 embeddings for 3 inputs";
        QTest::newRow("nan") << int(Answer::NaNValue) << "NaN or infinite value";
        QTest::newRow("dimension") << int(Answer::WrongDim) << "has dimension 9, expected 8";
    }
    void invalidAnswers()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        FakeEmbeddingService service;
        service.script({answer(Answer::Kind(kind))});
        net::RemoteEmbedder embedder(fastSettings(service.baseUrl()), {});
        const auto result = embedder.embed(makeTexts(3), nullptr);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.find(expected.toStdString()) != std::string::npos,
                 result.error().message.c_str());
    }

    void slowAnswerTimesOut()
    {
        FakeEmbeddingService service;
        Answer slow;
        slow.delayMs = 1500;
        service.setStanding(slow);
        auto settings = fastSettings(service.baseUrl());
        settings.timeoutMs = 200;
        QElapsedTimer clock;
        clock.start();
        net::RemoteEmbedder embedder(settings, {});
        const auto result = embedder.embed(makeTexts(2), nullptr);
        QVERIFY(!result.ok());
        const std::string message = result.error().message;
        QVERIFY2(message.find("after 3 attempts") != std::string::npos, message.c_str());
        QVERIFY2(message.find("within 200 ms") != std::string::npos, message.c_str());
        QVERIFY2(clock.elapsed() >= 600 && clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(service.batches().size(), size_t(3));
    }

    void slowThenFastSucceeds()
    {
        FakeEmbeddingService service;
        Answer slow;
        slow.delayMs = 800;
        service.script({slow});
        auto settings = fastSettings(service.baseUrl());
        settings.timeoutMs = 200;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(2);
        const auto result = embedder.embed(texts, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(embedder.lastStats().retries, 1);
    }

    void unreachableServerFails()
    {
        QTcpServer probe; // a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        net::RemoteEmbedder embedder(fastSettings(QStringLiteral("http://127.0.0.1:%1").arg(port)), {});
        const auto result = embedder.embed(makeTexts(2), nullptr);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.find("cannot reach") != std::string::npos, result.error().message.c_str());
        QVERIFY2(result.error().message.find("after 3 attempts") != std::string::npos, result.error().message.c_str());
    }

    // Cancel after two batches; the next job (after a simulated kill that left half a record
    // and no index) sends only the texts not cached yet.
    void cancelThenResumeFromCache()
    {
        FakeEmbeddingService service;
        QTemporaryDir cacheDir;
        QVERIFY(cacheDir.isValid());
        auto settings = fastSettings(service.baseUrl());
        settings.cacheDir = cacheDir.path();
        settings.maxBatchItems = 4;
        settings.maxInFlight = 1;
        const auto texts = makeTexts(20);

        {
            net::RemoteEmbedder embedder(settings, {});
            engine::Progress progress([](const engine::ProgressEvent &e) { return e.done < 8; });
            const auto result = embedder.embed(texts, &progress);
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, engine::ErrorCode::Cancelled);
        }
        const auto firstRun = service.received();
        QCOMPARE(firstRun.size(), size_t(8));

        // What a kill in the middle of the next append leaves: a partial record and a stale index.
        const QString stem = cacheDir.filePath(net::EmbeddingCache::fileStem(
            {net::RemoteEmbedder(settings, {}).normalizedBaseUrl(), settings.model, settings.dimensions}));
        QFile log(stem + ".embcache");
        QVERIFY(log.open(QIODevice::Append));
        QVERIFY(log.write(QByteArray("EMBR\x08\x00\x00\x00partial", 15)) == 15);
        log.close();
        QVERIFY(QFile::remove(stem + ".embidx"));

        net::RemoteEmbedder embedder(settings, {});
        const auto estimate = embedder.estimate(texts);
        QVERIFY(estimate.ok());
        QCOMPARE(estimate->cachedTexts, 8);
        QCOMPARE(estimate->requests, 3);
        std::vector<int64_t> done;
        engine::Progress progress([&](const engine::ProgressEvent &e) {
            done.push_back(e.done);
            return true;
        });
        const auto result = embedder.embed(texts, &progress);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(done.front(), 8); // the cached texts count as done from the start
        QCOMPARE(embedder.lastStats().cachedTexts, 8);
        QCOMPARE(embedder.lastStats().sentTexts, 12);
        const auto all = service.received();
        QCOMPARE(all.size(), size_t(20));
        for (const auto &[text, count] : all)
            QVERIFY2(count == 1, text.c_str()); // no text sent twice

        // A third run sends nothing at all.
        const size_t requests = service.batches().size();
        const auto again = embedder.embed(texts, nullptr);
        QVERIFY(again.ok());
        QCOMPARE(rowsDiffer(*again, texts, kDefaultDim), QString());
        QCOMPARE(service.batches().size(), requests);
        QCOMPARE(embedder.estimate(texts)->requests, 0);
    }

    // A cancel is seen while the job waits out a long Retry-After.
    void cancelWhileWaiting()
    {
        FakeEmbeddingService service;
        service.script({answer(Answer::Error, 429, "30")});
        auto settings = fastSettings(service.baseUrl());
        settings.maxRetryAfterMs = 60000;
        net::RemoteEmbedder embedder(settings, {});
        QElapsedTimer clock;
        clock.start();
        engine::Progress progress([&](const engine::ProgressEvent &) { return clock.elapsed() < 300; });
        const auto result = embedder.embed(makeTexts(3), &progress);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, engine::ErrorCode::Cancelled);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }

    void cancelAbortsRequestsInFlight()
    {
        FakeEmbeddingService service;
        Answer slow;
        slow.delayMs = 3000;
        service.setStanding(slow);
        auto settings = fastSettings(service.baseUrl());
        settings.timeoutMs = 10000;
        net::RemoteEmbedder embedder(settings, {});
        QElapsedTimer clock;
        clock.start();
        engine::Progress progress([&](const engine::ProgressEvent &) { return clock.elapsed() < 200; });
        const auto result = embedder.embed(makeTexts(3), &progress);
        QCOMPARE(result.error().code, engine::ErrorCode::Cancelled);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
    }

    void worksOnWorkerThread()
    {
        FakeEmbeddingService service;
        auto settings = fastSettings(service.baseUrl());
        settings.maxBatchItems = 2;
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(9);
        std::optional<engine::Result<engine::RowMatrixXf>> result;
        std::thread worker([&] { result.emplace(embedder.embed(texts, nullptr)); });
        worker.join();
        QVERIFY(result.has_value());
        QVERIFY2(result->ok(), result->ok() ? "" : result->error().message.c_str());
        QCOMPARE(rowsDiffer(result->value(), texts, kDefaultDim), QString());
    }

    // The system proxy (http_proxy) is used for other hosts: here the test service plays it.
    void usesSystemProxy()
    {
        FakeEmbeddingService service;
        const QByteArray savedProxy = qgetenv("http_proxy"), savedNoProxy = qgetenv("no_proxy");
        qputenv("http_proxy", service.baseUrl().toLatin1());
        qunsetenv("no_proxy");
        auto settings = fastSettings("http://embeddings.invalid");
        net::RemoteEmbedder embedder(settings, {});
        const auto texts = makeTexts(3, "proxied");
        const auto result = embedder.embed(texts, nullptr); // the host is never resolved here
        qputenv("http_proxy", savedProxy);
        if (!savedNoProxy.isEmpty())
            qputenv("no_proxy", savedNoProxy);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        QCOMPARE(service.server().requests().front().target, QByteArray("http://embeddings.invalid/v1/embeddings"));
        QCOMPARE(service.batches().size(), size_t(1));
    }

    // The key reaches the server in the Authorization header and nowhere else: not in the
    // cache or any other file, progress, errors (even when the server echoes it) or the config key.
    void keyNeverLeaks()
    {
        qputenv(kKeyVariable, kSecret);
        const auto key = net::loadApiKey({QString::fromLatin1(kKeyVariable), QString(), QString(), 1000});
        QVERIFY(key.ok());
        const QByteArray wrongKey = "sk-wrong-OTHER456";

        FakeEmbeddingService service(kSecret);
        QTemporaryDir cacheDir, workDir;
        QVERIFY(cacheDir.isValid() && workDir.isValid());
        auto settings = fastSettings(service.baseUrl());
        settings.cacheDir = cacheDir.path();
        settings.maxBatchItems = 3;
        QStringList seen; // every string the caller gets to see
        engine::Progress progress([&](const engine::ProgressEvent &e) {
            seen << QString::fromStdString(e.phase);
            return true;
        });

        net::RemoteEmbedder embedder(settings, *key);
        seen << QString::fromStdString(embedder.configKey()) << QString::fromStdString(embedder.name());
        const auto texts = makeTexts(7, "secret test");
        auto result = embedder.embed(texts, &progress);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(rowsDiffer(*result, texts, kDefaultDim), QString());
        for (const QByteArray &authorization : service.authorizations())
            QCOMPARE(authorization, "Bearer " + kSecret);

        // Errors that quote the key: a server echoing the Authorization header, then a 401.
        service.setStanding(answer(Answer::Error, 500, {}, 0, true));
        result = embedder.embed(makeTexts(2, "more"), &progress);
        QVERIFY(!result.ok());
        seen << QString::fromStdString(result.error().toString());
        QVERIFY2(result.error().message.find("Bearer ***") != std::string::npos, result.error().message.c_str());

        service.setStanding(answer(Answer::Embeddings));
        settings.cacheDir = workDir.path();
        net::RemoteEmbedder wrong(settings, net::ApiKey::fromString(QString::fromLatin1(wrongKey)));
        result = wrong.embed(makeTexts(2, "wrong"), &progress);
        QVERIFY(!result.ok());
        seen << QString::fromStdString(result.error().toString());
        QVERIFY2(result.error().message.find("HTTP 401") != std::string::npos, result.error().message.c_str());
        QVERIFY2(result.error().message.find("Incorrect API key provided: ***") != std::string::npos,
                 result.error().message.c_str());

        // Files: the cache folder (which holds the vectors) and the test's other temporary folder.
        QVERIFY(QDir(cacheDir.path()).entryList(QDir::Files).size() >= 2);
        for (const QByteArray &secret : {kSecret, wrongKey}) {
            for (const QString &dir : {cacheDir.path(), workDir.path()})
                QCOMPARE(filesContaining(dir, secret), QStringList());
            for (const QString &text : seen)
                QVERIFY2(!text.contains(QString::fromLatin1(secret)), qPrintable(text));
        }
        QVERIFY(!seen.isEmpty());
        qunsetenv(kKeyVariable);
    }
};

QTEST_GUILESS_MAIN(TestRemoteEmbedder)
#include "test_remote_embedder.moc"
