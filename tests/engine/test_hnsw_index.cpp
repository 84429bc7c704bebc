// HnswIndex against exact search (the slow reference): recall on clustered data, spaces, ties,
// exclusion, save/load and the sidecar checks, updates and rebuild, determinism, concurrency,
// cancellation, loading with Python's hnswlib, and the SciFact acceptance figures.

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"
#include "io/npy.h"
#include "search/ann_recall.h"
#include "search/exact_search.h"
#include "search/hnsw_index.h"
#include "support/fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <atomic>
#include <fstream>
#include <random>
#include <set>
#include <thread>

using namespace embtune::engine;
using embtune::test::path;

namespace {

// `rows` vectors around `clusters` Gaussian centres (noise 0.3 against unit-variance centres).
FloatMatrix clustered(int64_t rows, int64_t dim, uint32_t seed, int clusters = 40)
{
    std::mt19937 rng(seed);
    std::mt19937 centreRng(7); // the same centres for documents and queries
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(clusters) * size_t(dim));
    for (auto &c : centres)
        c = normal(centreRng);
    std::vector<float> values(size_t(rows * dim));
    for (int64_t r = 0; r < rows; ++r) {
        const float *c = centres.data() + size_t(rng() % uint32_t(clusters)) * size_t(dim);
        for (int64_t j = 0; j < dim; ++j)
            values[size_t(r * dim + j)] = c[j] + 0.3f * normal(rng);
    }
    return FloatMatrix(rows, dim, std::move(values));
}

std::vector<std::string> makeIds(int64_t n, const std::string &prefix = "doc")
{
    std::vector<std::string> ids;
    for (int64_t i = 0; i < n; ++i)
        ids.push_back(prefix + std::to_string(i));
    return ids;
}

std::vector<int32_t> iota(int64_t n)
{
    std::vector<int32_t> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

// Rows [begin, end) of m.
FloatMatrix rowsOf(const FloatMatrix &m, int64_t begin, int64_t end)
{
    return FloatMatrix(end - begin, m.cols(), std::vector<float>(m.row(begin), m.row(begin) + (end - begin) * m.cols()));
}

Similarity similarityOf(HnswSpace space)
{
    return space == HnswSpace::Cosine ? Similarity::Cosine : Similarity::Dot;
}

Ranking exactRanking(const FloatMatrix &docs, const std::vector<std::string> &ids, const FloatMatrix &queries,
                     int32_t k, HnswSpace space, const std::vector<int32_t> &exclude = {})
{
    ExactSearchOptions options;
    options.k = k;
    options.similarity = similarityOf(space);
    options.threads = 2;
    auto r = exactSearch(docs, queries, iota(queries.rows()), tiePriorityByIdDescending(ids), options, exclude);
    Q_ASSERT(r.ok());
    return *r;
}

std::string readAll(const std::string &file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

HnswParameters parameters(HnswSpace space, int efSearch = 100, int m = 16, int efConstruction = 200, uint64_t seed = 100)
{
    HnswParameters p;
    p.space = space;
    p.m = m;
    p.efConstruction = efConstruction;
    p.efSearch = efSearch;
    p.seed = seed;
    return p;
}

} // namespace

class TestHnswIndex : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string file(const std::string &name) const { return (path(m_dir) / name).string(); }

private slots:
    void matchesExactSearchOnClusteredData_data()
    {
        QTest::addColumn<int>("space");
        QTest::addColumn<int>("threads");
        QTest::newRow("cosine, 2 threads") << int(HnswSpace::Cosine) << 2;
        QTest::newRow("cosine, 1 thread") << int(HnswSpace::Cosine) << 1;
        QTest::newRow("inner product, 2 threads") << int(HnswSpace::InnerProduct) << 2;
    }
    void matchesExactSearchOnClusteredData()
    {
        QFETCH(int, space);
        QFETCH(int, threads);
        const FloatMatrix docs = clustered(4000, 32, 1), queries = clustered(200, 32, 2);
        const auto ids = makeIds(docs.rows());
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace(space), 200), threads);
        QVERIFY(index.ok());
        QCOMPARE(index->size(), 4000);
        auto ann = index->search(queries, iota(200), 10, 2);
        QVERIFY(ann.ok());
        const Ranking exact = exactRanking(docs, ids, queries, 10, HnswSpace(space));
        auto recall = annRecall(*ann, exact, 10);
        QVERIFY(recall.ok());
        qInfo("recall@10 = %.4f", *recall);
        QVERIFY2(*recall >= 0.99, qPrintable(QString::number(*recall)));
        // Where both lists hold the same document, the scores agree with exact search.
        for (size_t i = 0; i < ann->docs.size(); ++i)
            if (ann->docs[i] == exact.docs[i])
                QVERIFY(std::abs(ann->scores[i] - exact.scores[i]) < 1e-4f);
    }

    void cosineAndInnerProductDiffer()
    {
        // d0 points the query's way but is short; d1 is long and 45 degrees off.
        const FloatMatrix docs(3, 2, std::vector<float>{0.1f, 0, 3, 3, 0, 1});
        const FloatMatrix queries(1, 2, std::vector<float>{2, 0});
        const auto ids = makeIds(3);
        auto cosine = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine));
        auto ip = HnswIndex::build(docs, ids, parameters(HnswSpace::InnerProduct));
        QVERIFY(cosine.ok() && ip.ok());
        auto c = cosine->search(queries, {0}, 3);
        auto p = ip->search(queries, {0}, 3);
        QVERIFY(c.ok() && p.ok());
        QCOMPARE(c->docs, (std::vector<int32_t>{0, 1, 2}));
        QCOMPARE(p->docs, (std::vector<int32_t>{1, 0, 2}));
        QVERIFY(std::abs(c->scores[0] - 1.0f) < 1e-6f);
        QVERIFY(std::abs(c->scores[1] - std::sqrt(0.5f)) < 1e-6f);
        QVERIFY(std::abs(p->scores[0] - 6.0f) < 1e-5f); // the raw inner product
        QVERIFY(std::abs(p->scores[1] - 0.2f) < 1e-6f);
        QCOMPARE(QString(hnswSpaceName(HnswSpace::InnerProduct)), QString("ip"));
    }

    void tiesBreakByIdDescending()
    {
        // As in exact search: identical vectors rank by id descending in string order.
        const std::vector<std::string> ids{"007", "7", "10", "a"};
        const FloatMatrix docs(4, 2, std::vector<float>{1, 0, 1, 0, 1, 0, 0, 1});
        const FloatMatrix queries(1, 2, std::vector<float>{1, 0});
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine));
        QVERIFY(index.ok());
        auto r = index->search(queries, {0}, 4);
        QVERIFY(r.ok());
        QCOMPARE(r->docs, (std::vector<int32_t>{1, 2, 0, 3}));
    }

    void tiesAcrossTheKthPlaceMatchExactSearch()
    {
        // 12 copies of one vector among clustered ones (fewer than k + kTieMargin): the top 5 must
        // be the 5 copies with the largest ids, whatever order hnswlib finds them in.
        FloatMatrix base = clustered(500, 16, 3);
        std::vector<float> values(base.data(), base.data() + base.rows() * base.cols());
        static_assert(5 + HnswIndex::kTieMargin >= 12);
        for (int i = 0; i < 11; ++i) {
            const int32_t row = 10 + 37 * i;
            std::copy(base.row(0), base.row(0) + 16, values.begin() + row * 16);
        }
        const FloatMatrix docs(500, 16, std::move(values));
        std::vector<std::string> ids = makeIds(500);
        std::shuffle(ids.begin(), ids.end(), std::mt19937(5));
        const FloatMatrix queries = rowsOf(docs, 0, 1);
        for (HnswSpace space : {HnswSpace::Cosine, HnswSpace::InnerProduct}) {
            auto index = HnswIndex::build(docs, ids, parameters(space), 2);
            QVERIFY(index.ok());
            auto r = index->search(queries, {0}, 5);
            QVERIFY(r.ok());
            const Ranking exact = exactRanking(docs, ids, queries, 5, space);
            QCOMPARE(r->docs, exact.docs);
        }
    }

    void excludesOneLabelPerQuery()
    {
        const FloatMatrix docs = clustered(1000, 16, 4);
        const auto ids = makeIds(1000);
        const FloatMatrix queries = rowsOf(docs, 0, 50); // query i is document i
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine, 200), 2);
        QVERIFY(index.ok());
        auto plain = index->search(queries, iota(50), 5);
        auto excluded = index->search(queries, iota(50), 5, 2, iota(50));
        QVERIFY(plain.ok() && excluded.ok());
        const Ranking exact = exactRanking(docs, ids, queries, 5, HnswSpace::Cosine, iota(50));
        int same = 0;
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(plain->docsOf(size_t(i))[0], i);
            for (int r = 0; r < 5; ++r)
                QVERIFY(excluded->docsOf(size_t(i))[r] != i);
            same += excluded->docsOf(size_t(i))[0] == exact.docsOf(size_t(i))[0];
        }
        QVERIFY(same >= 49);
    }

    void smallIndexesPadShortLists()
    {
        const FloatMatrix docs(2, 2, std::vector<float>{1, 0, 0, 1});
        const FloatMatrix queries(1, 2, std::vector<float>{1, 1});
        auto index = HnswIndex::build(docs, makeIds(2), parameters(HnswSpace::Cosine));
        QVERIFY(index.ok());
        auto r = index->search(queries, {0}, 4, 1, {1});
        QVERIFY(r.ok());
        QCOMPARE(r->docs, (std::vector<int32_t>{0, -1, -1, -1}));
        QVERIFY(std::isinf(r->scores[1]) && r->scores[1] < 0);
        auto empty = HnswIndex::build(FloatMatrix(0, 2, std::vector<float>{}), {}, parameters(HnswSpace::Cosine));
        QVERIFY(empty.ok());
        auto none = empty->search(queries, {0}, 2);
        QVERIFY(none.ok());
        QCOMPARE(none->docs, (std::vector<int32_t>{-1, -1}));
    }

    void badArgumentsAreUsageErrors()
    {
        const FloatMatrix docs(2, 2, std::vector<float>{1, 0, 0, 1});
        auto duplicate = HnswIndex::build(docs, {"a", "a"}, parameters(HnswSpace::Cosine));
        QVERIFY(!duplicate.ok());
        QCOMPARE(duplicate.error().code, ErrorCode::Usage);
        QVERIFY(duplicate.error().message.find("duplicate id \"a\"") != std::string::npos);
        QCOMPARE(HnswIndex::build(docs, {"a"}, parameters(HnswSpace::Cosine)).error().code, ErrorCode::Usage);
        QCOMPARE(HnswIndex::build(docs, {"a", "b"}, parameters(HnswSpace::Cosine, 100, 1)).error().code,
                 ErrorCode::Usage);
        auto index = HnswIndex::build(docs, {"a", "b"}, parameters(HnswSpace::Cosine));
        QVERIFY(index.ok());
        const FloatMatrix wrongDim(1, 3, std::vector<float>{1, 0, 0});
        QCOMPARE(index->search(wrongDim, {0}, 1).error().code, ErrorCode::Usage);
        QCOMPARE(index->search(docs, {5}, 1).error().code, ErrorCode::Usage);
        QCOMPARE(index->search(docs, {0}, 0).error().code, ErrorCode::Usage);
        QCOMPARE(index->setEfSearch(0).error().code, ErrorCode::Usage);
    }

    void annRecallCountsOverlap()
    {
        Ranking exact, ann;
        exact.k = ann.k = 3;
        exact.queries = ann.queries = {4, 7};
        exact.docs = {1, 2, 3, 5, -1, -1}; // the second query has a single document
        ann.docs = {3, 9, 1, 5, -1, -1};
        exact.scores = ann.scores = std::vector<float>(6, 0.0f);
        auto r3 = annRecall(ann, exact, 3);
        QVERIFY(r3.ok());
        QCOMPARE(*r3, (2.0 / 3.0 + 1.0) / 2.0);
        auto r1 = annRecall(ann, exact, 1);
        QVERIFY(r1.ok());
        QCOMPARE(*r1, 0.5);
        QCOMPARE(annRecall(ann, exact, 4).error().code, ErrorCode::Usage);
        ann.queries = {7, 4};
        QCOMPARE(annRecall(ann, exact, 1).error().code, ErrorCode::Usage);
    }

    void saveLoadRoundTrip()
    {
        const FloatMatrix docs = clustered(1500, 24, 5), queries = clustered(40, 24, 6);
        const auto ids = makeIds(docs.rows());
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine, 64), 2);
        QVERIFY(index.ok());
        const std::string where = file("roundtrip.hnsw");
        QVERIFY(index->save(where).ok());
        QCOMPARE(int64_t(std::filesystem::file_size(where)), index->indexBytes());
        QVERIFY(!std::filesystem::exists(where + ".tmp-embtune"));

        QFile sidecar(QString::fromStdString(HnswIndex::sidecarPath(where)));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(sidecar.readAll()).object();
        QCOMPARE(json["space"].toString(), QString("cosine"));
        QCOMPARE(json["dim"].toInt(), 24);
        QCOMPARE(json["M"].toInt(), 16);
        QCOMPARE(json["ef_construction"].toInt(), 200);
        QCOMPARE(json["ef_search"].toInt(), 64);
        QCOMPARE(json["count"].toInt(), 1500);
        QCOMPARE(json["format_version"].toInt(), 1);
        QCOMPARE(json["ids"].toArray().size(), 1500);
        QCOMPARE(json["ids"].toArray()[7].toString(), QString("doc7"));
        QCOMPARE(json["vectors_hash"].toString().toStdString(), index->vectorsHash());

        auto loaded = HnswIndex::load(where, docs, ids);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        QCOMPARE(loaded->parameters().efSearch, 64);
        QCOMPARE(loaded->labelCount(), 1500);
        QCOMPARE(loaded->vectorsHash(), index->vectorsHash());
        auto before = index->search(queries, iota(40), 10);
        auto after = loaded->search(queries, iota(40), 10);
        QVERIFY(before.ok() && after.ok());
        QCOMPARE(after->docs, before->docs);
        QCOMPARE(after->scores, before->scores);
    }

    void sidecarMismatchIsRefused()
    {
        const FloatMatrix docs = clustered(300, 8, 7);
        const auto ids = makeIds(docs.rows());
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine));
        QVERIFY(index.ok());
        const std::string where = file("mismatch.hnsw");
        const std::string side = HnswIndex::sidecarPath(where);
        QVERIFY(index->save(where).ok());
        auto expectRefused = [&](const FloatMatrix &vectors, const std::vector<std::string> &givenIds,
                                 const std::string &needle, const std::string &errorFile) {
            auto r = HnswIndex::load(where, vectors, givenIds);
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::Input);
            QCOMPARE(r.error().file, errorFile);
            QVERIFY2(r.error().message.find(needle) != std::string::npos, r.error().toString().c_str());
        };
        // One value changed.
        std::vector<float> changed(docs.data(), docs.data() + docs.rows() * docs.cols());
        changed[123] += 1e-3f;
        expectRefused(FloatMatrix(300, 8, changed), ids, "differ from those the index was built from", side);
        // Ids changed: renamed, and two swapped.
        auto renamed = ids;
        renamed[17] = "other";
        expectRefused(docs, renamed, "label 17 is \"doc17\" in the sidecar but the given id at row 17 is \"other\"", side);
        auto swapped = ids;
        std::swap(swapped[3], swapped[4]);
        expectRefused(docs, swapped, "label 3", side);
        // Fewer vectors.
        expectRefused(rowsOf(docs, 0, 299), std::vector<std::string>(ids.begin(), ids.end() - 1),
                      "holds 300 vectors but 299 were given", side);
        // Wrong dimension.
        const FloatMatrix wider = clustered(300, 9, 7);
        expectRefused(wider, ids, "built for 8-dimensional vectors but the given vectors have 9", side);
        // A corrupt hnswlib file is named as such.
        const std::string bytes = readAll(where);
        embtune::test::writeBytes(where, bytes.substr(0, bytes.size() / 2));
        expectRefused(docs, ids, "", where);
        // No sidecar.
        std::filesystem::remove(side);
        expectRefused(docs, ids, "cannot read the index sidecar", side);
    }

    void insertReplaceRemoveThenSearch()
    {
        const FloatMatrix all = clustered(1200, 16, 8), queries = clustered(60, 16, 9);
        const auto ids = makeIds(all.rows());
        auto index = HnswIndex::build(rowsOf(all, 0, 1000), std::vector<std::string>(ids.begin(), ids.begin() + 1000),
                                      parameters(HnswSpace::Cosine, 200), 2);
        QVERIFY(index.ok());
        QVERIFY(index->insert(rowsOf(all, 1000, 1200), std::vector<std::string>(ids.begin() + 1000, ids.end()), 2).ok());
        QCOMPARE(index->labelCount(), 1200);
        QCOMPARE(index->labelOf("doc1100"), 1100);
        auto ann = index->search(queries, iota(60), 10);
        QVERIFY(ann.ok());
        QVERIFY(*annRecall(*ann, exactRanking(all, ids, queries, 10, HnswSpace::Cosine), 10) >= 0.99);

        // An id already in the index cannot be inserted; nothing changes.
        auto again = index->insert(rowsOf(all, 0, 2), {"new", "doc5"});
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::Usage);
        QCOMPARE(index->labelOf("new"), -1);

        // Replace: document 7 becomes query 0 itself, so it ranks first for it.
        QVERIFY(index->replace(rowsOf(queries, 0, 1), {"doc7"}).ok());
        auto replaced = index->search(queries, {0}, 3);
        QVERIFY(replaced.ok());
        QCOMPARE(replaced->docs[0], 7);
        QVERIFY(std::abs(replaced->scores[0] - 1.0f) < 1e-5f);
        QCOMPARE(index->deletedCount(), 0);
        QCOMPARE(index->replace(rowsOf(all, 0, 1), {"unknown"}).error().code, ErrorCode::Usage);

        // Remove: the removed documents never come back.
        std::vector<std::string> removed;
        std::set<int32_t> removedLabels;
        for (int32_t i = 0; i < 1200; i += 4) {
            removed.push_back(ids[size_t(i)]);
            removedLabels.insert(i);
        }
        QVERIFY(index->remove(removed).ok());
        QCOMPARE(index->deletedCount(), 300);
        QCOMPARE(index->size(), 900);
        QVERIFY(index->isDeleted(4));
        QCOMPARE(index->remove({"doc4"}).error().code, ErrorCode::Usage);
        auto afterRemove = index->search(queries, iota(60), 10);
        QVERIFY(afterRemove.ok());
        for (int32_t doc : afterRemove->docs)
            QVERIFY(doc >= 0 && !removedLabels.count(doc));

        // Reviving a removed id puts it back under its old label.
        QVERIFY(index->insert(rowsOf(queries, 1, 2), {"doc8"}).ok());
        QCOMPARE(index->deletedCount(), 299);
        auto revived = index->search(queries, {1}, 1);
        QVERIFY(revived.ok());
        QCOMPARE(revived->docs[0], 8);

        // The edited index saves and loads with its live vectors in label order.
        std::vector<float> live;
        std::vector<std::string> liveIds;
        for (int32_t label = 0; label < 1200; ++label) {
            if (index->isDeleted(label))
                continue;
            const float *row = label == 7 ? queries.row(0) : label == 8 ? queries.row(1) : all.row(label);
            live.insert(live.end(), row, row + 16);
            liveIds.push_back(ids[size_t(label)]);
        }
        const FloatMatrix liveVectors(int64_t(liveIds.size()), 16, std::move(live));
        const std::string where = file("edited.hnsw");
        QVERIFY(index->save(where).ok());
        auto loaded = HnswIndex::load(where, liveVectors, liveIds);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        QCOMPARE(loaded->deletedCount(), 299);
        auto a = index->search(queries, iota(60), 10), b = loaded->search(queries, iota(60), 10);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(b->docs, a->docs);
    }

    void rebuildDropsDeletedElements()
    {
        const FloatMatrix docs = clustered(1000, 16, 10), queries = clustered(50, 16, 11);
        const auto ids = makeIds(docs.rows());
        auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::InnerProduct, 200), 2);
        QVERIFY(index.ok());
        std::vector<std::string> removed;
        for (int i = 0; i < 1000; i += 3)
            removed.push_back(ids[size_t(i)]);
        QVERIFY(!index->needsRebuild(0.2));
        QVERIFY(index->remove(removed).ok());
        QVERIFY(index->needsRebuild(0.2));
        QVERIFY(!index->needsRebuild(0.5));

        // Cancelling leaves the index as it was.
        Progress stop([](const ProgressEvent &) { return false; });
        QCOMPARE(index->rebuild(2, &stop).error().code, ErrorCode::Cancelled);
        QCOMPARE(index->deletedCount(), 334);

        QVERIFY(index->rebuild(2).ok());
        QCOMPARE(index->deletedCount(), 0);
        QCOMPARE(index->labelCount(), 666);
        std::vector<float> live;
        std::vector<std::string> liveIds;
        for (int i = 0; i < 1000; ++i)
            if (i % 3 != 0) {
                live.insert(live.end(), docs.row(i), docs.row(i) + 16);
                liveIds.push_back(ids[size_t(i)]);
            }
        QCOMPARE(index->ids(), liveIds);
        const FloatMatrix liveDocs(666, 16, std::move(live));
        auto ann = index->search(queries, iota(50), 10);
        QVERIFY(ann.ok());
        const double recall = *annRecall(*ann, exactRanking(liveDocs, liveIds, queries, 10, HnswSpace::InnerProduct), 10);
        QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));
        // The rebuilt index matches the live vectors it now holds.
        const std::string where = file("rebuilt.hnsw");
        QVERIFY(index->save(where).ok());
        QVERIFY(HnswIndex::load(where, liveDocs, liveIds).ok());
    }

    void singleThreadBuildIsDeterministic()
    {
        const FloatMatrix docs = clustered(2000, 16, 12);
        const auto ids = makeIds(docs.rows());
        std::vector<std::string> bytes;
        for (uint64_t seed : {100, 100, 101}) {
            auto index = HnswIndex::build(docs, ids, parameters(HnswSpace::Cosine, 100, 16, 200, seed), 1);
            QVERIFY(index.ok());
            const std::string where = file("deterministic" + std::to_string(bytes.size()) + ".hnsw");
            QVERIFY(index->save(where).ok());
            bytes.push_back(readAll(where));
        }
        QVERIFY(!bytes[0].empty());
        QVERIFY(bytes[0] == bytes[1]);
        QVERIFY(bytes[0] != bytes[2]); // another seed draws other levels
    }

    void concurrentSearchesWhileWriterWaits()
    {
        const FloatMatrix docs = clustered(3000, 16, 13), queries = clustered(64, 16, 14);
        const auto ids = makeIds(docs.rows());
        auto index = HnswIndex::build(rowsOf(docs, 0, 2000), std::vector<std::string>(ids.begin(), ids.begin() + 2000),
                                      parameters(HnswSpace::Cosine, 50), 2);
        QVERIFY(index.ok());
        std::atomic<bool> done{false};
        std::atomic<int> searches{0}, failures{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&] {
                while (!done.load()) {
                    auto r = index->search(queries, iota(64), 10, 1);
                    if (!r.ok() || r->docs[0] < 0)
                        failures.fetch_add(1);
                    searches.fetch_add(1);
                }
            });
        std::thread writer([&] {
            for (int round = 0; round < 10; ++round) {
                const int64_t begin = 2000 + round * 100;
                std::vector<std::string> batch(ids.begin() + begin, ids.begin() + begin + 100);
                if (!index->insert(rowsOf(docs, begin, begin + 100), batch, 2).ok())
                    failures.fetch_add(1);
                if (!index->setEfSearch(40 + round).ok())
                    failures.fetch_add(1);
                if (!index->remove({ids[size_t(round)]}).ok())
                    failures.fetch_add(1);
                if (!index->replace(rowsOf(docs, 100 + round, 101 + round), {ids[size_t(50 + round)]}).ok())
                    failures.fetch_add(1);
            }
            if (!index->rebuild(2).ok())
                failures.fetch_add(1);
        });
        writer.join();
        done.store(true);
        for (auto &reader : readers)
            reader.join();
        QCOMPARE(failures.load(), 0);
        QVERIFY(searches.load() >= 4);
        QCOMPARE(index->size(), 2990);
        QCOMPARE(index->deletedCount(), 0);
    }

    void cancelDuringBuild()
    {
        const FloatMatrix docs = clustered(20000, 16, 15);
        int calls = 0;
        Progress progress([&](const ProgressEvent &event) {
            if (event.phase != "index")
                return true;
            return ++calls < 3;
        });
        auto index = HnswIndex::build(docs, makeIds(docs.rows()), parameters(HnswSpace::Cosine), 2, &progress);
        QVERIFY(!index.ok());
        QCOMPARE(index.error().code, ErrorCode::Cancelled);
        QCOMPARE(calls, 3);

        int64_t last = 0;
        Progress counting([&](const ProgressEvent &event) {
            last = std::max(last, event.done); // workers may report out of order
            return true;
        });
        QVERIFY(HnswIndex::build(rowsOf(docs, 0, 3000), makeIds(3000), parameters(HnswSpace::Cosine), 2, &counting).ok());
        QCOMPARE(last, 3000);
    }

    void pythonHnswlibLoadsTheIndex()
    {
        QProcess probe;
        probe.start("/usr/bin/python3", {"-c", "import hnswlib, numpy"});
        if (!probe.waitForFinished(60000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            QSKIP("Python hnswlib is not available (/usr/bin/python3 -c 'import hnswlib, numpy' failed; "
                  "apt-get install python3-hnswlib python3-numpy)");
        const char *script = R"(
import json, sys
import hnswlib, numpy as np
index_path, queries_path, k, ef = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sidecar = json.load(open(index_path + '.json'))
index = hnswlib.Index(space=sidecar['space'], dim=sidecar['dim'])
index.load_index(index_path)
index.set_ef(ef)
labels, distances = index.knn_query(np.load(queries_path), k=k)
print(json.dumps({'count': index.get_current_count(), 'labels': labels.tolist(),
                  'ids': [[sidecar['ids'][l] for l in row] for row in labels.tolist()]}))
)";
        embtune::test::writeText(path(m_dir) / "load_index.py", script);
        const FloatMatrix docs = clustered(2000, 32, 16), queries = clustered(8, 32, 17);
        const auto ids = makeIds(docs.rows(), "id-");
        QVERIFY(writeNpyMatrix(file("py_queries.npy"), queries.map()).ok());
        for (HnswSpace space : {HnswSpace::Cosine, HnswSpace::InnerProduct}) {
            auto index = HnswIndex::build(docs, ids, parameters(space, 80), 2);
            QVERIFY(index.ok());
            const std::string where = file(std::string("py_") + hnswSpaceName(space) + ".hnsw");
            QVERIFY(index->save(where).ok());
            QProcess python;
            python.start("/usr/bin/python3", {QString::fromStdString(file("load_index.py")), QString::fromStdString(where),
                                              QString::fromStdString(file("py_queries.npy")), "10", "80"});
            QVERIFY(python.waitForFinished(120000));
            QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
            const QJsonObject out = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
            QCOMPARE(out["count"].toInt(), 2000);
            auto ours = index->search(queries, iota(8), 10);
            QVERIFY(ours.ok());
            for (int q = 0; q < 8; ++q) {
                std::set<int32_t> theirs, mine(ours->docsOf(size_t(q)), ours->docsOf(size_t(q)) + 10);
                for (const auto &label : out["labels"].toArray()[q].toArray())
                    theirs.insert(int32_t(label.toInt()));
                QCOMPARE(theirs, mine);
                QCOMPARE(out["ids"].toArray()[q].toArray()[0].toString().toStdString(),
                         ids[size_t(ours->docsOf(size_t(q))[0])]);
            }
        }
    }

    void scifactAcceptance()
    {
        const QString dir = embtune::test::sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        auto dataset = readBeirDataset(dir.toStdString());
        QVERIFY(dataset.ok());
        auto embeddings = readNpyEmbeddingSet((dir + "/embeddings/lsa256").toStdString(), *dataset);
        QVERIFY(embeddings.ok());
        EvaluationOptions options;
        options.ks = {10};
        auto exact = evaluateEmbeddings(*dataset, *embeddings, options);
        QVERIFY(exact.ok());

        HnswParameters p = parameters(HnswSpace::Cosine, 100, 16, 200, 100);
        auto index = HnswIndex::build(embeddings->docs, dataset->docIds.ids(), p, 2);
        QVERIFY(index.ok());
        RankingSource hnsw = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                 Progress *progress) {
            return index->search(embeddings->queries, queries, k, 2, exclude, progress);
        };
        auto ann = evaluateRankings(*dataset, hnsw, options);
        QVERIFY(ann.ok());
        auto recall = annRecall(ann->ranking, exact->ranking, 10);
        QVERIFY(recall.ok());
        const double exactNdcg = exact->metrics.mean(Metric::Ndcg, 10), annNdcg = ann->metrics.mean(Metric::Ndcg, 10);
        qInfo("SciFact lsa256, M 16, ef_construction 200, ef 100: ANN recall@10 %.5f, nDCG@10 exact %.5f, hnsw %.5f",
              *recall, exactNdcg, annNdcg);
        QVERIFY(std::abs(exactNdcg - 0.47710) < 1e-5);
        QVERIFY(*recall >= 0.99);
        QVERIFY(std::abs(annNdcg - exactNdcg) <= 0.003);
    }
};

QTEST_APPLESS_MAIN(TestHnswIndex)
#include "test_hnsw_index.moc"
