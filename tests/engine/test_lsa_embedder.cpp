// Tokenizer, TF-IDF, randomized SVD (against Eigen's dense SVD) and the LSA embedder
// (fit, embed, save/load, determinism), and the SciFact acceptance figure when present.

#include "data/beir_reader.h"
#include "embed/lsa_embedder.h"
#include "embed/tokenizer.h"
#include "eval/retrieval_evaluation.h"
#include "support/fixtures.h"
#include "support/reference_svd.h"

#include <QtTest>

#include <random>

using namespace embtune::engine;
using namespace embtune::test;

class TestLsaEmbedder : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    static std::vector<std::string> smallCorpus()
    {
        return {"Protein folding and protein structure prediction.",
                "Deep learning predicts protein structure from sequence.",
                "Stock markets fell sharply on Monday.",
                "Markets rallied as stock prices rose.",
                "A new protein sequence database for structure search.",
                "Central banks and the stock market outlook.",
                "Sequence alignment of protein families.",
                "Investors sold stock as markets dropped."};
    }

private slots:
    void tokenizer()
    {
        const Tokenizer t;
        // Stop words and tokens under 2 code points ("s", "2", "β") are dropped by default.
        QCOMPARE(t.tokenize("The Cat's 2 HATS, and β-Catenin!"), (std::vector<std::string>{"cat", "hats", "catenin"}));
        const Tokenizer keepAll({1, false});
        QCOMPARE(keepAll.tokenize("The Cat's 2 HATS"), (std::vector<std::string>{"the", "cat", "s", "2", "hats"}));
        QCOMPARE(keepAll.tokenize("ÉCOLE Straße ΑΒΓ Москва"),
                 (std::vector<std::string>{"école", "straße", "αβγ", "москва"}));
        QCOMPARE(keepAll.tokenize("a—b…c “d” 1,000"), (std::vector<std::string>{"a", "b", "c", "d", "1", "000"}));
        // Invalid UTF-8 separates tokens and never crashes.
        QCOMPARE(keepAll.tokenize(std::string("ab\xff\xfe" "cd\xc3")), (std::vector<std::string>{"ab", "cd"}));
        QVERIFY(Tokenizer::englishStopWords().count("the"));
        QVERIFY(!Tokenizer::englishStopWords().count("protein"));
    }

    void tfidfWeights()
    {
        TfidfOptions options;
        options.minDf = 1;
        options.tokenizer = {1, false};
        TfidfModel model(options, {}, {});
        SparseRows x;
        QVERIFY(model.fit({"a a b", "b c"}, 1, x));
        QCOMPARE(model.terms(), (std::vector<std::string>{"a", "b", "c"}));
        // idf = ln((1 + 2) / (1 + df)) + 1
        QVERIFY(qFuzzyCompare(model.idf()[0], float(std::log(3.0 / 2.0) + 1)));
        QVERIFY(qFuzzyCompare(model.idf()[1], 1.0f));
        // Row 0: a -> (1 + ln 2) idf_a, b -> 1 * idf_b, then L2-normalised.
        const double wa = (1 + std::log(2.0)) * (std::log(1.5) + 1), wb = 1.0, norm = std::sqrt(wa * wa + wb * wb);
        QCOMPARE(x.rowStart, (std::vector<int64_t>{0, 2, 4}));
        QVERIFY(std::abs(x.values[0] - wa / norm) < 1e-6);
        QVERIFY(std::abs(x.values[1] - wb / norm) < 1e-6);
        const SparseRows q = model.transform({"c unknown c"}, 1);
        QCOMPARE(q.colIndex, std::vector<int32_t>{2});
        QVERIFY(std::abs(q.values[0] - 1.0f) < 1e-6);
        // min_df drops rare terms.
        options.minDf = 2;
        TfidfModel strict(options, {}, {});
        QVERIFY(strict.fit({"a a b", "b c"}, 1, x));
        QCOMPARE(strict.terms(), std::vector<std::string>{"b"});
    }

    void randomizedSvdMatchesDenseSvd()
    {
        // A random sparse 60 x 40 matrix with a decaying spectrum.
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> uniform(0, 1);
        Eigen::MatrixXf dense = Eigen::MatrixXf::Zero(60, 40);
        SparseRows x;
        x.rows = 60;
        x.cols = 40;
        x.rowStart.clear();
        x.rowStart.push_back(0);
        for (int r = 0; r < 60; ++r) {
            for (int c = 0; c < 40; ++c)
                if (uniform(rng) < 0.3f) {
                    const float v = uniform(rng) / float(1 + c);
                    dense(r, c) = v;
                    x.colIndex.push_back(c);
                    x.values.push_back(v);
                }
            x.rowStart.push_back(int64_t(x.values.size()));
        }
        RandomizedSvdOptions options;
        options.rank = 5;
        options.oversampling = 10;
        options.powerIterations = 7;
        TruncatedSvd svd;
        QVERIFY(randomizedSvd(x, options, svd));
        const embtune::test::ReferenceSvd reference = embtune::test::referenceSvd(dense.cast<double>());
        for (int j = 0; j < 5; ++j) {
            QVERIFY2(std::abs(svd.singularValues[j] - reference.singularValues[j]) < 1e-4 * reference.singularValues[0],
                     qPrintable(QString("sigma %1: %2 vs %3").arg(j).arg(svd.singularValues[j]).arg(reference.singularValues[j])));
            // Same subspace direction up to sign.
            const float cosine = std::abs(svd.components.col(j).dot(reference.v.col(j).cast<float>()));
            QVERIFY2(cosine > 0.999f, qPrintable(QString("component %1: |cos| %2").arg(j).arg(cosine)));
        }
        // Components are orthonormal.
        const Eigen::MatrixXf gram = svd.components.transpose() * svd.components;
        QVERIFY((gram - Eigen::MatrixXf::Identity(5, 5)).cwiseAbs().maxCoeff() < 1e-4f);
    }

    void fitEmbedSaveLoad()
    {
        LsaOptions options;
        options.dim = 3;
        options.tfidf.minDf = 2;
        LsaEmbedder lsa(options);
        auto docs = lsa.fit(smallCorpus());
        QVERIFY2(docs.ok(), docs.ok() ? "" : docs.error().toString().c_str());
        QCOMPARE(docs->rows(), Eigen::Index(8));
        QCOMPARE(docs->cols(), Eigen::Index(3));
        for (Eigen::Index i = 0; i < docs->rows(); ++i)
            QVERIFY(std::abs(docs->row(i).norm() - 1.0f) < 1e-5f);
        // Topic structure: protein documents are closer to each other than to market ones.
        QVERIFY(docs->row(0).dot(docs->row(1)) > docs->row(0).dot(docs->row(2)));
        // Embedding a corpus text again gives its corpus vector.
        auto again = lsa.embed({smallCorpus()[4]}, nullptr);
        QVERIFY(again.ok());
        QVERIFY((again->row(0) - docs->row(4)).cwiseAbs().maxCoeff() < 1e-5f);
        // Deterministic: a second fit gives identical numbers.
        LsaEmbedder second(options);
        auto docs2 = second.fit(smallCorpus());
        QVERIFY(docs2.ok());
        QCOMPARE(*docs2, *docs);
        // Save / load round trip embeds alike.
        const std::string dir = (path(m_dir) / "model").string();
        QVERIFY(lsa.save(dir).ok());
        auto loaded = LsaEmbedder::load(dir);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        QCOMPARE((*loaded)->configKey(), lsa.configKey());
        auto fromLoaded = (*loaded)->embed({"protein structure markets"}, nullptr);
        auto fromOriginal = lsa.embed({"protein structure markets"}, nullptr);
        QVERIFY(fromLoaded.ok() && fromOriginal.ok());
        QCOMPARE(*fromLoaded, *fromOriginal);
    }

    void errorsAndCancel()
    {
        LsaOptions options;
        options.dim = 50;
        LsaEmbedder tooWide(options);
        auto wide = tooWide.fit(smallCorpus());
        QVERIFY(!wide.ok());
        QVERIFY(QString::fromStdString(wide.error().message).contains("exceeds the rank limit"));
        LsaEmbedder empty;
        QVERIFY(!empty.fit({}).ok());
        QCOMPARE(empty.embed({"x"}, nullptr).error().code, ErrorCode::Usage);
        options.dim = 2;
        LsaEmbedder cancelled(options);
        Progress stop([](const ProgressEvent &) { return false; });
        auto result = cancelled.fit(smallCorpus(), &stop);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
        auto missing = LsaEmbedder::load((path(m_dir) / "nothing").string());
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().toString()).contains("lsa.json"));
    }

    void scifactNdcgAtLeast0470()
    {
        const QString dir = sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        auto ds = readBeirDataset(dir.toStdString());
        QVERIFY(ds.ok());
        LsaEmbedder lsa;
        auto docs = lsa.fit(documentTexts(*ds));
        QVERIFY(docs.ok());
        auto queries = lsa.embed(ds->queries, nullptr);
        QVERIFY(queries.ok());
        EmbeddingSet set;
        set.docs = FloatMatrix(*docs);
        set.queries = FloatMatrix(*queries);
        set.hasQueryVector.assign(size_t(ds->queryCount()), 1);
        EvaluationOptions options;
        options.ks = {10};
        auto report = evaluateEmbeddings(*ds, set, options);
        QVERIFY(report.ok());
        const double ndcg = report->metrics.mean(Metric::Ndcg, 10);
        qInfo("LSA 256 on SciFact test: nDCG@10 = %.5f", ndcg);
        QVERIFY2(ndcg >= 0.470, qPrintable(QString::number(ndcg)));
    }
};

QTEST_APPLESS_MAIN(TestLsaEmbedder)
#include "test_lsa_embedder.moc"
