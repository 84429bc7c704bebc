// Hostile and absurd server answers (issue 15, item 5) to the remote embedder and the llm query
// generator, from the real loopback server (support/http_test_server.h): bodies over the cap
// (streamed without a length, and announcing a Content-Length over it), a first answer of
// dimension 10^9, a dimension over the limit or differing from the requested, cached or first
// one, a dimension that would need more than the computer's memory for the job, answers whose
// few bytes would make a huge JSON tree or vector block, and retry-after-ms / total_tokens values
// of 1e30, infinity, NaN or -1. Each fails with a message naming what is wrong (or is clamped),
// quickly, and with a bounded peak resident memory (Linux: VmHWM after resetting it).

#include "chat_protocol.h"
#include "embedding_cache.h"
#include "embeddings_protocol.h"
#include "http_exchange.h"
#include "llm_query_generator.h"
#include "remote_embedder.h"
#include "request_scheduler.h"
#include "server_number.h"

#include "support/http_test_server.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using embtune::test::HttpRequest;
using embtune::test::HttpResponse;
using embtune::test::HttpTestServer;
namespace engine = embtune::engine;
namespace net = embtune::net;

namespace {

constexpr int64_t kMiB = int64_t(1) << 20;
// Peak growth allowed while an answer streams in up to its cap (16 MiB): generous, because under
// ASan freed network buffers stay resident in its quarantine (up to 256 MiB); without the cap the
// client holds gigabytes.
constexpr int64_t kStreamingPeak = 400 * kMiB;

// Peak resident memory of this process from now on (Linux: VmHWM reset through clear_refs).
class PeakMemory {
public:
    PeakMemory()
    {
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        m_valid = clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
        clear.close();
        m_start = field("VmRSS:");
    }
    bool valid() const { return m_valid && m_start >= 0; }
    // Bytes the peak rose above the resident size at construction.
    int64_t growth() const { return field("VmHWM:") - m_start; }

private:
    static int64_t field(const char *name)
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (!status.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith(name))
                return line.mid(qsizetype(std::strlen(name))).trimmed().split(' ').value(0).toLongLong() * 1024;
        return -1;
    }
    bool m_valid = false;
    int64_t m_start = -1;
};

#define EXPECT_PEAK_BELOW(peak, bytes)                                                                                 \
    do {                                                                                                               \
        if ((peak).valid()) {                                                                                          \
            qInfo("peak resident memory rose by %lld MiB", (long long)((peak).growth() / kMiB));                      \
            QVERIFY2((peak).growth() < (bytes),                                                                        \
                     qPrintable(QStringLiteral("peak memory rose by %1 MiB").arg((peak).growth() / kMiB)));           \
        } else                                                                                                         \
            qWarning("cannot reset the peak resident size here: memory not checked");                                 \
    } while (false)

#define EXPECT_ERROR_WITH(result, needle)                                                                              \
    do {                                                                                                               \
        QVERIFY2(!(result).ok(), "succeeded");                                                                         \
        QVERIFY2((result).error().message.find(needle) != std::string::npos, (result).error().message.c_str());        \
    } while (false)

// Inputs of an embeddings request (its "input" array).
int inputCount(const HttpRequest &request)
{
    return int(QJsonDocument::fromJson(request.body).object().value("input").toArray().size());
}

// base64 of `dim` little-endian float32 values (i + 1) / dim.
QByteArray base64Vector(int64_t dim)
{
    std::vector<float> v{std::vector<float>(size_t(dim))};
    for (int64_t i = 0; i < dim; ++i)
        v[size_t(i)] = float(i + 1) / float(dim);
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * sizeof(float))).toBase64();
}

// An embeddings answer of `count` vectors of `dim` (base64) with usage.total_tokens written as
// `totalTokens` (raw JSON text).
HttpResponse embeddingsAnswer(int count, int64_t dim, const QByteArray &totalTokens = "3")
{
    const QByteArray vector = base64Vector(dim);
    QByteArray body = R"({"object":"list","data":[)";
    for (int i = 0; i < count; ++i)
        body += (i ? "," : "") + QByteArray(R"({"object":"embedding","index":)") + QByteArray::number(i) +
                R"(,"embedding":")" + vector + "\"}";
    body += R"(],"model":"m","usage":{"prompt_tokens":3,"total_tokens":)" + totalTokens + "}}";
    HttpResponse response;
    response.body = body;
    return response;
}

// A chat completion answering two questions, with usage.total_tokens written as `totalTokens`.
HttpResponse chatAnswer(const QByteArray &totalTokens = "50")
{
    HttpResponse response;
    response.body = R"({"choices":[{"index":0,"message":{"role":"assistant","content":"1. Why?\n2. How?"}}],)"
                    R"("usage":{"total_tokens":)" +
                    totalTokens + "}}";
    return response;
}

// A 200 answer that streams `body` and then `chunk` `repeats` times (-1: until the client stops
// reading), announcing `contentLength` when it is not empty.
HttpResponse streamedAnswer(const QByteArray &body, const QByteArray &chunk, qint64 repeats,
                            const QByteArray &contentLength = {})
{
    HttpResponse response;
    response.body = body;
    response.streamChunk = chunk;
    response.streamRepeats = repeats;
    if (!contentLength.isEmpty())
        response.headers.append({"Content-Length", contentLength});
    return response;
}

net::RemoteEmbedderSettings embedderSettings(const HttpTestServer &server)
{
    net::RemoteEmbedderSettings s;
    s.baseUrl = server.baseUrl().toString();
    s.model = QStringLiteral("test-model");
    s.timeoutMs = 20000;
    s.maxAttempts = 3;
    s.initialBackoffMs = 10;
    s.maxBackoffMs = 40;
    s.progressIntervalMs = 20;
    return s;
}

net::LlmGeneratorSettings chatSettings(const HttpTestServer &server)
{
    net::LlmGeneratorSettings s;
    s.baseUrl = server.baseUrl().toString();
    s.model = QStringLiteral("test-chat");
    s.questionsPerDocument = 2;
    s.maxInFlight = 1;
    s.timeoutMs = 20000;
    s.maxAttempts = 3;
    s.initialBackoffMs = 10;
    s.maxBackoffMs = 40;
    s.progressIntervalMs = 20;
    return s;
}

engine::Dataset oneDocument()
{
    engine::Dataset d;
    (void)d.docIds.add("d1");
    d.docs.push_back({"Title", "The text of the only document."});
    return d;
}

std::vector<std::string> texts(int count)
{
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i)
        out.push_back("text " + std::to_string(i));
    return out;
}

std::string endpointOf(const HttpTestServer &server, const char *path)
{
    return server.baseUrl().toString().toStdString() + path;
}

} // namespace

class TestRemoteHostile : public QObject {
    Q_OBJECT

private slots:
    // ---- body cap -----------------------------------------------------------------------------

    // The answer to a small request may take 16 MiB; one that streams on without a length, or
    // announces more, is abandoned at the cap (or at its headers), not retried, and the error
    // names the endpoint and the cap.
    void embeddingsBodyOverCap_data()
    {
        QTest::addColumn<QByteArray>("contentLength");
        QTest::newRow("streamed without length") << QByteArray();
        QTest::newRow("Content-Length over the cap") << QByteArray("1000000000000");
    }

    void embeddingsBodyOverCap()
    {
        QFETCH(QByteArray, contentLength);
        HttpTestServer server([&](const HttpRequest &) {
            return streamedAnswer(R"({"object":"list","data":[{"index":0,"embedding":[)", QByteArray(64 * 1024, ' '),
                                  -1, contentLength);
        });
        QVERIFY(server.isListening());
        QCOMPARE(net::maxEmbeddingsReplyBytes(1), 16 * kMiB);
        PeakMemory peak;
        QElapsedTimer clock;
        clock.start();
        net::RemoteEmbedder embedder(embedderSettings(server), {});
        const auto result = embedder.embed({"one text"}, nullptr);
        EXPECT_ERROR_WITH(result, "larger than the limit of 16777216 bytes (16.0 MiB)");
        EXPECT_ERROR_WITH(result, endpointOf(server, "/v1/embeddings"));
        if (!contentLength.isEmpty()) {
            EXPECT_ERROR_WITH(result, "Content-Length: 1000000000000");
            // Refused at the headers, well before the 20 s time-out and without retries. The
            // bound is 10 s, not milliseconds: destroying the network manager waits (up to 5 s,
            // inside Qt) for its HTTP thread, which under the sanitizers is still freeing what the
            // server floods onto the aborted connection (seen with gdb: QThread::wait in QtNetwork).
            QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        }
        QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server.requests().size(), size_t(1)); // not retried
        EXPECT_PEAK_BELOW(peak, kStreamingPeak);
    }

    void chatBodyOverCap_data() { embeddingsBodyOverCap_data(); }

    void chatBodyOverCap()
    {
        QFETCH(QByteArray, contentLength);
        HttpTestServer server([&](const HttpRequest &) {
            return streamedAnswer("{\"choices\":[{\"message\":{\"content\":\"", QByteArray(64 * 1024, 'x'), -1,
                                  contentLength);
        });
        QVERIFY(server.isListening());
        PeakMemory peak;
        QElapsedTimer clock;
        clock.start();
        net::LlmQueryGenerator generator(chatSettings(server), {});
        const auto result = generator.generate(oneDocument(), nullptr);
        EXPECT_ERROR_WITH(result, "larger than the limit of 8388608 bytes (8.0 MiB)");
        EXPECT_ERROR_WITH(result, endpointOf(server, "/v1/chat/completions"));
        // See embeddingsBodyOverCap for the 10 s.
        if (!contentLength.isEmpty())
            QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server.requests().size(), size_t(1));
        EXPECT_PEAK_BELOW(peak, kStreamingPeak);
    }

    // The cap grows with the request (256 KiB per input) between its floor and ceiling.
    void capFollowsTheRequest()
    {
        QCOMPARE(net::maxEmbeddingsReplyBytes(1), 16 * kMiB);
        QCOMPARE(net::maxEmbeddingsReplyBytes(64), 16 * kMiB);
        QCOMPARE(net::maxEmbeddingsReplyBytes(100), 100 * 256 * 1024);
        QCOMPARE(net::maxEmbeddingsReplyBytes(2048), 256 * kMiB);
        QCOMPARE(net::maxEmbeddingsReplyBytes(std::numeric_limits<int64_t>::max() / 2), 256 * kMiB);
        QCOMPARE(net::kMaxChatReplyBytes, 8 * kMiB);
    }

    // ---- dimensions ---------------------------------------------------------------------------

    // A first answer of dimension 10^9 (2 GB of "0,") ends at the body cap: quickly, in little memory.
    void firstAnswerOfDimension1e9()
    {
        const qint64 chunkValues = 32 * 1024; // "0," each
        HttpTestServer server([&](const HttpRequest &) {
            return streamedAnswer(R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[)",
                                  QByteArray("0,").repeated(chunkValues), 1000000000 / chunkValues);
        });
        QVERIFY(server.isListening());
        PeakMemory peak;
        QElapsedTimer clock;
        clock.start();
        net::RemoteEmbedder embedder(embedderSettings(server), {});
        const auto result = embedder.embed({"one text"}, nullptr);
        EXPECT_ERROR_WITH(result, "larger than the limit of 16777216 bytes");
        QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server.requests().size(), size_t(1));
        EXPECT_PEAK_BELOW(peak, kStreamingPeak);
    }

    // A dimension over kMaxEmbeddingDim is refused, within the body cap.
    void dimensionOverTheLimit()
    {
        HttpTestServer server([](const HttpRequest &) { return embeddingsAnswer(1, net::kMaxEmbeddingDim + 1); });
        QVERIFY(server.isListening());
        const auto result = net::RemoteEmbedder(embedderSettings(server), {}).embed({"one text"}, nullptr);
        EXPECT_ERROR_WITH(result, "dimension 65537 exceeds the limit of 65536");
        EXPECT_ERROR_WITH(result, "request for 1 texts from input 0 to " + endpointOf(server, "/v1/embeddings"));

        // Nor can a user ask for more.
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.dimensions = int(net::kMaxEmbeddingDim) + 1;
        QCOMPARE(net::RemoteEmbedder(s, {}).validate().error().code, engine::ErrorCode::Usage);
    }

    // A first vector of 30000 or 60000 values followed by vectors of one value: count x dim is
    // bounded (by the answer's limit and by what the body can hold) before count x dim floats
    // are allocated (before: 120 and 490 MB for a 120 KB body).
    void countTimesDimensionBoundedBeforeAllocation_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("dim");
        QTest::addColumn<QString>("expected");
        QTest::newRow("body too short") << 1000 << 30000 << "a body of";
        QTest::newRow("over the answer's limit") << 2048 << 60000 << "lower the batch size";
    }

    void countTimesDimensionBoundedBeforeAllocation()
    {
        QFETCH(int, count);
        QFETCH(int, dim);
        QFETCH(QString, expected);
        QByteArray body = R"({"data":[{"index":0,"embedding":[0)";
        for (int j = 1; j < dim; ++j)
            body += ",0";
        body += "]}";
        for (int i = 1; i < count; ++i)
            body += R"(,{"index":)" + QByteArray::number(i) + R"(,"embedding":[0]})";
        body += "]}";
        PeakMemory peak;
        const auto parsed = net::parseEmbeddingsResponse(body, count, 0);
        EXPECT_ERROR_WITH(parsed, expected.toStdString());
        EXPECT_PEAK_BELOW(peak, 64 * kMiB);
    }

    // Few bytes that Qt's JSON tree would make large, within the body cap: 4 M one-value arrays
    // (16 MiB, about 700 MB as a tree) for 512 inputs, and 8 M numbers in the embedding of one
    // input (16 MiB; a dimension of 8 M before) are refused before the tree is built.
    void structureBoundedBeforeParsing_data()
    {
        QTest::addColumn<QByteArray>("item");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one-value arrays") << QByteArray("[0],") << 512 << "arrays and objects";
        QTest::newRow("numbers") << QByteArray("0,") << 1 << "',' separators";
    }

    void structureBoundedBeforeParsing()
    {
        QFETCH(QByteArray, item);
        QFETCH(int, count);
        QFETCH(QString, expected);
        QByteArray body = R"({"data":[{"index":0,"embedding":[)";
        body += item.repeated(16 * kMiB / item.size() - 64);
        body += "0]}]}";
        QVERIFY(body.size() <= net::maxEmbeddingsReplyBytes(count));
        PeakMemory peak;
        const auto parsed = net::parseEmbeddingsResponse(body, count, 0);
        EXPECT_ERROR_WITH(parsed, expected.toStdString());
        EXPECT_PEAK_BELOW(peak, 64 * kMiB);
    }

    // An answer of another dimension than asked for, than the cache holds, or than the job's
    // first answer fails, saying which.
    void dimensionDiffersFromRequested()
    {
        HttpTestServer server([](const HttpRequest &request) { return embeddingsAnswer(inputCount(request), 8); });
        QVERIFY(server.isListening());
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.dimensions = 16;
        const auto result = net::RemoteEmbedder(s, {}).embed(texts(3), nullptr);
        EXPECT_ERROR_WITH(result, "has dimension 8, expected 16 (the requested dimensions)");
    }

    void dimensionDiffersFromCache()
    {
        std::atomic<int> dim = 8;
        HttpTestServer server([&](const HttpRequest &request) { return embeddingsAnswer(inputCount(request), dim); });
        QVERIFY(server.isListening());
        QTemporaryDir dir;
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.cacheDir = dir.path();
        const auto first = net::RemoteEmbedder(s, {}).embed({"a", "b"}, nullptr);
        QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
        // The server now answers another dimension, for texts the cache does not hold.
        dim = 12;
        const auto second = net::RemoteEmbedder(s, {}).embed({"c", "d"}, nullptr);
        EXPECT_ERROR_WITH(second, "has dimension 12, expected 8 (the dimension of the vectors in the cache");
        auto cache = net::EmbeddingCache::open(dir.path(), {net::normalizedApiBaseUrl(s.baseUrl), s.model, 0},
                                               net::EmbeddingCache::Mode::ReadOnly);
        QVERIFY(cache.ok());
        QCOMPARE((*cache)->dim(), int64_t(8));
        QCOMPARE((*cache)->size(), int64_t(2));
    }

    void dimensionDiffersFromFirstAnswer()
    {
        std::atomic<int> answered = 0;
        HttpTestServer server([&](const HttpRequest &request) {
            return embeddingsAnswer(inputCount(request), answered++ == 0 ? 8 : 12);
        });
        QVERIFY(server.isListening());
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.maxBatchItems = 1;
        s.maxInFlight = 1;
        const auto result = net::RemoteEmbedder(s, {}).embed(texts(2), nullptr);
        EXPECT_ERROR_WITH(result, "has dimension 12, expected 8 (the dimension of the job's first answer)");
    }

    // A dimension within the limit that would need more than the computer's memory for the
    // job's rows (repeats of one text: one request) is an error, not an allocation (before:
    // std::bad_alloc, uncaught).
    void jobLargerThanMemory()
    {
        const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || pageSize <= 0)
            QSKIP("the system does not say how much memory it has");
        const int64_t rowBytes = net::kMaxEmbeddingDim * int64_t(sizeof(float));
        const int64_t rows = int64_t(pages) * pageSize / rowBytes + 1;
        HttpTestServer server([](const HttpRequest &) { return embeddingsAnswer(1, net::kMaxEmbeddingDim); });
        QVERIFY(server.isListening());
        const std::vector<std::string> repeated(size_t(rows), "the same text");
        PeakMemory peak;
        const auto result = net::RemoteEmbedder(embedderSettings(server), {}).embed(repeated, nullptr);
        EXPECT_ERROR_WITH(result, std::to_string(rows) + " vectors of dimension 65536 (the dimension of the first "
                                                         "answer) would take");
        EXPECT_ERROR_WITH(result, "more than this computer's");
        QCOMPARE(server.requests().size(), size_t(1));
        EXPECT_PEAK_BELOW(peak, 64 * kMiB);
    }

    // ---- numbers ------------------------------------------------------------------------------

    // retry-after-ms of 1e30 or inf waits the cap (maxRetryAfterMs); NaN is ignored (backoff).
    void absurdRetryAfterMs_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("capped");
        QTest::newRow("1e30") << QByteArray("1e30") << true;
        QTest::newRow("inf") << QByteArray("inf") << true;
        QTest::newRow("nan") << QByteArray("nan") << false;
    }

    void absurdRetryAfterMs()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, capped);
        std::atomic<int> answered = 0;
        HttpTestServer server([&](const HttpRequest &request) {
            if (answered++ > 0)
                return embeddingsAnswer(inputCount(request), 4);
            HttpResponse busy;
            busy.status = 429;
            busy.body = R"({"error":{"message":"slow down"}})";
            busy.headers.append({"retry-after-ms", value});
            return busy;
        });
        QVERIFY(server.isListening());
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.maxRetryAfterMs = 1500;
        QElapsedTimer clock;
        clock.start();
        net::RemoteEmbedder embedder(s, {});
        const auto result = embedder.embed(texts(2), nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(embedder.lastStats().retries, int64_t(1));
        if (capped)
            QVERIFY2(clock.elapsed() >= 1450 && clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        else
            QVERIFY2(clock.elapsed() < 1400, qPrintable(QString::number(clock.elapsed())));
    }

    // usage.total_tokens of 1e30 is clamped to kMaxServerTokens, -1 counts as absent, and
    // 1e999 (infinity; JSON has no other way to write it) makes the answer invalid JSON.
    void absurdTotalTokens_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("reported"); // -2: the job fails
        QTest::newRow("1e30") << QByteArray("1e30") << qint64(net::kMaxServerTokens);
        QTest::newRow("inf") << QByteArray("1e999") << qint64(-2);
        QTest::newRow("-1") << QByteArray("-1") << qint64(-1);
    }

    void absurdTotalTokens()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, reported);
        HttpTestServer server([&](const HttpRequest &request) {
            return embeddingsAnswer(inputCount(request), 4, value);
        });
        QVERIFY(server.isListening());
        net::RemoteEmbedderSettings s = embedderSettings(server);
        s.maxBatchItems = 1;
        net::RemoteEmbedder embedder(s, {});
        const auto result = embedder.embed(texts(3), nullptr);
        if (reported == -2) {
            EXPECT_ERROR_WITH(result, "malformed embeddings response: not JSON");
            return;
        }
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(embedder.lastStats().reportedTokens, reported == -1 ? int64_t(-1) : 3 * int64_t(reported));
    }

    void absurdChatTotalTokens_data() { absurdTotalTokens_data(); }

    void absurdChatTotalTokens()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, reported);
        HttpTestServer server([&](const HttpRequest &) { return chatAnswer(value); });
        QVERIFY(server.isListening());
        net::LlmQueryGenerator generator(chatSettings(server), {});
        const auto result = generator.generate(oneDocument(), nullptr);
        if (reported == -2) {
            EXPECT_ERROR_WITH(result, "the answer is not a JSON object");
            return;
        }
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(result->queries.size(), size_t(2));
        QCOMPARE(generator.lastStats().reportedTokens, int64_t(reported));
    }
};

QTEST_GUILESS_MAIN(TestRemoteHostile)
#include "test_remote_hostile.moc"
