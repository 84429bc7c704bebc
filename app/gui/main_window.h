#pragma once
// The embtune main window: owns the shared objects (gui_context.h) and one controller per area,
// lays out their widgets (Dataset, Embeddings, Runs and Generated Queries tabs on the left, the
// embeddings summary and the comparison on the right, the analysis dock), fills the menus and the
// tool bar with their actions, shows the running job in the status bar, wires the controllers'
// signals to each other and saves its geometry. What an area does is its controller's.

#include "gui_context.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace embtune::widgets {
class DatasetPanel;
}

namespace embtune::gui {

class AnalysisController;
class AppearanceController;
class CompareController;
class EmbeddingsController;
class EvaluationController;
class FusionController;
class ExplorerController;
class GeneratedQueriesController;
class TrainingController;
class WelcomeController;
class WorkspaceController;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    using Options = WindowOptions;

    explicit MainWindow(const Options &options = {}, QWidget *parent = nullptr);
    // Cancels and waits for the running job and training runs before anything is freed.
    ~MainWindow() override;

    // The shared objects.
    const GuiContext &context() const { return m_ctx; }
    Feedback *feedback() const { return m_ctx.feedback; }
    JobRunner *jobs() const { return m_ctx.jobs; }
    DatasetContext *datasetContext() const { return m_ctx.dataset; }
    EmbeddingSetStore *embeddingSets() const { return m_ctx.sets; }
    RunStore *runs() const { return m_ctx.runs; }

    // The controllers.
    WelcomeController *welcome() const { return m_welcome; }
    EmbeddingsController *embeddings() const { return m_embeddings; }
    EvaluationController *evaluation() const { return m_evaluation; }
    TrainingController *training() const { return m_training; }
    CompareController *compare() const { return m_compare; }
    FusionController *fusion() const { return m_fusion; }
    ExplorerController *explorer() const { return m_explorer; }
    AnalysisController *analysis() const { return m_analysis; }
    GeneratedQueriesController *generatedQueries() const { return m_generated; }
    WorkspaceController *workspace() const { return m_workspace; }
    AppearanceController *appearance() const { return m_appearance; }

    widgets::DatasetPanel *datasetPanel() const { return m_datasetPanel; }
    QAction *cancelAction() const { return m_cancelAction; }
    // Shows the Dataset (0), Embeddings (1), Runs (2) or Generated Queries (3) tab.
    void showTab(int index);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createSharedObjects();
    void createControllers();
    void createMenus();
    void createToolBar();
    void createCentralWidget();
    void createStatusBar();
    void connectControllers();
    void readSettings();
    void writeSettings();

    GuiContext m_ctx;
    WelcomeController *m_welcome = nullptr;
    EmbeddingsController *m_embeddings = nullptr;
    EvaluationController *m_evaluation = nullptr;
    TrainingController *m_training = nullptr;
    CompareController *m_compare = nullptr;
    FusionController *m_fusion = nullptr;
    ExplorerController *m_explorer = nullptr;
    AnalysisController *m_analysis = nullptr;
    GeneratedQueriesController *m_generated = nullptr;
    WorkspaceController *m_workspace = nullptr;
    AppearanceController *m_appearance = nullptr;

    QAction *m_cancelAction = nullptr;
    QAction *m_findQueryAction = nullptr;
    QAction *m_quitAction = nullptr;
    QTabWidget *m_tabs = nullptr;
    widgets::DatasetPanel *m_datasetPanel = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progressBar = nullptr;
    QToolButton *m_cancelButton = nullptr;
};

} // namespace embtune::gui
