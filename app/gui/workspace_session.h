#pragma once
// The GUI's open workspace (app/workspace): opens or creates it, records the window's runs as
// they go (queued -> running -> finished / failed / cancelled) with their per-query metrics, log
// and tuned vectors, stores view state, and reads the runs back for the window to restore.
//
// Threads: the object lives in the GUI thread. Every write goes, in call order, to one worker
// thread that owns the Workspace (writes of per-query values and vectors never block the event
// loop); the synchronous reads (open, storedRuns, viewState) first wait for pending writes.
// Runs are named by handles (>= 1) this object hands out, so a write can be queued before the
// database has given the run its id. A write that fails is reported by writeFailed().
//
// What a finished run stores: the run record (method, parameters, seed, code version, search,
// timings, status), summaryJson {"key", "name", "description", "split", "report" (fit report
// JSON), "judged", "excluded", "search_seconds", "means": {"ndcg@10": ...}, "queries": [ids],
// "metrics": [keys], "ks": [k]}, per-query rows for k in kStoredKs (SQL-queryable, as the CLI
// stores them), the artifact "per_query_metrics" (every metric and k: little-endian float64,
// metric-major, then k, then query in "queries" order), "tuned_documents" / "tuned_queries"
// (.npy) for trained runs and the log lines.

#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"

#include "workspace.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace embtune::gui {

class WorkspaceSession : public QObject {
    Q_OBJECT
public:
    // The ks of the per-query rows in the database (all ks go to the per_query_metrics artifact).
    static const QList<int> kStoredKs;

    // What a run is, known when it is queued.
    struct RunStart {
        std::shared_ptr<const engine::Dataset> dataset;
        QString datasetPath;
        QString embeddingsName;       // empty: no vectors (BM25)
        QString embeddingsKey;        // Embeddings panel key
        QString embeddingsSource;     // folder or file the vectors came from
        QString embedder;             // provenance.embedder
        qint64 dim = 0, documents = 0;
        QString methodId;             // "none", "bm25" or a method id
        QString paramsJson = QStringLiteral("{}");
        qint64 seed = 0;
        QString searchJson = QStringLiteral("{}");
        QString specJson;             // engine::runSpecToJson of the run; empty: not known
        bool running = false;         // created as running (else queued)
    };
    // What a finished run produced.
    struct RunResult {
        QString key, name, description, split, reportJson;
        std::shared_ptr<const engine::Dataset> dataset;
        std::shared_ptr<const engine::EvaluationReport> report;
        std::shared_ptr<const engine::EmbeddingSet> tuned; // trained runs only
        double trainSeconds = 0;
        QStringList log;                                   // lines appended to the run's log
    };
    // A run read back from the workspace.
    struct StoredRun {
        int handle = 0;
        qint64 id = 0;
        app::RunRecord record;
        QString key, name, description, split, reportJson; // from summaryJson (finished runs)
        QString datasetPath, embeddingsKey;
        std::shared_ptr<const engine::EvaluationReport> report; // rebuilt (finished runs)
        std::shared_ptr<const engine::EmbeddingSet> tuned;      // from the artifacts, when stored
        QString problem;                                        // why it could not be restored
    };

    explicit WorkspaceSession(QObject *parent = nullptr);
    // Waits for pending writes and closes the workspace.
    ~WorkspaceSession() override;

    // Opens `folder` (create: an absent or empty folder becomes a workspace; otherwise it must
    // be one). Closes the open one first. Returns the error message, or an empty string.
    QString open(const QString &folder, bool create);
    // Waits for pending writes, purges the runs deleted during the session, closes.
    void close();
    bool isOpen() const { return m_workspace != nullptr; }
    QString folder() const { return m_folder; }
    // Runs the open marked interrupted (left running by a process that died).
    QList<qint64> recoveredRuns() const { return m_recovered; }
    // Blocks until every queued write is done.
    void waitForWrites();
    // The open workspace (null when none) after waiting for the queued writes, for a caller on
    // the GUI thread that uses it at once, before any later recording call queues a write.
    app::Workspace *workspaceForSyncUse()
    {
        waitForWrites();
        return m_workspace;
    }

    // Recording. Each returns at once; the write happens on the worker thread.
    int beginRun(const RunStart &start);
    void markRunning(int handle);
    // Parameters (every one, defaults included) and seed, before the run ends.
    void setParameters(int handle, const QString &paramsJson, qint64 seed);
    void finishRun(int handle, const RunResult &result);
    // status: Failed, Cancelled or Interrupted.
    void endRun(int handle, app::RunStatus status, const QString &message);
    void deleteRun(int handle);
    void restoreRun(int handle);
    void setViewState(const QString &key, const QString &json);

    // Synchronous reads (wait for pending writes first).
    std::optional<QString> viewState(const QString &key);
    // Every run not deleted, in id order, without per-query values (report and tuned are null).
    QList<StoredRun> storedRuns(QString *error = nullptr);
    // The finished runs of `runs` with their reports rebuilt for `dataset` (query ids mapped to
    // its indices) and their tuned vectors read, on the worker thread.
    QFuture<QList<StoredRun>> loadResults(QList<StoredRun> runs, std::shared_ptr<const engine::Dataset> dataset);

    // Handle of a stored run id (assigned by storedRuns), or 0.
    int handleOf(qint64 runId) const { return m_handleOfId.value(runId); }

signals:
    void writeFailed(const QString &message);

private:
    struct Shared; // worker-side state (the Workspace and handle -> run id), worker thread only
    void post(std::function<engine::Status(Shared &)> write, const QString &what);

    QThreadPool m_pool;
    std::shared_ptr<Shared> m_shared;
    app::Workspace *m_workspace = nullptr; // owned by m_shared; touch only with the pool idle
    QString m_folder;
    QList<qint64> m_recovered;
    int m_nextHandle = 1;
    QHash<qint64, int> m_handleOfId;
};

} // namespace embtune::gui
