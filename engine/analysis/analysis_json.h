#pragma once
// JSON forms of the analysis results, written into a caller's JsonWriter as one value each
// (an object), so the CLI and reports compose them. Keys are snake_case; numbers are doubles
// or integers as in the structs.

#include "analysis/anisotropy.h"
#include "analysis/ood_report.h"
#include "analysis/similarity_histogram.h"
#include "io/json_writer.h"

namespace embtune::engine {

// {rows, dim, average_pair_cosine, average_centroid_cosine, partition_isotropy,
//  effective_rank, explained_variance_top1, explained_variance_top5, explained_variance_top10}
void writeAnisotropy(JsonWriter &w, const AnisotropyStats &stats);
// {count, mean, min, max, lo, hi, bin_width, counts: [...]}
void writeHistogram(JsonWriter &w, const Histogram &histogram);
// {queries, relevant: histogram, random: histogram, top_non_relevant: histogram}
void writeSimilarityDistributions(JsonWriter &w, const SimilarityDistributions &distributions);
// {method, fit_seconds, train_queries: [c0, c1], dev_queries: [c0, c1], kmeans_objective: [...],
//  clusters: [{cluster, test_queries, baseline: {metric@k: mean}, tuned: {...}}, x2], fit: "..."}
void writeOodReport(JsonWriter &w, const OodReport &report, const std::vector<Metric> &metrics,
                    const std::vector<int> &ks);

} // namespace embtune::engine
