// NUDGE-N and NUDGE-M: the closed forms on hand-checked numbers, every special case, the
// interval sweep, a fit on a small synthetic dataset against direct slow computations, and the
// SciFact reference figures (REFERENCE.md) when the shared data is present.

#include "data/beir_reader.h"
#include "eval/retrieval_evaluation.h"
#include "methods/nudge.h"
#include "support/fixtures.h"

#include <QtTest>

#include <random>

using namespace embtune::engine;

class TestNudge : public QObject {
    Q_OBJECT

    static Eigen::Vector2d apply(const NudgeNStep &s, Eigen::Vector2d d, Eigen::Vector2d g)
    {
        Eigen::Vector2d out = s.alpha * d + s.beta * g;
        return out / out.norm();
    }

private slots:
    void nudgeNClosedForm()
    {
        // d = (1, 0), g = (1, 1), gamma = 0.4: v = 1, c = 2, mu = 1 + sqrt(0.4/3.6) = 4/3,
        // t = 0.4 / (2/3) = 0.6, d' = d + 0.6 (g - 4/3 d) = (0.8, 0.6); |d' - d|^2 = 0.4 = gamma.
        const NudgeNStep s = nudgeNStep(1.0, 2.0, 0.4);
        QVERIFY(std::abs(s.alpha - 0.2) < 1e-12);
        QVERIFY(std::abs(s.beta - 0.6) < 1e-12);
        const Eigen::Vector2d moved = apply(s, {1, 0}, {1, 1});
        QVERIFY(std::abs(moved.x() - 0.8) < 1e-12 && std::abs(moved.y() - 0.6) < 1e-12);
        QVERIFY(std::abs((moved - Eigen::Vector2d(1, 0)).squaredNorm() - 0.4) < 1e-12);
    }

    void nudgeNSpecialCases()
    {
        // d.g^ >= 1 - gamma/2: d = (1,0), g = (3,1): d.g^ = 0.9487 >= 0.9 (gamma 0.2) -> g^.
        NudgeNStep s = nudgeNStep(3.0, 10.0, 0.2);
        QCOMPARE(s.alpha, 0.0);
        QVERIFY(std::abs(s.beta - 1 / std::sqrt(10.0)) < 1e-12);
        // ... but not with gamma 0.1 (threshold 0.95).
        s = nudgeNStep(3.0, 10.0, 0.1);
        QVERIFY(s.alpha != 0.0);
        // v < 0: g = (-1, 1) points away -> unchanged.
        s = nudgeNStep(-1.0, 2.0, 0.4);
        QCOMPARE(s.alpha, 1.0);
        QCOMPARE(s.beta, 0.0);
        // c - v^2 = 0: g parallel to d -> unchanged.
        s = nudgeNStep(2.0, 4.0, 0.4);
        QCOMPARE(s.alpha, 1.0);
        QCOMPARE(s.beta, 0.0);
        // g = 0 -> unchanged; gamma = 0 -> unchanged (the limit of the closed form).
        s = nudgeNStep(0.0, 0.0, 0.4);
        QCOMPARE(s.beta, 0.0);
        s = nudgeNStep(1.0, 2.0, 0.0);
        QCOMPARE(s.alpha, 1.0);
        QCOMPARE(s.beta, 0.0);
    }

    void nudgeMIntervals()
    {
        // x: sx = 0.5, tx = 0.2. j1: sj = 0.6, tj = 0 -> gamma (0.2) >= 0.1 -> lo = 0.5.
        // j2: sj = 0.3, tj = 0.6 -> gamma (-0.4) >= -0.2 -> hi = 0.5.
        GammaIntervalBuilder builder(0.5, 0.2);
        builder.addCompetitor(0.6, 0.0);
        builder.addCompetitor(0.3, 0.6);
        GammaInterval interval = builder.interval();
        QVERIFY(interval.valid);
        QVERIFY(std::abs(interval.lo - 0.5) < 1e-12 && std::abs(interval.hi - 0.5) < 1e-12);
        // A competitor that beats x now and moves equally can never be passed: dropped.
        GammaIntervalBuilder dropped(0.5, 0.2);
        dropped.addCompetitor(0.7, 0.2);
        QVERIFY(!dropped.interval().valid);
        // lo > hi: invalid.
        GammaIntervalBuilder empty(0.5, 0.2);
        empty.addCompetitor(0.9, 0.0);  // lo = 2
        empty.addCompetitor(0.3, 0.6);  // hi = 0.5
        QVERIFY(!empty.interval().valid);
        // No competitor moving faster: hi = 1e8; lo clamps at 0.
        GammaIntervalBuilder open(0.5, 0.2);
        open.addCompetitor(0.1, 0.0);
        interval = open.interval();
        QCOMPARE(interval.lo, 0.0);
        QCOMPARE(interval.hi, 1e8);
    }

    void sweep()
    {
        // [0,1], [0.5,2], [0.5,0.7]: three cover 0.5.
        auto best = bestCoveredPoint({{0, 1, true}, {0.5, 2, true}, {0.5, 0.7, true}, {9, 10, false}});
        QCOMPARE(best.first, 0.5);
        QCOMPARE(best.second, 3);
        // Ties: the first maximum wins.
        best = bestCoveredPoint({{0, 1, true}, {2, 3, true}});
        QCOMPARE(best.first, 0.0);
        QCOMPARE(best.second, 1);
        // Equal endpoints: the start and the end of [0.5, 0.5] are one event value, applied
        // together, so the point never counts; a touching pair [0,1],[1,2] counts 1 at 1.
        best = bestCoveredPoint({{0.5, 0.5, true}});
        QCOMPARE(best.second, 0);
        QCOMPARE(best.first, 0.0);
        best = bestCoveredPoint({{0, 1, true}, {1, 2, true}, {0.2, 0.8, true}});
        QCOMPARE(best.first, 0.2);
        QCOMPARE(best.second, 2);
        // Nothing valid: gamma 0.
        best = bestCoveredPoint({});
        QCOMPARE(best.first, 0.0);
        QCOMPARE(best.second, 0);
    }

    void fitOnSyntheticData_data()
    {
        QTest::addColumn<bool>("variantN");
        QTest::newRow("nudge-n") << true;
        QTest::newRow("nudge-m") << false;
    }
    void fitOnSyntheticData()
    {
        QFETCH(bool, variantN);
        // 60 documents, 40 queries in 8 dims; query i answers document i (gain 1), and query
        // i < 20 also answers document i + 40. Train: queries 0..29, dev: 30..39.
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        Dataset dataset;
        std::vector<float> docValues, queryValues;
        for (int j = 0; j < 60; ++j) {
            dataset.docIds.add("d" + std::to_string(j));
            dataset.docs.push_back({});
            for (int c = 0; c < 8; ++c)
                docValues.push_back(normal(rng));
        }
        Qrels qrels;
        for (int i = 0; i < 40; ++i) {
            dataset.queryIds.add("q" + std::to_string(i));
            dataset.queries.push_back("");
            for (int c = 0; c < 8; ++c)
                queryValues.push_back(docValues[size_t(i * 8 + c)] + 0.8f * normal(rng));
            QueryJudgements judged{i, {{i, 1}}};
            if (i < 20)
                judged.judged.push_back({i + 40, 1});
            qrels.queries.push_back(judged);
        }
        dataset.splits["all"] = qrels;
        EmbeddingSet set;
        set.docs = FloatMatrix(60, 8, docValues);
        set.queries = FloatMatrix(40, 8, queryValues);
        set.hasQueryVector.assign(40, 1);
        TrainingData data;
        data.dataset = &dataset;
        data.embeddings = &set;
        for (int i = 0; i < 30; ++i)
            data.trainQueries.push_back(i);
        for (int i = 30; i < 40; ++i)
            data.devQueries.push_back(i);
        data.trainQrels = dataset.judgementsFor(data.trainQueries);
        data.devQrels = dataset.judgementsFor(data.devQueries);

        NudgeMethod method(variantN ? NudgeMethod::Variant::N : NudgeMethod::Variant::M);
        auto params = ParamValues::parse(method.spec(), {{"gamma", "0.3"}});
        QVERIFY(params.ok());
        auto model = method.fit(data, *params, nullptr);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().toString().c_str());
        const FloatMatrix tuned = (*model)->tunedDocuments();
        QCOMPARE((*model)->similarity(), variantN ? Similarity::Cosine : Similarity::Dot);
        // Only the moved rows are stored (the documents some training query answers: 0-29 and
        // 40-59), over the set's own matrix: no second document matrix.
        QVERIFY(tuned.overlay());
        QCOMPARE(tuned.overlay()->base.data(), set.docs.data());
        QCOMPARE(tuned.overlay()->rows.size(), size_t(50));
        // Direct computation per document.
        for (int j = 0; j < 60; ++j) {
            Eigen::VectorXd d = set.docs.map().row(j).cast<double>().transpose();
            d.normalize();
            Eigen::VectorXd g = Eigen::VectorXd::Zero(8);
            for (int i = 0; i < 30; ++i)
                if (i == j || (i < 20 && i + 40 == j))
                    g += set.queries.map().row(i).cast<double>().transpose().normalized();
            Eigen::VectorXd expected = d;
            if (g.norm() > 0) {
                if (variantN) {
                    const NudgeNStep s = nudgeNStep(g.dot(d), g.squaredNorm(), 0.3);
                    expected = (s.alpha * d + s.beta * g).normalized();
                } else {
                    expected = d + 0.3 * g.normalized();
                }
            }
            const Eigen::VectorXd got = tuned.map().row(j).cast<double>().transpose();
            QVERIFY2((got - expected).cwiseAbs().maxCoeff() < 1e-5, qPrintable(QString("document %1").arg(j)));
            // Documents no training query answers keep their direction (never moved).
            if (j >= 30 && j < 40)
                QVERIFY((got - d).cwiseAbs().maxCoeff() < 1e-6);
        }

        // Gamma selection on the same data: the reported choice is consistent.
        auto selected = method.fit(data, *ParamValues::parse(method.spec(), {}), nullptr);
        QVERIFY(selected.ok());
        const QString report = QString::fromStdString((*selected)->reportJson());
        QVERIFY2(report.contains("\"gamma\":"), qPrintable(report));
        if (variantN) {
            QVERIFY(report.contains("\"dev_accuracy\":["));
        } else {
            QVERIFY(report.contains("\"best_count\":"));
            QVERIFY(report.contains("\"dev_pairs\":10"));
        }
    }

    void gridTiesPickTheSmallestGamma()
    {
        // A grid whose values all give the same dev accuracy: the first (smallest) wins.
        NudgeMethod method(NudgeMethod::Variant::N);
        Dataset dataset;
        for (const char *id : {"a", "b"}) {
            dataset.docIds.add(id);
            dataset.docs.push_back({});
        }
        for (const char *id : {"q1", "q2"}) {
            dataset.queryIds.add(id);
            dataset.queries.push_back("");
        }
        EmbeddingSet set;
        set.docs = FloatMatrix(2, 2, std::vector<float>{1, 0, 0, 1});
        set.queries = FloatMatrix(2, 2, std::vector<float>{0.9f, 0.1f, 0.95f, 0.05f});
        set.hasQueryVector.assign(2, 1);
        TrainingData data;
        data.dataset = &dataset;
        data.embeddings = &set;
        data.trainQrels.queries = {{0, {{0, 1}}}};
        data.devQrels.queries = {{1, {{0, 1}}}};
        auto params = ParamValues::parse(method.spec(), {{"gamma_grid", "0.3,0.1,0.2"}});
        QVERIFY(params.ok());
        auto model = method.fit(data, *params, nullptr);
        QVERIFY(model.ok());
        QVERIFY2(QString::fromStdString((*model)->reportJson()).contains("\"gamma\":0.3,"),
                 (*model)->reportJson().c_str());
    }

    void errors()
    {
        NudgeMethod method(NudgeMethod::Variant::N);
        QVERIFY(!ParamValues::parse(method.spec(), {{"gamma_grid", "0.1,x"}}).ok());
        QVERIFY(!ParamValues::parse(method.spec(), {{"gamma", "7"}}).ok());
        QVERIFY(!ParamValues::parse(method.spec(), {{"nope", "1"}}).ok());
        TrainingData empty;
        QCOMPARE(method.fit(empty, *ParamValues::parse(method.spec(), {}), nullptr).error().code, ErrorCode::Usage);
    }

    void scifactReferenceFigures()
    {
        const QString dir = embtune::test::sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        auto ds = readBeirDataset(dir.toStdString());
        QVERIFY(ds.ok());
        auto set = readNpyEmbeddingSet((dir + "/embeddings/lsa256").toStdString(), *ds);
        QVERIFY(set.ok());
        auto train = readQueryIdList((dir + "/splits/train.txt").toStdString(), *ds);
        auto dev = readQueryIdList((dir + "/splits/dev.txt").toStdString(), *ds);
        QVERIFY(train.ok() && dev.ok());
        TrainingData data;
        data.dataset = &*ds;
        data.embeddings = &*set;
        data.trainQueries = *train;
        data.devQueries = *dev;
        data.trainQrels = ds->judgementsFor(*train);
        data.devQrels = ds->judgementsFor(*dev);
        // REFERENCE.md: the authors' package on exactly these inputs.
        const std::vector<std::pair<NudgeMethod::Variant, std::vector<double>>> expected{
            {NudgeMethod::Variant::N, {0.69258, 0.80711, 0.92667}},
            {NudgeMethod::Variant::M, {0.68344, 0.80644, 0.92933}}};
        for (const auto &[variant, figures] : expected) {
            NudgeMethod method(variant);
            auto model = method.fit(data, *ParamValues::parse(method.spec(), {}), nullptr);
            QVERIFY(model.ok());
            EmbeddingSet tuned = *set;
            tuned.docs = (*model)->tunedDocuments();
            EvaluationOptions options;
            options.ks = {10, 100};
            options.similarity = (*model)->similarity();
            auto report = evaluateEmbeddings(*ds, tuned, options);
            QVERIFY(report.ok());
            const double got[3] = {report->metrics.mean(Metric::Ndcg, 10), report->metrics.mean(Metric::Recall, 10),
                                   report->metrics.mean(Metric::Recall, 100)};
            qInfo("%s: nDCG@10 %.5f recall@10 %.5f recall@100 %.5f", method.spec().id.c_str(), got[0], got[1], got[2]);
            for (int i = 0; i < 3; ++i)
                QVERIFY2(std::abs(got[i] - figures[size_t(i)]) <= 0.001,
                         qPrintable(QString("%1 figure %2: %3 vs %4").arg(method.spec().id.c_str()).arg(i).arg(got[i]).arg(figures[size_t(i)])));
        }
    }
};

QTEST_APPLESS_MAIN(TestNudge)
#include "test_nudge.moc"
