#include "methods/mafin.h"

#include "io/json_writer.h"
#include "methods/training_support.h"
#include "train/hashed_text_encoder.h"
#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace embtune::engine {
namespace {

// Builds z for rows of black-box unit vectors `bb` and encoder outputs `theta`.
// mafin: [a bb ; b theta/|theta|]; lambda: [bb ; theta] / |[bb ; theta]|.
RowMatrixXf concatenate(const RowMatrixXf &bb, const RowMatrixXf &theta, bool lambda, float weightBb)
{
    RowMatrixXf z(bb.rows(), bb.cols() + theta.cols());
    const float a = lambda ? 1.0f : std::sqrt(weightBb), b = lambda ? 1.0f : std::sqrt(1.0f - weightBb);
    for (Eigen::Index i = 0; i < bb.rows(); ++i) {
        z.row(i).head(bb.cols()) = a * bb.row(i);
        const float norm = theta.row(i).norm();
        z.row(i).tail(theta.cols()) = lambda ? RowMatrixXf(theta.row(i)) : RowMatrixXf(theta.row(i) * (norm > 0 ? b / norm : 0.0f));
        if (lambda) {
            const float zn = z.row(i).norm();
            if (zn > 0)
                z.row(i) /= zn;
        }
    }
    return z;
}

// dL/dtheta from dL/dz (the theta part), for the z built above.
RowMatrixXf thetaGradient(const RowMatrixXf &bb, const RowMatrixXf &theta, const RowMatrixXf &z, const RowMatrixXf &gradZ,
                          bool lambda, float weightBb)
{
    const Eigen::Index dbb = bb.cols(), dt = theta.cols();
    RowMatrixXf out(theta.rows(), dt);
    for (Eigen::Index i = 0; i < theta.rows(); ++i) {
        if (lambda) {
            // z = u/|u|, u = [bb ; theta]: du = (dz - z (z . dz)) / |u|; theta part of du.
            const float unorm = std::sqrt(1.0f * bb.row(i).squaredNorm() + theta.row(i).squaredNorm());
            const float dot = z.row(i).dot(gradZ.row(i));
            out.row(i) = (gradZ.row(i).tail(dt) - dot * z.row(i).tail(dt)) / (unorm > 0 ? unorm : 1.0f);
        } else {
            // z_theta = b t/|t|: dt = b (dz - t^ (t^ . dz)) / |t|.
            const float b = std::sqrt(1.0f - weightBb), norm = theta.row(i).norm();
            if (norm <= 0) {
                out.row(i).setZero();
                continue;
            }
            const Eigen::RowVectorXf unit = theta.row(i) / norm;
            const Eigen::RowVectorXf g = gradZ.row(i).tail(dt);
            out.row(i) = b * (g - unit * unit.dot(g)) / norm;
        }
    }
    (void)dbb;
    return out;
}

} // namespace

MafinObjective::MafinObjective(HashedTextEncoder &encoder, const RowMatrixXf &docs, const RowMatrixXf &queries,
                               const std::vector<std::vector<uint32_t>> &docFeatures,
                               const std::vector<std::vector<uint32_t>> &queryFeatures,
                               const std::unordered_map<int32_t, std::vector<int32_t>> &neighbours, bool lambda,
                               float weightBb, float labelSmoothing, double learningRate)
    : m_encoder(encoder), m_docs(docs), m_queries(queries), m_docFeatures(docFeatures), m_queryFeatures(queryFeatures),
      m_neighbours(neighbours), m_lambda(lambda), m_weightBb(weightBb), m_labelSmoothing(labelSmoothing),
      m_learningRate(learningRate)
{
}

RowMatrixXf MafinObjective::transformQueries(const std::vector<int32_t> &queryIndices) const
{
    std::vector<std::vector<uint32_t>> features;
    for (int32_t q : queryIndices)
        features.push_back(m_queryFeatures[size_t(q)]);
    return concatenate(gatherRows(ConstMatrixMap(m_queries.data(), m_queries.rows(), m_queries.cols()), queryIndices),
                       m_encoder.encodeAll(features), m_lambda, m_weightBb);
}

FloatMatrix MafinObjective::documents() const
{
    return FloatMatrix(concatenate(m_docs, m_encoder.encodeAll(m_docFeatures), m_lambda, m_weightBb));
}

float MafinObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    const float loss = accumulateGradient(batch, options.scale);
    m_encoder.adagradStep(m_learningRate);
    return loss;
}

float MafinObjective::accumulateGradient(const std::vector<const TrainingPair *> &batch, float scale)
{
    BatchCandidates candidates;
    std::vector<SoftTarget> targets = candidates.addPositives(batch);
    for (const TrainingPair *pair : batch) {
        const auto it = m_neighbours.find(pair->query);
        if (it != m_neighbours.end())
            for (int32_t doc : it->second)
                candidates.add(doc);
    }
    smoothTargets(targets, candidates.size(), m_labelSmoothing);
    const auto b = Eigen::Index(batch.size()), m = Eigen::Index(candidates.size());
    RowMatrixXf qbb(b, m_queries.cols()), cbb(m, m_docs.cols());
    std::vector<const std::vector<uint32_t> *> qf, cf;
    RowMatrixXf qt(b, m_encoder.dim()), ct(m, m_encoder.dim());
    for (Eigen::Index i = 0; i < b; ++i) {
        qbb.row(i) = m_queries.row(batch[size_t(i)]->query);
        qf.push_back(&m_queryFeatures[size_t(batch[size_t(i)]->query)]);
        qt.row(i) = m_encoder.encode(*qf.back()).transpose();
    }
    for (Eigen::Index j = 0; j < m; ++j) {
        cbb.row(j) = m_docs.row(candidates.docs()[size_t(j)]);
        cf.push_back(&m_docFeatures[size_t(candidates.docs()[size_t(j)])]);
        ct.row(j) = m_encoder.encode(*cf.back()).transpose();
    }
    const RowMatrixXf zq = concatenate(qbb, qt, m_lambda, m_weightBb);
    const RowMatrixXf zc = concatenate(cbb, ct, m_lambda, m_weightBb);
    RowMatrixXf gradQ, gradC;
    const float loss =
        softmaxCrossEntropy(zq, ConstMatrixMap(zc.data(), zc.rows(), zc.cols()), targets, scale, &gradQ, &gradC);
    const RowMatrixXf dq = thetaGradient(qbb, qt, zq, gradQ, m_lambda, m_weightBb);
    const RowMatrixXf dc = thetaGradient(cbb, ct, zc, gradC, m_lambda, m_weightBb);
    for (Eigen::Index i = 0; i < b; ++i)
        m_encoder.accumulate(*qf[size_t(i)], dq.row(i).transpose());
    for (Eigen::Index j = 0; j < m; ++j)
        m_encoder.accumulate(*cf[size_t(j)], dc.row(j).transpose());
    return loss;
}

namespace {

class MafinModel : public TunedModel {
public:
    MafinModel(std::shared_ptr<HashedTextEncoder> encoder, RowMatrixXf docs, bool lambda, float weightBb,
               std::string report)
        : m_encoder(std::move(encoder)), m_docs(std::move(docs)), m_lambda(lambda), m_weightBb(weightBb),
          m_report(std::move(report))
    {
    }
    // The dot product of the z rows is Mafin's score: z is a unit row for every text except one
    // whose black-box vector or encoder output is zero, where it keeps Mafin's weights (a zero
    // part scores 0), as in training and in the dev selection; cosine would rescale such rows.
    Similarity similarity() const override { return Similarity::Dot; }
    RowMatrixXf transformQueries(ConstMatrixMap queries) const override
    {
        // Without text the trainable part is empty: the black-box part alone.
        return concatenate(normalizedRows(queries), RowMatrixXf::Zero(queries.rows(), m_encoder->dim()), m_lambda,
                           m_weightBb);
    }
    RowMatrixXf transformDatasetQueries(const Dataset &dataset, ConstMatrixMap queries) const override
    {
        std::vector<std::vector<uint32_t>> features;
        for (const auto &text : dataset.queries)
            features.push_back(m_encoder->features(text));
        return concatenate(normalizedRows(queries), m_encoder->encodeAll(features), m_lambda, m_weightBb);
    }
    FloatMatrix tunedDocuments() const override { return FloatMatrix(m_docs); }
    std::string reportJson() const override { return m_report; }
    AdapterDescription adapter() const override
    {
        AdapterDescription out;
        out.tensors.push_back(modelTensor("E", m_encoder->parameter().value));
        const std::string theta = "t = mean of E[h] over the hashed features h of the text (FNV-1a 64 % buckets of "
                                  "lower-cased word unigrams (salt 1), bigrams (salt 2) and character 3..5-grams of "
                                  "<word> (salt 3))";
        if (m_lambda) {
            out.applyQueries = theta + "; q2 = normalize(concat(normalize(q), t))";
        } else {
            out.applyQueries = theta + "; q2 = concat(sqrt(weight_bb) * normalize(q), sqrt(1 - weight_bb) * normalize(t))";
            out.settings["weight_bb"] = std::to_string(m_weightBb);
        }
        out.applyDocuments = "the same as for queries, from the document text (title + text) and vector";
        out.settings["buckets"] = std::to_string(m_encoder->buckets());
        return out;
    }

private:
    std::shared_ptr<HashedTextEncoder> m_encoder;
    RowMatrixXf m_docs;
    bool m_lambda;
    float m_weightBb;
    std::string m_report;
};

} // namespace

MafinMethod::MafinMethod(bool lambda) : m_lambda(lambda)
{
    std::vector<ParamSpec> params{
        {"buckets", ParamSpec::Type::Int, "131072", 16, 1 << 26, {}, "Hash buckets H of the n-gram table."},
        {"dim_theta", ParamSpec::Type::Int, "64", 1, 4096, {}, "Dimension of the trainable encoder."},
        {"neighbours", ParamSpec::Type::Int, "5", 0, 10000, {}, "Black-box top-k neighbours added as candidates."},
        trainerParam("label_smoothing", {.help = "Label smoothing over the candidates (0.2 in the unsupervised setting)."})};
    // label_smoothing is declared above, beside the other candidate settings. The encoder learns
    // by sparse Adagrad (no Adam, so no clip_norm) at its own rate, for 20 epochs by default.
    appendTrainerParams(params, {{"label_smoothing", "clip_norm"},
                                 {{"epochs", {.defaultValue = "20"}},
                                  {"batch_size", {.help = "Training pairs per step."}},
                                  {"lr", {.defaultValue = "0.05", .minimum = 1e-6, .maximum = 100,
                                          .help = "Sparse Adagrad learning rate."}},
                                  {"seed", {.help = "Seed of the table and the shuffles."}},
                                  {"threads", {.help = "Worker threads for the dev search; 0 uses every core."}}}});
    if (!lambda) {
        params.insert(params.begin(), {"weight_bb", ParamSpec::Type::Double, "0.8", 0, 1, {},
                                       "Weight of the black-box cosine in the score (the rest is the trained encoder's)."});
        m_spec = {"mafin", "Mafin",
                  "Concatenates a trainable hashed n-gram text encoder to the frozen vectors: score = w cos_bb + "
                  "(1 - w) cos_theta; queries and documents are both re-encoded from text.",
                  params};
    } else {
        m_spec = {"mafin-lambda", "Mafin (lambda)",
                  "Mafin with an unnormalised trainable part whose norm sets its weight per text; retrieved by cosine "
                  "of [e_bb ; e_theta].",
                  params};
    }
}

Result<std::unique_ptr<TunedModel>> MafinMethod::fit(const TrainingData &data, const ParamValues &params,
                                                     Progress *progress) const
{
    if (!data.dataset || !data.embeddings)
        return Error::usage(m_spec.id + " needs a dataset and an embedding set");
    const Dataset &dataset = *data.dataset;
    const EmbeddingSet &set = *data.embeddings;
    if (Status s = checkQueryVectors(data); !s)
        return s.error();
    const auto usable = usableTrainingData(data);
    if (!usable)
        return usable.error();
    const float weightBb = m_lambda ? 1.0f : float(params.real("weight_bb"));
    auto encoder = std::make_shared<HashedTextEncoder>(params.integer("buckets"), params.integer("dim_theta"),
                                                       uint64_t(params.integer("seed")));
    const RowMatrixXf docs = normalizedRows(set.docs.map());
    const RowMatrixXf queries = normalizedRows(set.queries.map());
    std::vector<std::vector<uint32_t>> docFeatures, queryFeatures;
    for (const auto &text : documentTexts(dataset))
        docFeatures.push_back(encoder->features(text));
    for (const auto &text : dataset.queries)
        queryFeatures.push_back(encoder->features(text));

    const std::vector<TrainingPair> pairs = trainingPairs(params, usable->trainQrels);
    const auto tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());
    std::unordered_map<int32_t, std::vector<int32_t>> neighbours;
    const int k = int(params.integer("neighbours"));
    if (k > 0 && !pairs.empty()) {
        std::vector<int32_t> trainQueries;
        for (const auto &pair : pairs)
            if (trainQueries.empty() || trainQueries.back() != pair.query)
                trainQueries.push_back(pair.query);
        std::sort(trainQueries.begin(), trainQueries.end());
        trainQueries.erase(std::unique(trainQueries.begin(), trainQueries.end()), trainQueries.end());
        ExactSearchOptions searchOptions;
        searchOptions.k = k;
        searchOptions.threads = data.threads;
        auto ranking = exactSearch(FloatMatrix::view(docs), set.queries, trainQueries, tiePriority, searchOptions);
        if (!ranking)
            return ranking.error();
        for (size_t i = 0; i < trainQueries.size(); ++i)
            for (int r = 0; r < k; ++r)
                if (ranking->docsOf(i)[r] >= 0)
                    neighbours[trainQueries[i]].push_back(ranking->docsOf(i)[r]);
    }

    MafinObjective objective(*encoder, docs, queries, docFeatures, queryFeatures, neighbours, m_lambda, weightBb,
                             float(params.real("label_smoothing")), params.real("lr"));
    const TrainerOptions options = trainerOptionsFrom(params, data);
    auto result = trainObjective(objective, ConstMatrixMap(queries.data(), queries.rows(), queries.cols()), pairs,
                                 usable->devQrels, tiePriority, options, progress);
    if (!result)
        return result.error();

    JsonWriter w(false);
    w.beginObject();
    w.key("method");
    w.value(m_spec.id);
    writeTrainingResult(w, *result);
    w.endObject();
    RowMatrixXf tunedDocs = objective.documents().map();
    return std::unique_ptr<TunedModel>(
        std::make_unique<MafinModel>(encoder, std::move(tunedDocs), m_lambda, weightBb, w.str()));
}

} // namespace embtune::engine
