#pragma once
// A workspace: a folder holding workspace.sqlite (every record) and artifacts/ (large arrays
// as .npy), locked for the lifetime of the Workspace object so one process at a time writes it.
//
// Guarantees:
// - Every write is one SQLite transaction (WAL journal, synchronous=FULL, foreign keys on);
//   artifacts are written to a temporary file, fsync'ed and renamed before they are recorded.
// - A run left 'running' by a process that died is marked 'interrupted' by the next open: the
//   lock proves no live process owns it. recoveredRuns() lists them.
// - open() refuses, with an Error naming the file: a folder that is not a workspace, a database
//   of another application, a schema newer than this build, a damaged database, and a
//   workspace another process holds.
// Not thread-safe: use one Workspace from one thread at a time. Movable, not copyable.

#include "sqlite_connection.h"
#include "workspace_lock.h"
#include "workspace_records.h"

#include "core/error.h"
#include "core/matrix.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace embtune::app {

class Workspace {
public:
    enum class OpenMode {
        Open,         // the folder must be a workspace
        Create,       // the folder must not exist or be empty
        OpenOrCreate, // either of the above
    };
    static constexpr const char *kDatabaseName = "workspace.sqlite";
    static constexpr const char *kLockName = "workspace.lock";
    static constexpr const char *kArtifactsFolder = "artifacts";

    static engine::Result<Workspace> open(const std::string &folder, OpenMode mode = OpenMode::Open);

    Workspace(Workspace &&) noexcept = default;
    Workspace &operator=(Workspace &&) noexcept = default;
    ~Workspace() = default;

    // Closes the database and releases the lock. The object is unusable afterwards.
    void close();
    bool isOpen() const { return m_db.isOpen(); }
    const std::string &folder() const { return m_folder; }
    std::string databasePath() const;
    int schemaVersion() const { return m_schemaVersion; }
    // Runs marked 'interrupted' by this open (left running by a process that died).
    const std::vector<int64_t> &recoveredRuns() const { return m_recovered; }

    // Datasets: (path, hash) is unique; adding an existing one returns its id.
    engine::Result<int64_t> addDataset(const DatasetRecord &record);
    engine::Result<std::vector<DatasetRecord>> datasets() const;

    engine::Result<int64_t> addEmbeddingSet(const EmbeddingSetRecord &record);
    engine::Result<std::vector<EmbeddingSetRecord>> embeddingSets(int64_t datasetId = 0) const;
    // Writes `matrix` to artifacts/embeddings/<id>/<role>.npy and records it.
    engine::Result<ArtifactRef> storeEmbeddingSetMatrix(int64_t embeddingSetId, const std::string &role,
                                                        engine::ConstMatrixMap matrix);

    engine::Result<int64_t> addQuerySet(const QuerySetRecord &record);
    engine::Result<std::vector<QuerySetRecord>> querySets(int64_t datasetId = 0) const;
    // Stores a query set with its folder: `write` fills a temporary folder under
    // artifacts/query_sets/, which is renamed to artifacts/query_sets/<id>/ before the record
    // (record.folder set to that path) is committed, so a crash leaves no half-written set on
    // record. Refuses an empty name or a name another query set of the workspace has.
    // Read a stored set's folder through querySetFolder (confined like artifactPath).
    engine::Result<QuerySetRecord> storeQuerySet(QuerySetRecord record,
                                                 const std::function<engine::Status(const std::string &dir)> &write);
    // The query set named `name`; std::nullopt when there is none.
    engine::Result<std::optional<QuerySetRecord>> querySetNamed(const std::string &name) const;
    // The absolute path of the folder of query set `record`, refused as artifactPath refuses.
    engine::Result<std::string> querySetFolder(const QuerySetRecord &record) const;
    // Removes the record of query set `id` and its folder. A folder querySetFolder refuses is
    // refused here too: nothing is removed, neither the record nor any file.
    engine::Status deleteQuerySet(int64_t id);

    // Runs. createRun stores `record` (status Queued or Running; its id is ignored).
    engine::Result<int64_t> createRun(const RunRecord &record);
    // Queued -> Running, sets startedAt.
    engine::Status startRun(int64_t runId);
    // Running/Queued -> Finished with its summary and training time.
    engine::Status finishRun(int64_t runId, const std::string &summaryJson, double trainSeconds);
    // Running/Queued -> Failed, Cancelled or Interrupted with a message (may be empty).
    engine::Status endRun(int64_t runId, RunStatus status, const std::string &message);
    // Sets the parameters and seed of a run that has not ended (e.g. known once it trained).
    engine::Status setRunParameters(int64_t runId, const std::string &paramsJson, int64_t seed);
    engine::Result<RunRecord> run(int64_t runId) const;
    // Runs in id order; soft-deleted ones only when asked.
    engine::Result<std::vector<RunRecord>> runs(bool includeDeleted = false) const;

    // Deletion with Undo: deleteRun hides a run (and its rows), restoreRun brings it back,
    // purgeDeletedRuns removes hidden runs, their rows and artifact files for good. When the
    // path of one of those artifacts is refused (see artifactPath), nothing is purged: the error
    // names the run, the artifact and the path, and no file anywhere is removed.
    engine::Status deleteRun(int64_t runId);
    engine::Status restoreRun(int64_t runId);
    engine::Result<int64_t> purgeDeletedRuns();

    // Per-query metric values of a run, added in one transaction; a (query, metric) pair
    // already stored is replaced.
    engine::Status addQueryMetrics(int64_t runId, const std::vector<QueryMetricValue> &values);
    // Values of one metric (empty: all) ordered by metric name, then query id.
    engine::Result<std::vector<QueryMetricValue>> queryMetrics(int64_t runId, const std::string &metric = {}) const;
    // Mean of each metric over the run's queries, computed by the database: (metric, mean, queries).
    struct MetricMean {
        std::string metric;
        double mean = 0;
        int64_t queries = 0;
    };
    engine::Result<std::vector<MetricMean>> metricMeans(int64_t runId) const;

    engine::Status appendLog(int64_t runId, const std::string &level, const std::string &text);
    engine::Result<std::vector<RunLogEntry>> runLog(int64_t runId) const;

    // Writes `matrix` to artifacts/runs/<id>/<role>.npy (or any file content with
    // storeRunFile) and records it; replaces an artifact of the same role.
    engine::Result<ArtifactRef> storeRunMatrix(int64_t runId, const std::string &role, engine::ConstMatrixMap matrix);
    // The same for any matrix: a derived one (NUDGE's overlay) is written without being built.
    engine::Result<ArtifactRef> storeRunMatrix(int64_t runId, const std::string &role, const engine::FloatMatrix &matrix);
    engine::Result<ArtifactRef> storeRunFile(int64_t runId, const std::string &role, const std::string &fileName,
                                             const std::string &content);
    // Absolute path of an artifact. The stored path comes from the database, which may have been
    // edited or copied from elsewhere: one that is empty, absolute, has a ".." component, is not
    // under artifacts/, or resolves (following the symbolic links of its existing parts, the
    // workspace folder's own excepted) to anything but a path strictly inside the workspace's
    // artifacts/ folder is refused with an Input error naming the workspace folder (file), the
    // record (run or embedding set, artifact id) and the path. Every read or removal of an
    // artifact goes through this check.
    engine::Result<std::string> artifactPath(const ArtifactRef &artifact) const;

    // View state: key -> JSON (e.g. "compare.columns"). setViewState replaces.
    engine::Status setViewState(const std::string &key, const std::string &json);
    engine::Result<std::optional<std::string>> viewState(const std::string &key) const;

    static int64_t nowMs();

private:
    Workspace() = default;
    engine::Status initialize(bool created);
    engine::Result<ArtifactRef> recordArtifact(const char *ownerColumn, int64_t ownerId, const std::string &role,
                                               const std::string &relativePath);
    engine::Result<std::vector<ArtifactRef>> artifactsOf(const char *ownerColumn, int64_t ownerId) const;
    engine::Status requireRun(int64_t runId) const;
    // `stored` (relative to the workspace folder) checked as artifactPath describes; `record`
    // names its record in the message ("run 3, artifact 7").
    engine::Result<std::string> confinedPath(const std::string &stored, const std::string &record) const;
    engine::Status setStatus(int64_t runId, RunStatus status, const char *extraSql, const std::string &message,
                             double trainSeconds, const std::string &summaryJson);

    std::string m_folder;
    WorkspaceLock m_lock; // declared before m_db: released after the database is closed
    SqliteConnection m_db;
    int m_schemaVersion = 0;
    std::vector<int64_t> m_recovered;
};

} // namespace embtune::app
