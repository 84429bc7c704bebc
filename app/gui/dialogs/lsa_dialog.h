#pragma once
// "Compute Embeddings (LSA)": the built-in LSA embedder's options as a form (dimension, min_df,
// seed, power iterations, with tooltips and range checks). The caller runs the computation.

#include "embed/lsa_embedder.h"
#include "methods/method.h"

#include <QDialog>

class QDialogButtonBox;

namespace embtune::widgets {
class ParameterForm;
}

namespace embtune::gui {

class LsaDialog : public QDialog {
    Q_OBJECT
public:
    // `cacheRoot` is shown: where the result is stored.
    explicit LsaDialog(const QString &cacheRoot, QWidget *parent = nullptr);

    // The options of the form (valid when the OK button is enabled).
    engine::LsaOptions options() const;
    widgets::ParameterForm *form() const { return m_form; }
    QDialogButtonBox *buttons() const { return m_buttons; }

    // The form's schema: dim, min_df, seed, power_iterations.
    static engine::MethodSpec parameterSpec();
    // Options from name=value texts of parameterSpec() (every value present and valid).
    static engine::LsaOptions optionsFrom(const std::map<std::string, std::string> &values);

private:
    widgets::ParameterForm *m_form = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace embtune::gui
