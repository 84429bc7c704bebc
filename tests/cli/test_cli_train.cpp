// embtune-cli train as a user runs it: NUDGE on a fixture, parameters, exports, errors, and the
// SciFact reference figures when the shared data is present.

#include "support/cli_run.h"
#include "support/fixtures.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "embed/embedding_store.h"
#include "io/npy.h"
#include "methods/adapter_export.h"

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

    // The adapter file holds what the formula in its metadata needs: applying it to the
    // black-box query vectors gives the tuned query vectors the CLI exported, both in C++ and
    // with docs/apply_adapter.py (NumPy) when python3 and NumPy are installed.
    void adapterExports_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QStringList>("extra");
        for (const char *method : {"linear", "adder", "adder2", "refine", "soft-label"})
            QTest::newRow(method) << method << QStringList();
        QTest::newRow("linear sides=both") << "linear" << QStringList{"--param", "sides=both"};
        QTest::newRow("adder in-batch") << "adder" << QStringList{"--param", "negatives=in-batch"};
    }
    void adapterExports()
    {
        using namespace embtune::engine;
        QFETCH(QString, method);
        QFETCH(QStringList, extra);
        const QString tag = method + QString::number(extra.size());
        const QString adapterPath = p(qPrintable("adapter-" + tag + ".safetensors"));
        const QString exportDir = p(qPrintable("tuned-" + tag));
        QStringList args = base(qPrintable(method)) << "--param" << "epochs=3" << "--export-adapter" << adapterPath
                                                    << "--export-embeddings" << exportDir << extra;
        if (method == "soft-label")
            args << "--expert" << p("emb");
        const Run r = run(args);
        QCOMPARE(r.exitCode, 0);
        auto adapter = readAdapterSafetensors(adapterPath.toStdString());
        QVERIFY2(adapter.ok(), adapter.ok() ? "" : adapter.error().message.c_str());
        QCOMPARE(QString::fromStdString(adapter->metadata.at("method")), method);
        QCOMPARE(adapter->metadata.at("base_dim"), std::string("2"));
        QVERIFY(!adapter->metadata.at("apply_queries").empty());

        auto dataset = readBeirDataset(p("beir").toStdString());
        QVERIFY(dataset.ok());
        auto original = readNpyEmbeddingSet(p("emb").toStdString(), *dataset);
        auto tuned = importEmbeddingFolder(exportDir.toStdString(), *dataset);
        QVERIFY(original.ok() && tuned.ok());
        QCOMPARE(tuned->queries.rows(), original->queries.rows());
        const RowMatrixXf q = original->queries.map();
        RowMatrixXf expected;
        auto tensor = [&](const char *name) {
            const ModelTensor *t = adapter->find(name);
            return t ? RowMatrixXf(Eigen::Map<const RowMatrixXf>(t->values.data(), t->shape[0], t->shape[1]))
                     : RowMatrixXf();
        };
        if (method == "adder" || method == "adder2") {
            const std::string prefix = method == "adder2" ? "q_" : "";
            const RowMatrixXf k = tensor((prefix + "K").c_str()), v = tensor((prefix + "V").c_str());
            QCOMPARE(k.cols(), Eigen::Index(2));
            const QJsonObject settings =
                QJsonDocument::fromJson(QByteArray::fromStdString(adapter->metadata.at("settings"))).object();
            const float temperature = settings["temperature"].toString().toFloat();
            QVERIFY(temperature > 0);
            RowMatrixXf logits = q * k.transpose() / temperature;
            for (Eigen::Index i = 0; i < logits.rows(); ++i) {
                logits.row(i) = (logits.row(i).array() - logits.row(i).maxCoeff()).exp();
                logits.row(i) /= logits.row(i).sum();
            }
            const RowMatrixXf raw = q + logits * v;
            expected = normalizedRows(ConstMatrixMap(raw.data(), raw.rows(), raw.cols()));
        } else {
            const RowMatrixXf w = tensor("W");
            QCOMPARE(w.rows(), Eigen::Index(2));
            const RowMatrixXf raw = q * w.transpose();
            expected = normalizedRows(ConstMatrixMap(raw.data(), raw.rows(), raw.cols()));
        }
        const RowMatrixXf got = tuned->queries.map();
        QVERIFY2((got - expected).cwiseAbs().maxCoeff() < 1e-5,
                 qPrintable(QString("max difference %1").arg((got - expected).cwiseAbs().maxCoeff())));

        // Documents: the document formula where the adapter has one, else the black-box vectors.
        const bool documentSide = !adapter->metadata.at("apply_documents").empty();
        QCOMPARE(documentSide, method == "adder2" || method == "refine" || (!extra.isEmpty() && extra[1] == "sides=both"));
        if (method != "adder2") {
            const RowMatrixXf d = original->docs.map();
            RowMatrixXf expectedDocs = d;
            if (documentSide) {
                const RowMatrixXf raw = d * tensor("W").transpose();
                expectedDocs = normalizedRows(ConstMatrixMap(raw.data(), raw.rows(), raw.cols()));
            }
            const RowMatrixXf gotDocs = tuned->docs.map();
            QVERIFY2((gotDocs - expectedDocs).cwiseAbs().maxCoeff() < 1e-5,
                     qPrintable(QString("documents: max difference %1").arg((gotDocs - expectedDocs).cwiseAbs().maxCoeff())));
        }

        if (QProcess::execute("/usr/bin/python3", {"-c", "import numpy"}) != 0)
            QSKIP("python3 with NumPy is not installed: the NumPy recipe (docs/apply_adapter.py) is not checked");
        const QString out = p(qPrintable("numpy-" + tag + ".npy"));
        QCOMPARE(QProcess::execute("/usr/bin/python3", {EMBTUNE_SOURCE_DIR "/docs/apply_adapter.py", adapterPath,
                                                         p("emb/queries.npy"), out}),
                 0);
        auto numpy = readNpyMatrix(out.toStdString());
        QVERIFY(numpy.ok());
        const RowMatrixXf applied = numpy->map(); // rows in the fixture's query_ids.txt order (dataset order)
        QVERIFY2((applied - expected).cwiseAbs().maxCoeff() < 1e-5,
                 qPrintable(QString("NumPy max difference %1").arg((applied - expected).cwiseAbs().maxCoeff())));
    }

    void nudgeHasNoAdapter()
    {
        const Run r = run(base("nudge-n") << "--export-adapter" << p("nudge.safetensors"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("export its tuned document vectors"), qPrintable(r.err));
        QVERIFY(!QFile::exists(p("nudge.safetensors")));
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
