#pragma once
// Engine calls run on the global QThreadPool (QtConcurrent::run). Each returns a future whose
// single result is a JobResult; inputs and outputs cross threads as std::shared_ptr<const T>.
// `progress` receives the engine's progress reports and carries cancellation; it must outlive
// the future (see JobProgress).

#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace embtune::gui {

class JobProgress;

template <typename T>
struct JobResult {
    std::shared_ptr<const T> value;      // set on success
    std::optional<engine::Error> error;  // set on failure or cancellation
    QStringList warnings;                // non-fatal problems (skipped qrels, excluded queries)
    double seconds = 0;                  // wall time of the engine call

    bool ok() const { return value != nullptr; }
    bool cancelled() const { return error && error->code == engine::ErrorCode::Cancelled; }
};

using DatasetJobResult = JobResult<engine::Dataset>;
using EmbeddingsJobResult = JobResult<engine::EmbeddingSet>;
using EvaluationJobResult = JobResult<engine::EvaluationReport>;

// readBeirDataset(dir).
QFuture<DatasetJobResult> loadDatasetAsync(const QString &dir, JobProgress *progress);

// readNpyEmbeddingSet(dir, *dataset). Not cancellable once started (the engine call takes no
// Progress); a cancel before it starts is honoured.
QFuture<EmbeddingsJobResult> importEmbeddingsAsync(const QString &dir, std::shared_ptr<const engine::Dataset> dataset,
                                                   JobProgress *progress);

// evaluateEmbeddings(*dataset, *embeddings, options).
QFuture<EvaluationJobResult> evaluateAsync(std::shared_ptr<const engine::Dataset> dataset,
                                           std::shared_ptr<const engine::EmbeddingSet> embeddings,
                                           engine::EvaluationOptions options, JobProgress *progress);

} // namespace embtune::gui
