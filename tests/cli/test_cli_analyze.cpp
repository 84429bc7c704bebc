// embtune-cli analyze and compare as a user runs them: figures on the tiny fixture checked
// against direct computations, the OOD report for every method, significance between real run
// files, and a test per error case.

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace embtune::test;

namespace {

QJsonObject parse(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// A run file in the format of `evaluate --json F --per-query` with the given nDCG@10 values.
std::string runFile(const std::vector<std::pair<std::string, double>> &values)
{
    std::string out = "{\"split\": \"test\", \"per_query\": {";
    for (size_t i = 0; i < values.size(); ++i) {
        out.append(i ? ", \"" : "\"");
        out.append(values[i].first);
        out.append("\": {\"ndcg@10\": ");
        out.append(std::to_string(values[i].second));
        out.append("}");
    }
    out.append("}}\n");
    return out;
}

// A dataset whose queries fall into two groups (documents on a circle, a query near its target
// document): 20 documents, 24 queries; q0..q11 train, q12..q17 dev, q18..q23 test. Query i's
// relevant document is (7 i) mod 20.
void writeTwoGroupDataset(const std::filesystem::path &beir, const std::filesystem::path &emb)
{
    std::string corpus, queries, train = "query-id\tcorpus-id\tscore\n", test = train, trainIds, devIds, docIds,
                                    queryIds;
    std::vector<float> docs, qv;
    const double pi = 3.14159265358979;
    for (int j = 0; j < 20; ++j) {
        const std::string id = std::string("d").append(std::to_string(j));
        corpus.append("{\"_id\": \"" + id + "\", \"title\": \"\", \"text\": \"document number " + id + "\"}\n");
        docIds.append(id + "\n");
        const double angle = j * 2 * pi / 20;
        for (double v : {std::cos(angle), std::sin(angle), 0.1 * (j % 3), 0.1 * (j % 5)})
            docs.push_back(float(v));
    }
    for (int i = 0; i < 24; ++i) {
        const std::string id = std::string("q").append(std::to_string(i));
        const int target = (7 * i) % 20;
        const std::string targetId = std::string("d").append(std::to_string(target));
        queries.append("{\"_id\": \"" + id + "\", \"text\": \"query about " + targetId + "\"}\n");
        queryIds.append(id + "\n");
        const double angle = target * 2 * pi / 20 + 0.05 * ((i % 3) - 1);
        for (double v : {std::cos(angle), std::sin(angle), 0.1 * (target % 3) + 0.03, 0.1 * (target % 5)})
            qv.push_back(float(v));
        const std::string line = id + "\t" + targetId + "\t1\n";
        (i < 18 ? train : test).append(line);
        (i < 12 ? trainIds : devIds).append(i < 18 ? id + "\n" : std::string());
    }
    writeText(beir / "corpus.jsonl", corpus);
    writeText(beir / "queries.jsonl", queries);
    writeText(beir / "qrels" / "train.tsv", train);
    writeText(beir / "qrels" / "test.tsv", test);
    writeText(beir / "splits" / "train.txt", trainIds);
    writeText(beir / "splits" / "dev.txt", devIds);
    writeBytes(emb / "corpus.npy", npyHeader("<f4", 20, 4) + rawBytes(docs));
    writeText(emb / "corpus_ids.txt", docIds);
    writeBytes(emb / "queries.npy", npyHeader("<f4", 24, 4) + rawBytes(qv));
    writeText(emb / "query_ids.txt", queryIds);
}

} // namespace

class TestCliAnalyze : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }
    QStringList analyze() const { return {"analyze", "--dataset", p("beir"), "--embeddings", p("emb")}; }
    QStringList withMethod(const QString &method) const
    {
        return analyze() << "--method" << method << "--train-queries" << p("beir/splits/train.txt") << "--dev-queries"
                         << p("beir/splits/dev.txt");
    }
    QStringList groups(const QString &method) const
    {
        return {"analyze", "--dataset", p("groups"), "--embeddings", p("groups-emb"), "--method", method,
                "--train-queries", p("groups/splits/train.txt"), "--dev-queries", p("groups/splits/dev.txt"), "--ood"};
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        writeTinyEmbeddings(path(m_dir) / "emb");
        writeText(path(m_dir) / "beir" / "splits" / "train.txt", "q1\nq2\n");
        writeText(path(m_dir) / "beir" / "splits" / "dev.txt", "q2\n");
        writeTwoGroupDataset(path(m_dir) / "groups", path(m_dir) / "groups-emb");
    }

    void baselineFigures()
    {
        const CliRun r = runCli(analyze() << "--random-pairs" << "100" << "--bins" << "8" << "--json" << "-");
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = parse(r.out);
        QVERIFY(report["method"].isNull());
        const QJsonObject before = report["before"].toObject();
        // Documents d1 (1,0) d2 (0,1) d3 (.8,.6) d4 (-1,0) d5 (.6,.8): mean cosine of the 10 pairs.
        const double docs[5][2] = {{1, 0}, {0, 1}, {0.8, 0.6}, {-1, 0}, {0.6, 0.8}};
        double pairs = 0;
        for (int i = 0; i < 5; ++i)
            for (int j = i + 1; j < 5; ++j)
                pairs += docs[i][0] * docs[j][0] + docs[i][1] * docs[j][1];
        const QJsonObject d = before["documents"].toObject();
        QCOMPARE(d["rows"].toInt(), 5);
        QVERIFY(std::abs(d["average_pair_cosine"].toDouble() - pairs / 10) < 1e-6);
        QCOMPARE(before["queries"].toObject()["rows"].toInt(), 3);
        // Similarity: q1 relevant d1, d3 (cos 1, .8); q2 relevant d2 (cos 1); q3 has no relevant document.
        const QJsonObject similarity = before["similarity"].toObject();
        QCOMPARE(similarity["queries"].toInt(), 2);
        const QJsonObject relevant = similarity["relevant"].toObject();
        QCOMPARE(relevant["count"].toInt(), 3);
        QVERIFY(std::abs(relevant["mean"].toDouble() - (1 + 0.8 + 1) / 3) < 1e-6);
        QCOMPARE(relevant["counts"].toArray().size(), 8);
        QCOMPARE(similarity["random"].toObject()["count"].toInt(), 100);
        // Top non-relevant: q1 has 3 other documents, q2 has 4 -> 7 values.
        // q1: d5 .6, d2 0, d4 -1; q2: d5 .8, d3 .6, d1 0, d4 0 -> mean (.6 + 0 - 1 + .8 + .6 + 0 + 0) / 7.
        const QJsonObject hard = similarity["top_non_relevant"].toObject();
        QCOMPARE(hard["count"].toInt(), 7);
        QVERIFY(std::abs(hard["mean"].toDouble() - 1.0 / 7) < 1e-6);
        int sum = 0;
        for (const auto &c : hard["counts"].toArray())
            sum += c.toInt();
        QCOMPARE(sum, 7);
        // Readable text form.
        const CliRun text = runCli(analyze());
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("before"));
        QVERIFY(text.out.contains("top-10 non-relevant"));
    }

    void methodAndOod()
    {
        const CliRun r = runCli(groups("nudge-n") << "--json" << "-");
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = parse(r.out);
        QCOMPARE(report["method"].toString(), QString("nudge-n"));
        QVERIFY(report["after"].toObject()["documents"].toObject().contains("effective_rank"));
        QVERIFY(report["projection"].toObject().contains("moved_documents"));
        const QJsonObject ood = report["ood"].toObject();
        const QJsonArray train = ood["train_queries"].toArray();
        QCOMPARE(train[0].toInt() + train[1].toInt(), 12);
        QVERIFY(train[0].toInt() > 0 && train[1].toInt() > 0);
        const QJsonArray dev = ood["dev_queries"].toArray();
        QCOMPARE(dev[0].toInt() + dev[1].toInt(), 6);
        const QJsonArray clusters = ood["clusters"].toArray();
        QCOMPARE(clusters.size(), 2);
        QCOMPARE(clusters[0].toObject()["test_queries"].toInt() + clusters[1].toObject()["test_queries"].toInt(), 6);
        QVERIFY(clusters[1].toObject()["tuned"].toObject().contains("ndcg@10"));
        const CliRun text = runCli(groups("nudge-n"));
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("after nudge-n"));
        QVERIFY(text.out.contains("out-of-distribution"));
    }

    void oodForEveryMethod_data()
    {
        QTest::addColumn<QString>("method");
        for (const char *method :
             {"nudge-n", "nudge-m", "linear", "adder", "adder2", "mafin", "mafin-lambda", "refine", "soft-label"})
            QTest::newRow(method) << method;
    }
    void oodForEveryMethod()
    {
        QFETCH(QString, method);
        QStringList args = groups(method) << "--json" << "-";
        if (!method.startsWith("nudge"))
            args << "--param" << "epochs=1";
        if (method.startsWith("mafin"))
            args << "--param" << "buckets=1024";
        if (method == "soft-label")
            args << "--expert" << p("groups-emb");
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(parse(r.out)["ood"].toObject()["method"].toString(), method);
    }

    void analyzeErrors()
    {
        CliRun r = runCli({"analyze", "--dataset", p("beir")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--embeddings"));
        r = runCli(analyze() << "--ood");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--ood needs --method"));
        r = runCli(analyze() << "--method" << "nope" << "--train-queries" << p("beir/splits/train.txt")
                             << "--dev-queries" << p("beir/splits/dev.txt"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown method \"nope\""));
        r = runCli(analyze() << "--method" << "nudge-n");
        QCOMPARE(r.exitCode, 2);
        r = runCli({"analyze", "--dataset", p("missing"), "--embeddings", p("emb")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("missing"));
        r = runCli(analyze() << "--split" << "dev");
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no split \"dev\""));
        r = runCli(analyze() << "--bins" << "0");
        QCOMPARE(r.exitCode, 2);
    }

    void compareRealRuns()
    {
        const QString eval = p("eval.json"), train = p("train.json");
        CliRun r = runCli({"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--json", eval, "--per-query",
                           "--quiet"});
        QCOMPARE(r.exitCode, 0);
        r = runCli({"train", "--method", "nudge-n", "--dataset", p("beir"), "--embeddings", p("emb"),
                    "--train-queries", p("beir/splits/train.txt"), "--dev-queries", p("beir/splits/dev.txt"), "--json",
                    train, "--per-query", "--quiet"});
        QCOMPARE(r.exitCode, 0);
        // Identical runs: p = 1.
        r = runCli({"compare", eval, eval, "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        QJsonObject c = parse(r.out);
        QCOMPARE(c["p_value"].toDouble(), 1.0);
        QCOMPARE(c["mean_difference"].toDouble(), 0.0);
        QCOMPARE(c["queries"].toInt(), 2);
        // The evaluation and the train file's baseline are the same run.
        r = runCli({"compare", eval, train + "#baseline", "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(parse(r.out)["p_value"].toDouble(), 1.0);
        // Baseline vs tuned: the mean difference is the difference of the reported means.
        r = runCli({"compare", train + "#baseline", train, "--metric", "recall@10", "--json", "-"});
        QCOMPARE(r.exitCode, 0);
        c = parse(r.out);
        const QJsonObject t = parse(QString::fromUtf8([&] {
                                        QFile f(train);
                                        f.open(QIODevice::ReadOnly);
                                        return f.readAll();
                                    }()));
        const double want = t["tuned"].toObject()["recall@10"].toDouble() - t["baseline"].toObject()["recall@10"].toDouble();
        QVERIFY(std::abs(c["mean_difference"].toDouble() - want) < 1e-9);
        QCOMPARE(c["metric"].toString(), QString("recall@10"));
        const QJsonArray interval = c["interval"].toArray();
        QVERIFY(interval[0].toDouble() <= c["mean_difference"].toDouble() + 1e-12);
        QVERIFY(c["mean_difference"].toDouble() <= interval[1].toDouble() + 1e-12);
        // Text form.
        r = runCli({"compare", eval, train});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("paired randomisation test"));
    }

    void compareEveryQueryImproved()
    {
        std::vector<std::pair<std::string, double>> a, b;
        for (int i = 0; i < 30; ++i) {
            const std::string id = std::string("q").append(std::to_string(i));
            a.push_back({id, 0.3 + 0.01 * i});
            b.push_back({id, 0.35 + 0.012 * i});
        }
        writeText(path(m_dir) / "a.json", runFile(a));
        writeText(path(m_dir) / "b.json", runFile(b));
        const CliRun r = runCli({"compare", p("a.json"), p("b.json"), "--json", "-", "--seed", "3"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject c = parse(r.out);
        QVERIFY(c["p_value"].toDouble() < 0.001);
        QCOMPARE(c["b_better"].toInt(), 30);
        QCOMPARE(c["permutations"].toInt(), 10000);
    }

    void compareErrors()
    {
        writeText(path(m_dir) / "x.json", runFile({{"q1", 0.5}, {"q2", 0.4}, {"q3", 0.1}}));
        writeText(path(m_dir) / "y.json", runFile({{"q1", 0.5}, {"q2b", 0.4}, {"q3", 0.1}}));
        writeText(path(m_dir) / "noperquery.json", "{\"split\": \"test\", \"metrics\": {}}\n");
        writeText(path(m_dir) / "broken.json", "{\"per_query\": {\n");
        // Missing file: exit 1 naming it.
        CliRun r = runCli({"compare", p("x.json"), p("nothere.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("nothere.json"));
        // Different query sets: the first differing query is named.
        r = runCli({"compare", p("x.json"), p("y.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("different queries") && r.err.contains("\"q2\""), qPrintable(r.err));
        // Unknown metric name: usage (2); a metric the files do not hold: input (1).
        r = runCli({"compare", p("x.json"), p("x.json"), "--metric", "foo@10"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown metric \"foo@10\""));
        r = runCli({"compare", p("x.json"), p("x.json"), "--metric", "ndcg@7"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no value of ndcg@7"));
        // No per-query values, invalid JSON, one run only, #tuned on an evaluation file.
        r = runCli({"compare", p("x.json"), p("noperquery.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--per-query"));
        r = runCli({"compare", p("broken.json"), p("x.json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("broken.json"));
        r = runCli({"compare", p("x.json")});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"compare", p("x.json") + "#tuned", p("x.json")});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"compare", p("x.json"), p("x.json"), "--permutations", "0"});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliAnalyze)
#include "test_cli_analyze.moc"
