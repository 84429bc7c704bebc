#pragma once
// Preferences (Edit > Settings, Ctrl+,): threads of the numeric kernels and HNSW builds, training
// runs at once, the default search backend, the largest unzipped archive, the API endpoints and
// the theme. Values only: the window reads them from values() when accepted and stores them in
// QSettings.

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace embtune::gui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    struct Values {
        int threads = 0;                 // 0: all cores
        int maxConcurrentRuns = 1;       // 1..widgets::TrainingRunsPanel::kMaxConcurrentLimit
        bool hnsw = false;               // default search backend: false exact, true HNSW
        QString embeddingsBaseUrl;       // OpenAI-compatible embeddings endpoint (remote/baseUrl)
        QString embeddingsModel;         // remote/model
        QString chatBaseUrl;             // chat completions endpoint of the llm query generator (llm/baseUrl)
        QString theme = QStringLiteral("system"); // "system", "light" or "dark"
        int maxUnzippedGiB = 64;         // largest total one archive may unzip to, GiB (default: engine::
                                         // kDefaultMaxUnzippedBytes); 1..kMaxUnzippedGiBLimit (gui_context.h)
    };

    SettingsDialog(const Values &values, int maxConcurrentLimit, QWidget *parent = nullptr);
    Values values() const;

private:
    QSpinBox *m_threads = nullptr;
    QSpinBox *m_runs = nullptr;
    QComboBox *m_search = nullptr;
    QLineEdit *m_embeddingsUrl = nullptr;
    QLineEdit *m_embeddingsModel = nullptr;
    QLineEdit *m_chatUrl = nullptr;
    QComboBox *m_theme = nullptr;
    QSpinBox *m_maxUnzipped = nullptr;
};

} // namespace embtune::gui
