#pragma once
// CompareController owns the comparison of runs: the results tabs (Compare tab and the pages given to it), the
// compare view over the RunStore's metrics, the run details, the summary line, significance, and the exports.

#include "compare_view.h"
#include "eval/comparison_table.h"
#include "eval/retrieval_evaluation.h"
#include "gui_context.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <string>
#include <vector>

class QAction;
class QLabel;
class QTabWidget;

namespace embtune::widgets {
class RunDetailsView;
}

namespace embtune::gui {

class CompareController : public QObject {
    Q_OBJECT
public:
    // Creates the widgets (parent: the context's window) and actions; the RunStore's current run and
    // the table's selected row follow each other from here on.
    explicit CompareController(const GuiContext &context, QObject *parent = nullptr);

    // "resultsTabs": the Compare tab, then the pages given to addResultsTab. The main window places it
    // under evaluationSummary().
    QTabWidget *resultsTabs() const { return m_resultsTabs; }
    // "evaluationSummary": the current (or last added) run in words, or why there is none (rich text).
    QLabel *evaluationSummary() const { return m_summary; }
    widgets::CompareView *compareView() const { return m_compareView; }   // "compareView"
    widgets::RunDetailsView *runDetails() const { return m_runDetails; } // "runDetails", beside the chart

    QAction *exportTrecRunAction() const { return m_exportTrecRun; }     // "actionExportTrecRun"
    QAction *exportAdapterAction() const { return m_exportAdapter; }     // "actionExportAdapter"
    QAction *copyCommandLineAction() const { return m_copyCommandLine; } // "actionCopyCommandLine", Ctrl+Shift+C
    // "actionClearRuns": emits clearRunsRequested (the workspace clears, undoably).
    QAction *clearRunsAction() const { return m_clearRuns; }

    // Adds `page` as a tab of resultsTabs() (not owned before; the tab widget reparents it); its index.
    int addResultsTab(QWidget *page, const QString &title, const QString &toolTip);
    // Makes `page` (a tab of resultsTabs()) the current tab.
    void showResultsTab(QWidget *page);
    // The runs table's context menu: exactly `actions`, in this order (this controller's actions
    // included where they belong). By default it holds this controller's run actions.
    void setRunActions(const QList<QAction *> &actions);
    // Appends `actions` to the runs table's context menu.
    void addRunActions(const QList<QAction *> &actions);
    // The run details' tool bar: exactly `actions`, in this order (default: Copy as Command Line).
    void setDetailsActions(const QList<QAction *> &actions);

    // Shows the Compare tab.
    void showCompare();
    // True while the significance of the shown columns is being computed or waits to be.
    bool significancePending() const { return m_significanceRunning || m_significanceQueued; }

    // Writes the comparison of the runs shown (filter and sort of the compare view): the table as
    // CSV, Markdown or LaTeX (engine comparison_table, significance against the baseline computed
    // on a worker thread), the chart as PNG or SVG, or a report folder (report.md, PNG charts and
    // TREC run files). comparisonExported(path) when written; false (errorShown) when it cannot start.
    bool exportComparison(widgets::CompareView::Export kind, const QString &path);
    // Writes run `runKey`'s ranking as a TREC run file (top `depth`, tag from the run's name) on a
    // worker thread; trecRunExported(path) when written.
    bool exportTrecRun(const QString &runKey, const QString &path, int depth = 100);
    // Writes the adapter of trained run `runKey` (engine writeAdapterSafetensors: tensors, method,
    // parameters and base embedding in __metadata__) on a worker thread; adapterExported(path)
    // when written. A method without tensors (NUDGE) is reported (errorShown).
    bool exportAdapter(const QString &runKey, const QString &path);

    // The embtune-cli command line that makes the run again (engine::runSpecCommandLine of its
    // stored spec), or an empty string when the run has no spec.
    QString commandLineOf(const QString &runKey) const;
    // Puts commandLineOf(runKey) on the clipboard; false (with a message) when there is none.
    bool copyCommandLine(const QString &runKey);
    // Removes every run (RunStore::clear); the summary then shows `reason`.
    void clearRuns(const QString &reason);

signals:
    // A run was activated (double-click in the table, click on its curve): the query explorer
    // should compare run A (the baseline) with run B.
    void explorerRequested(const QString &runKeyA, const QString &runKeyB);
    // The compare view's markers are up to date with its runs, baseline and columns.
    void significanceUpdated();
    // Clear Runs was triggered (the main window hands it to the workspace's undoable clear).
    void clearRunsRequested();
    void comparisonExported(const QString &path);
    void trecRunExported(const QString &path);
    void adapterExported(const QString &path);

private:
    // What a comparison needs, copied for a worker thread.
    struct ComparisonInput {
        QStringList keys;
        std::vector<std::string> names;
        std::vector<std::shared_ptr<const engine::EvaluationReport>> reports;
        int baseline = 0;
        std::vector<engine::ComparisonColumn> columns;
    };
    static engine::Result<engine::ComparisonTable> buildComparison(const ComparisonInput &input, bool significance);

    void createActions();
    void createWidgets();
    void updateActions();
    // The table's selected current row -> RunStore::setCurrentKey.
    void takeCurrentFromView();
    void onCurrentChanged(const QString &runKey);
    void showRunDetails(const QString &runKey);
    void updateEvaluationSummary(const QString &runKey);
    void onCleared(const QString &reason);

    void scheduleSignificance();
    void startSignificance();

    void chooseComparisonExport(widgets::CompareView::Export kind);
    void chooseExportTrecRun();
    void chooseExportAdapter();
    QString exportParent() const;
    void rememberExportFolder(const QString &folder);
    // When side job `write` (its error message; empty: written) ends: the error under `title`, or
    // `folder` remembered, `status` shown and `done` called.
    void watchWrite(QFuture<QString> write, const QString &title, const QString &folder, const QString &status,
                    const std::function<void()> &done);

    GuiContext m_ctx;
    QTabWidget *m_resultsTabs = nullptr;
    QLabel *m_summary = nullptr;
    widgets::CompareView *m_compareView = nullptr;
    widgets::RunDetailsView *m_runDetails = nullptr;
    QAction *m_exportTrecRun = nullptr;
    QAction *m_exportAdapter = nullptr;
    QAction *m_copyCommandLine = nullptr;
    QAction *m_clearRuns = nullptr;
    bool m_selecting = false; // selecting the RunStore's current run in the table
    bool m_significanceRunning = false;
    bool m_significanceQueued = false;
    int m_significanceGeneration = 0;
};

} // namespace embtune::gui
