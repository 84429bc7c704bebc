// embtune-cli embed --embedder openai against a real local HTTP server speaking the embeddings
// protocol: the output set, the cache on a second run (no request sent again), cost
// confirmation, a server error, and the API key appearing in no file written.

#include "support/cli_run.h"
#include "support/fixtures.h"
#include "support/http_test_server.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>

using namespace embtune::test;

namespace {

const char kKey[] = "sk-cli-SECRET-4242";

// A deterministic 3-d vector for a text.
QJsonArray vectorFor(const QString &text)
{
    const double a = double(text.size()), b = double(text.count('a') + 1), c = 1.0;
    const double norm = std::sqrt(a * a + b * b + c * c);
    return QJsonArray{a / norm, b / norm, c / norm};
}

} // namespace

class TestCliRemote : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::atomic<int> m_texts{0};
    std::atomic<bool> m_fail{false};
    std::atomic<bool> m_sawKey{true};

    HttpResponse handle(const HttpRequest &request)
    {
        if (request.header("authorization") != QByteArray("Bearer ") + kKey)
            m_sawKey = false;
        if (m_fail)
            return {400, {}, "application/json", R"({"error": {"message": "model not found"}})"};
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QJsonArray data;
        const QJsonArray input = body["input"].toArray();
        for (int i = 0; i < input.size(); ++i) {
            QJsonObject item{{"object", "embedding"}, {"index", i}};
            const QJsonArray v = vectorFor(input[i].toString());
            if (body["encoding_format"].toString() == "base64") {
                QByteArray bytes;
                for (const auto &x : v) {
                    const float f = float(x.toDouble());
                    bytes.append(reinterpret_cast<const char *>(&f), 4);
                }
                item["embedding"] = QString::fromLatin1(bytes.toBase64());
            } else {
                item["embedding"] = v;
            }
            data.append(item);
        }
        m_texts += int(input.size());
        const QJsonObject answer{{"object", "list"}, {"data", data}, {"model", body["model"]},
                                 {"usage", QJsonObject{{"prompt_tokens", 1}, {"total_tokens", 1}}}};
        return {200, {}, "application/json", QJsonDocument(answer).toJson(QJsonDocument::Compact)};
    }

    using Run = CliRun;
    static Run run(const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("EMBTUNE_TEST_KEY", kKey);
        return runCli(args, env, 60000);
    }
    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }

private slots:
    void embedsCachesAndNeverWritesTheKey()
    {
        HttpTestServer server([this](const HttpRequest &r) { return handle(r); });
        QVERIFY(server.isListening());
        writeTinyBeir(path(m_dir) / "beir");
        const QStringList args{"embed", "--embedder", "openai", "--base-url", server.baseUrl().toString(), "--model",
                               "test-model", "--dataset", p("beir"), "--api-key-env", "EMBTUNE_TEST_KEY", "--cache",
                               p("cache")};
        Run r = run(QStringList(args) << "--out" << p("out1"));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("openai model=test-model dim=3 docs=5 queries=3"), qPrintable(r.out + r.err));
        QVERIFY(m_sawKey);
        QCOMPARE(m_texts.load(), 8);
        // The set reads back and evaluates.
        r = run({"evaluate", "--dataset", p("beir"), "--embeddings", p("out1"), "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        // A second run is served from the cache: no text is sent again.
        r = run(QStringList(args) << "--out" << p("out2"));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(m_texts.load(), 8);
        QVERIFY2(r.out.contains("cached=8 sent=0"), qPrintable(r.out));
        // The key is in no file embtune wrote, nor in its output.
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(kKey), qPrintable(file.fileName()));
        }
        QVERIFY(!r.out.contains(kKey) && !r.err.contains(kKey));
    }

    void costConfirmationAndServerErrors()
    {
        HttpTestServer server([this](const HttpRequest &r) { return handle(r); });
        writeTinyBeir(path(m_dir) / "beir2");
        const QStringList args{"embed", "--embedder", "openai", "--base-url", server.baseUrl().toString(), "--model",
                               "m", "--dataset", p("beir2"), "--api-key-env", "EMBTUNE_TEST_KEY", "--no-cache",
                               "--out", p("out3")};
        Run r = run(QStringList(args) << "--price-per-mtok" << "1000000" << "--confirm-above" << "0.5");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("pass --yes"), qPrintable(r.err));
        r = run(QStringList(args) << "--price-per-mtok" << "1000000" << "--confirm-above" << "0.5" << "--yes");
        QCOMPARE(r.exitCode, 0);
        m_fail = true;
        r = run(args);
        m_fail = false;
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("400") && r.err.contains("model not found"), qPrintable(r.err));
        QVERIFY(!r.err.contains(kKey));
        QCOMPARE(run({"embed", "--embedder", "openai", "--dataset", p("beir2"), "--out", p("x")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliRemote)
#include "test_cli_remote.moc"
