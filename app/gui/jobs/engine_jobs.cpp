#include "jobs/engine_jobs.h"

#include "data/beir_reader.h"
#include "jobs/job_progress.h"

#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>
#include <new>

namespace embtune::gui {

namespace {

std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

QStringList toStringList(const std::vector<std::string> &lines)
{
    QStringList out;
    out.reserve(qsizetype(lines.size()));
    for (const std::string &line : lines)
        out.append(QString::fromStdString(line));
    return out;
}

// Runs `call` (returning engine::Result<T>) and wraps the outcome; exceptions escaping the
// engine (allocation failure) become Internal errors instead of crossing into QtConcurrent.
template <typename T, typename Call>
JobResult<T> runEngineCall(JobProgress *progress, Call &&call)
{
    JobResult<T> out;
    if (progress && progress->isCancelled()) {
        out.error = engine::Error::cancelled();
        return out;
    }
    const auto started = std::chrono::steady_clock::now();
    try {
        engine::Result<T> result = call(out);
        if (result.ok())
            out.value = std::make_shared<const T>(std::move(result).value());
        else
            out.error = result.error();
    } catch (const std::bad_alloc &) {
        out.error = engine::Error{engine::ErrorCode::Internal, "out of memory", {}, -1};
    } catch (const std::exception &e) {
        out.error = engine::Error{engine::ErrorCode::Internal, std::string("unexpected error: ") + e.what(), {}, -1};
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace

QFuture<DatasetJobResult> loadDatasetAsync(const QString &dir, JobProgress *progress)
{
    return QtConcurrent::run([dir, progress]() {
        return runEngineCall<engine::Dataset>(progress, [&](DatasetJobResult &out) {
            engine::Progress engineProgress(progress ? progress->callback() : engine::ProgressCallback());
            engine::LoadReport report;
            auto dataset = engine::readBeirDataset(localPath(dir), &report, &engineProgress);
            out.warnings = toStringList(report.warnings);
            return dataset;
        });
    });
}

QFuture<EmbeddingsJobResult> importEmbeddingsAsync(const QString &dir, std::shared_ptr<const engine::Dataset> dataset,
                                                   JobProgress *progress)
{
    return QtConcurrent::run([dir, dataset = std::move(dataset), progress]() {
        return runEngineCall<engine::EmbeddingSet>(progress, [&](EmbeddingsJobResult &out) {
            auto set = engine::readNpyEmbeddingSet(localPath(dir), *dataset);
            if (set.ok()) {
                int64_t missing = 0;
                for (char has : set->hasQueryVector)
                    missing += has ? 0 : 1;
                if (missing > 0)
                    out.warnings.append(QStringLiteral("%1 of %2 queries have no vector")
                                            .arg(missing)
                                            .arg(dataset->queryCount()));
            }
            return set;
        });
    });
}

QFuture<EvaluationJobResult> evaluateAsync(std::shared_ptr<const engine::Dataset> dataset,
                                           std::shared_ptr<const engine::EmbeddingSet> embeddings,
                                           engine::EvaluationOptions options, JobProgress *progress)
{
    return QtConcurrent::run(
        [dataset = std::move(dataset), embeddings = std::move(embeddings), options = std::move(options), progress]() {
            return runEngineCall<engine::EvaluationReport>(progress, [&](EvaluationJobResult &out) {
                engine::Progress engineProgress(progress ? progress->callback() : engine::ProgressCallback());
                auto report = engine::evaluateEmbeddings(*dataset, *embeddings, options, &engineProgress);
                if (report.ok())
                    out.warnings = toStringList(report->warnings);
                return report;
            });
        });
}

} // namespace embtune::gui
