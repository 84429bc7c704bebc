// embtune-cli train as a user runs it: NUDGE on a fixture, parameters, exports, errors, and the
// SciFact reference figures when the shared data is present.

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace embtune::test;

class TestCliTrain : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    using Run = CliRun;
    static Run run(const QStringList &args) { return runCli(args); }
    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }
    QStringList base(const char *method) const
    {
        return {"train", "--method", method, "--dataset", p("beir"), "--embeddings", p("emb"), "--train-queries",
                p("beir/splits/train.txt"), "--dev-queries", p("beir/splits/dev.txt")};
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        writeTinyEmbeddings(path(m_dir) / "emb");
        writeText(path(m_dir) / "beir" / "splits" / "train.txt", "q1\n");
        writeText(path(m_dir) / "beir" / "splits" / "dev.txt", "q2\n");
    }

    void nudgeOnFixture_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("nudge-n") << "nudge-n";
        QTest::newRow("nudge-m") << "nudge-m";
    }
    void nudgeOnFixture()
    {
        QFETCH(QString, method);
        const QString exportDir = p(qPrintable("export-" + method));
        const Run r = run(base(qPrintable(method)) << "--json" << "-" << "--export-embeddings" << exportDir);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["method"].toString(), method);
        QCOMPARE(report["similarity"].toString(), QString(method == "nudge-n" ? "cosine" : "dot"));
        QVERIFY(report["baseline"].toObject().contains("ndcg@10"));
        QVERIFY(report["tuned"].toObject().contains("recall@100"));
        QVERIFY(QFile::exists(exportDir + "/corpus.npy"));
        QVERIFY(QFile::exists(exportDir + "/corpus_ids.txt"));
        QVERIFY(QFile::exists(exportDir + "/run.json"));
    }

    void parametricMethodsOnFixture_data()
    {
        QTest::addColumn<QString>("method");
        for (const char *method : {"linear", "adder", "adder2", "mafin", "mafin-lambda", "refine", "soft-label"})
            QTest::newRow(method) << method;
    }
    void parametricMethodsOnFixture()
    {
        QFETCH(QString, method);
        QStringList args = base(qPrintable(method)) << "--param" << "epochs=2" << "--param" << "seed=3" << "--json" << "-";
        if (method.startsWith("mafin"))
            args << "--param" << "buckets=1024";
        if (method == "soft-label")
            args << "--expert" << p("emb");
        const Run r = run(args);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["method"].toString(), method);
        const double ndcg = report["tuned"].toObject()["ndcg@10"].toDouble();
        QVERIFY2(ndcg > 0 && ndcg <= 1, qPrintable(r.out));
        // Same seed, same result (bit-for-bit with one thread).
        const Run again = run(QStringList(args) << "--threads" << "1");
        const Run third = run(QStringList(args) << "--threads" << "1");
        QCOMPARE(QJsonDocument::fromJson(again.out.toUtf8()).object()["tuned"],
                 QJsonDocument::fromJson(third.out.toUtf8()).object()["tuned"]);
    }

    void fixedGammaAndTable()
    {
        const Run r = run(base("nudge-n") << "--param" << "gamma=0.1");
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("baseline") && r.out.contains("nudge-n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("\"gamma\":0.1"), qPrintable(r.out));
    }

    void errors()
    {
        QCOMPARE(run({"train"}).exitCode, 2);
        Run r = run(base("nudge-x"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown method"));
        r = run(base("nudge-n") << "--param" << "gamma=9");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("gamma=9"), qPrintable(r.err));
        r = run(base("nudge-n") << "--param" << "bogus=1");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no parameter \"bogus\""), qPrintable(r.err));
        r = run(base("nudge-n") << "--param" << "gamma");
        QCOMPARE(r.exitCode, 2);
        writeText(path(m_dir) / "beir" / "splits" / "bad.txt", "q1\nq404\n");
        QStringList args = base("nudge-n");
        args[args.indexOf(p("beir/splits/dev.txt"))] = p("beir/splits/bad.txt");
        r = run(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.txt:2: unknown query id \"q404\""), qPrintable(r.err));
        QCOMPARE(run({"train", "--list-methods"}).exitCode, 0);
    }

    void scifactReference()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        for (const auto &[method, ndcg] : {std::pair<QString, double>{"nudge-n", 0.69258}, {"nudge-m", 0.68344}}) {
            const Run r = run({"train", "--method", method, "--dataset", dir, "--embeddings", dir + "/embeddings/lsa256",
                               "--train-queries", dir + "/splits/train.txt", "--dev-queries", dir + "/splits/dev.txt",
                               "--eval-split", "test", "--json", "-"});
            QCOMPARE(r.exitCode, 0);
            const double got = QJsonDocument::fromJson(r.out.toUtf8()).object()["tuned"].toObject()["ndcg@10"].toDouble();
            qInfo("%s nDCG@10 = %.5f", qPrintable(method), got);
            QVERIFY(std::abs(got - ndcg) <= 0.001);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
