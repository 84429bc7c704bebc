// The evaluation pipeline on a hand-computed fixture, its errors, and the shared SciFact
// reference figures (REFERENCE.md "No tuning", all 25 to 5 decimals).

#include "data/beir_reader.h"
#include "eval/retrieval_evaluation.h"
#include "support/fixtures.h"

#include <QtTest>

using namespace embtune::engine;
using namespace embtune::test;

class TestRetrievalEvaluation : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Dataset m_dataset;
    EmbeddingSet m_embeddings;

private slots:
    void initTestCase()
    {
        const auto beir = path(m_dir) / "beir";
        writeTinyBeir(beir);
        // q1 ranks d1 d3 d5 d2 d4; q2 ranks d2 d5 d3 d4 d1 (cosine; d1 and d4 tie at 0 and the
        // larger id, d4, ranks first).
        writeText(beir / "qrels" / "other.tsv", "query-id\tcorpus-id\tscore\nq1\td3\t2\nq1\td5\t1\nq2\td1\t1\n");
        writeText(beir / "qrels" / "nojudged.tsv", "query-id\tcorpus-id\tscore\nq3\td4\t0\n");
        writeTinyEmbeddings(path(m_dir) / "emb");
        auto ds = readBeirDataset(beir.string());
        QVERIFY(ds.ok());
        m_dataset = std::move(*ds);
        auto set = readNpyEmbeddingSet((path(m_dir) / "emb").string(), m_dataset);
        QVERIFY(set.ok());
        m_embeddings = std::move(*set);
    }

    void handComputedFixture()
    {
        EvaluationOptions options;
        options.split = "other";
        options.ks = {1, 10};
        auto report = evaluateEmbeddings(m_dataset, m_embeddings, options);
        QVERIFY(report.ok());
        QCOMPARE(report->metrics.queries.size(), size_t(2));
        const double q1 = (2 / std::log2(3.0) + 1 / std::log2(4.0)) / (2 + 1 / std::log2(3.0));
        const double q2 = 1 / std::log2(6.0); // d1 at rank 5, behind its tie d4
        QVERIFY2(std::abs(report->metrics.mean(Metric::Ndcg, 10) - (q1 + q2) / 2) < 1e-9,
                 qPrintable(QString::number(report->metrics.mean(Metric::Ndcg, 10), 'g', 12) + " " +
                            QString::number((q1 + q2) / 2, 'g', 12)));
        QVERIFY(std::abs(report->metrics.mean(Metric::Mrr, 10) - (0.5 + 0.2) / 2) < 1e-12);
        QCOMPARE(report->metrics.mean(Metric::Precision, 1), 0.0);
        QCOMPARE(report->ranking.docsOf(0)[0], 0);
        QCOMPARE(report->ranking.docsOf(1)[3], 3);
        QCOMPARE(report->ranking.docsOf(1)[4], 0);
    }

    void excludedQueriesAreCounted()
    {
        auto report = evaluateEmbeddings(m_dataset, m_embeddings, {});
        QVERIFY(report.ok());
        QCOMPARE(report->metrics.queries.size(), size_t(2)); // q3 has no relevant document
        QCOMPARE(report->judgedQueries, 3);
        QCOMPARE(report->metrics.excludedNoRelevant, 1);
        QCOMPARE(report->warnings.size(), size_t(1));
        QCOMPARE(report->metrics.mean(Metric::Ndcg, 10), 1.0);
    }

    void ignoreSameId()
    {
        // A dataset whose query ids equal document ids (ArguAna/Quora style).
        const auto dir = path(m_dir) / "same";
        writeText(dir / "corpus.jsonl", "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \"y\"}\n");
        writeText(dir / "queries.jsonl", "{\"_id\": \"a\", \"text\": \"x\"}\n");
        writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\na\tb\t1\n");
        writeBytes(dir / "emb" / "corpus.npy", npyHeader("<f4", 2, 2) + rawBytes(std::vector<float>{1, 0, 0.6f, 0.8f}));
        writeText(dir / "emb" / "corpus_ids.txt", "a\nb\n");
        writeBytes(dir / "emb" / "queries.npy", npyHeader("<f4", 1, 2) + rawBytes(std::vector<float>{1, 0}));
        writeText(dir / "emb" / "query_ids.txt", "a\n");
        auto ds = readBeirDataset(dir.string());
        QVERIFY(ds.ok());
        auto set = readNpyEmbeddingSet((dir / "emb").string(), *ds);
        QVERIFY(set.ok());
        EvaluationOptions options;
        options.ks = {1};
        auto plain = evaluateEmbeddings(*ds, *set, options);
        options.ignoreSameId = true;
        auto ignoring = evaluateEmbeddings(*ds, *set, options);
        QVERIFY(plain.ok() && ignoring.ok());
        QCOMPARE(plain->metrics.mean(Metric::Mrr, 1), 0.0);
        QCOMPARE(ignoring->metrics.mean(Metric::Mrr, 1), 1.0);
    }

    void errors()
    {
        EvaluationOptions options;
        options.split = "nosuch";
        auto unknown = evaluateEmbeddings(m_dataset, m_embeddings, options);
        QVERIFY(!unknown.ok());
        QVERIFY(QString::fromStdString(unknown.error().message).contains("known: nojudged, other, test"));
        options.split = "nojudged";
        auto noJudged = evaluateEmbeddings(m_dataset, m_embeddings, options);
        QVERIFY(!noJudged.ok());
        QVERIFY(QString::fromStdString(noJudged.error().message).contains("no query with a relevant document"));
        QCOMPARE(exitCodeFor(noJudged.error()), 1);
        EmbeddingSet partial = m_embeddings;
        partial.hasQueryVector[1] = 0;
        options.split = "test";
        auto missing = evaluateEmbeddings(m_dataset, partial, options);
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).contains("(first: \"q2\")"));
    }

    void scifactReferenceFigures()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        auto ds = readBeirDataset(dir.toStdString());
        QVERIFY(ds.ok());
        auto set = readNpyEmbeddingSet((dir + "/embeddings/lsa256").toStdString(), *ds);
        QVERIFY(set.ok());
        auto report = evaluateEmbeddings(*ds, *set, {});
        QVERIFY(report.ok());
        QCOMPARE(report->metrics.queries.size(), size_t(300));
        // REFERENCE.md, "No tuning (exact search over embeddings/lsa256)".
        const std::vector<std::pair<Metric, std::vector<double>>> expected{
            {Metric::Ndcg, {0.33333, 0.42101, 0.44968, 0.47710, 0.53048}},
            {Metric::Recall, {0.30844, 0.48578, 0.55689, 0.63711, 0.87833}},
            {Metric::Precision, {0.33333, 0.17667, 0.12200, 0.07200, 0.01007}},
            {Metric::Mrr, {0.33333, 0.41167, 0.42750, 0.43737, 0.44696}},
            {Metric::Map, {0.30844, 0.39009, 0.40704, 0.41935, 0.43134}},
        };
        const std::vector<int> ks{1, 3, 5, 10, 100};
        for (const auto &[metric, values] : expected)
            for (size_t i = 0; i < ks.size(); ++i) {
                const double got = std::round(report->metrics.mean(metric, ks[i]) * 1e5) / 1e5;
                QVERIFY2(std::abs(got - values[i]) < 1e-9,
                         qPrintable(QString("%1@%2: %3 vs %4").arg(metricName(metric)).arg(ks[i]).arg(got, 0, 'f', 5).arg(values[i], 0, 'f', 5)));
            }
    }
};

QTEST_APPLESS_MAIN(TestRetrievalEvaluation)
#include "test_retrieval_evaluation.moc"
