// MainWindow::connectControllers: what one area's event means for another, in one place. The
// controllers never call each other; the window, which owns them all, connects them here.

#include "main_window.h"

#include "compare_view.h"
#include "controllers/analysis_controller.h"
#include "controllers/appearance_controller.h"
#include "controllers/compare_controller.h"
#include "controllers/embeddings_controller.h"
#include "controllers/evaluation_controller.h"
#include "controllers/explorer_controller.h"
#include "controllers/generated_queries_controller.h"
#include "controllers/training_controller.h"
#include "controllers/welcome_controller.h"
#include "controllers/workspace_controller.h"
#include "dataset_context.h"
#include "dataset_panel.h"
#include "embeddings_panel.h"
#include "generated_queries_panel.h"
#include "gui_text.h"
#include "job_runner.h"
#include "query_explorer_view.h"
#include "training_runs_panel.h"
#include "welcome_page.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QSplitter>
#include <QTabWidget>

namespace embtune::gui {

void MainWindow::connectControllers()
{
    // The dataset: its tab and the window title.
    const auto updateTitle = [this] {
        const auto dataset = m_ctx.dataset->dataset();
        QString title = dataset ? tr("%1 - embtune").arg(fromStd(dataset->name)) : QStringLiteral("embtune");
        if (const QString folder = m_workspace->workspaceFolder(); !folder.isEmpty())
            title += QStringLiteral(" [%1]").arg(QDir::toNativeSeparators(folder));
        setWindowTitle(title);
    };
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, [this, updateTitle] {
        m_datasetPanel->setDataset(m_ctx.dataset->dataset(), m_ctx.dataset->loadWarnings());
        if (!m_datasetPanel->selectFirstJudgedQuery(m_ctx.dataset->split()))
            m_datasetPanel->selectFirstJudgedQuery();
        updateTitle();
    });
    connect(m_findQueryAction, &QAction::triggered, this, [this] {
        m_tabs->setCurrentIndex(0);
        if (auto *filter = m_datasetPanel->findChild<QWidget *>(QStringLiteral("queryFilter")))
            filter->setFocus(Qt::ShortcutFocusReason);
    });

    // Opening: the welcome page, drops and the last session hand folders to the areas that take them.
    connect(m_welcome, &WelcomeController::pendingSelection, m_embeddings, &EmbeddingsController::setPendingSelection);
    connect(m_welcome, &WelcomeController::importRequested, m_embeddings, &EmbeddingsController::importEmbeddings);
    connect(m_welcome, &WelcomeController::workspaceWanted, m_workspace, &WorkspaceController::openWorkspace);
    connect(m_welcome->welcomePage(), &WelcomePage::newWorkspaceRequested, m_workspace->newWorkspaceAction(),
            &QAction::trigger);
    connect(m_welcome->welcomePage(), &WelcomePage::openWorkspaceRequested, m_workspace->openWorkspaceAction(),
            &QAction::trigger);
    connect(m_embeddings, &EmbeddingsController::setActivated, this, [this] {
        if (!m_ctx.jobs->isBusy())
            m_evaluation->evaluate();
    });

    // The workspace: it reopens a dataset and embeddings, records training runs, and keeps the view.
    // Direct connections: it checks right after emitting whether the job started.
    connect(m_workspace, &WorkspaceController::datasetWanted, this,
            [this](const QString &folder, const QString &embeddingsKey, const QString &embeddingsPath) {
                m_embeddings->setPendingSelection(embeddingsKey, embeddingsPath);
                m_welcome->openDataset(folder);
            }, Qt::DirectConnection);
    connect(m_workspace, &WorkspaceController::importRequested, m_embeddings, &EmbeddingsController::importEmbeddings,
            Qt::DirectConnection);
    connect(m_training, &TrainingController::trainingQueued, m_workspace, &WorkspaceController::recordQueuedTraining,
            Qt::DirectConnection);
    connect(m_training, &TrainingController::trainingFinished, m_workspace,
            &WorkspaceController::recordFinishedTraining);
    connect(m_compare, &CompareController::clearRunsRequested, m_workspace, &WorkspaceController::clearRuns);
    connect(m_workspace, &WorkspaceController::workspaceOpened, m_welcome, &WelcomeController::setWorkspaceFolder);
    connect(m_workspace, &WorkspaceController::workspaceOpened, this, updateTitle);
    connect(m_workspace, &WorkspaceController::workspaceClosed, this, [this, updateTitle] {
        m_welcome->setWorkspaceFolder({});
        updateTitle();
    });
    widgets::CompareView *compareView = m_compare->compareView();
    const QHash<QString, QSplitter *> splitters{{QStringLiteral("mainSplitter"), m_mainSplitter},
                                                {QStringLiteral("resultsSplitter"), compareView->resultsSplitter()},
                                                {QStringLiteral("chartSplitter"), compareView->chartSplitter()}};
    WorkspaceController::ViewStateAccess view;
    view.tab = [this] { return m_tabs->currentIndex(); };
    view.setTab = [this](int index) { m_tabs->setCurrentIndex(index); };
    view.columns = [compareView] { return compareView->columnsCombo()->currentIndex(); };
    view.setColumns = [compareView](int index) { compareView->columnsCombo()->setCurrentIndex(index); };
    view.curves = [compareView] { return compareView->curvesCombo()->currentIndex(); };
    view.setCurves = [compareView](int index) { compareView->curvesCombo()->setCurrentIndex(index); };
    view.splitterState = [splitters](const QString &name) {
        QSplitter *splitter = splitters.value(name);
        return splitter ? splitter->saveState() : QByteArray();
    };
    view.restoreSplitter = [splitters](const QString &name, const QByteArray &state) {
        if (QSplitter *splitter = splitters.value(name))
            splitter->restoreState(state);
    };
    m_workspace->setViewStateAccess(view);
    connect(m_tabs, &QTabWidget::currentChanged, m_workspace, &WorkspaceController::viewChanged);
    for (QSplitter *splitter : splitters)
        connect(splitter, &QSplitter::splitterMoved, m_workspace, &WorkspaceController::viewChanged);
    for (QComboBox *combo : {compareView->columnsCombo(), compareView->curvesCombo()})
        connect(combo, &QComboBox::currentIndexChanged, m_workspace, &WorkspaceController::viewChanged);

    // Where the user's attention goes next.
    connect(m_training, &TrainingController::runsTabWanted, this,
            [this] { m_tabs->setCurrentWidget(m_training->runsPanel()->parentWidget()); });
    connect(m_generated, &GeneratedQueriesController::tabWanted, this,
            [this] { m_tabs->setCurrentWidget(m_generated->generatedQueriesPanel()); });
    connect(m_compare, &CompareController::explorerRequested, m_explorer, &ExplorerController::showQueryExplorer);
    connect(m_explorer, &ExplorerController::explorerWanted, this,
            [this] { m_compare->showResultsTab(m_explorer->queryExplorer()); }, Qt::DirectConnection);

    // Settings that other areas apply.
    const auto applySearch = [this](auto change) {
        SearchSettings settings = m_evaluation->searchSettings();
        change(settings);
        m_evaluation->setSearchSettings(settings);
    };
    connect(m_appearance, &AppearanceController::threadsChanged, this,
            [applySearch](int threads) { applySearch([threads](SearchSettings &s) { s.index.threads = threads; }); });
    connect(m_appearance, &AppearanceController::hnswDefaultChanged, this,
            [applySearch](bool hnsw) { applySearch([hnsw](SearchSettings &s) { s.hnsw = hnsw; }); });
    connect(m_appearance, &AppearanceController::maxConcurrentRunsChanged, m_training,
            &TrainingController::setMaxConcurrentRuns);
    m_appearance->setHnswDefaultGetter([this] { return m_evaluation->searchSettings().hnsw; });
    if (const int threads = m_appearance->threads(); threads > 0)
        applySearch([threads](SearchSettings &s) { s.index.threads = threads; });
}

} // namespace embtune::gui
