#pragma once
// "Evaluate with Search Options": the search backend (exact or HNSW) and the HNSW index
// parameters (M, ef_construction, ef_search, seed, threads; defaults as embtune-cli evaluate
// --search hnsw) as a form with tooltips and range checks. The caller runs the evaluation.

#include "jobs/run_jobs.h"
#include "methods/method.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;

namespace embtune::widgets {
class ParameterForm;
}

namespace embtune::gui {

// How the GUI searches when it evaluates embeddings.
struct SearchSettings {
    bool hnsw = false;  // false: exact search
    HnswSettings index; // used when hnsw
};

class EvaluateDialog : public QDialog {
    Q_OBJECT
public:
    EvaluateDialog(const SearchSettings &settings, const QString &setName, QWidget *parent = nullptr);

    // The settings of the form (valid when the Evaluate button is enabled).
    SearchSettings settings() const;
    QComboBox *backendCombo() const { return m_backend; }
    widgets::ParameterForm *form() const { return m_form; }
    QDialogButtonBox *buttons() const { return m_buttons; }

    // The form's schema: m, ef_construction, ef_search, seed, threads.
    static engine::MethodSpec parameterSpec();
    // Settings from name=value texts of parameterSpec() (missing ones take the defaults).
    static HnswSettings hnswFrom(const std::map<std::string, std::string> &values);
    // name=value texts of `settings`.
    static std::map<std::string, std::string> valuesOf(const HnswSettings &settings);

private:
    void updateEnabled();

    QComboBox *m_backend = nullptr;
    widgets::ParameterForm *m_form = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace embtune::gui
