// BEIR reader: a good fixture, id semantics, float scores, split files, and every bad input
// named in the foundation issue (each error names the file and the line).

#include "data/beir_reader.h"
#include "support/fixtures.h"

#include <QtTest>

using namespace embtune::engine;
using namespace embtune::test;

class TestBeirReader : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_case = 0;

    std::filesystem::path freshCopy()
    {
        const auto dir = path(m_dir) / ("case" + std::to_string(++m_case));
        writeTinyBeir(dir);
        return dir;
    }
    void expectError(const std::filesystem::path &dir, const char *needle, const std::string &file, int64_t line)
    {
        auto result = readBeirDataset(dir.string());
        QVERIFY(!result.ok());
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(QString::fromStdString(result.error().file).endsWith(QString::fromStdString(file)), qPrintable(message));
        QCOMPARE(result.error().line, line);
        QCOMPARE(exitCodeFor(result.error()), 1);
    }

private slots:
    void readsTinyDataset()
    {
        LoadReport report;
        auto ds = readBeirDataset(freshCopy().string(), &report);
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().toString().c_str());
        QCOMPARE(ds->docCount(), 5);
        QCOMPARE(ds->queryCount(), 3);
        QCOMPARE(ds->docs[0].title, std::string("Alpha"));
        QCOMPARE(ds->docs[3].title, std::string(""));
        QCOMPARE(ds->docs[4].text, std::string("epsilon \"quoted\" text"));
        const Qrels *test = ds->split("test");
        QVERIFY(test);
        QCOMPARE(test->queries.size(), size_t(3));
        QCOMPARE(test->queriesWithRelevant(), 2);
        QCOMPARE(test->find(0)->gainOf(0), 2);
        QCOMPARE(test->find(0)->relevantCount(), 2);
        QVERIFY(report.warnings.empty());
        QCOMPARE(ds->splitNames(), std::vector<std::string>{"test"});
    }

    void idsAreExactStrings()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "{\"_id\": \"007\", \"text\": \"a\"}\n{\"_id\": \"7\", \"text\": \"b\"}\n"
                                        "{\"_id\": 8, \"text\": \"numeric id\"}\r\n\n   \n");
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\t7\t1\nq1\t8\t1\n");
        auto ds = readBeirDataset(dir.string());
        QVERIFY(ds.ok());
        QCOMPARE(ds->docCount(), 3);
        QCOMPARE(ds->docIds.find("007"), 0);
        QCOMPARE(ds->docIds.find("7"), 1);
        QCOMPARE(ds->docIds.find("8"), 2);
        QCOMPARE(ds->split("test")->find(0)->judged.size(), size_t(2));
        QCOMPARE(ds->split("test")->find(0)->judged[0].doc, 1);
    }

    void linesLongerThanTheReadChunk()
    {
        // The reader streams 8 MiB chunks: a 9 MiB line forces the buffer to grow, and the many
        // short lines after it cross chunk boundaries. No trailing newline on the last line.
        const auto dir = freshCopy();
        std::string corpus = "{\"_id\": \"big\", \"text\": \"" + std::string(9 << 20, 'x') + "\"}\n";
        for (int i = 0; i < 100000; ++i)
            corpus += "{\"_id\": \"d" + std::to_string(i) + "\", \"text\": \"t " + std::to_string(i) + "\"}\n";
        corpus += "{\"_id\": \"last\", \"text\": \"end\"}";
        writeText(dir / "corpus.jsonl", corpus);
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\tlast\t1\n");
        auto ds = readBeirDataset(dir.string());
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().toString().c_str());
        QCOMPARE(ds->docCount(), 100002);
        QCOMPARE(ds->docs[0].text.size(), size_t(9 << 20));
        QCOMPARE(ds->docs[size_t(ds->docIds.find("d99999"))].text, std::string("t 99999"));
        QCOMPARE(ds->docs.back().text, std::string("end"));
        // An error after the long line still names the right line.
        writeText(dir / "corpus.jsonl", corpus.substr(0, corpus.rfind('\n') + 1) + "{broken\n");
        expectError(dir, "malformed JSON", "corpus.jsonl", 100002); // replaces the last line
    }

    void floatScoresAreRoundedWithWarning()
    {
        const auto dir = freshCopy();
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1.6\nq2\td2\t1.0\n");
        LoadReport report;
        auto ds = readBeirDataset(dir.string(), &report);
        QVERIFY(ds.ok());
        QCOMPARE(ds->split("test")->find(0)->gainOf(0), 2);
        QCOMPARE(ds->split("test")->find(1)->gainOf(1), 1);
        QCOMPARE(report.roundedScores, int64_t(1));
        QCOMPARE(report.warnings.size(), size_t(1));
    }

    void trecQrelsWithoutHeader()
    {
        const auto dir = freshCopy();
        writeText(dir / "qrels" / "dev.tsv", "q1 0 d1 1\nq2 0 d2 2\n");
        auto ds = readBeirDataset(dir.string());
        QVERIFY(ds.ok());
        QCOMPARE(ds->split("dev")->find(1)->gainOf(1), 2);
        QCOMPARE(ds->splitNames().size(), size_t(2));
    }

    void unknownIdsInQrelsAreSkippedCountedReported()
    {
        const auto dir = freshCopy();
        writeText(dir / "qrels" / "test.tsv",
                  "query-id\tcorpus-id\tscore\nq1\td1\t1\nq9\td1\t1\nq1\tzz\t1\nq2\td2\t1\n");
        LoadReport report;
        auto ds = readBeirDataset(dir.string(), &report);
        QVERIFY(ds.ok());
        QCOMPARE(report.skippedQrels, int64_t(2));
        QCOMPARE(report.warnings.size(), size_t(1));
        QVERIFY(QString::fromStdString(report.warnings[0]).contains("line 3"));
        QVERIFY(QString::fromStdString(report.warnings[0]).contains("test.tsv"));
        QCOMPARE(ds->split("test")->judgementCount(), int64_t(2));
    }

    void splitFiles()
    {
        const auto dir = freshCopy();
        auto ds = readBeirDataset(dir.string());
        QVERIFY(ds.ok());
        writeText(dir / "splits" / "dev.txt", "q2\n\nq1\nq2\n");
        auto ids = readQueryIdList((dir / "splits" / "dev.txt").string(), *ds);
        QVERIFY(ids.ok());
        QCOMPARE(*ids, (std::vector<int32_t>{1, 0}));
        const Qrels merged = ds->judgementsFor(*ids);
        QCOMPARE(merged.queries.size(), size_t(2));
        QCOMPARE(merged.find(0)->gainOf(0), 2);
        writeText(dir / "splits" / "bad.txt", "q1\nnope\n");
        auto bad = readQueryIdList((dir / "splits" / "bad.txt").string(), *ds);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().line, int64_t(2));
        QVERIFY(QString::fromStdString(bad.error().message).contains("nope"));
    }

    void malformedJsonLine()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"ok\"}\n{\"_id\": \"d2\", \"text\": \"no end}\n");
        expectError(dir, "malformed JSON", "corpus.jsonl", 2);
    }
    void notAnObject()
    {
        const auto dir = freshCopy();
        writeText(dir / "queries.jsonl", "[1, 2]\n");
        expectError(dir, "not a JSON object", "queries.jsonl", 1);
    }
    void missingId()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"ok\"}\n\n{\"id\": \"d2\", \"text\": \"x\"}\n");
        expectError(dir, "no \"_id\"", "corpus.jsonl", 3);
    }
    void duplicateDocumentId()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n");
        expectError(dir, "duplicate document id \"d1\"", "corpus.jsonl", 2);
    }
    void duplicateQueryId()
    {
        const auto dir = freshCopy();
        writeText(dir / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a\"}\n{\"_id\": \"q1\", \"text\": \"b\"}\n");
        expectError(dir, "duplicate query id \"q1\"", "queries.jsonl", 2);
    }
    void wrongFieldType()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": 5}\n");
        expectError(dir, "\"text\" is not a string", "corpus.jsonl", 1);
    }
    void emptyCorpus()
    {
        const auto dir = freshCopy();
        writeText(dir / "corpus.jsonl", "\n\n");
        expectError(dir, "no corpus records", "corpus.jsonl", -1);
    }
    void qrelsNonNumericScore()
    {
        const auto dir = freshCopy();
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\thigh\n");
        expectError(dir, "is not a number", "test.tsv", 2);
    }
    void qrelsWrongFieldCount()
    {
        const auto dir = freshCopy();
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\n");
        expectError(dir, "expected 3 tab-separated fields", "test.tsv", 2);
    }
    void notABeirFolder()
    {
        const auto dir = path(m_dir) / "empty";
        std::filesystem::create_directories(dir);
        expectError(dir, "no corpus.jsonl", "empty", -1);
        auto missing = readBeirDataset((path(m_dir) / "nope").string());
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Io);
    }
    void cancelStopsLoading()
    {
        Progress progress([](const ProgressEvent &) { return false; });
        auto ds = readBeirDataset(freshCopy().string(), nullptr, &progress);
        QVERIFY(!ds.ok());
        QCOMPARE(ds.error().code, ErrorCode::Cancelled);
    }

    void sharedScifactCounts()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        LoadReport report;
        auto ds = readBeirDataset(dir.toStdString(), &report);
        QVERIFY(ds.ok());
        QCOMPARE(ds->docCount(), 5183);
        QCOMPARE(ds->queryCount(), 1109);
        QCOMPARE(ds->split("test")->queries.size(), size_t(300));
        QCOMPARE(ds->split("train")->queries.size(), size_t(809));
        auto train = readQueryIdList((dir + "/splits/train.txt").toStdString(), *ds);
        QVERIFY(train.ok());
        QCOMPARE(train->size(), size_t(648));
    }
};

QTEST_APPLESS_MAIN(TestBeirReader)
#include "test_beir_reader.moc"
