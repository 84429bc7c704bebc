// Hand-written gradients against central finite differences for every module and the loss, the
// hashed text encoder, and the objectives of mafin (both variants) and soft-label (both losses);
// Adam against a direct evaluation of its update; determinism of the trainer with one thread.

#include "methods/mafin.h"
#include "methods/soft_label.h"
#include "train/adam.h"
#include "train/hashed_text_encoder.h"
#include "train/losses.h"
#include "train/module.h"
#include "train/objectives.h"
#include "train/trainer.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

using namespace embtune::engine;

class TestTrainModules : public QObject {
    Q_OBJECT

    static RowMatrixXf random(Eigen::Index rows, Eigen::Index cols, uint32_t seed, float scale = 1.0f)
    {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, scale);
        RowMatrixXf m(rows, cols);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = normal(rng);
        return m;
    }

    // Checks dL/dx and dL/dparameters of `module` for L = sum(module(x) .* R).
    static void checkModule(Module &module, RowMatrixXf x, const char *what)
    {
        const RowMatrixXf r = random(x.rows(), module.apply(x).cols(), 99);
        auto lossAt = [&](const RowMatrixXf &input) { return double((module.apply(input).array() * r.array()).sum()); };
        module.zeroGrad();
        module.forward(x);
        const RowMatrixXf gradX = module.backward(r);
        const float h = 1e-2f;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            RowMatrixXf plus = x, minus = x;
            plus.data()[i] += h;
            minus.data()[i] -= h;
            const double numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
            QVERIFY2(std::abs(numeric - gradX.data()[i]) < 2e-2 * std::max(1.0, std::abs(numeric)),
                     qPrintable(QString("%1 dx[%2]: %3 vs %4").arg(what).arg(i).arg(numeric).arg(gradX.data()[i])));
        }
        for (Parameter *p : module.parameters())
            for (Eigen::Index i = 0; i < p->value.size(); ++i) {
                const float saved = p->value.data()[i];
                p->value.data()[i] = saved + h;
                const double up = lossAt(x);
                p->value.data()[i] = saved - h;
                const double down = lossAt(x);
                p->value.data()[i] = saved;
                const double numeric = (up - down) / (2 * h);
                QVERIFY2(std::abs(numeric - p->grad.data()[i]) < 2e-2 * std::max(1.0, std::abs(numeric)),
                         qPrintable(QString("%1 d%2[%3]: %4 vs %5").arg(what).arg(p->name.c_str()).arg(i).arg(numeric).arg(p->grad.data()[i])));
            }
    }

    // Central differences of `loss` over every entry of `values` (perturbed in place by h and
    // restored) against `analytic`. An entry passes when |numeric - analytic| <= 1e-3 max|analytic|
    // + 1e-2 |numeric|: relative where the gradient is large, and below float rounding of the loss
    // (about 1e-7 |loss| / h) where it is not. The gradient must not vanish (max |analytic| > 1e-3).
    template <typename Loss>
    static void checkDifferences(float *values, Eigen::Index count, const float *analytic, Loss loss, float h,
                                 const QString &what)
    {
        double largest = 0;
        for (Eigen::Index i = 0; i < count; ++i)
            largest = std::max(largest, double(std::abs(analytic[i])));
        QVERIFY2(largest > 1e-3, qPrintable(what + ": the gradient vanishes"));
        for (Eigen::Index i = 0; i < count; ++i) {
            const float saved = values[i];
            values[i] = saved + h;
            const double up = loss();
            values[i] = saved - h;
            const double down = loss();
            values[i] = saved;
            const double numeric = (up - down) / (2 * h);
            QVERIFY2(std::abs(numeric - analytic[i]) <= 1e-3 * largest + 1e-2 * std::abs(numeric),
                     qPrintable(QString("%1 [%2]: numeric %3 vs analytic %4").arg(what).arg(i).arg(numeric).arg(analytic[i])));
        }
    }

    // A small retrieval problem: query i's positive is document i.
    struct Problem {
        RowMatrixXf docs, queries;
        std::vector<TrainingPair> pairs;
        Qrels dev;
        std::vector<int32_t> priority;
    };
    static Problem problem(int docs, int queries, int dim, int devFrom)
    {
        Problem p;
        p.docs = normalizedRows(ConstMatrixMap(random(docs, dim, 31).data(), docs, dim));
        p.queries = p.docs.topRows(queries) + random(queries, dim, 32, 0.8f / std::sqrt(float(dim)));
        for (int i = 0; i < queries; ++i) {
            if (i < devFrom)
                p.pairs.push_back({i, {{i, 1.0f}}});
            else
                p.dev.queries.push_back({i, {{i, 1}}});
        }
        p.priority.resize(size_t(docs));
        std::iota(p.priority.begin(), p.priority.end(), 0);
        return p;
    }

private slots:
    void linearMap()
    {
        LinearMap linear(4, 3);
        linear.weight().value = random(3, 4, 1);
        checkModule(linear, random(5, 4, 2), "linear");
    }

    void keyValueResidual()
    {
        std::mt19937_64 rng(3);
        KeyValueResidual kv(4, 3, 0.5, 0.5, rng);
        for (Parameter *p : kv.parameters())
            p->value = random(p->value.rows(), p->value.cols(), 4, 0.5f); // V != 0 exercises every path
        checkModule(kv, random(5, 4, 5), "key-value");
    }

    void fusedLinearMap()
    {
        FusedLinearMap fused(4, 0.35);
        fused.trainable().value = RowMatrixXf::Identity(4, 4) + random(4, 4, 13, 0.3f);
        checkModule(fused, random(5, 4, 14), "fused");
        const RowMatrixXf w = fused.fusedWeight();
        const RowMatrixXf x = random(2, 4, 15);
        QVERIFY((fused.apply(x) - x * w.transpose()).cwiseAbs().maxCoeff() < 1e-5f);
    }

    void candidateGradient()
    {
        // dL/dcandidates of the candidate softmax against finite differences.
        const RowMatrixXf q = random(3, 4, 16, 0.5f);
        RowMatrixXf c = random(5, 4, 17, 0.5f);
        const std::vector<SoftTarget> targets{{{0, 1.0f}}, {{1, 0.3f}, {4, 0.7f}}, {{2, 1.0f}}};
        RowMatrixXf gradQ, gradC;
        softmaxCrossEntropy(q, ConstMatrixMap(c.data(), 5, 4), targets, 7.0f, &gradQ, &gradC);
        const float h = 1e-3f;
        for (Eigen::Index i = 0; i < c.size(); ++i) {
            RowMatrixXf plus = c, minus = c;
            plus.data()[i] += h;
            minus.data()[i] -= h;
            const double numeric = (softmaxCrossEntropy(q, ConstMatrixMap(plus.data(), 5, 4), targets, 7.0f, nullptr) -
                                    softmaxCrossEntropy(q, ConstMatrixMap(minus.data(), 5, 4), targets, 7.0f, nullptr)) /
                                   (2 * h);
            QVERIFY2(std::abs(numeric - gradC.data()[i]) < 1e-2 * std::max(1.0, std::abs(numeric)),
                     qPrintable(QString("dc[%1]: %2 vs %3").arg(i).arg(numeric).arg(gradC.data()[i])));
        }
    }

    void rowNormalize()
    {
        RowNormalize normalize;
        checkModule(normalize, random(5, 4, 6), "normalize");
    }

    void sequential()
    {
        Sequential chain;
        auto linear = std::make_unique<LinearMap>(4, 4);
        linear->weight().value = RowMatrixXf::Identity(4, 4) + random(4, 4, 7, 0.3f);
        chain.add(std::move(linear));
        chain.add(std::make_unique<RowNormalize>());
        checkModule(chain, random(3, 4, 8), "linear+normalize");
        QCOMPARE(chain.parameters().size(), size_t(1));
    }

    void corpusSoftmax()
    {
        const RowMatrixXf docs = random(7, 4, 9);
        RowMatrixXf q = random(3, 4, 10, 0.3f);
        const std::vector<SoftTarget> targets{{{2, 1.0f}}, {{0, 0.5f}, {6, 0.5f}}, {{5, 1.0f}}};
        const ConstMatrixMap d(docs.data(), docs.rows(), docs.cols());
        RowMatrixXf grad;
        const float loss = corpusSoftmaxLoss(q, d, targets, 5.0f, &grad);
        // Direct value: row 0 has target doc 2 only.
        double direct = 0;
        for (Eigen::Index i = 0; i < 3; ++i) {
            double sum = 0;
            for (Eigen::Index j = 0; j < 7; ++j)
                sum += std::exp(5.0 * q.row(i).dot(docs.row(j)));
            for (const auto &[doc, w] : targets[size_t(i)])
                direct -= w * (5.0 * q.row(i).dot(docs.row(doc)) - std::log(sum));
        }
        QVERIFY(std::abs(loss - direct / 3) < 1e-4);
        const float h = 1e-3f;
        for (Eigen::Index i = 0; i < q.size(); ++i) {
            RowMatrixXf plus = q, minus = q;
            plus.data()[i] += h;
            minus.data()[i] -= h;
            const double numeric = (corpusSoftmaxLoss(plus, d, targets, 5.0f, nullptr) -
                                    corpusSoftmaxLoss(minus, d, targets, 5.0f, nullptr)) / (2 * h);
            QVERIFY2(std::abs(numeric - grad.data()[i]) < 1e-2 * std::max(1.0, std::abs(numeric)),
                     qPrintable(QString("dq[%1]: %2 vs %3").arg(i).arg(numeric).arg(grad.data()[i])));
        }
    }

    void labelSmoothing()
    {
        const RowMatrixXf docs = random(5, 3, 21);
        const RowMatrixXf q = random(2, 3, 22, 0.5f);
        std::vector<SoftTarget> targets{{{1, 1.0f}}, {{0, 0.25f}, {4, 0.75f}}};
        const float eps = 0.2f;
        smoothTargets(targets, 5, eps);
        QCOMPARE(targets[0].size(), size_t(6));
        double mass = 0;
        for (const auto &[doc, w] : targets[1])
            mass += w;
        QVERIFY(std::abs(mass - 1.0) < 1e-6);
        // Direct: (1 - eps) * CE(target) + eps * mean_j CE(j).
        const ConstMatrixMap d(docs.data(), docs.rows(), docs.cols());
        const float loss = corpusSoftmaxLoss(q, d, targets, 4.0f, nullptr);
        const std::vector<SoftTarget> hard{{{1, 1.0f}}, {{0, 0.25f}, {4, 0.75f}}};
        double direct = 0;
        for (Eigen::Index i = 0; i < 2; ++i) {
            double sum = 0;
            for (Eigen::Index j = 0; j < 5; ++j)
                sum += std::exp(4.0 * q.row(i).dot(docs.row(j)));
            auto ce = [&](Eigen::Index j) { return -(4.0 * q.row(i).dot(docs.row(j)) - std::log(sum)); };
            double target = 0, uniform = 0;
            for (const auto &[doc, w] : hard[size_t(i)])
                target += w * ce(doc);
            for (Eigen::Index j = 0; j < 5; ++j)
                uniform += ce(j) / 5;
            direct += (1 - eps) * target + eps * uniform;
        }
        QVERIFY2(std::abs(loss - direct / 2) < 1e-4, qPrintable(QString("%1 vs %2").arg(loss).arg(direct / 2)));
        std::vector<SoftTarget> unchanged = hard;
        smoothTargets(unchanged, 5, 0.0f);
        QCOMPARE(unchanged, hard);
    }

    void trainerReportsEveryEvaluation()
    {
        const Problem p = problem(50, 40, 8, 30);
        TrainerOptions options;
        options.epochs = 3;
        options.batchSize = 10; // 3 steps per epoch
        options.threads = 1;
        std::vector<ProgressEvent> epochs;
        Progress progress([&](const ProgressEvent &e) {
            if (e.phase == "epoch")
                epochs.push_back(e);
            return true;
        });
        Sequential module;
        module.add(std::make_unique<LinearMap>(8, 8));
        module.add(std::make_unique<RowNormalize>());
        auto result = trainQueryModule(module, p.docs, ConstMatrixMap(p.queries.data(), 40, 8), p.pairs, p.dev,
                                       p.priority, options, &progress);
        QVERIFY(result.ok());
        QCOMPARE(result->history.size(), size_t(4));
        QCOMPARE(epochs.size(), size_t(4));
        for (size_t i = 0; i < epochs.size(); ++i) {
            QCOMPARE(epochs[i].done, int64_t(i));
            QCOMPARE(epochs[i].total, int64_t(3));
            QCOMPARE(epochs[i].metrics.size(), size_t(4));
            QCOMPARE(epochs[i].metrics[0].first, std::string("loss"));
            QCOMPARE(epochs[i].metrics[0].second, result->history[i].loss);
            QCOMPARE(epochs[i].metrics[1].first, std::string("dev_ndcg@10"));
            QCOMPARE(epochs[i].metrics[1].second, result->history[i].devNdcg10);
            QCOMPARE(epochs[i].metrics[3].second, double(3 * i));
        }
        QVERIFY(epochs[1].metrics[2].second > 0); // examples per second

        // Every 2 steps: evaluations after steps 2, 4, 6, 8 and the last (9), plus the initial one.
        options.evaluateEverySteps = 2;
        Sequential again;
        again.add(std::make_unique<LinearMap>(8, 8));
        auto every = trainQueryModule(again, p.docs, ConstMatrixMap(p.queries.data(), 40, 8), p.pairs, p.dev,
                                      p.priority, options, nullptr);
        QVERIFY(every.ok());
        std::vector<int64_t> steps;
        for (const auto &e : every->history)
            steps.push_back(e.step);
        QCOMPARE(steps, (std::vector<int64_t>{0, 2, 4, 6, 8, 9}));
    }

    void hardestNegativesAreTheTopNonPositives()
    {
        const Problem p = problem(60, 20, 6, 20);
        std::vector<TrainingPair> pairs = p.pairs;
        pairs.push_back({3, {{7, 1.0f}}}); // query 3 has two positives: 3 and 7
        Sequential module;
        module.add(std::make_unique<LinearMap>(6, 6));
        module.add(std::make_unique<RowNormalize>());
        // Move W off the identity so the mining must use the current weights.
        module.parameters()[0]->value += random(6, 6, 40, 0.3f);
        const ConstMatrixMap queries(p.queries.data(), 20, 6);
        SampledNegativesObjective objective(module, FloatMatrix(p.docs), queries, pairs, NegativeSampling::Hardest, 3, 1);
        QVERIFY(objective.beginEpoch(1, nullptr));
        for (int32_t q = 0; q < 20; ++q) {
            const RowMatrixXf tuned = module.apply(RowMatrixXf(p.queries.row(q)));
            std::vector<std::pair<float, int32_t>> scored;
            for (int32_t d = 0; d < 60; ++d)
                if (d != q && !(q == 3 && d == 7))
                    scored.emplace_back(tuned.row(0).dot(p.docs.row(d)), d);
            std::sort(scored.begin(), scored.end(), [](auto a, auto b) { return a.first > b.first; });
            std::vector<int32_t> expected{scored[0].second, scored[1].second, scored[2].second};
            QCOMPARE(objective.hardNegatives(q), expected);
        }
        // A step's gradient matches finite differences of its loss over the same candidates.
        TrainerOptions options;
        options.scale = 5.0f;
        std::vector<const TrainingPair *> batch{&pairs[0], &pairs[3], &pairs[20]};
        module.zeroGrad();
        const float loss = objective.step(batch, options);
        QVERIFY(std::isfinite(loss) && loss > 0);
        Parameter *w = module.parameters()[0];
        const RowMatrixXf grad = w->grad;
        const float h = 1e-2f;
        for (Eigen::Index i = 0; i < w->value.size(); i += 5) {
            const float saved = w->value.data()[i];
            w->value.data()[i] = saved + h;
            const double up = objective.step(batch, options);
            w->value.data()[i] = saved - h;
            const double down = objective.step(batch, options);
            w->value.data()[i] = saved;
            const double numeric = (up - down) / (2 * h);
            QVERIFY2(std::abs(numeric - grad.data()[i]) < 2e-2 * std::max(1.0, std::abs(numeric)),
                     qPrintable(QString("dW[%1]: %2 vs %3").arg(i).arg(numeric).arg(grad.data()[i])));
        }
    }

    void hashedTextEncoderGradient()
    {
        // L = sum(encode(f) .* r): dL/dE[row] = (times row occurs in f) / |f| r. A repeated word
        // repeats its features; 16 buckets make different n-grams share rows.
        HashedTextEncoder encoder(16, 3, 7);
        encoder.parameter().value = random(16, 3, 50, 0.5f);
        const std::vector<uint32_t> features = encoder.features("alpha beta alpha gamma");
        const Eigen::VectorXf r = random(3, 1, 51);
        auto loss = [&] { return double(encoder.encode(features).dot(r)); };
        encoder.accumulate(features, r);
        const RowMatrixXf analytic = encoder.pendingGradient();
        checkDifferences(encoder.parameter().value.data(), analytic.size(), analytic.data(), loss, 1e-2f, "encoder dE");
        // A sparse Adagrad step moves exactly the touched rows: the first step by lr * sign(g).
        const RowMatrixXf before = encoder.parameter().value;
        encoder.adagradStep(0.1);
        for (Eigen::Index i = 0; i < before.size(); ++i) {
            const float g = analytic.data()[i];
            const float expected = before.data()[i] - (g > 0 ? 0.1f : g < 0 ? -0.1f : 0.0f);
            QVERIFY2(std::abs(encoder.parameter().value.data()[i] - expected) < 1e-5f, qPrintable(QString::number(i)));
        }
        QVERIFY(encoder.pendingGradient().isZero());
        encoder.accumulate(features, r);
        encoder.discardPendingGradient();
        QVERIFY(encoder.pendingGradient().isZero());
    }

    void mafinGradient_data()
    {
        QTest::addColumn<bool>("lambda");
        QTest::newRow("mafin") << false;
        QTest::newRow("mafin-lambda") << true;
    }
    void mafinGradient()
    {
        // dL/dE of the mafin objective (both sides of the concatenation, the normalisations, the
        // mean over hashed features, label smoothing) against central differences over every entry
        // of a 48-bucket table, so query and document texts share rows.
        QFETCH(bool, lambda);
        HashedTextEncoder encoder(48, 4, 3);
        encoder.parameter().value = random(48, 4, 60, 0.5f);
        const RowMatrixXf docs = normalizedRows(ConstMatrixMap(random(6, 3, 61).data(), 6, 3));
        const RowMatrixXf queries = normalizedRows(ConstMatrixMap(random(3, 3, 62).data(), 3, 3));
        std::vector<std::vector<uint32_t>> docFeatures, queryFeatures;
        for (const char *text : {"red apple pie", "green pear", "apple tart recipe", "pear cider", "plum jam", "tart"})
            docFeatures.push_back(encoder.features(text));
        for (const char *text : {"apple pie", "pear drink", "jam"})
            queryFeatures.push_back(encoder.features(text));
        const std::unordered_map<int32_t, std::vector<int32_t>> neighbours{{0, {2, 5}}, {1, {3}}};
        const std::vector<TrainingPair> pairs{{0, {{0, 1.0f}}}, {1, {{1, 0.5f}, {3, 0.5f}}}, {2, {{4, 1.0f}}}};
        const std::vector<const TrainingPair *> batch{&pairs[0], &pairs[1], &pairs[2]};
        MafinObjective objective(encoder, docs, queries, docFeatures, queryFeatures, neighbours, lambda, 0.7f, 0.1f, 0.05);
        const float scale = 5.0f;
        const float loss = objective.accumulateGradient(batch, scale);
        QVERIFY(std::isfinite(loss) && loss > 0);
        const RowMatrixXf analytic = encoder.pendingGradient();
        encoder.discardPendingGradient();
        auto lossAt = [&] {
            const double value = objective.accumulateGradient(batch, scale);
            encoder.discardPendingGradient();
            return value;
        };
        checkDifferences(encoder.parameter().value.data(), analytic.size(), analytic.data(), lossAt, 1e-2f,
                         lambda ? "mafin-lambda dE" : "mafin dE");
    }

    void softLabelGradient_data()
    {
        QTest::addColumn<bool>("mse");
        QTest::addColumn<bool>("expertSignal");
        QTest::newRow("soft-infonce") << false << true;
        QTest::newRow("soft-infonce, no expert signal (hard positives)") << false << false;
        QTest::newRow("cosine-mse") << true << true;
    }
    void softLabelGradient()
    {
        // dL/dW of the soft-label objective (labels from one embedding expert, soft2) through a
        // query-side linear adapter, against central differences over every entry of W.
        QFETCH(bool, mse);
        QFETCH(bool, expertSignal);
        const RowMatrixXf docs = normalizedRows(ConstMatrixMap(random(8, 4, 70).data(), 8, 4));
        const RowMatrixXf queries = random(3, 4, 71);
        const RowMatrixXf expertDocs = random(8, 4, 72), expertQueries = random(3, 4, 73);
        SoftLabelExpert expert{"expert", [&](int32_t query, const std::vector<int32_t> &list) {
                                   std::vector<float> out;
                                   for (int32_t doc : list)
                                       out.push_back(expertQueries.row(query).dot(expertDocs.row(doc)));
                                   return out;
                               }};
        expert.lo = expertSignal ? -2.0f : 0.0f;
        expert.hi = expertSignal ? 2.0f : 0.0f; // hi <= lo: every rescaled score is 0
        const std::vector<SoftLabelExpert> experts{expert};
        const std::vector<TrainingPair> pairs{{0, {{1, 1.0f}}}, {0, {{6, 1.0f}}}, {2, {{3, 1.0f}}}};
        const std::unordered_map<int32_t, std::set<int32_t>> positives{{0, {1, 6}}, {2, {3}}};
        const std::unordered_map<int32_t, std::vector<int32_t>> neighbours{{0, {2, 4}}, {2, {0, 5, 7}}};
        Sequential module;
        auto linear = std::make_unique<LinearMap>(4, 4);
        linear->weight().value = RowMatrixXf::Identity(4, 4) + random(4, 4, 74, 0.3f);
        module.add(std::move(linear));
        module.add(std::make_unique<RowNormalize>());
        SoftLabelObjective objective(module, docs, ConstMatrixMap(queries.data(), 3, 4), neighbours, positives, experts,
                                     expertSignal ? SoftLabel::Soft2 : SoftLabel::Soft1, mse);
        const std::vector<float> labels = objective.labels(0, {1, 2});
        QVERIFY(expertSignal ? labels[0] >= 0.5f && labels[1] < 0.5f : labels[0] == 0.0f && labels[1] == 0.0f);
        TrainerOptions options;
        options.scale = 5.0f;
        const std::vector<const TrainingPair *> batch{&pairs[0], &pairs[1], &pairs[2]};
        module.zeroGrad();
        const float loss = objective.step(batch, options);
        QVERIFY(std::isfinite(loss) && loss > 0);
        Parameter *w = module.parameters()[0];
        const RowMatrixXf analytic = w->grad;
        checkDifferences(w->value.data(), analytic.size(), analytic.data(),
                         [&] { return double(objective.step(batch, options)); }, 1e-2f,
                         QString("soft-label dW (%1)").arg(QTest::currentDataTag()));
    }

    void sampledNegativesLearn()
    {
        const Problem p = problem(200, 160, 16, 120);
        const ConstMatrixMap queries(p.queries.data(), 160, 16);
        for (NegativeSampling sampling : {NegativeSampling::InBatch, NegativeSampling::Hardest}) {
            Sequential module;
            module.add(std::make_unique<LinearMap>(16, 16));
            module.add(std::make_unique<RowNormalize>());
            SampledNegativesObjective objective(module, FloatMatrix(p.docs), queries, p.pairs, sampling, 4, 1);
            TrainerOptions options;
            options.epochs = 5;
            options.batchSize = 16;
            options.threads = 1;
            options.adam.learningRate = 1e-2;
            auto result = trainObjective(objective, queries, p.pairs, p.dev, p.priority, options, nullptr);
            QVERIFY(result.ok());
            QVERIFY(result->history.back().loss < result->history[1].loss);
            QVERIFY(result->bestDevNdcg10 >= result->history[0].devNdcg10);
        }
    }

    void cancelMidEpochReturnsWithinOneSecond()
    {
        // Large enough that training runs for many seconds; cancelled from another thread.
        const Problem p = problem(4000, 3000, 64, 2900);
        Sequential module;
        module.add(std::make_unique<LinearMap>(64, 64));
        module.add(std::make_unique<RowNormalize>());
        TrainerOptions options;
        options.epochs = 1000;
        options.batchSize = 32;
        std::atomic<int64_t> steps{0};
        Progress progress([&](const ProgressEvent &e) {
            if (e.phase == "train")
                steps = e.done;
            return true;
        });
        std::chrono::steady_clock::time_point cancelledAt;
        std::thread canceller([&] {
            while (steps.load() < 100) // well inside the first epoch (91 steps per epoch: the second)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            cancelledAt = std::chrono::steady_clock::now();
            progress.cancel();
        });
        auto result = trainQueryModule(module, p.docs, ConstMatrixMap(p.queries.data(), 3000, 64), p.pairs, p.dev,
                                       p.priority, options, &progress);
        const auto returned = std::chrono::steady_clock::now();
        canceller.join();
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
        const double seconds = std::chrono::duration<double>(returned - cancelledAt).count();
        QVERIFY2(seconds < 1.0, qPrintable(QString("returned %1 s after the cancel").arg(seconds)));
        QVERIFY(steps.load() < 91 * 3);
    }

    void pairsFromQrelsEachAndSoft()
    {
        Qrels qrels;
        qrels.queries.push_back({4, {{3, 0}, {7, 2}, {9, 1}}});
        qrels.queries.push_back({5, {{1, 0}}}); // no relevant document: no pair
        const auto each = pairsFromQrels(qrels);
        QCOMPARE(each.size(), size_t(2));
        QCOMPARE(each[0].query, 4);
        QCOMPARE(each[0].target, (SoftTarget{{7, 1.0f}}));
        QCOMPARE(each[1].target, (SoftTarget{{9, 1.0f}}));
        const auto soft = pairsFromQrels(qrels, PositiveTargets::Soft);
        QCOMPARE(soft.size(), size_t(1));
        QCOMPARE(soft[0].query, 4);
        QCOMPARE(soft[0].target.size(), size_t(2));
        QCOMPARE(soft[0].target[0].first, 7);
        QVERIFY(std::abs(soft[0].target[0].second - 2.0f / 3.0f) < 1e-6f);
        QVERIFY(std::abs(soft[0].target[1].second - 1.0f / 3.0f) < 1e-6f);
    }

    void adamMatchesItsFormula()
    {
        Parameter p{"w", RowMatrixXf::Constant(1, 2, 1.0f), RowMatrixXf::Zero(1, 2)};
        AdamOptions options;
        options.learningRate = 0.1;
        Adam adam({&p}, options);
        p.grad << 0.5f, -2.0f;
        adam.step();
        // First step: m^ = g, v^ = g^2, update = lr * g / (|g| + eps) = lr * sign(g).
        QVERIFY(std::abs(p.value(0, 0) - 0.9f) < 1e-5f);
        QVERIFY(std::abs(p.value(0, 1) - 1.1f) < 1e-5f);
        options.clipNorm = 1.0;
        Parameter q{"w", RowMatrixXf::Zero(1, 2), RowMatrixXf::Zero(1, 2)};
        Adam clipped({&q}, options);
        q.grad << 30.0f, 40.0f; // norm 50 -> scaled to 0.6, 0.8; first step is still lr * sign
        clipped.step();
        QVERIFY(std::abs(q.value(0, 0) + 0.1f) < 1e-5f);
    }

    void trainerIsDeterministicWithOneThread()
    {
        const RowMatrixXf docs = normalizedRows(ConstMatrixMap(random(40, 6, 11).data(), 40, 6));
        const RowMatrixXf queries = random(30, 6, 12);
        std::vector<TrainingPair> pairs;
        Qrels dev;
        for (int i = 0; i < 30; ++i) {
            if (i < 24)
                pairs.push_back({i, {{i, 1.0f}}});
            else
                dev.queries.push_back({i, {{i, 1}}});
        }
        std::vector<int32_t> priority(40);
        std::iota(priority.begin(), priority.end(), 0);
        TrainerOptions options;
        options.epochs = 3;
        options.batchSize = 8;
        options.threads = 1;
        options.seed = 5;
        std::vector<std::vector<float>> weights;
        for (int run = 0; run < 2; ++run) {
            Sequential module;
            module.add(std::make_unique<LinearMap>(6, 6));
            module.add(std::make_unique<RowNormalize>());
            auto result = trainQueryModule(module, docs, ConstMatrixMap(queries.data(), 30, 6), pairs, dev, priority,
                                           options, nullptr);
            QVERIFY(result.ok());
            QCOMPARE(result->steps, int64_t(9));
            const Parameter *w = module.parameters()[0];
            weights.emplace_back(w->value.data(), w->value.data() + w->value.size());
        }
        QCOMPARE(weights[0], weights[1]);
    }

    void trainerCancels()
    {
        const RowMatrixXf docs = RowMatrixXf::Identity(4, 4);
        const RowMatrixXf queries = RowMatrixXf::Identity(4, 4);
        Sequential module;
        module.add(std::make_unique<LinearMap>(4, 4));
        std::vector<int32_t> priority{0, 1, 2, 3};
        Progress stop([](const ProgressEvent &) { return false; });
        TrainerOptions options;
        options.batchSize = 1;
        auto result = trainQueryModule(module, docs, ConstMatrixMap(queries.data(), 4, 4), {{0, {{0, 1.0f}}}}, {},
                                       priority, options, &stop);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
    }
};

QTEST_APPLESS_MAIN(TestTrainModules)
#include "test_train_modules.moc"
