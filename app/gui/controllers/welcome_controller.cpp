#include "controllers/welcome_controller.h"

#include "gui_actions.h"
#include "folder_kinds.h"

#include "data/zip_archive.h"
#include "dataset_context.h"
#include "dataset_download.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"
#include "jobs/training_queue.h"
#include "run_store.h"
#include "welcome_page.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace embtune::gui {

namespace {

constexpr int kMaxRecentDatasets = 8;

namespace key {
const QString recentDatasets = QStringLiteral("recent/datasets");
const QString downloadFolder = QStringLiteral("paths/downloads");
const QString sessionDataset = QStringLiteral("session/dataset");
const QString sessionEmbeddings = QStringLiteral("session/embeddings");
const QString sessionEmbeddingsKey = QStringLiteral("session/embeddingsKey");
const QString sessionEmbeddingsDataset = QStringLiteral("session/embeddingsDataset");
const QString sessionSplit = QStringLiteral("session/split");
} // namespace key

// The BEIR dataset folder in `dir`: `dir` itself, its child `preferred`, or its first child
// holding a dataset; empty when none.
QString datasetFolderIn(const QString &dir, const QString &preferred)
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

// The local file or folder named by the first URL of a drag; empty when none.
QFileInfo droppedPath(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().isEmpty() || !mime->urls().constFirst().isLocalFile())
        return {};
    return QFileInfo(mime->urls().constFirst().toLocalFile());
}

bool isZipFile(const QFileInfo &info)
{
    return info.isFile() && info.suffix().compare(QStringLiteral("zip"), Qt::CaseInsensitive) == 0;
}

} // namespace

WelcomeController::WelcomeController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    createActions();
    createWelcomePage();
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &WelcomeController::updateActions);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &WelcomeController::updateWelcome);
    connect(m_ctx.training, &TrainingQueue::activeChanged, this, &WelcomeController::updateActions);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &WelcomeController::updateWelcome);
    updateActions();
    updateWelcome();
    if (m_ctx.options.restoreSession)
        QTimer::singleShot(0, this, &WelcomeController::restoreSession);
}

void WelcomeController::createActions()
{
    QStyle *s = m_ctx.window->style();
    const QString openTip =
        tr("Open a BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv (Ctrl+O)");
    m_openDataset = new QAction(s->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Dataset..."), this);
    m_openDataset->setObjectName(QStringLiteral("actionOpenDataset"));
    m_openDataset->setToolTip(openTip);
    m_openDataset->setStatusTip(openTip);
    m_openDataset->setShortcut(QKeySequence::Open);
    m_openDataset->setIconText(tr("Open Dataset"));
    connect(m_openDataset, &QAction::triggered, this, &WelcomeController::chooseDataset);

    m_openArchive =
        new QAction(s->standardIcon(QStyle::SP_FileIcon), tr("Open Dataset &Archive (.zip)..."), this);
    m_openArchive->setObjectName(QStringLiteral("actionOpenZip"));
    m_openArchive->setStatusTip(
        tr("Unzip a BEIR archive beside it (refusing entries outside the folder) and open it"));
    connect(m_openArchive, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getOpenFileName(m_ctx.window, tr("Open BEIR Dataset Archive"),
                                                          QDir::homePath(), tr("Zip archives (*.zip)"));
        if (!file.isEmpty())
            openDatasetArchive(file);
    });

    m_recentMenu = new QMenu(tr("Open &Recent"), m_ctx.window);
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &WelcomeController::rebuildRecentMenu);
}

void WelcomeController::createWelcomePage()
{
    m_stack = new QStackedWidget(m_ctx.window);
    m_stack->setObjectName(QStringLiteral("centralStack"));
    m_welcome = new WelcomePage(m_stack);
    m_stack->addWidget(m_welcome);
    m_welcome->setDownloadFolder(
        m_ctx.settings
            ->value(key::downloadFolder, QDir(QStandardPaths::writableLocation(QStandardPaths::HomeLocation))
                                             .filePath(QStringLiteral("beir-datasets")))
            .toString());
    connect(m_welcome, &WelcomePage::openFolderRequested, m_openDataset, &QAction::trigger);
    connect(m_welcome, &WelcomePage::openZipRequested, m_openArchive, &QAction::trigger);
    connect(m_welcome, &WelcomePage::workspaceActivated, this, &WelcomeController::workspaceWanted);
    connect(m_welcome, &WelcomePage::datasetActivated, this, [this](const QString &dir) { openDataset(dir); });
    for (auto [signal, listKey] : {std::pair{&WelcomePage::recentWorkspaceRemoved, kRecentWorkspacesSetting},
                                   std::pair{&WelcomePage::recentDatasetRemoved, key::recentDatasets}})
        connect(m_welcome, signal, this, [this, settingKey = listKey](const QString &dir) {
            QStringList recent = m_ctx.settings->value(settingKey).toStringList();
            recent.removeAll(dir);
            m_ctx.settings->setValue(settingKey, recent);
            updateWelcome();
        });
    connect(m_welcome, &WelcomePage::downloadRequested, this,
            [this](const QString &name, const QString &folder, const QByteArray &sha) {
                downloadDataset(name, folder, sha);
            });
    connect(m_welcome, &WelcomePage::cancelDownloadRequested, this, [this] {
        if (m_download && m_download->isRunning())
            m_download->cancel();
        else
            m_ctx.jobs->cancel();
    });
}

void WelcomeController::setMainView(QWidget *view)
{
    if (m_mainView)
        m_stack->removeWidget(m_mainView);
    m_mainView = view;
    if (view)
        m_stack->addWidget(view);
    updateWelcome();
}

void WelcomeController::setWorkspaceFolder(const QString &folder)
{
    m_workspaceOpen = !folder.isEmpty();
    updateWelcome();
}

void WelcomeController::updateActions()
{
    const bool idle = !m_ctx.jobs->isBusy() && !m_ctx.training->isActive();
    m_openDataset->setEnabled(idle);
    m_recentMenu->setEnabled(idle);
    m_openArchive->setEnabled(idle);
}

bool WelcomeController::isWelcomeShown() const
{
    return m_stack->currentWidget() == m_welcome;
}

void WelcomeController::updateWelcome()
{
    const bool welcome =
        (!m_ctx.dataset->hasDataset() && !m_ctx.jobs->isBusy() && !m_workspaceOpen) || !m_mainView;
    m_stack->setCurrentWidget(welcome ? static_cast<QWidget *>(m_welcome) : m_mainView);
    if (welcome) {
        m_welcome->setRecentWorkspaces(m_ctx.settings->value(kRecentWorkspacesSetting).toStringList());
        m_welcome->setRecentDatasets(m_ctx.settings->value(key::recentDatasets).toStringList());
    }
}

// ---------------------------------------------------------------------------------------------
// Datasets

void WelcomeController::chooseDataset()
{
    const QString path = m_ctx.dataset->path();
    QString start = path.isEmpty() ? m_ctx.settings->value(key::sessionDataset).toString() : path;
    start = start.isEmpty() ? QDir::homePath() : QFileInfo(start).absolutePath();
    const QString dir = QFileDialog::getExistingDirectory(m_ctx.window, tr("Open BEIR Dataset Folder"), start);
    if (!dir.isEmpty())
        openDataset(dir);
}

void WelcomeController::restoreSession()
{
    const QString dataset = m_ctx.settings->value(key::sessionDataset).toString();
    if (dataset.isEmpty() || !QFileInfo(dataset).isDir() || m_ctx.dataset->hasDataset() || m_ctx.jobs->isBusy())
        return;
    if (m_ctx.settings->value(key::sessionEmbeddingsDataset).toString() == dataset) {
        const QString embeddings = m_ctx.settings->value(key::sessionEmbeddings).toString();
        emit pendingSelection(m_ctx.settings->value(key::sessionEmbeddingsKey).toString(),
                              !embeddings.isEmpty() && QFileInfo(embeddings).isDir() ? embeddings : QString());
    }
    openDataset(dataset);
}

void WelcomeController::addRecentDataset(const QString &dir)
{
    if (!m_ctx.options.saveSettings)
        return;
    addRecentFolder(*m_ctx.settings, key::recentDatasets, dir, kMaxRecentDatasets);
}

void WelcomeController::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_ctx.settings->value(key::recentDatasets).toStringList();
    int number = 1;
    for (const QString &dir : recent) {
        const QString label = QStringLiteral("&%1 %2").arg(number++).arg(QDir::toNativeSeparators(dir));
        QAction *action = m_recentMenu->addAction(label, this, [this, dir] { openDataset(dir); });
        action->setEnabled(!m_ctx.jobs->isBusy() && QFileInfo(dir).isDir());
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("&Clear Menu"), this,
                                             [this] { m_ctx.settings->remove(key::recentDatasets); });
    clear->setEnabled(!recent.isEmpty());
}

bool WelcomeController::openDataset(const QString &dir)
{
    const QString title = tr("Cannot open dataset");
    if (m_ctx.jobs->refuse(title, false))
        return false;
    if (m_ctx.training->isActive()) {
        m_ctx.feedback->showError(title, tr("Training runs are queued or running on the open dataset; wait for them "
                                            "or cancel them in the Runs tab first."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        m_ctx.feedback->showError(title, tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    JobProgress *progress = m_ctx.jobs->begin(tr("Loading %1").arg(info.fileName()));
    m_ctx.jobs->watch(loadDatasetAsync(path, m_ctx.dataset->cacheRoot(), progress),
                      [this, path](const OpenedDatasetJobResult &result) { onDatasetLoaded(path, result); });
    return true;
}

void WelcomeController::onDatasetLoaded(const QString &dir, const OpenedDatasetJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Cannot open dataset")))
        return;
    const QString previousSplit = m_ctx.dataset->split();
    const QString savedSplit = m_ctx.settings->value(key::sessionSplit).toString();
    m_ctx.runs->clear(tr("Select embeddings, choose a split and press Evaluate (Ctrl+E) or Train (Ctrl+T)."));
    auto dataset = std::shared_ptr<const engine::Dataset>(result.value, &result.value->dataset);
    m_ctx.dataset->setDataset(dataset, dir, result.value->textsHash, result.value->cachedSets, result.warnings,
                              {QStringLiteral("test"), previousSplit, savedSplit});
    if (m_ctx.options.saveSettings) {
        m_ctx.settings->setValue(key::sessionDataset, dir);
        addRecentDataset(dir);
    }
    m_ctx.feedback->showStatus(tr("Loaded %1: %2 documents, %3 queries, %4 split(s), %5 cached embedding set(s) in %6 s")
                                   .arg(fromStd(dataset->name), count(dataset->docCount()), count(dataset->queryCount()))
                                   .arg(dataset->splits.size())
                                   .arg(result.value->cachedSets.size())
                                   .arg(result.seconds, 0, 'f', 2));
    emit datasetLoaded(dir);
    updateWelcome();
}

// ---------------------------------------------------------------------------------------------
// Archives and downloads

bool WelcomeController::openDatasetArchive(const QString &zipPath)
{
    const QString title = tr("Cannot open the archive");
    if (refuseChangeWhileBusy(m_ctx, title))
        return false;
    const QFileInfo info(zipPath);
    if (!info.isFile()) {
        m_ctx.feedback->showError(title, tr("%1: no such file").arg(QDir::toNativeSeparators(zipPath)));
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
        m_ctx.feedback->showError(title, fromStd(listed.error().toString()));
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
    engine::ZipExtractOptions unzip;
    const int maxGiB =
        m_ctx.settings->value(kMaxUnzippedGiBSetting, int(engine::kDefaultMaxUnzippedBytes >> 30)).toInt();
    unzip.maxUnzippedBytes = int64_t(std::clamp(maxGiB, 1, kMaxUnzippedGiBLimit)) << 30;
    JobProgress *progress = m_ctx.jobs->begin(tr("Unzipping %1").arg(info.fileName()));
    auto future = QtConcurrent::run(workerPool(), [zip, target = target.toStdString(), unzip, progress] {
        JobResult<std::vector<std::string>> result;
        engine::Progress engineProgress(progress->callback());
        auto written = engine::extractZip(zip, target, &engineProgress, unzip);
        if (!written)
            result.error = written.error();
        else
            result.value = std::make_shared<const std::vector<std::string>>(std::move(*written));
        return result;
    });
    m_ctx.jobs->watch(future, [this, expected, base, title](const JobResult<std::vector<std::string>> &result) {
        if (m_ctx.jobs->handleError(result.error, title))
            return;
        const QString folder = datasetFolderIn(expected, base);
        if (folder.isEmpty()) {
            m_ctx.feedback->showError(title, tr("%1: the archive holds no BEIR dataset (no corpus.jsonl).")
                                                 .arg(QDir::toNativeSeparators(expected)));
            return;
        }
        openDataset(folder);
    });
    return true;
}

bool WelcomeController::downloadDataset(const QString &name, const QString &folder, const QByteArray &sha256,
                                        const QUrl &url)
{
    const QString title = tr("Cannot download the dataset");
    if (m_ctx.jobs->refuse(title, false))
        return false;
    if (!net::DatasetDownload::isValidDatasetName(name)) {
        m_ctx.feedback->showError(title,
                                  tr("\"%1\" is not a dataset name (letters, digits, '-', '_' and '.').").arg(name));
        return false;
    }
    if (folder.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("Choose the folder to download into."));
        return false;
    }
    if (m_download && m_download->isRunning()) {
        m_ctx.feedback->showError(title, tr("A download is running; wait for it or cancel it."));
        return false;
    }
    if (!m_download) {
        m_download = new net::DatasetDownload(this);
        connect(m_download, &net::DatasetDownload::progressed, m_welcome, &WelcomePage::setDownloadProgress);
    }
    const QString dir = QDir(folder).absolutePath();
    const QString zipFile = QDir(dir).filePath(name + QStringLiteral(".zip"));
    const QUrl source = url.isEmpty() ? net::DatasetDownload::beirDatasetUrl(name) : url;
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(key::downloadFolder, dir);
    m_download->disconnect(this);
    connect(m_download, &net::DatasetDownload::finished, this,
            [this, title](const net::DatasetDownload::Result &result) {
                m_welcome->setDownloadRunning(false);
                if (result.outcome == net::DatasetDownload::Outcome::Cancelled) {
                    m_welcome->setDownloadStatus(tr("Download cancelled."));
                    m_ctx.feedback->showStatus(tr("Download cancelled"));
                    emit downloadCancelled();
                    return;
                }
                if (!result.ok()) {
                    m_welcome->setDownloadStatus(result.message, true);
                    m_ctx.feedback->showError(title, result.message);
                    return;
                }
                m_welcome->setDownloadStatus(tr("Downloaded %1 (%2 bytes, SHA-256 %3); unzipping...")
                                                 .arg(QDir::toNativeSeparators(result.file))
                                                 .arg(result.bytes)
                                                 .arg(QString::fromLatin1(result.sha256)));
                emit datasetDownloaded(result.file);
                if (!openDatasetArchive(result.file))
                    m_welcome->setDownloadStatus(tr("%1 was downloaded but cannot be opened; see the message.")
                                                     .arg(QDir::toNativeSeparators(result.file)),
                                                 true);
            });
    m_welcome->setDownloadRunning(true);
    m_welcome->setDownloadStatus(tr("Downloading %1...").arg(source.toDisplayString()));
    m_ctx.feedback->showStatus(tr("Downloading %1").arg(source.toDisplayString()), 0);
    m_download->start(source, zipFile, sha256);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Drops

bool WelcomeController::acceptsDrop(const QMimeData *mime) const
{
    const QFileInfo info = droppedPath(mime);
    return !m_ctx.jobs->isBusy() && (info.isDir() || isZipFile(info));
}

bool WelcomeController::drop(const QMimeData *mime)
{
    const QFileInfo info = droppedPath(mime);
    const QString path = info.absoluteFilePath();
    // Deferred: starting a job (or showing an error) inside the drop handler blocks the drag source.
    if (info.isDir() && isWorkspaceFolder(path)) {
        QTimer::singleShot(0, this, [this, path] { emit workspaceWanted(path); });
        return true;
    }
    if (isZipFile(info)) {
        QTimer::singleShot(0, this, [this, path] { openDatasetArchive(path); });
        return true;
    }
    if (!info.isDir())
        return false;
    QTimer::singleShot(0, this, [this, path] {
        if (m_ctx.dataset->hasDataset() && looksLikeEmbeddingsFolder(path))
            emit importRequested(path);
        else
            openDataset(path);
    });
    return true;
}

} // namespace embtune::gui
