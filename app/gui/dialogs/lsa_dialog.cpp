#include "dialogs/lsa_dialog.h"

#include "parameter_form.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace embtune::gui {

engine::MethodSpec LsaDialog::parameterSpec()
{
    using Type = engine::ParamSpec::Type;
    const engine::LsaOptions defaults;
    engine::MethodSpec spec;
    spec.id = "lsa";
    spec.displayName = "LSA";
    spec.description = "TF-IDF (sublinear tf, smoothed idf) of title + text, then a randomized truncated SVD; "
                       "rows are L2-normalised.";
    spec.params = {
        {"dim", Type::Int, std::to_string(defaults.dim), 1, 4096, {},
         "Dimension of the vectors: the number of singular vectors kept."},
        {"min_df", Type::Int, std::to_string(defaults.tfidf.minDf), 1, 1e9, {},
         "Terms that occur in fewer documents than this are left out of the vocabulary."},
        {"seed", Type::Int, std::to_string(defaults.seed), 0, 2147483647, {},
         "Seed of the SVD's random projection: the same seed and data give the same vectors."},
        {"power_iterations", Type::Int, std::to_string(defaults.powerIterations), 0, 100, {},
         "Power iterations of the randomized SVD: more are slower and closer to the exact SVD."},
    };
    return spec;
}

engine::LsaOptions LsaDialog::optionsFrom(const std::map<std::string, std::string> &values)
{
    engine::LsaOptions options;
    auto number = [&](const char *name, long long fallback) {
        const auto it = values.find(name);
        return it == values.end() ? fallback : std::stoll(it->second);
    };
    options.dim = int(number("dim", options.dim));
    options.tfidf.minDf = int(number("min_df", options.tfidf.minDf));
    options.seed = uint64_t(number("seed", (long long)options.seed));
    options.powerIterations = int(number("power_iterations", options.powerIterations));
    return options;
}

LsaDialog::LsaDialog(const QString &cacheRoot, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("lsaDialog"));
    setWindowTitle(tr("Compute Embeddings with LSA"));
    const engine::MethodSpec spec = parameterSpec();

    auto *intro = new QLabel(QString::fromStdString(spec.description), this);
    intro->setWordWrap(true);
    m_form = new widgets::ParameterForm(this);
    m_form->setObjectName(QStringLiteral("lsaForm"));
    m_form->setSpec(spec);
    auto *where = new QLabel(tr("The set is stored in the embedding cache (%1); computing the same "
                                "configuration again loads it from there.")
                                 .arg(QDir::toNativeSeparators(cacheRoot)),
                             this);
    where->setWordWrap(true);
    where->setForegroundRole(QPalette::PlaceholderText);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults,
                                     this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Compute"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, m_form,
            &widgets::ParameterForm::resetToDefaults);
    connect(m_form, &widgets::ParameterForm::validityChanged, this,
            [this](bool valid) { m_buttons->button(QDialogButtonBox::Ok)->setEnabled(valid); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_form);
    layout->addWidget(where);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    resize(460, sizeHint().height());
}

engine::LsaOptions LsaDialog::options() const
{
    return optionsFrom(m_form->values());
}

} // namespace embtune::gui
