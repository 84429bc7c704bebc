// MainWindow: the workspace (File > New/Open/Recent/Close Workspace, recording and restoring runs
// and the view, undoable run deletion), the welcome page (open a folder or .zip, download a BEIR
// dataset, recent workspaces, drops), settings, About, themes and shortcuts of these actions.

#include "main_window.h"

#include "data/zip_archive.h"
#include "dataset_download.h"
#include "dialogs/about_dialog.h"
#include "dialogs/settings_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "jobs/job_runner.h"
#include "jobs/training_queue.h"
#include "methods/method.h"
#include "metrics_table_model.h"
#include "run_details_view.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"
#include "welcome_page.h"
#include "workspace_session.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPalette>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

#include <Eigen/Core>

#include <algorithm>
#include <functional>

namespace embtune::gui {

namespace {

constexpr int kMaxRecentWorkspaces = 8;
constexpr int kStatusTimeoutMs = 10000;
constexpr int kViewStateDelayMs = 400;

namespace key {
const QString recentWorkspaces = QStringLiteral("recent/workspaces");
const QString recentDatasets = QStringLiteral("recent/datasets");
const QString theme = QStringLiteral("view/theme");
const QString threads = QStringLiteral("engine/threads");
const QString downloadFolder = QStringLiteral("paths/downloads");
const QString chatBaseUrl = QStringLiteral("llm/baseUrl");
const QString viewState = QStringLiteral("window"); // workspace view-state key
} // namespace key

// An undo step made of two functions.
class FunctionCommand : public QUndoCommand {
public:
    FunctionCommand(const QString &text, std::function<void()> redo, std::function<void()> undo)
        : QUndoCommand(text)
        , m_redo(std::move(redo))
        , m_undo(std::move(undo))
    {
    }
    void redo() override { m_redo(); }
    void undo() override { m_undo(); }

private:
    std::function<void()> m_redo, m_undo;
};

// Calls `onClose` when the watched widget receives a close event (before its closeEvent()).
class CloseWatcher : public QObject {
public:
    CloseWatcher(QObject *parent, std::function<void()> onClose)
        : QObject(parent)
        , m_onClose(std::move(onClose))
    {
    }
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == parent() && event->type() == QEvent::Close)
            m_onClose();
        return false;
    }

private:
    std::function<void()> m_onClose;
};

QString paramsJson(const std::map<std::string, std::string> &params)
{
    QJsonObject object;
    for (const auto &[name, value] : params)
        object.insert(fromStd(name), fromStd(value));
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The Embeddings panel key of an evaluation run key "eval:<set key>|<split>[|hnsw]".
QString setKeyOfEvaluation(const QString &runKey)
{
    if (!runKey.startsWith(QStringLiteral("eval:")))
        return {};
    const QString rest = runKey.mid(5);
    const int bar = rest.lastIndexOf(QLatin1Char('|'), rest.endsWith(QStringLiteral("|hnsw")) ? -6 : -1);
    return bar < 0 ? rest : rest.left(bar);
}

bool isWorkspaceFolder(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(app::Workspace::kDatabaseName)));
}

bool isDatasetFolder(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QStringLiteral("corpus.jsonl")));
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(130, 130, 130);
    const QColor highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(60, 60, 64));
    p.setColor(QPalette::Mid, QColor(50, 50, 54));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace

// Everything the workspace part of the window keeps (GUI thread only).
struct WorkspaceState : QObject {
    using QObject::QObject;
    WorkspaceSession *session = nullptr;
    QUndoStack *undo = nullptr;
    QStackedWidget *stack = nullptr;
    WelcomePage *welcome = nullptr;
    QWidget *mainView = nullptr;
    QMenu *recentMenu = nullptr;
    QAction *newAction = nullptr, *openAction = nullptr, *closeAction = nullptr, *saveAsAction = nullptr;
    QAction *openZipAction = nullptr, *settingsAction = nullptr;
    QActionGroup *themes = nullptr;
    QTimer *viewTimer = nullptr;
    net::DatasetDownload *download = nullptr;

    QHash<QString, int> runHandles;      // comparison run key -> session handle
    QHash<QString, int> trainingHandles; // training key -> session handle (until it ends)
    QHash<QString, std::shared_ptr<const engine::Dataset>> trainingDatasets;
    QHash<QString, TrainJobResult> trained; // finished trainings waiting for their comparison row
    QSet<QString> trainingRunning;
    bool restoring = false;              // runs being put back: not recorded again
    QList<WorkspaceSession::StoredRun> pendingRuns; // to restore once the dataset is loaded
    QStringList pendingImports;          // imported embedding folders the restored runs used
    QMetaObject::Connection restoreStep; // busyChanged -> the next restore step, while restoring
    bool importing = false;              // restore steps remain
    QJsonObject pendingView;
    bool restorePending = false;
};

void MainWindow::createWorkspaceUi()
{
    m_ws = new WorkspaceState(this);
    WorkspaceState &ws = *m_ws;
    ws.session = new WorkspaceSession(this);
    ws.undo = new QUndoStack(this);
    ws.viewTimer = new QTimer(this);
    ws.viewTimer->setSingleShot(true);
    ws.viewTimer->setInterval(kViewStateDelayMs);
    connect(ws.viewTimer, &QTimer::timeout, this, &MainWindow::saveViewState);
    connect(ws.session, &WorkspaceSession::writeFailed, this,
            [this](const QString &message) { showError(tr("Workspace"), message); });
    QStyle *s = style();

    // File menu: workspace actions before the Quit separator.
    ws.newAction = new QAction(s->standardIcon(QStyle::SP_FileDialogNewFolder), tr("&New Workspace..."), this);
    ws.newAction->setObjectName(QStringLiteral("actionNewWorkspace"));
    ws.newAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    ws.newAction->setStatusTip(tr("Create a workspace folder: every run from now on is kept in it (Ctrl+Shift+N)"));
    connect(ws.newAction, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("New Workspace (an empty folder)"),
                                                              QDir::homePath());
        if (!dir.isEmpty())
            newWorkspace(dir);
    });
    ws.openAction = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("Open &Workspace..."), this);
    ws.openAction->setObjectName(QStringLiteral("actionOpenWorkspace"));
    ws.openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    ws.openAction->setStatusTip(tr("Reopen a workspace with its dataset, embeddings, runs and view (Ctrl+Shift+O)"));
    connect(ws.openAction, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Workspace"), QDir::homePath());
        if (!dir.isEmpty())
            openWorkspace(dir);
    });
    ws.saveAsAction = new QAction(tr("&Save Runs to Workspace..."), this);
    ws.saveAsAction->setObjectName(QStringLiteral("actionSaveToWorkspace"));
    ws.saveAsAction->setStatusTip(tr("Keep the runs of the comparison: create a workspace holding them and keep "
                                     "recording into it"));
    connect(ws.saveAsAction, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Save Runs to a New Workspace (an empty folder)"),
                                                              QDir::homePath());
        if (!dir.isEmpty())
            saveRunsToWorkspace(dir);
    });
    ws.closeAction = new QAction(tr("&Close Workspace"), this);
    ws.closeAction->setObjectName(QStringLiteral("actionCloseWorkspace"));
    ws.closeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    ws.closeAction->setStatusTip(tr("Close the workspace (everything is already saved) (Ctrl+Shift+W)"));
    connect(ws.closeAction, &QAction::triggered, this, &MainWindow::closeWorkspace);
    ws.openZipAction = new QAction(s->standardIcon(QStyle::SP_FileIcon), tr("Open Dataset &Archive (.zip)..."), this);
    ws.openZipAction->setObjectName(QStringLiteral("actionOpenZip"));
    ws.openZipAction->setStatusTip(tr("Unzip a BEIR archive beside it (refusing entries outside the folder) and open it"));
    connect(ws.openZipAction, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Open BEIR Dataset Archive"), QDir::homePath(),
                                                          tr("Zip archives (*.zip)"));
        if (!file.isEmpty())
            openDatasetArchive(file);
    });

    QMenu *file = menuBar()->actions().value(0) ? menuBar()->actions().value(0)->menu() : nullptr;
    if (file) {
        QAction *before = nullptr;
        for (QAction *action : file->actions())
            if (action == m_quitAction)
                before = action;
        // The separator before Quit.
        const QList<QAction *> actions = file->actions();
        const int quitIndex = int(actions.indexOf(before));
        QAction *anchor = quitIndex > 0 && actions[quitIndex - 1]->isSeparator() ? actions[quitIndex - 1] : before;
        file->insertAction(m_recentMenu->menuAction(), ws.openZipAction);
        file->insertSeparator(anchor);
        file->insertAction(anchor, ws.newAction);
        file->insertAction(anchor, ws.openAction);
        ws.recentMenu = new QMenu(tr("Open Recent Wor&kspace"), file);
        ws.recentMenu->setObjectName(QStringLiteral("recentWorkspacesMenu"));
        connect(ws.recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentWorkspacesMenu);
        file->insertMenu(anchor, ws.recentMenu);
        file->insertAction(anchor, ws.saveAsAction);
        file->insertAction(anchor, ws.closeAction);
    }

    // Edit: Undo / Redo, Settings.
    QAction *undo = ws.undo->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = ws.undo->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setShortcut(QKeySequence::Redo);
    ws.settingsAction = new QAction(tr("&Settings..."), this);
    ws.settingsAction->setObjectName(QStringLiteral("actionSettings"));
    ws.settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    ws.settingsAction->setMenuRole(QAction::PreferencesRole);
    ws.settingsAction->setStatusTip(tr("Threads, training runs at once, default search, API endpoints, theme (Ctrl+,)"));
    connect(ws.settingsAction, &QAction::triggered, this, &MainWindow::showSettingsDialog);
    if (QMenu *edit = menuBar()->actions().value(1) ? menuBar()->actions().value(1)->menu() : nullptr) {
        QAction *first = edit->actions().value(0);
        edit->insertAction(first, undo);
        edit->insertAction(first, redo);
        edit->insertSeparator(first);
        edit->addSeparator();
        edit->addAction(ws.settingsAction);
    }

    // View > Theme (the View menu is shared with other parts of the window).
    QMenu *view = nullptr;
    QAction *help = nullptr;
    for (QAction *action : menuBar()->actions()) {
        if (!action->menu())
            continue;
        if (action->menu()->objectName() == QStringLiteral("viewMenu"))
            view = action->menu();
        if (action->text() == tr("&Help"))
            help = action;
    }
    if (!view) {
        view = new QMenu(tr("&View"), this);
        view->setObjectName(QStringLiteral("viewMenu"));
        menuBar()->insertMenu(help, view);
    }
    QMenu *theme = view->addMenu(tr("&Theme"));
    ws.themes = new QActionGroup(this);
    for (const auto &[id, label] : {std::pair{QStringLiteral("system"), tr("&System")},
                                    std::pair{QStringLiteral("light"), tr("&Light")},
                                    std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        QAction *action = theme->addAction(label);
        action->setObjectName(QStringLiteral("actionTheme_") + id);
        action->setCheckable(true);
        action->setData(id);
        ws.themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, id] { setTheme(id); });
    }

    // About: the dialog with versions replaces the message box.
    disconnect(m_aboutAction, &QAction::triggered, this, nullptr);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        auto *dialog = new AboutDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });

    // Clear Runs removes every run, as one undoable step.
    disconnect(m_clearRunsAction, &QAction::triggered, this, nullptr);
    m_clearRunsAction->setToolTip(tr("Remove every run from the comparison (and the workspace); Edit > Undo brings "
                                     "them back"));
    connect(m_clearRunsAction, &QAction::triggered, this, [this] {
        const QStringList keys = runKeys();
        if (keys.isEmpty())
            return;
        m_ws->undo->beginMacro(tr("Clear %n Run(s)", nullptr, int(keys.size())));
        for (auto it = keys.crbegin(); it != keys.crend(); ++it)
            removeRun(*it); // last first: Undo adds them back in table order
        m_ws->undo->endMacro();
    });

    // Undoable removal of runs; Delete removes the selected run.
    m_removeRunAction->setShortcut(QKeySequence::Delete);
    m_removeRunAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_removeRunAction->setToolTip(tr("Remove the selected run from the comparison (and the workspace); Edit > Undo "
                                     "brings it back (Del)"));

    // The welcome page in front of the main view while nothing is open.
    ws.mainView = takeCentralWidget();
    ws.stack = new QStackedWidget(this);
    ws.stack->setObjectName(QStringLiteral("centralStack"));
    ws.welcome = new WelcomePage(ws.stack);
    ws.stack->addWidget(ws.welcome);
    ws.stack->addWidget(ws.mainView);
    setCentralWidget(ws.stack);
    ws.welcome->setDownloadFolder(m_settings
                                      ->value(key::downloadFolder,
                                              QDir(QStandardPaths::writableLocation(QStandardPaths::HomeLocation))
                                                  .filePath(QStringLiteral("beir-datasets")))
                                      .toString());
    connect(ws.welcome, &WelcomePage::openFolderRequested, m_openDatasetAction, &QAction::trigger);
    connect(ws.welcome, &WelcomePage::openZipRequested, ws.openZipAction, &QAction::trigger);
    connect(ws.welcome, &WelcomePage::newWorkspaceRequested, ws.newAction, &QAction::trigger);
    connect(ws.welcome, &WelcomePage::openWorkspaceRequested, ws.openAction, &QAction::trigger);
    connect(ws.welcome, &WelcomePage::workspaceActivated, this, [this](const QString &dir) { openWorkspace(dir); });
    connect(ws.welcome, &WelcomePage::datasetActivated, this, [this](const QString &dir) { openDataset(dir); });
    for (auto [signal, listKey] : {std::pair{&WelcomePage::recentWorkspaceRemoved, key::recentWorkspaces},
                                   std::pair{&WelcomePage::recentDatasetRemoved, key::recentDatasets}})
        connect(ws.welcome, signal, this, [this, listKey](const QString &dir) {
            QStringList recent = m_settings->value(listKey).toStringList();
            recent.removeAll(dir);
            m_settings->setValue(listKey, recent);
            updateWelcome();
        });
    connect(ws.welcome, &WelcomePage::downloadRequested, this,
            [this](const QString &name, const QString &folder, const QByteArray &sha) {
                downloadDataset(name, folder, sha);
            });
    connect(ws.welcome, &WelcomePage::cancelDownloadRequested, this, [this] {
        if (m_ws->download && m_ws->download->isRunning())
            m_ws->download->cancel();
        else
            cancelJob();
    });
    connect(this, &MainWindow::busyChanged, this, &MainWindow::updateWelcome);
    connect(this, &MainWindow::datasetLoaded, this, &MainWindow::updateWelcome);
    updateWelcome();

    // Recording.
    connect(this, &MainWindow::trainingQueued, this, &MainWindow::recordQueuedTraining);
    connect(m_trainingModel, &QAbstractItemModel::dataChanged, this, &MainWindow::recordTrainingStatus);
    connect(m_trainingQueue, &TrainingQueue::runEnded, this, &MainWindow::recordEndedTraining);
    connect(this, &MainWindow::trainingFinished, this, &MainWindow::recordFinishedTraining);
    connect(this, &MainWindow::datasetLoaded, this, &MainWindow::restoreWorkspaceRuns);

    // View state: saved shortly after it changes and when the window closes.
    const auto touch = [this] {
        if (m_ws->session->isOpen() && !m_ws->restoring)
            m_ws->viewTimer->start();
    };
    connect(m_tabs, &QTabWidget::currentChanged, this, touch);
    connect(m_metricsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, touch);
    for (QSplitter *splitter : {m_mainSplitter, m_resultsSplitter, m_chartSplitter})
        connect(splitter, &QSplitter::splitterMoved, this, touch);
    connect(m_columnsCombo, &QComboBox::currentIndexChanged, this, touch);
    connect(m_curvesCombo, &QComboBox::currentIndexChanged, this, touch);
    connect(m_splitCombo, &QComboBox::currentTextChanged, this, touch);
    connect(m_embeddingsPanel, &widgets::EmbeddingsPanel::currentKeyChanged, this, touch);
    // An application that quits without closing the window (e.g. after --screenshot) saves it too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] {
        if (m_ws->session->isOpen())
            saveViewState();
    });
    installEventFilter(new CloseWatcher(this, [this] {
        if (!m_ws->session->isOpen())
            return;
        saveViewState();
        // Runs still queued or running are cancelled by the window: record it.
        for (auto it = m_ws->trainingHandles.cbegin(); it != m_ws->trainingHandles.cend(); ++it)
            m_ws->session->endRun(it.value(), app::RunStatus::Cancelled, tr("the window was closed during the run"));
        m_ws->trainingHandles.clear();
        if (m_options.saveSettings)
            m_settings->setValue(QStringLiteral("session/workspace"), m_ws->session->folder());
        m_ws->session->waitForWrites();
    }));

    // Settings that apply at start.
    applyTheme(m_settings->value(key::theme, QStringLiteral("system")).toString());
    if (const int threads = m_settings->value(key::threads, 0).toInt(); threads > 0) {
        Eigen::setNbThreads(threads);
        m_searchSettings.index.threads = threads;
    }
    connect(m_trainingQueue, &TrainingQueue::activeChanged, this, &MainWindow::updateWorkspaceActions);
    if (m_options.restoreSession) {
        // Reopen the workspace open at the last exit (before the dataset session is restored).
        const QString last = m_settings->value(QStringLiteral("session/workspace")).toString();
        if (!last.isEmpty() && isWorkspaceFolder(last))
            QTimer::singleShot(0, this, [this, last] {
                if (!m_dataset && !isBusy() && !m_ws->session->isOpen())
                    openWorkspace(last);
            });
    }
    updateWorkspaceActions();
}

WorkspaceSession *MainWindow::workspaceSession() const
{
    return m_ws->session;
}

QUndoStack *MainWindow::undoStack() const
{
    return m_ws->undo;
}

WelcomePage *MainWindow::welcomePage() const
{
    return m_ws->welcome;
}

QString MainWindow::workspaceFolder() const
{
    return m_ws->session->folder();
}

bool MainWindow::isWelcomeShown() const
{
    return m_ws->stack->currentWidget() == m_ws->welcome;
}

void MainWindow::updateWelcome()
{
    WorkspaceState &ws = *m_ws;
    const bool welcome = !m_dataset && !isBusy() && !ws.restorePending && !ws.session->isOpen();
    ws.stack->setCurrentWidget(welcome ? static_cast<QWidget *>(ws.welcome) : ws.mainView);
    if (welcome) {
        ws.welcome->setRecentWorkspaces(m_settings->value(key::recentWorkspaces).toStringList());
        ws.welcome->setRecentDatasets(m_settings->value(key::recentDatasets).toStringList());
    }
    updateWorkspaceActions();
}

void MainWindow::updateWorkspaceActions()
{
    WorkspaceState &ws = *m_ws;
    const bool idle = !isBusy() && !(m_trainingQueue && m_trainingQueue->isActive());
    const bool open = ws.session->isOpen();
    ws.newAction->setEnabled(idle);
    ws.openAction->setEnabled(idle);
    ws.recentMenu->setEnabled(idle);
    ws.closeAction->setEnabled(idle && open);
    ws.saveAsAction->setEnabled(idle && !open && !m_metricsModel->isEmpty());
    ws.openZipAction->setEnabled(idle);
    const QString theme = m_settings->value(key::theme, QStringLiteral("system")).toString();
    for (QAction *action : ws.themes->actions())
        action->setChecked(action->data().toString() == theme);
    QString title = m_dataset ? tr("%1 - embtune").arg(fromStd(m_dataset->name)) : QStringLiteral("embtune");
    if (open)
        title = tr("%1 [%2]").arg(title, QDir::toNativeSeparators(ws.session->folder()));
    setWindowTitle(title);
}

void MainWindow::addRecentWorkspace(const QString &folder)
{
    if (!m_options.saveSettings)
        return;
    QStringList recent = m_settings->value(key::recentWorkspaces).toStringList();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > kMaxRecentWorkspaces)
        recent.removeLast();
    m_settings->setValue(key::recentWorkspaces, recent);
}

void MainWindow::rebuildRecentWorkspacesMenu()
{
    QMenu *menu = m_ws->recentMenu;
    menu->clear();
    const QStringList recent = m_settings->value(key::recentWorkspaces).toStringList();
    int number = 1;
    for (const QString &dir : recent) {
        QAction *action = menu->addAction(QStringLiteral("&%1 %2").arg(number++).arg(QDir::toNativeSeparators(dir)),
                                          this, [this, dir] { openWorkspace(dir); });
        action->setEnabled(isWorkspaceFolder(dir));
    }
    if (recent.isEmpty())
        menu->addAction(tr("(none)"))->setEnabled(false);
    menu->addSeparator();
    QAction *clear = menu->addAction(tr("&Clear Menu"), this, [this] { m_settings->remove(key::recentWorkspaces); });
    clear->setEnabled(!recent.isEmpty());
}

// ---------------------------------------------------------------------------------------------
// Open, create, close

bool MainWindow::refuseWorkspaceChange(const QString &title)
{
    if (refuseJob(title, false))
        return true;
    if (m_trainingQueue->isActive()) {
        showError(title, tr("Training runs are queued or running; wait for them or cancel them in the Runs tab first."));
        return true;
    }
    return false;
}

bool MainWindow::newWorkspace(const QString &folder)
{
    const QString title = tr("Cannot create the workspace");
    if (refuseWorkspaceChange(title))
        return false;
    const QDir dir(folder);
    if (dir.exists() && !dir.isEmpty()) {
        showError(title, tr("%1: the folder is not empty; choose an empty or new folder.")
                             .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    return openWorkspaceFolder(folder, true);
}

bool MainWindow::openWorkspace(const QString &folder)
{
    const QString title = tr("Cannot open the workspace");
    if (refuseWorkspaceChange(title))
        return false;
    return openWorkspaceFolder(folder, false);
}

bool MainWindow::openWorkspaceFolder(const QString &folder, bool create)
{
    const QString title = create ? tr("Cannot create the workspace") : tr("Cannot open the workspace");
    closeWorkspace();
    if (const QString error = m_ws->session->open(folder, create); !error.isEmpty()) {
        showError(title, error);
        updateWelcome();
        return false;
    }
    WorkspaceState &ws = *m_ws;
    const QString path = ws.session->folder();
    addRecentWorkspace(path);
    if (m_options.saveSettings)
        m_settings->setValue(QStringLiteral("session/workspace"), path);
    // Generated query sets live in the open workspace from now on.
    m_generatedStore.setWorkspaceAccess([this]() -> app::Workspace * {
        return m_ws && m_ws->session && m_ws->session->isOpen() ? m_ws->session->workspaceForSyncUse() : nullptr;
    });
    refreshGeneratedSets();
    emit workspaceOpened(path);

    QString error;
    QList<WorkspaceSession::StoredRun> runs = ws.session->storedRuns(&error);
    if (!error.isEmpty())
        showError(tr("Cannot read the workspace"), error);
    const QJsonObject view =
        QJsonDocument::fromJson(ws.session->viewState(key::viewState).value_or(QString()).toUtf8()).object();
    QString datasetPath = view.value(QStringLiteral("dataset")).toString();
    if (datasetPath.isEmpty() && !runs.isEmpty())
        datasetPath = runs.last().datasetPath;

    // Interrupted runs (and runs that failed or were cancelled) are listed in the Runs tab.
    int interrupted = 0;
    for (const WorkspaceSession::StoredRun &run : runs) {
        if (run.record.status == app::RunStatus::Finished)
            continue;
        widgets::TrainingRunRow row;
        row.key = QStringLiteral("workspace:%1").arg(run.id);
        if (m_trainingModel->find(row.key))
            continue;
        row.name = QStringLiteral("%1 (run %2)").arg(fromStd(run.record.methodId)).arg(run.id);
        row.description = tr("Recorded in the workspace: method %1, parameters %2, seed %3")
                              .arg(fromStd(run.record.methodId), fromStd(run.record.paramsJson))
                              .arg(run.record.seed);
        switch (run.record.status) {
        case app::RunStatus::Interrupted:
            ++interrupted;
            row.status = widgets::TrainingRunRow::Status::Failed;
            row.message = tr("interrupted: the application ended during the run");
            break;
        case app::RunStatus::Cancelled:
            row.status = widgets::TrainingRunRow::Status::Cancelled;
            row.message = fromStd(run.record.errorMessage).isEmpty() ? tr("cancelled")
                                                                     : fromStd(run.record.errorMessage);
            break;
        case app::RunStatus::Failed:
            row.status = widgets::TrainingRunRow::Status::Failed;
            row.message = fromStd(run.record.errorMessage);
            break;
        default:
            continue; // queued or running in another process: cannot be, the lock is ours
        }
        m_trainingModel->addRun(row);
    }

    if (datasetPath.isEmpty() || !QFileInfo(datasetPath).isDir()) {
        if (!datasetPath.isEmpty())
            showError(tr("Cannot restore the workspace"),
                      tr("%1: the dataset folder of the workspace is missing.").arg(QDir::toNativeSeparators(datasetPath)));
        updateWelcome();
        statusBar()->showMessage(tr("Workspace %1 is open: runs are recorded in it.").arg(QDir::toNativeSeparators(path)),
                                 kStatusTimeoutMs);
        emit workspaceRestored(path);
        return true;
    }
    ws.pendingRuns = runs;
    ws.pendingView = view;
    ws.restorePending = true;
    m_pendingEmbeddingsKey = view.value(QStringLiteral("embeddingsKey")).toString();
    m_pendingEmbeddings = view.value(QStringLiteral("embeddingsPath")).toString();
    if (!m_pendingEmbeddings.isEmpty() && !QFileInfo(m_pendingEmbeddings).exists())
        m_pendingEmbeddings.clear();
    if (!openDataset(datasetPath)) {
        ws.restorePending = false;
        ws.pendingRuns.clear();
        updateWelcome();
        return true; // the workspace is open; the error was shown
    }
    if (interrupted > 0)
        statusBar()->showMessage(tr("%1 run(s) of the workspace were interrupted (the application ended during the run).")
                                     .arg(interrupted),
                                 kStatusTimeoutMs);
    updateWelcome();
    return true;
}

void MainWindow::restoreWorkspaceRuns()
{
    WorkspaceState &ws = *m_ws;
    if (!ws.restorePending)
        return;
    ws.restorePending = false;
    QList<WorkspaceSession::StoredRun> runs;
    const QString datasetPath = QDir(m_datasetPath).canonicalPath();
    ws.pendingImports.clear();
    for (const WorkspaceSession::StoredRun &run : std::as_const(ws.pendingRuns))
        if (run.record.status == app::RunStatus::Finished && QDir(run.datasetPath).canonicalPath() == datasetPath) {
            runs << run;
            const QString importPrefix = QStringLiteral("import:");
            if (run.embeddingsKey.startsWith(importPrefix) && !ws.pendingImports.contains(run.embeddingsKey.mid(7)))
                ws.pendingImports << run.embeddingsKey.mid(importPrefix.size());
        }
    ws.pendingRuns.clear();
    auto *watcher = new QFutureWatcher<QList<WorkspaceSession::StoredRun>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, dataset = m_dataset] {
        QList<WorkspaceSession::StoredRun> loaded = watcher->result();
        watcher->deleteLater();
        if (dataset != m_dataset)
            return;
        WorkspaceState &ws = *m_ws;
        // Table order as saved (runs the view state does not list follow, in id order).
        QStringList order;
        for (const QJsonValue &value : ws.pendingView.value(QStringLiteral("runOrder")).toArray())
            order << value.toString();
        std::stable_sort(loaded.begin(), loaded.end(), [&order](const auto &a, const auto &b) {
            const auto rank = [&order](const QString &key) {
                const qsizetype at = order.indexOf(key);
                return at < 0 ? order.size() : at;
            };
            return rank(a.key) < rank(b.key);
        });
        ws.restoring = true;
        QStringList problems;
        QHash<QString, QString> setOfRun; // run key -> Embeddings panel key of the set it searched
        for (const WorkspaceSession::StoredRun &run : loaded) {
            if (!run.report) {
                problems << tr("run %1 (%2): %3").arg(run.id).arg(run.name, run.problem);
                continue;
            }
            RunRecord record;
            record.name = run.name;
            record.description = run.description;
            record.reportJson = run.reportJson;
            record.specJson = fromStd(run.record.specJson);
            record.report = run.report;
            record.tuned = run.tuned;
            if (run.record.methodId != "none" && run.record.methodId != "bm25") {
                record.methodId = fromStd(run.record.methodId);
                const QJsonObject params =
                    QJsonDocument::fromJson(QByteArray::fromStdString(run.record.paramsJson)).object();
                for (auto param = params.begin(); param != params.end(); ++param)
                    record.params[param.key().toStdString()] = param.value().toString().toStdString();
            }
            QString key = run.key;
            if (key.startsWith(QStringLiteral("train:"))) {
                // Keep the key (the saved view names it) unless taken; new runs count on from it.
                const int number = key.mid(6).toInt();
                if (number <= 0 || m_runs.contains(key))
                    key = QStringLiteral("train:%1").arg(++m_trainCount);
                else
                    m_trainCount = std::max(m_trainCount, number);
            } else if (key.isEmpty()) {
                key = QStringLiteral("train:%1").arg(++m_trainCount);
            }
            addRun(key, std::move(record), run.split);
            ws.runHandles.insert(key, run.handle);
            if (!run.embeddingsKey.isEmpty())
                setOfRun.insert(key, run.embeddingsKey);
        }
        const QJsonObject view = std::exchange(ws.pendingView, QJsonObject());
        applyViewState(view);
        ws.restoring = false;
        if (!problems.isEmpty())
            showError(tr("Some runs could not be restored"), problems.join(QLatin1Char('\n')));
        statusBar()->showMessage(tr("Workspace %1: %2 run(s) restored")
                                     .arg(QDir::toNativeSeparators(ws.session->folder()))
                                     .arg(m_metricsModel->runCount()),
                                 kStatusTimeoutMs);
        updateActions();
        updateWorkspaceActions();
        // Then, one job at a time, the embeddings of the saved view (imported by the dataset
        // load) and every other imported set the runs used; the saved set is selected at the end.
        const QString savedKey = view.value(QStringLiteral("embeddingsKey")).toString();
        const auto step = [this, savedKey, setOfRun] {
            WorkspaceState &ws = *m_ws;
            if (isBusy() || !ws.importing)
                return;
            while (!ws.pendingImports.isEmpty()) {
                const QString folder = ws.pendingImports.takeFirst();
                if (m_embeddingsPanel->model()->find(QStringLiteral("import:") + folder) || !QFileInfo(folder).isDir())
                    continue;
                if (importEmbeddings(folder))
                    return; // busyChanged(false) brings the next step
            }
            disconnect(ws.restoreStep);
            ws.importing = false;
            // The restored runs get the sets they searched back (the analysis view needs them).
            for (auto it = setOfRun.begin(); it != setOfRun.end(); ++it) {
                const auto run = m_runs.find(it.key());
                if (run != m_runs.end() && !run->base)
                    run->base = m_loadedSets.value(it.value());
            }
            if (!savedKey.isEmpty())
                selectEmbeddings(savedKey);
            emit workspaceRestored(ws.session->folder());
        };
        disconnect(ws.restoreStep);
        ws.importing = true;
        // busyChanged(false) comes before the job's result is handled: step in the next turn.
        ws.restoreStep = connect(this, &MainWindow::busyChanged, this, [this, step](bool busy) {
            if (!busy)
                QTimer::singleShot(0, this, step);
        });
        step();
    });
    watcher->setFuture(ws.session->loadResults(runs, m_dataset));
}

void MainWindow::closeWorkspace()
{
    WorkspaceState &ws = *m_ws;
    if (!ws.session->isOpen())
        return;
    saveViewState();
    ws.session->close();
    ws.undo->clear();
    ws.runHandles.clear();
    ws.trainingHandles.clear();
    ws.trainingDatasets.clear();
    ws.trained.clear();
    ws.trainingRunning.clear();
    ws.pendingRuns.clear();
    ws.pendingImports.clear();
    disconnect(ws.restoreStep);
    QStringList listed; // the workspace's ended runs listed in the Runs tab
    for (const widgets::TrainingRunRow &row : m_trainingModel->rows())
        if (row.key.startsWith(QStringLiteral("workspace:")))
            listed << row.key;
    for (const QString &key : listed)
        m_trainingModel->removeRun(key);
    ws.importing = false;
    ws.restorePending = false;
    if (m_options.saveSettings)
        m_settings->remove(QStringLiteral("session/workspace"));
    updateWelcome();
    m_generatedStore.setWorkspaceAccess({}); // back to the data folder
    refreshGeneratedSets();
    emit workspaceClosed();
}

bool MainWindow::saveRunsToWorkspace(const QString &folder)
{
    const QString title = tr("Cannot save the runs to a workspace");
    if (refuseWorkspaceChange(title))
        return false;
    if (m_ws->session->isOpen()) {
        showError(title, tr("A workspace is open: its runs are saved already."));
        return false;
    }
    if (QDir(folder).exists() && !QDir(folder).isEmpty()) {
        showError(title, tr("%1: the folder is not empty; choose an empty or new folder.")
                             .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (const QString error = m_ws->session->open(folder, true); !error.isEmpty()) {
        showError(title, error);
        return false;
    }
    addRecentWorkspace(m_ws->session->folder());
    for (const QString &runKey : runKeys()) {
        const auto it = m_runs.constFind(runKey);
        if (it == m_runs.constEnd())
            continue;
        if (runKey.startsWith(QStringLiteral("train:"))) {
            QString setKey; // the Embeddings panel row of the set it trained on
            for (auto set = m_loadedSets.cbegin(); set != m_loadedSets.cend(); ++set)
                if (it->base && set.value() == it->base)
                    setKey = set.key();
            WorkspaceSession::RunStart start =
                runStartOf(setKey, it->methodId.isEmpty() ? QStringLiteral("trained") : it->methodId);
            start.paramsJson = paramsJson(it->params);
            if (const auto seed = it->params.find("seed"); seed != it->params.end())
                start.seed = QString::fromStdString(seed->second).toLongLong();
            start.searchJson = QStringLiteral("{\"backend\":\"exact\"}");
            start.specJson = it->specJson;
            start.running = true;
            const int handle = m_ws->session->beginRun(start);
            m_ws->session->finishRun(handle, runResultOf(runKey, *it, fromStd(it->report->split), 0));
            m_ws->runHandles.insert(runKey, handle);
        } else {
            recordAddedRun(runKey, fromStd(it->report->split));
        }
    }
    saveViewState();
    updateWelcome();
    // Generated query sets live in the open workspace from now on.
    m_generatedStore.setWorkspaceAccess([this]() -> app::Workspace * {
        return m_ws && m_ws->session && m_ws->session->isOpen() ? m_ws->session->workspaceForSyncUse() : nullptr;
    });
    refreshGeneratedSets();
    emit workspaceOpened(m_ws->session->folder());
    return true;
}

// ---------------------------------------------------------------------------------------------
// Recording

WorkspaceSession::RunStart MainWindow::runStartOf(const QString &setKey, const QString &methodId) const
{
    WorkspaceSession::RunStart start;
    start.dataset = m_dataset;
    start.datasetPath = m_datasetPath;
    start.methodId = methodId;
    if (const widgets::EmbeddingSetRow *row = m_embeddingsPanel->model()->find(setKey);
        row && row->origin != widgets::EmbeddingSetRow::Origin::Baseline) {
        start.embeddingsName = row->name;
        start.embeddingsKey = row->key;
        start.embeddingsSource = row->location;
        start.embedder = row->embedder;
        start.dim = row->dim;
        start.documents = row->documents;
    }
    return start;
}

WorkspaceSession::RunResult MainWindow::runResultOf(const QString &runKey, const RunRecord &record,
                                                    const QString &split, double trainSeconds) const
{
    WorkspaceSession::RunResult result;
    result.key = runKey;
    result.name = record.name;
    result.description = record.description;
    result.split = split;
    result.reportJson = record.reportJson;
    result.dataset = m_dataset;
    result.report = record.report;
    result.tuned = record.tuned;
    result.trainSeconds = trainSeconds;
    result.log = record.description.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return result;
}

void MainWindow::recordAddedRun(const QString &key, const QString &split)
{
    WorkspaceState &ws = *m_ws;
    updateWorkspaceActions();
    if (!ws.session->isOpen() || ws.restoring || key.startsWith(QStringLiteral("train:")))
        return;
    const auto it = m_runs.constFind(key);
    if (it == m_runs.constEnd() || !it->report)
        return;
    if (const int replaced = ws.runHandles.take(key))
        ws.session->deleteRun(replaced); // the same set and split evaluated again
    const QString setKey = setKeyOfEvaluation(key);
    const bool bm25 = setKey == bm25Key();
    WorkspaceSession::RunStart start = runStartOf(setKey, bm25 ? QStringLiteral("bm25") : QStringLiteral("none"));
    QJsonObject search{{QStringLiteral("backend"), it->hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact")}};
    if (bm25) {
        search = QJsonObject{{QStringLiteral("backend"), QStringLiteral("bm25")},
                             {QStringLiteral("k1"), 0.9},
                             {QStringLiteral("b"), 0.4}};
    } else if (it->hnsw) {
        search.insert(QStringLiteral("m"), int(it->hnsw->parameters.m));
        search.insert(QStringLiteral("ef_construction"), int(it->hnsw->parameters.efConstruction));
        search.insert(QStringLiteral("ef_search"), int(it->hnsw->parameters.efSearch));
        search.insert(QStringLiteral("seed"), qint64(it->hnsw->parameters.seed));
        search.insert(QStringLiteral("build_seconds"), it->hnsw->buildSeconds);
        search.insert(QStringLiteral("ann_recall@10"), it->hnsw->annRecallAt(10));
        start.seed = qint64(it->hnsw->parameters.seed);
    }
    start.searchJson = QString::fromUtf8(QJsonDocument(search).toJson(QJsonDocument::Compact));
    start.specJson = it->specJson;
    start.running = true;
    const int handle = ws.session->beginRun(start);
    ws.session->finishRun(handle, runResultOf(key, *it, split, 0));
    ws.runHandles.insert(key, handle);
}

void MainWindow::recordQueuedTraining(const QString &trainingKey)
{
    WorkspaceState &ws = *m_ws;
    updateWorkspaceActions();
    if (!ws.session->isOpen())
        return;
    const auto context = m_trainingContexts.constFind(trainingKey);
    if (context == m_trainingContexts.constEnd())
        return;
    WorkspaceSession::RunStart start = runStartOf(context->setKey, context->methodId);
    start.searchJson = QStringLiteral("{\"backend\":\"exact\"}");
    start.specJson = context->specJson;
    const int handle = ws.session->beginRun(start);
    ws.trainingHandles.insert(trainingKey, handle);
    ws.trainingDatasets.insert(trainingKey, m_dataset);
    if (const widgets::TrainingRunRow *row = m_trainingModel->find(trainingKey);
        row && row->status == widgets::TrainingRunRow::Status::Running) {
        ws.session->markRunning(handle);
        ws.trainingRunning.insert(trainingKey);
    }
}

void MainWindow::recordTrainingStatus()
{
    WorkspaceState &ws = *m_ws;
    for (auto it = ws.trainingHandles.cbegin(); it != ws.trainingHandles.cend(); ++it) {
        const widgets::TrainingRunRow *row = m_trainingModel->find(it.key());
        if (row && row->status == widgets::TrainingRunRow::Status::Running && !ws.trainingRunning.contains(it.key())) {
            ws.trainingRunning.insert(it.key());
            ws.session->markRunning(it.value());
        }
    }
}

void MainWindow::recordEndedTraining(const QString &trainingKey, const TrainJobResult &result)
{
    WorkspaceState &ws = *m_ws;
    updateWorkspaceActions();
    const int handle = ws.trainingHandles.value(trainingKey);
    if (!handle)
        return;
    ws.trainingRunning.remove(trainingKey);
    if (!result.ok()) {
        ws.trainingHandles.remove(trainingKey);
        ws.trainingDatasets.remove(trainingKey);
        ws.session->endRun(handle, result.cancelled() ? app::RunStatus::Cancelled : app::RunStatus::Failed,
                           result.cancelled() ? QString() : fromStd(result.error->toString()));
        return;
    }
    const TrainedRun &trained = *result.value;
    qint64 seed = 0;
    if (const auto it = trained.params.find("seed"); it != trained.params.end())
        seed = QString::fromStdString(it->second).toLongLong();
    ws.session->setParameters(handle, paramsJson(trained.params), seed);
    if (ws.trainingDatasets.value(trainingKey) == m_dataset) {
        ws.trained.insert(trainingKey, result); // recorded when its row joins the comparison
        return;
    }
    // The dataset changed meanwhile: the run never joins the comparison; record it as it is.
    ws.trainingHandles.remove(trainingKey);
    const std::shared_ptr<const engine::Dataset> dataset = ws.trainingDatasets.take(trainingKey);
    WorkspaceSession::RunResult record;
    const widgets::TrainingRunRow *row = m_trainingModel->find(trainingKey);
    record.key = QStringLiteral("train:");
    record.name = row ? row->name : trainingKey;
    record.description = row ? row->description : QString();
    record.split = fromStd(trained.result.split);
    record.reportJson = fromStd(trained.reportJson);
    record.dataset = dataset;
    record.report = std::shared_ptr<const engine::EvaluationReport>(result.value, &trained.result);
    record.tuned = trained.tuned;
    record.trainSeconds = trained.fitSeconds;
    ws.session->finishRun(handle, record);
}

void MainWindow::recordFinishedTraining(const QString &runKey)
{
    WorkspaceState &ws = *m_ws;
    for (auto it = ws.trained.begin(); it != ws.trained.end(); ++it) {
        const widgets::TrainingRunRow *row = m_trainingModel->find(it.key());
        if (!row || row->comparisonKey != runKey)
            continue;
        const QString trainingKey = it.key();
        const TrainJobResult result = it.value();
        ws.trained.erase(it);
        const int handle = ws.trainingHandles.take(trainingKey);
        ws.trainingDatasets.remove(trainingKey);
        const auto run = m_runs.constFind(runKey);
        if (!handle || run == m_runs.constEnd())
            return;
        ws.session->finishRun(handle, runResultOf(runKey, *run, fromStd(result.value->result.split),
                                                  result.value->fitSeconds));
        ws.runHandles.insert(runKey, handle);
        updateWorkspaceActions();
        return;
    }
}

// ---------------------------------------------------------------------------------------------
// View state

void MainWindow::saveViewState()
{
    WorkspaceState &ws = *m_ws;
    ws.viewTimer->stop();
    if (!ws.session->isOpen() || ws.restoring || ws.restorePending)
        return;
    QJsonObject view;
    view.insert(QStringLiteral("dataset"), m_datasetPath);
    view.insert(QStringLiteral("split"), currentSplit());
    view.insert(QStringLiteral("embeddingsKey"), currentEmbeddingsKey());
    view.insert(QStringLiteral("embeddingsPath"), embeddingsPath());
    view.insert(QStringLiteral("tab"), m_tabs->currentIndex());
    view.insert(QStringLiteral("runOrder"), QJsonArray::fromStringList(runKeys()));
    const QString runKey = currentRunKey();
    const int row = m_metricsModel->rowOfRun(runKey);
    view.insert(QStringLiteral("selectedRun"), row);
    view.insert(QStringLiteral("selectedRunName"), m_runs.value(runKey).name);
    view.insert(QStringLiteral("columns"), m_columnsCombo->currentIndex());
    view.insert(QStringLiteral("curves"), m_curvesCombo->currentIndex());
    view.insert(QStringLiteral("mainSplitter"), QString::fromLatin1(m_mainSplitter->saveState().toBase64()));
    view.insert(QStringLiteral("resultsSplitter"), QString::fromLatin1(m_resultsSplitter->saveState().toBase64()));
    view.insert(QStringLiteral("chartSplitter"), QString::fromLatin1(m_chartSplitter->saveState().toBase64()));
    ws.session->setViewState(key::viewState,
                             QString::fromUtf8(QJsonDocument(view).toJson(QJsonDocument::Compact)));
}

void MainWindow::applyViewState(const QJsonObject &view)
{
    if (view.isEmpty())
        return;
    if (const QString split = view.value(QStringLiteral("split")).toString(); !split.isEmpty())
        setCurrentSplit(split);
    if (const int columns = view.value(QStringLiteral("columns")).toInt(-1);
        columns >= 0 && columns < m_columnsCombo->count())
        m_columnsCombo->setCurrentIndex(columns);
    if (const int curves = view.value(QStringLiteral("curves")).toInt(-1); curves >= 0 && curves < m_curvesCombo->count())
        m_curvesCombo->setCurrentIndex(curves);
    m_mainSplitter->restoreState(QByteArray::fromBase64(view.value(QStringLiteral("mainSplitter")).toString().toLatin1()));
    m_resultsSplitter->restoreState(
        QByteArray::fromBase64(view.value(QStringLiteral("resultsSplitter")).toString().toLatin1()));
    m_chartSplitter->restoreState(
        QByteArray::fromBase64(view.value(QStringLiteral("chartSplitter")).toString().toLatin1()));
    const int row = view.value(QStringLiteral("selectedRun")).toInt(-1);
    const QString name = view.value(QStringLiteral("selectedRunName")).toString();
    QString select;
    for (int i = 0; i < m_metricsModel->runCount(); ++i)
        if (m_runs.value(m_metricsModel->runKey(i)).name == name && (select.isEmpty() || i == row))
            select = m_metricsModel->runKey(i);
    if (select.isEmpty() && row >= 0 && row < m_metricsModel->runCount())
        select = m_metricsModel->runKey(row);
    if (!select.isEmpty()) {
        selectRun(select);
        updateEvaluationSummary(select, {});
    }
    if (const int tab = view.value(QStringLiteral("tab")).toInt(-1); tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
}

// ---------------------------------------------------------------------------------------------
// Undoable removal

bool MainWindow::removeRun(const QString &runKey)
{
    const auto it = m_runs.constFind(runKey);
    if (it == m_runs.constEnd())
        return false;
    const RunRecord record = *it;
    const QString split = fromStd(record.report->split);
    const int handle = m_ws->runHandles.value(runKey);
    m_ws->undo->push(new FunctionCommand(
        tr("Remove Run %1").arg(record.name),
        [this, runKey, handle] {
            m_metricsModel->removeRun(runKey);
            m_runs.remove(runKey);
            m_ws->runHandles.remove(runKey);
            if (handle && m_ws->session->isOpen())
                m_ws->session->deleteRun(handle);
            if (m_metricsModel->isEmpty())
                clearRuns(tr("Evaluate (Ctrl+E) or train (Ctrl+T) to compare runs."));
            updateActions();
            updateWorkspaceActions();
            if (m_ws->session->isOpen())
                m_ws->viewTimer->start();
        },
        [this, runKey, record, split, handle] {
            m_ws->restoring = true;
            addRun(runKey, record, split);
            m_ws->restoring = false;
            if (handle) {
                m_ws->runHandles.insert(runKey, handle);
                if (m_ws->session->isOpen())
                    m_ws->session->restoreRun(handle);
            }
            selectRun(runKey);
            if (m_dataset)
                updateEvaluationSummary(runKey, {});
            updateWorkspaceActions();
        }));
    return true;
}

// ---------------------------------------------------------------------------------------------
// First run: archives and downloads

QString MainWindow::datasetFolderIn(const QString &dir, const QString &preferred)
{
    if (isDatasetFolder(dir))
        return dir;
    if (!preferred.isEmpty() && isDatasetFolder(QDir(dir).filePath(preferred)))
        return QDir(dir).filePath(preferred);
    const QStringList children = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &child : children)
        if (isDatasetFolder(QDir(dir).filePath(child)))
            return QDir(dir).filePath(child);
    return {};
}

bool MainWindow::openDatasetArchive(const QString &zipPath)
{
    const QString title = tr("Cannot open the archive");
    if (refuseWorkspaceChange(title))
        return false;
    const QFileInfo info(zipPath);
    if (!info.isFile()) {
        showError(title, tr("%1: no such file").arg(QDir::toNativeSeparators(zipPath)));
        return false;
    }
    // "scifact.zip" holds "scifact/..." (BEIR): unzip beside it; anything else goes into a folder
    // named after the archive.
    const QString parent = info.absolutePath();
    const QString base = info.completeBaseName();
    if (const QString existing = datasetFolderIn(QDir(parent).filePath(base), base); !existing.isEmpty())
        return openDataset(existing);
    auto listed = engine::listZip(info.absoluteFilePath().toStdString());
    if (!listed) {
        showError(title, fromStd(listed.error().toString()));
        return false;
    }
    QString top;
    bool singleTop = !listed->empty();
    for (const engine::ZipEntryInfo &entry : *listed) {
        const QString name = fromStd(entry.name);
        const QString first = name.section(QLatin1Char('/'), 0, 0);
        if (top.isEmpty())
            top = first;
        if (first != top || !name.contains(QLatin1Char('/')))
            singleTop = false;
    }
    const QString target = singleTop ? parent : QDir(parent).filePath(base);
    const QString expected = singleTop ? QDir(parent).filePath(top) : target;
    const std::string zip = info.absoluteFilePath().toStdString();
    JobProgress *progress = beginJob(tr("Unzipping %1").arg(info.fileName()));
    auto future = QtConcurrent::run(workerPool(), [zip, target = target.toStdString(), progress] {
        JobResult<std::vector<std::string>> result;
        engine::Progress engineProgress(progress->callback());
        auto written = engine::extractZip(zip, target, &engineProgress);
        if (!written)
            result.error = written.error();
        else
            result.value = std::make_shared<const std::vector<std::string>>(std::move(*written));
        return result;
    });
    watchJob(future, [this, expected, base, title](const JobResult<std::vector<std::string>> &result) {
        if (handleJobError(result.error, title))
            return;
        const QString folder = datasetFolderIn(expected, base);
        if (folder.isEmpty()) {
            showError(title, tr("%1: the archive holds no BEIR dataset (no corpus.jsonl).")
                                 .arg(QDir::toNativeSeparators(expected)));
            return;
        }
        openDataset(folder);
    });
    return true;
}

bool MainWindow::downloadDataset(const QString &name, const QString &folder, const QByteArray &sha256, const QUrl &url)
{
    const QString title = tr("Cannot download the dataset");
    WorkspaceState &ws = *m_ws;
    if (refuseJob(title, false))
        return false;
    if (!net::DatasetDownload::isValidDatasetName(name)) {
        showError(title, tr("\"%1\" is not a dataset name (letters, digits, '-', '_' and '.').").arg(name));
        return false;
    }
    if (folder.trimmed().isEmpty()) {
        showError(title, tr("Choose the folder to download into."));
        return false;
    }
    if (ws.download && ws.download->isRunning()) {
        showError(title, tr("A download is running; wait for it or cancel it."));
        return false;
    }
    if (!ws.download) {
        ws.download = new net::DatasetDownload(this);
        connect(ws.download, &net::DatasetDownload::progressed, ws.welcome, &WelcomePage::setDownloadProgress);
    }
    const QString dir = QDir(folder).absolutePath();
    const QString zipFile = QDir(dir).filePath(name + QStringLiteral(".zip"));
    const QUrl source = url.isEmpty() ? net::DatasetDownload::beirDatasetUrl(name) : url;
    if (m_options.saveSettings)
        m_settings->setValue(key::downloadFolder, dir);
    ws.download->disconnect(this);
    connect(ws.download, &net::DatasetDownload::finished, this,
            [this, title](const net::DatasetDownload::Result &result) {
                m_ws->welcome->setDownloadRunning(false);
                if (result.outcome == net::DatasetDownload::Outcome::Cancelled) {
                    m_ws->welcome->setDownloadStatus(tr("Download cancelled."));
                    statusBar()->showMessage(tr("Download cancelled"), kStatusTimeoutMs);
                    emit jobCancelled();
                    return;
                }
                if (!result.ok()) {
                    m_ws->welcome->setDownloadStatus(result.message, true);
                    showError(title, result.message);
                    return;
                }
                m_ws->welcome->setDownloadStatus(tr("Downloaded %1 (%2 bytes, SHA-256 %3); unzipping...")
                                                     .arg(QDir::toNativeSeparators(result.file))
                                                     .arg(result.bytes)
                                                     .arg(QString::fromLatin1(result.sha256)));
                emit datasetDownloaded(result.file);
                if (!openDatasetArchive(result.file))
                    m_ws->welcome->setDownloadStatus(tr("%1 was downloaded but cannot be opened; see the message.")
                                                         .arg(QDir::toNativeSeparators(result.file)),
                                                     true);
            });
    ws.welcome->setDownloadRunning(true);
    ws.welcome->setDownloadStatus(tr("Downloading %1...").arg(source.toDisplayString()));
    statusBar()->showMessage(tr("Downloading %1").arg(source.toDisplayString()));
    ws.download->start(source, zipFile, sha256);
    return true;
}

// Drops onto the window: a workspace folder opens the workspace, a .zip is unzipped and opened.
// Returns true when it handled the drop (the window's own handler takes dataset and embedding folders).
QString MainWindow::droppedWorkspaceOrArchive(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().isEmpty() || !mime->urls().constFirst().isLocalFile())
        return {};
    const QFileInfo info(mime->urls().constFirst().toLocalFile());
    if (info.isDir() && isWorkspaceFolder(info.absoluteFilePath()))
        return info.absoluteFilePath();
    if (info.isFile() && info.suffix().compare(QStringLiteral("zip"), Qt::CaseInsensitive) == 0)
        return info.absoluteFilePath();
    return {};
}

bool MainWindow::handleWorkspaceDrop(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() && isWorkspaceFolder(path)) {
        QTimer::singleShot(0, this, [this, path] { openWorkspace(path); });
        return true;
    }
    if (info.isFile() && info.suffix().compare(QStringLiteral("zip"), Qt::CaseInsensitive) == 0) {
        QTimer::singleShot(0, this, [this, path] { openDatasetArchive(path); });
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Settings and themes

void MainWindow::showSettingsDialog()
{
    SettingsDialog::Values values;
    values.threads = m_settings->value(key::threads, 0).toInt();
    values.maxConcurrentRuns = maxConcurrentRuns();
    values.hnsw = m_searchSettings.hnsw;
    const RemoteRequest remote = savedRemoteRequest();
    values.embeddingsBaseUrl = remote.settings.baseUrl;
    values.embeddingsModel = remote.settings.model;
    values.chatBaseUrl = m_settings->value(key::chatBaseUrl).toString();
    values.theme = m_settings->value(key::theme, QStringLiteral("system")).toString();
    auto *dialog = new SettingsDialog(values, widgets::TrainingRunsPanel::kMaxConcurrentLimit, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applySettings(dialog->values()); });
    dialog->open();
}

void MainWindow::applySettings(const SettingsDialog::Values &values)
{
    if (m_options.saveSettings) {
        m_settings->setValue(key::threads, values.threads);
        m_settings->setValue(key::chatBaseUrl, values.chatBaseUrl);
    }
    Eigen::setNbThreads(values.threads);
    SearchSettings search = m_searchSettings;
    search.hnsw = values.hnsw;
    search.index.threads = values.threads;
    setSearchSettings(search);
    setMaxConcurrentRuns(values.maxConcurrentRuns);
    RemoteRequest remote = savedRemoteRequest();
    remote.settings.baseUrl = values.embeddingsBaseUrl;
    remote.settings.model = values.embeddingsModel;
    saveRemoteRequest(remote);
    setTheme(values.theme);
}

void MainWindow::setTheme(const QString &theme)
{
    const QString id = theme == QStringLiteral("light") || theme == QStringLiteral("dark") ? theme
                                                                                          : QStringLiteral("system");
    if (m_options.saveSettings)
        m_settings->setValue(key::theme, id);
    applyTheme(id);
    updateWorkspaceActions();
}

void MainWindow::applyTheme(const QString &theme)
{
    static const QString systemStyle = QApplication::style()->name();
    static const QPalette systemPalette = QApplication::palette();
    if (theme == QStringLiteral("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (theme == QStringLiteral("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(systemPalette);
    }
}

} // namespace embtune::gui
