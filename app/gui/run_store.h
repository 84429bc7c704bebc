#pragma once
// RunStore owns the runs of the comparison: each run's record (report, vectors, model, spec) by
// key, their order and table values (the MetricsTableModel the compare view shows), the current
// run and the last evaluation. Areas add runs (evaluation, training, workspace restore), the
// compare controller presents them, the workspace controller records them. GUI thread.

#include "eval/retrieval_evaluation.h"
#include "jobs/run_jobs.h"
#include "run/run_pipeline.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <string>

namespace embtune::widgets {
class MetricsTableModel;
}

namespace embtune::gui {

// A run of the comparison, beyond what the metrics model shows.
struct RunRecord {
    QString name;
    QString description;                                  // what ran (plain text lines)
    QString reportJson;                                   // fit report of a trained run
    std::shared_ptr<const engine::EvaluationReport> report;
    std::shared_ptr<const engine::EmbeddingSet> tuned;    // tuned vectors of a trained run
    std::shared_ptr<const engine::TunedModel> model;      // fitted model of a trained run (adapter export)
    std::shared_ptr<const HnswEvaluation> hnsw;           // index and ANN recall of an HNSW evaluation
    // For the analysis view: the set the run searched (null for BM25) and, for a trained run,
    // what the OOD report refits.
    std::shared_ptr<const engine::EmbeddingSet> base;
    QString methodId, trainQueriesFile, devQueriesFile;
    std::map<std::string, std::string> params;
    engine::Similarity similarity = engine::Similarity::Cosine;
    QString specJson; // engine::runSpecToJson of the run (stored in the workspace); empty: unknown
    QStringList warnings; // non-fatal problems of the evaluation (shown with the run)
    // The engine's run: what a fusion ranks with (engine::rankWithRun). Null for runs restored
    // from a workspace, which hold figures only.
    std::shared_ptr<const engine::RunResult> run;
};

// nDCG@10 of `report` as the table shows it ("0.6629"), "-" when not computed.
QString ndcg10Text(const engine::EvaluationReport &report);

class RunStore : public QObject {
    Q_OBJECT
public:
    explicit RunStore(QObject *parent = nullptr);

    // Key of the evaluation of embedding set `setKey` on `split`: "eval:<set key>|<split>[|hnsw]".
    static QString evaluationKey(const QString &setKey, const QString &split, bool hnsw = false);
    // The set key of an evaluation key; empty for other runs.
    static QString setKeyOfEvaluation(const QString &runKey);
    // A key "train:<n>" for a trained run no run has yet.
    QString newTrainedRunKey();

    // The table of runs x (metric, k) in comparison order (owned).
    widgets::MetricsTableModel *metricsModel() const { return m_model; }

    // Adds (or replaces) run `key` evaluated on `split`; runAdded(). Returns `key`.
    QString add(const QString &key, RunRecord record, const QString &split);
    // Removes run `key`; false when there is none.
    bool remove(const QString &key);
    // Removes every run; cleared(reason): `reason` says what to do next (the comparison's hint).
    void clear(const QString &reason);

    const RunRecord *find(const QString &key) const;
    // The record to amend in place (a saved index noted in its description); null when absent.
    RunRecord *findMutable(const QString &key);
    bool contains(const QString &key) const { return m_runs.contains(key); }
    QStringList keys() const; // in table order
    QString splitOf(const QString &key) const;
    // Names already taken by runs whose name starts with `name` ("name", "name #2"): the name
    // for one more, numbered when taken.
    QString uniqueName(const QString &name) const;

    // Tells the views that the record of `key` was amended in place (runChanged).
    void notifyChanged(const QString &key) { emit runChanged(key); }

    // The run the user selected (run details, exports); empty when none.
    QString currentKey() const { return m_current; }
    // Selects run `key` (empty: none); false (nothing changes) when there is no such run.
    bool setCurrentKey(const QString &key);

    // The last evaluation (of a set, BM25 or a tuned run); null after clear().
    std::shared_ptr<const engine::EvaluationReport> lastEvaluation() const { return m_lastEvaluation; }
    void setLastEvaluation(std::shared_ptr<const engine::EvaluationReport> report);

signals:
    void runAdded(const QString &key, const QString &split);
    void runRemoved(const QString &key);
    void runChanged(const QString &key);
    void cleared(const QString &reason);
    void currentChanged(const QString &key);

private:
    widgets::MetricsTableModel *m_model;
    QHash<QString, RunRecord> m_runs;
    QString m_current;
    int m_trainCount = 0;
    std::shared_ptr<const engine::EvaluationReport> m_lastEvaluation;
};

} // namespace embtune::gui
