#pragma once
// The Runs tab: the training runs of a TrainingRunsModel in a table (status, a progress bar,
// epoch, loss, dev nDCG@10, examples per second, a cancel button per queued or running run),
// the number of runs allowed at once, and the live chart of the selected run. Shows what the
// model holds and emits requests; the app acts on them.

#include <QWidget>

class QLabel;
class QSpinBox;
class QSplitter;
class QTableView;
class QToolBar;
class QToolButton;

namespace embtune::widgets {

class TrainingChartView;
class TrainingRunsModel;

class TrainingRunsPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxConcurrentLimit = 16;

    explicit TrainingRunsPanel(QWidget *parent = nullptr);

    // The model must outlive the panel.
    void setModel(TrainingRunsModel *model);
    TrainingRunsModel *model() const { return m_model; }

    // Without emitting maxConcurrentChanged.
    void setMaxConcurrent(int runs);
    int maxConcurrent() const;

    // Selects run `key` (its row and its chart); false when it is not listed.
    bool selectRun(const QString &key);
    QString currentRunKey() const;

    QTableView *view() const { return m_view; }
    QToolBar *toolBar() const { return m_toolBar; }
    TrainingChartView *chart() const { return m_chart; }
    QSplitter *splitter() const { return m_splitter; }
    // The cancel button of run `key`; null when the run is not queued or running.
    QToolButton *cancelButton(const QString &key) const;

signals:
    void cancelRequested(const QString &key);
    void maxConcurrentChanged(int runs);
    void currentRunChanged(const QString &key);
    // A run was double-clicked (e.g. to show it in the comparison).
    void runActivated(const QString &key);

private:
    void updateCancelButtons();
    void onCurrentChanged();

    TrainingRunsModel *m_model = nullptr;
    QToolBar *m_toolBar = nullptr;
    QSpinBox *m_maxConcurrent = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_view = nullptr;
    TrainingChartView *m_chart = nullptr;
    QSplitter *m_splitter = nullptr;
};

} // namespace embtune::widgets
