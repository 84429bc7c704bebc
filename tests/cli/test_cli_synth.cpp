// embtune-cli synth and train --train-source as a user runs them: generated folders on a fixture
// (ict, title, keyphrase), training on generated queries with the built-in LSA embedder, held-out
// generated dev queries, usage and input errors, and the SciFact acceptance figure when the
// shared data is present (ICT queries only, labelled dev queries, linear adapter).

#include "support/cli_run.h"
#include "support/fixtures.h"

#include "data/beir_reader.h"
#include "workspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace embtune::test;

namespace {

// Eight documents on four topics (two each, sharing words so LSA finds them), two test queries.
void writeTopicBeir(const std::filesystem::path &dir)
{
    const char *topics[4][2] = {
        {"Coral reefs bleach when warm ocean water stresses the algae. Reef fish lose their shelter quickly.",
         "Warm ocean water makes coral reefs bleach and lose algae. Fish on the reef suffer as well."},
        {"Protein folding depends on chaperones inside the cell. Misfolded proteins aggregate in disease.",
         "Chaperones help protein folding in the cell. Aggregates of misfolded proteins cause disease."},
        {"Solar panels convert sunlight into electric current efficiently. Cheap silicon cells spread fast.",
         "Silicon solar cells turn sunlight into electric current. Panels became cheap and spread widely."},
        {"Vaccines train the immune system to recognise a virus early. Antibodies then block infection.",
         "The immune system learns to recognise a virus from vaccines. Antibodies block later infection."}};
    std::string corpus;
    for (int t = 0; t < 4; ++t)
        for (int k = 0; k < 2; ++k)
            corpus += "{\"_id\": \"d" + std::to_string(2 * t + k) + "\", \"title\": \"Topic " + std::to_string(t) +
                      "\", \"text\": \"" + topics[t][k] + "\"}\n";
    writeText(dir / "corpus.jsonl", corpus);
    writeText(dir / "queries.jsonl",
              "{\"_id\": \"q1\", \"text\": \"why do coral reefs bleach\"}\n"
              "{\"_id\": \"q2\", \"text\": \"how do vaccines block a virus\"}\n");
    writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td0\t1\nq1\td1\t1\nq2\td6\t1\n");
    writeText(dir / "splits" / "dev.txt", "q2\n");
}

} // namespace

class TestCliSynth : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }

private slots:
    void initTestCase() { writeTopicBeir(path(m_dir) / "beir"); }

    void generatesFolders_data()
    {
        QTest::addColumn<QString>("generator");
        QTest::addColumn<int>("queries");
        // ict: two sentences per document, but the two 4-token vaccine sentences are too short;
        // title: one per document whatever --per-doc says; keyphrase: two distinct term sets.
        QTest::newRow("ict") << "ict" << 14;
        QTest::newRow("title") << "title" << 8;
        QTest::newRow("keyphrase") << "keyphrase" << 16;
    }
    void generatesFolders()
    {
        QFETCH(QString, generator);
        QFETCH(int, queries);
        const QString out = p(qPrintable("synth-" + generator));
        const CliRun r = runCli({"synth", "--dataset", p("beir"), "--generator", generator, "--out", out,
                                 "--per-doc", "2", "--terms", "3", "--seed", "4"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile manifest(out + "/manifest.json");
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const QJsonObject m = QJsonDocument::fromJson(manifest.readAll()).object();
        QCOMPARE(m["generator"].toString(), generator);
        QCOMPARE(m["seed"].toString(), QStringLiteral("4"));
        QCOMPARE(m["documents_sampled"].toInt(), 8);
        QCOMPARE(m["queries"].toInt(), queries);
        QVERIFY(QFile::exists(out + "/queries.jsonl"));
        QVERIFY(QFile::exists(out + "/qrels/train.tsv"));
    }

    void trainsOnGeneratedQueries()
    {
        const QString synth = p("synth-ict");
        // Held-out generated dev queries (no --dev-queries), LSA fitted here.
        CliRun r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                           "--train-source", "synth:" + synth, "--param", "epochs=3", "--threads", "1", "--json", "-",
                           "--synth-dev-fraction", "0.25"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("10 for training, 4 held out for dev"), qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(report["queries"].toInt(), 2); // evaluated on the labelled test split only
        QVERIFY(report["tuned"].toObject().contains("ndcg@10"));
        // Labelled dev queries instead: every generated query trains.
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:" + synth, "--dev-queries", p("beir/splits/dev.txt"), "--param",
                    "epochs=2", "--threads", "1", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    // synth --workspace W --name NAME stores the set in the workspace; --list shows it; --export
    // writes a BEIR folder the BEIR reader loads; train --workspace W --train-source synth:NAME
    // trains on it; names that do not resolve are input errors.
    void workspaceSets()
    {
        const QString ws = p("ws");
        CliRun r = runCli({"synth", "--dataset", p("beir"), "--generator", "ict", "--per-doc", "2", "--seed", "4",
                           "--workspace", ws, "--name", "ict-a"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("query set 1 \"ict-a\""), qPrintable(r.out));
        {
            auto opened = embtune::app::Workspace::open(ws.toStdString());
            QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().toString().c_str());
            auto sets = opened->querySets();
            QVERIFY(sets.ok());
            QCOMPARE(sets->size(), size_t(1));
            const embtune::app::QuerySetRecord &record = sets->front();
            QCOMPARE(record.name, std::string("ict-a"));
            QCOMPARE(record.generator, std::string("ict"));
            QCOMPARE(record.count, int64_t(14));
            QCOMPARE(record.folder, std::string("artifacts/query_sets/1"));
            const QJsonObject params = QJsonDocument::fromJson(QByteArray::fromStdString(record.paramsJson)).object();
            QCOMPARE(params["seed"].toString(), QStringLiteral("4"));
            QCOMPARE(params["queries"].toInt(), 14);
            QCOMPARE(params["documents_sampled"].toInt(), 8);
            QVERIFY(params["parameters"].toString().contains("remove"));
            QVERIFY(QFile::exists(ws + "/artifacts/query_sets/1/manifest.json"));
        }
        // A taken name, --name without --workspace, --list/--export without a workspace: usage.
        r = runCli({"synth", "--dataset", p("beir"), "--generator", "title", "--workspace", ws, "--name", "ict-a"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("already has a query set named"), qPrintable(r.err));
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "title", "--name", "t"}).exitCode, 2);
        QCOMPARE(runCli({"synth", "--list"}).exitCode, 2);
        QCOMPARE(runCli({"synth", "--workspace", ws, "--export", "ict-a"}).exitCode, 2);
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "title", "--workspace", ws, "--name",
                         "titles", "--quiet"})
                     .exitCode,
                 0);

        r = runCli({"synth", "--workspace", ws, "--list"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3); // header + two sets
        QVERIFY2(lines[1].contains("ict-a") && lines[1].contains(" 14 ") && lines[1].contains("beir"), qPrintable(r.out));
        QVERIFY2(lines[2].contains("titles") && lines[2].contains("title") && lines[2].contains(" 8 "), qPrintable(r.out));

        // Export: a BEIR folder with the corpus, the generated queries and their qrels.
        const QString exported = p("ict-a-beir");
        r = runCli({"synth", "--workspace", ws, "--export", "ict-a", "--out", exported});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto beir = embtune::engine::readBeirDataset(exported.toStdString());
        QVERIFY2(beir.ok(), beir.ok() ? "" : beir.error().toString().c_str());
        QCOMPARE(beir->docCount(), 8);
        QCOMPARE(beir->queryCount(), 14);
        const embtune::engine::Qrels *train = beir->split("train");
        QVERIFY(train);
        QCOMPARE(int(train->queries.size()), 14);
        for (const auto &judged : train->queries) {
            QCOMPARE(judged.relevantCount(), 1);
            // ict:<doc id>:<k>: the positive is the document the query was generated from.
            const std::string &id = beir->queryIds.id(judged.query);
            const std::string doc = id.substr(4, id.rfind(':') - 4);
            QCOMPARE(beir->docIds.id(judged.judged.front().doc), doc);
        }
        // Never over a dataset: the same folder again (or the dataset's own) is refused.
        r = runCli({"synth", "--workspace", ws, "--export", "ict-a", "--out", exported});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("already holds a dataset"), qPrintable(r.err));
        r = runCli({"synth", "--workspace", ws, "--export", "ict-a", "--out", p("beir")});
        QCOMPARE(r.exitCode, 1);
        r = runCli({"synth", "--workspace", ws, "--export", "nope", "--out", p("nope")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no query set named \"nope\""), qPrintable(r.err));

        // Training on a set of the workspace by name (held-out generated dev queries); the run is
        // recorded in the same workspace.
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:ict-a", "--workspace", ws, "--param", "epochs=2", "--threads", "1",
                    "--json", "-"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("generated queries (ict)"), qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["queries"].toInt(), 2);
        // A folder path still works beside the workspace; an unknown name does not.
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:" + p("synth-ict"), "--workspace", ws, "--param", "epochs=1",
                    "--threads", "1", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:unknown", "--workspace", ws, "--quiet"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no query set named \"unknown\""), qPrintable(r.err));
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:ict-a", "--quiet"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("needs --workspace"), qPrintable(r.err));
    }

    void errors()
    {
        // Unknown generator, unknown train source, both or neither embedding options: usage.
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "magic", "--out", p("x")}).exitCode, 2);
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "ict"}).exitCode, 2);
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "ict", "--out", p("x"), "--model", "m"})
                     .exitCode,
                 2);
        QCOMPARE(runCli({"synth", "--dataset", p("beir"), "--generator", "llm", "--out", p("x")}).exitCode, 2);
        CliRun r = runCli({"synth", "--dataset", p("missing"), "--generator", "ict", "--out", p("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("missing"));
        // No sentence is long enough: an input error, nothing written.
        r = runCli({"synth", "--dataset", p("beir"), "--generator", "ict", "--out", p("none"), "--min-tokens", "500"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!QFile::exists(p("none/manifest.json")));

        const QStringList train{"train", "--method", "linear", "--dataset", p("beir")};
        QCOMPARE(runCli(QStringList(train) << "--embedder" << "lsa" << "--train-source" << "labels").exitCode, 2);
        QCOMPARE(runCli(QStringList(train) << "--train-source" << "synth:" + p("synth-ict")).exitCode, 2);
        // Precomputed vectors without an embedder model cannot embed generated queries.
        writeTinyEmbeddings(path(m_dir) / "tiny-emb");
        writeTinyBeir(path(m_dir) / "tiny");
        r = runCli({"synth", "--dataset", p("tiny"), "--generator", "title", "--out", p("tiny-synth")});
        QCOMPARE(r.exitCode, 0);
        r = runCli({"train", "--method", "linear", "--dataset", p("tiny"), "--embeddings", p("tiny-emb"),
                    "--train-source", "synth:" + p("tiny-synth")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot embed the generated queries"), qPrintable(r.err));
        // A generated set of another dataset.
        r = runCli({"train", "--method", "linear", "--dataset", p("beir"), "--embedder", "lsa", "--dim", "4",
                    "--train-source", "synth:" + p("tiny-synth")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("another dataset"), qPrintable(r.err));
    }

    // Acceptance: ICT queries only, LSA 256 for corpus, queries and generated queries, labelled
    // dev queries for selection. 10 epochs keep it short (README: 30 epochs, the full recipe).
    void scifactIctImprovesLinear()
    {
#ifdef EMBTUNE_SANITIZED
        QSKIP("the SciFact ICT figure is measured by the optimised build (minutes under the sanitizers); the "
              "fixture tests above cover the same code");
#endif
        const QString scifact = sharedScifact();
        if (scifact.isEmpty())
            QSKIP("../shared/datasets/scifact is absent (set EMBTUNE_SHARED_DIR)");
        const QString synth = p("scifact-ict");
        CliRun r = runCli({"synth", "--dataset", scifact, "--generator", "ict", "--out", synth, "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"train", "--method", "linear", "--dataset", scifact, "--embedder", "lsa", "--dim", "256",
                    "--train-source", "synth:" + synth, "--dev-queries", scifact + "/splits/dev.txt", "--param",
                    "epochs=10", "--threads", "2", "--json", "-"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const double baseline = report["baseline"].toObject()["ndcg@10"].toDouble();
        const double tuned = report["tuned"].toObject()["ndcg@10"].toDouble();
        qInfo("SciFact ICT linear: nDCG@10 %.5f -> %.5f", baseline, tuned);
        QVERIFY(std::abs(baseline - 0.4771) < 0.002);
        QVERIFY2(tuned - baseline >= 0.015, qPrintable(QString::number(tuned - baseline)));
    }
};

QTEST_GUILESS_MAIN(TestCliSynth)
#include "test_cli_synth.moc"
