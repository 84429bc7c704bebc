#pragma once
// GuiContext: the shared objects every controller is given (not owned by it; the main window
// owns them and outlives every controller). Controllers talk to each other only through these
// objects' signals and the main window's wiring, never through each other's members. GUI thread.

#include <QList>
#include <QString>

class QMainWindow;
class QSettings;

namespace embtune::widgets {
class TrainingRunsModel;
}

namespace embtune::gui {

class DatasetContext;
class EmbeddingSetStore;
class Feedback;
class GeneratedSetList;
class JobRunner;
class RunStore;
class TrainingQueue;

// How the application starts (tests: settings in a file of their own, nothing restored or saved).
struct WindowOptions {
    QString settingsFile;        // INI file for QSettings; empty: the application's default
    QString cacheDir;            // embedding cache; empty: embeddingCacheRoot()
    bool restoreWindow = true;   // restore geometry, toolbar and splitter state
    bool restoreSession = true;  // reopen the last dataset and its embeddings
    bool saveSettings = true;    // write window state and session on close / after loads
};

struct GuiContext {
    QMainWindow *window = nullptr;     // parent of dialogs and message boxes
    QSettings *settings = nullptr;
    WindowOptions options;
    Feedback *feedback = nullptr;      // errors and status messages
    JobRunner *jobs = nullptr;         // background work
    DatasetContext *dataset = nullptr; // open dataset and split
    EmbeddingSetStore *sets = nullptr; // embedding sets of the dataset, the selected one
    RunStore *runs = nullptr;          // runs of the comparison
    TrainingQueue *training = nullptr; // training runs, queued and running
    widgets::TrainingRunsModel *trainingRuns = nullptr; // their rows (Runs tab)
    GeneratedSetList *generatedSets = nullptr;          // generated training query sets
};

// QSettings key of the folder exports were last written to (their default parent next time).
inline const QString kExportFolderSetting = QStringLiteral("paths/exportParent");
// QSettings key of the recently opened workspaces (File menu and welcome page), newest first.
inline const QString kRecentWorkspacesSetting = QStringLiteral("recent/workspaces");
// QSettings key of the largest total one archive may unzip to, in GiB (Edit > Settings; default
// engine::kDefaultMaxUnzippedBytes).
inline const QString kMaxUnzippedGiBSetting = QStringLiteral("archives/maxUnzippedGiB");
// Largest value of that setting (1 PiB).
inline constexpr int kMaxUnzippedGiBLimit = 1 << 20;

// Reports (title) why the open dataset or workspace cannot change now: a job is running, or
// training runs are queued or running. True when it cannot.
bool refuseChangeWhileBusy(const GuiContext &context, const QString &title);

// $EMBTUNE_CACHE_DIR when set, else QStandardPaths::CacheLocation + "/embeddings".
QString embeddingCacheRoot();
// The ks evaluated for the curves (1..100); the table shows a selection of them.
QList<int> evaluationKs();

} // namespace embtune::gui
