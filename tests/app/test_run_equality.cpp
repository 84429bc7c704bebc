// One pipeline, two front ends: runs made in the GUI (a MainWindow recording into a workspace)
// and the same runs made by `embtune-cli run` on the spec the workspace stored have equal
// figures: every metric at every k of the CLI report against the GUI's report (1e-9), and every
// per-query value the two workspaces store. On a fixture the test writes (LSA 8 computed in the
// GUI; linear, adder, soft-label, nudge-n and linear on generated ICT queries) and, when
// ../shared is present, on SciFact (LSA 256 computed in the GUI; the same five runs).

#include "main_window.h"
#include "support/gui_test_support.h"

#include "eval/metrics.h"
#include "run/run_spec.h"
#include "support/cli_run.h"
#include "support/fixtures.h"
#include "workspace.h"

#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

using embtune::gui::MainWindow;
namespace engine = embtune::engine;
namespace fs = std::filesystem;

namespace {

constexpr int kTimeoutMs = 300000;

// Eight topics of twelve documents (three sentences of topic and common words each) and ten
// queries per topic judging three of its documents: six train, two dev, two test queries.
void writeTopicCorpus(const fs::path &dir)
{
    const char *common[] = {"the", "study", "shows", "results", "data", "method", "effect", "level", "group", "change"};
    std::mt19937 random(11);
    auto pick = [&](int n) { return int(random() % unsigned(n)); };
    std::string corpus, queries, trainQrels = "query-id\tcorpus-id\tscore\n", testQrels = trainQrels, train, dev;
    for (int t = 0; t < 8; ++t) {
        std::vector<std::string> vocabulary;
        for (int w = 0; w < 8; ++w)
            vocabulary.push_back("t" + std::to_string(t) + "w" + std::to_string(w));
        for (int d = 0; d < 12; ++d) {
            std::string text;
            for (int sentence = 0; sentence < 3; ++sentence) {
                for (int w = 0; w < 9; ++w)
                    text += (w % 3 == 0 ? common[pick(10)] : vocabulary[size_t(pick(8))]) + std::string(" ");
                text.back() = '.';
                text += ' ';
            }
            corpus += "{\"_id\": \"d" + std::to_string(t * 12 + d) + "\", \"title\": \"topic " + std::to_string(t) +
                      "\", \"text\": \"" + text + "\"}\n";
        }
        for (int q = 0; q < 10; ++q) {
            const std::string id = "q" + std::to_string(t * 10 + q);
            queries += "{\"_id\": \"" + id + "\", \"text\": \"" + vocabulary[size_t(pick(8))] + " " + common[pick(10)] +
                       " " + vocabulary[size_t(pick(8))] + "\"}\n";
            std::string &qrels = q < 8 ? trainQrels : testQrels;
            for (int r = 0; r < 3; ++r)
                qrels += id + "\td" + std::to_string(t * 12 + (q + 4 * r) % 12) + "\t1\n";
            if (q < 6)
                train += id + "\n";
            else if (q < 8)
                dev += id + "\n";
        }
    }
    embtune::test::writeText(dir / "corpus.jsonl", corpus);
    embtune::test::writeText(dir / "queries.jsonl", queries);
    embtune::test::writeText(dir / "qrels" / "train.tsv", trainQrels);
    embtune::test::writeText(dir / "qrels" / "test.tsv", testQrels);
    embtune::test::writeText(dir / "splits" / "train.txt", train);
    embtune::test::writeText(dir / "splits" / "dev.txt", dev);
}

struct Case {
    QString method;
    std::map<std::string, std::string> params;
    bool generated = false; // trained on the generated ICT set only
};

} // namespace

class TestRunEquality : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_settings;

    // Makes every case in the GUI and again with `embtune-cli run` on the stored spec.
    void compareFrontEnds(const QString &name, const QString &datasetDir, int lsaDim, const std::vector<Case> &cases)
    {
        const QString root = m_dir.filePath(name);
        qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(root + "/cache"));
        qputenv("EMBTUNE_DATA_DIR", QFile::encodeName(root + "/data"));
        const QString guiWorkspace = root + "/ws-gui", cliWorkspace = root + "/ws-cli";

        // The GUI: each case trained through MainWindow::train, recorded in guiWorkspace.
        std::map<QString, std::map<std::string, double>> guiMeans; // method -> metric@k -> mean
        {
            auto window = embtune::test::makeWindow(m_settings);
            QVERIFY(window->workspace()->newWorkspace(guiWorkspace));
            QVERIFY(embtune::test::openAndWait(*window, datasetDir, kTimeoutMs));
            engine::LsaOptions lsa;
            lsa.dim = lsaDim;
            QSignalSpy computed(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
            QVERIFY(embtune::test::waitForJob(*window, computed, [&] { return window->embeddings()->computeLsa(lsa); }, kTimeoutMs));
            const QString setKey = computed.first().first().toString();
            QVERIFY(window->embeddingSets()->select(setKey));
            if (std::any_of(cases.begin(), cases.end(), [](const Case &c) { return c.generated; })) {
                embtune::gui::SynthRequest synth;
                synth.name = QStringLiteral("ict");
                synth.options.generator = "ict";
                synth.options.perDocument = 1;
                synth.options.seed = 0;
                QVERIFY(embtune::test::runAndWait(*window, &embtune::gui::GeneratedQueriesController::queriesGenerated, [&] { return window->generatedQueries()->generateQueries(synth); },
                                                 kTimeoutMs));
                QVERIFY(window->embeddingSets()->select(setKey));
            }
            for (const Case &c : cases) {
                embtune::gui::TrainRequest request;
                request.methodId = c.method;
                request.params = c.params;
                if (c.generated)
                    request.generatedSet = QStringLiteral("ict");
                QVERIFY2(embtune::test::runAndWait(*window, &embtune::gui::TrainingController::trainingFinished, [&] { return window->training()->train(request); },
                                                  kTimeoutMs),
                         qPrintable(c.method));
                const auto report = window->runs()->lastEvaluation();
                QVERIFY(report);
                auto &means = guiMeans[c.method + (c.generated ? "+ict" : "")];
                for (engine::Metric metric : engine::kAllMetrics)
                    for (int k : report->metrics.ks)
                        means[std::string(engine::metricKey(metric)) + "@" + std::to_string(k)] =
                            report->metrics.mean(metric, k);
            }
            window->workspace()->closeWorkspace();
        }

        // The CLI: `embtune-cli run` on each spec the GUI workspace stored.
        auto gui = embtune::app::Workspace::open(guiWorkspace.toStdString());
        QVERIFY2(gui.ok(), gui.ok() ? "" : gui.error().toString().c_str());
        auto guiRuns = gui->runs();
        QVERIFY(guiRuns.ok());
        int compared = 0;
        for (const embtune::app::RunRecord &run : *guiRuns) {
            if (run.methodId == "none")
                continue;
            QVERIFY2(!run.specJson.empty(), run.methodId.c_str());
            auto spec = engine::runSpecFromJson(run.specJson);
            QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().toString().c_str());
            const bool generated = !spec->generatedQueries.empty();
            const QString label = QString::fromStdString(run.methodId) + (generated ? "+ict" : "");
            const QString specFile = root + "/" + label + ".json";
            embtune::test::writeText(fs::path(specFile.toStdString()), run.specJson);
            const embtune::test::CliRun cli =
                embtune::test::runCli({"run", specFile, "--json", "-", "--quiet", "--workspace", cliWorkspace},
                                      QProcessEnvironment::systemEnvironment(), kTimeoutMs);
            QVERIFY2(cli.exitCode == 0, qPrintable(label + ": " + cli.err));
            const QJsonObject tuned = QJsonDocument::fromJson(cli.out.toUtf8()).object()["tuned"].toObject();
            const auto &means = guiMeans.at(label);
            QCOMPARE(size_t(tuned.size()), means.size());
            for (const auto &[key, value] : means)
                QVERIFY2(std::abs(tuned[QString::fromStdString(key)].toDouble() - value) < 1e-9,
                         qPrintable(label + " " + QString::fromStdString(key)));

            // The per-query values both workspaces store for the run.
            auto cliWs = embtune::app::Workspace::open(cliWorkspace.toStdString());
            QVERIFY(cliWs.ok());
            auto cliRuns = cliWs->runs();
            QVERIFY(cliRuns.ok() && !cliRuns->empty());
            QCOMPARE(cliRuns->back().specJson, run.specJson);
            auto a = gui->queryMetrics(run.id), b = cliWs->queryMetrics(cliRuns->back().id);
            QVERIFY(a.ok() && b.ok() && !a->empty());
            QVERIFY(b->size() >= a->size()); // the CLI stores every k of the spec, the GUI kStoredKs
            std::map<std::pair<std::string, std::string>, double> stored;
            for (const auto &v : *b)
                stored[{v.queryId, v.metric}] = v.value;
            for (const auto &v : *a) {
                const auto found = stored.find({v.queryId, v.metric});
                QVERIFY2(found != stored.end() && std::abs(found->second - v.value) < 1e-9,
                         (v.queryId + " " + v.metric).c_str());
            }
            qInfo("%s %s: nDCG@10 %.5f in the GUI and the CLI", qPrintable(name), qPrintable(label),
                  means.at("ndcg@10"));
            ++compared;
        }
        QCOMPARE(compared, int(cases.size()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_settings = m_dir.filePath(QStringLiteral("settings.ini"));
    }

    void cleanup() { embtune::test::closeTopLevel<QDialog>(); }

    void fixture()
    {
        const QString dataset = m_dir.filePath(QStringLiteral("topics"));
        writeTopicCorpus(fs::path(dataset.toStdString()));
        compareFrontEnds(QStringLiteral("fixture"), dataset, 8,
                         {{"linear", {{"epochs", "5"}}, false},
                          {"adder", {{"epochs", "5"}}, false},
                          {"soft-label", {{"epochs", "5"}}, false},
                          {"nudge-n", {}, false},
                          {"linear", {{"epochs", "5"}}, true}});
    }

    void scifact()
    {
        const QString scifact = embtune::test::sharedScifact();
        if (scifact.isEmpty())
            QSKIP("../shared/datasets/scifact is absent (set EMBTUNE_SHARED_DIR)");
        // Equality of the two front ends needs real data, not converged models or wide vectors:
        // LSA 64, one epoch each (every step of training, dev selection and evaluation runs).
        compareFrontEnds(QStringLiteral("scifact"), scifact, 64,
                         {{"linear", {{"epochs", "1"}}, false},
                          {"adder", {{"epochs", "1"}}, false},
                          {"soft-label", {{"epochs", "1"}}, false},
                          {"nudge-n", {}, false},
                          {"linear", {{"epochs", "1"}}, true}});
    }
};

QTEST_MAIN(TestRunEquality)
#include "test_run_equality.moc"
