#pragma once
// The page the main window shows while nothing is open: open a BEIR folder or .zip, download a
// BEIR dataset by name (progress, cancel, optional SHA-256 to verify), new/open workspace, recent
// workspaces and datasets, and a hint for drag and drop. It only emits requests; the window does
// the work and reports back with the setters.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace embtune::gui {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    void setRecentWorkspaces(const QStringList &folders);
    void setRecentDatasets(const QStringList &folders);
    // Where downloads go (the folder field); the window keeps it in QSettings.
    void setDownloadFolder(const QString &folder);
    QString downloadFolder() const;
    QString datasetName() const;
    QByteArray expectedSha256() const;

    // The download (or the unzip after it) is running: the Download button is disabled, Cancel
    // shown. total < 0: unknown size.
    void setDownloadRunning(bool running);
    void setDownloadProgress(qint64 received, qint64 total);
    // A line under the download form; error: shown in the warning colour.
    void setDownloadStatus(const QString &text, bool error = false);

signals:
    void openFolderRequested();
    void openZipRequested();
    void newWorkspaceRequested();
    void openWorkspaceRequested();
    void workspaceActivated(const QString &folder);
    void datasetActivated(const QString &folder);
    // "Remove from List" of a recent list's context menu.
    void recentWorkspaceRemoved(const QString &folder);
    void recentDatasetRemoved(const QString &folder);
    void downloadRequested(const QString &name, const QString &folder, const QByteArray &sha256);
    void cancelDownloadRequested();

private:
    QComboBox *m_nameCombo = nullptr;
    QLineEdit *m_folderEdit = nullptr;
    QLineEdit *m_shaEdit = nullptr;
    QPushButton *m_downloadButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QListWidget *m_workspaces = nullptr;
    QListWidget *m_datasets = nullptr;
};

} // namespace embtune::gui
