#pragma once
// WelcomeController owns opening datasets: Open Dataset, Open Recent, the load job, the last
// session's dataset, archives (.zip), BEIR downloads, drops and the welcome page in front of the
// main view while nothing is open.
//
// A loaded dataset replaces the RunStore's runs and goes to the DatasetContext (datasetChanged);
// the other areas react to that. Workspaces are the WorkspaceController's: a dropped or chosen
// workspace is asked for with workspaceWanted.

#include "gui_context.h"
#include "jobs/engine_jobs.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

class QAction;
class QMenu;
class QMimeData;
class QStackedWidget;
class QWidget;

namespace embtune::net {
class DatasetDownload;
}

namespace embtune::gui {

class WelcomePage;

class WelcomeController : public QObject {
    Q_OBJECT
public:
    // Reopens the last session's dataset after construction when options.restoreSession.
    explicit WelcomeController(const GuiContext &context, QObject *parent = nullptr);

    QAction *openDatasetAction() const { return m_openDataset; } // "actionOpenDataset" (Ctrl+O)
    QAction *openArchiveAction() const { return m_openArchive; } // "actionOpenZip"
    QMenu *recentMenu() const { return m_recentMenu; }           // "recentMenu"
    WelcomePage *welcomePage() const { return m_welcome; }
    // The window's central widget ("centralStack"): the welcome page or the main view.
    QStackedWidget *centralStack() const { return m_stack; }
    // The view shown once something is open (added to centralStack; not owned before).
    void setMainView(QWidget *view);

    // Each starts a job and returns true, or reports why it cannot (errorShown) and returns false.
    bool openDataset(const QString &dir);
    // Unzips a BEIR archive beside it (safe unzip; a folder already there is reused), then opens it.
    bool openDatasetArchive(const QString &zipPath);
    // Downloads BEIR dataset `name` (from `url`, default its public URL) into `folder`/<name>.zip,
    // verifies `sha256` when given, unzips and opens it. datasetDownloaded tells when the file is there.
    bool downloadDataset(const QString &name, const QString &folder, const QByteArray &sha256 = {},
                         const QUrl &url = {});
    // The welcome page is shown while no dataset or workspace is open and no job runs.
    bool isWelcomeShown() const;

    // Drops onto the window (its dragEnterEvent / dropEvent): a dataset folder opens it, a .zip is
    // unzipped and opened, a workspace folder is asked for (workspaceWanted), an embeddings folder
    // is imported when a dataset is open (importRequested). The work starts after the drop
    // handler returns. True when the drop is taken.
    bool acceptsDrop(const QMimeData *mime) const;
    bool drop(const QMimeData *mime);

public slots:
    // A workspace was opened (non-empty `folder`) or closed (empty): the welcome page gives way
    // while one is open (WorkspaceController::workspaceOpened / workspaceClosed).
    void setWorkspaceFolder(const QString &folder);

signals:
    // The dataset of folder `dir` is open (after DatasetContext::datasetChanged).
    void datasetLoaded(const QString &dir);
    void datasetDownloaded(const QString &zipFile);
    void downloadCancelled();
    // The last session had embeddings: select row `key` when listed, then import folder `dir`
    // once the dataset being loaded is open (EmbeddingsController::setPendingSelection).
    // Emitted before the load starts.
    void pendingSelection(const QString &key, const QString &dir);
    // A dropped embeddings folder (EmbeddingsController::importEmbeddings).
    void importRequested(const QString &dir);
    // A workspace chosen on the welcome page or dropped (WorkspaceController::openWorkspace).
    void workspaceWanted(const QString &folder);

private:
    void createActions();
    void createWelcomePage();
    void updateActions();
    void updateWelcome();
    void chooseDataset();
    void restoreSession();
    void addRecentDataset(const QString &dir);
    void rebuildRecentMenu();
    void onDatasetLoaded(const QString &dir, const OpenedDatasetJobResult &result);

    GuiContext m_ctx;
    QAction *m_openDataset = nullptr;
    QAction *m_openArchive = nullptr;
    QMenu *m_recentMenu = nullptr;
    QStackedWidget *m_stack = nullptr;
    WelcomePage *m_welcome = nullptr;
    QWidget *m_mainView = nullptr;
    net::DatasetDownload *m_download = nullptr;
    bool m_workspaceOpen = false;
};

} // namespace embtune::gui
