#pragma once
// "Generate Training Queries": the generator (ict, title, keyphrase, or an OpenAI-compatible chat
// model) with its options, queries per document, all documents or a seeded sample, the seed and
// the set's name; for the llm generator the endpoint, model, prompt template (the default from
// resources/prompts, editable), where the API key comes from (environment variable, desktop
// keychain or none: never the key itself), the price for the cost estimate and the cost above
// which the job asks first. The Generate button is enabled only when the form is valid; the
// caller runs the job.

#include "jobs/synth_jobs.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace embtune::gui {

class SynthDialog : public QDialog {
    Q_OBJECT
public:
    enum KeySource { EnvironmentKey, KeychainKey, NoKey };

    // `documents`: the dataset's document count (the sample's upper bound); `takenNames`: names
    // the store already has (refused).
    SynthDialog(qint64 documents, const QStringList &takenNames, QWidget *parent = nullptr);

    SynthRequest request() const;
    void setRequest(const SynthRequest &request);
    // Why Generate is disabled (empty when it is enabled).
    QString problem() const { return m_problem; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void onGeneratorChanged();
    void validate();
    QString suggestedName() const;

    QStringList m_taken;
    QComboBox *m_generator = nullptr;
    QLineEdit *m_name = nullptr;
    bool m_nameEdited = false;
    QSpinBox *m_perDocument = nullptr;
    QCheckBox *m_sample = nullptr;
    QSpinBox *m_documents = nullptr;
    QSpinBox *m_seed = nullptr;
    QGroupBox *m_ictBox = nullptr;
    QSpinBox *m_minTokens = nullptr;
    QDoubleSpinBox *m_removeProbability = nullptr;
    QGroupBox *m_keyphraseBox = nullptr;
    QSpinBox *m_terms = nullptr;
    QGroupBox *m_llmBox = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QPlainTextEdit *m_prompt = nullptr;
    QComboBox *m_keySource = nullptr;
    QLineEdit *m_keyVariable = nullptr;
    QLineEdit *m_keychainService = nullptr;
    QLineEdit *m_keychainEntry = nullptr;
    QDoubleSpinBox *m_price = nullptr;
    QDoubleSpinBox *m_confirmAbove = nullptr;
    QSpinBox *m_inFlight = nullptr;
    QLabel *m_problemLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QString m_problem;
};

} // namespace embtune::gui
