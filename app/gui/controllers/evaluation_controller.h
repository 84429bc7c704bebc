#pragma once
// EvaluationController owns evaluation: Evaluate (exact or HNSW search of the selected set),
// Evaluate BM25, the search options (dialog, toolbar box, saved settings), the split box, and
// Save HNSW Index; each evaluation becomes a run of the RunStore.

#include "dialogs/evaluate_dialog.h"
#include "gui_context.h"
#include "jobs/run_jobs.h"
#include "run/run_spec.h"

#include <QObject>

class QAction;
class QComboBox;

namespace embtune::gui {

class EvaluationController : public QObject {
    Q_OBJECT
public:
    explicit EvaluationController(const GuiContext &context, QObject *parent = nullptr);

    QAction *evaluateAction() const { return m_evaluate; }
    QAction *evaluateOptionsAction() const { return m_evaluateOptions; }
    QAction *evaluateBm25Action() const { return m_evaluateBm25; }
    QAction *saveIndexAction() const { return m_saveIndex; }
    QComboBox *splitCombo() const { return m_splitCombo; }   // toolbar: the split evaluated
    QComboBox *searchCombo() const { return m_searchCombo; } // toolbar: exact or HNSW

    // Evaluates the selected set (or BM25 when the BM25 row is selected) on the current split.
    bool evaluate();
    // Evaluates BM25 (k1 0.9, b 0.4) on the current split, whatever is selected.
    bool evaluateBm25();
    // How Evaluate searches (exact or HNSW with its parameters); persisted with QSettings.
    SearchSettings searchSettings() const { return m_search; }
    void setSearchSettings(const SearchSettings &settings);
    // Saves the HNSW index of run `runKey` (an HNSW evaluation) as `path` + `path`.json.
    bool saveHnswIndex(const QString &runKey, const QString &path);
    // Opens the search options dialog (non-blocking), which evaluates when accepted.
    void showEvaluateDialog();

signals:
    // An evaluation (set or BM25) finished; its run is in the RunStore (current).
    void evaluationFinished();
    // An HNSW index was saved (`path` and `path`.json).
    void indexSaved(const QString &path);

private:
    void createActions();
    void createCombos();
    void updateActions();
    void onDatasetChanged();
    void chooseSaveIndex();
    bool startEvaluation(const QString &setKey, const QString &split, bool hnsw, const QString &description);
    void onEvaluated(const QString &setKey, const EvaluationJobResult &result);
    QString hnswSummary(const HnswEvaluation &hnsw) const;

    GuiContext m_ctx;
    SearchSettings m_search;
    QAction *m_evaluate = nullptr;
    QAction *m_evaluateOptions = nullptr;
    QAction *m_evaluateBm25 = nullptr;
    QAction *m_saveIndex = nullptr;
    QComboBox *m_splitCombo = nullptr;
    QComboBox *m_searchCombo = nullptr;
};

} // namespace embtune::gui
