#pragma once
// AnalysisController owns the analysis of a run: the View > Analysis action (Ctrl+4), the dock with
// the AnalysisView, the analysis and OOD-report jobs, and the analyses cached by run key.

#include "gui_context.h"
#include "jobs/analysis_jobs.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>

class QAction;
class QDockWidget;

namespace embtune::widgets {
class AnalysisView;
}

namespace embtune::gui {

class AnalysisController : public QObject {
    Q_OBJECT
public:
    explicit AnalysisController(const GuiContext &context, QObject *parent = nullptr);

    // The dock "analysisDock" (parent: the window, hidden): the main window adds it with
    // addDockWidget(Qt::RightDockWidgetArea, ...).
    QDockWidget *analysisDock() const { return m_dock; }
    widgets::AnalysisView *analysisView() const { return m_view; }
    // "actionAnalysis" (Ctrl+4): the main window puts it in the View menu and on the comparison
    // table (its context menu). Enabled when no job runs and the current run has vectors (`base`).
    QAction *analysisAction() const { return m_action; }

    // Shows the dock and analyses run `runKey` (empty: the current run) on a worker thread, or
    // shows its earlier analysis; analysisFinished tells when it is shown. False (errorShown) when
    // the run has no vectors or a job is running.
    bool showAnalysis(const QString &runKey = {});
    // The out-of-distribution report of the analysed trained run (the method refitted on cluster 0).
    bool runOodReport();

signals:
    // The analysis view shows run `runKey`; the OOD report of it is in the view.
    void analysisFinished(const QString &runKey);
    void oodReportFinished(const QString &runKey);

private:
    void updateAction();
    void forget(const QString &runKey);
    void forgetAll();
    void placeDock();
    void onAnalyzed(const QString &runKey, const AnalysisJobResult &result);

    GuiContext m_ctx;
    QAction *m_action = nullptr;
    QDockWidget *m_dock = nullptr;
    widgets::AnalysisView *m_view = nullptr;
    QString m_runKey; // run shown in the analysis view
    // Analyses by run key, with the vectors they were made from (recomputed when those change).
    struct CachedAnalysis {
        std::shared_ptr<const widgets::RunAnalysis> analysis;
        std::shared_ptr<const engine::EmbeddingSet> base, tuned;
        std::shared_ptr<const engine::OodReport> ood; // once run
    };
    QHash<QString, CachedAnalysis> m_analyses;
};

} // namespace embtune::gui
