#pragma once
// "Compute Embeddings via API": an OpenAI-compatible endpoint (base URL, model, optional
// dimensions), where the API key comes from (an environment variable, the desktop keychain or no
// key for local servers), the price per million tokens for the cost estimate and the cost above
// which the job asks first. The dialog never asks for, shows or stores the key itself. The caller
// runs the job.

#include "jobs/remote_jobs.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace embtune::gui {

class RemoteEmbedDialog : public QDialog {
    Q_OBJECT
public:
    enum KeySource { EnvironmentKey, KeychainKey, NoKey };

    explicit RemoteEmbedDialog(const QString &cacheRoot, QWidget *parent = nullptr);

    // The request of the form (valid when the OK button is enabled); settings.cacheDir is not set.
    RemoteRequest request() const;
    void setRequest(const RemoteRequest &request);

    // Why Compute is disabled (empty when it is enabled).
    QString problem() const { return m_problem; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void validate();

    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QSpinBox *m_dimensions = nullptr;
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
