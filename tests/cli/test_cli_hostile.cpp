// embtune-cli on crafted files, as a hostile or unlucky user would feed them: every case exits 1
// with a message naming the file and what is wrong with it, within seconds and under 2 GB
// resident (the largest child's peak, getrusage RUSAGE_CHILDREN).

#include "support/cli_run.h"
#include "support/fixtures.h"

#include <QElapsedTimer>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sys/resource.h>

using namespace embtune::test;
namespace fs = std::filesystem;

class TestCliHostile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString p(const std::string &name) const { return QString::fromStdString((path(m_dir) / name).string()); }

    // A copy of the tiny dataset and vectors in `name`/ for one case to spoil.
    fs::path freshCase(const std::string &name) const
    {
        const fs::path dir = path(m_dir) / name;
        writeTinyBeir(dir / "beir");
        writeTinyEmbeddings(dir / "emb");
        return dir;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void craftedFileExitsOne_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("what");
        auto evaluate = [&](const fs::path &dir) {
            return QStringList{"evaluate", "--dataset", QString::fromStdString((dir / "beir").string()), "--embeddings",
                               QString::fromStdString((dir / "emb").string())};
        };

        fs::path dir = freshCase("longline");
        writeText(dir / "beir" / "corpus.jsonl", std::string(17u << 20, 'x'));
        QTest::newRow("corpus line over 16 MiB") << evaluate(dir) << "corpus.jsonl" << "longer than 16 MiB";

        dir = freshCase("devzero");
        fs::remove(dir / "emb" / "corpus_ids.txt");
        fs::create_symlink("/dev/zero", dir / "emb" / "corpus_ids.txt");
        QTest::newRow("ids from /dev/zero") << evaluate(dir) << "corpus_ids.txt" << "longer than 16 MiB";

        dir = freshCase("hugeshape");
        writeBytes(dir / "emb" / "corpus.npy", npyHeader("<f4", 1099511627776L, 2) + std::string(40, '\0'));
        QTest::newRow("npy shape 2^40 x 2") << evaluate(dir) << "corpus.npy" << "";

        dir = freshCase("zerocols");
        writeBytes(dir / "emb" / "queries.npy", npyHeader("<f4", 3, 0));
        QTest::newRow("npy with zero columns") << evaluate(dir) << "queries.npy" << "";

        dir = freshCase("overflow");
        std::string header = npyHeader("<f4", 5, 2);
        const size_t at = header.find("(5, 2)");
        header.replace(at, 6, "(99999999999999999999999, 2)");
        writeBytes(dir / "emb" / "corpus.npy", header + std::string(40, '\0'));
        QTest::newRow("npy shape overflows") << evaluate(dir) << "corpus.npy" << "";

        dir = freshCase("spec");
        writeText(dir / "spec.json", "{\"dataset\": \"" + std::string(17u << 20, 'd') + "\"}");
        QTest::newRow("run spec over 16 MiB") << QStringList{"run", QString::fromStdString((dir / "spec.json").string())}
                                             << "spec.json" << "larger than 16 MiB";

        dir = freshCase("qrels");
        writeText(dir / "beir" / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t" + std::string(17u << 20, '1'));
        QTest::newRow("qrels line over 16 MiB") << evaluate(dir) << "test.tsv" << "longer than 16 MiB";
    }

    void craftedFileExitsOne()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, file);
        QFETCH(QString, what);
        QElapsedTimer timer;
        timer.start();
        const CliRun r = runCli(args);
        const qint64 ms = timer.elapsed();
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(file), qPrintable(r.err.left(500)));
        if (!what.isEmpty())
            QVERIFY2(r.err.contains(what), qPrintable(r.err.left(500)));
        QVERIFY2(r.err.size() < 4000, "the message is a message, not a dump of the file");
        QVERIFY2(ms < 20000, qPrintable(QString::number(ms))); // "within seconds", sanitizers included
        rusage usage{};
        QCOMPARE(getrusage(RUSAGE_CHILDREN, &usage), 0);
        QVERIFY2(usage.ru_maxrss < 2L * 1024 * 1024, qPrintable(QString::number(usage.ru_maxrss) + " KiB")); // < 2 GB
    }

    void craftedHnswIndexExitsOne()
    {
        const fs::path dir = freshCase("hnsw");
        const QString index = QString::fromStdString((dir / "index.bin").string());
        const QStringList args{"evaluate", "--dataset", QString::fromStdString((dir / "beir").string()), "--embeddings",
                               QString::fromStdString((dir / "emb").string()), "--search", "hnsw"};
        CliRun r = runCli(QStringList(args) << "--save-index" << index << "--quiet");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // The index cut short.
        fs::resize_file(dir / "index.bin", fs::file_size(dir / "index.bin") / 2);
        r = runCli(QStringList(args) << "--index" << index);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("index.bin"), qPrintable(r.err));

        // A sidecar that claims 2^31 - 1 elements.
        const fs::path sidecar = dir / "index.bin.json";
        std::string json;
        {
            std::ifstream in(sidecar);
            json.assign(std::istreambuf_iterator<char>(in), {});
        }
        const size_t at = json.find("\"count\"");
        QVERIFY(at != std::string::npos);
        const size_t colon = json.find(':', at), end = json.find_first_of(",}", colon);
        json.replace(colon + 1, end - colon - 1, " 2147483647");
        writeText(sidecar, json);
        r = runCli(QStringList(args) << "--index" << index);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("index.bin"), qPrintable(r.err));
        rusage usage{};
        QCOMPARE(getrusage(RUSAGE_CHILDREN, &usage), 0);
        QVERIFY2(usage.ru_maxrss < 2L * 1024 * 1024, qPrintable(QString::number(usage.ru_maxrss) + " KiB"));
    }
};

QTEST_MAIN(TestCliHostile)
#include "test_cli_hostile.moc"
