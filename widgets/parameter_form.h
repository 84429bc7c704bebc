#pragma once
// A form generated from a method's parameter schema (engine::MethodSpec): one editor per
// parameter (Int: spin box, or a line edit when its range exceeds 32 bits; Double and
// DoubleList: line edit; Choice: combo box; Bool: check box), labelled, with the help text, default and range as tooltip, starting at the default.
// Values are validated with engine::ParamValues::parse after every edit: an invalid editor is
// outlined and the first error is shown under the form ("parameterError"). Editors are named
// "param_<name>".

#include "methods/method.h"

#include <QMap>
#include <QWidget>

#include <map>
#include <string>

class QFormLayout;
class QLabel;

namespace embtune::widgets {

class ParameterForm : public QWidget {
    Q_OBJECT
public:
    explicit ParameterForm(QWidget *parent = nullptr);

    // Rebuilds the editors for `spec`, each at its default value.
    void setSpec(const engine::MethodSpec &spec);
    const engine::MethodSpec &spec() const { return m_spec; }

    // Current text of every parameter, in the form ParamValues::parse reads.
    std::map<std::string, std::string> values() const;
    // Sets a parameter's editor from text (e.g. "0.1"); false for an unknown name or a text the
    // editor cannot hold (a spin box outside its range, a choice not offered).
    bool setValue(const QString &name, const QString &value);
    void resetToDefaults();

    // The first validation error ("parameter gamma=5: must be in [-1, 3.999]"); empty when valid.
    QString errorText() const { return m_error; }
    bool isValid() const { return m_error.isEmpty(); }
    // Errors per parameter name (only invalid ones).
    QMap<QString, QString> fieldErrors() const { return m_fieldErrors; }

    QWidget *editor(const QString &name) const { return m_editors.value(name); }

    // "gamma_grid" -> "Gamma grid".
    static QString labelFor(const std::string &name);
    // Help, default and range of a parameter, for tooltips.
    static QString toolTipFor(const engine::ParamSpec &param);

signals:
    // After every edit and every setSpec() / resetToDefaults().
    void validityChanged(bool valid);

private:
    QString textOf(const engine::ParamSpec &param) const;
    void validate();

    engine::MethodSpec m_spec;
    QFormLayout *m_layout = nullptr;
    QLabel *m_errorLabel = nullptr;
    QMap<QString, QWidget *> m_editors;
    QMap<QString, QString> m_fieldErrors;
    QString m_error;
    bool m_building = false;
};

} // namespace embtune::widgets
