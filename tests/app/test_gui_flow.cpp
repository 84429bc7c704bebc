// The whole workbench flow on the shared SciFact data, offscreen, as a user runs it (issue 9's
// acceptance): a new workspace; open SciFact; import embeddings/lsa256; evaluate the baseline;
// train NUDGE-N and the linear adapter; the comparison table shows the values `embtune-cli`
// prints for the same inputs; the query explorer opens on a query with the largest nDCG@10 gain;
// the tuned vectors export and, imported again, evaluate to the run's figures; the window closes
// and a new one reopening the workspace finds every run as it was, and can analyse the restored
// NUDGE-N run. Skips without SciFact.

#include "main_window.h"
#include "metrics_table_model.h"
#include "query_explorer_view.h"
#include "support/cli_run.h"
#include "support/fixtures.h"
#include "support/gui_test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>
#include <memory>

using embtune::gui::MainWindow;
using namespace embtune::test;
namespace engine = embtune::engine;

namespace {

constexpr int kTimeoutMs = 120000, kTrainTimeoutMs = 300000;

struct RunRow {
    QString label;
    double ndcg10 = 0, recall10 = 0, recall100 = 0;
};

QList<RunRow> tableRows(const MainWindow &window)
{
    QList<RunRow> out;
    const embtune::widgets::MetricsTableModel *model = window.runs()->metricsModel();
    for (int r = 0; r < model->runCount(); ++r)
        out.append({model->runLabel(r), model->value(r, engine::Metric::Ndcg, 10).value_or(-1),
                    model->value(r, engine::Metric::Recall, 10).value_or(-1),
                    model->value(r, engine::Metric::Recall, 100).value_or(-1)});
    return out;
}

QJsonObject cliJson(const QStringList &args)
{
    const embtune::test::CliRun run = embtune::test::runCli(args, QProcessEnvironment::systemEnvironment(), 600000);
    if (run.exitCode != 0)
        qWarning() << "embtune-cli" << args << "exit" << run.exitCode << run.err;
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

} // namespace

class TestGuiFlow : public QObject {
    Q_OBJECT
private slots:
    void wholeFlowOnScifact();

private:

    QTemporaryDir m_dir;
};

void TestGuiFlow::wholeFlowOnScifact()
{
    const QString scifact = embtune::test::sharedScifact();
    if (scifact.isEmpty())
        QSKIP("../shared/datasets/scifact is absent (set EMBTUNE_SHARED_DIR to the folder holding datasets/)");
    const QString lsa = scifact + QStringLiteral("/embeddings/lsa256");
    const QString folder = m_dir.filePath(QStringLiteral("workspace"));
    // One thread: the linear adapter is then bit-for-bit the CLI's.
    const std::map<std::string, std::string> linearParams{{"threads", "1"}};

    QList<RunRow> before;
    QStringList keys;
    {
        auto window = makeWindow(m_dir.filePath(QStringLiteral("settings.ini")), QSize(1400, 900));
        QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->newWorkspace(folder); },
                           kTimeoutMs));
        QVERIFY(openAndWait(*window, scifact, kTimeoutMs));
        QVERIFY(importAndWait(*window, lsa, kTimeoutMs));
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }, kTimeoutMs));
        for (const char *method : {"nudge-n", "linear"}) {
            embtune::gui::TrainRequest request;
            request.methodId = QString::fromLatin1(method);
            if (request.methodId == QLatin1String("linear"))
                request.params = linearParams;
            QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::trainingFinished, [&] { return window->training()->train(request); },
                               kTrainTimeoutMs));
        }
        before = tableRows(*window);
        keys = window->runs()->keys();
        QCOMPARE(before.size(), 3);

        // The table equals the CLI on the same inputs.
        const QStringList common{"--dataset", scifact, "--embeddings", lsa};
        const QJsonObject baseline =
            cliJson(QStringList{"evaluate"} << common << QStringList{"--split", "test", "--json", "-"})
                .value("metrics")
                .toObject();
        const QStringList train = common + QStringList{"--train-queries", scifact + "/splits/train.txt", "--dev-queries",
                                                       scifact + "/splits/dev.txt", "--json", "-", "--per-query"};
        const QJsonObject nudge = cliJson(QStringList{"train", "--method", "nudge-n"} << train);
        const QJsonObject linear =
            cliJson(QStringList{"train", "--method", "linear", "--param", "threads=1"} << train);
        const QJsonObject expected[3] = {baseline, nudge.value("tuned").toObject(), linear.value("tuned").toObject()};
        for (int r = 0; r < 3; ++r) {
            QVERIFY2(!expected[r].isEmpty(), "the CLI printed no figures");
            QVERIFY2(std::abs(before[r].ndcg10 - expected[r].value("ndcg@10").toDouble()) < 1e-9,
                     qPrintable(QString("%1: nDCG@10 %2 in the GUI, %3 from the CLI")
                                    .arg(before[r].label)
                                    .arg(before[r].ndcg10, 0, 'f', 6)
                                    .arg(expected[r].value("ndcg@10").toDouble(), 0, 'f', 6)));
            QVERIFY(std::abs(before[r].recall10 - expected[r].value("recall@10").toDouble()) < 1e-9);
            QVERIFY(std::abs(before[r].recall100 - expected[r].value("recall@100").toDouble()) < 1e-9);
        }
        qInfo("SciFact lsa256 test nDCG@10: baseline %.5f, NUDGE-N %.5f, linear %.5f", before[0].ndcg10,
              before[1].ndcg10, before[2].ndcg10);
        QVERIFY(before[1].ndcg10 > before[0].ndcg10 && before[2].ndcg10 > before[0].ndcg10);

        // The query explorer (baseline against linear) opens on a query with the largest gain,
        // computed from the CLI's per-query values.
        const QJsonObject perQueryBase = linear.value("per_query").toObject().value("baseline").toObject();
        const QJsonObject perQueryTuned = linear.value("per_query").toObject().value("tuned").toObject();
        QVERIFY(!perQueryTuned.isEmpty());
        double largestGain = -2;
        for (auto it = perQueryTuned.begin(); it != perQueryTuned.end(); ++it)
            largestGain = std::max(largestGain, it.value().toObject().value("ndcg@10").toDouble() -
                                                    perQueryBase.value(it.key()).toObject().value("ndcg@10").toDouble());
        QVERIFY(largestGain > 0);
        window->explorer()->showQueryExplorer(keys[0], keys[2]);
        embtune::widgets::QueryExplorerView *explorer = window->explorer()->queryExplorer();
        QVERIFY(explorer && explorer->isVisible());
        const int32_t shown = explorer->currentQuery();
        QVERIFY(shown >= 0);
        const QString shownId = QString::fromStdString(window->datasetContext()->dataset()->queryIds.id(shown));
        const double shownGain = perQueryTuned.value(shownId).toObject().value("ndcg@10").toDouble() -
                                 perQueryBase.value(shownId).toObject().value("ndcg@10").toDouble();
        QVERIFY2(std::abs(shownGain - largestGain) < 1e-9,
                 qPrintable(QString("query %1 gains %2, the largest gain is %3").arg(shownId).arg(shownGain).arg(largestGain)));

        // The tuned vectors of NUDGE-N export; imported again they evaluate to the run's figures.
        const QString exported = m_dir.filePath(QStringLiteral("nudge-n-vectors"));
        QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::tunedVectorsExported, [&] {
            return window->training()->exportTunedVectors(keys[1], engine::VectorFormat::Npy, exported);
        }, kTimeoutMs));
        QVERIFY(importAndWait(*window, exported, kTimeoutMs));
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }, kTimeoutMs));
        const QList<RunRow> withReload = tableRows(*window);
        QCOMPARE(withReload.size(), 4);
        QVERIFY2(std::abs(withReload[3].ndcg10 - before[1].ndcg10) < 1e-6,
                 qPrintable(QString("reloaded NUDGE-N vectors: nDCG@10 %1, the run %2")
                                .arg(withReload[3].ndcg10)
                                .arg(before[1].ndcg10)));
        before = withReload;
        window->close();
    }

    // A new window reopening the workspace finds every run as it was.
    auto window = makeWindow(m_dir.filePath(QStringLiteral("settings.ini")), QSize(1400, 900));
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->openWorkspace(folder); },
                       kTimeoutMs));
    const QList<RunRow> after = tableRows(*window);
    QCOMPARE(after.size(), before.size());
    for (int r = 0; r < after.size(); ++r) {
        QCOMPARE(after[r].label, before[r].label);
        QCOMPARE(after[r].ndcg10, before[r].ndcg10);
        QCOMPARE(after[r].recall10, before[r].recall10);
        QCOMPARE(after[r].recall100, before[r].recall100);
    }
    // A restored trained run has its embedding set back: the analysis view opens on it.
    const QStringList reopened = window->runs()->keys();
    QVERIFY(runAndWait(*window, &embtune::gui::AnalysisController::analysisFinished, [&] { return window->analysis()->showAnalysis(reopened[1]); },
                       kTimeoutMs));
    window->close();
}

QTEST_MAIN(TestGuiFlow)
#include "test_gui_flow.moc"
