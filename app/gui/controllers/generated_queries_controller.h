#pragma once
// GeneratedQueriesController owns generated training queries: the Generate Training Queries action
// and dialog (llm cost confirmation), the Generated Queries tab (list, browser, export, delete) and their jobs.

#include "gui_context.h"
#include "jobs/synth_jobs.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QAction;

namespace embtune::app {
class Workspace;
}

namespace embtune::widgets {
class GeneratedQueriesPanel;
}

namespace embtune::gui {

class GeneratedSetStore;

// The sets themselves live in the shared GeneratedSetList (m_ctx.generatedSets): this controller
// lists them again when the dataset changes and after storing or removing one, and shows them.
class GeneratedQueriesController : public QObject {
    Q_OBJECT
public:
    explicit GeneratedQueriesController(const GuiContext &context, QObject *parent = nullptr);

    // "actionGenerateQueries": the main window puts it in the Data menu (the panel's toolbar has
    // it already). Enabled when no job runs and a dataset is open.
    QAction *generateQueriesAction() const { return m_generateAction; }
    // "generatedQueriesPanel" (parent: the window): the main window adds it as a tab titled
    // tabTitle() with the tooltip tabToolTip().
    widgets::GeneratedQueriesPanel *generatedQueriesPanel() const { return m_panel; }
    static QString tabTitle();   // "Generated &Queries"
    static QString tabToolTip();

    // Opens the Generate Training Queries dialog (non-blocking), which generates when accepted.
    void showGenerateQueriesDialog();
    // Generates a set on a worker thread (llm: key and cost estimate first, "confirmCostBox" above
    // request.confirmAbove), stores it under request.name and lists it (tabWanted, then
    // queriesGenerated).
    bool generateQueries(const SynthRequest &request);
    // Writes set `name` as a BEIR folder (generatedSetExported).
    bool exportGeneratedSet(const QString &name, const QString &dir);
    // Deletes set `name` (no confirmation; the panel's action asks first).
    bool deleteGeneratedSet(const QString &name);
    // The sets of the open dataset (m_ctx.generatedSets->names()).
    QStringList generatedSetNames() const;
    // Sets live in `workspace` from now on (not owned; null: the app's data folder); lists them again.
    void setGeneratedSetWorkspace(app::Workspace *workspace);
    GeneratedSetStore &generatedSetStore();
    // Lists the sets of the open dataset again; a listing error is shown (errorShown).
    void refresh();

signals:
    // A generated query set was stored and listed; exported as a BEIR folder; deleted.
    void queriesGenerated(const QString &name);
    void generatedSetExported(const QString &dir);
    void generatedSetDeleted(const QString &name);
    // A set was generated: the main window shows the Generated Queries tab (the panel selects the
    // set right after).
    void tabWanted();

private:
    void createAction();
    void createPanel();
    void updateAction();
    void showSets();
    void browseGeneratedSet(const QString &name);
    void chooseExport(const QString &name);
    void confirmDelete(const QString &name);
    void startQueryGeneration(const SynthRequest &request, std::shared_ptr<net::LlmQueryGenerator> llm);

    GuiContext m_ctx;
    QAction *m_generateAction = nullptr;
    widgets::GeneratedQueriesPanel *m_panel = nullptr;
};

} // namespace embtune::gui
