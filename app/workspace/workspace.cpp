#include "workspace.h"

#include "durable_file.h"
#include "workspace_schema.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using embtune::engine::Error;
using embtune::engine::ErrorCode;
using embtune::engine::Result;
using embtune::engine::Status;

namespace embtune::app {
namespace {

constexpr const char *kStatusNames[] = {"queued", "running", "finished", "failed", "cancelled", "interrupted"};

constexpr const char *kRunColumns =
    "id, dataset_id, embedding_set_id, method_id, params_json, seed, code_version, search_json, status, created_at, "
    "started_at, finished_at, train_seconds, error_message, summary_json, deleted_at, spec_json";

RunRecord readRun(const SqliteStatement &row)
{
    RunRecord r;
    r.id = row.integer(0);
    r.datasetId = row.integer(1);
    r.embeddingSetId = row.integer(2);
    r.methodId = row.text(3);
    r.paramsJson = row.text(4);
    r.seed = row.integer(5);
    r.codeVersion = row.text(6);
    r.searchJson = row.text(7);
    r.status = runStatusFromName(row.text(8)).value_or(RunStatus::Interrupted);
    r.createdAt = row.integer(9);
    r.startedAt = row.integer(10);
    r.finishedAt = row.integer(11);
    r.trainSeconds = row.real(12);
    r.errorMessage = row.text(13);
    r.summaryJson = row.text(14);
    r.deletedAt = row.integer(15);
    r.specJson = row.text(16);
    return r;
}

} // namespace

const char *runStatusName(RunStatus status)
{
    return kStatusNames[int(status)];
}

std::optional<RunStatus> runStatusFromName(const std::string &name)
{
    for (int i = 0; i < int(std::size(kStatusNames)); ++i)
        if (name == kStatusNames[i])
            return RunStatus(i);
    return std::nullopt;
}

bool isFinal(RunStatus status)
{
    return status != RunStatus::Queued && status != RunStatus::Running;
}

int64_t Workspace::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<Workspace> Workspace::open(const std::string &folder, OpenMode mode)
{
    std::error_code ec;
    const fs::path dir(folder);
    const fs::path dbPath = dir / kDatabaseName;
    const bool dirExists = fs::exists(dir, ec);
    if (dirExists && !fs::is_directory(dir, ec))
        return Error::input("not a workspace folder (it is a file)", folder);
    const bool hasDatabase = dirExists && fs::exists(dbPath, ec);
    bool create = false;
    if (!hasDatabase) {
        if (mode == OpenMode::Open)
            return dirExists ? Error::input(std::string("not an embtune workspace: no ") + kDatabaseName + " in the folder",
                                            folder)
                             : Error::io("no such workspace folder", folder);
        if (dirExists && !fs::is_empty(dir, ec))
            return Error::input(std::string("cannot create a workspace in a folder that is not empty and has no ") +
                                    kDatabaseName,
                                folder);
        fs::create_directories(dir, ec);
        if (ec)
            return Error::io("cannot create the workspace folder: " + ec.message(), folder);
        create = true;
    } else if (mode == OpenMode::Create) {
        return Error::input("a workspace already exists here", dbPath.string());
    }

    Workspace ws;
    ws.m_folder = dir.string();
    auto lock = WorkspaceLock::acquire((dir / kLockName).string());
    if (!lock)
        return lock.error();
    ws.m_lock = std::move(*lock);
    auto db = SqliteConnection::open(dbPath.string(), create);
    if (!db)
        return db.error();
    ws.m_db = std::move(*db);
    if (Status s = ws.initialize(create); !s)
        return s.error();
    return ws;
}

Status Workspace::initialize(bool created)
{
    const std::string path = m_db.path();
    // The first read of the header: a file that is not SQLite fails here.
    auto appId = m_db.queryInt("PRAGMA application_id");
    if (!appId)
        return Error::input("not a workspace database (" + appId.error().message + ")", path);
    auto version = m_db.queryInt("PRAGMA user_version");
    if (!version)
        return Error::input("cannot read the schema version (" + version.error().message + ")", path);
    auto tables = m_db.queryInt("SELECT count(*) FROM sqlite_master");
    if (!tables)
        return Error::input("damaged workspace database (" + tables.error().message + ")", path);
    const int64_t userVersion = version->value_or(0);
    const bool empty = tables->value_or(0) == 0 && userVersion == 0;
    if (!empty && appId->value_or(0) != kWorkspaceApplicationId)
        return Error::input("not an embtune workspace database (another application's SQLite file)", path);
    if (!empty || !created) {
        if (userVersion > kWorkspaceSchemaVersion)
            return Error::input(std::string("the workspace has schema version ") + std::to_string(userVersion) +
                                    ", newer than this embtune supports (" + std::to_string(kWorkspaceSchemaVersion) +
                                    "): open it with a newer embtune",
                                path);
        if (empty)
            return Error::input("not an embtune workspace database (empty)", path);
        auto check = m_db.prepare("PRAGMA quick_check");
        if (!check)
            return Error::input("damaged workspace database (" + check.error().message + ")", path);
        auto row = check->step();
        if (!row)
            return Error::input("damaged workspace database (" + row.error().message + ")", path);
        if (*row && check->text(0) != "ok")
            return Error::input("damaged workspace database: " + check->text(0), path);
    }
    if (Status s = m_db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF"); !s)
        return s;
    if (Status s = migrateWorkspaceSchema(m_db, int(userVersion)); !s)
        return s;
    if (Status s = m_db.exec("PRAGMA foreign_keys = ON"); !s)
        return s;
    m_schemaVersion = kWorkspaceSchemaVersion;
    std::error_code ec;
    fs::create_directories(fs::path(m_folder) / kArtifactsFolder, ec);
    if (ec)
        return Error::io("cannot create the artifacts folder: " + ec.message(), (fs::path(m_folder) / kArtifactsFolder).string());

    // We hold the lock, so no live process owns a 'running' run: its process died.
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    auto find = m_db.prepare("SELECT id FROM runs WHERE status = 'running' ORDER BY id");
    if (!find)
        return find.error();
    for (;;) {
        auto row = find->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        m_recovered.push_back(find->integer(0));
    }
    auto mark = m_db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ?1, error_message = ?2 "
                             "WHERE status = 'running'");
    if (!mark)
        return mark.error();
    if (Status s = mark->bind(1, nowMs())
                       .bind(2, std::string_view("interrupted: the process running it ended (crash or kill)"))
                       .run();
        !s)
        return s;
    return transaction.commit();
}

void Workspace::close()
{
    m_db.close();
    m_lock.release();
}

std::string Workspace::databasePath() const
{
    return (fs::path(m_folder) / kDatabaseName).string();
}

Result<int64_t> Workspace::addDataset(const DatasetRecord &r)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto find = m_db.prepare("SELECT id FROM datasets WHERE path = ?1 AND hash = ?2");
    if (!find)
        return find.error();
    find->bind(1, r.path).bind(2, r.hash);
    auto found = find->step();
    if (!found)
        return found.error();
    if (*found)
        return find->integer(0);
    auto insert = m_db.prepare("INSERT INTO datasets(path, name, hash, documents, queries, judgements, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert)
        return insert.error();
    insert->bind(1, r.path).bind(2, r.name).bind(3, r.hash).bind(4, r.documents).bind(5, r.queries);
    insert->bind(6, r.judgements).bind(7, r.createdAt ? r.createdAt : nowMs());
    if (Status s = insert->run(); !s)
        return s.error();
    const int64_t id = m_db.lastInsertId();
    if (Status s = transaction.commit(); !s)
        return s.error();
    return id;
}

Result<std::vector<DatasetRecord>> Workspace::datasets() const
{
    auto q = m_db.prepare("SELECT id, path, name, hash, documents, queries, judgements, created_at FROM datasets "
                          "ORDER BY id");
    if (!q)
        return q.error();
    return q->collect<DatasetRecord>([](const SqliteStatement &row) -> DatasetRecord {
        return DatasetRecord{row.integer(0), row.text(1),    row.text(2),    row.text(3),
                             row.integer(4), row.integer(5), row.integer(6), row.integer(7)};
    });
}

Result<int64_t> Workspace::addEmbeddingSet(const EmbeddingSetRecord &r)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto insert = m_db.prepare("INSERT INTO embedding_sets(dataset_id, name, provenance_json, dim, count, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert)
        return insert.error();
    insert->bind(1, r.datasetId).bind(2, r.name).bind(3, r.provenanceJson).bind(4, r.dim).bind(5, r.count);
    insert->bind(6, r.createdAt ? r.createdAt : nowMs());
    if (Status s = insert->run(); !s)
        return s.error();
    const int64_t id = m_db.lastInsertId();
    if (Status s = transaction.commit(); !s)
        return s.error();
    return id;
}

Result<std::vector<EmbeddingSetRecord>> Workspace::embeddingSets(int64_t datasetId) const
{
    auto q = m_db.prepare("SELECT id, dataset_id, name, provenance_json, dim, count, created_at FROM embedding_sets "
                          "WHERE ?1 = 0 OR dataset_id = ?1 ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, datasetId);
    auto out = q->collect<EmbeddingSetRecord>([](const SqliteStatement &row) {
        EmbeddingSetRecord r;
        r.id = row.integer(0);
        r.datasetId = row.integer(1);
        r.name = row.text(2);
        r.provenanceJson = row.text(3);
        r.dim = row.integer(4);
        r.count = row.integer(5);
        r.createdAt = row.integer(6);
        return r;
    });
    if (!out)
        return out.error();
    for (auto &r : *out) {
        auto artifacts = artifactsOf("embedding_set_id", r.id);
        if (!artifacts)
            return artifacts.error();
        r.artifacts = std::move(*artifacts);
    }
    return out;
}

Result<int64_t> Workspace::addQuerySet(const QuerySetRecord &r)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto insert = m_db.prepare("INSERT INTO query_sets(dataset_id, name, generator, params_json, folder, count, "
                               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert)
        return insert.error();
    insert->bind(1, r.datasetId).bind(2, r.name).bind(3, r.generator).bind(4, r.paramsJson).bind(5, r.folder);
    insert->bind(6, r.count).bind(7, r.createdAt ? r.createdAt : nowMs());
    if (Status s = insert->run(); !s)
        return s.error();
    const int64_t id = m_db.lastInsertId();
    if (Status s = transaction.commit(); !s)
        return s.error();
    return id;
}

Result<std::vector<QuerySetRecord>> Workspace::querySets(int64_t datasetId) const
{
    auto q = m_db.prepare("SELECT id, dataset_id, name, generator, params_json, folder, count, created_at "
                          "FROM query_sets WHERE ?1 = 0 OR dataset_id = ?1 ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, datasetId);
    return q->collect<QuerySetRecord>([](const SqliteStatement &row) -> QuerySetRecord {
        return QuerySetRecord{row.integer(0), row.integer(1), row.text(2),    row.text(3),
                              row.text(4),    row.text(5),    row.integer(6), row.integer(7)};
    });
}

Result<QuerySetRecord> Workspace::storeQuerySet(QuerySetRecord record,
                                                const std::function<Status(const std::string &dir)> &write)
{
    if (record.name.empty())
        return Error::usage("a query set needs a name");
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto taken = m_db.prepare("SELECT count(*) FROM query_sets WHERE name = ?1");
    if (!taken)
        return taken.error();
    taken->bind(1, record.name);
    if (auto row = taken->step(); !row)
        return row.error();
    if (taken->integer(0) > 0)
        return Error::usage("the workspace already has a query set named \"" + record.name + "\"");
    record.folder = "pending";
    record.createdAt = record.createdAt ? record.createdAt : nowMs();
    auto insert = m_db.prepare("INSERT INTO query_sets(dataset_id, name, generator, params_json, folder, count, "
                               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert)
        return insert.error();
    insert->bind(1, record.datasetId).bind(2, record.name).bind(3, record.generator).bind(4, record.paramsJson);
    insert->bind(5, record.folder).bind(6, record.count).bind(7, record.createdAt);
    if (Status s = insert->run(); !s)
        return s.error();
    record.id = m_db.lastInsertId();
    record.folder = std::string(kArtifactsFolder) + "/query_sets/" + std::to_string(record.id);
    const fs::path final = fs::path(m_folder) / record.folder;
    const fs::path temp = final.parent_path() / (".tmp-" + std::to_string(record.id));
    std::error_code ec;
    fs::remove_all(temp, ec);
    fs::create_directories(temp, ec);
    if (ec)
        return Error::io("cannot create the query set folder: " + ec.message(), temp.string());
    if (Status s = write(temp.string()); !s) {
        fs::remove_all(temp, ec);
        return s.error();
    }
    fs::remove_all(final, ec); // left by a crash after a rename whose record was never committed
    fs::rename(temp, final, ec);
    if (ec) {
        fs::remove_all(temp, ec);
        return Error::io("cannot move the query set into place: " + ec.message(), final.string());
    }
    auto update = m_db.prepare("UPDATE query_sets SET folder = ?1 WHERE id = ?2");
    if (!update)
        return update.error();
    if (Status s = update->bind(1, record.folder).bind(2, record.id).run(); !s)
        return s.error();
    if (Status s = transaction.commit(); !s) {
        fs::remove_all(final, ec);
        return s.error();
    }
    return record;
}

Result<std::optional<QuerySetRecord>> Workspace::querySetNamed(const std::string &name) const
{
    auto all = querySets();
    if (!all)
        return all.error();
    for (QuerySetRecord &r : *all)
        if (r.name == name)
            return std::optional<QuerySetRecord>(std::move(r));
    return std::optional<QuerySetRecord>();
}

Status Workspace::deleteQuerySet(int64_t id)
{
    auto all = querySets();
    if (!all)
        return all.error();
    const auto found = std::find_if(all->begin(), all->end(), [id](const QuerySetRecord &r) { return r.id == id; });
    if (found == all->end())
        return Error::usage("no query set with id " + std::to_string(id));
    auto folder = querySetFolder(*found);
    if (!folder)
        return folder.error();
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    auto remove = m_db.prepare("DELETE FROM query_sets WHERE id = ?1");
    if (!remove)
        return remove.error();
    if (Status s = remove->bind(1, id).run(); !s)
        return s;
    if (Status s = transaction.commit(); !s)
        return s;
    std::error_code ec;
    fs::remove_all(*folder, ec); // a link there is removed, not followed
    return {};
}

Result<int64_t> Workspace::createRun(const RunRecord &r)
{
    if (isFinal(r.status))
        return Error::usage(std::string("a new run is queued or running, not ") + runStatusName(r.status));
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun().error();
    auto insert = m_db.prepare(
        "INSERT INTO runs(dataset_id, embedding_set_id, method_id, params_json, seed, code_version, search_json, "
        "status, created_at, started_at, spec_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!insert)
        return insert.error();
    const int64_t now = nowMs();
    insert->bindId(1, r.datasetId).bindId(2, r.embeddingSetId).bind(3, r.methodId).bind(4, r.paramsJson);
    insert->bind(5, r.seed).bind(6, r.codeVersion).bind(7, r.searchJson).bind(8, runStatusName(r.status));
    insert->bind(9, r.createdAt ? r.createdAt : now);
    if (r.status == RunStatus::Running)
        insert->bind(10, r.startedAt ? r.startedAt : now);
    if (!r.specJson.empty())
        insert->bind(11, r.specJson);
    if (Status s = insert->run(); !s)
        return s.error();
    const int64_t id = m_db.lastInsertId();
    if (Status s = transaction.commit(); !s)
        return s.error();
    return id;
}

Status Workspace::requireRun(int64_t runId) const
{
    auto q = m_db.prepare("SELECT 1 FROM runs WHERE id = ?1");
    if (!q)
        return q.error();
    q->bind(1, runId);
    auto row = q->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error::usage(std::string("no run ") + std::to_string(runId) + " in the workspace " + m_folder);
    return {};
}

Status Workspace::setStatus(int64_t runId, RunStatus status, const char *timeColumn, const std::string &message,
                            double trainSeconds, const std::string &summaryJson)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    if (Status s = requireRun(runId); !s)
        return s;
    const std::string sql = std::string("UPDATE runs SET status = ?2, ") + timeColumn +
                            " = ?3, error_message = ?4, train_seconds = coalesce(?5, train_seconds), "
                            "summary_json = coalesce(?6, summary_json) "
                            "WHERE id = ?1 AND status IN ('queued', 'running')";
    auto update = m_db.prepare(sql);
    if (!update)
        return update.error();
    update->bind(1, runId).bind(2, runStatusName(status)).bind(3, nowMs());
    if (message.empty())
        update->bindNull(4);
    else
        update->bind(4, message);
    if (status == RunStatus::Finished)
        update->bind(5, trainSeconds).bind(6, summaryJson);
    if (Status s = update->run(); !s)
        return s;
    if (m_db.changes() == 0)
        return Error::usage(std::string("run ") + std::to_string(runId) + " has already ended; its status cannot change to " +
                            runStatusName(status));
    return transaction.commit();
}

Status Workspace::startRun(int64_t runId)
{
    return setStatus(runId, RunStatus::Running, "started_at", {}, 0, {});
}

Status Workspace::finishRun(int64_t runId, const std::string &summaryJson, double trainSeconds)
{
    return setStatus(runId, RunStatus::Finished, "finished_at", {}, trainSeconds, summaryJson);
}

Status Workspace::endRun(int64_t runId, RunStatus status, const std::string &message)
{
    if (!isFinal(status) || status == RunStatus::Finished)
        return Error::usage(std::string("endRun takes failed, cancelled or interrupted, not ") + runStatusName(status));
    return setStatus(runId, status, "finished_at", message, 0, {});
}

Status Workspace::setRunParameters(int64_t runId, const std::string &paramsJson, int64_t seed)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    if (Status s = requireRun(runId); !s)
        return s;
    auto update = m_db.prepare("UPDATE runs SET params_json = ?2, seed = ?3 WHERE id = ?1 AND status IN ('queued', 'running')");
    if (!update)
        return update.error();
    update->bind(1, runId).bind(2, paramsJson).bind(3, seed);
    if (Status s = update->run(); !s)
        return s;
    if (m_db.changes() == 0)
        return Error::usage("run " + std::to_string(runId) + " has already ended; its parameters cannot change");
    return transaction.commit();
}

Result<RunRecord> Workspace::run(int64_t runId) const
{
    auto q = m_db.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1");
    if (!q)
        return q.error();
    q->bind(1, runId);
    auto row = q->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error::usage(std::string("no run ") + std::to_string(runId) + " in the workspace " + m_folder);
    RunRecord r = readRun(*q);
    auto artifacts = artifactsOf("run_id", r.id);
    if (!artifacts)
        return artifacts.error();
    r.artifacts = std::move(*artifacts);
    return r;
}

Result<std::vector<RunRecord>> Workspace::runs(bool includeDeleted) const
{
    auto q = m_db.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE ?1 OR deleted_at IS NULL ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, int64_t(includeDeleted));
    auto out = q->collect<RunRecord>([](const SqliteStatement &row) { return readRun(row); });
    if (!out)
        return out.error();
    for (auto &r : *out) {
        auto artifacts = artifactsOf("run_id", r.id);
        if (!artifacts)
            return artifacts.error();
        r.artifacts = std::move(*artifacts);
    }
    return out;
}

Status Workspace::deleteRun(int64_t runId)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    if (Status s = requireRun(runId); !s)
        return s;
    auto update = m_db.prepare("UPDATE runs SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
    if (!update)
        return update.error();
    if (Status s = update->bind(1, runId).bind(2, nowMs()).run(); !s)
        return s;
    return transaction.commit();
}

Status Workspace::restoreRun(int64_t runId)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    if (Status s = requireRun(runId); !s)
        return s;
    auto update = m_db.prepare("UPDATE runs SET deleted_at = NULL WHERE id = ?1");
    if (!update)
        return update.error();
    if (Status s = update->bind(1, runId).run(); !s)
        return s;
    return transaction.commit();
}

Result<int64_t> Workspace::purgeDeletedRuns()
{
    std::vector<std::string> files;
    int64_t purged = 0;
    {
        SqliteTransaction transaction(m_db);
        if (!transaction.begun())
            return transaction.begun().error();
        auto paths = m_db.prepare("SELECT a.role, a.path, a.bytes, a.id, a.run_id FROM artifacts a "
                                  "JOIN runs r ON r.id = a.run_id WHERE r.deleted_at IS NOT NULL");
        if (!paths)
            return paths.error();
        for (;;) {
            auto row = paths->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            ArtifactRef artifact{paths->text(0), paths->text(1), paths->integer(2)};
            artifact.id = paths->integer(3);
            artifact.runId = paths->integer(4);
            // Checked before anything is removed: one refused path purges nothing.
            auto file = artifactPath(artifact);
            if (!file)
                return file.error();
            files.push_back(std::move(*file));
        }
        // Per-query rows, logs and artifact records go with their run (ON DELETE CASCADE).
        if (Status s = m_db.exec("DELETE FROM runs WHERE deleted_at IS NOT NULL"); !s)
            return s.error();
        purged = m_db.changes();
        if (Status s = transaction.commit(); !s)
            return s.error();
    }
    // Files go after the commit: a crash in between leaves unreferenced files, never a record
    // pointing at a missing file.
    std::error_code ec;
    const fs::path artifacts = (fs::path(m_folder) / kArtifactsFolder).lexically_normal();
    for (const auto &file : files) {
        const fs::path path(file);
        fs::remove(path, ec); // a link there is removed, not followed
        if (path.parent_path() != artifacts)
            fs::remove(path.parent_path(), ec); // the run's folder, when now empty
    }
    return purged;
}

Status Workspace::addQueryMetrics(int64_t runId, const std::vector<QueryMetricValue> &values)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    if (Status s = requireRun(runId); !s)
        return s;
    auto addName = m_db.prepare("INSERT OR IGNORE INTO metric_names(name) VALUES (?1)");
    auto findName = m_db.prepare("SELECT id FROM metric_names WHERE name = ?1");
    auto insert = m_db.prepare("INSERT OR REPLACE INTO query_metrics(run_id, metric_id, query_id, value) "
                               "VALUES (?1, ?2, ?3, ?4)");
    for (auto *statement : {&addName, &findName, &insert})
        if (!*statement)
            return statement->error();
    std::map<std::string, int64_t, std::less<>> metricIds;
    for (const auto &v : values) {
        auto known = metricIds.find(v.metric);
        if (known == metricIds.end()) {
            if (Status s = addName->bind(1, v.metric).run(); !s)
                return s;
            findName->bind(1, v.metric);
            auto row = findName->step();
            if (!row)
                return row.error();
            known = metricIds.emplace(v.metric, findName->integer(0)).first;
            findName->reset();
        }
        if (Status s = insert->bind(1, runId).bind(2, known->second).bind(3, v.queryId).bind(4, v.value).run(); !s)
            return s;
    }
    return transaction.commit();
}

Result<std::vector<QueryMetricValue>> Workspace::queryMetrics(int64_t runId, const std::string &metric) const
{
    auto q = m_db.prepare("SELECT query_id, metric, value FROM query_metric_values WHERE run_id = ?1 "
                          "AND (?2 = '' OR metric = ?2) ORDER BY metric, query_id");
    if (!q)
        return q.error();
    q->bind(1, runId).bind(2, metric);
    return q->collect<QueryMetricValue>([](const SqliteStatement &row) -> QueryMetricValue {
        return QueryMetricValue{row.text(0), row.text(1), row.real(2)};
    });
}

Result<std::vector<Workspace::MetricMean>> Workspace::metricMeans(int64_t runId) const
{
    auto q = m_db.prepare("SELECT metric, avg(value), count(*) FROM query_metric_values WHERE run_id = ?1 "
                          "GROUP BY metric ORDER BY metric");
    if (!q)
        return q.error();
    q->bind(1, runId);
    return q->collect<MetricMean>([](const SqliteStatement &row) -> MetricMean {
        return MetricMean{row.text(0), row.real(1), row.integer(2)};
    });
}

Status Workspace::appendLog(int64_t runId, const std::string &level, const std::string &text)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    auto insert = m_db.prepare("INSERT INTO run_logs(run_id, time, level, text) VALUES (?1, ?2, ?3, ?4)");
    if (!insert)
        return insert.error();
    if (Status s = insert->bind(1, runId).bind(2, nowMs()).bind(3, level).bind(4, text).run(); !s)
        return s;
    return transaction.commit();
}

Result<std::vector<RunLogEntry>> Workspace::runLog(int64_t runId) const
{
    auto q = m_db.prepare("SELECT time, level, text FROM run_logs WHERE run_id = ?1 ORDER BY id");
    if (!q)
        return q.error();
    q->bind(1, runId);
    return q->collect<RunLogEntry>([](const SqliteStatement &row) -> RunLogEntry {
        return RunLogEntry{row.integer(0), row.text(1), row.text(2)};
    });
}

Status Workspace::setViewState(const std::string &key, const std::string &json)
{
    SqliteTransaction transaction(m_db);
    if (!transaction.begun())
        return transaction.begun();
    auto upsert = m_db.prepare("INSERT INTO view_state(key, json) VALUES (?1, ?2) "
                               "ON CONFLICT(key) DO UPDATE SET json = excluded.json");
    if (!upsert)
        return upsert.error();
    if (Status s = upsert->bind(1, key).bind(2, json).run(); !s)
        return s;
    return transaction.commit();
}

Result<std::optional<std::string>> Workspace::viewState(const std::string &key) const
{
    auto q = m_db.prepare("SELECT json FROM view_state WHERE key = ?1");
    if (!q)
        return q.error();
    q->bind(1, key);
    auto row = q->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<std::string>();
    return std::optional<std::string>(q->text(0));
}

} // namespace embtune::app
