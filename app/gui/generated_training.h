#pragma once
// Training on a generated query set: whether a set's embedder can embed new queries alike (the
// built-in LSA with its model, or the set's API), and what a run spec needs for it (the
// generated queries, the query embedder, dev from held-out generated queries when there is no
// dev file).

#include "jobs/run_jobs.h"

#include <QString>

class QSettings;

namespace embtune::widgets {
struct EmbeddingSetRow;
}

namespace embtune::gui {

class GeneratedSetList;

// Why the set of `row` cannot train on generated queries (empty when it can).
QString generatedTrainingProblem(const widgets::EmbeddingSetRow *row);

// Sets `run` to train on generated set `setName` (with the labelled training queries too when
// `withLabelled`) on the set of `row`, and `note` to a line for the run's description. Returns
// the error to show (empty on success). `settings`: the remote embedding settings;
// `cacheRoot`: the embedding cache folder.
QString applyGeneratedQueries(GeneratedSetList &sets, const widgets::EmbeddingSetRow &row, const QSettings &settings,
                              const QString &cacheRoot, const QString &setName, bool withLabelled, RunRequest &run,
                              QString *note);

} // namespace embtune::gui
