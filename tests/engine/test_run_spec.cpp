// RunSpec (engine/run/run_spec.h): the JSON form round-trips every field; unknown keys, wrong
// types, out-of-range values, a newer schema version and hostile files are errors naming the key
// or the file; validation catches specs that cannot run; the command line names exactly the
// keys that differ from the defaults, quoted for a POSIX shell; the baseline spec of a trained
// run drops everything of the method. runPipeline on a fixture: method "none" evaluates the
// set as evaluateEmbeddings does, a cancel returns Cancelled.

#include "run/run_pipeline.h"
#include "run/run_spec.h"

#include "data/beir_reader.h"
#include "support/fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace embtune::engine;
namespace fs = std::filesystem;

namespace {

// A spec with every field away from its default.
RunSpec everyFieldSet()
{
    RunSpec spec;
    spec.dataset = "/data/beir set";
    spec.base = RunBase::Embeddings;
    spec.embeddings = "/data/vectors";
    spec.method = "linear";
    spec.params = {{"epochs", "3"}, {"lr", "0.002"}};
    spec.trainQueries = "/data/train.txt";
    spec.devQueries = "/data/dev.txt";
    spec.generatedQueries = "/data/ict";
    spec.generatedDevFraction = 0.25;
    spec.queryEmbedder = "/data/vectors/model";
    spec.search = RunSearch::Hnsw;
    spec.hnsw.m = 24;
    spec.hnsw.efConstruction = 150;
    spec.hnsw.efSearch = 64;
    spec.hnsw.seed = 7;
    spec.split = "dev";
    spec.ks = {1, 10, 50};
    spec.metrics = {Metric::Ndcg, Metric::Recall};
    spec.similarity = Similarity::Dot;
    spec.ignoreSameId = true;
    spec.seed = 42;
    spec.threads = 2;
    return spec;
}

std::string errorOf(const std::string &json)
{
    auto spec = runSpecFromJson(json, "spec.json");
    return spec ? std::string() : spec.error().toString();
}

} // namespace

class TestRunSpec : public QObject {
    Q_OBJECT
private slots:
    void roundTripsEveryField()
    {
        const RunSpec spec = everyFieldSet();
        QVERIFY2(validateRunSpec(spec).ok(), validateRunSpec(spec).ok() ? "" : validateRunSpec(spec).error().toString().c_str());
        const std::string json = runSpecToJson(spec);
        auto back = runSpecFromJson(json);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QVERIFY(*back == spec);
        QCOMPARE(runSpecToJson(*back), json);

        RunSpec defaults;
        defaults.dataset = "d";
        defaults.embeddings = "e";
        auto defaultsBack = runSpecFromJson(runSpecToJson(defaults));
        QVERIFY(defaultsBack.ok());
        QVERIFY(*defaultsBack == defaults);
        // Only "dataset" and "embeddings" are needed; the rest takes the defaults.
        auto minimal = runSpecFromJson(R"({"dataset": "d", "embeddings": "e"})");
        QVERIFY(minimal.ok());
        QVERIFY(*minimal == defaults);
    }

    void roundTripsFusion()
    {
        RunSpec spec;
        spec.dataset = "d";
        spec.base = RunBase::Fusion;
        spec.devQueries = "dev.txt";
        spec.trainQueries = "train.txt";
        RunSpec bm25;
        bm25.dataset = "d";
        bm25.base = RunBase::Bm25;
        bm25.bm25 = {1.25, 0.7, false};
        RunSpec tuned = everyFieldSet();
        tuned.dataset = "d";
        spec.members = {bm25, tuned};
        spec.fusion.options = {FusionMethod::Rrf, ScoreNormalization::TheoreticalMinMax, 50, 30};
        spec.fusion.weights = {0.25, 0.75};
        QVERIFY2(validateRunSpec(spec).ok(), validateRunSpec(spec).ok() ? "" : validateRunSpec(spec).error().toString().c_str());
        const std::string json = runSpecToJson(spec);
        auto back = runSpecFromJson(json);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QVERIFY(*back == spec);
        QCOMPARE(runSpecToJson(*back), json);
        // A member's dataset defaults to the fusion's; the fusion's own defaults: convex, zscore,
        // depth 100, weights and RRF k chosen on dev.
        auto minimal = runSpecFromJson(R"({"dataset": "d", "base": "fusion", "dev_queries": "v",
            "members": [{"base": "bm25"}, {"embeddings": "e"}]})");
        QVERIFY2(minimal.ok(), minimal.ok() ? "" : minimal.error().toString().c_str());
        QCOMPARE(minimal->members.size(), size_t(2));
        QCOMPARE(minimal->members[1].dataset, std::string("d"));
        QVERIFY(minimal->fusion == FusionSettings{});
        QCOMPARE(minimal->fusion.options.rrfK, 0.0);
        // The command line that runs it: `fuse` with one --member per member.
        const std::string line = shellCommandLine(runSpecCommandLine(spec));
        QVERIFY2(line.find("embtune-cli fuse --dataset d") == 0, line.c_str());
        QVERIFY2(line.find("--member bm25,k1=1.25,b=0.7") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--fusion rrf --rrf-k 30") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--weights 0.25,0.75") != std::string::npos, line.c_str());

        // A member that chains methods (base "run") is written method=A+B when its earlier stage
        // is what `fuse` makes of that (defaults, the fusion's query lists), else as `run`.
        RunSpec first;
        first.dataset = "d";
        first.embeddings = "e";
        first.method = "nudge-n";
        first.trainQueries = spec.trainQueries;
        first.devQueries = spec.devQueries;
        RunSpec chained = first;
        chained.base = RunBase::Run;
        chained.embeddings.clear();
        chained.method = "linear";
        chained.params = {{"epochs", "3"}};
        chained.baseRun = {first};
        spec.members = {bm25, chained};
        QVERIFY2(validateRunSpec(spec).ok(), validateRunSpec(spec).ok() ? "" : validateRunSpec(spec).error().toString().c_str());
        auto chainBack = runSpecFromJson(runSpecToJson(spec));
        QVERIFY(chainBack.ok() && *chainBack == spec);
        const std::string chainLine = shellCommandLine(runSpecCommandLine(spec));
        QVERIFY2(chainLine.find("--member embeddings=e,method=nudge-n+linear,epochs=3") != std::string::npos,
                 chainLine.c_str());
        spec.members[1].baseRun.front().params = {{"gamma", "0.1"}};
        QCOMPARE(runSpecCommandLine(spec), (std::vector<std::string>{"run", "spec.json"}));

        // A BM25 run of its own: evaluate's flags when k1 and b are the defaults; otherwise
        // `run` (evaluate has no k1 and b flags), so the line never drops them.
        RunSpec alone;
        alone.dataset = "d";
        alone.base = RunBase::Bm25;
        QCOMPARE(runSpecCommandLine(alone).front(), std::string("evaluate"));
        alone.bm25.k1 = 1.2;
        QCOMPARE(runSpecCommandLine(alone), (std::vector<std::string>{"run", "spec.json"}));
    }

    void errorsNameTheKey_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("needle");
        QTest::newRow("unknown key") << R"({"dataset": "d", "embeddings": "e", "epochs": 3})" << "\"epochs\" is not a key";
        QTest::newRow("unknown hnsw key") << R"({"dataset": "d", "embeddings": "e", "search": "hnsw", "hnsw": {"m": 3}})"
                                          << "\"hnsw.m\" is not a key";
        QTest::newRow("wrong type") << R"({"dataset": 5, "embeddings": "e"})" << "\"dataset\" must be a string";
        QTest::newRow("bad base") << R"({"dataset": "d", "base": "tfidf"})" << "\"base\" must be";
        QTest::newRow("k out of range") << R"({"dataset": "d", "embeddings": "e", "k": [0, 10]})" << "\"k\" must be between";
        QTest::newRow("threads") << R"({"dataset": "d", "embeddings": "e", "threads": -1})" << "\"threads\" must be between";
        QTest::newRow("metric") << R"({"dataset": "d", "embeddings": "e", "metrics": ["bleu"]})" << "unknown metric \"bleu\"";
        QTest::newRow("twice") << R"({"dataset": "d", "dataset": "d", "embeddings": "e"})" << "\"dataset\" is given twice";
        QTest::newRow("param type") << R"({"dataset": "d", "embeddings": "e", "method": "linear", "params": {"epochs": [3]},
            "train_queries": "t", "dev_queries": "v"})" << "\"params.epochs\" must be";
        QTest::newRow("unknown param") << R"({"dataset": "d", "embeddings": "e", "method": "linear", "params": {"epoch": "3"},
            "train_queries": "t", "dev_queries": "v"})" << "epoch";
        QTest::newRow("unknown method") << R"({"dataset": "d", "embeddings": "e", "method": "magic", "train_queries": "t",
            "dev_queries": "v"})" << "unknown method \"magic\"";
        QTest::newRow("newer version") << R"({"embtune_run_spec": 99, "dataset": "d", "embeddings": "e"})"
                                       << "schema version 99 is newer";
        QTest::newRow("not an object") << "[1, 2]" << "one JSON object";
        QTest::newRow("malformed") << R"({"dataset": )" << "malformed JSON";
        QTest::newRow("no dataset") << R"({"embeddings": "e"})" << "needs a dataset";
        QTest::newRow("bm25 with method") << R"({"dataset": "d", "base": "bm25", "method": "linear",
            "train_queries": "t", "dev_queries": "v"})" << "takes no method";
        QTest::newRow("trained without train queries") << R"({"dataset": "d", "embeddings": "e", "method": "linear",
            "dev_queries": "v"})" << "needs \"train_queries\"";
        QTest::newRow("params without method") << R"({"dataset": "d", "embeddings": "e", "params": {"epochs": "3"}})"
                                               << "apply to a trained method";
        const char *fused = R"({"dataset": "d", "base": "fusion", "dev_queries": "v", "members": [{"base": "bm25"}, {"embeddings": "e"}], )";
        QTest::newRow("fusion method") << QString(fused) + R"("fusion": {"method": "max"}})" << "\"fusion.method\" must be";
        QTest::newRow("fusion key") << QString(fused) + R"("fusion": {"alpha": 1}})" << "\"fusion.alpha\" is not a key";
        QTest::newRow("fusion weights count") << QString(fused) + R"("fusion": {"weights": [1]}})" << "one weight per member";
        QTest::newRow("fusion negative weight") << QString(fused) + R"("fusion": {"weights": [1, -1]}})" << "from 0 to";
        QTest::newRow("fusion zero weights") << QString(fused) + R"("fusion": {"weights": [0, 0]}})" << "at least one weight";
        QTest::newRow("fusion member key") << R"({"dataset": "d", "base": "fusion", "dev_queries": "v",
            "members": [{"base": "bm25"}, {"embeddings": "e", "epochs": 1}]})" << "\"members[1].epochs\" is not a key";
        QTest::newRow("fusion one member") << R"({"dataset": "d", "base": "fusion", "dev_queries": "v",
            "members": [{"base": "bm25"}]})" << "between 2 and 16";
        QTest::newRow("bm25 key") << R"({"dataset": "d", "base": "bm25", "bm25": {"k": 1}})" << "\"bm25.k\" is not a key";
        QTest::newRow("bm25 b range") << R"({"dataset": "d", "base": "bm25", "bm25": {"b": 1.5}})" << "\"b\" between 0 and 1";
        QTest::newRow("bm25 on embeddings") << R"({"dataset": "d", "embeddings": "e", "bm25": {"k1": 1.2}})"
                                            << "applies to base \"bm25\"";
        QTest::newRow("bm25 on dev with weights") << QString(fused).replace(R"({"base": "bm25"})",
                                                                            R"({"base": "bm25", "bm25": {"choose_on_dev": true}})") +
                                                         R"("fusion": {"weights": [1, 1]}})"
                                                  << "k1 and b are chosen with the weights";
        QTest::newRow("fusion in fusion") << R"({"dataset": "d", "base": "fusion", "dev_queries": "v",
            "members": [{"base": "bm25"}, {"base": "fusion", "members": []}]})" << "cannot be a fusion itself";
        QTest::newRow("fusion without dev") << R"({"dataset": "d", "base": "fusion",
            "members": [{"base": "bm25"}, {"embeddings": "e"}]})" << "needs \"dev_queries\"";
        QTest::newRow("fusion member dataset") << R"({"dataset": "d", "base": "fusion", "dev_queries": "v",
            "members": [{"base": "bm25"}, {"dataset": "other", "embeddings": "e"}]})" << "member 2: its dataset differs";
        QTest::newRow("members without fusion") << R"({"dataset": "d", "embeddings": "e", "members": [{"base": "bm25"}]})"
                                                << "apply to base \"fusion\"";
        QTest::newRow("index without hnsw") << R"({"dataset": "d", "embeddings": "e", "hnsw": {"index": "x"}})"
                                            << "needs \"search\": \"hnsw\"";
    }
    void errorsNameTheKey()
    {
        QFETCH(QString, json);
        QFETCH(QString, needle);
        const std::string error = errorOf(json.toStdString());
        QVERIFY2(!error.empty(), qPrintable(json));
        QVERIFY2(QString::fromStdString(error).contains(needle), error.c_str());
        QVERIFY2(error.find("spec.json") != std::string::npos, error.c_str());
    }

    void hostileFiles()
    {
        QTemporaryDir dir;
        const fs::path root = embtune::test::path(dir);
        auto missing = readRunSpecFile((root / "absent.json").string());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().toString().find("absent.json") != std::string::npos);
        // Larger than the bound: refused before it is read.
        const fs::path big = root / "big.json";
        std::ofstream(big).close();
        fs::resize_file(big, uintmax_t(17) << 20);
        auto tooBig = readRunSpecFile(big.string());
        QVERIFY(!tooBig.ok());
        QVERIFY(tooBig.error().toString().find("larger than 16 MiB") != std::string::npos);
        embtune::test::writeText(root / "binary.json", std::string("\x00\xff\xfe{", 4));
        QVERIFY(!readRunSpecFile((root / "binary.json").string()).ok());
    }

    void commandLine()
    {
        RunSpec spec;
        spec.dataset = "/data/my set";
        spec.embeddings = "/data/vec";
        QCOMPARE(shellCommandLine(runSpecCommandLine(spec)),
                 std::string("embtune-cli evaluate --dataset '/data/my set' --embeddings /data/vec --split test"));
        spec.method = "nudge-n";
        spec.trainQueries = "/t.txt";
        spec.devQueries = "/d'v.txt";
        spec.params = {{"gamma_max", "0.5"}};
        spec.split = "dev";
        const std::vector<std::string> args = runSpecCommandLine(spec);
        QCOMPARE(args.front(), std::string("train"));
        const std::string line = shellCommandLine(args);
        QVERIFY2(line.find("--method nudge-n") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--param gamma_max=0.5") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--dev-queries '/d'\\''v.txt'") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--eval-split dev") != std::string::npos, line.c_str());
        QVERIFY2(line.find("--threads") == std::string::npos, line.c_str()); // defaults are not repeated
    }

    void baselineSpec()
    {
        const RunSpec trained = everyFieldSet();
        const RunSpec baseline = baselineSpecOf(trained);
        QVERIFY(!baseline.trained());
        QVERIFY(validateRunSpec(baseline).ok());
        QCOMPARE(baseline.dataset, trained.dataset);
        QCOMPARE(baseline.embeddings, trained.embeddings);
        QCOMPARE(baseline.split, trained.split);
        QVERIFY(baseline.ks == trained.ks);
        QVERIFY(baseline.search == RunSearch::Exact);
        QVERIFY(baseline.params.empty() && baseline.experts.empty() && baseline.generatedQueries.empty());
    }

    void pipelineEvaluatesAndCancels()
    {
        QTemporaryDir dir;
        const fs::path root = embtune::test::path(dir);
        embtune::test::writeTinyBeir(root / "beir");
        embtune::test::writeTinyEmbeddings(root / "beir" / "emb");
        RunSpec spec;
        spec.dataset = (root / "beir").string();
        spec.embeddings = (root / "beir" / "emb").string();
        auto run = runPipeline(spec, {}, nullptr);
        QVERIFY2(run.ok(), run.ok() ? "" : run.error().toString().c_str());
        auto dataset = readBeirDataset(spec.dataset);
        QVERIFY(dataset.ok());
        EvaluationOptions options;
        auto reference = evaluateEmbeddings(*dataset, *run->embeddings, options, nullptr);
        QVERIFY(reference.ok());
        QCOMPARE(run->evaluation.metrics.mean(Metric::Ndcg, 10), reference->metrics.mean(Metric::Ndcg, 10));
        QVERIFY(!run->baseline && !run->fit && !run->tuned);

        Progress cancel([](const ProgressEvent &) { return false; });
        auto cancelled = runPipeline(spec, {}, &cancel);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestRunSpec)
#include "test_run_spec.moc"
