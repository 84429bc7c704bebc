// embtune-cli fuse as a user runs it: the JSON report's shape, the replay of its spec with
// `embtune-cli run`, and usage errors (exit 2) for what the command line gets wrong.

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace embtune::test;

class TestCliFuse : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }
    QStringList base() const
    {
        return {"fuse", "--dataset", p("beir"), "--dev-queries", p("beir/splits/dev.txt"), "--member", "bm25",
                "--member", "embeddings=" + p("emb")};
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        writeTinyEmbeddings(path(m_dir) / "emb");
        // q2 is judged in test; dev: q1's judgements, read from a train split.
        writeText(path(m_dir) / "beir" / "qrels" / "train.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        writeText(path(m_dir) / "beir" / "splits" / "dev.txt", "q1\n");
    }

    void reportAndReplay()
    {
        const CliRun r = runCli(base() << "--json" << "-");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(report["fused"].toObject().contains("ndcg@10"));
        QVERIFY(report["fused"].toObject().contains("recall@100"));
        const QJsonArray members = report["members"].toArray();
        QCOMPARE(members.size(), 2);
        QCOMPARE(members[0].toObject()["name"].toString(), QString("bm25"));
        QVERIFY(members[1].toObject()["metrics"].toObject().contains("ndcg@10"));
        QCOMPARE(report["weights"].toArray().size(), 2);
        QCOMPARE(report["fusion"].toObject()["method"].toString(), QString("convex"));
        QCOMPARE(report["fusion"].toObject()["normalize"].toString(), QString("zscore"));
        QVERIFY(report["fusion"].toObject()["chosen_on_dev"].toBool());
        QCOMPARE(report["fusion"].toObject()["dev_curve"].toArray().size(), 21);

        // The spec in the report replays to the same fused run.
        const QString specFile = p("fused.json");
        QFile file(specFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(report["spec"].toObject()).toJson());
        file.close();
        const CliRun replay = runCli({"run", specFile, "--json", "-"});
        QVERIFY2(replay.exitCode == 0, qPrintable(replay.err));
        const QJsonObject again = QJsonDocument::fromJson(replay.out.toUtf8()).object();
        QCOMPARE(again["fused"].toObject(), report["fused"].toObject());
        QCOMPARE(again["weights"].toArray(), report["weights"].toArray());

        // The text summary names the members and the fused run.
        const CliRun text = runCli(base() << "--fusion" << "rrf");
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("rrf fusion") && text.out.contains("fused") && text.out.contains("RRF k"),
                 qPrintable(text.out));
    }

    void givenWeights()
    {
        const CliRun r = runCli({"fuse", "--dataset", p("beir"), "--member", "bm25", "--member", "embeddings=" + p("emb"),
                                 "--weights", "1,3", "--json", "-"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["weights"].toArray()[1].toDouble(), 0.75);
        QVERIFY(!report["fusion"].toObject()["chosen_on_dev"].toBool());
    }

    // bm25,k1=auto,b=auto: BM25's parameters chosen with the weights, reported per member;
    // fixed ones are used as given.
    void bm25Parameters()
    {
        const CliRun chosen = runCli({"fuse", "--dataset", p("beir"), "--dev-queries", p("beir/splits/dev.txt"), "--member",
                                      "bm25,k1=auto,b=auto", "--member", "embeddings=" + p("emb"), "--json", "-"});
        QVERIFY2(chosen.exitCode == 0, qPrintable(chosen.err));
        const QJsonObject bm25 = QJsonDocument::fromJson(chosen.out.toUtf8()).object()["members"].toArray()[0].toObject()["bm25"].toObject();
        QVERIFY(bm25["chosen_on_dev"].toBool());
        QVERIFY(bm25.contains("k1") && bm25.contains("b"));
        const CliRun fixed = runCli({"fuse", "--dataset", p("beir"), "--member", "bm25,k1=1.5,b=0.6", "--member",
                                     "embeddings=" + p("emb"), "--weights", "1,1", "--json", "-"});
        QVERIFY2(fixed.exitCode == 0, qPrintable(fixed.err));
        const QJsonObject given = QJsonDocument::fromJson(fixed.out.toUtf8()).object()["members"].toArray()[0].toObject()["bm25"].toObject();
        QCOMPARE(given["k1"].toDouble(), 1.5);
        QCOMPARE(given["b"].toDouble(), 0.6);
        QVERIFY(!given["chosen_on_dev"].toBool());
    }

    // method=A+B chains the methods: the member is B on the final vectors of A (base "run").
    void chainedMember()
    {
        const CliRun r = runCli({"fuse", "--dataset", p("beir"), "--train-queries", p("beir/splits/dev.txt"), "--dev-queries",
                                 p("beir/splits/dev.txt"), "--member", "bm25", "--member",
                                 "embeddings=" + p("emb") + ",method=nudge-n+linear,epochs=2", "--json", "-"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject member = report["spec"].toObject()["members"].toArray()[1].toObject();
        QCOMPARE(member["base"].toString(), QString("run"));
        QCOMPARE(member["method"].toString(), QString("linear"));
        QCOMPARE(member["params"].toObject()["epochs"].toString(), QString("2"));
        const QJsonObject inner = member["base_run"].toObject();
        QCOMPARE(inner["method"].toString(), QString("nudge-n"));
        QVERIFY(inner["params"].toObject().isEmpty());
        QVERIFY(inner["embeddings"].toString().endsWith("emb"));
        QCOMPARE(report["members"].toArray()[1].toObject()["name"].toString(), QString("emb+nudge-n+linear"));
    }

    void recordedInWorkspace()
    {
        const QString workspace = p("ws");
        const CliRun r = runCli(base() << "--workspace" << workspace << "--quiet");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const CliRun runs = runCli({"runs", "--workspace", workspace, "--json", "-"});
        QVERIFY2(runs.exitCode == 0, qPrintable(runs.err));
        QVERIFY2(runs.out.contains("\"fusion\""), qPrintable(runs.out));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        const QStringList b = base();
        QTest::newRow("one member") << QStringList{"fuse", "--dataset", p("beir"), "--member", "bm25"} << "at least two --member";
        QTest::newRow("bad member") << (QStringList(b) << "--member" << "tfidf") << "starts with bm25";
        QTest::newRow("bad fusion") << (QStringList(b) << "--fusion" << "max") << "--fusion is convex";
        QTest::newRow("bad normalize") << (QStringList(b) << "--normalize" << "l2") << "--normalize is";
        QTest::newRow("bad weights") << (QStringList(b) << "--weights" << "1,x") << "--weights is auto";
        QTest::newRow("bad rrf k") << (QStringList(b) << "--rrf-k" << "-1") << "--rrf-k is auto";
        QTest::newRow("param without method") << QStringList{"fuse", "--dataset", p("beir"), "--member", "bm25", "--member",
                                                             "embeddings=" + p("emb") + ",epochs=3"}
                                              << "parameters need a method";
        QTest::newRow("k1 auto alone") << (QStringList(b) << "--member" << "bm25,k1=auto") << "go together";
        QTest::newRow("bad k1") << (QStringList(b) << "--member" << "bm25,k1=x,b=0.5") << "k1 is a number or auto";
        QTest::newRow("bm25 auto with weights") << (QStringList(b) << "--member" << "bm25,k1=auto,b=auto" << "--weights" << "1,1,1")
                                                << "chosen with the weights";
        QTest::newRow("no dev") << QStringList{"fuse", "--dataset", p("beir"), "--member", "bm25", "--member", "embeddings=" + p("emb")}
                                << "needs \"dev_queries\"";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const CliRun r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }
};

QTEST_MAIN(TestCliFuse)
#include "test_cli_fuse.moc"
