#include "dialogs/remote_embed_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace embtune::gui {

RemoteEmbedDialog::RemoteEmbedDialog(const QString &cacheRoot, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("remoteEmbedDialog"));
    setWindowTitle(tr("Compute Embeddings via API"));
    const net::RemoteEmbedderSettings defaults;

    m_baseUrl = new QLineEdit(defaults.baseUrl, this);
    m_baseUrl->setObjectName(QStringLiteral("remoteBaseUrl"));
    m_baseUrl->setToolTip(tr("Base URL of an OpenAI-compatible service (OpenAI, Azure, vLLM, TEI, Ollama, llama.cpp "
                             "server); requests go to <base URL>/v1/embeddings"));
    m_model = new QLineEdit(defaults.model, this);
    m_model->setObjectName(QStringLiteral("remoteModel"));
    m_model->setToolTip(tr("Model name as the service knows it"));
    m_dimensions = new QSpinBox(this);
    m_dimensions->setObjectName(QStringLiteral("remoteDimensions"));
    m_dimensions->setRange(0, 65536);
    m_dimensions->setSpecialValueText(tr("model default"));
    m_dimensions->setToolTip(tr("Requested vector dimension (sent as \"dimensions\"; models that support shortening); "
                                "0 uses the model's own"));

    m_keySource = new QComboBox(this);
    m_keySource->setObjectName(QStringLiteral("remoteKeySource"));
    m_keySource->addItem(tr("Environment variable"), EnvironmentKey);
    m_keySource->addItem(tr("Desktop keychain"), KeychainKey);
    m_keySource->addItem(tr("No key (local server)"), NoKey);
    if (!net::ApiKey::keychainAvailable())
        if (auto *model = qobject_cast<QStandardItemModel *>(m_keySource->model()))
            model->item(1)->setEnabled(false);
    m_keySource->setToolTip(tr("Where embtune reads the API key when the job starts. The key is used only in the "
                               "Authorization header; embtune never shows, logs or stores it."));
    const net::ApiKeySource keyDefaults;
    m_keyVariable = new QLineEdit(keyDefaults.environmentVariable, this);
    m_keyVariable->setObjectName(QStringLiteral("remoteKeyVariable"));
    m_keyVariable->setToolTip(tr("Name of the environment variable holding the key (not the key itself)"));
    m_keychainService = new QLineEdit(keyDefaults.keychainService, this);
    m_keychainService->setObjectName(QStringLiteral("remoteKeychainService"));
    m_keychainEntry = new QLineEdit(keyDefaults.keychainEntry, this);
    m_keychainEntry->setObjectName(QStringLiteral("remoteKeychainEntry"));
    for (QLineEdit *edit : {m_keychainService, m_keychainEntry})
        edit->setToolTip(tr("Service and entry of the key in the desktop keychain"));

    m_price = new QDoubleSpinBox(this);
    m_price->setObjectName(QStringLiteral("remotePrice"));
    m_price->setRange(0, 1000);
    m_price->setDecimals(4);
    m_price->setSpecialValueText(tr("unknown"));
    m_price->setToolTip(tr("Price per million tokens, for the cost estimate shown before the job (0: unknown, "
                           "no estimate of cost and no confirmation)"));
    m_confirmAbove = new QDoubleSpinBox(this);
    m_confirmAbove->setObjectName(QStringLiteral("remoteConfirmAbove"));
    m_confirmAbove->setRange(0, 1e6);
    m_confirmAbove->setDecimals(4);
    m_confirmAbove->setValue(1.0);
    m_confirmAbove->setToolTip(tr("Ask before starting a job whose estimated cost exceeds this (same currency as the "
                                  "price)"));
    m_inFlight = new QSpinBox(this);
    m_inFlight->setObjectName(QStringLiteral("remoteInFlight"));
    m_inFlight->setRange(1, 16);
    m_inFlight->setValue(defaults.maxInFlight);
    m_inFlight->setToolTip(tr("Requests in flight at once"));

    auto *service = new QGroupBox(tr("Service"), this);
    auto *serviceForm = new QFormLayout(service);
    serviceForm->addRow(tr("&Base URL:"), m_baseUrl);
    serviceForm->addRow(tr("&Model:"), m_model);
    serviceForm->addRow(tr("&Dimensions:"), m_dimensions);
    serviceForm->addRow(tr("Requests in &flight:"), m_inFlight);
    auto *key = new QGroupBox(tr("API key"), this);
    auto *keyForm = new QFormLayout(key);
    keyForm->addRow(tr("&Source:"), m_keySource);
    keyForm->addRow(tr("&Variable:"), m_keyVariable);
    keyForm->addRow(tr("Keychain ser&vice:"), m_keychainService);
    keyForm->addRow(tr("Keychain &entry:"), m_keychainEntry);
    auto *cost = new QGroupBox(tr("Cost"), this);
    auto *costForm = new QFormLayout(cost);
    costForm->addRow(tr("&Price per 1M tokens:"), m_price);
    costForm->addRow(tr("&Ask above:"), m_confirmAbove);

    auto *note = new QLabel(tr("Vectors are stored in the embedding cache (%1); an interrupted job resumes without "
                               "sending the texts that were already embedded.")
                                .arg(QDir::toNativeSeparators(cacheRoot)),
                            this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    m_problemLabel = new QLabel(this);
    m_problemLabel->setObjectName(QStringLiteral("remoteProblem"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #c62828;"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Compute"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_baseUrl, m_model, m_keyVariable, m_keychainService, m_keychainEntry})
        connect(edit, &QLineEdit::textChanged, this, &RemoteEmbedDialog::validate);
    connect(m_keySource, &QComboBox::currentIndexChanged, this, &RemoteEmbedDialog::validate);
    connect(m_dimensions, &QSpinBox::valueChanged, this, &RemoteEmbedDialog::validate);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(service);
    layout->addWidget(key);
    layout->addWidget(cost);
    layout->addWidget(note);
    layout->addWidget(m_problemLabel);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    validate();
    resize(520, sizeHint().height());
}

RemoteRequest RemoteEmbedDialog::request() const
{
    RemoteRequest request;
    request.settings.baseUrl = m_baseUrl->text().trimmed();
    request.settings.model = m_model->text().trimmed();
    request.settings.dimensions = m_dimensions->value();
    request.settings.maxInFlight = m_inFlight->value();
    request.settings.pricePerMillionTokens = m_price->value();
    request.confirmAbove = m_confirmAbove->value();
    const int source = m_keySource->currentData().toInt();
    request.useKey = source != NoKey;
    request.keySource.environmentVariable = source == EnvironmentKey ? m_keyVariable->text().trimmed() : QString();
    request.keySource.keychainService = source == KeychainKey ? m_keychainService->text().trimmed() : QString();
    request.keySource.keychainEntry = m_keychainEntry->text().trimmed();
    return request;
}

void RemoteEmbedDialog::setRequest(const RemoteRequest &request)
{
    m_baseUrl->setText(request.settings.baseUrl);
    m_model->setText(request.settings.model);
    m_dimensions->setValue(request.settings.dimensions);
    m_inFlight->setValue(request.settings.maxInFlight);
    m_price->setValue(request.settings.pricePerMillionTokens);
    m_confirmAbove->setValue(request.confirmAbove);
    KeySource source = NoKey;
    if (request.useKey)
        source = !request.keySource.environmentVariable.isEmpty() || request.keySource.keychainService.isEmpty()
                     ? EnvironmentKey
                     : KeychainKey;
    if (!request.keySource.environmentVariable.isEmpty())
        m_keyVariable->setText(request.keySource.environmentVariable);
    if (!request.keySource.keychainService.isEmpty())
        m_keychainService->setText(request.keySource.keychainService);
    if (!request.keySource.keychainEntry.isEmpty())
        m_keychainEntry->setText(request.keySource.keychainEntry);
    m_keySource->setCurrentIndex(m_keySource->findData(source));
    validate();
}

void RemoteEmbedDialog::validate()
{
    const int source = m_keySource->currentData().toInt();
    m_keyVariable->setEnabled(source == EnvironmentKey);
    m_keychainService->setEnabled(source == KeychainKey);
    m_keychainEntry->setEnabled(source == KeychainKey);

    const RemoteRequest current = request();
    QString problem;
    if (current.settings.model.isEmpty())
        problem = tr("Enter the model name.");
    else if (source == EnvironmentKey && current.keySource.environmentVariable.isEmpty())
        problem = tr("Enter the name of the environment variable that holds the key.");
    else if (source == KeychainKey && (current.keySource.keychainService.isEmpty() ||
                                       current.keySource.keychainEntry.isEmpty()))
        problem = tr("Enter the keychain service and entry of the key.");
    else if (engine::Status valid = net::RemoteEmbedder(current.settings, net::ApiKey()).validate(); !valid)
        problem = QString::fromStdString(valid.error().message);
    m_problem = problem;
    m_problemLabel->setText(problem);
    m_problemLabel->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace embtune::gui
