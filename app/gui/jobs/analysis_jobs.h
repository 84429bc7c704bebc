#pragma once
// Worker-thread jobs of the analysis view (QtConcurrent::run on the global pool; results as
// std::shared_ptr<const T>; `progress` carries cancellation and must outlive the future, see
// engine_jobs.h). A cancelled job finishes with error->code == Cancelled and no value.

#include "analysis/ood_report.h"
#include "jobs/engine_jobs.h"
#include "run_analysis.h"

#include <QFuture>
#include <QString>

#include <map>
#include <memory>
#include <string>

namespace embtune::gui {

class JobProgress;

// What to analyse: `base` is the set the run searched ("before"); `tuned` its tuned vectors
// ("after", same dataset; null for a baseline run).
struct AnalysisSpec {
    std::shared_ptr<const engine::Dataset> dataset;
    std::shared_ptr<const engine::EmbeddingSet> base;
    std::shared_ptr<const engine::EmbeddingSet> tuned;
    QString runName, methodId;
    std::string split;
    engine::Similarity tunedSimilarity = engine::Similarity::Cosine; // ranks the tuned top-10 non-relevant
    engine::SimilarityHistogramOptions histograms;                   // bins, random pairs, seed
};

// What the OOD report refits: the method and its parameters on the run's query lists.
struct OodSpec {
    std::shared_ptr<const engine::Dataset> dataset;
    std::shared_ptr<const engine::EmbeddingSet> base;
    std::string methodId;
    std::map<std::string, std::string> params; // missing ones take the schema's defaults
    QString trainQueriesFile, devQueriesFile;   // one query id per line
    std::string split = "test";
    uint64_t seed = 0;                          // k-means seed
};

using AnalysisJobResult = JobResult<widgets::RunAnalysis>;
using OodJobResult = JobResult<engine::OodReport>;

// Anisotropy of the documents and queries (with a vector), the cosine histograms of the split
// before (and after), the PCA plane fitted on the base documents and queries and applied to
// every matrix, and the moved documents and queries. Cancellable between steps and inside the
// histograms' search. Errors: the engine's (no judged query with a vector in the split, ...).
AnalysisJobResult analyzeRun(const AnalysisSpec &spec, JobProgress *progress);
QFuture<AnalysisJobResult> analyzeRunAsync(AnalysisSpec spec, JobProgress *progress);

// engine::oodReport for the method with its parameters (k-means k = 2 on the train queries).
QFuture<OodJobResult> oodReportAsync(OodSpec spec, JobProgress *progress);

} // namespace embtune::gui
