// app/net/dataset_download against the loopback HTTP server (tests/support/http_test_server):
// a zip served whole (SHA-256 recorded, extracted), a truncated copy detected by its checksum
// and, without a checksum, by the archive failing to open; HTTP errors; an unreachable port
// (offline) with a clear message; cancel; the BEIR URL.

#include "dataset_download.h"

#include "data/zip_archive.h"
#include "support/http_test_server.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <zip.h>

using embtune::net::DatasetDownload;
using embtune::test::HttpRequest;
using embtune::test::HttpResponse;
using embtune::test::HttpTestServer;

namespace {

// A small BEIR-like archive built with libzip.
QByteArray makeZip(const QString &dir)
{
    const QString path = dir + QStringLiteral("/tiny.zip");
    int code = 0;
    zip_t *archive = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!archive)
        return {};
    static const std::string corpus = [] {
        std::string text;
        for (int i = 0; i < 2000; ++i)
            text += "{\"_id\": \"d" + std::to_string(i) + "\", \"title\": \"t\", \"text\": \"document number " +
                    std::to_string(i * 7919 % 10007) + "\"}\n";
        return text;
    }();
    static const std::string queries = "{\"_id\": \"q1\", \"text\": \"number\"}\n";
    zip_file_add(archive, "tiny/corpus.jsonl", zip_source_buffer(archive, corpus.data(), corpus.size(), 0), 0);
    zip_file_add(archive, "tiny/queries.jsonl", zip_source_buffer(archive, queries.data(), queries.size(), 0), 0);
    if (zip_close(archive) != 0)
        return {};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

DatasetDownload::Result runDownload(DatasetDownload &download, const QUrl &url, const QString &destination,
                                    const QByteArray &sha = {}, int timeoutMs = 30000)
{
    QSignalSpy spy(&download, &DatasetDownload::finished);
    if (!download.start(url, destination, sha, timeoutMs))
        return {};
    if (!spy.wait(20000) || spy.size() != 1)
        return {};
    return spy.at(0).at(0).value<DatasetDownload::Result>();
}

} // namespace

class TestDatasetDownload : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void beirUrl();
    void downloadsAndRecordsChecksum();
    void truncatedDetectedByChecksum();
    void truncatedWithoutChecksumFailsToOpen();
    void httpError();
    void offline();
    void cancel();

private:
    QTemporaryDir m_tmp;
    QByteArray m_zip;
};

void TestDatasetDownload::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_zip = makeZip(m_tmp.path());
    QVERIFY(m_zip.size() > 1000);
}

void TestDatasetDownload::beirUrl()
{
    QCOMPARE(DatasetDownload::beirDatasetUrl(QStringLiteral("scifact")).toString(),
             QStringLiteral("https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip"));
    QVERIFY(DatasetDownload::isValidDatasetName(QStringLiteral("trec-covid")));
    QVERIFY(!DatasetDownload::isValidDatasetName(QStringLiteral("../x")));
    QVERIFY(!DatasetDownload::isValidDatasetName(QStringLiteral("a/b")));
    QVERIFY(!DatasetDownload::isValidDatasetName(QString()));
    QVERIFY(DatasetDownload::beirDatasetNames().contains(QStringLiteral("scifact")));
}

void TestDatasetDownload::downloadsAndRecordsChecksum()
{
    const QByteArray zip = m_zip;
    HttpTestServer server([zip](const HttpRequest &) {
        HttpResponse response;
        response.contentType = "application/zip";
        response.body = zip;
        return response;
    });
    QVERIFY(server.isListening());
    DatasetDownload download;
    QSignalSpy progress(&download, &DatasetDownload::progressed);
    const QString destination = m_tmp.filePath(QStringLiteral("whole/tiny.zip"));
    const QByteArray sha = QCryptographicHash::hash(zip, QCryptographicHash::Sha256).toHex();
    const DatasetDownload::Result result =
        runDownload(download, server.baseUrl().resolved(QUrl(QStringLiteral("/tiny.zip"))), destination, sha);
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.file, destination);
    QCOMPARE(result.bytes, qint64(zip.size()));
    QCOMPARE(result.sha256, sha);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(zip.size()));
    QVERIFY(!QFile::exists(destination + QStringLiteral(".part")));
    QFile file(destination);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), zip);
    auto written = embtune::engine::extractZip(destination.toStdString(), m_tmp.filePath(QStringLiteral("whole/out")).toStdString());
    QVERIFY2(written, written ? "" : written.error().toString().c_str());
    QCOMPARE(written->size(), size_t(2));
}

void TestDatasetDownload::truncatedDetectedByChecksum()
{
    const QByteArray truncated = m_zip.left(m_zip.size() * 2 / 3);
    HttpTestServer server([truncated](const HttpRequest &) {
        HttpResponse response;
        response.contentType = "application/zip";
        response.body = truncated;
        return response;
    });
    DatasetDownload download;
    const QString destination = m_tmp.filePath(QStringLiteral("cut/tiny.zip"));
    const QByteArray expected = QCryptographicHash::hash(m_zip, QCryptographicHash::Sha256).toHex();
    const DatasetDownload::Result result =
        runDownload(download, server.baseUrl().resolved(QUrl(QStringLiteral("/tiny.zip"))), destination, expected);
    QCOMPARE(result.outcome, DatasetDownload::Outcome::Failed);
    QVERIFY2(result.message.contains(QStringLiteral("checksum mismatch")), qPrintable(result.message));
    QVERIFY2(result.message.contains(QString::fromLatin1(expected)), qPrintable(result.message));
    QCOMPARE(result.sha256, QCryptographicHash::hash(truncated, QCryptographicHash::Sha256).toHex());
    QVERIFY(!QFile::exists(destination));
    QVERIFY(!QFile::exists(destination + QStringLiteral(".part")));
}

void TestDatasetDownload::truncatedWithoutChecksumFailsToOpen()
{
    const QByteArray truncated = m_zip.left(m_zip.size() / 2);
    HttpTestServer server([truncated](const HttpRequest &) {
        HttpResponse response;
        response.body = truncated;
        return response;
    });
    DatasetDownload download;
    const QString destination = m_tmp.filePath(QStringLiteral("cut2/tiny.zip"));
    const DatasetDownload::Result result =
        runDownload(download, server.baseUrl().resolved(QUrl(QStringLiteral("/tiny.zip"))), destination);
    // Without a known checksum the transfer itself looks complete; its SHA-256 is recorded and
    // the archive refuses to open.
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.sha256, QCryptographicHash::hash(truncated, QCryptographicHash::Sha256).toHex());
    auto written = embtune::engine::extractZip(destination.toStdString(), m_tmp.filePath(QStringLiteral("cut2/out")).toStdString());
    QVERIFY(!written);
    QVERIFY2(QString::fromStdString(written.error().message).contains(QStringLiteral("not a readable zip archive")),
             written.error().toString().c_str());
}

void TestDatasetDownload::httpError()
{
    HttpTestServer server([](const HttpRequest &) {
        HttpResponse response;
        response.status = 404;
        response.contentType = "text/html";
        response.body = "<html>Not Found</html>";
        return response;
    });
    DatasetDownload download;
    const QString destination = m_tmp.filePath(QStringLiteral("missing/nosuch.zip"));
    const DatasetDownload::Result result =
        runDownload(download, server.baseUrl().resolved(QUrl(QStringLiteral("/nosuch.zip"))), destination);
    QCOMPARE(result.outcome, DatasetDownload::Outcome::Failed);
    QVERIFY2(result.message.contains(QStringLiteral("HTTP 404")), qPrintable(result.message));
    QVERIFY(!QFile::exists(destination));
    QVERIFY(!QFile::exists(destination + QStringLiteral(".part")));
}

void TestDatasetDownload::offline()
{
    // A port nobody listens on: the connection is refused, as when offline.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    DatasetDownload download;
    const QString destination = m_tmp.filePath(QStringLiteral("offline/scifact.zip"));
    const DatasetDownload::Result result = runDownload(
        download, QUrl(QStringLiteral("http://127.0.0.1:%1/scifact.zip").arg(port)), destination, {}, 5000);
    QCOMPARE(result.outcome, DatasetDownload::Outcome::Failed);
    QVERIFY2(result.message.contains(QStringLiteral("cannot reach 127.0.0.1")), qPrintable(result.message));
    QVERIFY2(result.message.contains(QStringLiteral("offline")), qPrintable(result.message));
    QVERIFY(!QFile::exists(destination + QStringLiteral(".part")));
}

void TestDatasetDownload::cancel()
{
    const QByteArray zip = m_zip;
    HttpTestServer server([zip](const HttpRequest &) {
        HttpResponse response;
        response.body = zip;
        response.delayMs = 1500;
        return response;
    });
    DatasetDownload download;
    QSignalSpy spy(&download, &DatasetDownload::finished);
    const QString destination = m_tmp.filePath(QStringLiteral("cancel/tiny.zip"));
    QVERIFY(download.start(server.baseUrl().resolved(QUrl(QStringLiteral("/tiny.zip"))), destination));
    QVERIFY(download.isRunning());
    QVERIFY(!download.start(server.baseUrl(), destination)); // one at a time
    QTest::qWait(100);
    download.cancel();
    QVERIFY(spy.size() == 1 || spy.wait(5000)); // abort() may report at once
    QCOMPARE(spy.size(), 1);
    const auto result = spy.at(0).at(0).value<DatasetDownload::Result>();
    QCOMPARE(result.outcome, DatasetDownload::Outcome::Cancelled);
    QVERIFY(!download.isRunning());
    QVERIFY(!QFile::exists(destination));
    QVERIFY(!QFile::exists(destination + QStringLiteral(".part")));
}

QTEST_GUILESS_MAIN(TestDatasetDownload)
#include "test_dataset_download.moc"
