#pragma once
// WorkspaceController owns the workspace: the WorkspaceSession, New/Open/Recent/Close Workspace and
// Save Runs to Workspace, recording runs into it, restoring them, its view state and the undo stack.
//
// While a workspace is open, every run of the RunStore and every training run (queued -> running
// -> finished / failed / cancelled) is recorded in it, with per-query metrics, log and tuned
// vectors, and the view state is saved as it changes; opening it restores the dataset (through
// datasetWanted), the embeddings (importRequested), the runs and the view (workspaceRestored).
// Removing runs is undoable (Edit > Undo). Source files: workspace_controller.cpp (actions, open,
// close, recording, view state, undo) and workspace_controller_restore.cpp (restoring runs).

#include "gui_context.h"
#include "jobs/run_jobs.h"
#include "workspace_session.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

class QAction;
class QMenu;
class QTimer;
class QUndoStack;

namespace embtune::gui {

struct RunRecord;

class WorkspaceController : public QObject {
    Q_OBJECT
public:
    // The parts of the saved view that are widgets of other areas (the main window provides
    // them). Unset functions are skipped. Setters ignore values out of range.
    struct ViewStateAccess {
        std::function<int()> tab;                // current index of the left tabs ("leftTabs")
        std::function<void(int)> setTab;
        std::function<int()> columns;            // current index of the compare view's column set
        std::function<void(int)> setColumns;
        std::function<int()> curves;             // current index of the curves combo
        std::function<void(int)> setCurves;
        // QSplitter::saveState / restoreState of the splitter named `name`: "mainSplitter",
        // "resultsSplitter" or "chartSplitter".
        std::function<QByteArray(const QString &name)> splitterState;
        std::function<void(const QString &name, const QByteArray &state)> restoreSplitter;
    };

    explicit WorkspaceController(const GuiContext &context, QObject *parent = nullptr);
    // Records the open workspace's view before the session is destroyed.
    ~WorkspaceController() override;

    QAction *newWorkspaceAction() const { return m_new; }       // "actionNewWorkspace"
    QAction *openWorkspaceAction() const { return m_open; }     // "actionOpenWorkspace"
    QMenu *recentWorkspacesMenu() const { return m_recent; }    // "recentWorkspacesMenu"
    QAction *saveToWorkspaceAction() const { return m_saveAs; } // "actionSaveToWorkspace"
    QAction *closeWorkspaceAction() const { return m_close; }   // "actionCloseWorkspace"
    QAction *undoAction() const { return m_undoAction; }        // "actionUndo"
    QAction *redoAction() const { return m_redoAction; }        // "actionRedo"
    QAction *removeRunAction() const { return m_removeRun; }    // "actionRemoveRun" (Del)

    // Each returns false (errorShown) when it cannot; never while a job or training runs.
    bool newWorkspace(const QString &folder);
    bool openWorkspace(const QString &folder);
    // Creates a workspace at `folder` (absent or empty) holding the runs of the comparison, and
    // keeps it open.
    bool saveRunsToWorkspace(const QString &folder);
    void closeWorkspace();
    QString workspaceFolder() const; // empty when none is open
    WorkspaceSession *session() const { return m_session; }
    QUndoStack *undoStack() const { return m_undo; }
    // Removes run `runKey` from the RunStore and the workspace; undoable (Edit > Undo, Ctrl+Z).
    bool removeRun(const QString &runKey);
    // Removes every run as one undoable step (Clear Runs).
    void clearRuns();

    void setViewStateAccess(ViewStateAccess access) { m_view = std::move(access); }

public slots:
    // A training run was queued (TrainingController::trainingQueued, connected directly: the
    // run trains the selected set of the EmbeddingSetStore).
    void recordQueuedTraining(const QString &trainingKey);
    // A training's run joined the RunStore (TrainingController::trainingFinished).
    void recordFinishedTraining(const QString &runKey);
    // A widget of the saved view changed (tab, splitter, combo): saved shortly after.
    void viewChanged();

signals:
    void workspaceOpened(const QString &folder);
    // The runs and view of the workspace are back (also when it had none).
    void workspaceRestored(const QString &folder);
    void workspaceClosed();
    // Opening the workspace opens its dataset: select `embeddingsKey` when listed, then import
    // `embeddingsPath` (may be empty) once it is loaded (EmbeddingsController::setPendingSelection),
    // and open `folder` (WelcomeController::openDataset). Connected directly: the load job must
    // have started (JobRunner::isBusy) when the emit returns, else the restore is abandoned.
    void datasetWanted(const QString &folder, const QString &embeddingsKey, const QString &embeddingsPath);
    // Restoring needs the imported set of folder `dir` (EmbeddingsController::importEmbeddings).
    // Connected directly: the next set is asked for when the import job ends.
    void importRequested(const QString &dir);

protected:
    // The window's close event (before its closeEvent): saves the view and records the training
    // runs still queued or running as cancelled.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void updateActions();
    void addRecentWorkspace(const QString &folder);
    void rebuildRecentMenu();
    bool openWorkspaceFolder(const QString &folder, bool create);
    void useWorkspaceForGeneratedSets(bool use);
    // Restoring (workspace_controller_restore.cpp).
    // Lists the workspace's ended training runs in the Runs tab; the number interrupted.
    int listEndedTrainingRuns(const QList<WorkspaceSession::StoredRun> &runs);
    void restoreWorkspaceRuns();
    void addRestoredRuns(QList<WorkspaceSession::StoredRun> loaded);
    void restoreStep(const QString &savedKey, const QHash<QString, QString> &setOfRun);
    // Recording.
    WorkspaceSession::RunStart runStartOf(const QString &setKey, const QString &methodId) const;
    WorkspaceSession::RunResult runResultOf(const QString &runKey, const RunRecord &record, const QString &split,
                                            double trainSeconds) const;
    void recordAddedRun(const QString &key, const QString &split);
    void recordTrainingStatus();
    void recordEndedTraining(const QString &trainingKey, const TrainJobResult &result);
    // View state.
    void saveViewState();
    void applyViewState(const QJsonObject &view);

    GuiContext m_ctx;
    ViewStateAccess m_view;
    WorkspaceSession *m_session = nullptr;
    QUndoStack *m_undo = nullptr;
    QTimer *m_viewTimer = nullptr;
    QAction *m_new = nullptr;
    QAction *m_open = nullptr;
    QAction *m_saveAs = nullptr;
    QAction *m_close = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_removeRun = nullptr;
    QMenu *m_recent = nullptr;

    QHash<QString, int> m_runHandles;      // run key -> session handle
    QHash<QString, int> m_trainingHandles; // training key -> session handle (until it ends)
    QHash<QString, std::shared_ptr<const engine::Dataset>> m_trainingDatasets;
    QHash<QString, TrainJobResult> m_trained; // finished trainings waiting for their run
    QSet<QString> m_trainingRunning;
    bool m_restoring = false;                 // runs being put back: not recorded again
    bool m_restorePending = false;            // runs to restore once the dataset is loaded
    bool m_importing = false;                 // restore steps remain
    QList<WorkspaceSession::StoredRun> m_pendingRuns;
    QStringList m_pendingImports;             // imported embedding folders the restored runs used
    QMetaObject::Connection m_restoreStep;    // busyChanged -> the next restore step, while restoring
    QJsonObject m_pendingView;
};

} // namespace embtune::gui
