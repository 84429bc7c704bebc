// embtune-cli as a user runs it: exit codes, messages naming file and line, table and JSON.

#include "support/fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace embtune::test;

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_case = 0;

    struct Run {
        int exitCode;
        QString out, err;
    };
    static Run run(const QStringList &args)
    {
        QProcess process;
        process.start(QStringLiteral(EMBTUNE_CLI_PATH), args);
        if (!process.waitForFinished(120000))
            return {-1, {}, "timeout"};
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }
    // A fresh fixture: BEIR folder DIR/beir and embeddings DIR/emb.
    std::filesystem::path fixture()
    {
        const auto dir = path(m_dir) / ("case" + std::to_string(++m_case));
        writeTinyBeir(dir / "beir");
        writeTinyEmbeddings(dir / "emb");
        return dir;
    }
    static QStringList evaluateArgs(const std::filesystem::path &dir)
    {
        return {"evaluate", "--dataset", QString::fromStdString((dir / "beir").string()), "--embeddings",
                QString::fromStdString((dir / "emb").string())};
    }
    void expectInputError(const std::filesystem::path &dir, const QString &needle)
    {
        const Run r = run(evaluateArgs(dir));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

private slots:
    void evaluatesFixture()
    {
        const auto dir = fixture();
        const QString json = QString::fromStdString((dir / "out.json").string());
        const Run r = run(evaluateArgs(dir) << "--k" << "1,3" << "--json" << json);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("nDCG"), qPrintable(r.out));
        QVERIFY2(r.err.contains("1 judged queries have no relevant document"), qPrintable(r.err));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(report["queries"].toInt(), 2);
        QCOMPARE(report["metrics"].toObject()["ndcg@3"].toDouble(), 1.0);
        QCOMPARE(report["excluded_no_relevant"].toInt(), 1);
    }

    void jsonToStdoutWithPerQuery()
    {
        const Run r = run(evaluateArgs(fixture()) << "--json" << "-" << "--per-query" << "--metrics" << "mrr" << "--k" << "1");
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["per_query"].toObject()["q1"].toObject()["mrr@1"].toDouble(), 1.0);
        QVERIFY(!report["metrics"].toObject().contains("ndcg@1"));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::newRow("no command") << QStringList{} << "usage";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("missing dataset") << QStringList{"evaluate"} << "--dataset DIR and one of --embeddings DIR or --embedder bm25 are required";
        QTest::newRow("bad k") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--k", "1,a"} << "--k";
        QTest::newRow("zero k") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--k", "0"} << "--k";
        QTest::newRow("unknown option") << QStringList{"evaluate", "--bogus"} << "unknown option --bogus";
        QTest::newRow("missing value") << QStringList{"evaluate", "--split"} << "needs a value";
        QTest::newRow("bad metric") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--metrics", "foo"} << "unknown metric";
        QTest::newRow("bad similarity") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--similarity", "l2"} << "cosine or dot";
        QTest::newRow("bad search") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--search", "ivf"} << "--search is exact or hnsw";
        QTest::newRow("hnsw option without hnsw") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--ef", "10"} << "--ef needs --search hnsw";
        QTest::newRow("bad ef") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--search", "hnsw", "--ef", "0"} << "--ef takes a positive integer";
        QTest::newRow("build option with index") << QStringList{"evaluate", "--dataset", "x", "--embeddings", "y", "--search", "hnsw", "--index", "i", "--hnsw-m", "8"} << "--index loads a built one";
        QTest::newRow("hnsw with bm25") << QStringList{"evaluate", "--dataset", "x", "--embedder", "bm25", "--search", "hnsw"} << "--search hnsw searches embeddings";
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    void evaluatesFixtureWithHnsw()
    {
        const auto dir = fixture();
        const QString json = QString::fromStdString((dir / "hnsw.json").string());
        const QString index = QString::fromStdString((dir / "docs.hnsw").string());
        const Run r = run(evaluateArgs(dir) << "--k" << "1,3" << "--search" << "hnsw" << "--json" << json
                                            << "--save-index" << index);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("HNSW search (M 16, ef_construction 200, ef 100; index built"), qPrintable(r.out));
        QVERIFY2(r.out.contains("ANNrec     1.00000   1.00000"), qPrintable(r.out));
        QVERIFY2(r.out.contains("ann_recall@10 1.00000"), qPrintable(r.out));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(report["search"].toString(), QString("hnsw"));
        QCOMPARE(report["metrics"].toObject()["ndcg@3"].toDouble(), 1.0);
        const QJsonObject recall = report["ann_recall"].toObject();
        QCOMPARE(recall.keys(), (QStringList{"ann_recall@1", "ann_recall@10", "ann_recall@3"}));
        QCOMPARE(recall["ann_recall@10"].toDouble(), 1.0);
        const QJsonObject hnsw = report["hnsw"].toObject();
        QCOMPARE(hnsw["M"].toInt(), 16);
        QCOMPARE(hnsw["ef"].toInt(), 100);
        QCOMPARE(hnsw["saved_to"].toString(), index);
        QVERIFY(QFile::exists(index) && QFile::exists(index + ".json"));

        // The saved index loads with the same vectors and gives the same figures.
        const Run loaded = run(evaluateArgs(dir) << "--k" << "1,3" << "--search" << "hnsw" << "--index" << index
                                                 << "--ef" << "20" << "--json" << "-");
        QCOMPARE(loaded.exitCode, 0);
        const QJsonObject again = QJsonDocument::fromJson(loaded.out.toUtf8()).object();
        QCOMPARE(again["hnsw"].toObject()["index"].toString(), index);
        QCOMPARE(again["hnsw"].toObject()["ef"].toInt(), 20);
        QCOMPARE(again["metrics"].toObject()["ndcg@3"].toDouble(), 1.0);
    }

    void hnswIndexOfOtherVectorsIsRefused()
    {
        const auto dir = fixture();
        const QString index = QString::fromStdString((dir / "docs.hnsw").string());
        QCOMPARE(run(evaluateArgs(dir) << "--search" << "hnsw" << "--save-index" << index << "--quiet").exitCode, 0);
        // d3 moves: the index no longer describes these vectors.
        std::vector<float> docs{1, 0, 0, 1, 0.6f, 0.8f, -1, 0, 0.6f, 0.8f};
        writeBytes(dir / "emb" / "corpus.npy", npyHeader("<f4", 5, 2) + rawBytes(docs));
        const Run r = run(evaluateArgs(dir) << "--search" << "hnsw" << "--index" << index);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(index + ".json: the given vectors differ from those the index was built from"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        // A cosine index is not a dot-product index.
        writeTinyEmbeddings(dir / "emb");
        const Run dot = run(evaluateArgs(dir) << "--search" << "hnsw" << "--index" << index << "--similarity" << "dot");
        QCOMPARE(dot.exitCode, 1);
        QVERIFY2(dot.err.contains("docs.hnsw.json: the index was built for space \"cosine\""), qPrintable(dot.err));
    }

    void malformedJsonLine()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d2\", \"text\": \n");
        expectInputError(dir, "corpus.jsonl:2: malformed JSON");
    }
    void missingId()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "queries.jsonl", "{\"text\": \"a\"}\n");
        expectInputError(dir, "queries.jsonl:1: query record has no \"_id\"");
    }
    void duplicateIds()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n");
        expectInputError(dir, "corpus.jsonl:2: duplicate document id \"d1\"");
    }
    void unknownQrelsIdsAreSkippedAndReported()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\tnope\t1\n");
        const Run r = run(evaluateArgs(dir));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("skipped 1 judgements naming unknown ids (first at line 3"), qPrintable(r.err));
    }
    void nanInVectors()
    {
        const auto dir = fixture();
        std::vector<float> v(10, 0.5f);
        v[3] = std::numeric_limits<float>::infinity();
        writeBytes(dir / "emb" / "corpus.npy", npyHeader("<f4", 5, 2) + rawBytes(v));
        expectInputError(dir, "corpus.npy:2: Inf at row 1, column 1 (0-based)");
    }
    void idMismatch()
    {
        const auto dir = fixture();
        writeText(dir / "emb" / "corpus_ids.txt", "d1\nd2\nd3\nd4\nzz\n");
        expectInputError(dir, "corpus_ids.txt:5: id \"zz\" is not in the dataset");
    }
    void rowCountMismatch()
    {
        const auto dir = fixture();
        writeText(dir / "emb" / "query_ids.txt", "q1\nq2\n");
        expectInputError(dir, "query_ids.txt: the id list has 2 ids but queries.npy has 3 rows");
    }
    void unsupportedDtype()
    {
        const auto dir = fixture();
        writeBytes(dir / "emb" / "corpus.npy", npyHeader("<i8", 5, 2) + std::string(80, '\0'));
        expectInputError(dir, "unsupported dtype '<i8'");
    }
    void truncatedNpy()
    {
        const auto dir = fixture();
        writeBytes(dir / "emb" / "queries.npy", npyHeader("<f4", 3, 2) + std::string(7, '\0'));
        expectInputError(dir, "queries.npy: truncated .npy file");
    }
    void emptyCorpus()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "corpus.jsonl", "");
        expectInputError(dir, "corpus.jsonl: no corpus records");
    }
    void splitWithNoJudgedQuery()
    {
        const auto dir = fixture();
        writeText(dir / "beir" / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq3\td4\t0\n");
        expectInputError(dir, "split \"test\" has no query with a relevant document");
        const Run r = run(evaluateArgs(dir) << "--split" << "dev");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no split \"dev\" (known: test)"), qPrintable(r.err));
    }

    void scifactReferenceTable()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        const Run r = run({"evaluate", "--dataset", dir, "--embeddings", dir + "/embeddings/lsa256", "--split", "test"});
        QCOMPARE(r.exitCode, 0);
        // REFERENCE.md "No tuning": the rows as printed, 5 decimals.
        for (const char *row : {"nDCG       0.33333   0.42101   0.44968   0.47710   0.53048",
                                "recall     0.30844   0.48578   0.55689   0.63711   0.87833",
                                "P          0.33333   0.17667   0.12200   0.07200   0.01007",
                                "MRR        0.33333   0.41167   0.42750   0.43737   0.44696",
                                "MAP        0.30844   0.39009   0.40704   0.41935   0.43134"})
            QVERIFY2(r.out.contains(QString::fromLatin1(row)), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
