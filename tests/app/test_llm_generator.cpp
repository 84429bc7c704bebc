// LlmQueryGenerator against a real local HTTP/1.1 server (support/http_test_server.h) speaking
// the OpenAI chat completions protocol: normal answers, 429 with Retry-After, malformed output
// (loose formatting, too few lines, a body that is not a chat completion), a time-out, cancel
// then resume from the cache with no repeated request, and that the API key never shows up in
// files or errors. Also the pure parts: question parsing and prompt rendering.

#include "chat_protocol.h"
#include "llm_query_generator.h"

#include "support/fixtures.h"
#include "support/http_test_server.h"
#include "synth/synthetic_set.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <mutex>

using embtune::test::HttpRequest;
using embtune::test::HttpResponse;
using embtune::test::HttpTestServer;
namespace engine = embtune::engine;
namespace net = embtune::net;

namespace {

const QString kSecret = QStringLiteral("sk-test-LLM-SECRET-42");
const QString kTemplate = QStringLiteral("DOC<{title}> {n} questions about: {text}");

engine::Dataset fourDocuments()
{
    engine::Dataset d;
    for (int i = 1; i <= 4; ++i) {
        const std::string n = std::to_string(i);
        (void)d.docIds.add(std::string("d").append(n));
        d.docs.push_back({std::string("T").append(n), std::string("text of document number ").append(n)});
    }
    return d;
}

// The title the prompt was rendered for ("T3"), from the request body.
QString titleOf(const HttpRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString prompt = body.value("messages").toArray().at(0).toObject().value("content").toString();
    const int open = prompt.indexOf("DOC<"), close = prompt.indexOf('>');
    return open < 0 || close < 0 ? QString() : prompt.mid(open + 4, close - open - 4);
}

HttpResponse chatAnswer(const QString &content)
{
    const QJsonObject message{{"role", "assistant"}, {"content", content}};
    const QJsonObject body{{"choices", QJsonArray{QJsonObject{{"index", 0}, {"message", message}}}},
                           {"usage", QJsonObject{{"total_tokens", 50}}}};
    HttpResponse response;
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return response;
}

// Loosely formatted: a preamble, numbering, bullets, quotes, blank lines and one line too many.
HttpResponse looseAnswer(const QString &title)
{
    return chatAnswer(QStringLiteral("Here are the questions:\n\n1. What is %1?\n  - \"Why does %1 matter?\"\n"
                                     "3) How was %1 measured?\n")
                          .arg(title));
}

net::LlmGeneratorSettings settingsFor(const HttpTestServer &server)
{
    net::LlmGeneratorSettings s;
    s.baseUrl = server.baseUrl().toString() + "/v1/";
    s.model = QStringLiteral("test-chat");
    s.promptTemplate = kTemplate;
    s.questionsPerDocument = 2;
    s.maxInFlight = 1;
    s.timeoutMs = 5000;
    s.initialBackoffMs = 10;
    s.maxBackoffMs = 50;
    s.progressIntervalMs = 20;
    return s;
}

} // namespace

class TestLlmGenerator : public QObject {
    Q_OBJECT

    void expectNoSecretIn(const QString &dir)
    {
        QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(kSecret.toUtf8()), qPrintable(file.fileName()));
        }
    }

private slots:
    void parsesQuestionsRobustly()
    {
        const std::string content = "Sure! Here are 4 questions:\n\n1. First?\n2) Second?\n(3) \"Third?\"\n"
                                    "- Fourth?\n* Fourth?\nQ5: Fifth?\n\xE2\x80\xA2 Sixth?\n";
        const std::vector<std::string> expected{"First?", "Second?", "Third?", "Fourth?", "Fifth?", "Sixth?"};
        QCOMPARE(net::parseQuestionLines(content, 10), expected);
        QCOMPARE(net::parseQuestionLines(content, 2).size(), size_t(2));
        QVERIFY(net::parseQuestionLines("\n \n", 3).empty());
        QCOMPARE(net::parseQuestionLines("2019 was a year?", 1).front(), std::string("2019 was a year?"));
        QCOMPARE(net::parseQuestionLines("Question 1: What is X?", 1).front(), std::string("What is X?"));
    }

    void rendersPrompts()
    {
        auto p = net::renderQuestionPrompt("{n}:{title}:{text}:{n}", "T", "body", 3);
        QVERIFY(p.ok());
        QCOMPARE(*p, QStringLiteral("3:T:body:3"));
        QVERIFY(!net::renderQuestionPrompt("no placeholder", "T", "x", 1).ok());
        const QString def = net::defaultQuestionPrompt();
        QVERIFY(def.contains("{text}") && def.contains("{n}") && def.contains("{title}"));
    }

    void normalAnswers()
    {
        HttpTestServer server([](const HttpRequest &r) { return looseAnswer(titleOf(r)); });
        QVERIFY(server.isListening());
        QTemporaryDir dir;
        auto s = settingsFor(server);
        s.cacheDir = dir.path() + "/cache";
        net::LlmQueryGenerator generator(s, net::ApiKey::fromString(kSecret));
        QVERIFY(generator.validate().ok());
        const engine::Dataset dataset = fourDocuments();
        auto estimate = generator.estimate(dataset);
        QVERIFY(estimate.ok());
        QCOMPARE(estimate->requests, int64_t(4));
        QVERIFY(estimate->estimatedTokens > 0);
        QVERIFY(!estimate->needsConfirmation(0)); // no price: never asks

        auto set = generator.generate(dataset, nullptr);
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        QCOMPARE(set->queries.size(), size_t(8));
        QCOMPARE(set->queries[0].id, std::string("llm:d1:0"));
        QCOMPARE(set->queries[0].text, std::string("What is T1?"));
        QCOMPARE(set->queries[3].text, std::string("Why does T2 matter?"));
        QCOMPARE(set->queries[3].doc, 1);
        QCOMPARE(generator.lastStats().requests, int64_t(4));
        QCOMPARE(generator.lastStats().reportedTokens, int64_t(200));
        const auto requests = server.requests();
        QCOMPARE(requests.front().target, QByteArray("/v1/chat/completions"));
        QCOMPARE(requests.front().header("authorization"), "Bearer " + kSecret.toUtf8());
        const QJsonObject body = QJsonDocument::fromJson(requests.front().body).object();
        QCOMPARE(body.value("model").toString(), QStringLiteral("test-chat"));
        QVERIFY(body.value("messages").toArray().at(0).toObject().value("content").toString().contains(
            "2 questions about: text of document number 1"));

        // The set survives a write and read back; nothing of the key anywhere on disk.
        QVERIFY(engine::writeSyntheticSet(*set, dataset, (dir.path() + "/set").toStdString()).ok());
        auto back = engine::readSyntheticSet((dir.path() + "/set").toStdString(), dataset);
        QVERIFY(back.ok());
        QCOMPARE(back->queries.size(), set->queries.size());
        QCOMPARE(back->generator, std::string("llm"));
        expectNoSecretIn(dir.path());

        // A price makes a confirmation necessary above the threshold; the cache makes it free.
        s.pricePerMillionTokens = 1e6;
        net::LlmQueryGenerator priced(s, net::ApiKey());
        auto cached = priced.estimate(dataset);
        QVERIFY(cached.ok());
        QCOMPARE(cached->cachedDocuments, int64_t(4));
        QVERIFY(!cached->needsConfirmation(0.5));
        s.cacheDir.clear();
        auto fresh = net::LlmQueryGenerator(s, net::ApiKey()).estimate(dataset);
        QVERIFY(fresh->needsConfirmation(0.5));
    }

    void retriesAfter429()
    {
        std::mutex mutex;
        int calls = 0;
        HttpTestServer server([&](const HttpRequest &r) {
            std::lock_guard lock(mutex);
            if (++calls == 1) {
                HttpResponse busy;
                busy.status = 429;
                busy.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
                busy.body = R"({"error": {"message": "slow down"}})";
                return busy;
            }
            return looseAnswer(titleOf(r));
        });
        net::LlmQueryGenerator generator(settingsFor(server), net::ApiKey());
        QElapsedTimer clock;
        clock.start();
        auto set = generator.generate(fourDocuments(), nullptr);
        QVERIFY(set.ok());
        QCOMPARE(set->queries.size(), size_t(8));
        QCOMPARE(generator.lastStats().retries, int64_t(1));
        QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));
    }

    void malformedOutput()
    {
        // Too few usable lines: kept, counted as short.
        HttpTestServer sparse([](const HttpRequest &r) {
            return chatAnswer(QStringLiteral("\n\n**1. Only %1?**\n\n").arg(titleOf(r)));
        });
        net::LlmQueryGenerator generator(settingsFor(sparse), net::ApiKey());
        auto set = generator.generate(fourDocuments(), nullptr);
        QVERIFY(set.ok());
        QCOMPARE(set->queries.size(), size_t(4));
        QCOMPARE(set->queries[1].text, std::string("Only T2?"));
        QCOMPARE(generator.lastStats().shortAnswers, int64_t(4));

        // A 200 answer that is not a chat completion fails the job with a clear message.
        HttpTestServer junk([](const HttpRequest &) {
            HttpResponse response;
            response.body = "<html>gateway</html>";
            return response;
        });
        auto failed = net::LlmQueryGenerator(settingsFor(junk), net::ApiKey::fromString(kSecret))
                          .generate(fourDocuments(), nullptr);
        QVERIFY(!failed.ok());
        QVERIFY2(QString::fromStdString(failed.error().message).contains("not a JSON object"),
                 failed.error().message.c_str());
        QVERIFY(!QString::fromStdString(failed.error().toString()).contains(kSecret));

        // An error body that echoes the key: the message is scrubbed.
        HttpTestServer echo([](const HttpRequest &r) {
            HttpResponse denied;
            denied.status = 401;
            denied.body = R"({"error": {"message": "bad key )" + r.header("authorization") + R"("}})";
            return denied;
        });
        auto refused = net::LlmQueryGenerator(settingsFor(echo), net::ApiKey::fromString(kSecret))
                           .generate(fourDocuments(), nullptr);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("401") != std::string::npos, refused.error().message.c_str());
        QVERIFY(!QString::fromStdString(refused.error().toString()).contains(kSecret));
    }

    void retriesAfterTimeout()
    {
        std::mutex mutex;
        int calls = 0;
        HttpTestServer server([&](const HttpRequest &r) {
            std::lock_guard lock(mutex);
            HttpResponse response = looseAnswer(titleOf(r));
            if (++calls == 1)
                response.delayMs = 2000;
            return response;
        });
        auto s = settingsFor(server);
        s.timeoutMs = 300;
        net::LlmQueryGenerator generator(s, net::ApiKey());
        auto set = generator.generate(fourDocuments(), nullptr);
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        QCOMPARE(set->queries.size(), size_t(8));
        QCOMPARE(generator.lastStats().retries, int64_t(1));

        s.maxAttempts = 1; // every answer late, one attempt: the job fails naming the time-out
        HttpTestServer slow([](const HttpRequest &r) {
            HttpResponse response = looseAnswer(titleOf(r));
            response.delayMs = 1000;
            return response;
        });
        s.baseUrl = slow.baseUrl().toString();
        auto failed = net::LlmQueryGenerator(s, net::ApiKey()).generate(fourDocuments(), nullptr);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.find("within 300 ms") != std::string::npos, failed.error().message.c_str());
    }

    void cancelThenResumeWithoutRepeats()
    {
        std::mutex mutex;
        std::map<QString, int> perDocument;
        HttpTestServer server([&](const HttpRequest &r) {
            std::lock_guard lock(mutex);
            ++perDocument[titleOf(r)];
            return looseAnswer(titleOf(r));
        });
        QTemporaryDir dir;
        auto s = settingsFor(server);
        s.cacheDir = dir.path();
        const engine::Dataset dataset = fourDocuments();
        net::LlmQueryGenerator generator(s, net::ApiKey::fromString(kSecret));
        engine::Progress stopAfterTwo([](const engine::ProgressEvent &e) { return e.done < 2; });
        auto cancelled = generator.generate(dataset, &stopAfterTwo);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, engine::ErrorCode::Cancelled);
        const size_t sentBefore = server.requests().size();
        QVERIFY(sentBefore >= 2 && sentBefore < 4);

        auto resumed = generator.generate(dataset, nullptr);
        QVERIFY(resumed.ok());
        QCOMPARE(resumed->queries.size(), size_t(8));
        QVERIFY(generator.lastStats().cachedDocuments >= 2);
        for (const auto &[title, count] : perDocument)
            QVERIFY2(count == 1, qPrintable(title + " asked " + QString::number(count) + " times"));
        QCOMPARE(perDocument.size(), size_t(4));
        expectNoSecretIn(dir.path());
    }

    void validation()
    {
        net::LlmGeneratorSettings s;
        s.baseUrl = QStringLiteral("http://example.com");
        QCOMPARE(net::LlmQueryGenerator(s, net::ApiKey::fromString(kSecret)).validate().error().code,
                 engine::ErrorCode::Usage); // a key over plain http to a remote host
        s.promptTemplate = QStringLiteral("no text placeholder");
        QVERIFY(!net::LlmQueryGenerator(s, net::ApiKey()).validate().ok());
        s.promptTemplate.clear();
        s.questionsPerDocument = 0;
        QVERIFY(!net::LlmQueryGenerator(s, net::ApiKey()).validate().ok());
    }
};

QTEST_GUILESS_MAIN(TestLlmGenerator)
#include "test_llm_generator.moc"
