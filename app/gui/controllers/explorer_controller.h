#pragma once
// ExplorerController owns the Query Explorer tab: its view (widgets::QueryExplorerView "queryExplorer"),
// the runs it offers (the RunStore's, on the open dataset) and the pair of runs it compares. For a
// fused run it computes, per shown query, what each member gave each listed document
// (engine::fusionBreakdown, a side job) and hands it to the list's model.

#include "gui_context.h"

#include <QObject>
#include <QString>

class QEvent;

namespace embtune::widgets {
class QueryExplorerView;
}

namespace embtune::gui {

class ExplorerController : public QObject {
    Q_OBJECT
public:
    // Creates the view (parent: the context's window); the main window places it, e.g. as a tab
    // of the results (tabTitle(), tabToolTip()).
    explicit ExplorerController(const GuiContext &context, QObject *parent = nullptr);

    widgets::QueryExplorerView *queryExplorer() const { return m_view; }
    static QString tabTitle();
    static QString tabToolTip();

    // Asks for the view to be shown (explorerWanted), then compares run A with run B (empty A:
    // the baseline; empty B: the current run, else the last run) on the query with the largest gain.
    void showQueryExplorer(const QString &runKeyA = {}, const QString &runKeyB = {});

signals:
    // The view should be shown: the main window makes its tab current (synchronously).
    void explorerWanted();
    // The member breakdown of a fused run's list (side 0: A, 1: B) for `query` is set.
    void memberBreakdownShown(int side, int query);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Gives the view the RunStore's runs while it is shown (its table of every query costs a few
    // milliseconds); a hidden view is marked stale and refreshed when it is shown again.
    void refreshRuns();
    void loadRuns();
    // For each side showing a fused run: its breakdown of the shown query's list.
    void requestBreakdowns(int query);

    GuiContext m_ctx;
    widgets::QueryExplorerView *m_view = nullptr;
    bool m_stale = true;
};

} // namespace embtune::gui
