#pragma once
// FusionController owns fusing runs (docs/methods.md "Fusion"): the Fuse Runs action (Run menu,
// the runs table's context menu), its dialog with the live dev curve, the fusion job
// (engine::runPipeline given the members' engine runs as RunInputs::members) and adding the
// fused run to the RunStore like any run (its spec names the members' specs, so `embtune-cli
// run` replays it).

#include "gui_context.h"
#include "run/run_spec.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QAction;

namespace embtune::gui {

class FusionDialog;

class FusionController : public QObject {
    Q_OBJECT
public:
    explicit FusionController(const GuiContext &context, QObject *parent = nullptr);

    // "actionFuseRuns" (Ctrl+Shift+F): the dialog, the comparison's selected runs checked.
    QAction *fuseRunsAction() const { return m_fuseRuns; }
    // Where the dialog's first checked runs come from (the compare view's selection).
    void setSelectionSource(std::function<QStringList()> selected) { m_selected = std::move(selected); }

    // Opens the Fuse Runs dialog (non-blocking) with `checked` runs checked.
    void showFuseDialog(const QStringList &checked);
    // The open dialog; null when none.
    FusionDialog *dialog() const;

    // Fuses runs `memberKeys` (RunStore keys, two or more, of one split) with `fusion` on a
    // worker job; the fused run is added to the RunStore (fusionFinished). False (errorShown)
    // when it cannot start.
    // bm25OnDev: BM25 members' k1 and b are chosen on dev with the weights.
    bool fuse(const QStringList &memberKeys, const engine::FusionSettings &fusion, bool bm25OnDev = false);

    // Why run `key` cannot be a member now (empty: it can).
    QString whyNotFusable(const QString &key) const;

signals:
    void fusionFinished(const QString &runKey);

private:
    // The fused spec of `memberKeys` (their specs as members, the dataset's dev list); empty
    // members and `problem` set when it cannot be made.
    engine::RunSpec fusionSpec(const QStringList &memberKeys, const engine::FusionSettings &fusion, bool bm25OnDev,
                               QString *problem) const;
    void updateActions();

    GuiContext m_ctx;
    QAction *m_fuseRuns = nullptr;
    QPointer<FusionDialog> m_dialog;
    std::function<QStringList()> m_selected;
    int m_fusedCount = 0;
};

} // namespace embtune::gui
