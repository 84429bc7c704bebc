#pragma once
// ExplorerController owns the Query Explorer tab: its view (widgets::QueryExplorerView "queryExplorer"),
// the runs it offers (the RunStore's, on the open dataset) and the pair of runs it compares.

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

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Gives the view the RunStore's runs while it is shown (its table of every query costs a few
    // milliseconds); a hidden view is marked stale and refreshed when it is shown again.
    void refreshRuns();
    void loadRuns();

    GuiContext m_ctx;
    widgets::QueryExplorerView *m_view = nullptr;
    bool m_stale = true;
};

} // namespace embtune::gui
