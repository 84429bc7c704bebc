// The workspace store (app/workspace) on real SQLite files: create/open/close, refusals
// (not a workspace, another application's database, newer schema, damaged file, lock held),
// every record type, artifacts, the v1 -> v2 migration, delete with Undo and purge; stored
// artifact and query set paths that leave artifacts/ (rows crafted with the sqlite3 API), refused
// on read, purge and delete with nothing outside removed.

#include "workspace.h"
#include "workspace_schema.h"

#include "io/npy.h"

#include "support/fixtures.h"

#include <QtTest>

#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace embtune::app;
using embtune::engine::FloatMatrix;
using embtune::test::path;
using embtune::test::writeBytes;
namespace fs = std::filesystem;

namespace {

// Runs SQL on a database file directly, outside the Workspace class.
void rawExec(const fs::path &file, const std::string &sql)
{
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    char *message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, text.c_str());
}

// The first column of the first row of `sql` on a database file, as an integer.
int64_t rawInt(const fs::path &file, const std::string &sql)
{
    sqlite3 *db = nullptr;
    int64_t value = -1;
    if (sqlite3_open(file.string().c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt *statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return value;
}

// SQL text literal of `text`.
std::string sqlText(const std::string &text)
{
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string readAll(const fs::path &file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

RunRecord runOf(const char *method, RunStatus status = RunStatus::Running)
{
    RunRecord r;
    r.methodId = method;
    r.paramsJson = R"({"lr": 0.001})";
    r.seed = 7;
    r.codeVersion = "test";
    r.searchJson = R"({"search": "exact"})";
    r.status = status;
    return r;
}

} // namespace

class TestWorkspace : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path folder(const char *name) const { return path(m_dir) / name; }

private slots:
    void createsAFolderWithDatabaseAndArtifacts()
    {
        const fs::path dir = folder("new");
        auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().toString().c_str());
        QVERIFY(fs::exists(dir / "workspace.sqlite"));
        QVERIFY(fs::is_directory(dir / "artifacts"));
        QCOMPARE(ws->schemaVersion(), kWorkspaceSchemaVersion);
        ws->close();
        // Create refuses an existing workspace; Open and OpenOrCreate accept it.
        auto again = Workspace::open(dir.string(), Workspace::OpenMode::Create);
        QVERIFY(!again.ok());
        QVERIFY(again.error().message.find("already exists") != std::string::npos);
        QVERIFY(Workspace::open(dir.string(), Workspace::OpenMode::OpenOrCreate).ok());
        QVERIFY(Workspace::open(dir.string()).ok());
    }

    void journalIsWalAndForeignKeysAreOn()
    {
        auto ws = Workspace::open(folder("pragmas").string(), Workspace::OpenMode::Create);
        QVERIFY(ws.ok());
        // A run naming a dataset that does not exist violates its foreign key.
        RunRecord r = runOf("none");
        r.datasetId = 42;
        auto id = ws->createRun(r);
        QVERIFY(!id.ok());
        QVERIFY2(id.error().message.find("FOREIGN KEY") != std::string::npos, id.error().message.c_str());
        ws->close();
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open((folder("pragmas") / "workspace.sqlite").string().c_str(), &db), SQLITE_OK);
        sqlite3_stmt *statement = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        QCOMPARE(QString(reinterpret_cast<const char *>(sqlite3_column_text(statement, 0))), QString("wal"));
        sqlite3_finalize(statement);
        sqlite3_close(db);
    }

    void refusesWhatIsNotAWorkspace()
    {
        // A missing folder.
        auto missing = Workspace::open(folder("absent").string());
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().file, folder("absent").string());
        // A folder with other files.
        writeBytes(folder("other") / "notes.txt", "hello");
        auto other = Workspace::open(folder("other").string());
        QVERIFY(!other.ok());
        QVERIFY(other.error().message.find("not an embtune workspace") != std::string::npos);
        auto createInOther = Workspace::open(folder("other").string(), Workspace::OpenMode::OpenOrCreate);
        QVERIFY(!createInOther.ok());
        QVERIFY(createInOther.error().message.find("not empty") != std::string::npos);
        QVERIFY(!fs::exists(folder("other") / "workspace.sqlite"));
        // A file, not a folder.
        auto file = Workspace::open((folder("other") / "notes.txt").string());
        QVERIFY(!file.ok());
        // Another application's SQLite database.
        fs::create_directories(folder("foreign"));
        rawExec(folder("foreign") / "workspace.sqlite", "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        auto foreign = Workspace::open(folder("foreign").string());
        QVERIFY(!foreign.ok());
        QCOMPARE(foreign.error().file, (folder("foreign") / "workspace.sqlite").string());
        QVERIFY2(foreign.error().message.find("another application") != std::string::npos,
                 foreign.error().message.c_str());
    }

    void refusesACorruptDatabase()
    {
        // Not SQLite at all.
        writeBytes(folder("garbage") / "workspace.sqlite", std::string(4096, 'x'));
        auto garbage = Workspace::open(folder("garbage").string());
        QVERIFY(!garbage.ok());
        QCOMPARE(garbage.error().file, (folder("garbage") / "workspace.sqlite").string());
        QVERIFY2(garbage.error().message.find("not a workspace database") != std::string::npos,
                 garbage.error().toString().c_str());

        // A real workspace whose pages were overwritten after the header.
        const fs::path dir = folder("damaged");
        {
            auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
            QVERIFY(ws.ok());
            auto run = ws->createRun(runOf("none"));
            QVERIFY(run.ok());
            std::vector<QueryMetricValue> values;
            for (int q = 0; q < 2000; ++q) {
                std::string id = "q";
                id += std::to_string(q);
                values.push_back({id, "ndcg@10", q / 2000.0});
            }
            QVERIFY(ws->addQueryMetrics(*run, values).ok());
            QVERIFY(ws->finishRun(*run, "{}", 0).ok());
        }
        rawExec(dir / "workspace.sqlite", "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
        const auto size = fs::file_size(dir / "workspace.sqlite");
        QVERIFY(size > 16384);
        {
            std::fstream f(dir / "workspace.sqlite", std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(std::streamoff(size / 2));
            const std::string noise(8192, '\x5a');
            f.write(noise.data(), std::streamsize(noise.size()));
        }
        auto damaged = Workspace::open(dir.string());
        QVERIFY(!damaged.ok());
        QCOMPARE(damaged.error().file, (dir / "workspace.sqlite").string());
        QVERIFY2(damaged.error().message.find("damaged") != std::string::npos, damaged.error().toString().c_str());
    }

    void refusesANewerSchema()
    {
        const fs::path dir = folder("newer");
        QVERIFY(Workspace::open(dir.string(), Workspace::OpenMode::Create).ok());
        rawExec(dir / "workspace.sqlite", std::string("PRAGMA user_version = ") + std::to_string(kWorkspaceSchemaVersion + 1));
        auto ws = Workspace::open(dir.string());
        QVERIFY(!ws.ok());
        QCOMPARE(ws.error().file, (dir / "workspace.sqlite").string());
        QVERIFY2(ws.error().message.find("newer than this embtune") != std::string::npos, ws.error().message.c_str());
    }

    void lockRefusesASecondOpenUntilClosed()
    {
        const fs::path dir = folder("locked");
        auto first = Workspace::open(dir.string(), Workspace::OpenMode::Create);
        QVERIFY(first.ok());
        auto second = Workspace::open(dir.string());
        QVERIFY(!second.ok());
        QCOMPARE(second.error().file, (dir / "workspace.lock").string());
        QVERIFY2(second.error().message.find(std::string("open in another process (pid ") + std::to_string(::getpid()) + ")") !=
                     std::string::npos,
                 second.error().message.c_str());
        first->close();
        QVERIFY(Workspace::open(dir.string()).ok());
    }

    void storesEveryRecordType()
    {
        const fs::path dir = folder("records");
        int64_t datasetId = 0, setId = 0, runId = 0, querySetId = 0;
        const FloatMatrix vectors(3, 2, {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f});
        {
            auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
            QVERIFY(ws.ok());
            DatasetRecord d{0, "/data/scifact", "scifact", "abc123", 5183, 1109, 1500, 0};
            auto id = ws->addDataset(d);
            QVERIFY(id.ok());
            datasetId = *id;
            auto same = ws->addDataset(d); // same path and hash: the same record
            QCOMPARE(*same, datasetId);

            EmbeddingSetRecord e;
            e.datasetId = datasetId;
            e.name = "lsa256";
            e.provenanceJson = R"({"embedder": "lsa", "dim": 256})";
            e.dim = 2;
            e.count = 3;
            auto set = ws->addEmbeddingSet(e);
            QVERIFY(set.ok());
            setId = *set;
            auto stored = ws->storeEmbeddingSetMatrix(setId, "documents", vectors.map());
            QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().toString().c_str());

            QuerySetRecord qs{0, datasetId, "ict-1", "ict", R"({"per_doc": 1})", "artifacts/query_sets/1", 40, 0};
            auto qsId = ws->addQuerySet(qs);
            QVERIFY(qsId.ok());
            querySetId = *qsId;

            RunRecord r = runOf("nudge_n");
            r.datasetId = datasetId;
            r.embeddingSetId = setId;
            auto run = ws->createRun(r);
            QVERIFY(run.ok());
            runId = *run;
            QVERIFY(ws->appendLog(runId, "info", "epoch 1").ok());
            QVERIFY(ws->appendLog(runId, "warning", "dev metric fell").ok());
            QVERIFY(ws->addQueryMetrics(runId, {{"q1", "ndcg@10", 0.5}, {"q2", "ndcg@10", 1.0},
                                               {"q1", "recall@10", 1.0}, {"q2", "recall@10", 0.0}})
                        .ok());
            // Replacing one value keeps one row per (query, metric).
            QVERIFY(ws->addQueryMetrics(runId, {{"q2", "recall@10", 0.5}}).ok());
            auto artifact = ws->storeRunMatrix(runId, "tuned_documents", vectors.map());
            QVERIFY(artifact.ok());
            QVERIFY(ws->finishRun(runId, R"({"ndcg@10": 0.75})", 1.25).ok());
            // A finished run does not change any more.
            QVERIFY(!ws->endRun(runId, RunStatus::Failed, "late").ok());
            QVERIFY(ws->setViewState("compare.baseline", R"({"run": 1})").ok());
            QVERIFY(ws->setViewState("compare.baseline", R"({"run": 2})").ok());
            // Invalid JSON and bad artifact names are refused.
            QVERIFY(!ws->setViewState("bad", "{oops").ok());
            QVERIFY(!ws->storeRunMatrix(runId, "../escape", vectors.map()).ok());
        }
        // Everything is there after a close and reopen.
        auto ws = Workspace::open(dir.string());
        QVERIFY(ws.ok());
        QVERIFY(ws->recoveredRuns().empty());
        auto datasets = ws->datasets();
        QCOMPARE(datasets->size(), size_t(1));
        QCOMPARE(datasets->front().name, std::string("scifact"));
        QCOMPARE(datasets->front().documents, int64_t(5183));
        auto sets = ws->embeddingSets(datasetId);
        QCOMPARE(sets->size(), size_t(1));
        QCOMPARE(sets->front().provenanceJson, std::string(R"({"embedder": "lsa", "dim": 256})"));
        QCOMPARE(sets->front().artifacts.size(), size_t(1));
        auto querySets = ws->querySets();
        QCOMPARE(querySets->size(), size_t(1));
        QCOMPARE(querySets->front().id, querySetId);
        QCOMPARE(querySets->front().generator, std::string("ict"));

        auto run = ws->run(runId);
        QVERIFY(run.ok());
        QCOMPARE(run->status, RunStatus::Finished);
        QCOMPARE(run->methodId, std::string("nudge_n"));
        QCOMPARE(run->seed, int64_t(7));
        QCOMPARE(run->trainSeconds, 1.25);
        QCOMPARE(run->summaryJson, std::string(R"({"ndcg@10": 0.75})"));
        QVERIFY(run->startedAt > 0 && run->finishedAt >= run->startedAt);
        QCOMPARE(run->artifacts.size(), size_t(1));
        auto reread = embtune::engine::readNpyMatrix(*ws->artifactPath(run->artifacts.front()));
        QVERIFY(reread.ok());
        QCOMPARE(reread->rows(), int64_t(3));
        QCOMPARE(reread->data()[5], 2.5f);
        QCOMPARE(run->artifacts.front().bytes, int64_t(fs::file_size(*ws->artifactPath(run->artifacts.front()))));

        auto ndcg = ws->queryMetrics(runId, "ndcg@10");
        QCOMPARE(ndcg->size(), size_t(2));
        QCOMPARE(ndcg->at(1).queryId, std::string("q2"));
        QCOMPARE(ndcg->at(1).value, 1.0);
        QCOMPARE(ws->queryMetrics(runId)->size(), size_t(4));
        // The database's means against the values read back.
        auto means = ws->metricMeans(runId);
        QCOMPARE(means->size(), size_t(2));
        for (const auto &mean : *means) {
            auto values = ws->queryMetrics(runId, mean.metric);
            double sum = 0;
            for (const auto &v : *values)
                sum += v.value;
            QCOMPARE(mean.queries, int64_t(values->size()));
            QCOMPARE(mean.mean, sum / double(values->size()));
        }
        QCOMPARE(means->at(1).metric, std::string("recall@10"));
        QCOMPARE(means->at(1).mean, 0.75);

        auto log = ws->runLog(runId);
        QCOMPARE(log->size(), size_t(2));
        QCOMPARE(log->at(1).level, std::string("warning"));
        auto view = ws->viewState("compare.baseline");
        QCOMPARE(view->value_or(""), std::string(R"({"run": 2})"));
        QVERIFY(!ws->viewState("absent")->has_value());
    }

    void runStatusTransitions()
    {
        auto ws = Workspace::open(folder("status").string(), Workspace::OpenMode::Create);
        QVERIFY(ws.ok());
        QVERIFY(!ws->createRun(runOf("none", RunStatus::Finished)).ok());
        auto queued = ws->createRun(runOf("none", RunStatus::Queued));
        QCOMPARE(ws->run(*queued)->startedAt, int64_t(0));
        QVERIFY(ws->startRun(*queued).ok());
        QCOMPARE(ws->run(*queued)->status, RunStatus::Running);
        QVERIFY(ws->endRun(*queued, RunStatus::Failed, "input error: bad file").ok());
        QCOMPARE(ws->run(*queued)->errorMessage, std::string("input error: bad file"));
        auto cancelled = ws->createRun(runOf("none"));
        QVERIFY(ws->endRun(*cancelled, RunStatus::Cancelled, {}).ok());
        QCOMPARE(ws->run(*cancelled)->status, RunStatus::Cancelled);
        QVERIFY(!ws->endRun(*cancelled, RunStatus::Finished, {}).ok());
        QVERIFY(!ws->startRun(999).ok());
        QVERIFY(!ws->run(999).ok());
    }

    void deleteIsUndoableUntilPurged()
    {
        const fs::path dir = folder("undo");
        auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
        QVERIFY(ws.ok());
        auto keep = ws->createRun(runOf("none"));
        auto drop = ws->createRun(runOf("linear"));
        const FloatMatrix m(2, 2, {1.0f, 1.0f, 1.0f, 1.0f});
        for (int64_t id : {*keep, *drop}) {
            QVERIFY(ws->addQueryMetrics(id, {{"q1", "ndcg@10", 0.25}}).ok());
            QVERIFY(ws->appendLog(id, "info", "done").ok());
            QVERIFY(ws->storeRunMatrix(id, "tuned_documents", m.map()).ok());
            QVERIFY(ws->finishRun(id, "{}", 0.5).ok());
        }
        const std::string dropFile = *ws->artifactPath(ws->run(*drop)->artifacts.front());
        QVERIFY(ws->deleteRun(*drop).ok());
        QCOMPARE(ws->runs()->size(), size_t(1));
        QCOMPARE(ws->runs(true)->size(), size_t(2));
        QVERIFY(ws->run(*drop)->deletedAt > 0);
        // Undo: the run comes back with its rows and files.
        QVERIFY(ws->restoreRun(*drop).ok());
        QCOMPARE(ws->runs()->size(), size_t(2));
        QCOMPARE(ws->queryMetrics(*drop)->size(), size_t(1));
        QCOMPARE(ws->runLog(*drop)->size(), size_t(1));
        QVERIFY(fs::exists(dropFile));
        // Purge removes only deleted runs, their rows and their files.
        QCOMPARE(*ws->purgeDeletedRuns(), int64_t(0));
        QVERIFY(ws->deleteRun(*drop).ok());
        QCOMPARE(*ws->purgeDeletedRuns(), int64_t(1));
        QVERIFY(!ws->run(*drop).ok());
        QVERIFY(ws->queryMetrics(*drop)->empty());
        QVERIFY(ws->runLog(*drop)->empty());
        QVERIFY(!fs::exists(dropFile));
        QCOMPARE(ws->queryMetrics(*keep)->size(), size_t(1));
        QVERIFY(fs::exists(*ws->artifactPath(ws->run(*keep)->artifacts.front())));
    }

    // A workspace whose database was edited or copied from elsewhere: an artifact path that is
    // absolute, has "..", is not under artifacts/ or leads out of it through a symbolic link is
    // refused by purge (nothing purged, nothing removed) and on read, with a message naming the
    // workspace, the run, the artifact and the path.
    void refusesArtifactPathsOutsideTheWorkspace_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("absolute") << "absolute";
        QTest::newRow("dot-dot") << "dotdot";
        QTest::newRow("not under artifacts") << "database";
        QTest::newRow("linked folder") << "link";
    }

    void refusesArtifactPathsOutsideTheWorkspace()
    {
        QFETCH(QString, kind);
        const fs::path dir = folder(("hostile-" + kind.toStdString()).c_str());
        const fs::path outside = folder(("outside-" + kind.toStdString()).c_str());
        fs::create_directories(outside);
        writeBytes(outside / "tuned_documents.npy", "keep me");
        int64_t runId = 0;
        {
            auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
            QVERIFY(ws.ok());
            runId = *ws->createRun(runOf("linear"));
            const FloatMatrix m(2, 2, {1.0f, 2.0f, 3.0f, 4.0f});
            QVERIFY(ws->storeRunMatrix(runId, "tuned_documents", m.map()).ok());
            QVERIFY(ws->finishRun(runId, "{}", 0.5).ok());
        }
        const fs::path database = dir / "workspace.sqlite";
        std::string stored = "artifacts/runs/" + std::to_string(runId) + "/tuned_documents.npy";
        if (kind == QLatin1String("absolute"))
            stored = (outside / "tuned_documents.npy").string();
        else if (kind == QLatin1String("dotdot"))
            stored = "artifacts/../../" + outside.filename().string() + "/tuned_documents.npy";
        else if (kind == QLatin1String("database"))
            stored = "workspace.sqlite";
        if (kind == QLatin1String("link")) {
            const fs::path runFolder = dir / "artifacts/runs" / std::to_string(runId);
            fs::remove_all(runFolder);
            fs::create_directory_symlink(outside, runFolder);
        } else {
            rawExec(database, "UPDATE artifacts SET path = " + sqlText(stored));
        }
        const int64_t artifactId = rawInt(database, "SELECT id FROM artifacts");
        QVERIFY(artifactId > 0);
        const auto checkMessage = [&](const embtune::engine::Error &error) {
            const std::string message = error.toString();
            QCOMPARE(error.code, embtune::engine::ErrorCode::Input);
            for (const std::string &part : {dir.string(), "run " + std::to_string(runId) + ",",
                                            "artifact " + std::to_string(artifactId), "\"" + stored + "\""})
                QVERIFY2(message.find(part) != std::string::npos, (message + " lacks " + part).c_str());
        };

        auto ws = Workspace::open(dir.string());
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().toString().c_str());
        QVERIFY(ws->deleteRun(runId).ok());
        auto purged = ws->purgeDeletedRuns();
        QVERIFY2(!purged.ok(), "the purge removed a file it was given outside artifacts/");
        checkMessage(purged.error());
        QCOMPARE(readAll(outside / "tuned_documents.npy"), std::string("keep me"));
        QVERIFY(fs::exists(database));
        QCOMPARE(ws->runs(true)->size(), size_t(1)); // nothing purged
        // Reading: the record opens, its path is refused.
        QVERIFY(ws->restoreRun(runId).ok());
        auto run = ws->run(runId);
        QVERIFY(run.ok());
        auto path = ws->artifactPath(run->artifacts.front());
        QVERIFY2(!path.ok(), path.ok() ? path->c_str() : "");
        checkMessage(path.error());
    }

    // Query set folders: a legitimate one is read and deleted; one that leads out of artifacts/
    // (an absolute path, a folder behind a symbolic link) is refused and nothing is removed.
    void refusesQuerySetFoldersOutsideTheWorkspace()
    {
        const fs::path dir = folder("hostile-query-sets");
        const fs::path outside = folder("outside-query-sets");
        writeBytes(outside / "sub/queries.jsonl", "keep me");
        auto ws = Workspace::open(dir.string(), Workspace::OpenMode::Create);
        QVERIFY(ws.ok());
        DatasetRecord d;
        d.path = "/d";
        d.name = "d";
        d.hash = "h";
        const int64_t datasetId = *ws->addDataset(d);
        QuerySetRecord record{0, datasetId, "good", "title", "{}", {}, 1, 0};
        auto good = ws->storeQuerySet(record, [](const std::string &folder) {
            writeBytes(fs::path(folder) / "queries.jsonl", "{}\n");
            return embtune::engine::Status();
        });
        QVERIFY(good.ok());
        QCOMPARE(*ws->querySetFolder(*good), (dir / good->folder).string());
        record.name = "linked";
        const int64_t linked = *ws->addQuerySet(record);
        record.name = "absolute";
        const int64_t absolute = *ws->addQuerySet(record);
        ws->close();
        fs::create_directory_symlink(outside, dir / "artifacts/link");
        const fs::path database = dir / "workspace.sqlite";
        rawExec(database, "UPDATE query_sets SET folder = 'artifacts/link/sub' WHERE id = " + std::to_string(linked));
        rawExec(database, "UPDATE query_sets SET folder = " + sqlText((outside / "sub").string()) +
                              " WHERE id = " + std::to_string(absolute));

        ws = Workspace::open(dir.string());
        QVERIFY(ws.ok());
        for (int64_t id : {linked, absolute}) {
            auto deleted = ws->deleteQuerySet(id);
            QVERIFY2(!deleted.ok(), "a query set folder outside artifacts/ was removed");
            const std::string message = deleted.error().toString();
            QVERIFY2(message.find("query set " + std::to_string(id)) != std::string::npos, message.c_str());
            QVERIFY2(message.find(dir.string()) != std::string::npos, message.c_str());
            QCOMPARE(readAll(outside / "sub/queries.jsonl"), std::string("keep me"));
            auto named = ws->querySetNamed(id == linked ? "linked" : "absolute");
            QVERIFY(named.ok() && named->has_value()); // the record stays
            QVERIFY(!ws->querySetFolder(**named).ok());
        }
        QVERIFY(ws->deleteQuerySet(good->id).ok());
        QVERIFY(!fs::exists(dir / good->folder));
    }

    // A version-1 database written by hand (the v1 schema, not the current code) opens, is
    // migrated to the current version and keeps its rows.
    void migratesAVersion1Database()
    {
        const fs::path dir = folder("v1");
        fs::create_directories(dir);
        rawExec(dir / "workspace.sqlite", R"sql(
PRAGMA application_id = 1162691156;
CREATE TABLE datasets(id INTEGER PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL,
  documents INTEGER NOT NULL, queries INTEGER NOT NULL, judgements INTEGER NOT NULL, created_at INTEGER NOT NULL,
  UNIQUE(path, hash));
CREATE TABLE embedding_sets(id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL, provenance_json TEXT NOT NULL CHECK(json_valid(provenance_json)), dim INTEGER NOT NULL,
  count INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE runs(id INTEGER PRIMARY KEY, dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  embedding_set_id INTEGER REFERENCES embedding_sets(id) ON DELETE SET NULL, method_id TEXT NOT NULL,
  params_json TEXT NOT NULL CHECK(json_valid(params_json)), seed INTEGER NOT NULL DEFAULT 0, code_version TEXT NOT NULL,
  search_json TEXT NOT NULL CHECK(json_valid(search_json)),
  status TEXT NOT NULL CHECK(status IN ('queued','running','finished','failed','cancelled','interrupted')),
  created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, train_seconds REAL, error_message TEXT,
  summary_json TEXT NOT NULL DEFAULT '{}' CHECK(json_valid(summary_json)));
CREATE INDEX runs_status ON runs(status);
CREATE TABLE metric_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE query_metrics(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  metric_id INTEGER NOT NULL REFERENCES metric_names(id), query_id TEXT NOT NULL, value REAL NOT NULL,
  PRIMARY KEY(run_id, metric_id, query_id)) WITHOUT ROWID;
CREATE TABLE run_logs(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time INTEGER NOT NULL, level TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX run_logs_run ON run_logs(run_id, id);
CREATE TABLE artifacts(id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  embedding_set_id INTEGER REFERENCES embedding_sets(id) ON DELETE CASCADE, role TEXT NOT NULL, path TEXT NOT NULL,
  bytes INTEGER NOT NULL, CHECK((run_id IS NULL) <> (embedding_set_id IS NULL)));
CREATE TABLE view_state(key TEXT PRIMARY KEY, json TEXT NOT NULL CHECK(json_valid(json)));
INSERT INTO datasets VALUES (1, '/d', 'd', 'h', 5, 3, 4, 1000);
INSERT INTO runs(id, dataset_id, method_id, params_json, seed, code_version, search_json, status, created_at,
  started_at, finished_at, train_seconds, summary_json)
  VALUES (1, 1, 'linear', '{"epochs": 3}', 11, '0.0.1', '{}', 'finished', 1000, 1001, 1002, 0.5, '{"ndcg@10": 0.4}');
INSERT INTO runs(id, dataset_id, method_id, params_json, code_version, search_json, status, created_at, started_at)
  VALUES (2, 1, 'nudge_n', '{}', '0.0.1', '{}', 'running', 1003, 1004);
INSERT INTO metric_names VALUES (1, 'ndcg@10');
INSERT INTO query_metrics VALUES (1, 1, 'q1', 0.4);
INSERT INTO view_state VALUES ('compare.baseline', '{"run": 1}');
PRAGMA user_version = 1;
)sql");
        auto ws = Workspace::open(dir.string());
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().toString().c_str());
        QCOMPARE(ws->schemaVersion(), kWorkspaceSchemaVersion);
        QCOMPARE(ws->recoveredRuns(), std::vector<int64_t>{2});
        auto runs = ws->runs();
        QCOMPARE(runs->size(), size_t(2));
        QCOMPARE(runs->at(0).methodId, std::string("linear"));
        QCOMPARE(runs->at(0).seed, int64_t(11));
        QCOMPARE(runs->at(0).deletedAt, int64_t(0));
        QCOMPARE(runs->at(0).specJson, std::string()); // runs from before version 3 store no spec
        QCOMPARE(runs->at(1).status, RunStatus::Interrupted);
        QCOMPARE(ws->queryMetrics(1)->size(), size_t(1));
        QCOMPARE(ws->viewState("compare.baseline")->value_or(""), std::string(R"({"run": 1})"));
        // Version-2 features work on the migrated database.
        QVERIFY(ws->deleteRun(1).ok());
        QVERIFY(ws->restoreRun(1).ok());
        QVERIFY(ws->addQuerySet({0, 1, "t", "title", "{}", "artifacts/q", 3, 0}).ok());
        ws->close();
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open((dir / "workspace.sqlite").string().c_str(), &db), SQLITE_OK);
        sqlite3_stmt *statement = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int(statement, 0), kWorkspaceSchemaVersion);
        sqlite3_finalize(statement);
        sqlite3_close(db);
    }
};

QTEST_APPLESS_MAIN(TestWorkspace)
#include "test_workspace.moc"
