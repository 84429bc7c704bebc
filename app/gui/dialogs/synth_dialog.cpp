#include "dialogs/synth_dialog.h"

#include "chat_protocol.h"
#include "generated_set_store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace embtune::gui {

SynthDialog::SynthDialog(qint64 documents, const QStringList &takenNames, QWidget *parent)
    : QDialog(parent)
    , m_taken(takenNames)
{
    setObjectName(QStringLiteral("synthDialog"));
    setWindowTitle(tr("Generate Training Queries"));
    const engine::SynthOptions defaults;
    const net::LlmGeneratorSettings llmDefaults;

    m_generator = new QComboBox(this);
    m_generator->setObjectName(QStringLiteral("synthGenerator"));
    m_generator->addItem(tr("ICT: a sentence of the document (inverse cloze task)"), QStringLiteral("ict"));
    m_generator->addItem(tr("Title: the document's title"), QStringLiteral("title"));
    m_generator->addItem(tr("Keyphrase: top TF-IDF terms of the document"), QStringLiteral("keyphrase"));
    m_generator->addItem(tr("LLM: questions written by a chat model (OpenAI-compatible API)"), QStringLiteral("llm"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("synthName"));
    m_name->setToolTip(tr("Name of the generated set (shown in the Generated Queries tab and the Train dialog)"));
    connect(m_name, &QLineEdit::textEdited, this, [this] { m_nameEdited = true; });
    m_perDocument = new QSpinBox(this);
    m_perDocument->setObjectName(QStringLiteral("synthPerDocument"));
    m_perDocument->setRange(1, 100);
    m_perDocument->setValue(defaults.perDocument);
    m_perDocument->setToolTip(tr("Queries per document (at most: ict draws distinct sentences, title gives one)"));
    m_sample = new QCheckBox(tr("Only a seeded &sample of"), this);
    m_sample->setObjectName(QStringLiteral("synthSample"));
    m_documents = new QSpinBox(this);
    m_documents->setObjectName(QStringLiteral("synthDocuments"));
    m_documents->setRange(1, int(std::clamp<qint64>(documents, 1, 1 << 30)));
    m_documents->setValue(int(std::min<qint64>(documents, 1000)));
    m_documents->setSuffix(tr(" of %L1 documents").arg(documents));
    m_documents->setEnabled(false);
    connect(m_sample, &QCheckBox::toggled, m_documents, &QWidget::setEnabled);
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("synthSeed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("Seed of the document sample and of the generators' draws: the same seed gives the same set"));

    auto *general = new QGroupBox(tr("Queries"), this);
    auto *generalForm = new QFormLayout(general);
    generalForm->addRow(tr("&Generator:"), m_generator);
    generalForm->addRow(tr("Queries per &document:"), m_perDocument);
    auto *sampleRow = new QHBoxLayout;
    sampleRow->addWidget(m_sample);
    sampleRow->addWidget(m_documents, 1);
    generalForm->addRow(tr("Documents:"), sampleRow);
    generalForm->addRow(tr("S&eed:"), m_seed);
    generalForm->addRow(tr("&Name:"), m_name);

    m_minTokens = new QSpinBox(this);
    m_minTokens->setObjectName(QStringLiteral("synthMinTokens"));
    m_minTokens->setRange(1, 1000);
    m_minTokens->setValue(defaults.minTokens);
    m_minTokens->setToolTip(tr("Sentences with fewer tokens are never queries"));
    m_removeProbability = new QDoubleSpinBox(this);
    m_removeProbability->setObjectName(QStringLiteral("synthRemoveProbability"));
    m_removeProbability->setRange(0, 1);
    m_removeProbability->setSingleStep(0.05);
    m_removeProbability->setValue(defaults.removeProbability);
    m_removeProbability->setToolTip(tr("Probability that the sentence is cut from its document's text (ICT)"));
    m_ictBox = new QGroupBox(tr("ICT"), this);
    auto *ictForm = new QFormLayout(m_ictBox);
    ictForm->addRow(tr("&Minimum tokens:"), m_minTokens);
    ictForm->addRow(tr("&Removal probability:"), m_removeProbability);

    m_terms = new QSpinBox(this);
    m_terms->setObjectName(QStringLiteral("synthTerms"));
    m_terms->setRange(1, 100);
    m_terms->setValue(defaults.terms);
    m_keyphraseBox = new QGroupBox(tr("Keyphrase"), this);
    auto *keyphraseForm = new QFormLayout(m_keyphraseBox);
    keyphraseForm->addRow(tr("&Terms per query:"), m_terms);

    m_baseUrl = new QLineEdit(llmDefaults.baseUrl, this);
    m_baseUrl->setObjectName(QStringLiteral("synthBaseUrl"));
    m_baseUrl->setToolTip(tr("Base URL of an OpenAI-compatible service; requests go to <base URL>/v1/chat/completions"));
    m_model = new QLineEdit(llmDefaults.model, this);
    m_model->setObjectName(QStringLiteral("synthModel"));
    m_prompt = new QPlainTextEdit(net::defaultQuestionPrompt(), this);
    m_prompt->setObjectName(QStringLiteral("synthPrompt"));
    m_prompt->setToolTip(tr("Prompt template: {title}, {text} and {n} are replaced per document"));
    m_prompt->setMinimumHeight(m_prompt->fontMetrics().height() * 6);
    auto *resetPrompt = new QPushButton(tr("Default &Prompt"), this);
    resetPrompt->setObjectName(QStringLiteral("synthResetPrompt"));
    connect(resetPrompt, &QPushButton::clicked, this, [this] { m_prompt->setPlainText(net::defaultQuestionPrompt()); });
    m_keySource = new QComboBox(this);
    m_keySource->setObjectName(QStringLiteral("synthKeySource"));
    m_keySource->addItem(tr("Environment variable"), EnvironmentKey);
    m_keySource->addItem(tr("Desktop keychain"), KeychainKey);
    m_keySource->addItem(tr("No key (local server)"), NoKey);
    if (!net::ApiKey::keychainAvailable())
        if (auto *model = qobject_cast<QStandardItemModel *>(m_keySource->model()))
            model->item(1)->setEnabled(false);
    m_keySource->setToolTip(tr("Where embtune reads the API key when the job starts; the key is never shown or stored"));
    const net::ApiKeySource keyDefaults;
    m_keyVariable = new QLineEdit(keyDefaults.environmentVariable, this);
    m_keyVariable->setObjectName(QStringLiteral("synthKeyVariable"));
    m_keychainService = new QLineEdit(keyDefaults.keychainService, this);
    m_keychainService->setObjectName(QStringLiteral("synthKeychainService"));
    m_keychainEntry = new QLineEdit(keyDefaults.keychainEntry, this);
    m_keychainEntry->setObjectName(QStringLiteral("synthKeychainEntry"));
    m_price = new QDoubleSpinBox(this);
    m_price->setObjectName(QStringLiteral("synthPrice"));
    m_price->setRange(0, 1000);
    m_price->setDecimals(4);
    m_price->setSpecialValueText(tr("unknown"));
    m_price->setToolTip(tr("Price per million tokens (prompt and answer), for the cost estimate shown first"));
    m_confirmAbove = new QDoubleSpinBox(this);
    m_confirmAbove->setObjectName(QStringLiteral("synthConfirmAbove"));
    m_confirmAbove->setRange(0, 1e6);
    m_confirmAbove->setDecimals(4);
    m_confirmAbove->setValue(1.0);
    m_confirmAbove->setToolTip(tr("Ask before a job whose estimated cost exceeds this"));
    m_inFlight = new QSpinBox(this);
    m_inFlight->setObjectName(QStringLiteral("synthInFlight"));
    m_inFlight->setRange(1, 16);
    m_inFlight->setValue(llmDefaults.maxInFlight);
    m_llmBox = new QGroupBox(tr("Chat model"), this);
    auto *llmForm = new QFormLayout(m_llmBox);
    llmForm->addRow(tr("&Base URL:"), m_baseUrl);
    llmForm->addRow(tr("M&odel:"), m_model);
    auto *promptRow = new QVBoxLayout;
    promptRow->addWidget(m_prompt);
    promptRow->addWidget(resetPrompt, 0, Qt::AlignRight);
    auto *promptLabel = new QLabel(tr("Prompt &template:"), this);
    promptLabel->setBuddy(m_prompt);
    llmForm->addRow(promptLabel, promptRow);
    llmForm->addRow(tr("API &key from:"), m_keySource);
    llmForm->addRow(tr("&Variable:"), m_keyVariable);
    llmForm->addRow(tr("Keychain ser&vice:"), m_keychainService);
    llmForm->addRow(tr("Keychain entr&y:"), m_keychainEntry);
    llmForm->addRow(tr("Price per &1M tokens:"), m_price);
    llmForm->addRow(tr("As&k above:"), m_confirmAbove);
    llmForm->addRow(tr("Requests in &flight:"), m_inFlight);

    m_problemLabel = new QLabel(this);
    m_problemLabel->setObjectName(QStringLiteral("synthProblem"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Generate"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_generator, &QComboBox::currentIndexChanged, this, &SynthDialog::onGeneratorChanged);
    for (QLineEdit *edit : {m_name, m_baseUrl, m_model, m_keyVariable, m_keychainService, m_keychainEntry})
        connect(edit, &QLineEdit::textChanged, this, &SynthDialog::validate);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &SynthDialog::validate);
    connect(m_keySource, &QComboBox::currentIndexChanged, this, &SynthDialog::validate);
    for (QSpinBox *spin : {m_perDocument, m_seed, m_documents})
        connect(spin, &QSpinBox::valueChanged, this, &SynthDialog::onGeneratorChanged);
    connect(m_sample, &QCheckBox::toggled, this, &SynthDialog::onGeneratorChanged);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(general);
    layout->addWidget(m_ictBox);
    layout->addWidget(m_keyphraseBox);
    layout->addWidget(m_llmBox);
    layout->addWidget(m_problemLabel);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    onGeneratorChanged();
    resize(560, sizeHint().height());
}

QString SynthDialog::suggestedName() const
{
    QString base = m_generator->currentData().toString();
    if (m_perDocument->value() > 1)
        base += QStringLiteral("-%1").arg(m_perDocument->value());
    if (m_sample->isChecked())
        base += QStringLiteral("-%1docs").arg(m_documents->value());
    if (m_seed->value() != 0)
        base += QStringLiteral("-seed%1").arg(m_seed->value());
    QString name = base;
    for (int k = 2; m_taken.contains(name); ++k)
        name = QStringLiteral("%1 (%2)").arg(base).arg(k);
    return name;
}

void SynthDialog::onGeneratorChanged()
{
    const QString generator = m_generator->currentData().toString();
    m_ictBox->setVisible(generator == QStringLiteral("ict"));
    m_keyphraseBox->setVisible(generator == QStringLiteral("keyphrase"));
    m_llmBox->setVisible(generator == QStringLiteral("llm"));
    if (!m_nameEdited) {
        const QSignalBlocker blocker(m_name);
        m_name->setText(suggestedName());
    }
    validate();
    adjustSize();
}

SynthRequest SynthDialog::request() const
{
    SynthRequest request;
    request.name = m_name->text().trimmed();
    request.options.generator = m_generator->currentData().toString().toStdString();
    request.options.perDocument = m_perDocument->value();
    request.options.documents = m_sample->isChecked() ? m_documents->value() : 0;
    request.options.seed = uint64_t(m_seed->value());
    request.options.minTokens = m_minTokens->value();
    request.options.removeProbability = m_removeProbability->value();
    request.options.terms = m_terms->value();
    request.llm.baseUrl = m_baseUrl->text().trimmed();
    request.llm.model = m_model->text().trimmed();
    request.llm.promptTemplate = m_prompt->toPlainText() == net::defaultQuestionPrompt() ? QString()
                                                                                        : m_prompt->toPlainText();
    request.llm.pricePerMillionTokens = m_price->value();
    request.llm.maxInFlight = m_inFlight->value();
    request.confirmAbove = m_confirmAbove->value();
    const int source = m_keySource->currentData().toInt();
    request.useKey = source != NoKey;
    request.keySource.environmentVariable = source == EnvironmentKey ? m_keyVariable->text().trimmed() : QString();
    request.keySource.keychainService = source == KeychainKey ? m_keychainService->text().trimmed() : QString();
    request.keySource.keychainEntry = m_keychainEntry->text().trimmed();
    return request;
}

void SynthDialog::setRequest(const SynthRequest &request)
{
    m_generator->setCurrentIndex(std::max(0, m_generator->findData(QString::fromStdString(request.options.generator))));
    m_perDocument->setValue(request.options.perDocument);
    m_sample->setChecked(request.options.documents > 0);
    if (request.options.documents > 0)
        m_documents->setValue(int(request.options.documents));
    m_seed->setValue(int(std::min<uint64_t>(request.options.seed, uint64_t(std::numeric_limits<int>::max()))));
    m_minTokens->setValue(request.options.minTokens);
    m_removeProbability->setValue(request.options.removeProbability);
    m_terms->setValue(request.options.terms);
    m_baseUrl->setText(request.llm.baseUrl);
    m_model->setText(request.llm.model);
    m_prompt->setPlainText(request.llm.promptTemplate.isEmpty() ? net::defaultQuestionPrompt()
                                                                : request.llm.promptTemplate);
    m_price->setValue(request.llm.pricePerMillionTokens);
    m_inFlight->setValue(request.llm.maxInFlight);
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
    if (!request.name.isEmpty()) {
        m_name->setText(request.name);
        m_nameEdited = true;
    }
    onGeneratorChanged();
}

void SynthDialog::validate()
{
    const int source = m_keySource->currentData().toInt();
    m_keyVariable->setEnabled(source == EnvironmentKey);
    m_keychainService->setEnabled(source == KeychainKey);
    m_keychainEntry->setEnabled(source == KeychainKey);
    const SynthRequest current = request();
    QString problem = GeneratedSetStore::nameProblem(current.name);
    if (problem.isEmpty() && m_taken.contains(current.name))
        problem = tr("There is already a set named \"%1\".").arg(current.name);
    if (problem.isEmpty() && current.options.generator == "llm") {
        if (current.llm.model.isEmpty())
            problem = tr("Enter the chat model's name.");
        else if (source == EnvironmentKey && current.keySource.environmentVariable.isEmpty())
            problem = tr("Enter the name of the environment variable that holds the key.");
        else if (source == KeychainKey &&
                 (current.keySource.keychainService.isEmpty() || current.keySource.keychainEntry.isEmpty()))
            problem = tr("Enter the keychain service and entry of the key.");
        else {
            net::LlmGeneratorSettings settings = current.llm;
            settings.questionsPerDocument = current.options.perDocument;
            if (engine::Status valid = net::LlmQueryGenerator(settings, net::ApiKey()).validate(); !valid)
                problem = QString::fromStdString(valid.error().message);
        }
    }
    m_problem = problem;
    m_problemLabel->setText(problem);
    m_problemLabel->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace embtune::gui
