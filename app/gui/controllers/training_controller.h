#pragma once
// TrainingController owns training: the Train dialog, the queue of training runs (the Runs tab:
// status, progress, cancel, live chart, runs at once), adding a finished run and its baseline to
// the RunStore, and exporting tuned vectors.

#include "gui_context.h"
#include "io/vector_file.h"
#include "jobs/engine_jobs.h"
#include "jobs/run_jobs.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <map>
#include <memory>
#include <string>

class QAction;

namespace embtune::widgets {
class TrainingRunsPanel;
}

namespace embtune::gui {

// What to train (the Train dialog's result; also the command-line runner's --train).
struct TrainRequest {
    QString methodId;                          // e.g. "nudge-n"
    std::map<std::string, std::string> params; // name=value; missing ones take the schema's defaults
    QString trainQueriesFile, devQueriesFile;  // empty: the dataset's splits/train.txt, splits/dev.txt
    QString split;                             // empty: the current split
    QStringList expertKeys;                    // EmbeddingSetStore keys of expert sets (soft-label)
    // Name of a generated query set whose queries train (embedded like the set's queries; see
    // generatedTrainingProblem()); empty: the labelled training queries only. Dev: the dev file,
    // or held-out generated queries when the dataset has none.
    QString generatedSet;
    bool withLabelled = false;                 // with generatedSet: the labelled training queries train too
};

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(const GuiContext &context, QObject *parent = nullptr);

    widgets::TrainingRunsPanel *runsPanel() const { return m_panel; }
    QAction *trainAction() const { return m_train; }
    QAction *clearEndedRunsAction() const { return m_clearEnded; }
    QAction *exportTunedAction() const { return m_exportTuned; }

    // Queues a training run on the selected set (Runs tab); when it finishes, its baseline and
    // the tuned run are added to the RunStore (trainingFinished). Returns false (errorShown) when
    // the request is invalid; trainingQueued gives the run's key.
    bool train(const TrainRequest &request);
    // Cancels a queued or running training run; false when there is none with that key.
    bool cancelTraining(const QString &trainingKey);
    // Training runs that may run at once (QSettings "runs/maxConcurrent", default 1).
    void setMaxConcurrentRuns(int runs);
    int maxConcurrentRuns() const;
    bool hasActiveTraining() const;
    // Exports the tuned document (and query) vectors of run `runKey`.
    bool exportTunedVectors(const QString &runKey, engine::VectorFormat format, const QString &dir);
    // Opens the Train dialog (non-blocking).
    void showTrainDialog();

signals:
    // A training run was queued under `trainingKey` (a row of the TrainingRunsModel).
    void trainingQueued(const QString &trainingKey);
    // A training finished; `runKey` is its run in the RunStore.
    void trainingFinished(const QString &runKey);
    // A training run was cancelled (queued or running); nothing was added to the comparison.
    void trainingCancelled(const QString &trainingKey);
    void tunedVectorsExported(const QString &dir);
    // The Runs tab should be shown (a run was queued).
    void runsTabWanted();

private:
    // What a queued training run needs when it ends.
    struct Context {
        QString setKey, methodId;
        QStringList experts;
        std::shared_ptr<const engine::Dataset> dataset;
        QString trainQueriesFile, devQueriesFile;
        QString specJson;
    };

    void createActions();
    void updateActions();
    void chooseExportTuned();
    void onTrainingEnded(const QString &trainingKey, const TrainJobResult &result);
    // Adds the baseline of a finished run to the comparison, then (next event loop turn) the run
    // itself with addTrainedRun, which emits trainingFinished.
    void onTrained(const QString &trainingKey, const Context &context, const TrainJobResult &result);
    void addTrainedRun(const QString &trainingKey, const Context &context, const TrainJobResult &result);

    GuiContext m_ctx;
    widgets::TrainingRunsPanel *m_panel = nullptr;
    QAction *m_train = nullptr;
    QAction *m_clearEnded = nullptr;
    QAction *m_exportTuned = nullptr;
    QHash<QString, Context> m_contexts; // by training key, while queued or running
    int m_queuedCount = 0;
};

} // namespace embtune::gui
