#include "methods/soft_label.h"

#include "io/json_writer.h"
#include "methods/training_support.h"
#include "methods/query_adapter.h"
#include "search/bm25.h"
#include "train/trainer.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

namespace embtune::engine {

SoftLabelObjective::SoftLabelObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                       const std::unordered_map<int32_t, std::vector<int32_t>> &neighbours,
                                       const std::unordered_map<int32_t, std::set<int32_t>> &positives,
                                       const std::vector<SoftLabelExpert> &experts, SoftLabel label, bool mse)
    : m_module(module), m_docs(docs), m_queries(queries), m_neighbours(neighbours), m_positives(positives),
      m_experts(experts), m_label(label), m_mse(mse)
{
}

RowMatrixXf SoftLabelObjective::transformQueries(const std::vector<int32_t> &queryIndices) const
{
    return m_module.apply(gatherRows(m_queries, queryIndices));
}

std::vector<float> SoftLabelObjective::labels(int32_t query, const std::vector<int32_t> &docs) const
{
    std::vector<float> sum(docs.size(), 0.0f), above(docs.size(), 0.0f);
    for (const SoftLabelExpert &expert : m_experts) {
        const std::vector<float> raw = expert.score(query, docs);
        for (size_t j = 0; j < docs.size(); ++j) {
            const float s = expert.rescale(raw[j]);
            sum[j] += s;
            above[j] += s > 0.5f ? 1.0f : 0.0f;
        }
    }
    const auto k = float(m_experts.size());
    const auto positivesIt = m_positives.find(query);
    std::vector<float> out(docs.size());
    for (size_t j = 0; j < docs.size(); ++j) {
        const float soft1 = sum[j] / k;
        const float hard = positivesIt != m_positives.end() && positivesIt->second.count(docs[j]) ? 1.0f : 0.0f;
        out[j] = m_label == SoftLabel::Soft1 ? soft1 : m_label == SoftLabel::Soft2 ? (hard + soft1) / 2 : above[j] / k;
    }
    return out;
}

float SoftLabelObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    std::vector<int32_t> batchPositives;
    for (const TrainingPair *pair : batch)
        for (const auto &[doc, weight] : pair->target)
            batchPositives.push_back(doc);
    std::vector<int32_t> union_;
    std::unordered_map<int32_t, int32_t> column;
    auto columnOf = [&](int32_t doc) {
        auto [it, inserted] = column.try_emplace(doc, int32_t(union_.size()));
        if (inserted)
            union_.push_back(doc);
        return it->second;
    };
    const auto b = Eigen::Index(batch.size());
    RowMatrixXf q(b, m_queries.cols());
    std::vector<std::vector<int32_t>> own(batch.size());
    std::vector<std::vector<float>> ownLabels(batch.size());
    for (Eigen::Index i = 0; i < b; ++i) {
        const int32_t query = batch[size_t(i)]->query;
        q.row(i) = m_queries.row(query);
        std::vector<int32_t> candidates = batchPositives;
        const auto it = m_neighbours.find(query);
        if (it != m_neighbours.end())
            candidates.insert(candidates.end(), it->second.begin(), it->second.end());
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        ownLabels[size_t(i)] = labels(query, candidates);
        for (int32_t doc : candidates)
            columnOf(doc);
        own[size_t(i)] = std::move(candidates);
    }
    RowMatrixXf c(Eigen::Index(union_.size()), m_docs.cols());
    for (size_t j = 0; j < union_.size(); ++j)
        c.row(Eigen::Index(j)) = m_docs.row(union_[j]);
    const RowMatrixXf transformed = m_module.forward(q);
    RowMatrixXf grad;
    float loss = 0;
    if (m_mse) {
        grad.setZero(b, m_docs.cols());
        int64_t terms = 0;
        for (Eigen::Index i = 0; i < b; ++i)
            terms += int64_t(own[size_t(i)].size());
        for (Eigen::Index i = 0; i < b; ++i)
            for (size_t j = 0; j < own[size_t(i)].size(); ++j) {
                const auto row = c.row(column[own[size_t(i)][j]]);
                const float diff = transformed.row(i).dot(row) - ownLabels[size_t(i)][j];
                loss += diff * diff / float(terms);
                grad.row(i) += (2.0f * diff / float(terms)) * row;
            }
    } else {
        std::vector<SoftTarget> targets(batch.size());
        for (size_t i = 0; i < batch.size(); ++i) {
            float total = 0;
            for (float l : ownLabels[i])
                total += l;
            if (total <= 0) { // no expert signal: fall back to the hard positives
                for (const auto &[doc, weight] : batch[i]->target)
                    targets[i].emplace_back(column[doc], weight);
                continue;
            }
            for (size_t j = 0; j < own[i].size(); ++j)
                if (ownLabels[i][j] > 0)
                    targets[i].emplace_back(column[own[i][j]], ownLabels[i][j] / total);
        }
        loss = softmaxCrossEntropy(transformed, ConstMatrixMap(c.data(), c.rows(), c.cols()), targets, options.scale,
                                   &grad);
    }
    m_module.backward(grad);
    return loss;
}

SoftLabelMethod::SoftLabelMethod()
{
    m_spec = {"soft-label", "Soft labels from experts",
              "Trains a query-side linear adapter with labels mixed from several expert scorers (other embedding sets "
              "of the dataset and BM25) instead of hard 0/1 relevance.",
              {{"label", ParamSpec::Type::Choice, "soft2", 0, 0, {"soft1", "soft2", "soft3"},
                "soft1: mean expert score; soft2: (hard label + soft1) / 2; soft3: fraction of experts above 0.5."},
               {"loss", ParamSpec::Type::Choice, "soft-infonce", 0, 0, {"soft-infonce", "cosine-mse"},
                "soft-infonce: cross-entropy to the normalised labels; cosine-mse: (cos - label)^2."},
               {"bm25_expert", ParamSpec::Type::Bool, "true", 0, 0, {}, "Use BM25 (k1 0.9, b 0.4) as an expert."},
               {"neighbours", ParamSpec::Type::Int, "20", 0, 10000, {}, "Black-box top-k neighbours added as candidates."}}};
    // Pairs are one per relevant document (no positives) and the targets are the experts' labels (no
    // label_smoothing); clip_norm is not offered.
    appendTrainerParams(m_spec.params, {{"positives", "label_smoothing", "clip_norm"}, {}});
}

Result<std::unique_ptr<TunedModel>> SoftLabelMethod::fit(const TrainingData &data, const ParamValues &params,
                                                         Progress *progress) const
{
    if (!data.dataset || !data.embeddings)
        return Error::usage("soft-label needs a dataset and an embedding set");
    const Dataset &dataset = *data.dataset;
    const EmbeddingSet &set = *data.embeddings;
    if (Status s = checkQueryVectors(data); !s)
        return s.error();
    const auto usable = usableTrainingData(data);
    if (!usable)
        return usable.error();
    const int64_t d = set.dim();
    const RowMatrixXf docs = normalizedRows(set.docs.map());
    const std::vector<TrainingPair> pairs = pairsFromQrels(usable->trainQrels);
    if (pairs.empty())
        return Error::input("no training query has a relevant document");
    const auto tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());

    // Candidates under the black-box vectors: each training query's top neighbours.
    std::vector<int32_t> trainQueries;
    std::unordered_map<int32_t, std::set<int32_t>> positives;
    for (const auto &pair : pairs) {
        if (positives.find(pair.query) == positives.end())
            trainQueries.push_back(pair.query);
        for (const auto &[doc, weight] : pair.target)
            positives[pair.query].insert(doc);
    }
    std::unordered_map<int32_t, std::vector<int32_t>> neighbours;
    const int k = int(params.integer("neighbours"));
    if (k > 0) {
        ExactSearchOptions searchOptions;
        searchOptions.k = k;
        searchOptions.threads = data.threads;
        auto ranking = exactSearch(FloatMatrix::view(docs), set.queries, trainQueries, tiePriority, searchOptions);
        if (!ranking)
            return ranking.error();
        for (size_t i = 0; i < trainQueries.size(); ++i) {
            std::vector<int32_t> list;
            for (int r = 0; r < k; ++r)
                if (ranking->docsOf(i)[r] >= 0)
                    list.push_back(ranking->docsOf(i)[r]);
            neighbours[trainQueries[i]] = std::move(list);
        }
    }

    // Experts.
    std::vector<SoftLabelExpert> experts;
    std::vector<RowMatrixXf> expertDocs, expertQueries;
    expertDocs.reserve(data.experts.size());
    expertQueries.reserve(data.experts.size());
    for (const EmbeddingSet *expert : data.experts) {
        if (expert->docs.rows() != dataset.docCount())
            return Error::usage("expert \"" + expert->name + "\" does not belong to this dataset");
        for (int32_t q : trainQueries)
            if (!expert->hasQuery(q))
                return Error::input("expert \"" + expert->name + "\" has no vector for training query \"" +
                                        dataset.queryIds.id(q) + "\"",
                                    expert->source);
        expertDocs.push_back(normalizedRows(expert->docs.map()));
        expertQueries.push_back(normalizedRows(expert->queries.map()));
        const RowMatrixXf &ed = expertDocs.back(), &eq = expertQueries.back();
        experts.push_back({expert->name, [&ed, &eq](int32_t query, const std::vector<int32_t> &list) {
                               std::vector<float> out(list.size());
                               for (size_t j = 0; j < list.size(); ++j)
                                   out[j] = eq.row(query).dot(ed.row(list[j]));
                               return out;
                           }});
    }
    std::unique_ptr<Bm25Index> bm25;
    if (params.flag("bm25_expert")) {
        bm25 = std::make_unique<Bm25Index>(Bm25Index::build(documentTexts(dataset)));
        const Bm25Index *index = bm25.get();
        experts.push_back({"bm25", [index, &dataset](int32_t query, const std::vector<int32_t> &list) {
                               return index->scoreDocuments(dataset.queries[size_t(query)], list);
                           }});
    }
    if (experts.empty())
        return Error::usage("soft-label needs at least one expert: give other embedding sets or keep bm25_expert=true");
    // Min-max of each expert over the training candidates (positives and neighbours).
    for (SoftLabelExpert &expert : experts) {
        float lo = std::numeric_limits<float>::infinity(), hi = -lo;
        for (int32_t q : trainQueries) {
            std::vector<int32_t> list(positives[q].begin(), positives[q].end());
            list.insert(list.end(), neighbours[q].begin(), neighbours[q].end());
            for (float s : expert.score(q, list)) {
                lo = std::min(lo, s);
                hi = std::max(hi, s);
            }
        }
        expert.lo = lo;
        expert.hi = hi;
    }

    auto module = std::make_shared<Sequential>();
    module->add(std::make_unique<LinearMap>(d, d));
    module->add(std::make_unique<RowNormalize>());
    const std::string labelName = params.text("label");
    const SoftLabel label =
        labelName == "soft1" ? SoftLabel::Soft1 : labelName == "soft2" ? SoftLabel::Soft2 : SoftLabel::Soft3;
    SoftLabelObjective objective(*module, docs, set.queries.map(), neighbours, positives, experts, label,
                                 params.text("loss") == "cosine-mse");
    const TrainerOptions options = trainerOptionsFrom(params, data);
    auto result = trainObjective(objective, set.queries.map(), pairs, usable->devQrels, tiePriority, options, progress);
    if (!result)
        return result.error();

    JsonWriter w(false);
    w.beginObject();
    w.key("method");
    w.value(m_spec.id);
    w.key("experts");
    w.beginArray();
    for (const SoftLabelExpert &expert : experts)
        w.value(expert.name);
    w.endArray();
    writeTrainingResult(w, *result);
    w.endObject();
    AdapterDescription adapter;
    adapter.tensors = moduleTensors(*module);
    adapter.applyQueries = "q2 = normalize(q @ W.T)";
    return std::unique_ptr<TunedModel>(
        std::make_unique<QueryAdapterModel>(module, nullptr, set.docs, w.str(), std::move(adapter)));
}

} // namespace embtune::engine
