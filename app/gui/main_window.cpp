#include "main_window.h"

#include "dataset_panel.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "jobs/training_queue.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "run_details_view.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

#ifndef EMBTUNE_VERSION
#define EMBTUNE_VERSION "dev"
#endif

namespace embtune::gui {

namespace {

constexpr int kMaxRecentDatasets = 8;
constexpr int kStatusTimeoutMs = 10000;
const QString kDefaultSplit = QStringLiteral("test");

namespace key {
const QString geometry = QStringLiteral("window/geometry");
const QString state = QStringLiteral("window/state");
const QString mainSplitter = QStringLiteral("window/mainSplitter");
const QString resultsSplitter = QStringLiteral("window/resultsSplitter");
const QString chartSplitter = QStringLiteral("window/chartSplitter");
const QString datasetPanel = QStringLiteral("window/datasetPanel");
const QString tab = QStringLiteral("window/tab");
const QString sessionDataset = QStringLiteral("session/dataset");
const QString sessionEmbeddings = QStringLiteral("session/embeddings");
const QString sessionEmbeddingsKey = QStringLiteral("session/embeddingsKey");
const QString sessionEmbeddingsDataset = QStringLiteral("session/embeddingsDataset");
const QString sessionSplit = QStringLiteral("session/split");
const QString recentDatasets = QStringLiteral("recent/datasets");
const QString searchBackend = QStringLiteral("search/backend"); // "exact" or "hnsw"
const QString hnswParameters = QStringLiteral("search/hnsw");   // "m=16;ef_construction=200;..."
const QString maxConcurrentRuns = QStringLiteral("runs/maxConcurrent");
} // namespace key

bool looksLikeEmbeddingsFolder(const QString &dir)
{
    for (const char *name : {"corpus.npy", "corpus.safetensors", "corpus.fvecs", "corpus_embeddings.jsonl"})
        if (QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(name))))
            return true;
    return false;
}

// Local folder named by the first URL of a drag, or an empty string.
QString droppedFolder(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().isEmpty())
        return {};
    const QUrl url = mime->urls().constFirst();
    if (!url.isLocalFile())
        return {};
    const QFileInfo info(url.toLocalFile());
    return info.isDir() ? info.absoluteFilePath() : QString();
}

QWidget *withMargins(QWidget *content, QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(content);
    return page;
}

} // namespace

QList<int> MainWindow::evaluationKs()
{
    QList<int> ks;
    for (int k = 1; k <= 100; ++k)
        ks.append(k);
    return ks;
}

QString MainWindow::embeddingCacheRoot()
{
    const QString fromEnvironment = qEnvironmentVariable("EMBTUNE_CACHE_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir(fromEnvironment).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/embeddings");
}

QString MainWindow::bm25Key()
{
    return QStringLiteral("bm25");
}

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(Options{}, parent)
{
}

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
{
    setObjectName(QStringLiteral("mainWindow"));
    m_settings = m_options.settingsFile.isEmpty() ? new QSettings(this)
                                                  : new QSettings(m_options.settingsFile, QSettings::IniFormat, this);
    m_cacheRoot = m_options.cacheDir.isEmpty() ? embeddingCacheRoot() : QDir(m_options.cacheDir).absolutePath();
    setWindowTitle(QStringLiteral("embtune"));
    setAcceptDrops(true);

    m_searchSettings.hnsw = m_settings->value(key::searchBackend).toString() == QStringLiteral("hnsw");
    {
        std::map<std::string, std::string> values;
        const QString saved = m_settings->value(key::hnswParameters).toString();
        for (const QString &pair : saved.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            const QStringList parts = pair.split(QLatin1Char('='));
            if (parts.size() == 2)
                values[parts[0].toStdString()] = parts[1].toStdString();
        }
        // Saved values are checked against the form's ranges; anything unreadable takes the defaults.
        if (auto checked = engine::ParamValues::parse(EvaluateDialog::parameterSpec(), values))
            m_searchSettings.index = EvaluateDialog::hnswFrom(values);
    }
    m_trainingModel = new widgets::TrainingRunsModel(this);
    m_trainingQueue = new TrainingQueue(m_trainingModel, this);
    m_trainingQueue->setMaxConcurrent(
        std::clamp(m_settings->value(key::maxConcurrentRuns, 1).toInt(), 1,
                   widgets::TrainingRunsPanel::kMaxConcurrentLimit));
    connect(m_trainingQueue, &TrainingQueue::runEnded, this, &MainWindow::onTrainingEnded);
    connect(m_trainingQueue, &TrainingQueue::activeChanged, this, &MainWindow::updateActions);

    createActions();
    createMenus();
    createToolBar();
    createCentralWidget();
    createStatusBar();
    createWorkspaceUi();
    createAnalysisDock();
    {
        // Default size (before any restored geometry): 1400x900, or 90% of a smaller screen.
        QSize size(1400, 900);
        if (const QScreen *screen = this->screen())
            size = size.boundedTo(screen->availableGeometry().size() * 0.9);
        resize(size);
    }
    readSettings();
    updateActions();
    updateEmbeddingsSummary();
    clearRuns(tr("Select embeddings, choose a split and press Evaluate (Ctrl+E) or Train (Ctrl+T)."));

    if (m_options.restoreSession)
        QTimer::singleShot(0, this, &MainWindow::restoreSession);
}

MainWindow::~MainWindow()
{
    // Running trainings hold pointers into the queue: cancel them and wait.
    delete m_trainingQueue;
    m_trainingQueue = nullptr;
    // Worker threads hold a pointer to m_jobProgress: stop and wait before anything is freed.
    if (m_jobWatcher) {
        m_jobProgress->cancel();
        m_jobWatcher->waitForFinished();
    }
}

void MainWindow::createActions()
{
    QStyle *s = style();
    auto make = [this](const QIcon &icon, const QString &text, const QString &name, const QString &tip) {
        auto *action = new QAction(icon, text, this);
        action->setObjectName(name);
        action->setToolTip(tip);
        action->setStatusTip(tip);
        return action;
    };

    m_openDatasetAction = make(s->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Dataset..."),
                               QStringLiteral("actionOpenDataset"),
                               tr("Open a BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv (Ctrl+O)"));
    m_openDatasetAction->setShortcut(QKeySequence::Open);
    m_openDatasetAction->setIconText(tr("Open Dataset"));
    connect(m_openDatasetAction, &QAction::triggered, this, &MainWindow::chooseDataset);

    m_importEmbeddingsAction =
        make(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Import Embeddings..."),
             QStringLiteral("actionImportEmbeddings"),
             tr("Import a folder of vectors in any format: corpus.npy + corpus_ids.txt, corpus.safetensors, "
                "corpus.fvecs + corpus_ids.txt or corpus_embeddings.jsonl, with the queries' file beside it (Ctrl+I)"));
    m_importEmbeddingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importEmbeddingsAction->setIconText(tr("Import"));
    connect(m_importEmbeddingsAction, &QAction::triggered, this, &MainWindow::chooseEmbeddings);

    m_importFilesAction = make(s->standardIcon(QStyle::SP_FileIcon), tr("Import Embedding &Files..."),
                               QStringLiteral("actionImportFiles"),
                               tr("Import vectors from files: documents (and queries) as .npy, .fvecs, .jsonl or "
                                  ".safetensors, with id lists where the format needs them"));
    m_importFilesAction->setIconText(tr("Import Files"));
    connect(m_importFilesAction, &QAction::triggered, this, &MainWindow::chooseEmbeddingFiles);

    m_computeLsaAction = make(s->standardIcon(QStyle::SP_ComputerIcon), tr("&Compute Embeddings (LSA)..."),
                              QStringLiteral("actionComputeLsa"),
                              tr("Compute embeddings of the documents and queries with the built-in LSA embedder "
                                 "(TF-IDF + randomized SVD); results are cached (Ctrl+L)"));
    m_computeLsaAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_computeLsaAction->setIconText(tr("Compute LSA"));
    connect(m_computeLsaAction, &QAction::triggered, this, &MainWindow::showComputeLsaDialog);

    m_computeRemoteAction = make(s->standardIcon(QStyle::SP_DriveNetIcon), tr("Compute Embeddings via &API..."),
                                 QStringLiteral("actionComputeRemote"),
                                 tr("Compute embeddings with an OpenAI-compatible service (OpenAI, Azure, vLLM, TEI, "
                                    "Ollama, ...): cost estimate first, progress, cancel; results are cached "
                                    "(Ctrl+Shift+L)"));
    m_computeRemoteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_computeRemoteAction->setIconText(tr("Compute via API"));
    connect(m_computeRemoteAction, &QAction::triggered, this, &MainWindow::showComputeRemoteDialog);

    m_exportEmbeddingsAction = make(s->standardIcon(QStyle::SP_DialogSaveButton), tr("E&xport Embeddings..."),
                                    QStringLiteral("actionExportEmbeddings"),
                                    tr("Write the selected set as .npy, .fvecs, JSONL or safetensors files"));
    m_exportEmbeddingsAction->setIconText(tr("Export"));
    connect(m_exportEmbeddingsAction, &QAction::triggered, this, &MainWindow::chooseExport);

    m_removeFromCacheAction = make(s->standardIcon(QStyle::SP_TrashIcon), tr("&Remove from Cache..."),
                                   QStringLiteral("actionRemoveFromCache"),
                                   tr("Delete the selected set from the embedding cache on disk"));
    m_removeFromCacheAction->setIconText(tr("Remove"));
    connect(m_removeFromCacheAction, &QAction::triggered, this, &MainWindow::confirmRemoveFromCache);

    m_evaluateAction = make(s->standardIcon(QStyle::SP_MediaPlay), tr("&Evaluate"), QStringLiteral("actionEvaluate"),
                            tr("Rank the documents for every judged query of the split with the selected embeddings "
                               "(exact search or an HNSW index, as the Search box says) or BM25, and compute nDCG, recall, R_cap, P, MRR and MAP at "
                               "k = 1..100 (Ctrl+E)"));
    m_evaluateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_evaluateAction, &QAction::triggered, this, [this] { evaluate(); });

    m_evaluateOptionsAction =
        make(QIcon(), tr("Evaluate &with Search Options..."), QStringLiteral("actionEvaluateOptions"),
             tr("Choose exact search or an HNSW index (M, ef_construction, ef_search, seed, threads), then evaluate "
                "the selected embeddings; with HNSW the ANN recall against exact search, the index size and build "
                "time are shown beside the metrics (Ctrl+Shift+E)"));
    m_evaluateOptionsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_evaluateOptionsAction, &QAction::triggered, this, &MainWindow::showEvaluateDialog);

    m_saveIndexAction = make(s->standardIcon(QStyle::SP_DriveHDIcon), tr("Save HNSW &Index..."),
                             QStringLiteral("actionSaveIndex"),
                             tr("Save the HNSW index of the selected run in hnswlib's file format (Python's "
                                "hnswlib.Index loads it) with a JSON sidecar: space, dim, M, ef_construction, ids "
                                "(Ctrl+Shift+S)"));
    m_saveIndexAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveIndexAction, &QAction::triggered, this, &MainWindow::chooseSaveIndex);

    m_clearEndedRunsAction = make(QIcon(), tr("Clear &Ended Training Runs"), QStringLiteral("actionClearEndedRuns"),
                                  tr("Remove finished, cancelled and failed runs from the Runs tab (their results "
                                     "stay in the comparison)"));
    connect(m_clearEndedRunsAction, &QAction::triggered, this, [this] { m_trainingModel->removeEnded(); });

    m_evaluateBm25Action = make(QIcon(), tr("Evaluate &BM25"), QStringLiteral("actionEvaluateBm25"),
                                tr("Evaluate the BM25 baseline (k1 0.9, b 0.4) on the split (Ctrl+B)"));
    m_evaluateBm25Action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(m_evaluateBm25Action, &QAction::triggered, this, [this] { evaluateBm25(); });

    m_trainAction = make(s->standardIcon(QStyle::SP_MediaSeekForward), tr("&Train..."), QStringLiteral("actionTrain"),
                         tr("Tune the selected embeddings with a method (NUDGE-N, NUDGE-M, ...) on train/dev queries "
                            "and compare with the baseline (Ctrl+T)"));
    m_trainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_trainAction, &QAction::triggered, this, &MainWindow::showTrainDialog);

    m_exportTunedAction = make(s->standardIcon(QStyle::SP_DialogSaveButton), tr("Export T&uned Vectors..."),
                               QStringLiteral("actionExportTuned"),
                               tr("Write the tuned document and query vectors of the selected run in any format"));
    connect(m_exportTunedAction, &QAction::triggered, this, &MainWindow::chooseExportTuned);

    m_copyCommandLineAction = make(QIcon(), tr("Copy as &Command Line"), QStringLiteral("actionCopyCommandLine"),
                                   tr("Copy the embtune-cli command that makes the selected run again (Ctrl+Shift+C)"));
    m_copyCommandLineAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_copyCommandLineAction, &QAction::triggered, this, [this] { copyCommandLine(currentRunKey()); });

    m_removeRunAction = make(QIcon(), tr("Remove &Run"), QStringLiteral("actionRemoveRun"),
                             tr("Remove the selected run from the comparison"));
    connect(m_removeRunAction, &QAction::triggered, this, [this] {
        removeRun(currentRunKey()); // undoable (main_window_workspace.cpp)
    });
    m_clearRunsAction = make(QIcon(), tr("C&lear Runs"), QStringLiteral("actionClearRuns"),
                             tr("Remove every run from the comparison"));
    connect(m_clearRunsAction, &QAction::triggered, this, [this] {
        clearRuns(tr("Evaluate (Ctrl+E) or train (Ctrl+T) to compare runs."));
        updateActions();
    });

    m_cancelAction = make(s->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel"), QStringLiteral("actionCancel"),
                          tr("Stop the running job (Esc)"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(m_cancelAction, &QAction::triggered, this, &MainWindow::cancelJob);

    m_findQueryAction = new QAction(tr("&Find Query"), this);
    m_findQueryAction->setObjectName(QStringLiteral("actionFindQuery"));
    m_findQueryAction->setShortcut(QKeySequence::Find);
    m_findQueryAction->setStatusTip(tr("Focus the query filter (Ctrl+F)"));

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_aboutAction = new QAction(tr("&About embtune"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
    m_aboutQtAction = new QAction(tr("About &Qt"), this);
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
    createCompareActions();
    createSynthActions();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openDatasetAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_findQueryAction);

    QMenu *data = menuBar()->addMenu(tr("Data&set"));
    data->addAction(m_generateQueriesAction);

    QMenu *embeddings = menuBar()->addMenu(tr("E&mbeddings"));
    embeddings->addAction(m_computeLsaAction);
    embeddings->addAction(m_computeRemoteAction);
    embeddings->addAction(m_importEmbeddingsAction);
    embeddings->addAction(m_importFilesAction);
    embeddings->addAction(m_exportEmbeddingsAction);
    embeddings->addSeparator();
    embeddings->addAction(m_removeFromCacheAction);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_evaluateAction);
    run->addAction(m_evaluateOptionsAction);
    run->addAction(m_evaluateBm25Action);
    run->addAction(m_trainAction);
    run->addSeparator();
    run->addAction(m_exportTunedAction);
    run->addAction(m_saveIndexAction);
    run->addAction(m_exportTrecRunAction);
    run->addAction(m_exportAdapterAction);
    run->addAction(m_copyCommandLineAction);
    run->addAction(m_removeRunAction);
    run->addAction(m_clearRunsAction);
    run->addAction(m_clearEndedRunsAction);
    run->addSeparator();
    run->addAction(m_cancelAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
    help->addAction(m_aboutQtAction);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setMovable(false);
    bar->addAction(m_openDatasetAction);
    bar->addAction(m_importEmbeddingsAction);
    bar->addAction(m_computeLsaAction);
    bar->addSeparator();

    auto *splitLabel = new QLabel(tr(" Split: "), bar);
    m_splitCombo = new QComboBox(bar);
    m_splitCombo->setObjectName(QStringLiteral("splitCombo"));
    m_splitCombo->setToolTip(tr("Qrels split whose judged queries are evaluated"));
    m_splitCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_splitCombo->setMinimumContentsLength(8);
    splitLabel->setBuddy(m_splitCombo);
    bar->addWidget(splitLabel);
    bar->addWidget(m_splitCombo);
    connect(m_splitCombo, &QComboBox::currentTextChanged, this, [this](const QString &split) {
        if (!split.isEmpty() && m_options.saveSettings)
            m_settings->setValue(key::sessionSplit, split);
        updateActions();
    });
    auto *searchLabel = new QLabel(tr(" Search: "), bar);
    m_searchCombo = new QComboBox(bar);
    m_searchCombo->setObjectName(QStringLiteral("searchCombo"));
    m_searchCombo->setToolTip(tr("How Evaluate searches the documents: exactly, or with an HNSW index (parameters: "
                                 "Run > Evaluate with Search Options, Ctrl+Shift+E)"));
    m_searchCombo->addItem(tr("Exact"), false);
    m_searchCombo->addItem(tr("HNSW"), true);
    m_searchCombo->setCurrentIndex(m_searchSettings.hnsw ? 1 : 0);
    searchLabel->setBuddy(m_searchCombo);
    bar->addWidget(searchLabel);
    bar->addWidget(m_searchCombo);
    connect(m_searchCombo, &QComboBox::currentIndexChanged, this, [this] {
        SearchSettings settings = m_searchSettings;
        settings.hnsw = m_searchCombo->currentData().toBool();
        setSearchSettings(settings);
    });
    bar->addAction(m_evaluateAction);
    bar->addAction(m_trainAction);
    bar->addAction(m_cancelAction);
}

void MainWindow::createCentralWidget()
{
    // Left: the dataset and its embedding sets, as tabs.
    m_datasetPanel = new widgets::DatasetPanel(this);
    m_datasetPanel->setObjectName(QStringLiteral("datasetPanel"));
    connect(m_findQueryAction, &QAction::triggered, this, [this] {
        m_tabs->setCurrentIndex(0);
        if (auto *filter = m_datasetPanel->findChild<QWidget *>(QStringLiteral("queryFilter")))
            filter->setFocus(Qt::ShortcutFocusReason);
    });

    m_embeddingsPanel = new widgets::EmbeddingsPanel(this);
    m_embeddingsPanel->setObjectName(QStringLiteral("embeddingsPanel"));
    m_embeddingsPanel->setCacheLocation(m_cacheRoot);
    for (QAction *action : {m_computeLsaAction, m_computeRemoteAction, m_importEmbeddingsAction})
        m_embeddingsPanel->toolBar()->addAction(action);
    if (auto *import = qobject_cast<QToolButton *>(m_embeddingsPanel->toolBar()->widgetForAction(m_importEmbeddingsAction))) {
        // Import a folder (the button) or files (its menu).
        auto *menu = new QMenu(import);
        menu->addAction(m_importEmbeddingsAction);
        menu->addAction(m_importFilesAction);
        import->setMenu(menu);
        import->setPopupMode(QToolButton::MenuButtonPopup);
    }
    m_embeddingsPanel->toolBar()->addSeparator();
    for (QAction *action : {m_exportEmbeddingsAction, m_removeFromCacheAction})
        m_embeddingsPanel->toolBar()->addAction(action);
    m_embeddingsPanel->view()->addActions(
        {m_evaluateAction, m_trainAction, m_exportEmbeddingsAction, m_removeFromCacheAction});
    connect(m_embeddingsPanel, &widgets::EmbeddingsPanel::currentKeyChanged, this, &MainWindow::onEmbeddingsSelected);
    connect(m_embeddingsPanel, &widgets::EmbeddingsPanel::keyActivated, this, [this] {
        if (!isBusy())
            evaluate();
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("leftTabs"));
    m_tabs->addTab(withMargins(m_datasetPanel, m_tabs), tr("&Dataset"));
    m_tabs->addTab(withMargins(m_embeddingsPanel, m_tabs), tr("E&mbeddings"));
    createRunsTab();
    m_tabs->addTab(withMargins(m_runsPanel, m_tabs), tr("Ru&ns"));
    createGeneratedQueriesTab();
    m_tabs->setTabToolTip(2, tr("Training runs: queue, progress, cancel, and the live chart of training loss and "
                                "dev nDCG@10 per epoch"));
    m_tabs->setTabToolTip(0, tr("Counts, queries and judged documents of the dataset"));
    m_tabs->setTabToolTip(1, tr("Embedding sets of the dataset: compute, import, export, remove; the selected set "
                                "is evaluated and trained on"));

    // Right: the selected embeddings and the comparison of runs.
    m_embeddingsSummary = new QLabel(this);
    m_embeddingsSummary->setObjectName(QStringLiteral("embeddingsSummary"));
    m_embeddingsSummary->setWordWrap(true);
    m_embeddingsSummary->setTextFormat(Qt::RichText);
    m_embeddingsSummary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_embeddingsSummary, &QLabel::linkActivated, this, [this] { showTab(1); });
    auto *embeddingsGroup = new QGroupBox(tr("Embeddings"), this);
    auto *embeddingsLayout = new QVBoxLayout(embeddingsGroup);
    embeddingsLayout->addWidget(m_embeddingsSummary);

    m_evaluationSummary = new QLabel(this);
    m_evaluationSummary->setObjectName(QStringLiteral("evaluationSummary"));
    m_evaluationSummary->setWordWrap(true);
    m_evaluationSummary->setTextFormat(Qt::RichText);
    m_evaluationSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_metricsModel = new widgets::MetricsTableModel(this);
    m_runDetails = new widgets::RunDetailsView(this);
    m_runDetails->setObjectName(QStringLiteral("runDetails"));
    m_runDetails->toolBar()->addAction(m_exportTunedAction);
    m_runDetails->toolBar()->addAction(m_copyCommandLineAction);
    // The Compare tab (table, curves, exports) and the Query explorer tab: main_window_compare.cpp.
    createCompareView();

    auto *evaluationGroup = new QGroupBox(tr("Comparison"), this);
    auto *evaluationLayout = new QVBoxLayout(evaluationGroup);
    evaluationLayout->addWidget(m_evaluationSummary);
    evaluationLayout->addWidget(m_resultsTabs, 1);

    auto *resultsPane = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(resultsPane);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(embeddingsGroup);
    resultsLayout->addWidget(evaluationGroup, 1);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_tabs);
    m_mainSplitter->addWidget(resultsPane);
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({580, 820});
    setCentralWidget(m_mainSplitter);
}

void MainWindow::createStatusBar()
{
    m_embeddingsStatus = new QLabel(this);
    m_embeddingsStatus->setObjectName(QStringLiteral("embeddingsStatus"));
    m_jobLabel = new QLabel(this);
    m_jobLabel->setObjectName(QStringLiteral("jobLabel"));
    m_progressBar = new QProgressBar(this);
    m_progressBar->setObjectName(QStringLiteral("jobProgress"));
    m_progressBar->setFixedWidth(240);
    m_progressBar->setTextVisible(true);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setDefaultAction(m_cancelAction);
    m_cancelButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancelButton->setAutoRaise(true);

    statusBar()->addPermanentWidget(m_embeddingsStatus);
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progressBar);
    statusBar()->addPermanentWidget(m_cancelButton);
    m_jobLabel->hide();
    m_progressBar->hide();
    m_cancelButton->hide();
}

// ---------------------------------------------------------------------------------------------
// Settings and session

void MainWindow::readSettings()
{
    if (!m_options.restoreWindow)
        return;
    const QByteArray geometry = m_settings->value(key::geometry).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    restoreState(m_settings->value(key::state).toByteArray());
    m_mainSplitter->restoreState(m_settings->value(key::mainSplitter).toByteArray());
    m_resultsSplitter->restoreState(m_settings->value(key::resultsSplitter).toByteArray());
    m_chartSplitter->restoreState(m_settings->value(key::chartSplitter).toByteArray());
    m_datasetPanel->restoreLayoutState(m_settings->value(key::datasetPanel).toByteArray());
    m_tabs->setCurrentIndex(m_settings->value(key::tab, 0).toInt());
}

void MainWindow::writeSettings()
{
    if (!m_options.saveSettings)
        return;
    m_settings->setValue(key::geometry, saveGeometry());
    m_settings->setValue(key::state, saveState());
    m_settings->setValue(key::mainSplitter, m_mainSplitter->saveState());
    m_settings->setValue(key::resultsSplitter, m_resultsSplitter->saveState());
    m_settings->setValue(key::chartSplitter, m_chartSplitter->saveState());
    m_settings->setValue(key::datasetPanel, m_datasetPanel->saveLayoutState());
    m_settings->setValue(key::tab, m_tabs->currentIndex());
    m_settings->sync();
}

void MainWindow::restoreSession()
{
    const QString dataset = m_settings->value(key::sessionDataset).toString();
    if (dataset.isEmpty() || !QFileInfo(dataset).isDir() || m_dataset || isBusy())
        return;
    if (m_settings->value(key::sessionEmbeddingsDataset).toString() == dataset) {
        const QString embeddings = m_settings->value(key::sessionEmbeddings).toString();
        if (!embeddings.isEmpty() && QFileInfo(embeddings).isDir())
            m_pendingEmbeddings = embeddings;
        m_pendingEmbeddingsKey = m_settings->value(key::sessionEmbeddingsKey).toString();
    }
    openDataset(dataset);
}

void MainWindow::addRecentDataset(const QString &dir)
{
    if (!m_options.saveSettings)
        return;
    QStringList recent = m_settings->value(key::recentDatasets).toStringList();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > kMaxRecentDatasets)
        recent.removeLast();
    m_settings->setValue(key::recentDatasets, recent);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings->value(key::recentDatasets).toStringList();
    int number = 1;
    for (const QString &dir : recent) {
        const QString label = QStringLiteral("&%1 %2").arg(number++).arg(QDir::toNativeSeparators(dir));
        QAction *action = m_recentMenu->addAction(label, this, [this, dir] { openDataset(dir); });
        action->setEnabled(!isBusy() && QFileInfo(dir).isDir());
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("&Clear Menu"), this,
                                             [this] { m_settings->remove(key::recentDatasets); });
    clear->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_jobWatcher) {
        m_jobProgress->cancel();
        m_jobWatcher->waitForFinished();
    }
    m_trainingQueue->cancelAllAndWait();
    writeSettings();
    event->accept();
}

// ---------------------------------------------------------------------------------------------
// User actions

void MainWindow::chooseDataset()
{
    QString start = m_datasetPath.isEmpty() ? m_settings->value(key::sessionDataset).toString() : m_datasetPath;
    start = start.isEmpty() ? QDir::homePath() : QFileInfo(start).absolutePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open BEIR Dataset Folder"), start);
    if (!dir.isEmpty())
        openDataset(dir);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About embtune"),
        tr("<h3>embtune %1</h3>"
           "<p>A workbench for tuning black-box text embeddings for retrieval: open a BEIR dataset, "
           "compute or import embeddings, evaluate them with trec_eval conventions, tune them and compare.</p>"
           "<p>Built with Qt %2, Qt Charts and Eigen.</p>")
            .arg(QStringLiteral(EMBTUNE_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if ((!droppedFolder(event->mimeData()).isEmpty() || !droppedWorkspaceOrArchive(event->mimeData()).isEmpty()) &&
        !isBusy())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (const QString path = droppedWorkspaceOrArchive(event->mimeData()); !path.isEmpty() && handleWorkspaceDrop(path)) {
        event->acceptProposedAction();
        return;
    }
    const QString dir = droppedFolder(event->mimeData());
    if (dir.isEmpty())
        return;
    event->acceptProposedAction();
    // Defer: starting a job (or showing an error) inside the drop handler blocks the drag source.
    QTimer::singleShot(0, this, [this, dir] {
        if (m_dataset && looksLikeEmbeddingsFolder(dir))
            importEmbeddings(dir);
        else
            openDataset(dir);
    });
}

void MainWindow::showError(const QString &title, const QString &message)
{
    statusBar()->showMessage(title, kStatusTimeoutMs);
    emit errorShown(message);
    if (!m_errorDialogsEnabled)
        return;
    // Window-modal and non-blocking (open(), not exec()), so jobs and tests keep running.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
}

QString MainWindow::currentSplit() const
{
    return m_splitCombo->currentText();
}

bool MainWindow::setCurrentSplit(const QString &split)
{
    const int index = m_splitCombo->findText(split);
    if (index < 0)
        return false;
    m_splitCombo->setCurrentIndex(index);
    return true;
}

void MainWindow::showTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

void MainWindow::updateActions()
{
    const bool busy = isBusy();
    const bool hasDataset = m_dataset != nullptr;
    const bool hasSplit = !currentSplit().isEmpty();
    const widgets::EmbeddingSetRow *row = currentRow();
    const bool isBm25 = row && row->origin == widgets::EmbeddingSetRow::Origin::Baseline;
    const bool hasVectors = row && !isBm25;
    const QString runKey = currentRunKey();
    const auto run = m_runs.constFind(runKey);

    const bool training = m_trainingQueue && m_trainingQueue->isActive();
    m_openDatasetAction->setEnabled(!busy && !training);
    m_recentMenu->setEnabled(!busy && !training);
    for (QAction *action : {m_importEmbeddingsAction, m_importFilesAction, m_computeLsaAction, m_computeRemoteAction})
        action->setEnabled(!busy && hasDataset);
    m_exportEmbeddingsAction->setEnabled(!busy && hasVectors);
    m_removeFromCacheAction->setEnabled(!busy && row && row->origin == widgets::EmbeddingSetRow::Origin::Cache &&
                                        !row->location.isEmpty());
    m_splitCombo->setEnabled(!busy && m_splitCombo->count() > 0);
    m_evaluateAction->setEnabled(!busy && hasDataset && row && hasSplit);
    m_evaluateBm25Action->setEnabled(!busy && hasDataset && hasSplit);
    m_trainAction->setEnabled(!busy && hasDataset && hasVectors && hasSplit);
    m_exportTunedAction->setEnabled(!busy && run != m_runs.constEnd() && run->tuned != nullptr);
    m_evaluateOptionsAction->setEnabled(!busy && hasDataset && hasVectors && hasSplit);
    m_saveIndexAction->setEnabled(!busy && run != m_runs.constEnd() && run->hnsw != nullptr);
    m_clearEndedRunsAction->setEnabled(m_trainingModel->rowCount() > m_trainingModel->activeCount());
    m_removeRunAction->setEnabled(!runKey.isEmpty());
    m_copyCommandLineAction->setEnabled(run != m_runs.constEnd() && !run->specJson.isEmpty());
    m_clearRunsAction->setEnabled(!m_metricsModel->isEmpty());
    if (m_analysisAction) // made after the central widget (createAnalysisDock)
        m_analysisAction->setEnabled(!busy && run != m_runs.constEnd() && run->base != nullptr);
    m_generateQueriesAction->setEnabled(!busy && hasDataset);
    m_cancelAction->setEnabled(busy);
}

void MainWindow::updateEmbeddingsSummary()
{
    const widgets::EmbeddingSetRow *row = currentRow();
    if (!row) {
        m_embeddingsSummary->setText(
            m_dataset ? tr("<i>No embeddings selected. In the <a href=\"embeddings\">Embeddings</a> tab, compute a set "
                           "with LSA (Ctrl+L), import one (Ctrl+I) or select a listed one.</i>")
                      : tr("<i>Open a dataset first.</i>"));
        m_embeddingsSummary->setToolTip({});
        m_embeddingsStatus->clear();
        return;
    }
    m_embeddingsSummary->setToolTip(widgets::EmbeddingSetListModel::describe(*row));
    if (row->origin == widgets::EmbeddingSetRow::Origin::Baseline) {
        m_embeddingsSummary->setText(tr("<b>%1</b>: lexical baseline, documents ranked by BM25 over title and text")
                                         .arg(row->name.toHtmlEscaped()));
        m_embeddingsStatus->setText(row->name);
        return;
    }
    QString text = tr("<b>%1</b> (%2): dimension %3, %4 document vectors, %5 of %6 query vectors")
                       .arg(row->name.toHtmlEscaped(), row->embedder.toHtmlEscaped())
                       .arg(row->dim)
                       .arg(count(row->documents), count(row->queries),
                            count(m_dataset ? m_dataset->queryCount() : 0));
    if (const auto set = m_loadedSets.value(row->key); set && set->docs.isMapped())
        text += tr(" (memory-mapped)");
    m_embeddingsSummary->setText(text);
    m_embeddingsStatus->setText(tr("%1 (%2-d)").arg(row->name).arg(row->dim));
}

void MainWindow::setSearchSettings(const SearchSettings &settings)
{
    m_searchSettings = settings;
    {
        const QSignalBlocker blocker(m_searchCombo);
        m_searchCombo->setCurrentIndex(settings.hnsw ? 1 : 0);
    }
    if (!m_options.saveSettings)
        return;
    m_settings->setValue(key::searchBackend, settings.hnsw ? QStringLiteral("hnsw") : QStringLiteral("exact"));
    QStringList pairs;
    for (const auto &[name, value] : EvaluateDialog::valuesOf(settings.index))
        pairs << QStringLiteral("%1=%2").arg(fromStd(name), fromStd(value));
    m_settings->setValue(key::hnswParameters, pairs.join(QLatin1Char(';')));
}

void MainWindow::setMaxConcurrentRuns(int runs)
{
    runs = std::clamp(runs, 1, widgets::TrainingRunsPanel::kMaxConcurrentLimit);
    m_trainingQueue->setMaxConcurrent(runs);
    m_runsPanel->setMaxConcurrent(runs);
    if (m_options.saveSettings)
        m_settings->setValue(key::maxConcurrentRuns, runs);
}

int MainWindow::maxConcurrentRuns() const
{
    return m_trainingQueue->maxConcurrent();
}

bool MainWindow::hasActiveTraining() const
{
    return m_trainingQueue->isActive();
}

// ---------------------------------------------------------------------------------------------
// Jobs

JobProgress *MainWindow::beginJob(const QString &description)
{
    Q_ASSERT(!m_jobProgress);
    m_jobDescription = description;
    m_jobProgress = new JobProgress(this);
    connect(m_jobProgress, &JobProgress::progressed, this, &MainWindow::showJobProgress);
    m_jobLabel->setText(description);
    m_progressBar->setRange(0, 0); // busy until the first report
    m_progressBar->setFormat(QString());
    m_jobLabel->show();
    m_progressBar->show();
    m_cancelButton->show();
    statusBar()->showMessage(description + QStringLiteral("..."));
    return m_jobProgress;
}

void MainWindow::endJob()
{
    m_jobWatcher = nullptr;
    if (m_jobProgress) {
        m_jobProgress->deleteLater(); // drops a delivery still queued
        m_jobProgress = nullptr;
    }
    m_jobLabel->hide();
    m_progressBar->hide();
    m_cancelButton->hide();
    statusBar()->clearMessage();
    updateActions();
    emit busyChanged(false);
}

void MainWindow::showJobProgress(const QString &phase, qint64 done, qint64 total)
{
    if (sender() != m_jobProgress)
        return;
    m_jobLabel->setText(phase.isEmpty() ? m_jobDescription : m_jobDescription + QStringLiteral(": ") + phase);
    if (total <= 0) {
        m_progressBar->setRange(0, 0);
        return;
    }
    m_progressBar->setRange(0, 1000);
    m_progressBar->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
    m_progressBar->setFormat(QStringLiteral("%p%"));
}

void MainWindow::cancelJob()
{
    if (!m_jobProgress || m_jobProgress->isCancelled())
        return;
    m_jobProgress->cancel();
    m_jobLabel->setText(tr("Cancelling %1...").arg(m_jobDescription.toLower()));
}

bool MainWindow::handleJobError(const std::optional<engine::Error> &error, const QString &title)
{
    if (!error)
        return false;
    if (error->code == engine::ErrorCode::Cancelled) {
        statusBar()->showMessage(tr("%1: cancelled").arg(title), kStatusTimeoutMs);
        emit jobCancelled();
    } else {
        showError(title, fromStd(error->toString()));
    }
    return true;
}

bool MainWindow::refuseJob(const QString &title, bool needsDataset)
{
    if (isBusy()) {
        showError(title, tr("Another job is running; wait for it or cancel it."));
        return true;
    }
    if (needsDataset && !m_dataset) {
        showError(title, tr("Open a dataset first."));
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Dataset

bool MainWindow::openDataset(const QString &dir)
{
    const QString title = tr("Cannot open dataset");
    if (refuseJob(title, false))
        return false;
    if (m_trainingQueue->isActive()) {
        showError(title, tr("Training runs are queued or running on the open dataset; wait for them or cancel them "
                            "in the Runs tab first."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        showError(title, tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    JobProgress *progress = beginJob(tr("Loading %1").arg(info.fileName()));
    watchJob(loadDatasetAsync(path, m_cacheRoot, progress),
             [this, path](const OpenedDatasetJobResult &result) { onDatasetLoaded(path, result); });
    return true;
}

void MainWindow::onDatasetLoaded(const QString &dir, const OpenedDatasetJobResult &result)
{
    const QString pendingEmbeddings = std::exchange(m_pendingEmbeddings, QString());
    const QString pendingKey = std::exchange(m_pendingEmbeddingsKey, QString());
    if (handleJobError(result.error, tr("Cannot open dataset")))
        return;
    m_dataset = std::shared_ptr<const engine::Dataset>(result.value, &result.value->dataset);
    m_textsHash = result.value->textsHash;
    m_datasetPath = dir;
    m_loadedSets.clear();
    clearRuns(tr("Select embeddings, choose a split and press Evaluate (Ctrl+E) or Train (Ctrl+T)."));

    const QString previousSplit = m_splitCombo->currentText();
    const QString savedSplit = m_settings->value(key::sessionSplit).toString();
    {
        const QSignalBlocker blocker(m_splitCombo);
        m_splitCombo->clear();
        for (const std::string &name : m_dataset->splitNames())
            m_splitCombo->addItem(fromStd(name));
        for (const QString &preferred : {kDefaultSplit, previousSplit, savedSplit})
            if (setCurrentSplit(preferred))
                break;
    }

    // The embedding sets: BM25, then the cache's entries for these texts (newest first).
    {
        widgets::EmbeddingSetRow bm25;
        bm25.key = bm25Key();
        bm25.name = tr("BM25 (k1 0.9, b 0.4)");
        bm25.origin = widgets::EmbeddingSetRow::Origin::Baseline;
        bm25.embedder = QStringLiteral("bm25");
        bm25.parameters = QStringLiteral(R"({"k1": 0.9, "b": 0.4, "idf": "lucene", "stop_words": "english"})");
        const QSignalBlocker blocker(m_embeddingsPanel);
        m_embeddingsPanel->selectKey({});
        m_embeddingsPanel->model()->setRows({bm25});
        setCacheRows(result.value->cachedSets);
    }
    const QList<widgets::EmbeddingSetRow> &rows = m_embeddingsPanel->model()->rows();
    QString select;
    if (!pendingKey.isEmpty() && m_embeddingsPanel->model()->rowOf(pendingKey) >= 0)
        select = pendingKey;
    else if (rows.size() > 1)
        select = rows[1].key; // the newest cache entry
    m_embeddingsPanel->selectKey(select);
    onEmbeddingsSelected(m_embeddingsPanel->currentKey());

    m_datasetPanel->setDataset(m_dataset, result.warnings);
    refreshGeneratedSets();
    if (!m_datasetPanel->selectFirstJudgedQuery(currentSplit()))
        m_datasetPanel->selectFirstJudgedQuery();
    updateEmbeddingsSummary();
    updateActions();
    setWindowTitle(tr("%1 - embtune").arg(fromStd(m_dataset->name)));

    if (m_options.saveSettings) {
        m_settings->setValue(key::sessionDataset, dir);
        addRecentDataset(dir);
    }
    statusBar()->showMessage(tr("Loaded %1: %2 documents, %3 queries, %4 split(s), %5 cached embedding set(s) in %6 s")
                                 .arg(fromStd(m_dataset->name), count(m_dataset->docCount()),
                                      count(m_dataset->queryCount()))
                                 .arg(m_dataset->splits.size())
                                 .arg(result.value->cachedSets.size())
                                 .arg(result.seconds, 0, 'f', 2),
                             kStatusTimeoutMs);
    emit datasetLoaded(dir);
    if (!pendingEmbeddings.isEmpty() && !isBusy())
        importEmbeddings(pendingEmbeddings);
}

} // namespace embtune::gui
