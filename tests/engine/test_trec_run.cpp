// TREC run files (engine/io/trec_run): the text of a ranking, a round trip through a file that
// restores the ranking (including the order of tied scores: document id descending, as trec_eval
// sorts), depth, padding, and a clear error for each kind of bad line.

#include "io/trec_run.h"

#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace embtune::engine;

namespace {

std::string numbered(const char *prefix, int i)
{
    std::string out(prefix);
    out += std::to_string(i);
    return out;
}

Dataset makeDataset(int docs, int queries)
{
    Dataset dataset;
    dataset.name = "tiny";
    for (int d = 0; d < docs; ++d) {
        (void)dataset.docIds.add(numbered("doc", d));
        dataset.docs.push_back({"", numbered("text ", d)});
    }
    for (int q = 0; q < queries; ++q) {
        (void)dataset.queryIds.add(numbered("q", q));
        dataset.queries.push_back(numbered("query ", q));
    }
    return dataset;
}

} // namespace

class TestTrecRun : public QObject {
    Q_OBJECT
private slots:
    void formatsLines();
    void roundTripRestoresRanking();
    void tiesOrderedByIdDescending();
    void depthAndPadding();
    void badLines_data();
    void badLines();
    void unknownIdsAndDuplicates();
    void usageErrors();
};

void TestTrecRun::formatsLines()
{
    const Dataset dataset = makeDataset(3, 2);
    Ranking ranking;
    ranking.k = 2;
    ranking.queries = {1, 0};
    ranking.docs = {2, 0, 1, -1};
    ranking.scores = {0.75f, 0.5f, 0.25f, 0.0f};
    auto text = formatTrecRun(ranking, dataset, "my-run");
    QVERIFY(text.ok());
    QCOMPARE(QString::fromStdString(*text), QStringLiteral("q1 Q0 doc2 1 0.75 my-run\n"
                                                           "q1 Q0 doc0 2 0.5 my-run\n"
                                                           "q0 Q0 doc1 1 0.25 my-run\n"));
}

void TestTrecRun::roundTripRestoresRanking()
{
    // Random scores over 50 documents, some of them tied, ranked like the search ranks them.
    const Dataset dataset = makeDataset(50, 8);
    std::mt19937 random(3);
    std::uniform_int_distribution<int> level(0, 9);
    Ranking ranking;
    ranking.k = 20;
    for (int q = 0; q < 8; ++q) {
        ranking.queries.push_back(q);
        struct Scored { int32_t doc; float score; };
        std::vector<Scored> all;
        for (int d = 0; d < 50; ++d)
            all.push_back({d, float(level(random)) / 7.0f + (d % 3 == 0 ? 0.0f : 1e-3f * float(d))});
        std::sort(all.begin(), all.end(), [&](const Scored &a, const Scored &b) {
            return a.score != b.score ? a.score > b.score : dataset.docIds.id(a.doc) > dataset.docIds.id(b.doc);
        });
        for (int i = 0; i < 20; ++i) {
            ranking.docs.push_back(all[size_t(i)].doc);
            ranking.scores.push_back(all[size_t(i)].score);
        }
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("run.trec")).toStdString();
    QVERIFY(writeTrecRun(path, ranking, dataset, "tag").ok());
    auto lines = readTrecRun(path);
    QVERIFY(lines.ok());
    QCOMPARE(lines->size(), size_t(8 * 20));
    QCOMPARE(lines->front().line, int64_t(1));
    QCOMPARE(lines->back().rank, 20);
    auto back = rankingFromTrecRun(*lines, dataset, path);
    QVERIFY(back.ok());
    QCOMPARE(back->k, ranking.k);
    QCOMPARE(back->queries, ranking.queries);
    QCOMPARE(back->docs, ranking.docs);
    QCOMPARE(back->scores, ranking.scores); // 9 significant digits read a float back exactly
}

void TestTrecRun::tiesOrderedByIdDescending()
{
    // Written in an order that disagrees with the rule: reading sorts by score, then id descending
    // ("doc9" > "doc10" as strings).
    const Dataset dataset = makeDataset(11, 1);
    auto lines = parseTrecRun("q0 Q0 doc10 1 0.5 t\nq0 Q0 doc2 2 0.5 t\nq0 Q0 doc9 3 0.5 t\nq0 Q0 doc1 4 0.9 t\n");
    QVERIFY(lines.ok());
    auto ranking = rankingFromTrecRun(*lines, dataset);
    QVERIFY(ranking.ok());
    const std::vector<int32_t> expected{1, 9, 2, 10};
    QCOMPARE(ranking->docs, expected);
}

void TestTrecRun::depthAndPadding()
{
    const Dataset dataset = makeDataset(5, 2);
    Ranking ranking;
    ranking.k = 4;
    ranking.queries = {0, 1};
    ranking.docs = {4, 3, 2, 1, 0, -1, -1, -1};
    ranking.scores = {4, 3, 2, 1, 9, 0, 0, 0};
    auto text = formatTrecRun(ranking, dataset, "t", 2);
    QVERIFY(text.ok());
    QCOMPARE(QString::fromStdString(*text), QStringLiteral("q0 Q0 doc4 1 4 t\nq0 Q0 doc3 2 3 t\nq1 Q0 doc0 1 9 t\n"));
    auto back = rankingFromTrecRun(*parseTrecRun(*text), dataset);
    QVERIFY(back.ok());
    QCOMPARE(back->k, 2);
    const std::vector<int32_t> docs{4, 3, 0, -1};
    QCOMPARE(back->docs, docs);
}

void TestTrecRun::badLines_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("five fields") << "q0 Q0 doc1 1 0.5 t\n\nq0 Q0 doc2 2 0.4\n" << 3 << "expected 6 fields";
    QTest::newRow("seven fields") << "q0 Q0 doc1 1 0.5 t extra\n" << 1 << "found 7";
    QTest::newRow("rank zero") << "q0 Q0 doc1 0 0.5 t\n" << 1 << "not a positive integer";
    QTest::newRow("rank text") << "q0 Q0 doc1 one 0.5 t\n" << 1 << "not a positive integer";
    QTest::newRow("score text") << "q0 Q0 doc1 1 high t\n" << 1 << "not a finite number";
    QTest::newRow("score nan") << "q0 Q0 doc1 1 nan t\n" << 1 << "not a finite number";
    QTest::newRow("score inf") << "q0 Q0 doc1 1 -inf t\n" << 1 << "not a finite number";
}

void TestTrecRun::badLines()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(QString, message);
    auto parsed = parseTrecRun(text.toStdString(), "bad.run");
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::Input);
    QCOMPARE(parsed.error().file, std::string("bad.run"));
    QCOMPARE(parsed.error().line, int64_t(line));
    QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());

    QTemporaryDir dir;
    QVERIFY(!readTrecRun(dir.filePath(QStringLiteral("missing.run")).toStdString()).ok());
}

void TestTrecRun::unknownIdsAndDuplicates()
{
    const Dataset dataset = makeDataset(3, 1);
    auto unknownQuery = rankingFromTrecRun(*parseTrecRun("q0 Q0 doc1 1 1 t\nqX Q0 doc1 1 1 t\n"), dataset, "f.run");
    QVERIFY(!unknownQuery.ok());
    QCOMPARE(unknownQuery.error().line, int64_t(2));
    QVERIFY(unknownQuery.error().message.find("qX") != std::string::npos);
    auto unknownDoc = rankingFromTrecRun(*parseTrecRun("q0 Q0 docX 1 1 t\n"), dataset, "f.run");
    QVERIFY(!unknownDoc.ok());
    QVERIFY(unknownDoc.error().message.find("docX") != std::string::npos);
    auto twice = rankingFromTrecRun(*parseTrecRun("q0 Q0 doc1 1 1 t\nq0 Q0 doc2 2 0.5 t\nq0 Q0 doc1 3 0.2 t\n"),
                                    dataset, "f.run");
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().line, int64_t(3));
    QCOMPARE(twice.error().file, std::string("f.run"));
}

void TestTrecRun::usageErrors()
{
    const Dataset dataset = makeDataset(2, 1);
    Ranking ranking;
    ranking.k = 1;
    ranking.queries = {0};
    ranking.docs = {1};
    ranking.scores = {1};
    QCOMPARE(formatTrecRun(ranking, dataset, "t", 0).error().code, ErrorCode::Usage);
    QCOMPARE(formatTrecRun(ranking, dataset, "two words").error().code, ErrorCode::Usage);
    QCOMPARE(formatTrecRun(ranking, dataset, "").error().code, ErrorCode::Usage);
    QTemporaryDir dir;
    QVERIFY(!writeTrecRun(dir.filePath(QStringLiteral("no/such/dir/run.trec")).toStdString(), ranking, dataset, "t").ok());
}

QTEST_APPLESS_MAIN(TestTrecRun)
#include "test_trec_run.moc"
