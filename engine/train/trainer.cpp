#include "train/trainer.h"

#include "eval/metrics.h"
#include "search/exact_search.h"

#include <chrono>
#include <numeric>
#include <random>

namespace embtune::engine {
namespace {

double devNdcg10(const TrainingObjective &objective, ConstMatrixMap queries, const Qrels &devQrels,
                 const std::vector<int32_t> &tiePriority, int threads)
{
    std::vector<int32_t> rows;
    for (const auto &q : devQrels.queries)
        if (q.relevantCount() > 0)
            rows.push_back(q.query);
    if (rows.empty())
        return 0;
    (void)queries;
    const FloatMatrix transformed(objective.transformQueries(rows));
    std::vector<int32_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    ExactSearchOptions options;
    options.k = 10;
    options.similarity = Similarity::Dot;
    options.normalizeDocuments = objective.documentsNeedNormalizing();
    options.threads = threads;
    auto ranking = exactSearch(objective.documents(), transformed, order, tiePriority, options);
    if (!ranking)
        return 0;
    ranking->queries = rows; // map back to dataset query indices for the qrels lookup
    return evaluateRanking(*ranking, devQrels, {Metric::Ndcg}, {10}).mean(Metric::Ndcg, 10);
}

// Fisher-Yates with our own draws, so the order is the same on every standard library.
void shuffle(std::vector<size_t> &order, std::mt19937_64 &rng)
{
    for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[size_t(rng() % i)]);
}

std::vector<std::vector<float>> snapshot(TrainingObjective &objective)
{
    std::vector<std::vector<float>> values;
    for (Parameter *p : objective.parameters())
        values.emplace_back(p->value.data(), p->value.data() + p->value.size());
    return values;
}

void restore(TrainingObjective &objective, const std::vector<std::vector<float>> &values)
{
    size_t k = 0;
    for (Parameter *p : objective.parameters())
        std::copy(values[k].begin(), values[k].end(), p->value.data()), ++k;
}

} // namespace

std::vector<SoftTarget> BatchCandidates::addPositives(const std::vector<const TrainingPair *> &batch)
{
    std::vector<SoftTarget> targets;
    targets.reserve(batch.size());
    for (const TrainingPair *pair : batch) {
        SoftTarget target;
        for (const auto &[doc, weight] : pair->target)
            target.emplace_back(add(doc), weight);
        targets.push_back(std::move(target));
    }
    return targets;
}

int32_t BatchCandidates::add(int32_t doc)
{
    auto [it, inserted] = m_column.try_emplace(doc, int32_t(m_docs.size()));
    if (inserted)
        m_docs.push_back(doc);
    return it->second;
}

RowMatrixXf gatherRows(ConstMatrixMap queries, const std::vector<int32_t> &indices)
{
    RowMatrixXf out(Eigen::Index(indices.size()), queries.cols());
    for (size_t i = 0; i < indices.size(); ++i)
        out.row(Eigen::Index(i)) = queries.row(indices[i]);
    return out;
}

std::vector<TrainingPair> pairsFromQrels(const Qrels &qrels, PositiveTargets targets)
{
    std::vector<TrainingPair> pairs;
    for (const auto &q : qrels.queries) {
        if (targets == PositiveTargets::Each) {
            for (const auto &j : q.judged)
                if (j.gain > 0)
                    pairs.push_back({q.query, {{j.doc, 1.0f}}});
            continue;
        }
        double sum = 0;
        for (const auto &j : q.judged)
            if (j.gain > 0)
                sum += j.gain;
        if (sum <= 0)
            continue;
        TrainingPair pair{q.query, {}};
        for (const auto &j : q.judged)
            if (j.gain > 0)
                pair.target.emplace_back(j.doc, float(j.gain / sum));
        pairs.push_back(std::move(pair));
    }
    return pairs;
}

QueryModuleObjective::QueryModuleObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries)
    : m_module(module), m_docs(docs), m_queries(queries)
{
}

float QueryModuleObjective::step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options)
{
    m_batch.resize(Eigen::Index(batch.size()), m_queries.cols());
    std::vector<SoftTarget> targets;
    targets.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        m_batch.row(Eigen::Index(i)) = m_queries.row(batch[i]->query);
        targets.push_back(batch[i]->target);
    }
    smoothTargets(targets, int32_t(m_docs.rows()), options.labelSmoothing);
    const RowMatrixXf transformed = m_module.forward(m_batch);
    const float loss = corpusSoftmaxLoss(transformed, ConstMatrixMap(m_docs.data(), m_docs.rows(), m_docs.cols()),
                                         targets, options.scale, &m_grad);
    m_module.backward(m_grad);
    return loss;
}

Result<TrainerResult> trainQueryModule(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                                       const std::vector<TrainingPair> &pairs, const Qrels &devQrels,
                                       const std::vector<int32_t> &tiePriority, const TrainerOptions &options,
                                       Progress *progress, const std::function<void(const TrainerEpoch &)> &onEpoch)
{
    QueryModuleObjective objective(module, docs, queries);
    return trainObjective(objective, queries, pairs, devQrels, tiePriority, options, progress, onEpoch);
}

Result<TrainerResult> trainObjective(TrainingObjective &objective, ConstMatrixMap queries,
                                     const std::vector<TrainingPair> &pairs, const Qrels &devQrels,
                                     const std::vector<int32_t> &tiePriority, const TrainerOptions &options,
                                     Progress *progress, const std::function<void(const TrainerEpoch &)> &onEpoch)
{
    if (pairs.empty())
        return Error::input("no training pairs (no training query has a relevant document)");
    if (options.batchSize <= 0 || options.epochs < 0)
        return Error::usage("batch size must be positive and epochs non-negative");
    const int threads = options.threads;
    if (threads > 0)
        Eigen::setNbThreads(threads);
    TrainerResult result;
    const bool ownOptimizer = objective.updatesItself();
    Adam adam(ownOptimizer ? std::vector<Parameter *>() : objective.parameters(), options.adam);
    std::mt19937_64 rng(options.seed);
    std::vector<size_t> order(pairs.size());
    std::iota(order.begin(), order.end(), 0);
    const int64_t stepsPerEpoch = int64_t((pairs.size() + size_t(options.batchSize) - 1) / size_t(options.batchSize));
    const int64_t totalSteps = stepsPerEpoch * options.epochs;

    // One evaluation point: record it, report it, keep the best weights; true = stop early.
    int sinceBest = 0;
    std::vector<std::vector<float>> best;
    auto evaluate = [&](TrainerEpoch record) {
        record.devNdcg10 = devNdcg10(objective, queries, devQrels, tiePriority, threads);
        record.step = result.steps;
        result.history.push_back(record);
        if (onEpoch)
            onEpoch(record);
        if (progress)
            progress->report({"epoch", record.epoch, options.epochs,
                              {{"loss", record.loss},
                               {"dev_ndcg@10", record.devNdcg10},
                               {"examples_per_second", record.examplesPerSecond},
                               {"step", double(record.step)}}});
        if (result.history.size() == 1 || record.devNdcg10 > result.bestDevNdcg10) {
            result.bestDevNdcg10 = record.devNdcg10;
            result.bestEpoch = record.epoch;
            best = snapshot(objective);
            sinceBest = 0;
            return false;
        }
        return options.patience > 0 && ++sinceBest >= options.patience;
    };
    evaluate(TrainerEpoch{});

    const int64_t evaluateEvery = options.evaluateEverySteps > 0 ? options.evaluateEverySteps : stepsPerEpoch;
    std::vector<const TrainingPair *> batch;
    double lossSum = 0;          // since the last evaluation
    int64_t lossSteps = 0, examples = 0;
    double seconds = 0;
    bool stop = false;
    for (int epoch = 1; epoch <= options.epochs && !stop; ++epoch) {
        shuffle(order, rng);
        if (!objective.beginEpoch(epoch, progress))
            return Error::cancelled();
        for (int64_t s = 0; s < stepsPerEpoch && !stop; ++s) {
            const auto started = std::chrono::steady_clock::now();
            const size_t begin = size_t(s) * size_t(options.batchSize);
            const size_t end = std::min(pairs.size(), begin + size_t(options.batchSize));
            batch.clear();
            for (size_t i = begin; i < end; ++i)
                batch.push_back(&pairs[order[i]]);
            if (!ownOptimizer)
                for (Parameter *p : objective.parameters())
                    p->grad.setZero(p->value.rows(), p->value.cols());
            lossSum += objective.step(batch, options);
            if (!ownOptimizer)
                adam.step();
            ++result.steps;
            ++lossSteps;
            examples += int64_t(batch.size());
            const double stepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            seconds += stepSeconds;
            result.trainSeconds += stepSeconds;
            if (progress && !progress->step("train", result.steps, totalSteps))
                return Error::cancelled();
            const bool lastStep = epoch == options.epochs && s + 1 == stepsPerEpoch;
            if (result.steps % evaluateEvery == 0 || lastStep) {
                TrainerEpoch record;
                record.epoch = epoch;
                record.loss = lossSum / double(lossSteps);
                record.seconds = seconds;
                record.examplesPerSecond = seconds > 0 ? double(examples) / seconds : 0;
                lossSum = 0;
                lossSteps = examples = 0;
                seconds = 0;
                stop = evaluate(record);
            }
        }
    }
    restore(objective, best);
    return result;
}

} // namespace embtune::engine
