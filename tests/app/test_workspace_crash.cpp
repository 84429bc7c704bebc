// Crash safety of the workspace: a child process (workspace_crash_helper) is SIGKILLed while it
// writes a run; the workspace opens afterwards with that run 'interrupted' and the earlier runs
// and their per-query values intact. A workspace held by another live process is refused.

#include "workspace.h"

#include "support/fixtures.h"

#include <QProcess>
#include <QtTest>

#include <signal.h>

#include <filesystem>

using namespace embtune::app;
using embtune::test::path;
namespace fs = std::filesystem;

namespace {

// Starts the helper in `mode` on `dir` and waits for its first line (`expected`).
bool startHelper(QProcess &process, const char *mode, const fs::path &dir, const char *expected)
{
    process.start(QStringLiteral(EMBTUNE_CRASH_HELPER), {QString::fromLatin1(mode), QString::fromStdString(dir.string())});
    if (!process.waitForStarted(10000))
        return false;
    while (!process.canReadLine())
        if (!process.waitForReadyRead(20000))
            return false;
    return process.readLine().trimmed() == expected;
}

} // namespace

class TestWorkspaceCrash : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void killedWriterLeavesAnOpenableWorkspace_data()
    {
        QTest::addColumn<int>("delayMs");
        QTest::newRow("at once") << 0;
        QTest::newRow("after 30 ms") << 30;
        QTest::newRow("after 150 ms") << 150;
    }

    void killedWriterLeavesAnOpenableWorkspace()
    {
        QFETCH(int, delayMs);
        const fs::path dir = path(m_dir) / ("kill" + QByteArray::number(delayMs)).toStdString();
        QProcess helper;
        QVERIFY2(startHelper(helper, "write", dir, "ready"), qPrintable(helper.readAllStandardError()));
        if (delayMs > 0)
            QTest::qWait(delayMs);
        QCOMPARE(::kill(pid_t(helper.processId()), SIGKILL), 0);
        QVERIFY(helper.waitForFinished(10000));
        QCOMPARE(helper.exitStatus(), QProcess::CrashExit);

        auto ws = Workspace::open(dir.string());
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().toString().c_str());
        QCOMPARE(ws->recoveredRuns(), std::vector<int64_t>{3});
        auto runs = ws->runs();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), size_t(3));
        for (int i = 0; i < 2; ++i) {
            const RunRecord &run = runs->at(size_t(i));
            QCOMPARE(run.status, RunStatus::Finished);
            QCOMPARE(run.summaryJson, std::string(R"({"done": true})"));
            auto values = ws->queryMetrics(run.id, "ndcg@10");
            QCOMPARE(values->size(), size_t(50));
            for (const auto &v : *values) {
                const int q = std::stoi(v.queryId.substr(1));
                QCOMPARE(v.value, double(run.id * 1000 + q * 2) / 4096.0);
            }
            QCOMPARE(ws->queryMetrics(run.id, "recall@10")->size(), size_t(50));
            QCOMPARE(ws->runLog(run.id)->size(), size_t(1));
        }
        const RunRecord &killed = runs->at(2);
        QCOMPARE(killed.status, RunStatus::Interrupted);
        QVERIFY(killed.finishedAt > 0);
        QVERIFY(killed.errorMessage.find("interrupted") != std::string::npos);
        // Each batch was one transaction: whole batches of 25 queries (both metrics) or nothing.
        auto ndcg = ws->queryMetrics(killed.id, "ndcg@10");
        auto recall = ws->queryMetrics(killed.id, "recall@10");
        QVERIFY(ndcg->size() >= 25);
        QCOMPARE(ndcg->size() % 25, size_t(0));
        QCOMPARE(recall->size(), ndcg->size());
        QVERIFY(!ws->runLog(killed.id)->empty());

        // The recovered workspace takes new runs; a second open finds nothing more to recover.
        RunRecord next;
        next.methodId = "none";
        next.status = RunStatus::Running;
        auto id = ws->createRun(next);
        QVERIFY(id.ok());
        QVERIFY(ws->finishRun(*id, "{}", 0).ok());
        ws->close();
        auto again = Workspace::open(dir.string());
        QVERIFY(again.ok());
        QVERIFY(again->recoveredRuns().empty());
        QCOMPARE(again->run(3)->status, RunStatus::Interrupted);
    }

    void workspaceHeldByAnotherProcessIsRefused()
    {
        const fs::path dir = path(m_dir) / "held";
        QProcess holder;
        QVERIFY2(startHelper(holder, "hold", dir, "holding"), qPrintable(holder.readAllStandardError()));
        auto ws = Workspace::open(dir.string());
        QVERIFY(!ws.ok());
        QCOMPARE(ws.error().file, (dir / "workspace.lock").string());
        const std::string pid = std::to_string(holder.processId());
        QVERIFY2(ws.error().message.find("open in another process (pid " + pid + ")") != std::string::npos,
                 ws.error().message.c_str());
        // The kernel releases the lock when the holder dies, even by SIGKILL.
        QCOMPARE(::kill(pid_t(holder.processId()), SIGKILL), 0);
        QVERIFY(holder.waitForFinished(10000));
        auto after = Workspace::open(dir.string());
        QVERIFY2(after.ok(), after.ok() ? "" : after.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceCrash)
#include "test_workspace_crash.moc"
