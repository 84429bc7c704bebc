#include "settings_dialog.h"

#include "gui_context.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace embtune::gui {

SettingsDialog::SettingsDialog(const Values &values, int maxConcurrentLimit, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("settingsThreads"));
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(values.threads);
    m_threads->setToolTip(tr("Threads of the numeric kernels (Eigen) and of HNSW index builds; 0 uses every core. "
                             "One thread makes HNSW builds deterministic"));
    m_runs = new QSpinBox(this);
    m_runs->setObjectName(QStringLiteral("settingsConcurrentRuns"));
    m_runs->setRange(1, maxConcurrentLimit);
    m_runs->setValue(values.maxConcurrentRuns);
    m_runs->setToolTip(tr("Training runs that train at the same time; the others wait in the queue (Runs tab)"));
    m_search = new QComboBox(this);
    m_search->setObjectName(QStringLiteral("settingsSearch"));
    m_search->addItem(tr("Exact"), false);
    m_search->addItem(tr("HNSW"), true);
    m_search->setCurrentIndex(values.hnsw ? 1 : 0);
    m_search->setToolTip(tr("How Evaluate searches by default: exactly, or with an HNSW index (its parameters: "
                            "Run > Evaluate with Search Options)"));
    m_theme = new QComboBox(this);
    m_theme->setObjectName(QStringLiteral("settingsTheme"));
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(values.theme)));
    m_theme->setToolTip(tr("Colours of the window (also View > Theme)"));
    m_maxUnzipped = new QSpinBox(this);
    m_maxUnzipped->setObjectName(QStringLiteral("settingsMaxUnzippedGiB"));
    m_maxUnzipped->setRange(1, kMaxUnzippedGiBLimit);
    m_maxUnzipped->setValue(values.maxUnzippedGiB);
    m_maxUnzipped->setToolTip(tr("A dataset archive that unzips to more than this is refused before anything is "
                                 "written, and unzipping stops there if the archive understates its size"));

    auto *general = new QGroupBox(tr("General"), this);
    auto *generalForm = new QFormLayout(general);
    generalForm->addRow(tr("&Threads:"), m_threads);
    generalForm->addRow(tr("Training runs at &once:"), m_runs);
    generalForm->addRow(tr("Default &search:"), m_search);
    generalForm->addRow(tr("T&heme:"), m_theme);
    generalForm->addRow(tr("&Largest unzipped archive (GiB):"), m_maxUnzipped);

    m_embeddingsUrl = new QLineEdit(values.embeddingsBaseUrl, this);
    m_embeddingsUrl->setObjectName(QStringLiteral("settingsEmbeddingsUrl"));
    m_embeddingsUrl->setPlaceholderText(QStringLiteral("https://api.openai.com/v1"));
    m_embeddingsUrl->setToolTip(tr("Base URL of an OpenAI-compatible embeddings API (…/v1); /embeddings is appended"));
    m_embeddingsModel = new QLineEdit(values.embeddingsModel, this);
    m_embeddingsModel->setObjectName(QStringLiteral("settingsEmbeddingsModel"));
    m_embeddingsModel->setToolTip(tr("Model name sent with every embeddings request"));
    m_chatUrl = new QLineEdit(values.chatBaseUrl, this);
    m_chatUrl->setObjectName(QStringLiteral("settingsChatUrl"));
    m_chatUrl->setPlaceholderText(QStringLiteral("https://api.openai.com/v1"));
    m_chatUrl->setToolTip(tr("Base URL of an OpenAI-compatible chat completions API, for generated queries"));
    auto *api = new QGroupBox(tr("API endpoints (keys come from the environment or the keychain, never from here)"),
                              this);
    auto *apiForm = new QFormLayout(api);
    apiForm->addRow(tr("&Embeddings URL:"), m_embeddingsUrl);
    apiForm->addRow(tr("Embeddings &model:"), m_embeddingsModel);
    apiForm->addRow(tr("&Chat URL:"), m_chatUrl);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(general);
    layout->addWidget(api);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

SettingsDialog::Values SettingsDialog::values() const
{
    Values values;
    values.threads = m_threads->value();
    values.maxConcurrentRuns = m_runs->value();
    values.hnsw = m_search->currentData().toBool();
    values.embeddingsBaseUrl = m_embeddingsUrl->text().trimmed();
    values.embeddingsModel = m_embeddingsModel->text().trimmed();
    values.chatBaseUrl = m_chatUrl->text().trimmed();
    values.theme = m_theme->currentData().toString();
    values.maxUnzippedGiB = m_maxUnzipped->value();
    return values;
}

} // namespace embtune::gui
