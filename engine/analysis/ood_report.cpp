#include "analysis/ood_report.h"

#include "eval/retrieval_evaluation.h"

#include <chrono>

namespace embtune::engine {
namespace {

RowMatrixXf unitRows(const EmbeddingSet &embeddings, const std::vector<int32_t> &queries)
{
    RowMatrixXf out(int64_t(queries.size()), embeddings.dim());
    for (size_t i = 0; i < queries.size(); ++i)
        out.row(int64_t(i)) = embeddings.queries.map().row(queries[i]);
    return normalizedRows(ConstMatrixMap(out.data(), out.rows(), out.cols()));
}

std::vector<int32_t> withVector(const EmbeddingSet &embeddings, const std::vector<int32_t> &queries)
{
    std::vector<int32_t> out;
    for (int32_t q : queries)
        if (q >= 0 && q < embeddings.queries.rows() && embeddings.hasQuery(q))
            out.push_back(q);
    return out;
}

} // namespace

int32_t OodReport::testQueries(int cluster) const
{
    int32_t count = 0;
    for (int32_t c : testCluster)
        count += c == cluster ? 1 : 0;
    return count;
}

std::vector<double> OodReport::values(const MetricResults &run, int cluster, Metric metric, int k) const
{
    std::vector<double> out;
    if (!run.has(metric, k))
        return out;
    const std::vector<double> &all = run.values(metric, k);
    for (size_t i = 0; i < testCluster.size() && i < all.size(); ++i)
        if (testCluster[i] == cluster)
            out.push_back(all[i]);
    return out;
}

double OodReport::mean(const MetricResults &run, int cluster, Metric metric, int k) const
{
    const std::vector<double> v = values(run, cluster, metric, k);
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? 0.0 : sum / double(v.size());
}

Result<OodReport> oodReport(const Dataset &dataset, const EmbeddingSet &embeddings, const Method &method,
                            const ParamValues &params, const std::vector<int32_t> &trainQueries,
                            const std::vector<int32_t> &devQueries, const OodOptions &options, Progress *progress)
{
    const std::vector<int32_t> train = withVector(embeddings, trainQueries);
    const std::vector<int32_t> dev = withVector(embeddings, devQueries);
    if (train.size() < 2)
        return Error::input("the out-of-distribution report needs at least 2 train queries with a vector");

    KMeansOptions kmeansOptions = options.kmeans;
    kmeansOptions.k = 2;
    const RowMatrixXf trainRows = unitRows(embeddings, train);
    auto clusters = kmeans(ConstMatrixMap(trainRows.data(), trainRows.rows(), trainRows.cols()), kmeansOptions, progress);
    if (!clusters)
        return clusters.error();

    OodReport report;
    report.method = method.spec().id;
    report.objectiveHistory = clusters->objectiveHistory;
    TrainingData data;
    data.dataset = &dataset;
    data.embeddings = &embeddings;
    data.threads = options.threads;
    data.seed = options.methodSeed;
    data.experts = options.experts;
    for (size_t i = 0; i < train.size(); ++i) {
        ++report.trainQueries[size_t(clusters->assignments[i])];
        if (clusters->assignments[i] == 0)
            data.trainQueries.push_back(train[i]);
    }
    if (!dev.empty()) {
        const RowMatrixXf devRows = unitRows(embeddings, dev);
        const std::vector<int32_t> devCluster =
            nearestCentroids(ConstMatrixMap(devRows.data(), devRows.rows(), devRows.cols()), clusters->centroids);
        for (size_t i = 0; i < dev.size(); ++i) {
            ++report.devQueries[size_t(devCluster[i])];
            if (devCluster[i] == 0)
                data.devQueries.push_back(dev[i]);
        }
    }
    data.trainQrels = dataset.judgementsFor(data.trainQueries);
    data.devQrels = dataset.judgementsFor(data.devQueries);
    if (data.trainQrels.queries.empty())
        return Error::input("no train query of cluster 0 has judgements");

    const auto started = std::chrono::steady_clock::now();
    auto model = method.fit(data, params, progress);
    if (!model)
        return model.error();
    report.fitSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.fitReport = (*model)->reportJson();

    EmbeddingSet tuned = embeddings;
    tuned.docs = (*model)->tunedDocuments();
    tuned.queries = FloatMatrix((*model)->transformDatasetQueries(dataset, embeddings.queries.map()));

    EvaluationOptions evaluation;
    evaluation.split = options.split;
    evaluation.ks = options.ks;
    evaluation.metrics = options.metrics;
    evaluation.threads = options.threads;
    auto baseline = evaluateEmbeddings(dataset, embeddings, evaluation, progress);
    if (!baseline)
        return baseline.error();
    evaluation.similarity = (*model)->similarity();
    auto after = evaluateEmbeddings(dataset, tuned, evaluation, progress);
    if (!after)
        return after.error();
    report.baseline = std::move(baseline->metrics);
    report.tuned = std::move(after->metrics);

    const std::vector<int32_t> &test = report.baseline.queries;
    const RowMatrixXf testRows = unitRows(embeddings, test);
    report.testCluster =
        nearestCentroids(ConstMatrixMap(testRows.data(), testRows.rows(), testRows.cols()), clusters->centroids);
    return report;
}

} // namespace embtune::engine
