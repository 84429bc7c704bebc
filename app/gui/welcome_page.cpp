#include "welcome_page.h"

#include "dataset_download.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>

namespace embtune::gui {

namespace {

QPushButton *bigButton(const QIcon &icon, const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QPushButton(icon, text, parent);
    button->setToolTip(tip);
    button->setMinimumHeight(button->sizeHint().height() + 8);
    button->setStyleSheet(QStringLiteral("text-align: left; padding-left: 10px;"));
    return button;
}

void fillList(QListWidget *list, const QStringList &folders, const QString &empty)
{
    list->clear();
    for (const QString &folder : folders) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  \u2014  %2")
                                             .arg(QFileInfo(folder).fileName(), QDir::toNativeSeparators(folder)),
                                         list);
        item->setData(Qt::UserRole, folder);
        item->setToolTip(QDir::toNativeSeparators(folder));
        if (!QFileInfo(folder).isDir()) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(WelcomePage::tr("%1 (missing)").arg(QDir::toNativeSeparators(folder)));
        }
    }
    if (folders.isEmpty()) {
        auto *item = new QListWidgetItem(empty, list);
        item->setFlags(Qt::NoItemFlags);
    }
}

// Context menu of a recent list: Open, Show Path, Remove from List.
void addContextMenu(QListWidget *list, const std::function<void(const QString &)> &open,
                    const std::function<void(const QString &)> &remove)
{
    list->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(list, &QListWidget::customContextMenuRequested, list, [list, open, remove](const QPoint &at) {
        QListWidgetItem *item = list->itemAt(at);
        const QString folder = item ? item->data(Qt::UserRole).toString() : QString();
        if (folder.isEmpty())
            return;
        QMenu menu(list);
        QAction *openAction = menu.addAction(WelcomePage::tr("&Open"), [open, folder] { open(folder); });
        openAction->setEnabled(item->flags() & Qt::ItemIsEnabled);
        menu.addAction(WelcomePage::tr("&Remove from List"), [remove, folder] { remove(folder); });
        menu.exec(list->viewport()->mapToGlobal(at));
    });
}

} // namespace

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    QStyle *s = style();

    auto *title = new QLabel(tr("<h1 style=\"margin-bottom:0\">embtune</h1>"
                                "<p>Tune black-box text embeddings for retrieval: open a BEIR dataset, compute or "
                                "import embeddings, evaluate, train tuning methods and compare the runs.</p>"),
                             this);
    title->setWordWrap(true);

    // Start.
    auto *start = new QGroupBox(tr("Start"), this);
    auto *openFolder = bigButton(s->standardIcon(QStyle::SP_DirOpenIcon), tr("Open BEIR Dataset &Folder..."),
                                 tr("A folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv (Ctrl+O)"), start);
    openFolder->setObjectName(QStringLiteral("welcomeOpenFolder"));
    auto *openZip = bigButton(s->standardIcon(QStyle::SP_FileIcon), tr("Open BEIR Dataset &Archive (.zip)..."),
                              tr("A BEIR archive as downloaded: it is unzipped beside the file (entries outside the "
                                 "target folder are refused), then opened"),
                              start);
    openZip->setObjectName(QStringLiteral("welcomeOpenZip"));
    auto *newWorkspace = bigButton(s->standardIcon(QStyle::SP_FileDialogNewFolder), tr("&New Workspace..."),
                                   tr("A folder that keeps datasets, embeddings, every run and the view between "
                                      "sessions (Ctrl+Shift+N)"),
                                   start);
    newWorkspace->setObjectName(QStringLiteral("welcomeNewWorkspace"));
    auto *openWorkspace = bigButton(s->standardIcon(QStyle::SP_DialogOpenButton), tr("Open &Workspace..."),
                                    tr("Reopen a workspace: its dataset, embeddings, runs and view come back "
                                       "(Ctrl+Shift+O)"),
                                    start);
    openWorkspace->setObjectName(QStringLiteral("welcomeOpenWorkspace"));
    connect(openFolder, &QPushButton::clicked, this, &WelcomePage::openFolderRequested);
    connect(openZip, &QPushButton::clicked, this, &WelcomePage::openZipRequested);
    connect(newWorkspace, &QPushButton::clicked, this, &WelcomePage::newWorkspaceRequested);
    connect(openWorkspace, &QPushButton::clicked, this, &WelcomePage::openWorkspaceRequested);
    auto *startLayout = new QVBoxLayout(start);
    for (QPushButton *button : {openFolder, openZip, newWorkspace, openWorkspace})
        startLayout->addWidget(button);
    auto *drop = new QLabel(tr("<i>Or drop a dataset folder, a .zip or a workspace folder onto this window.</i>"),
                            start);
    drop->setWordWrap(true);
    startLayout->addWidget(drop);

    // Download.
    auto *download = new QGroupBox(tr("Download a BEIR Dataset"), this);
    m_nameCombo = new QComboBox(download);
    m_nameCombo->setObjectName(QStringLiteral("downloadName"));
    m_nameCombo->setEditable(true);
    m_nameCombo->addItems(net::DatasetDownload::beirDatasetNames());
    m_nameCombo->setToolTip(tr("Dataset name as in the BEIR benchmark; the archive comes from "
                               "public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/<name>.zip"));
    m_nameCombo->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9][A-Za-z0-9._-]*")), m_nameCombo));
    m_folderEdit = new QLineEdit(download);
    m_folderEdit->setObjectName(QStringLiteral("downloadFolder"));
    m_folderEdit->setToolTip(tr("The archive is saved and unzipped here: <folder>/<name>.zip and <folder>/<name>/"));
    auto *browse = new QToolButton(download);
    browse->setText(tr("..."));
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Download Into"), m_folderEdit->text());
        if (!dir.isEmpty())
            m_folderEdit->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folderEdit, 1);
    folderRow->addWidget(browse);
    m_shaEdit = new QLineEdit(download);
    m_shaEdit->setObjectName(QStringLiteral("downloadSha256"));
    m_shaEdit->setPlaceholderText(tr("optional: verify against a known digest"));
    m_shaEdit->setToolTip(tr("Hexadecimal SHA-256 of the archive. When given, a download with another digest "
                             "(truncated or altered) is refused; the digest of every download is shown either way"));
    m_shaEdit->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9A-Fa-f]{0,64}")), m_shaEdit));
    m_downloadButton = new QPushButton(s->standardIcon(QStyle::SP_ArrowDown), tr("&Download"), download);
    m_downloadButton->setObjectName(QStringLiteral("downloadButton"));
    m_downloadButton->setToolTip(tr("Download, check, unzip and open the dataset"));
    m_cancelButton = new QPushButton(s->standardIcon(QStyle::SP_BrowserStop), tr("Cancel"), download);
    m_cancelButton->setObjectName(QStringLiteral("downloadCancel"));
    m_cancelButton->hide();
    m_progress = new QProgressBar(download);
    m_progress->setObjectName(QStringLiteral("downloadProgress"));
    m_progress->hide();
    m_status = new QLabel(download);
    m_status->setObjectName(QStringLiteral("downloadStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    connect(m_downloadButton, &QPushButton::clicked, this, [this] {
        emit downloadRequested(datasetName(), downloadFolder(), expectedSha256());
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &WelcomePage::cancelDownloadRequested);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_downloadButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_progress, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_nameCombo);
    auto *intoLabel = new QLabel(tr("&Into:"), download);
    intoLabel->setBuddy(m_folderEdit);
    form->addRow(intoLabel, folderRow);
    form->addRow(tr("&SHA-256:"), m_shaEdit);
    auto *downloadLayout = new QVBoxLayout(download);
    downloadLayout->addLayout(form);
    downloadLayout->addLayout(buttons);
    downloadLayout->addWidget(m_status);

    // Recent.
    auto *recent = new QGroupBox(tr("Recent"), this);
    m_workspaces = new QListWidget(recent);
    m_workspaces->setObjectName(QStringLiteral("recentWorkspacesList"));
    m_workspaces->setToolTip(tr("Double-click to reopen a workspace"));
    m_datasets = new QListWidget(recent);
    m_datasets->setObjectName(QStringLiteral("recentDatasetsList"));
    m_datasets->setToolTip(tr("Double-click to open a dataset (without a workspace: runs are kept in memory)"));
    connect(m_workspaces, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (const QString folder = item->data(Qt::UserRole).toString(); !folder.isEmpty())
            emit workspaceActivated(folder);
    });
    connect(m_datasets, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        if (const QString folder = item->data(Qt::UserRole).toString(); !folder.isEmpty())
            emit datasetActivated(folder);
    });
    addContextMenu(
        m_workspaces, [this](const QString &folder) { emit workspaceActivated(folder); },
        [this](const QString &folder) { emit recentWorkspaceRemoved(folder); });
    addContextMenu(
        m_datasets, [this](const QString &folder) { emit datasetActivated(folder); },
        [this](const QString &folder) { emit recentDatasetRemoved(folder); });
    auto *recentLayout = new QVBoxLayout(recent);
    recentLayout->addWidget(new QLabel(tr("<b>Workspaces</b>"), recent));
    recentLayout->addWidget(m_workspaces);
    recentLayout->addWidget(new QLabel(tr("<b>Datasets</b>"), recent));
    recentLayout->addWidget(m_datasets);
    setRecentWorkspaces({});
    setRecentDatasets({});

    auto *columns = new QHBoxLayout;
    auto *left = new QVBoxLayout;
    left->addWidget(start);
    left->addWidget(download);
    left->addStretch(1);
    columns->addLayout(left, 1);
    columns->addWidget(recent, 1);

    auto *content = new QWidget(this);
    content->setMaximumWidth(1100);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(title);
    contentLayout->addLayout(columns);
    contentLayout->addStretch(1);

    m_workspaces->setMaximumHeight(200);
    m_datasets->setMaximumHeight(200);

    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(24, 16, 24, 16);
    outer->addStretch(1);
    outer->addWidget(content, 8);
    outer->addStretch(1);
}

void WelcomePage::setRecentWorkspaces(const QStringList &folders)
{
    fillList(m_workspaces, folders, tr("No workspace yet: File > New Workspace (Ctrl+Shift+N)."));
}

void WelcomePage::setRecentDatasets(const QStringList &folders)
{
    fillList(m_datasets, folders, tr("No dataset opened yet."));
}

void WelcomePage::setDownloadFolder(const QString &folder)
{
    m_folderEdit->setText(QDir::toNativeSeparators(folder));
}

QString WelcomePage::downloadFolder() const
{
    return QDir::fromNativeSeparators(m_folderEdit->text().trimmed());
}

QString WelcomePage::datasetName() const
{
    return m_nameCombo->currentText().trimmed();
}

QByteArray WelcomePage::expectedSha256() const
{
    return m_shaEdit->text().trimmed().toLatin1().toLower();
}

void WelcomePage::setDownloadRunning(bool running)
{
    m_downloadButton->setEnabled(!running);
    m_cancelButton->setVisible(running);
    m_progress->setVisible(running);
    if (running) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(QString());
    }
}

void WelcomePage::setDownloadProgress(qint64 received, qint64 total)
{
    const QLocale locale;
    if (total <= 0) {
        m_progress->setRange(0, 0);
        setDownloadStatus(tr("%1 received").arg(locale.formattedDataSize(received)));
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(received * 1000 / total));
    m_progress->setFormat(QStringLiteral("%p%"));
    setDownloadStatus(tr("%1 of %2").arg(locale.formattedDataSize(received), locale.formattedDataSize(total)));
}

void WelcomePage::setDownloadStatus(const QString &text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QString());
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

} // namespace embtune::gui
