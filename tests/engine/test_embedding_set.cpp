// Embedding sets: vectors matched to the dataset by id (never by position), and every
// mismatch reported with the file it comes from.

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "support/fixtures.h"

#include <QtTest>

using namespace embtune::engine;
using namespace embtune::test;

class TestEmbeddingSet : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Dataset m_dataset;
    int m_case = 0;

    std::filesystem::path freshEmbeddings(bool shuffled = false)
    {
        const auto dir = path(m_dir) / ("emb" + std::to_string(++m_case));
        writeTinyEmbeddings(dir, shuffled);
        return dir;
    }
    void expectError(const std::filesystem::path &dir, const char *needle, const char *file)
    {
        auto set = readNpyEmbeddingSet(dir.string(), m_dataset);
        QVERIFY(!set.ok());
        const QString message = QString::fromStdString(set.error().toString());
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(message.contains(file), qPrintable(message));
        QCOMPARE(exitCodeFor(set.error()), 1);
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        auto ds = readBeirDataset((path(m_dir) / "beir").string());
        QVERIFY(ds.ok());
        m_dataset = std::move(*ds);
    }

    void inOrderIsNotCopied()
    {
        auto set = readNpyEmbeddingSet(freshEmbeddings().string(), m_dataset);
        QVERIFY(set.ok());
        QCOMPARE(set->dim(), int64_t(2));
        QCOMPARE(set->docs.row(2)[0], 0.8f);
        QVERIFY(set->hasQuery(2));
    }

    void shuffledRowsAreMatchedById()
    {
        auto set = readNpyEmbeddingSet(freshEmbeddings(true).string(), m_dataset);
        QVERIFY(set.ok());
        QCOMPARE(set->docs.row(0)[0], 1.0f); // d1
        QCOMPARE(set->docs.row(3)[0], -1.0f); // d4
        QCOMPARE(set->docs.row(4)[1], 0.8f); // d5
    }

    void missingQueriesAreAllowedAndFlagged()
    {
        const auto dir = freshEmbeddings();
        writeBytes(dir / "queries.npy", npyHeader("<f4", 1, 2) + rawBytes(std::vector<float>{0, 1}));
        writeText(dir / "query_ids.txt", "q2\n");
        auto set = readNpyEmbeddingSet(dir.string(), m_dataset);
        QVERIFY(set.ok());
        QVERIFY(!set->hasQuery(0));
        QVERIFY(set->hasQuery(1));
        QCOMPARE(set->queries.row(1)[1], 1.0f);
    }

    void rowCountMismatch()
    {
        const auto dir = freshEmbeddings();
        writeText(dir / "corpus_ids.txt", "d1\nd2\nd3\nd4\n");
        expectError(dir, "4 ids but the matrix has 5 rows", "corpus_ids.txt");
    }
    void unknownId()
    {
        const auto dir = freshEmbeddings();
        writeText(dir / "corpus_ids.txt", "d1\nd2\nd3\nd4\nd9\n");
        expectError(dir, "\"d9\" is not in the dataset", "corpus_ids.txt:5");
    }
    void duplicateId()
    {
        const auto dir = freshEmbeddings();
        writeText(dir / "corpus_ids.txt", "d1\nd2\nd3\nd2\nd5\n");
        expectError(dir, "duplicate id \"d2\"", "corpus_ids.txt:4");
    }
    void documentWithoutVector()
    {
        const auto dir = freshEmbeddings();
        writeBytes(dir / "corpus.npy", npyHeader("<f4", 4, 2) + rawBytes(std::vector<float>(8, 1.0f)));
        writeText(dir / "corpus_ids.txt", "d1\nd2\nd3\nd5\n");
        expectError(dir, "1 of 5 dataset ids have no vector (first: \"d4\")", "corpus_ids.txt");
    }
    void dimensionMismatch()
    {
        const auto dir = freshEmbeddings();
        writeBytes(dir / "queries.npy", npyHeader("<f4", 3, 3) + rawBytes(std::vector<float>(9, 1.0f)));
        expectError(dir, "dimension 3", "queries.npy");
    }
    void nanInVectors()
    {
        const auto dir = freshEmbeddings();
        std::vector<float> v(10, 1.0f);
        v[7] = std::numeric_limits<float>::quiet_NaN();
        writeBytes(dir / "corpus.npy", npyHeader("<f4", 5, 2) + rawBytes(v));
        expectError(dir, "NaN at row 3, column 1", "corpus.npy");
    }
    void truncatedAndUnsupported()
    {
        const auto dir = freshEmbeddings();
        writeBytes(dir / "corpus.npy", npyHeader("<f4", 5, 2) + rawBytes(std::vector<float>(3, 1.0f)));
        expectError(dir, "truncated", "corpus.npy");
        writeBytes(dir / "corpus.npy", npyHeader("<u1", 5, 2) + std::string(10, '\1'));
        expectError(dir, "unsupported dtype", "corpus.npy");
    }
    void missingFiles()
    {
        const auto dir = path(m_dir) / "nothing";
        std::filesystem::create_directories(dir);
        expectError(dir, "missing corpus.npy", "nothing");
    }
};

QTEST_APPLESS_MAIN(TestEmbeddingSet)
#include "test_embedding_set.moc"
