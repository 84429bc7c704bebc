// embtune-cli embed (built-in LSA) and evaluate --embedder bm25, as a user runs them.

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace embtune::test;

class TestCliEmbed : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    using Run = CliRun;
    static Run run(const QStringList &args) { return runCli(args); }
    QString beir() const { return QString::fromStdString((path(m_dir) / "beir").string()); }
    QString out(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }

private slots:
    void initTestCase() { writeTinyBeir(path(m_dir) / "beir"); }

    void embedThenEvaluate()
    {
        const Run embed = run({"embed", "--dataset", beir(), "--dim", "2", "--min-df", "1", "--out", out("lsa")});
        QCOMPARE(embed.exitCode, 0);
        QVERIFY2(embed.out.contains("lsa dim=2 docs=5 queries=3"), qPrintable(embed.out + embed.err));
        for (const char *file : {"corpus.npy", "corpus_ids.txt", "queries.npy", "query_ids.txt", "provenance.json",
                                 "model/lsa.json", "model/terms.txt", "model/idf.npy", "model/components.npy"})
            QVERIFY2(QFile::exists(out("lsa") + "/" + file), file);
        QFile provenance(out("lsa") + "/provenance.json");
        QVERIFY(provenance.open(QIODevice::ReadOnly));
        const QJsonObject p = QJsonDocument::fromJson(provenance.readAll()).object();
        QCOMPARE(p["embedder"].toString(), QString("lsa"));
        QCOMPARE(p["dim"].toInt(), 2);
        QCOMPARE(p["normalized"].toBool(), true);
        const Run evaluate = run({"evaluate", "--dataset", beir(), "--embeddings", out("lsa"), "--json", "-"});
        QCOMPARE(evaluate.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(evaluate.out.toUtf8()).object()["queries"].toInt(), 2);
        // Same seed, same vectors.
        QCOMPARE(run({"embed", "--dataset", beir(), "--dim", "2", "--min-df", "1", "--out", out("lsa2")}).exitCode, 0);
        QFile a(out("lsa") + "/corpus.npy"), b(out("lsa2") + "/corpus.npy");
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
    }

    void embedInEveryFormat()
    {
        for (const char *format : {"fvecs", "jsonl", "safetensors"}) {
            const QString dir = out(format);
            const Run r = run({"embed", "--dataset", beir(), "--dim", "2", "--min-df", "1", "--out", dir, "--format", format});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(QFile::exists(dir + "/provenance.json"));
            QVERIFY(QDir(dir).entryList(QDir::Files).join(",").contains(format == QString("jsonl") ? "corpus_embeddings.jsonl"
                                                                                                  : QString("corpus.") + format));
        }
        QCOMPARE(run({"embed", "--dataset", beir(), "--out", out("x"), "--format", "csv"}).exitCode, 2);
    }

    void embedErrors()
    {
        const Run tooWide = run({"embed", "--dataset", beir(), "--dim", "64", "--out", out("wide")});
        QCOMPARE(tooWide.exitCode, 1);
        QVERIFY2(tooWide.err.contains("exceeds the rank limit"), qPrintable(tooWide.err));
        QCOMPARE(run({"embed", "--dataset", beir()}).exitCode, 2);
        QCOMPARE(run({"embed", "--dataset", beir(), "--out", out("x"), "--embedder", "word2vec"}).exitCode, 2);
        QCOMPARE(run({"embed", "--dataset", beir(), "--out", out("x"), "--dim", "-3"}).exitCode, 2);
        const Run missing = run({"embed", "--dataset", out("nope"), "--out", out("x")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("not a folder"), qPrintable(missing.err));
    }

    void bm25Evaluation()
    {
        const Run r = run({"evaluate", "--dataset", beir(), "--embedder", "bm25", "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["search"].toString(), QString("bm25"));
        // q1 "alpha?" matches d1 "Alpha alpha text" only; q2 "beta?" matches d2 only.
        QCOMPARE(report["metrics"].toObject()["mrr@1"].toDouble(), 1.0);
        QCOMPARE(run({"evaluate", "--dataset", beir(), "--embedder", "bm25", "--embeddings", out("lsa")}).exitCode, 2);
        QCOMPARE(run({"evaluate", "--dataset", beir(), "--embedder", "lsa"}).exitCode, 2);
    }

    void scifactBm25()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        const Run r = run({"evaluate", "--dataset", dir, "--embedder", "bm25", "--k", "10", "--metrics", "ndcg", "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        const double ndcg = QJsonDocument::fromJson(r.out.toUtf8()).object()["metrics"].toObject()["ndcg@10"].toDouble();
        qInfo("BM25 SciFact nDCG@10 = %.5f", ndcg);
        QVERIFY(ndcg >= 0.66);
    }
};

QTEST_GUILESS_MAIN(TestCliEmbed)
#include "test_cli_embed.moc"
