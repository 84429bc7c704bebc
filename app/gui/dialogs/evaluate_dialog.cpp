#include "dialogs/evaluate_dialog.h"

#include "parameter_form.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace embtune::gui {

engine::MethodSpec EvaluateDialog::parameterSpec()
{
    using Type = engine::ParamSpec::Type;
    const engine::HnswParameters defaults;
    engine::MethodSpec spec;
    spec.id = "hnsw";
    spec.displayName = "HNSW";
    spec.description = "Approximate search with an hnswlib HNSW graph over the document vectors; the recall of its "
                       "lists against exact search (ANN recall@k) is reported beside the metrics.";
    spec.params = {
        {"m", Type::Int, std::to_string(defaults.m), 2, 200, {},
         "Links per element and layer (2M on the bottom layer): more links raise recall, memory and build time."},
        {"ef_construction", Type::Int, std::to_string(defaults.efConstruction), 1, 100000, {},
         "Candidate list size while inserting: larger builds a better graph, more slowly."},
        {"ef_search", Type::Int, std::to_string(defaults.efSearch), 1, 100000, {},
         "Candidate list size while searching (at least k is used): larger is slower and closer to exact search."},
        {"seed", Type::Int, std::to_string(defaults.seed), 0, 2147483647, {},
         "Seed of hnswlib's level generator: with one thread the same seed gives the same index."},
        {"threads", Type::Int, "0", 0, 1024, {},
         "Threads for the build and the searches; 0 uses every core; 1 builds a reproducible index."},
    };
    return spec;
}

HnswSettings EvaluateDialog::hnswFrom(const std::map<std::string, std::string> &values)
{
    HnswSettings settings;
    auto number = [&](const char *name, long long fallback) {
        const auto it = values.find(name);
        return it == values.end() || it->second.empty() ? fallback : std::stoll(it->second);
    };
    settings.parameters.m = int(number("m", settings.parameters.m));
    settings.parameters.efConstruction = int(number("ef_construction", settings.parameters.efConstruction));
    settings.parameters.efSearch = int(number("ef_search", settings.parameters.efSearch));
    settings.parameters.seed = uint64_t(number("seed", (long long)settings.parameters.seed));
    settings.threads = int(number("threads", settings.threads));
    return settings;
}

std::map<std::string, std::string> EvaluateDialog::valuesOf(const HnswSettings &settings)
{
    return {{"m", std::to_string(settings.parameters.m)},
            {"ef_construction", std::to_string(settings.parameters.efConstruction)},
            {"ef_search", std::to_string(settings.parameters.efSearch)},
            {"seed", std::to_string(settings.parameters.seed)},
            {"threads", std::to_string(settings.threads)}};
}

EvaluateDialog::EvaluateDialog(const SearchSettings &settings, const QString &setName, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("evaluateDialog"));
    setWindowTitle(tr("Evaluate %1").arg(setName));
    const engine::MethodSpec spec = parameterSpec();

    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("searchBackend"));
    m_backend->addItem(tr("Exact search"), false);
    m_backend->addItem(tr("HNSW index (hnswlib)"), true);
    m_backend->setCurrentIndex(settings.hnsw ? 1 : 0);
    m_backend->setToolTip(tr("Exact: every document is scored (blocked matrix product). HNSW: an approximate "
                             "index is built first; its lists are compared with exact search (ANN recall@k)."));
    auto *backendRow = new QFormLayout;
    backendRow->addRow(tr("&Search:"), m_backend);

    auto *intro = new QLabel(QString::fromStdString(spec.description), this);
    intro->setWordWrap(true);
    m_form = new widgets::ParameterForm(this);
    m_form->setObjectName(QStringLiteral("hnswForm"));
    m_form->setSpec(spec);
    for (const auto &[name, value] : valuesOf(settings.index))
        m_form->setValue(QString::fromStdString(name), QString::fromStdString(value));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults,
                                     this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Evaluate"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, m_form,
            &widgets::ParameterForm::resetToDefaults);
    connect(m_form, &widgets::ParameterForm::validityChanged, this, &EvaluateDialog::updateEnabled);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &EvaluateDialog::updateEnabled);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(backendRow);
    layout->addWidget(intro);
    layout->addWidget(m_form);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    updateEnabled();
    resize(480, sizeHint().height());
}

void EvaluateDialog::updateEnabled()
{
    const bool hnsw = m_backend->currentData().toBool();
    m_form->setEnabled(hnsw);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!hnsw || m_form->isValid());
}

SearchSettings EvaluateDialog::settings() const
{
    SearchSettings settings;
    settings.hnsw = m_backend->currentData().toBool();
    settings.index = hnswFrom(m_form->values());
    return settings;
}

} // namespace embtune::gui
