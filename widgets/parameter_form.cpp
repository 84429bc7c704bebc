#include "parameter_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace embtune::widgets {

namespace {

using Type = engine::ParamSpec::Type;

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

bool hasBound(double value)
{
    return std::abs(value) < 1e299;
}

int clampToInt(double value)
{
    if (value <= double(INT_MIN))
        return INT_MIN;
    if (value >= double(INT_MAX))
        return INT_MAX;
    return int(value);
}

const char *kInvalidStyle = "QLineEdit { border: 1px solid #c62828; }";

} // namespace

ParameterForm::ParameterForm(QWidget *parent)
    : QWidget(parent)
{
    m_layout = new QFormLayout;
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("parameterError"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_errorLabel->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_layout);
    layout->addWidget(m_errorLabel);
}

QString ParameterForm::labelFor(const std::string &name)
{
    QString label = QString::fromStdString(name);
    label.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!label.isEmpty())
        label[0] = label[0].toUpper();
    return label;
}

QString ParameterForm::toolTipFor(const engine::ParamSpec &param)
{
    QString tip = QStringLiteral("<b>%1</b>: %2").arg(QString::fromStdString(param.name).toHtmlEscaped(),
                                                     QString::fromStdString(param.help).toHtmlEscaped());
    tip += tr("<br>Default: %1").arg(QString::fromStdString(param.defaultValue).toHtmlEscaped());
    if (param.type == Type::Int || param.type == Type::Double || param.type == Type::DoubleList) {
        const bool low = hasBound(param.minimum), high = hasBound(param.maximum);
        if (low && high)
            tip += tr("<br>Range: %1 to %2").arg(number(param.minimum), number(param.maximum));
        else if (low)
            tip += tr("<br>At least %1").arg(number(param.minimum));
        else if (high)
            tip += tr("<br>At most %1").arg(number(param.maximum));
        if (param.type == Type::DoubleList)
            tip += tr(" (each value; separate values with commas)");
    }
    return tip;
}

void ParameterForm::setSpec(const engine::MethodSpec &spec)
{
    m_building = true;
    while (m_layout->rowCount() > 0)
        m_layout->removeRow(0);
    m_editors.clear();
    m_spec = spec;
    for (const engine::ParamSpec &param : m_spec.params) {
        const QString name = QString::fromStdString(param.name);
        const QString defaultText = QString::fromStdString(param.defaultValue);
        QWidget *editor = nullptr;
        // Integers whose range does not fit a spin box (e.g. 64-bit seeds) get a line edit.
        const bool wideInt = param.type == Type::Int && (param.minimum < double(INT_MIN) || param.maximum > double(INT_MAX));
        switch (wideInt ? Type::Double : param.type) {
        case Type::Int: {
            auto *spin = new QSpinBox(this);
            spin->setRange(clampToInt(param.minimum), clampToInt(param.maximum));
            spin->setValue(clampToInt(defaultText.toDouble()));
            spin->setAccelerated(true);
            connect(spin, &QSpinBox::valueChanged, this, &ParameterForm::validate);
            editor = spin;
            break;
        }
        case Type::Double:
        case Type::DoubleList: {
            auto *line = new QLineEdit(defaultText, this);
            line->setPlaceholderText(param.type == Type::DoubleList ? tr("numbers separated by commas")
                                     : param.type == Type::Int      ? tr("an integer")
                                                                    : tr("a number"));
            connect(line, &QLineEdit::textChanged, this, &ParameterForm::validate);
            editor = line;
            break;
        }
        case Type::Choice: {
            auto *combo = new QComboBox(this);
            for (const std::string &choice : param.choices)
                combo->addItem(QString::fromStdString(choice));
            combo->setCurrentText(defaultText);
            connect(combo, &QComboBox::currentTextChanged, this, &ParameterForm::validate);
            editor = combo;
            break;
        }
        case Type::Bool: {
            auto *check = new QCheckBox(this);
            check->setChecked(param.defaultValue == "true");
            connect(check, &QCheckBox::toggled, this, &ParameterForm::validate);
            editor = check;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("param_") + name);
        editor->setToolTip(toolTipFor(param));
        auto *label = new QLabel(labelFor(param.name) + QLatin1Char(':'), this);
        label->setToolTip(editor->toolTip());
        label->setBuddy(editor);
        m_layout->addRow(label, editor);
        m_editors.insert(name, editor);
    }
    m_building = false;
    validate();
}

QString ParameterForm::textOf(const engine::ParamSpec &param) const
{
    QWidget *editor = m_editors.value(QString::fromStdString(param.name));
    if (auto *spin = qobject_cast<QSpinBox *>(editor))
        return QString::number(spin->value());
    if (auto *line = qobject_cast<QLineEdit *>(editor))
        return line->text().trimmed().remove(QLatin1Char(' '));
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        return combo->currentText();
    if (auto *check = qobject_cast<QCheckBox *>(editor))
        return check->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromStdString(param.defaultValue);
}

std::map<std::string, std::string> ParameterForm::values() const
{
    std::map<std::string, std::string> out;
    for (const engine::ParamSpec &param : m_spec.params)
        out[param.name] = textOf(param).toStdString();
    return out;
}

bool ParameterForm::setValue(const QString &name, const QString &value)
{
    QWidget *editor = m_editors.value(name);
    if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
        bool ok = false;
        const int number = value.toInt(&ok);
        if (!ok || number < spin->minimum() || number > spin->maximum())
            return false;
        spin->setValue(number);
        return true;
    }
    if (auto *line = qobject_cast<QLineEdit *>(editor)) {
        line->setText(value);
        return true;
    }
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        const int index = combo->findText(value);
        if (index < 0)
            return false;
        combo->setCurrentIndex(index);
        return true;
    }
    if (auto *check = qobject_cast<QCheckBox *>(editor)) {
        if (value != QStringLiteral("true") && value != QStringLiteral("false"))
            return false;
        check->setChecked(value == QStringLiteral("true"));
        return true;
    }
    return false;
}

void ParameterForm::resetToDefaults()
{
    setSpec(engine::MethodSpec(m_spec));
}

void ParameterForm::validate()
{
    if (m_building)
        return;
    m_fieldErrors.clear();
    // Each parameter alone, to mark the editor that is wrong ...
    for (const engine::ParamSpec &param : m_spec.params) {
        const auto parsed = engine::ParamValues::parse(m_spec, {{param.name, textOf(param).toStdString()}});
        if (!parsed)
            m_fieldErrors.insert(QString::fromStdString(param.name), QString::fromStdString(parsed.error().message));
    }
    // ... then all together, as the method will read them.
    const auto all = engine::ParamValues::parse(m_spec, values());
    m_error = all ? QString() : QString::fromStdString(all.error().message);
    if (m_error.isEmpty() && !m_fieldErrors.isEmpty())
        m_error = m_fieldErrors.first();

    for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
        auto *line = qobject_cast<QLineEdit *>(it.value());
        if (!line)
            continue;
        const bool invalid = m_fieldErrors.contains(it.key());
        line->setStyleSheet(invalid ? QString::fromLatin1(kInvalidStyle) : QString());
    }
    m_errorLabel->setText(m_error);
    m_errorLabel->setVisible(!m_error.isEmpty());
    emit validityChanged(isValid());
}

} // namespace embtune::widgets
