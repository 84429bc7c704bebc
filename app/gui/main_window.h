#pragma once
// The embtune main window: open a BEIR dataset; list, compute (built-in LSA or an
// OpenAI-compatible API), import, export and
// remove its embedding sets (Embeddings tab); evaluate the selected set or BM25 on a split, with
// exact search or an HNSW index (ANN recall against exact search, index size and build time,
// Save Index); train tuning methods through a queue of runs (Runs tab: status, progress, cancel,
// live loss and dev nDCG@10 chart; at most "runs at once" train together); compare every run side
// by side (metrics table, recall/nDCG@k curves, run details). Engine work runs on worker threads
// (app/gui/jobs). One job (load, compute, import, export, evaluate, save) runs at a time and every
// action that would start another is disabled meanwhile; training runs are queued beside it.
//
// Source files: main_window.cpp (window, actions, settings, job plumbing, dataset),
// main_window_embeddings.cpp (Embeddings tab), main_window_runs.cpp (evaluate, BM25, HNSW, train
// and the Runs tab, the comparison).

#include "compare_view.h"
#include "data/dataset.h"
#include "dialogs/evaluate_dialog.h"
#include "embed/embedding_set.h"
#include "embed/lsa_embedder.h"
#include "eval/retrieval_evaluation.h"
#include "io/vector_file.h"
#include "jobs/analysis_jobs.h"
#include "jobs/engine_jobs.h"
#include "jobs/run_jobs.h"
#include "jobs/remote_jobs.h"
#include "dialogs/settings_dialog.h"
#include "workspace_session.h"
#include "generated_set_store.h"
#include "jobs/synth_jobs.h"

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QUrl>

#include <map>
#include <memory>
#include <string>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QSettings;
class QSplitter;
class QTabWidget;
class QTableView;
class QThreadPool;
class QJsonObject;
class QMimeData;
class QUndoStack;
class QToolButton;

namespace embtune::widgets {
class AnalysisView;
class DatasetPanel;
class EmbeddingsPanel;
class GeneratedQueriesPanel;
class MetricsChartView;
class MetricsTableModel;
class QueryExplorerView;
class RunDetailsView;
class TrainingRunsModel;
class TrainingRunsPanel;
struct EmbeddingSetRow;
struct RunAnalysis;
} // namespace embtune::widgets

namespace embtune::gui {

class JobProgress;
class TrainingQueue;
class WelcomePage;
struct WorkspaceState;

// What to train (the Train dialog's result; also the command-line runner's --train).
struct TrainRequest {
    QString methodId;                          // e.g. "nudge-n"
    std::map<std::string, std::string> params; // name=value; missing ones take the schema's defaults
    QString trainQueriesFile, devQueriesFile;  // empty: the dataset's splits/train.txt, splits/dev.txt
    QString split;                             // empty: the window's split
    QStringList expertKeys;                    // Embeddings panel keys of expert sets (soft-label)
    // Name of a generated query set whose queries train (embedded like the set's queries; see
    // generatedTrainingProblem()); empty: the labelled training queries only. Dev: the dev file,
    // or held-out generated queries when the dataset has none.
    QString generatedSet;
    bool withLabelled = false;                 // with generatedSet: the labelled training queries train too
};

class MainWindow : public QMainWindow {
    Q_OBJECT
    // When false, errors are not shown in a message box (they are still emitted by errorShown,
    // shown in the status bar and printed by the command-line runner).
    Q_PROPERTY(bool errorDialogsEnabled READ errorDialogsEnabled WRITE setErrorDialogsEnabled)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    struct Options {
        QString settingsFile;        // INI file for QSettings; empty: the application's default
        QString cacheDir;            // embedding cache; empty: embeddingCacheRoot()
        bool restoreWindow = true;   // restore geometry, toolbar and splitter state
        bool restoreSession = true;  // reopen the last dataset and its embeddings
        bool saveSettings = true;    // write window state and session on close / after loads
    };

    // The ks evaluated for the curves (1..100); the table shows a selection of them.
    static QList<int> evaluationKs();
    // $EMBTUNE_CACHE_DIR when set, else QStandardPaths::CacheLocation + "/embeddings".
    static QString embeddingCacheRoot();
    // Key of the BM25 entry of the Embeddings panel.
    static QString bm25Key();

    explicit MainWindow(QWidget *parent = nullptr);
    explicit MainWindow(const Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Each starts a job and returns true, or reports why it cannot (errorShown) and returns false.
    bool openDataset(const QString &dir);
    // Imports a folder in any vector format (npy, safetensors, fvecs, JSONL) and selects it.
    bool importEmbeddings(const QString &dir);
    // Imports vector files (document file required) and selects the set.
    bool importEmbeddingFiles(const ImportSpec &spec);
    // Computes the LSA set of `options` (or loads it from the cache) and selects it.
    bool computeLsa(const engine::LsaOptions &options);
    // Computes a set with an OpenAI-compatible API (or loads it from the cache) and selects it:
    // reads the key and estimates the job first, asks ("confirmCostBox") when the estimated cost
    // exceeds request.confirmAbove, then embeds on a worker thread.
    bool computeRemote(const RemoteRequest &request);
    // Exports the selected set.
    bool exportEmbeddings(engine::VectorFormat format, const QString &dir);
    // Removes the cache entry of the panel row `key` (no confirmation; the action asks first).
    bool removeFromCache(const QString &key);
    // Evaluates the selected set (or BM25 when the BM25 entry is selected) on the current split.
    bool evaluate();
    // How Evaluate searches (exact or HNSW with its parameters); persisted with QSettings.
    SearchSettings searchSettings() const { return m_searchSettings; }
    void setSearchSettings(const SearchSettings &settings);
    // Saves the HNSW index of run `runKey` (an HNSW evaluation) as `path` + `path`.json.
    bool saveHnswIndex(const QString &runKey, const QString &path);
    // Evaluates BM25 (k1 0.9, b 0.4) on the current split, whatever is selected.
    bool evaluateBm25();
    // Queues a training run on the selected set (Runs tab); when it finishes, the tuned vectors
    // are evaluated and added to the comparison beside the baseline (trainingFinished). Returns
    // false (errorShown) when the request is invalid; trainingQueued gives the run's key.
    bool train(const TrainRequest &request);
    // Analysis view (main_window_analysis.cpp): shows the dock and analyses run `runKey` (empty:
    // the selected run) on a worker thread, or shows its earlier analysis; analysisFinished tells
    // when it is shown. False (errorShown) when the run has no vectors or a job is running.
    bool showAnalysis(const QString &runKey = {});
    // The out-of-distribution report of the analysed trained run (the method refitted on cluster 0).
    bool runOodReport();
    widgets::AnalysisView *analysisView() const { return m_analysisView; }
    QDockWidget *analysisDock() const { return m_analysisDock; }
    QAction *analysisAction() const { return m_analysisAction; }
    // Cancels a queued or running training run; false when there is none with that key.
    bool cancelTraining(const QString &trainingKey);
    // Training runs that may run at once (QSettings "runs/maxConcurrent", default 1).
    void setMaxConcurrentRuns(int runs);
    int maxConcurrentRuns() const;
    bool hasActiveTraining() const;
    // Exports the tuned document (and query) vectors of run `runKey`.
    bool exportTunedVectors(const QString &runKey, engine::VectorFormat format, const QString &dir);
    // Compare view and query explorer (main_window_compare.cpp).
    // Writes the comparison of the runs shown (filter and sort of the compare view): the table as
    // CSV, Markdown or LaTeX (engine comparison_table, significance against the baseline computed
    // on a worker thread), the chart as PNG or SVG, or a report folder (report.md + PNG charts).
    // comparisonExported(path) when written; false (errorShown) when it cannot start.
    bool exportComparison(widgets::CompareView::Export kind, const QString &path);
    // Writes run `runKey`'s ranking as a TREC run file (top `depth`, tag from the run's name) on a
    // worker thread; trecRunExported(path) when written.
    bool exportTrecRun(const QString &runKey, const QString &path, int depth = 100);
    // Shows the Compare tab, or the query explorer comparing run A with run B (empty: the
    // baseline and the selected run, else the last run).
    void showCompare();
    void showQueryExplorer(const QString &runKeyA = {}, const QString &runKeyB = {});
    // True while the significance of the shown columns is being computed.
    bool significancePending() const { return m_significanceWatcher != nullptr || m_significanceQueued; }
    widgets::CompareView *compareView() const { return m_compareView; }
    widgets::QueryExplorerView *queryExplorer() const { return m_queryExplorer; }
    QAction *exportTrecRunAction() const { return m_exportTrecRunAction; }
    // Writes the adapter of trained run `runKey` (engine writeAdapterSafetensors: tensors, method,
    // parameters and base embedding in __metadata__) on a worker thread; adapterExported(path)
    // when written. A method without tensors (NUDGE) is reported (errorShown).
    bool exportAdapter(const QString &runKey, const QString &path);
    QAction *exportAdapterAction() const { return m_exportAdapterAction; }

    // Asks the running job to stop; it finishes with jobCancelled().
    void cancelJob();

    // Opens the dialogs (non-blocking; tests find them by object name).
    void showComputeLsaDialog();
    void showComputeRemoteDialog();
    void showTrainDialog();
    void showEvaluateDialog();

    // Generated training queries (main_window_synth.cpp). Sets live in the workspace given to
    // setGeneratedSetWorkspace (not owned; null: the app's data folder, GeneratedSetStore).
    void showGenerateQueriesDialog();
    // Generates a set on a worker thread (llm: key and cost estimate first, "confirmCostBox" above
    // request.confirmAbove), stores it under request.name and lists it (queriesGenerated).
    bool generateQueries(const SynthRequest &request);
    // Writes set `name` as a BEIR folder (generatedSetExported).
    bool exportGeneratedSet(const QString &name, const QString &dir);
    // Deletes set `name` (no confirmation; the panel's action asks first).
    bool deleteGeneratedSet(const QString &name);
    QStringList generatedSetNames() const;
    void setGeneratedSetWorkspace(app::Workspace *workspace);
    GeneratedSetStore &generatedSetStore() { return m_generatedStore; }
    // Why the selected set cannot train on generated queries (empty when it can): the generated
    // queries need the set's embedder (the built-in LSA with its model, or the set's API).
    QString generatedTrainingProblem() const;
    QAction *generateQueriesAction() const { return m_generateQueriesAction; }
    widgets::GeneratedQueriesPanel *generatedQueriesPanel() const { return m_generatedPanel; }

    bool isBusy() const { return m_jobWatcher != nullptr; }
    bool errorDialogsEnabled() const { return m_errorDialogsEnabled; }
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogsEnabled = enabled; }

    QString currentSplit() const;
    // Selects `split` in the split box; false when the dataset has no such split.
    bool setCurrentSplit(const QString &split);

    // Selects a row of the Embeddings panel by key; false when it is not listed.
    bool selectEmbeddings(const QString &key);
    QString currentEmbeddingsKey() const;
    // Shows the Dataset (0) or Embeddings (1) tab.
    void showTab(int index);
    // Selects a run of the comparison (shows its details); false when there is no such run.
    bool selectRun(const QString &runKey);

    // Workspace (main_window_workspace.cpp). While one is open, every run of the comparison and
    // every training run (queued -> running -> finished / failed / cancelled) is recorded in it,
    // with per-query metrics, log and tuned vectors, and the view state is saved as it changes;
    // opening it restores the dataset, the embeddings, the runs and the view (workspaceRestored).
    // Each returns false (errorShown) when it cannot; never while a job or training runs.
    bool newWorkspace(const QString &folder);
    bool openWorkspace(const QString &folder);
    // Creates a workspace at `folder` (absent or empty) holding the runs of the comparison, and keeps it open.
    bool saveRunsToWorkspace(const QString &folder);
    void closeWorkspace();
    QString workspaceFolder() const; // empty when none is open
    WorkspaceSession *workspaceSession() const;
    QUndoStack *undoStack() const;
    // Removes run `runKey` from the comparison and the workspace; undoable (Edit > Undo, Ctrl+Z).
    bool removeRun(const QString &runKey);
    // Unzips a BEIR archive beside it (safe unzip; a folder already there is reused), then opens it.
    bool openDatasetArchive(const QString &zipPath);
    // Downloads BEIR dataset `name` (from `url`, default its public URL) into `folder`/<name>.zip,
    // verifies `sha256` when given, unzips and opens it. datasetDownloaded tells when the file is there.
    bool downloadDataset(const QString &name, const QString &folder, const QByteArray &sha256 = {},
                         const QUrl &url = {});
    WelcomePage *welcomePage() const;
    // The welcome page is shown while no dataset or workspace is open and no job runs.
    bool isWelcomeShown() const;
    void showSettingsDialog();
    // "system", "light" or "dark" (View > Theme); persisted.
    void setTheme(const QString &theme);

    std::shared_ptr<const engine::Dataset> dataset() const { return m_dataset; }
    // The vectors of the selected set; null when none is selected, it is BM25 or not loaded yet.
    std::shared_ptr<const engine::EmbeddingSet> embeddings() const;
    // The last evaluation (of a set, BM25 or a tuned run).
    std::shared_ptr<const engine::EvaluationReport> evaluation() const { return m_evaluation; }
    QString datasetPath() const { return m_datasetPath; }
    // Folder or file of the selected set when it was imported; empty otherwise.
    QString embeddingsPath() const;
    QString cacheRoot() const { return m_cacheRoot; }
    // Keys of the runs in the comparison, in table order.
    QStringList runKeys() const;

    QAction *openDatasetAction() const { return m_openDatasetAction; }
    QAction *importEmbeddingsAction() const { return m_importEmbeddingsAction; }
    QAction *importFilesAction() const { return m_importFilesAction; }
    QAction *computeLsaAction() const { return m_computeLsaAction; }
    QAction *computeRemoteAction() const { return m_computeRemoteAction; }
    QAction *exportEmbeddingsAction() const { return m_exportEmbeddingsAction; }
    QAction *removeFromCacheAction() const { return m_removeFromCacheAction; }
    QAction *evaluateAction() const { return m_evaluateAction; }
    QAction *trainAction() const { return m_trainAction; }
    QAction *evaluateOptionsAction() const { return m_evaluateOptionsAction; }
    QAction *saveIndexAction() const { return m_saveIndexAction; }
    QAction *exportTunedAction() const { return m_exportTunedAction; }
    QAction *copyCommandLineAction() const { return m_copyCommandLineAction; }
    // The embtune-cli command line that makes the run again (engine::runSpecCommandLine of its
    // stored spec), or an empty string when the run has no spec.
    QString commandLineOf(const QString &runKey) const;
    // Puts commandLineOf(runKey) on the clipboard; false (with a message) when there is none.
    bool copyCommandLine(const QString &runKey);
    QAction *cancelAction() const { return m_cancelAction; }

    widgets::EmbeddingsPanel *embeddingsPanel() const { return m_embeddingsPanel; }
    widgets::MetricsTableModel *metricsModel() const { return m_metricsModel; }
    widgets::TrainingRunsModel *trainingRunsModel() const { return m_trainingModel; }
    widgets::TrainingRunsPanel *trainingRunsPanel() const { return m_runsPanel; }

signals:
    void datasetLoaded(const QString &dir);
    void embeddingsLoaded(const QString &dir);
    // A compute finished: the set is listed under `key`; fromCache: nothing was computed.
    void embeddingsComputed(const QString &key, bool fromCache);
    void embeddingsExported(const QString &dir);
    void cacheEntryRemoved(const QString &key);
    // An evaluation (set or BM25) finished; its run is in the table.
    void evaluationFinished();
    // A training run was queued under `trainingKey` (a row of trainingRunsModel()).
    void trainingQueued(const QString &trainingKey);
    // A training finished; `runKey` is its run in the table.
    void trainingFinished(const QString &runKey);
    // A training run was cancelled (queued or running); nothing was added to the comparison.
    void trainingCancelled(const QString &trainingKey);
    // A generated query set was stored and listed; exported as a BEIR folder; deleted.
    void queriesGenerated(const QString &name);
    void generatedSetExported(const QString &dir);
    void generatedSetDeleted(const QString &name);
    // The analysis view shows run `runKey`; the OOD report of it is in the view.
    void analysisFinished(const QString &runKey);
    void oodReportFinished(const QString &runKey);
    // The compare view's markers are up to date with its runs, baseline and columns.
    void significanceUpdated();
    void comparisonExported(const QString &path);
    void trecRunExported(const QString &path);
    void adapterExported(const QString &path);
    // An HNSW index was saved (`path` and `path`.json).
    void indexSaved(const QString &path);
    void jobCancelled();
    // Every error reported to the user, as shown ("file:line: message" from the engine).
    void errorShown(const QString &message);
    void busyChanged(bool busy);
    void workspaceOpened(const QString &folder);
    // The runs and view of the workspace are back (also when it had none).
    void workspaceRestored(const QString &folder);
    void workspaceClosed();
    void datasetDownloaded(const QString &zipFile);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // A run of the comparison, beyond what the metrics model shows.
    struct RunRecord {
        QString name;
        QString description;                                  // what ran (plain text lines)
        QString reportJson;                                   // fit report of a trained run
        std::shared_ptr<const engine::EvaluationReport> report;
        std::shared_ptr<const engine::EmbeddingSet> tuned;    // tuned vectors of a trained run
        std::shared_ptr<const engine::TunedModel> model;      // fitted model of a trained run (adapter export)
        std::shared_ptr<const HnswEvaluation> hnsw;           // index and ANN recall of an HNSW evaluation
        // For the analysis view: the set the run searched (null for BM25) and, for a trained
        // run, what the OOD report refits.
        std::shared_ptr<const engine::EmbeddingSet> base;
        QString methodId, trainQueriesFile, devQueriesFile;
        std::map<std::string, std::string> params;
        engine::Similarity similarity = engine::Similarity::Cosine;
        QString specJson;  // engine::runSpecToJson of the run (stored in the workspace); empty: unknown
    };
    // What a queued training run needs when it ends.
    struct TrainingContext {
        QString setKey, methodId;
        QStringList experts;
        std::shared_ptr<const engine::Dataset> dataset;
        QString trainQueriesFile, devQueriesFile;
        QString specJson;
    };

    void createActions();
    void createMenus();
    void createToolBar();
    void createCentralWidget();
    void createStatusBar();
    void readSettings();
    void writeSettings();
    void restoreSession();
    void addRecentDataset(const QString &dir);
    void rebuildRecentMenu();

    void chooseDataset();
    void chooseEmbeddings();
    void chooseEmbeddingFiles();
    void chooseExport();
    void chooseExportTuned();
    void chooseSaveIndex();
    void createRunsTab();
    void confirmRemoveFromCache();
    void showAbout();

    void showError(const QString &title, const QString &message);
    void updateActions();
    void updateEmbeddingsSummary();
    void clearRuns(const QString &reason);

    // Embeddings panel rows.
    const widgets::EmbeddingSetRow *currentRow() const;
    EmbeddingsSource sourceOf(const QString &key) const;
    void setCacheRows(const std::vector<engine::StoredSetInfo> &cached);
    void onEmbeddingsSelected(const QString &key);
    void rememberLoaded(const QString &key, std::shared_ptr<const engine::EmbeddingSet> set);

    // Runs.
    // The spec of a run on the open dataset: the set of `setKey` (BM25 for bm25Key()) as it is,
    // evaluated on `split` at evaluationKs() with every metric, searched as m_searchSettings say
    // (`withSearchSettings`) or exactly.
    engine::RunSpec runSpecOf(const QString &setKey, const QString &split, bool withSearchSettings) const;
    QString addRun(const QString &key, RunRecord record, const QString &split);
    void showRunDetails(const QString &runKey);
    QString currentRunKey() const;
    void updateEvaluationSummary(const QString &runKey, const QStringList &warnings);

    // Job plumbing: beginJob creates the JobProgress the engine call reports to; watchJob runs
    // `done` with the result in the GUI thread when the future finishes.
    JobProgress *beginJob(const QString &description);
    template <typename T, typename Done>
    void watchJob(QFuture<JobResult<T>> future, Done done);
    void endJob();
    void showJobProgress(const QString &phase, qint64 done, qint64 total);
    // Common handling of a failed or cancelled job; returns true when it handled `error`.
    bool handleJobError(const std::optional<engine::Error> &error, const QString &title);
    // Reports why a job cannot start now (busy, no dataset); returns true when it cannot.
    bool refuseJob(const QString &title, bool needsDataset);

    void onDatasetLoaded(const QString &dir, const OpenedDatasetJobResult &result);
    void onEmbeddingsImported(const QString &key, const QString &path, const EmbeddingsJobResult &result);
    void onComputed(const ComputeJobResult &result);
    void onRemotePlanned(const RemoteRequest &request, const RemotePlanJobResult &result);
    void startRemoteEmbedding(std::shared_ptr<net::RemoteEmbedder> embedder);
    RemoteRequest savedRemoteRequest() const;
    void saveRemoteRequest(const RemoteRequest &request);
    void onEvaluated(const QString &setKey, const EvaluationJobResult &result);
    void onTrainingEnded(const QString &trainingKey, const TrainJobResult &result);
    // Adds the baseline of a finished run to the comparison, then (next event loop turn) the run
    // itself with addTrainedRun, which emits trainingFinished.
    void onTrained(const QString &trainingKey, const TrainingContext &context, const TrainJobResult &result);
    void addTrainedRun(const QString &trainingKey, const TrainingContext &context, const TrainJobResult &result);
    QString hnswSummary(const HnswEvaluation &hnsw) const;
    // Compare view and query explorer (main_window_compare.cpp).
    void createCompareActions();
    void createCompareView();
    void scheduleSignificance();
    void startSignificance();
    void refreshExplorerRuns();
    void chooseComparisonExport(widgets::CompareView::Export kind);
    void chooseExportTrecRun();
    void chooseExportAdapter();
    void createAnalysisDock();
    void onAnalyzed(const QString &runKey, const AnalysisJobResult &result);

    // Workspace, welcome page, settings (main_window_workspace.cpp).
    void createWorkspaceUi();
    void updateWelcome();
    void updateWorkspaceActions();
    void addRecentWorkspace(const QString &folder);
    void rebuildRecentWorkspacesMenu();
    bool refuseWorkspaceChange(const QString &title);
    bool openWorkspaceFolder(const QString &folder, bool create);
    void restoreWorkspaceRuns();
    WorkspaceSession::RunStart runStartOf(const QString &setKey, const QString &methodId) const;
    WorkspaceSession::RunResult runResultOf(const QString &runKey, const RunRecord &record, const QString &split,
                                            double trainSeconds) const;
    void recordAddedRun(const QString &key, const QString &split);
    void recordQueuedTraining(const QString &trainingKey);
    void recordTrainingStatus();
    void recordEndedTraining(const QString &trainingKey, const TrainJobResult &result);
    void recordFinishedTraining(const QString &runKey);
    void saveViewState();
    void applyViewState(const QJsonObject &view);
    static QString datasetFolderIn(const QString &dir, const QString &preferred);
    // A dropped workspace folder or .zip file (first URL), or an empty string.
    static QString droppedWorkspaceOrArchive(const QMimeData *mime);
    bool handleWorkspaceDrop(const QString &path);
    void applySettings(const SettingsDialog::Values &values);
    void applyTheme(const QString &theme);
    // Generated queries (main_window_synth.cpp).
    void createSynthActions();
    void createGeneratedQueriesTab();
    void refreshGeneratedSets();
    void browseGeneratedSet(const QString &name);
    const GeneratedSetInfo *findGeneratedSet(const QString &name) const;
    engine::Result<std::shared_ptr<const engine::SyntheticSet>> loadGeneratedSet(const QString &name);
    void startQueryGeneration(const SynthRequest &request, std::shared_ptr<net::LlmQueryGenerator> llm);
    // Sets spec.fitInput for request.generatedSet and `note` to a line for the run's description;
    // false (errorShown) when it cannot.
    bool applyGeneratedQueries(const TrainRequest &request, RunRequest &run, QString *note);

    Options m_options;
    WorkspaceState *m_ws = nullptr; // a child QObject
    QSettings *m_settings = nullptr;
    bool m_errorDialogsEnabled = true;
    QString m_cacheRoot;

    std::shared_ptr<const engine::Dataset> m_dataset;
    std::string m_textsHash; // datasetTextsHash of m_dataset
    std::shared_ptr<const engine::EvaluationReport> m_evaluation;
    QString m_datasetPath;
    QString m_pendingEmbeddings; // imported once the dataset being loaded is ready (session restore)
    QString m_pendingEmbeddingsKey; // selected once the dataset being loaded is ready
    QHash<QString, std::shared_ptr<const engine::EmbeddingSet>> m_loadedSets; // by panel key
    QHash<QString, RunRecord> m_runs; // by run key (the metrics model has the order)
    int m_trainCount = 0;
    int m_queuedCount = 0;
    SearchSettings m_searchSettings;
    QHash<QString, TrainingContext> m_trainingContexts; // by training key, while queued or running
    widgets::TrainingRunsModel *m_trainingModel = nullptr;
    TrainingQueue *m_trainingQueue = nullptr;

    JobProgress *m_jobProgress = nullptr;
    QFutureWatcherBase *m_jobWatcher = nullptr;
    QString m_jobDescription;

    QAction *m_openDatasetAction = nullptr;
    QAction *m_importEmbeddingsAction = nullptr;
    QAction *m_importFilesAction = nullptr;
    QAction *m_computeLsaAction = nullptr;
    QAction *m_computeRemoteAction = nullptr;
    QAction *m_exportEmbeddingsAction = nullptr;
    QAction *m_removeFromCacheAction = nullptr;
    QAction *m_evaluateAction = nullptr;
    QAction *m_evaluateBm25Action = nullptr;
    QAction *m_trainAction = nullptr;
    QAction *m_evaluateOptionsAction = nullptr;
    QAction *m_saveIndexAction = nullptr;
    QAction *m_clearEndedRunsAction = nullptr;
    QAction *m_exportTunedAction = nullptr;
    QAction *m_copyCommandLineAction = nullptr;
    QAction *m_removeRunAction = nullptr;
    QAction *m_clearRunsAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_findQueryAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QMenu *m_recentMenu = nullptr;

    QTabWidget *m_tabs = nullptr;
    widgets::DatasetPanel *m_datasetPanel = nullptr;
    widgets::EmbeddingsPanel *m_embeddingsPanel = nullptr;
    widgets::TrainingRunsPanel *m_runsPanel = nullptr;
    QComboBox *m_searchCombo = nullptr;
    QLabel *m_embeddingsSummary = nullptr;
    QLabel *m_evaluationSummary = nullptr;
    QTableView *m_metricsTable = nullptr;
    widgets::MetricsTableModel *m_metricsModel = nullptr;
    QComboBox *m_columnsCombo = nullptr;
    QComboBox *m_curvesCombo = nullptr;
    widgets::MetricsChartView *m_chart = nullptr;
    widgets::RunDetailsView *m_runDetails = nullptr;
    QComboBox *m_splitCombo = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_resultsSplitter = nullptr;
    QSplitter *m_chartSplitter = nullptr;
    widgets::CompareView *m_compareView = nullptr;
    widgets::QueryExplorerView *m_queryExplorer = nullptr;
    QTabWidget *m_resultsTabs = nullptr;
    QAction *m_exportTrecRunAction = nullptr;
    QAction *m_exportAdapterAction = nullptr;
    QFutureWatcherBase *m_significanceWatcher = nullptr;
    QThreadPool *m_compareThreads = nullptr; // significance and export jobs (one thread)
    bool m_significanceQueued = false;
    int m_significanceGeneration = 0;

    GeneratedSetStore m_generatedStore{GeneratedSetStore::defaultRoot()};
    QList<GeneratedSetInfo> m_generatedSets;           // of the open dataset
    std::shared_ptr<const engine::SyntheticSet> m_browsedSet;
    QString m_browsedSetName;
    QAction *m_generateQueriesAction = nullptr;
    widgets::GeneratedQueriesPanel *m_generatedPanel = nullptr;

    QDockWidget *m_analysisDock = nullptr;
    widgets::AnalysisView *m_analysisView = nullptr;
    QAction *m_analysisAction = nullptr;
    QString m_analysisRunKey; // run shown in the analysis view
    // Analyses by run key, with the vectors they were made from (recomputed when those change).
    struct CachedAnalysis {
        std::shared_ptr<const widgets::RunAnalysis> analysis;
        std::shared_ptr<const engine::EmbeddingSet> base, tuned;
        std::shared_ptr<const engine::OodReport> ood; // once run
    };
    QHash<QString, CachedAnalysis> m_analyses;

    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progressBar = nullptr;
    QToolButton *m_cancelButton = nullptr;
    QLabel *m_embeddingsStatus = nullptr;
};

template <typename T, typename Done>
void MainWindow::watchJob(QFuture<JobResult<T>> future, Done done)
{
    auto *watcher = new QFutureWatcher<JobResult<T>>(this);
    m_jobWatcher = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)]() {
        const JobResult<T> result = watcher->result();
        watcher->deleteLater();
        endJob();
        done(result);
    });
    watcher->setFuture(future);
    updateActions();
    emit busyChanged(true);
}

} // namespace embtune::gui
