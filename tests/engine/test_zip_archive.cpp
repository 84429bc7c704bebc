// engine/data/zip_archive: archives written by the test with libzip itself; extraction of a
// BEIR-like tree, refusal (before anything is written) of "..", absolute and symbolic-link
// entries with a message naming the entry, truncated and damaged archives, cancellation; deflate
// bombs (the size limit, from the directory and from the bytes inflated when the directory lies),
// the free-space check and symbolic links already present in the target.

#include "data/zip_archive.h"

#include <QTemporaryDir>
#include <QTest>

#include <zip.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace embtune::engine;
namespace fs = std::filesystem;

namespace {

struct Entry {
    std::string name;
    std::string content;
    bool symlink = false;
};

// Writes `entries` with libzip (directories: names ending in '/').
void writeZip(const fs::path &path, const std::vector<Entry> &entries)
{
    int code = 0;
    zip_t *archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    QVERIFY(archive);
    for (const Entry &entry : entries) {
        zip_int64_t index = -1;
        if (!entry.name.empty() && entry.name.back() == '/') {
            index = zip_dir_add(archive, entry.name.c_str(), ZIP_FL_ENC_UTF_8);
        } else {
            zip_source_t *source = zip_source_buffer(archive, entry.content.data(), entry.content.size(), 0);
            QVERIFY(source);
            index = zip_file_add(archive, entry.name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        }
        QVERIFY2(index >= 0, zip_strerror(archive));
        if (entry.symlink)
            QCOMPARE(zip_file_set_external_attributes(archive, zip_uint64_t(index), 0, ZIP_OPSYS_UNIX,
                                                      zip_uint32_t(S_IFLNK | 0777) << 16),
                     0);
    }
    QCOMPARE(zip_close(archive), 0);
}

std::string readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool isEmptyDir(const fs::path &dir)
{
    return !fs::exists(dir) || fs::is_empty(dir);
}

void writeBytes(const fs::path &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}

// Rewrites the uncompressed size of every entry in the local and central headers of a zip
// written by libzip (no zip64, no data descriptor) to `size`: a directory that lies.
int declareUncompressedSize(std::string &bytes, uint32_t size)
{
    int patched = 0;
    const auto patch = [&](const char *signature, size_t offset) {
        for (size_t at = bytes.find(signature, 0, 4); at != std::string::npos; at = bytes.find(signature, at + 4, 4)) {
            if (at + offset + 4 > bytes.size())
                break;
            for (int b = 0; b < 4; ++b)
                bytes[at + offset + size_t(b)] = char((size >> (8 * b)) & 0xff);
            ++patched;
        }
    };
    patch("PK\x03\x04", 22); // local file header: uncompressed size at offset 22
    patch("PK\x01\x02", 24); // central directory header: uncompressed size at offset 24
    return patched;
}

// The largest `done` of phase "unzip" a Progress reports.
struct UnzipWatch {
    int64_t maxDone = 0;
    Progress progress{[this](const ProgressEvent &event) {
        maxDone = std::max(maxDone, event.done);
        return true;
    }};
};

} // namespace

class TestZipArchive : public QObject {
    Q_OBJECT
private slots:
    void extractsTree();
    void entryReasons();
    void refusesUnsafeEntries_data();
    void refusesUnsafeEntries();
    void truncatedArchive();
    void notAnArchive();
    void cancels();
    void refusesBombFromDirectory();
    void stopsBombWhenDirectoryLies();
    void refusesWithoutFreeSpace();
    void refusesSymlinkInTarget_data();
    void refusesSymlinkInTarget();
};

void TestZipArchive::extractsTree()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    const std::string corpus(200000, 'x');
    const std::string queries = "{\"_id\": \"q1\", \"text\": \"a\"}\n";
    const std::string qrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\n";
    writeZip(dir / "tiny.zip", {{"tiny/", ""},
                                {"tiny/corpus.jsonl", corpus},
                                {"tiny/queries.jsonl", queries},
                                {"tiny/qrels/test.tsv", qrels}});
    auto listed = listZip((dir / "tiny.zip").string());
    QVERIFY2(listed, listed ? "" : listed.error().toString().c_str());
    QCOMPARE(listed->size(), size_t(4));
    QVERIFY((*listed)[0].isDirectory);
    QCOMPARE((*listed)[1].size, int64_t(corpus.size()));

    int64_t lastDone = -1, lastTotal = -1;
    Progress progress([&](const ProgressEvent &event) {
        lastDone = event.done;
        lastTotal = event.total;
        return true;
    });
    auto written = extractZip((dir / "tiny.zip").string(), (dir / "out").string(), &progress);
    QVERIFY2(written, written ? "" : written.error().toString().c_str());
    QCOMPARE(written->size(), size_t(3));
    QCOMPARE(readFile(dir / "out/tiny/corpus.jsonl"), corpus);
    QCOMPARE(readFile(dir / "out/tiny/qrels/test.tsv"), qrels);
    QVERIFY(!fs::exists(dir / "out/tiny/corpus.jsonl.part"));
    QCOMPARE(lastTotal, int64_t(corpus.size() + queries.size() + qrels.size()));
    QCOMPARE(lastDone, lastTotal);
}

void TestZipArchive::entryReasons()
{
    QVERIFY(unsafeZipEntryReason("scifact/corpus.jsonl").empty());
    QVERIFY(unsafeZipEntryReason("a..b/c..").empty()); // ".." only as a whole component
    QVERIFY(!unsafeZipEntryReason("../x").empty());
    QVERIFY(!unsafeZipEntryReason("a/../../x").empty());
    QVERIFY(!unsafeZipEntryReason("a/..").empty());
    QVERIFY(!unsafeZipEntryReason("/etc/passwd").empty());
    QVERIFY(!unsafeZipEntryReason("C:/x").empty());
    QVERIFY(!unsafeZipEntryReason("a\\..\\x").empty());
    QVERIFY(!unsafeZipEntryReason("").empty());
}

void TestZipArchive::refusesUnsafeEntries_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<bool>("symlink");
    QTest::addColumn<QString>("reason");
    QTest::newRow("dot-dot") << "../escape.txt" << false << "'..' component";
    QTest::newRow("nested dot-dot") << "data/../../escape.txt" << false << "'..' component";
    QTest::newRow("absolute") << "/tmp/escape.txt" << false << "absolute path";
    QTest::newRow("symlink") << "data/link" << true << "symbolic link";
}

void TestZipArchive::refusesUnsafeEntries()
{
    QFETCH(QString, entry);
    QFETCH(bool, symlink);
    QFETCH(QString, reason);
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    // The unsafe entry comes last: nothing before it may be written either.
    writeZip(dir / "evil.zip", {{"data/corpus.jsonl", "{}\n"}, {entry.toStdString(), "/etc/passwd", symlink}});
    const fs::path out = dir / "out";
    auto written = extractZip((dir / "evil.zip").string(), out.string());
    QVERIFY(!written);
    const Error &error = written.error();
    QCOMPARE(error.code, ErrorCode::Input);
    const QString message = QString::fromStdString(error.toString());
    QVERIFY2(message.contains(QStringLiteral("\"%1\"").arg(entry)), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("evil.zip")), qPrintable(message));
    QVERIFY(isEmptyDir(out));
    QVERIFY(!fs::exists(dir / "escape.txt"));
    QVERIFY(!listZip((dir / "evil.zip").string()));
}

void TestZipArchive::truncatedArchive()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeZip(dir / "full.zip", {{"d/corpus.jsonl", std::string(50000, 'y')}, {"d/queries.jsonl", "{}\n"}});
    const std::string bytes = readFile(dir / "full.zip");
    for (size_t keep : {bytes.size() - 10, bytes.size() / 2, size_t(100)}) {
        std::ofstream(dir / "cut.zip", std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(keep));
        auto written = extractZip((dir / "cut.zip").string(), (dir / "out").string());
        QVERIFY2(!written, qPrintable(QString::number(keep)));
        QCOMPARE(written.error().code, ErrorCode::Input);
        QVERIFY2(QString::fromStdString(written.error().toString()).contains(QStringLiteral("cut.zip")),
                 written.error().toString().c_str());
        QVERIFY(isEmptyDir(dir / "out"));
    }
}

void TestZipArchive::notAnArchive()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    std::ofstream(dir / "page.zip") << "<html>Not Found</html>";
    auto listed = listZip((dir / "page.zip").string());
    QVERIFY(!listed);
    QCOMPARE(listed.error().code, ErrorCode::Input);
    QVERIFY(QString::fromStdString(listed.error().message).contains(QStringLiteral("not a readable zip archive")));
    auto missing = listZip((dir / "absent.zip").string());
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::Io);
}

void TestZipArchive::cancels()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeZip(dir / "big.zip", {{"d/a.bin", std::string(300000, 'a')}});
    Progress progress([](const ProgressEvent &) { return false; });
    auto written = extractZip((dir / "big.zip").string(), (dir / "out").string(), &progress);
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::Cancelled);
    QVERIFY(!fs::exists(dir / "out/d/a.bin"));
    QVERIFY(!fs::exists(dir / "out/d/a.bin.part"));
}

void TestZipArchive::refusesBombFromDirectory()
{
    QCOMPARE(ZipExtractOptions().maxUnzippedBytes, int64_t(64) << 30);
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    // 8 MiB of zeros deflate to a few kilobytes.
    writeZip(dir / "bomb.zip", {{"d/small.txt", "ok\n"}, {"d/zeros.bin", std::string(8 << 20, '\0')}});
    QVERIFY(fs::file_size(dir / "bomb.zip") < (64 << 10));
    ZipExtractOptions options;
    options.maxUnzippedBytes = 1 << 20;
    UnzipWatch watch;
    auto written = extractZip((dir / "bomb.zip").string(), (dir / "out").string(), &watch.progress, options);
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::Input);
    const QString message = QString::fromStdString(written.error().toString());
    QVERIFY2(message.contains(QStringLiteral("bomb.zip")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("more than the limit of 1.0 MiB")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("8.0 MiB")), qPrintable(message));
    QVERIFY(isEmptyDir(dir / "out"));
    QCOMPARE(watch.maxDone, int64_t(0));

    // Under the limit it unzips.
    options.maxUnzippedBytes = 9 << 20;
    auto whole = extractZip((dir / "bomb.zip").string(), (dir / "out").string(), nullptr, options);
    QVERIFY2(whole, whole ? "" : whole.error().toString().c_str());
    QCOMPARE(int64_t(fs::file_size(dir / "out/d/zeros.bin")), int64_t(8 << 20));
}

void TestZipArchive::stopsBombWhenDirectoryLies()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeZip(dir / "honest.zip", {{"d/zeros.bin", std::string(8 << 20, '\0')}});
    std::string bytes = readFile(dir / "honest.zip");
    QCOMPARE(declareUncompressedSize(bytes, 1000), 2);
    writeBytes(dir / "liar.zip", bytes);
    auto listed = listZip((dir / "liar.zip").string());
    QVERIFY2(listed, listed ? "" : listed.error().toString().c_str());
    QCOMPARE(listed->at(0).size, int64_t(1000)); // libzip believes the directory

    ZipExtractOptions options;
    options.maxUnzippedBytes = 1 << 20; // above the declared 1000 bytes, far below the 8 MiB inflated
    UnzipWatch watch;
    auto written = extractZip((dir / "liar.zip").string(), (dir / "out").string(), &watch.progress, options);
    QVERIFY(!written);
    // Writing stopped at the declared size, never near the inflated 8 MiB.
    QVERIFY2(watch.maxDone <= 1000, qPrintable(QString::number(watch.maxDone)));
    QCOMPARE(written.error().code, ErrorCode::Input);
    const QString message = QString::fromStdString(written.error().toString());
    QVERIFY2(message.contains(QStringLiteral("liar.zip")) && message.contains(QStringLiteral("\"d/zeros.bin\"")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("more than the 1000 bytes its archive declares")), qPrintable(message));
    QVERIFY(!fs::exists(dir / "out/d/zeros.bin"));
    QVERIFY(!fs::exists(dir / "out/d/zeros.bin.part"));
}

void TestZipArchive::refusesWithoutFreeSpace()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeZip(dir / "data.zip", {{"d/a.txt", std::string(5000, 'a')}});
    // A margin larger than the free space of the temporary folder's file system.
    ZipExtractOptions options;
    options.freeSpaceMargin = int64_t(fs::space(dir).available) + (int64_t(1) << 30);
    auto written = extractZip((dir / "data.zip").string(), (dir / "out/new").string(), nullptr, options);
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::Io);
    const QString message = QString::fromStdString(written.error().toString());
    QVERIFY2(message.contains(QStringLiteral("not enough free space")) && message.contains(QStringLiteral("needs")) &&
                 message.contains(QStringLiteral(" free")) && message.contains(QStringLiteral("4.9 KiB (5000 bytes)")),
             qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString((dir / "out/new").string())), qPrintable(message));
    QVERIFY(!fs::exists(dir / "out")); // nothing created
}

void TestZipArchive::refusesSymlinkInTarget_data()
{
    QTest::addColumn<QString>("linkAt");    // relative to the target folder
    QTest::addColumn<bool>("toFolder");     // the link points at the outside folder, else at a file in it
    QTest::newRow("folder") << "data" << true;
    QTest::newRow("nested folder") << "data/sub" << true;
    QTest::newRow("file") << "data/sub/corpus.jsonl" << false;
    QTest::newRow("part file") << "data/sub/corpus.jsonl.part" << false;
}

void TestZipArchive::refusesSymlinkInTarget()
{
    QFETCH(QString, linkAt);
    QFETCH(bool, toFolder);
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    const fs::path outside = dir / "outside";
    fs::create_directories(outside / "sub");
    writeBytes(outside / "victim.txt", "keep me\n");
    const fs::path out = dir / "out";
    const fs::path link = out / linkAt.toStdString();
    fs::create_directories(link.parent_path());
    if (toFolder)
        fs::create_directory_symlink(outside, link);
    else
        fs::create_symlink(outside / "victim.txt", link);
    writeZip(dir / "data.zip", {{"data/", ""}, {"data/sub/corpus.jsonl", "{\"_id\": \"d1\"}\n"}});

    auto written = extractZip((dir / "data.zip").string(), out.string());
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::Input);
    const QString message = QString::fromStdString(written.error().toString());
    QVERIFY2(message.contains(QStringLiteral("symbolic link")) && message.contains(QStringLiteral("data.zip")),
             qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(link.string())), qPrintable(message));
    // Nothing reached the outside folder, and the link is still a link.
    QCOMPARE(readFile(outside / "victim.txt"), std::string("keep me\n"));
    QVERIFY(!fs::exists(outside / "corpus.jsonl"));
    QVERIFY(!fs::exists(outside / "sub/corpus.jsonl"));
    QVERIFY(!fs::exists(outside / "sub/corpus.jsonl.part"));
    QVERIFY(fs::is_symlink(link));
}

QTEST_APPLESS_MAIN(TestZipArchive)
#include "test_zip_archive.moc"
