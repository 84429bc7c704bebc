#pragma once
// What the analysis view shows for one run (METHODS.md "Analysis"), computed on a worker thread
// (app/gui/jobs/analysis_jobs) and handed to the GUI thread as std::shared_ptr<const RunAnalysis>.
// "Before" is the black-box embedding set the run searched; "after" the run's tuned vectors
// (absent for a baseline run).

#include "analysis/anisotropy.h"
#include "analysis/similarity_histogram.h"
#include "data/dataset.h"

#include <QPointF>
#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace embtune::widgets {

struct RunAnalysis {
    QString runName;
    QString methodId;        // empty for a baseline run
    std::string split;       // qrels split of the histograms
    bool hasAfter = false;   // tuned vectors were analysed

    // Anisotropy of the document vectors and of the query vectors (queries with a vector only).
    engine::AnisotropyStats documentsBefore, queriesBefore, documentsAfter, queriesAfter;
    // cos(q, d) distributions over the split's judged queries.
    engine::SimilarityDistributions similarityBefore, similarityAfter;

    // The PCA plane fitted once on the base documents and queries and applied to every matrix.
    std::array<double, 2> varianceShare{};   // of the fitted rows' total variance, per axis
    int64_t projectionSampledRows = 0;       // rows the plane was fitted on when sampled; 0 = all
    // docCount points each; documentsAfter2d is empty when there is no "after" in the same
    // dimension (then nothing moved).
    std::vector<QPointF> documentsBefore2d, documentsAfter2d;
    std::vector<int32_t> queries;            // dense indices of the queries drawn (those with a vector)
    std::vector<QPointF> queriesBefore2d, queriesAfter2d; // per entry of `queries` (after: may be empty)
    std::vector<int32_t> movedDocuments;     // dense document indices whose vector changed
    std::vector<int32_t> movedQueries;       // entries of `queries` whose vector changed

    // Ids, texts and qrels (relevance to the selected query, over every split).
    std::shared_ptr<const engine::Dataset> dataset;
    double seconds = 0;                      // time the analysis took
};

} // namespace embtune::widgets
