#include "main_window.h"

#include "dataset_panel.h"
#include "jobs/job_progress.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
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
const QString datasetPanel = QStringLiteral("window/datasetPanel");
const QString sessionDataset = QStringLiteral("session/dataset");
const QString sessionEmbeddings = QStringLiteral("session/embeddings");
const QString sessionEmbeddingsDataset = QStringLiteral("session/embeddingsDataset");
const QString sessionSplit = QStringLiteral("session/split");
const QString recentDatasets = QStringLiteral("recent/datasets");
} // namespace key

QString count(qint64 n)
{
    return QLocale().toString(n);
}

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

bool looksLikeEmbeddingsFolder(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QStringLiteral("corpus.npy")));
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

} // namespace

QList<int> MainWindow::evaluationKs()
{
    QList<int> ks;
    for (int k = 1; k <= 100; ++k)
        ks.append(k);
    return ks;
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
    setWindowTitle(QStringLiteral("embtune"));
    setAcceptDrops(true);

    createActions();
    createMenus();
    createToolBar();
    createCentralWidget();
    createStatusBar();
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
    clearEvaluation(tr("Import embeddings, choose a split and press Evaluate (Ctrl+E)."));

    if (m_options.restoreSession)
        QTimer::singleShot(0, this, &MainWindow::restoreSession);
}

MainWindow::~MainWindow()
{
    // Worker threads hold a pointer to m_jobProgress: stop and wait before anything is freed.
    if (m_jobWatcher) {
        m_jobProgress->cancel();
        m_jobWatcher->waitForFinished();
    }
}

void MainWindow::createActions()
{
    QStyle *s = style();
    m_openDatasetAction = new QAction(s->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Dataset..."), this);
    m_openDatasetAction->setObjectName(QStringLiteral("actionOpenDataset"));
    m_openDatasetAction->setShortcut(QKeySequence::Open);
    m_openDatasetAction->setIconText(tr("Open Dataset"));
    m_openDatasetAction->setToolTip(
        tr("Open a BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv (Ctrl+O)"));
    m_openDatasetAction->setStatusTip(m_openDatasetAction->toolTip());
    connect(m_openDatasetAction, &QAction::triggered, this, &MainWindow::chooseDataset);

    m_importEmbeddingsAction =
        new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Import Embeddings..."), this);
    m_importEmbeddingsAction->setObjectName(QStringLiteral("actionImportEmbeddings"));
    m_importEmbeddingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importEmbeddingsAction->setIconText(tr("Import Embeddings"));
    m_importEmbeddingsAction->setToolTip(tr("Import vectors from a folder with corpus.npy + corpus_ids.txt "
                                            "(and queries.npy + query_ids.txt) (Ctrl+I)"));
    m_importEmbeddingsAction->setStatusTip(m_importEmbeddingsAction->toolTip());
    connect(m_importEmbeddingsAction, &QAction::triggered, this, &MainWindow::chooseEmbeddings);

    m_evaluateAction = new QAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Evaluate"), this);
    m_evaluateAction->setObjectName(QStringLiteral("actionEvaluate"));
    m_evaluateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_evaluateAction->setToolTip(tr("Search the documents exactly for every judged query of the split and "
                                    "compute nDCG, recall, R_cap, P, MRR and MAP at k = 1..100 (Ctrl+E)"));
    m_evaluateAction->setStatusTip(m_evaluateAction->toolTip());
    connect(m_evaluateAction, &QAction::triggered, this, [this] { evaluate(); });

    m_cancelAction = new QAction(s->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel"), this);
    m_cancelAction->setObjectName(QStringLiteral("actionCancel"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setToolTip(tr("Stop the running job (Esc)"));
    m_cancelAction->setStatusTip(m_cancelAction->toolTip());
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
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openDatasetAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addAction(m_importEmbeddingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_findQueryAction);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_evaluateAction);
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
    bar->addAction(m_evaluateAction);
    bar->addAction(m_cancelAction);
}

void MainWindow::createCentralWidget()
{
    m_datasetPanel = new widgets::DatasetPanel(this);
    m_datasetPanel->setObjectName(QStringLiteral("datasetPanel"));
    connect(m_findQueryAction, &QAction::triggered, this, [this] {
        if (auto *filter = m_datasetPanel->findChild<QWidget *>(QStringLiteral("queryFilter")))
            filter->setFocus(Qt::ShortcutFocusReason);
    });
    auto *datasetGroup = new QGroupBox(tr("Dataset"), this);
    auto *datasetLayout = new QVBoxLayout(datasetGroup);
    datasetLayout->addWidget(m_datasetPanel);

    m_embeddingsSummary = new QLabel(this);
    m_embeddingsSummary->setObjectName(QStringLiteral("embeddingsSummary"));
    m_embeddingsSummary->setWordWrap(true);
    m_embeddingsSummary->setTextFormat(Qt::RichText);
    m_embeddingsSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *embeddingsGroup = new QGroupBox(tr("Embeddings"), this);
    auto *embeddingsLayout = new QVBoxLayout(embeddingsGroup);
    embeddingsLayout->addWidget(m_embeddingsSummary);

    m_evaluationSummary = new QLabel(this);
    m_evaluationSummary->setObjectName(QStringLiteral("evaluationSummary"));
    m_evaluationSummary->setWordWrap(true);
    m_evaluationSummary->setTextFormat(Qt::RichText);
    m_evaluationSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_metricsModel = new widgets::MetricsTableModel(this);
    m_metricsTable = new QTableView(this);
    m_metricsTable->setObjectName(QStringLiteral("metricsTable"));
    m_metricsTable->setModel(m_metricsModel);
    m_metricsTable->setToolTip(tr("Mean metric over the evaluated queries; hover a cell for full precision"));
    m_metricsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metricsTable->setSelectionMode(QAbstractItemView::ContiguousSelection);
    m_metricsTable->setAlternatingRowColors(true);
    m_metricsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_metricsTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_metricsTable->verticalHeader()->setMinimumWidth(64);
    m_metricsTable->verticalHeader()->setDefaultSectionSize(m_metricsTable->fontMetrics().height() + 10);
    m_metricsTable->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_metricsTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_chart = new widgets::MetricsChartView(this);
    m_chart->setObjectName(QStringLiteral("metricsChart"));
    m_chart->setToolTip(tr("Mean recall@k and nDCG@k for k = 1..100"));

    m_resultsSplitter = new QSplitter(Qt::Vertical, this);
    m_resultsSplitter->setObjectName(QStringLiteral("resultsSplitter"));
    m_resultsSplitter->addWidget(m_metricsTable);
    m_resultsSplitter->addWidget(m_chart);
    m_resultsSplitter->setStretchFactor(0, 0);
    m_resultsSplitter->setStretchFactor(1, 1);
    m_resultsSplitter->setChildrenCollapsible(false);
    {
        // Exactly the header and the six metric rows; the chart takes the rest.
        const int height = m_metricsTable->horizontalHeader()->sizeHint().height() +
                           m_metricsTable->verticalHeader()->defaultSectionSize() * m_metricsModel->rowCount() +
                           2 * m_metricsTable->frameWidth();
        m_metricsTable->setMinimumHeight(height);
        m_resultsSplitter->setSizes({height, 10 * height});
    }

    auto *evaluationGroup = new QGroupBox(tr("Evaluation"), this);
    auto *evaluationLayout = new QVBoxLayout(evaluationGroup);
    evaluationLayout->addWidget(m_evaluationSummary);
    evaluationLayout->addWidget(m_resultsSplitter, 1);

    auto *resultsPane = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(resultsPane);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(embeddingsGroup);
    resultsLayout->addWidget(evaluationGroup, 1);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(datasetGroup);
    m_mainSplitter->addWidget(resultsPane);
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({660, 740});
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
    if (m_options.restoreWindow) {
        const QByteArray geometry = m_settings->value(key::geometry).toByteArray();
        if (!geometry.isEmpty())
            restoreGeometry(geometry);
        restoreState(m_settings->value(key::state).toByteArray());
        m_mainSplitter->restoreState(m_settings->value(key::mainSplitter).toByteArray());
        m_resultsSplitter->restoreState(m_settings->value(key::resultsSplitter).toByteArray());
        m_datasetPanel->restoreLayoutState(m_settings->value(key::datasetPanel).toByteArray());
    }
}

void MainWindow::writeSettings()
{
    if (!m_options.saveSettings)
        return;
    m_settings->setValue(key::geometry, saveGeometry());
    m_settings->setValue(key::state, saveState());
    m_settings->setValue(key::mainSplitter, m_mainSplitter->saveState());
    m_settings->setValue(key::resultsSplitter, m_resultsSplitter->saveState());
    m_settings->setValue(key::datasetPanel, m_datasetPanel->saveLayoutState());
    m_settings->sync();
}

void MainWindow::restoreSession()
{
    const QString dataset = m_settings->value(key::sessionDataset).toString();
    if (dataset.isEmpty() || !QFileInfo(dataset).isDir() || m_dataset || isBusy())
        return;
    const QString embeddings = m_settings->value(key::sessionEmbeddings).toString();
    if (!embeddings.isEmpty() && m_settings->value(key::sessionEmbeddingsDataset).toString() == dataset &&
        QFileInfo(embeddings).isDir())
        m_pendingEmbeddings = embeddings;
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

void MainWindow::chooseEmbeddings()
{
    QString start;
    if (!m_embeddingsPath.isEmpty())
        start = QFileInfo(m_embeddingsPath).absolutePath();
    else if (!m_datasetPath.isEmpty())
        start = QFileInfo::exists(QDir(m_datasetPath).filePath(QStringLiteral("embeddings")))
                    ? QDir(m_datasetPath).filePath(QStringLiteral("embeddings"))
                    : m_datasetPath;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Import Embeddings (folder with corpus.npy + corpus_ids.txt)"), start);
    if (!dir.isEmpty())
        importEmbeddings(dir);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About embtune"),
        tr("<h3>embtune %1</h3>"
           "<p>A workbench for tuning black-box text embeddings for retrieval: open a BEIR dataset, "
           "import embeddings, evaluate them with trec_eval conventions and compare.</p>"
           "<p>Built with Qt %2, Qt Charts and Eigen.</p>")
            .arg(QStringLiteral(EMBTUNE_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFolder(event->mimeData()).isEmpty() && !isBusy())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
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

void MainWindow::updateActions()
{
    const bool busy = isBusy();
    m_openDatasetAction->setEnabled(!busy);
    m_recentMenu->setEnabled(!busy);
    m_importEmbeddingsAction->setEnabled(!busy && m_dataset);
    m_splitCombo->setEnabled(!busy && m_splitCombo->count() > 0);
    m_evaluateAction->setEnabled(!busy && m_dataset && m_embeddings && !currentSplit().isEmpty());
    m_cancelAction->setEnabled(busy);
}

void MainWindow::updateEmbeddingsSummary()
{
    if (!m_embeddings) {
        m_embeddingsSummary->setText(
            m_dataset ? tr("<i>No embeddings. File &gt; Import Embeddings (Ctrl+I): a folder with corpus.npy + "
                           "corpus_ids.txt and queries.npy + query_ids.txt.</i>")
                      : tr("<i>Open a dataset first.</i>"));
        m_embeddingsSummary->setToolTip({});
        m_embeddingsStatus->clear();
        return;
    }
    const engine::EmbeddingSet &set = *m_embeddings;
    qint64 withVector = 0;
    for (char has : set.hasQueryVector)
        withVector += has ? 1 : 0;
    m_embeddingsSummary->setText(tr("<b>%1</b>: dimension %2, %3 document vectors, %4 of %5 query vectors%6")
                                     .arg(fromStd(set.name).toHtmlEscaped())
                                     .arg(set.dim())
                                     .arg(count(set.docs.rows()), count(withVector),
                                          count(qint64(set.hasQueryVector.size())),
                                          set.docs.isMapped() ? tr(" (memory-mapped)") : QString()));
    m_embeddingsSummary->setToolTip(QDir::toNativeSeparators(fromStd(set.source)));
    m_embeddingsStatus->setText(tr("%1 (%2-d)").arg(fromStd(set.name)).arg(set.dim()));
}

void MainWindow::clearEvaluation(const QString &reason)
{
    m_evaluation.reset();
    m_metricsModel->clear();
    m_chart->clear();
    m_evaluationSummary->setText(QStringLiteral("<i>%1</i>").arg(reason.toHtmlEscaped()));
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

bool MainWindow::openDataset(const QString &dir)
{
    if (isBusy()) {
        showError(tr("Cannot open dataset"), tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        showError(tr("Cannot open dataset"), tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    JobProgress *progress = beginJob(tr("Loading %1").arg(info.fileName()));
    watchJob(loadDatasetAsync(path, progress),
             [this, path](const DatasetJobResult &result) { onDatasetLoaded(path, result); });
    return true;
}

void MainWindow::onDatasetLoaded(const QString &dir, const DatasetJobResult &result)
{
    const QString pendingEmbeddings = std::exchange(m_pendingEmbeddings, QString());
    if (handleJobError(result.error, tr("Cannot open dataset")))
        return;
    m_dataset = result.value;
    m_datasetPath = dir;
    m_embeddings.reset();
    m_embeddingsPath.clear();
    clearEvaluation(tr("Import embeddings, choose a split and press Evaluate (Ctrl+E)."));

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

    m_datasetPanel->setDataset(m_dataset, result.warnings);
    if (!m_datasetPanel->selectFirstJudgedQuery(currentSplit()))
        m_datasetPanel->selectFirstJudgedQuery();
    updateEmbeddingsSummary();
    updateActions();
    setWindowTitle(tr("%1 - embtune").arg(fromStd(m_dataset->name)));

    if (m_options.saveSettings) {
        m_settings->setValue(key::sessionDataset, dir);
        addRecentDataset(dir);
    }
    statusBar()->showMessage(tr("Loaded %1: %2 documents, %3 queries, %4 split(s) in %5 s")
                                 .arg(fromStd(m_dataset->name), count(m_dataset->docCount()),
                                      count(m_dataset->queryCount()))
                                 .arg(m_dataset->splits.size())
                                 .arg(result.seconds, 0, 'f', 2),
                             kStatusTimeoutMs);
    emit datasetLoaded(dir);
    if (!pendingEmbeddings.isEmpty() && !isBusy())
        importEmbeddings(pendingEmbeddings);
}

bool MainWindow::importEmbeddings(const QString &dir)
{
    const QString title = tr("Cannot import embeddings");
    if (isBusy()) {
        showError(title, tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    if (!m_dataset) {
        showError(title, tr("Open a dataset first: embeddings are matched to its document and query ids."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        showError(title, tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    JobProgress *progress = beginJob(tr("Importing %1").arg(info.fileName()));
    watchJob(importEmbeddingsAsync(path, m_dataset, progress),
             [this, path, dataset = m_dataset](const EmbeddingsJobResult &result) {
                 if (dataset != m_dataset) // the dataset changed meanwhile: the vectors do not belong to it
                     return;
                 onEmbeddingsLoaded(path, result);
             });
    return true;
}

void MainWindow::onEmbeddingsLoaded(const QString &dir, const EmbeddingsJobResult &result)
{
    if (handleJobError(result.error, tr("Cannot import embeddings")))
        return;
    m_embeddings = result.value;
    m_embeddingsPath = dir;
    clearEvaluation(tr("Choose a split and press Evaluate (Ctrl+E)."));
    updateEmbeddingsSummary();
    updateActions();
    if (m_options.saveSettings) {
        m_settings->setValue(key::sessionEmbeddings, dir);
        m_settings->setValue(key::sessionEmbeddingsDataset, m_datasetPath);
    }
    QString message = tr("Imported %1: %2 vectors of dimension %3 in %4 s")
                          .arg(fromStd(m_embeddings->name), count(m_embeddings->docs.rows()))
                          .arg(m_embeddings->dim())
                          .arg(result.seconds, 0, 'f', 2);
    if (!result.warnings.isEmpty())
        message += QStringLiteral("; ") + result.warnings.join(QStringLiteral("; "));
    statusBar()->showMessage(message, kStatusTimeoutMs);
    emit embeddingsLoaded(dir);
}

bool MainWindow::evaluate()
{
    const QString title = tr("Cannot evaluate");
    if (isBusy()) {
        showError(title, tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    if (!m_dataset || !m_embeddings) {
        showError(title, tr("Open a dataset and import embeddings first."));
        return false;
    }
    const QString split = currentSplit();
    if (split.isEmpty()) {
        showError(title, tr("The dataset has no qrels split to evaluate."));
        return false;
    }
    engine::EvaluationOptions options;
    options.split = split.toStdString();
    options.ks.clear();
    for (int k : evaluationKs())
        options.ks.push_back(k);
    options.metrics.assign(std::begin(engine::kAllMetrics), std::end(engine::kAllMetrics));

    JobProgress *progress = beginJob(tr("Evaluating on %1").arg(split));
    watchJob(evaluateAsync(m_dataset, m_embeddings, std::move(options), progress),
             [this, embeddings = m_embeddings](const EvaluationJobResult &result) {
                 if (embeddings != m_embeddings)
                     return;
                 onEvaluated(result);
             });
    return true;
}

void MainWindow::onEvaluated(const EvaluationJobResult &result)
{
    if (handleJobError(result.error, tr("Evaluation failed")))
        return;
    m_evaluation = result.value;
    const engine::EvaluationReport &report = *m_evaluation;
    const QString split = fromStd(report.split);
    m_metricsModel->setResults(report.metrics);
    m_chart->setResults(report.metrics, tr("%1 on %2 (split %3)")
                                            .arg(fromStd(m_embeddings->name), fromStd(m_dataset->name), split));

    QString summary = tr("<b>%1</b> on <b>%2</b>, split <b>%3</b>: %4 queries evaluated (of %5 judged), "
                         "exact cosine search in %6 s")
                          .arg(fromStd(m_embeddings->name).toHtmlEscaped(), fromStd(m_dataset->name).toHtmlEscaped(),
                               split.toHtmlEscaped(), count(qint64(report.metrics.queries.size())),
                               count(report.judgedQueries))
                          .arg(report.searchSeconds, 0, 'f', 2);
    for (const QString &warning : result.warnings)
        summary += QStringLiteral("<br><span style=\"color:#a15c00\">%1</span>").arg(warning.toHtmlEscaped());
    m_evaluationSummary->setText(summary);

    const int row = m_metricsModel->rowOf(engine::Metric::Ndcg);
    const int column = m_metricsModel->columnOf(10);
    statusBar()->showMessage(tr("Evaluated %1 queries of split %2: nDCG@10 = %3")
                                 .arg(report.metrics.queries.size())
                                 .arg(split, m_metricsModel->index(row, column).data().toString()),
                             kStatusTimeoutMs);
    emit evaluationFinished();
}

} // namespace embtune::gui
