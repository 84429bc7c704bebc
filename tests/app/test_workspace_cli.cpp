// embtune-cli evaluate|train --workspace DIR and embtune-cli runs, as a user runs them on a tiny
// fixture: what the CLI prints (its --json report) is the reference for what the workspace holds.
// Bad input: not a workspace, a damaged database, a workspace held by another process.

#include "workspace.h"

#include "io/npy.h"

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace embtune::app;
using namespace embtune::test;
namespace fs = std::filesystem;

class TestWorkspaceCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString p(const char *name) const { return QString::fromStdString((path(m_dir) / name).string()); }

    // Every per-query value the CLI printed equals the one stored for the run.
    void compareWithStored(const QJsonObject &perQuery, int64_t runId, const std::string &workspace)
    {
        auto ws = Workspace::open(workspace);
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().toString().c_str());
        auto stored = ws->queryMetrics(runId);
        QVERIFY(stored.ok());
        size_t expected = 0;
        for (auto q = perQuery.begin(); q != perQuery.end(); ++q)
            expected += size_t(q.value().toObject().size());
        QCOMPARE(stored->size(), expected);
        QVERIFY(expected > 0);
        for (const auto &v : *stored) {
            const QJsonValue printed = perQuery[QString::fromStdString(v.queryId)][QString::fromStdString(v.metric)];
            QVERIFY2(printed.isDouble(), (v.queryId + " " + v.metric).c_str());
            // The CLI prints 10 significant digits.
            QVERIFY2(std::abs(v.value - printed.toDouble()) < 1e-9, (v.queryId + " " + v.metric).c_str());
        }
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        writeTinyEmbeddings(path(m_dir) / "emb");
        writeText(path(m_dir) / "beir" / "splits" / "train.txt", "q1\n");
        writeText(path(m_dir) / "beir" / "splits" / "dev.txt", "q2\n");
    }

    void evaluateRecordsRunsWithPerQueryMetrics()
    {
        const QString ws = p("ws");
        const CliRun exact = runCli({"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--json", "-",
                                     "--per-query", "--workspace", ws});
        QVERIFY2(exact.exitCode == 0, qPrintable(exact.err));
        QVERIFY(fs::exists(fs::path(ws.toStdString()) / "workspace.sqlite"));
        const QJsonObject report = QJsonDocument::fromJson(exact.out.toUtf8()).object();
        compareWithStored(report["per_query"].toObject(), 1, ws.toStdString());

        const CliRun bm25 = runCli({"evaluate", "--dataset", p("beir"), "--embedder", "bm25", "--json", "-",
                                    "--per-query", "--workspace", ws});
        QVERIFY2(bm25.exitCode == 0, qPrintable(bm25.err));
        compareWithStored(QJsonDocument::fromJson(bm25.out.toUtf8()).object()["per_query"].toObject(), 2,
                          ws.toStdString());

        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        auto runs = opened->runs();
        QCOMPARE(runs->size(), size_t(2));
        const RunRecord &first = runs->at(0);
        QCOMPARE(first.status, RunStatus::Finished);
        QCOMPARE(first.methodId, std::string("none"));
        QVERIFY(first.codeVersion.find("embtune-cli") == 0);
        QVERIFY(first.searchJson.find("\"exact\"") != std::string::npos);
        // The summary is the report without per-query values: same means.
        const QJsonObject summary = QJsonDocument::fromJson(QByteArray::fromStdString(first.summaryJson)).object();
        QCOMPARE(summary["metrics"].toObject()["ndcg@10"].toDouble(), report["metrics"].toObject()["ndcg@10"].toDouble());
        QVERIFY(summary["metrics"].toObject()["ndcg@10"].toDouble() > 0);
        QVERIFY(!summary.contains("per_query"));
        QCOMPARE(runs->at(1).methodId, std::string("bm25"));
        QCOMPARE(runs->at(1).embeddingSetId, int64_t(0));
        // One dataset record for both runs; one embedding set (BM25 has none).
        QCOMPARE(opened->datasets()->size(), size_t(1));
        QCOMPARE(opened->datasets()->front().documents, int64_t(5));
        auto sets = opened->embeddingSets();
        QCOMPARE(sets->size(), size_t(1));
        QCOMPARE(sets->front().name, std::string("emb"));
        QCOMPARE(sets->front().dim, int64_t(2));
    }

    void failedEvaluationIsRecordedAsFailed()
    {
        const QString ws = p("ws-failed");
        const CliRun r = runCli({"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--split", "nosuch",
                                 "--workspace", ws});
        QCOMPARE(r.exitCode, 1);
        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        auto runs = opened->runs();
        QCOMPARE(runs->size(), size_t(1));
        QCOMPARE(runs->front().status, RunStatus::Failed);
        QVERIFY2(runs->front().errorMessage.find("nosuch") != std::string::npos, runs->front().errorMessage.c_str());
    }

    void trainRecordsTheRunAndTunedVectors()
    {
        const QString ws = p("ws-train");
        const QString exported = p("export");
        const CliRun r = runCli({"train", "--method", "nudge-n", "--dataset", p("beir"), "--embeddings", p("emb"),
                                 "--train-queries", p("beir/splits/train.txt"), "--dev-queries", p("beir/splits/dev.txt"),
                                 "--json", "-", "--export-embeddings", exported, "--workspace", ws});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();

        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        auto runs = opened->runs();
        QCOMPARE(runs->size(), size_t(1));
        const RunRecord &run = runs->front();
        QCOMPARE(run.status, RunStatus::Finished);
        QCOMPARE(run.methodId, std::string("nudge-n"));
        QCOMPARE(run.trainSeconds, report["fit_seconds"].toDouble());
        const QJsonObject params = QJsonDocument::fromJson(QByteArray::fromStdString(run.paramsJson)).object();
        QCOMPARE(params.size(), report["parameters"].toObject().size());
        // Per-query values of the tuned evaluation: their means are the printed tuned means.
        auto means = opened->metricMeans(run.id);
        QVERIFY(means.ok() && !means->empty());
        const QJsonObject tuned = report["tuned"].toObject();
        QCOMPARE(int(means->size()), tuned.size());
        for (const auto &m : *means)
            QVERIFY2(std::abs(m.mean - tuned[QString::fromStdString(m.metric)].toDouble()) < 1e-9, m.metric.c_str());
        // The tuned document vectors: the same matrix --export-embeddings wrote.
        QCOMPARE(run.artifacts.size(), size_t(2));
        auto stored = embtune::engine::readNpyMatrix(*opened->artifactPath(run.artifacts.at(0)));
        auto reference = embtune::engine::readNpyMatrix((exported + "/corpus.npy").toStdString());
        QVERIFY(stored.ok() && reference.ok());
        QCOMPARE(stored->rows(), int64_t(5));
        QCOMPARE(stored->cols(), reference->cols());
        for (int64_t i = 0; i < stored->rows() * stored->cols(); ++i)
            QCOMPARE(stored->data()[i], reference->data()[i]);
        auto ids = embtune::engine::readIdList(*opened->artifactPath(run.artifacts.at(1)));
        QCOMPARE(ids->size(), size_t(5));
        QCOMPARE(ids->front(), std::string("d1"));
    }

    // Every run stores its spec; `runs --spec ID` prints it and `run SPEC` makes the same run:
    // every figure and every stored per-query value equal.
    void storedSpecReproducesTheRun()
    {
        const QString ws = p("ws-spec");
        const CliRun trained = runCli({"train", "--method", "linear", "--param", "epochs=4", "--dataset", p("beir"),
                                       "--embeddings", p("emb"), "--train-queries", p("beir/splits/train.txt"),
                                       "--dev-queries", p("beir/splits/dev.txt"), "--k", "1,3,5", "--json", "-",
                                       "--workspace", ws});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));
        const CliRun spec = runCli({"runs", "--workspace", ws, "--spec", "1"});
        QVERIFY2(spec.exitCode == 0, qPrintable(spec.err));
        QVERIFY2(spec.out.contains("\"method\": \"linear\""), qPrintable(spec.out));
        const QString specFile = p("stored-spec.json");
        writeText(fs::path(specFile.toStdString()), spec.out.toStdString());

        const CliRun replayed = runCli({"run", specFile, "--json", "-", "--workspace", ws});
        QVERIFY2(replayed.exitCode == 0, qPrintable(replayed.err));
        const QJsonObject first = QJsonDocument::fromJson(trained.out.toUtf8()).object();
        const QJsonObject second = QJsonDocument::fromJson(replayed.out.toUtf8()).object();
        for (const char *part : {"baseline", "tuned"}) {
            const QJsonObject a = first[part].toObject(), b = second[part].toObject();
            QVERIFY2(!a.isEmpty() && a.size() == b.size(), part);
            for (auto it = a.begin(); it != a.end(); ++it)
                QVERIFY2(std::abs(it.value().toDouble() - b[it.key()].toDouble()) < 1e-12, qPrintable(it.key()));
        }

        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        auto runs = opened->runs();
        QCOMPARE(runs->size(), size_t(2));
        QCOMPARE(runs->at(1).specJson, runs->at(0).specJson);
        auto a = opened->queryMetrics(runs->at(0).id), b = opened->queryMetrics(runs->at(1).id);
        QVERIFY(a.ok() && b.ok() && !a->empty());
        QCOMPARE(a->size(), b->size());
        for (size_t i = 0; i < a->size(); ++i) {
            QCOMPARE(a->at(i).queryId, b->at(i).queryId);
            QCOMPARE(a->at(i).metric, b->at(i).metric);
            QCOMPARE(a->at(i).value, b->at(i).value);
        }

        // A spec with an unknown key is an input error naming the key and the file.
        writeText(path(m_dir) / "bad-spec.json", R"({"dataset": "x", "embeddings": "y", "epoch": 3})");
        const CliRun bad = runCli({"run", p("bad-spec.json")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("\"epoch\" is not a key") && bad.err.contains("bad-spec.json"), qPrintable(bad.err));
        const CliRun noRun = runCli({"runs", "--workspace", ws, "--spec", "9"});
        QVERIFY(noRun.exitCode != 0);
    }

    void runsListsWhatWasRecorded()
    {
        const QString ws = p("ws");
        const CliRun json = runCli({"runs", "--workspace", ws, "--json", "-"});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonArray runs = QJsonDocument::fromJson(json.out.toUtf8()).object()["runs"].toArray();
        QCOMPARE(runs.size(), 2);
        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        for (const QJsonValue &value : runs) {
            const QJsonObject run = value.toObject();
            QCOMPARE(run["status"].toString(), QString("finished"));
            QCOMPARE(run["dataset"].toString(), QString("beir"));
            const QJsonObject summary = QJsonDocument::fromJson(run["summary"].toString().toUtf8()).object();
            QVERIFY(std::abs(run["metrics"].toObject()["ndcg@10"].toDouble() -
                             summary["metrics"].toObject()["ndcg@10"].toDouble()) < 1e-9);
        }
        QCOMPARE(runs[1].toObject()["method"].toString(), QString("bm25"));
        opened->close();

        const CliRun table = runCli({"runs", "--workspace", ws});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains("2 run(s)") && table.out.contains("bm25") && table.out.contains("finished"),
                 qPrintable(table.out));
    }

    void badWorkspaces()
    {
        // Usage: no --workspace.
        QCOMPARE(runCli({"runs"}).exitCode, 2);
        // A folder that is not a workspace: refused, nothing created in it.
        writeText(path(m_dir) / "plain" / "notes.txt", "hello");
        CliRun r = runCli({"runs", "--workspace", p("plain")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not an embtune workspace") && r.err.contains(p("plain")), qPrintable(r.err));
        r = runCli({"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--workspace", p("plain")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!fs::exists(path(m_dir) / "plain" / "workspace.sqlite"));
        // A missing folder for `runs` (evaluate/train would create it).
        r = runCli({"runs", "--workspace", p("absent")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!fs::exists(path(m_dir) / "absent"));
        // A damaged database: the message names the file.
        writeBytes(path(m_dir) / "corrupt" / "workspace.sqlite", std::string(2048, '\x01'));
        r = runCli({"runs", "--workspace", p("corrupt")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(p("corrupt") + "/workspace.sqlite"), qPrintable(r.err));
        r = runCli({"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--workspace", p("corrupt")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("workspace.sqlite"), qPrintable(r.err));
    }

    void workspaceLockedByAnotherProcess()
    {
        const QString ws = p("ws-locked");
        QProcess holder;
        holder.start(QStringLiteral(EMBTUNE_CRASH_HELPER), {"hold", ws});
        QVERIFY(holder.waitForStarted(10000));
        while (!holder.canReadLine())
            QVERIFY(holder.waitForReadyRead(20000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("holding"));
        for (const QStringList &args :
             {QStringList{"evaluate", "--dataset", p("beir"), "--embeddings", p("emb"), "--workspace", ws},
              QStringList{"train", "--method", "nudge-n", "--dataset", p("beir"), "--embeddings", p("emb"),
                          "--train-queries", p("beir/splits/train.txt"), "--dev-queries", p("beir/splits/dev.txt"),
                          "--workspace", ws},
              QStringList{"runs", "--workspace", ws}}) {
            const CliRun r = runCli(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("open in another process") && r.err.contains("workspace.lock"), qPrintable(r.err));
        }
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished(10000));
        QCOMPARE(holder.exitCode(), 0);
        // Nothing was recorded while it was held.
        auto opened = Workspace::open(ws.toStdString());
        QVERIFY(opened.ok());
        QVERIFY(opened->runs()->empty());
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceCli)
#include "test_workspace_cli.moc"
