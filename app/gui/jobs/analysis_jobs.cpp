#include "jobs/analysis_jobs.h"

#include "analysis/anisotropy.h"
#include "analysis/pca_projection.h"
#include "data/beir_reader.h"
#include "gui_text.h"
#include "jobs/job_progress.h"
#include "methods/method.h"
#include "search/ranking.h"

#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>
#include <new>

namespace embtune::gui {

namespace {

// Runs `call` and wraps its Result (or an escaping exception) into a JobResult.
// Rows of the queries that have a vector, and their dense indices.
engine::RowMatrixXf queriesWithVector(const engine::EmbeddingSet &set, const engine::FloatMatrix &queries,
                                      std::vector<int32_t> *indices)
{
    std::vector<int32_t> rows;
    for (int32_t q = 0; q < int32_t(queries.rows()); ++q)
        if (set.hasQuery(q))
            rows.push_back(q);
    engine::RowMatrixXf out(int64_t(rows.size()), queries.cols());
    for (size_t r = 0; r < rows.size(); ++r)
        out.row(int64_t(r)) = queries.map().row(rows[r]);
    if (indices)
        *indices = std::move(rows);
    return out;
}

engine::ConstMatrixMap mapOf(const engine::RowMatrixXf &m)
{
    return engine::ConstMatrixMap(m.data(), m.rows(), m.cols());
}

std::vector<QPointF> pointsOf(const engine::RowMatrixXf &projected)
{
    std::vector<QPointF> out(size_t(projected.rows()));
    for (int64_t r = 0; r < projected.rows(); ++r)
        out[size_t(r)] = QPointF(projected(r, 0), projected(r, 1));
    return out;
}

engine::Result<widgets::RunAnalysis> analyze(const AnalysisSpec &spec, JobProgress *jobProgress)
{
    if (!spec.dataset || !spec.base)
        return engine::Error::usage("nothing to analyse: the run has no embedding vectors (BM25?)");
    const auto started = std::chrono::steady_clock::now();
    const engine::Dataset &dataset = *spec.dataset;
    const engine::EmbeddingSet &base = *spec.base;
    engine::Progress progress(jobProgress ? jobProgress->callback() : engine::ProgressCallback());
    const int steps = spec.tuned ? 6 : 3;
    int step = 0;
    auto next = [&](const char *phase) { return progress.step(phase, step++, steps); };

    widgets::RunAnalysis out;
    out.runName = spec.runName;
    out.methodId = spec.methodId;
    out.split = spec.split;
    out.dataset = spec.dataset;
    out.hasAfter = spec.tuned != nullptr;

    const engine::Qrels *splitQrels = dataset.split(spec.split);
    if (!splitQrels)
        return engine::Error::input("the dataset has no split \"" + spec.split + "\"", dataset.path);
    engine::Qrels qrels; // judged queries of the split with a vector
    for (const engine::QueryJudgements &q : splitQrels->queries)
        if (base.hasQuery(q.query))
            qrels.queries.push_back(q);
    const std::vector<int32_t> tiePriority = engine::tiePriorityByIdDescending(dataset.docIds.ids());

    // Before.
    if (!next("anisotropy"))
        return engine::Error::cancelled();
    const engine::RowMatrixXf baseQueries = queriesWithVector(base, base.queries, &out.queries);
    auto docsBefore = engine::computeAnisotropy(base.docs.map());
    if (!docsBefore)
        return docsBefore.error();
    out.documentsBefore = *docsBefore;
    auto queriesBefore = engine::computeAnisotropy(mapOf(baseQueries));
    if (!queriesBefore)
        return queriesBefore.error();
    out.queriesBefore = *queriesBefore;
    if (!next("similarities"))
        return engine::Error::cancelled();
    engine::SimilarityHistogramOptions histograms = spec.histograms;
    histograms.ranking = engine::Similarity::Cosine;
    auto before = engine::similarityDistributions(base.queries, base.docs, qrels, tiePriority, histograms, &progress);
    if (!before)
        return before.error();
    out.similarityBefore = *before;

    // The plane of the base documents and queries.
    if (!next("projection"))
        return engine::Error::cancelled();
    auto pca = engine::PcaProjection::fit({base.docs.map(), mapOf(baseQueries)}, 2);
    if (!pca)
        return pca.error();
    for (int c = 0; c < 2; ++c)
        out.varianceShare[size_t(c)] = pca->totalVariance() > 0 ? pca->variances()(c) / pca->totalVariance() : 0;
    out.projectionSampledRows = pca->sampledRows();
    out.documentsBefore2d = pointsOf(pca->apply(base.docs.map()));
    out.queriesBefore2d = pointsOf(pca->apply(mapOf(baseQueries)));

    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!spec.tuned)
        return out;
    // After.
    const engine::EmbeddingSet &tuned = *spec.tuned;
    if (tuned.docs.rows() != base.docs.rows() || tuned.queries.rows() != base.queries.rows())
        return engine::Error::usage("the tuned vectors do not match the embedding set's documents and queries");
    if (!next("anisotropy after"))
        return engine::Error::cancelled();
    const engine::RowMatrixXf tunedQueries = queriesWithVector(base, tuned.queries, nullptr);
    auto docsAfter = engine::computeAnisotropy(tuned.docs);
    if (!docsAfter)
        return docsAfter.error();
    out.documentsAfter = *docsAfter;
    auto queriesAfter = engine::computeAnisotropy(mapOf(tunedQueries));
    if (!queriesAfter)
        return queriesAfter.error();
    out.queriesAfter = *queriesAfter;
    if (!next("similarities after"))
        return engine::Error::cancelled();
    histograms.ranking = spec.tunedSimilarity;
    auto after = engine::similarityDistributions(tuned.queries, tuned.docs, qrels, tiePriority, histograms, &progress);
    if (!after)
        return after.error();
    out.similarityAfter = *after;
    if (!next("projection after"))
        return engine::Error::cancelled();
    if (tuned.dim() == base.dim()) {
        out.documentsAfter2d = pointsOf(pca->apply(tuned.docs));
        out.queriesAfter2d = pointsOf(pca->apply(mapOf(tunedQueries)));
        out.movedDocuments = engine::movedRows(base.docs, tuned.docs);
        out.movedQueries = engine::movedRows(mapOf(baseQueries), mapOf(tunedQueries));
    }
    progress.step("done", steps, steps);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace

AnalysisJobResult analyzeRun(const AnalysisSpec &spec, JobProgress *progress)
{
    return runJob<widgets::RunAnalysis>(progress, [&](auto &) { return analyze(spec, progress); });
}

QFuture<AnalysisJobResult> analyzeRunAsync(AnalysisSpec spec, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [spec = std::move(spec), progress] { return analyzeRun(spec, progress); });
}

QFuture<OodJobResult> oodReportAsync(OodSpec spec, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [spec = std::move(spec), progress] {
        return runJob<engine::OodReport>(progress, [&](auto &) -> engine::Result<engine::OodReport> {
            if (!spec.dataset || !spec.base)
                return engine::Error::usage("the OOD report needs a trained run's embedding set");
            const engine::Method *method = engine::findMethod(spec.methodId);
            if (!method)
                return engine::Error::usage("unknown method \"" + spec.methodId + "\"");
            auto params = engine::ParamValues::parse(method->spec(), spec.params);
            if (!params)
                return params.error();
            auto train = engine::readQueryIdList(localPath(spec.trainQueriesFile), *spec.dataset);
            if (!train)
                return train.error();
            auto dev = engine::readQueryIdList(localPath(spec.devQueriesFile), *spec.dataset);
            if (!dev)
                return dev.error();
            engine::OodOptions options;
            options.split = spec.split;
            options.kmeans.seed = spec.seed;
            engine::Progress engineProgress(callbackOf(progress));
            return engine::oodReport(*spec.dataset, *spec.base, *method, *params, *train, *dev, options,
                                     &engineProgress);
        });
    });
}

} // namespace embtune::gui
