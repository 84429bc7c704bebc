#include "main_window.h"

#include "controllers/analysis_controller.h"
#include "controllers/appearance_controller.h"
#include "controllers/compare_controller.h"
#include "controllers/embeddings_controller.h"
#include "controllers/evaluation_controller.h"
#include "controllers/explorer_controller.h"
#include "controllers/fusion_controller.h"
#include "controllers/generated_queries_controller.h"
#include "controllers/training_controller.h"
#include "controllers/welcome_controller.h"
#include "controllers/workspace_controller.h"
#include "compare_view.h"
#include "query_explorer_view.h"
#include "dataset_context.h"
#include "dataset_panel.h"
#include "embedding_set_store.h"
#include "embeddings_panel.h"
#include "feedback.h"
#include "generated_queries_panel.h"
#include "generated_set_list.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/training_queue.h"
#include "run_store.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QGroupBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace embtune::gui {

namespace {

namespace key {
const QString geometry = QStringLiteral("window/geometry");
const QString state = QStringLiteral("window/state");
const QString mainSplitter = QStringLiteral("window/mainSplitter");
const QString resultsSplitter = QStringLiteral("window/resultsSplitter");
const QString chartSplitter = QStringLiteral("window/chartSplitter");
const QString datasetPanel = QStringLiteral("window/datasetPanel");
const QString tab = QStringLiteral("window/tab");
} // namespace key

QWidget *withMargins(QWidget *content, QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(content);
    return page;
}

} // namespace

MainWindow::MainWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("embtune"));
    setAcceptDrops(true);
    m_ctx.window = this;
    m_ctx.options = options;
    createSharedObjects();
    createControllers();
    createCentralWidget();
    createMenus();
    createToolBar();
    createStatusBar();
    connectControllers();
    {
        // Default size (before any restored geometry): 1400x900, or 90% of a smaller screen.
        QSize size(1400, 900);
        if (const QScreen *screen = this->screen())
            size = size.boundedTo(screen->availableGeometry().size() * 0.9);
        resize(size);
    }
    readSettings();
    m_compare->clearRuns(tr("Select embeddings, choose a split and press Evaluate (Ctrl+E) or Train (Ctrl+T)."));
}

MainWindow::~MainWindow()
{
    // Running trainings and jobs hold pointers into the queue and the job's progress.
    m_ctx.training->cancelAllAndWait();
    m_ctx.jobs->cancelAndWait();
}

void MainWindow::createSharedObjects()
{
    m_ctx.settings = m_ctx.options.settingsFile.isEmpty()
                         ? new QSettings(this)
                         : new QSettings(m_ctx.options.settingsFile, QSettings::IniFormat, this);
    m_ctx.feedback = new Feedback(this, this);
    m_ctx.jobs = new JobRunner(m_ctx.feedback, this);
    m_ctx.dataset = new DatasetContext(m_ctx.options.cacheDir.isEmpty() ? embeddingCacheRoot()
                                                                        : QDir(m_ctx.options.cacheDir).absolutePath(),
                                       this);
    m_ctx.sets = new EmbeddingSetStore(this);
    m_ctx.runs = new RunStore(this);
    m_ctx.trainingRuns = new widgets::TrainingRunsModel(this);
    m_ctx.training = new TrainingQueue(m_ctx.trainingRuns, this);
    m_ctx.generatedSets = new GeneratedSetList(m_ctx.dataset, this);
}

void MainWindow::createControllers()
{
    // The workspace first: its session restore runs before the welcome controller's.
    m_workspace = new WorkspaceController(m_ctx, this);
    m_welcome = new WelcomeController(m_ctx, this);
    m_embeddings = new EmbeddingsController(m_ctx, this);
    m_evaluation = new EvaluationController(m_ctx, this);
    m_training = new TrainingController(m_ctx, this);
    m_compare = new CompareController(m_ctx, this);
    m_fusion = new FusionController(m_ctx, this);
    m_fusion->setSelectionSource([this] { return m_compare->compareView()->selectedRunKeys(); });
    m_explorer = new ExplorerController(m_ctx, this);
    m_analysis = new AnalysisController(m_ctx, this);
    m_generated = new GeneratedQueriesController(m_ctx, this);
    m_appearance = new AppearanceController(m_ctx, this);

    QStyle *s = style();
    m_cancelAction = new QAction(s->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel"), this);
    m_cancelAction->setObjectName(QStringLiteral("actionCancel"));
    m_cancelAction->setToolTip(tr("Stop the running job (Esc)"));
    m_cancelAction->setStatusTip(m_cancelAction->toolTip());
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, m_ctx.jobs, &JobRunner::cancel);
    m_findQueryAction = new QAction(tr("&Find Query"), this);
    m_findQueryAction->setObjectName(QStringLiteral("actionFindQuery"));
    m_findQueryAction->setShortcut(QKeySequence::Find);
    m_findQueryAction->setStatusTip(tr("Focus the query filter (Ctrl+F)"));
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createCentralWidget()
{
    // Left: the dataset, its embedding sets, the training runs and the generated queries.
    m_datasetPanel = new widgets::DatasetPanel(this);
    m_datasetPanel->setObjectName(QStringLiteral("datasetPanel"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("leftTabs"));
    m_tabs->addTab(withMargins(m_datasetPanel, m_tabs), tr("&Dataset"));
    m_tabs->addTab(withMargins(m_embeddings->panel(), m_tabs), tr("E&mbeddings"));
    m_tabs->addTab(withMargins(m_training->runsPanel(), m_tabs), tr("Ru&ns"));
    m_tabs->addTab(m_generated->generatedQueriesPanel(), GeneratedQueriesController::tabTitle());
    m_tabs->setTabToolTip(0, tr("Counts, queries and judged documents of the dataset"));
    m_tabs->setTabToolTip(1, tr("Embedding sets of the dataset: compute, import, export, remove; the selected set "
                                "is evaluated and trained on"));
    m_tabs->setTabToolTip(2, tr("Training runs: queue, progress, cancel, and the live chart of training loss and "
                                "dev nDCG@10 per epoch"));
    m_tabs->setTabToolTip(3, GeneratedQueriesController::tabToolTip());

    // Right: the selected embeddings and the comparison of runs.
    connect(m_embeddings->summary(), &QLabel::linkActivated, this, [this] { showTab(1); });
    auto *embeddingsGroup = new QGroupBox(tr("Embeddings"), this);
    auto *embeddingsLayout = new QVBoxLayout(embeddingsGroup);
    embeddingsLayout->addWidget(m_embeddings->summary());
    m_compare->addResultsTab(m_explorer->queryExplorer(), ExplorerController::tabTitle(),
                             ExplorerController::tabToolTip());
    auto *evaluationGroup = new QGroupBox(tr("Comparison"), this);
    auto *evaluationLayout = new QVBoxLayout(evaluationGroup);
    evaluationLayout->addWidget(m_compare->evaluationSummary());
    evaluationLayout->addWidget(m_compare->resultsTabs(), 1);
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
    // The welcome page in front of the main view while nothing is open.
    m_welcome->setMainView(m_mainSplitter);
    setCentralWidget(m_welcome->centralStack());
    addDockWidget(Qt::RightDockWidgetArea, m_analysis->analysisDock());

    // Actions of several areas on the runs table, the run details and the embedding sets.
    m_compare->setRunActions({m_training->exportTunedAction(), m_compare->exportAdapterAction(),
                              m_evaluation->saveIndexAction(), m_compare->exportTrecRunAction(),
                              m_compare->copyCommandLineAction(), m_workspace->removeRunAction(),
                              m_compare->clearRunsAction()});
    m_compare->addRunActions({m_fusion->fuseRunsAction(), m_analysis->analysisAction()});
    m_compare->setDetailsActions({m_training->exportTunedAction(), m_compare->copyCommandLineAction()});
    m_embeddings->panel()->view()->addActions({m_evaluation->evaluateAction(), m_training->trainAction()});
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_welcome->openDatasetAction());
    file->addAction(m_welcome->openArchiveAction());
    file->addMenu(m_welcome->recentMenu());
    file->addSeparator();
    file->addAction(m_workspace->newWorkspaceAction());
    file->addAction(m_workspace->openWorkspaceAction());
    file->addMenu(m_workspace->recentWorkspacesMenu());
    file->addAction(m_workspace->saveToWorkspaceAction());
    file->addAction(m_workspace->closeWorkspaceAction());
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_workspace->undoAction());
    edit->addAction(m_workspace->redoAction());
    edit->addSeparator();
    edit->addAction(m_findQueryAction);
    edit->addSeparator();
    edit->addAction(m_appearance->settingsAction());

    menuBar()->addMenu(tr("Data&set"))->addAction(m_generated->generateQueriesAction());

    QMenu *embeddings = menuBar()->addMenu(tr("E&mbeddings"));
    embeddings->addActions({m_embeddings->computeLsaAction(), m_embeddings->computeRemoteAction(),
                            m_embeddings->importEmbeddingsAction(), m_embeddings->importFilesAction(),
                            m_embeddings->exportEmbeddingsAction()});
    embeddings->addSeparator();
    embeddings->addAction(m_embeddings->removeFromCacheAction());

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addActions({m_evaluation->evaluateAction(), m_evaluation->evaluateOptionsAction(),
                     m_evaluation->evaluateBm25Action(), m_training->trainAction(), m_fusion->fuseRunsAction()});
    run->addSeparator();
    run->addActions({m_training->exportTunedAction(), m_evaluation->saveIndexAction(),
                     m_compare->exportTrecRunAction(), m_compare->exportAdapterAction(),
                     m_compare->copyCommandLineAction(), m_workspace->removeRunAction(),
                     m_compare->clearRunsAction(), m_training->clearEndedRunsAction()});
    run->addSeparator();
    run->addAction(m_cancelAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_analysis->analysisAction());
    view->addMenu(m_appearance->themeMenu());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_appearance->aboutAction());
    help->addAction(m_appearance->aboutQtAction());
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setMovable(false);
    bar->addAction(m_welcome->openDatasetAction());
    bar->addAction(m_embeddings->importEmbeddingsAction());
    bar->addAction(m_embeddings->computeLsaAction());
    bar->addSeparator();
    for (const auto &[text, combo] : {std::pair{tr(" Split: "), m_evaluation->splitCombo()},
                                      std::pair{tr(" Search: "), m_evaluation->searchCombo()}}) {
        auto *label = new QLabel(text, bar);
        label->setBuddy(combo);
        bar->addWidget(label);
        bar->addWidget(combo);
    }
    bar->addAction(m_evaluation->evaluateAction());
    bar->addAction(m_training->trainAction());
    bar->addAction(m_cancelAction);
}

void MainWindow::createStatusBar()
{
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
    statusBar()->addPermanentWidget(m_embeddings->statusLabel());
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progressBar);
    statusBar()->addPermanentWidget(m_cancelButton);
    for (QWidget *widget : std::initializer_list<QWidget *>{m_jobLabel, m_progressBar, m_cancelButton})
        widget->hide();
    connect(m_ctx.feedback, &Feedback::statusMessage, this, [this](const QString &message, int timeoutMs) {
        if (message.isEmpty())
            statusBar()->clearMessage();
        else
            statusBar()->showMessage(message, timeoutMs);
    });
    connect(m_ctx.jobs, &JobRunner::started, this, [this](const QString &description) {
        m_jobLabel->setText(description);
        m_progressBar->setRange(0, 0); // busy until the first report
        m_progressBar->setFormat(QString());
        for (QWidget *widget : std::initializer_list<QWidget *>{m_jobLabel, m_progressBar, m_cancelButton})
            widget->show();
    });
    connect(m_ctx.jobs, &JobRunner::progressed, this, [this](const QString &label, qint64 done, qint64 total) {
        m_jobLabel->setText(label);
        if (total <= 0) {
            m_progressBar->setRange(0, 0);
            return;
        }
        m_progressBar->setRange(0, 1000);
        m_progressBar->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
        m_progressBar->setFormat(QStringLiteral("%p%"));
    });
    connect(m_ctx.jobs, &JobRunner::cancelling, m_jobLabel, &QLabel::setText);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, [this](bool busy) {
        m_cancelAction->setEnabled(busy);
        if (!busy)
            for (QWidget *widget : std::initializer_list<QWidget *>{m_jobLabel, m_progressBar, m_cancelButton})
                widget->hide();
    });
}

void MainWindow::showTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

void MainWindow::readSettings()
{
    if (!m_ctx.options.restoreWindow)
        return;
    QSettings &settings = *m_ctx.settings;
    const QByteArray geometry = settings.value(key::geometry).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    restoreState(settings.value(key::state).toByteArray());
    m_mainSplitter->restoreState(settings.value(key::mainSplitter).toByteArray());
    m_compare->compareView()->resultsSplitter()->restoreState(settings.value(key::resultsSplitter).toByteArray());
    m_compare->compareView()->chartSplitter()->restoreState(settings.value(key::chartSplitter).toByteArray());
    m_datasetPanel->restoreLayoutState(settings.value(key::datasetPanel).toByteArray());
    m_tabs->setCurrentIndex(settings.value(key::tab, 0).toInt());
}

void MainWindow::writeSettings()
{
    if (!m_ctx.options.saveSettings)
        return;
    QSettings &settings = *m_ctx.settings;
    settings.setValue(key::geometry, saveGeometry());
    settings.setValue(key::state, saveState());
    settings.setValue(key::mainSplitter, m_mainSplitter->saveState());
    settings.setValue(key::resultsSplitter, m_compare->compareView()->resultsSplitter()->saveState());
    settings.setValue(key::chartSplitter, m_compare->compareView()->chartSplitter()->saveState());
    settings.setValue(key::datasetPanel, m_datasetPanel->saveLayoutState());
    settings.setValue(key::tab, m_tabs->currentIndex());
    settings.sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_ctx.jobs->cancelAndWait();
    m_ctx.training->cancelAllAndWait();
    writeSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_welcome->acceptsDrop(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (m_welcome->drop(event->mimeData()))
        event->acceptProposedAction();
}

} // namespace embtune::gui
