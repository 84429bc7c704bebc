#pragma once
// The embtune main window: open a BEIR dataset, import embeddings, evaluate them on a split and
// show the metrics table and recall/nDCG curves. Engine work runs on worker threads (app/gui/jobs);
// one job runs at a time and every action that would start another is disabled meanwhile.

#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"
#include "jobs/engine_jobs.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QComboBox;
class QFutureWatcherBase;
class QLabel;
class QMenu;
class QProgressBar;
class QSettings;
class QSplitter;
class QTableView;
class QToolButton;

namespace embtune::widgets {
class DatasetPanel;
class MetricsChartView;
class MetricsTableModel;
} // namespace embtune::widgets

namespace embtune::gui {

class JobProgress;

class MainWindow : public QMainWindow {
    Q_OBJECT
    // When false, errors are not shown in a message box (they are still emitted by errorShown,
    // shown in the status bar and printed by the command-line runner).
    Q_PROPERTY(bool errorDialogsEnabled READ errorDialogsEnabled WRITE setErrorDialogsEnabled)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    struct Options {
        QString settingsFile;        // INI file for QSettings; empty: the application's default
        bool restoreWindow = true;   // restore geometry, toolbar and splitter state
        bool restoreSession = true;  // reopen the last dataset and its embeddings
        bool saveSettings = true;    // write window state and session on close / after loads
    };

    // The ks evaluated for the curves (1..100) and the columns of the metrics table.
    static QList<int> evaluationKs();

    explicit MainWindow(QWidget *parent = nullptr);
    explicit MainWindow(const Options &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Each starts a job and returns true, or reports why it cannot (errorShown) and returns false.
    bool openDataset(const QString &dir);
    bool importEmbeddings(const QString &dir);
    bool evaluate();
    // Asks the running job to stop; it finishes with jobCancelled().
    void cancelJob();

    bool isBusy() const { return m_jobWatcher != nullptr; }
    bool errorDialogsEnabled() const { return m_errorDialogsEnabled; }
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogsEnabled = enabled; }

    QString currentSplit() const;
    // Selects `split` in the split box; false when the dataset has no such split.
    bool setCurrentSplit(const QString &split);

    std::shared_ptr<const engine::Dataset> dataset() const { return m_dataset; }
    std::shared_ptr<const engine::EmbeddingSet> embeddings() const { return m_embeddings; }
    std::shared_ptr<const engine::EvaluationReport> evaluation() const { return m_evaluation; }
    QString datasetPath() const { return m_datasetPath; }
    QString embeddingsPath() const { return m_embeddingsPath; }

    QAction *openDatasetAction() const { return m_openDatasetAction; }
    QAction *importEmbeddingsAction() const { return m_importEmbeddingsAction; }
    QAction *evaluateAction() const { return m_evaluateAction; }
    QAction *cancelAction() const { return m_cancelAction; }

signals:
    void datasetLoaded(const QString &dir);
    void embeddingsLoaded(const QString &dir);
    void evaluationFinished();
    void jobCancelled();
    // Every error reported to the user, as shown ("file:line: message" from the engine).
    void errorShown(const QString &message);
    void busyChanged(bool busy);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createCentralWidget();
    void createStatusBar();
    void readSettings();
    void writeSettings();
    void restoreSession();
    void addRecentDataset(const QString &dir);
    void rebuildRecentMenu();

    void chooseDataset();
    void chooseEmbeddings();
    void showAbout();

    void showError(const QString &title, const QString &message);
    void updateActions();
    void updateEmbeddingsSummary();
    void clearEvaluation(const QString &reason);

    // Job plumbing: beginJob creates the JobProgress the engine call reports to; watchJob runs
    // `done` with the result in the GUI thread when the future finishes.
    JobProgress *beginJob(const QString &description);
    template <typename T, typename Done>
    void watchJob(QFuture<JobResult<T>> future, Done done);
    void endJob();
    void showJobProgress(const QString &phase, qint64 done, qint64 total);
    // Common handling of a failed or cancelled job; returns true when it handled `error`.
    bool handleJobError(const std::optional<engine::Error> &error, const QString &title);

    void onDatasetLoaded(const QString &dir, const DatasetJobResult &result);
    void onEmbeddingsLoaded(const QString &dir, const EmbeddingsJobResult &result);
    void onEvaluated(const EvaluationJobResult &result);

    Options m_options;
    QSettings *m_settings = nullptr;
    bool m_errorDialogsEnabled = true;

    std::shared_ptr<const engine::Dataset> m_dataset;
    std::shared_ptr<const engine::EmbeddingSet> m_embeddings;
    std::shared_ptr<const engine::EvaluationReport> m_evaluation;
    QString m_datasetPath;
    QString m_embeddingsPath;
    QString m_pendingEmbeddings; // imported once the dataset being loaded is ready (session restore)

    JobProgress *m_jobProgress = nullptr;
    QFutureWatcherBase *m_jobWatcher = nullptr;
    QString m_jobDescription;

    QAction *m_openDatasetAction = nullptr;
    QAction *m_importEmbeddingsAction = nullptr;
    QAction *m_evaluateAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_findQueryAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QMenu *m_recentMenu = nullptr;

    widgets::DatasetPanel *m_datasetPanel = nullptr;
    QLabel *m_embeddingsSummary = nullptr;
    QLabel *m_evaluationSummary = nullptr;
    QTableView *m_metricsTable = nullptr;
    widgets::MetricsTableModel *m_metricsModel = nullptr;
    widgets::MetricsChartView *m_chart = nullptr;
    QComboBox *m_splitCombo = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_resultsSplitter = nullptr;

    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progressBar = nullptr;
    QToolButton *m_cancelButton = nullptr;
    QLabel *m_embeddingsStatus = nullptr;
};

} // namespace embtune::gui
