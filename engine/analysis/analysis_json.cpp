#include "analysis/analysis_json.h"

namespace embtune::engine {
namespace {

void field(JsonWriter &w, const char *name, double value)
{
    w.key(name);
    w.value(value);
}

} // namespace

void writeAnisotropy(JsonWriter &w, const AnisotropyStats &stats)
{
    w.beginObject();
    w.key("rows");
    w.value(stats.rows);
    if (stats.sampledRows > 0) { // I(W), effective rank and explained variances from this many rows
        w.key("sampled_rows");
        w.value(stats.sampledRows);
    }
    w.key("dim");
    w.value(stats.dim);
    field(w, "average_pair_cosine", stats.averagePairCosine);
    field(w, "average_centroid_cosine", stats.averageCentroidCosine);
    field(w, "partition_isotropy", stats.partitionIsotropy);
    field(w, "effective_rank", stats.effectiveRank);
    field(w, "explained_variance_top1", stats.explainedVariance1);
    field(w, "explained_variance_top5", stats.explainedVariance5);
    field(w, "explained_variance_top10", stats.explainedVariance10);
    w.endObject();
}

void writeHistogram(JsonWriter &w, const Histogram &histogram)
{
    w.beginObject();
    w.key("count");
    w.value(histogram.count);
    field(w, "mean", histogram.mean);
    field(w, "min", histogram.minimum);
    field(w, "max", histogram.maximum);
    field(w, "lo", histogram.lo);
    field(w, "hi", histogram.hi);
    field(w, "bin_width", histogram.binWidth());
    w.key("counts");
    w.beginArray();
    for (int64_t c : histogram.counts)
        w.value(c);
    w.endArray();
    w.endObject();
}

void writeSimilarityDistributions(JsonWriter &w, const SimilarityDistributions &distributions)
{
    w.beginObject();
    w.key("queries");
    w.value(distributions.queries);
    w.key("relevant");
    writeHistogram(w, distributions.relevant);
    w.key("random");
    writeHistogram(w, distributions.random);
    w.key("top_non_relevant");
    writeHistogram(w, distributions.hardNegative);
    w.endObject();
}

void writeOodReport(JsonWriter &w, const OodReport &report, const std::vector<Metric> &metrics,
                    const std::vector<int> &ks)
{
    w.beginObject();
    w.key("method");
    w.value(report.method);
    field(w, "fit_seconds", report.fitSeconds);
    for (const auto &[name, counts] : {std::pair<const char *, const std::array<int32_t, 2> *>{"train_queries",
                                                                                            &report.trainQueries},
                                       {"dev_queries", &report.devQueries}}) {
        w.key(name);
        w.beginArray();
        for (int32_t c : *counts)
            w.value(c);
        w.endArray();
    }
    w.key("kmeans_objective");
    w.beginArray();
    for (double v : report.objectiveHistory)
        w.value(v);
    w.endArray();
    w.key("clusters");
    w.beginArray();
    for (int cluster = 0; cluster < 2; ++cluster) {
        w.beginObject();
        w.key("cluster");
        w.value(cluster);
        w.key("role");
        w.value(cluster == 0 ? "in-distribution" : "out-of-distribution");
        w.key("test_queries");
        w.value(report.testQueries(cluster));
        for (const auto &[label, run] : {std::pair<const char *, const MetricResults *>{"baseline", &report.baseline},
                                         {"tuned", &report.tuned}}) {
            w.key(label);
            w.beginObject();
            for (Metric m : metrics)
                for (int k : ks) {
                    w.key(std::string(metricKey(m)) + "@" + std::to_string(k));
                    w.value(report.mean(*run, cluster, m, k));
                }
            w.endObject();
        }
        w.endObject();
    }
    w.endArray();
    w.key("fit");
    w.value(report.fitReport);
    w.endObject();
}

} // namespace embtune::engine
