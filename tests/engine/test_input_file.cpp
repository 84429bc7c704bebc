// Vector files that change while or after embtune reads them (issue 15, item 7): truncated or
// rewritten in place by another program. Readers must fail with "changed while it was read",
// never die of SIGBUS, and the vectors they return must never change afterwards.

#include "io/fvecs.h"
#include "io/input_file.h"
#include "io/jsonl_vectors.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "support/fixtures.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>

using namespace embtune::engine;
using namespace embtune::test;

namespace {

// Rows of 64 floats making a file just over 64 MiB: the size above which embtune used to
// memory-map npy and safetensors files and keep the map as the matrix.
constexpr int64_t kLargeCols = 64;
constexpr int64_t kLargeRows = ((int64_t(64) << 20) / 4) / kLargeCols + 16;
constexpr int64_t kEditedIndex = 7 * kLargeCols + 3; // a value the tests overwrite in the file

std::string nanBytes()
{
    const float nan = std::nanf("");
    return std::string(reinterpret_cast<const char *>(&nan), sizeof nan);
}

std::vector<float> pattern(int64_t count, float scale)
{
    std::vector<float> values(static_cast<size_t>(count));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = float(i % 1000) * scale;
    return values;
}

// Overwrites `bytes` at `offset` of `path` in place (same inode, same size).
void rewriteInPlace(const std::string &path, int64_t offset, const std::string &bytes)
{
    std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(offset);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

// Moves the modification time of `path` an hour back, so that a rewrite within the file
// system's timestamp granularity of the file's creation still shows as a change.
void ageFile(const std::string &path)
{
    std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) - std::chrono::hours(1));
}

// Runs `body` in a forked child process and returns its exit code; a child killed by a signal
// (SIGBUS from a truncated memory map) is reported as a failure naming the signal.
int exitCodeInChild(const std::function<int()> &body, QString &failure)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        // QtTest's crash handler would print a stack trace (or hang: the child of a threaded
        // process); the parent reports the signal. A child still running after 60 s is killed.
        for (const int signal : {SIGBUS, SIGSEGV, SIGABRT})
            std::signal(signal, SIG_DFL);
        ::alarm(60);
        ::_exit(body()); // no destructors or atexit handlers: the parent owns the temporary folder
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
        failure = QStringLiteral("fork or waitpid failed");
        return -1;
    }
    if (WIFSIGNALED(status)) {
        failure = QStringLiteral("the child died of signal %1 (%2)")
                      .arg(WTERMSIG(status))
                      .arg(QString::fromLatin1(::strsignal(WTERMSIG(status))));
        return -1;
    }
    return WEXITSTATUS(status);
}

// A small vector file of `format` holding the 3 x 2 values first, first + 1, ... (ids a, b, c);
// for first in 1..4 the values have one digit, so every such file of a format has one size.
Status writeSmall(const std::string &path, const std::string &format, int first)
{
    std::vector<float> values;
    for (int i = 0; i < 6; ++i)
        values.push_back(float(first + i));
    const ConstMatrixMap matrix(values.data(), 3, 2);
    const std::vector<std::string> ids{"a", "b", "c"};
    if (format == "npy")
        return writeNpyMatrix(path, matrix);
    if (format == "fvecs")
        return writeFvecsMatrix(path, matrix);
    if (format == "jsonl")
        return writeJsonlVectors(path, matrix, ids);
    return writeSafetensorsVectors(path, matrix, ids);
}

// Reads the vectors of a file written by writeSmall through an InputFile opened earlier.
Result<FloatMatrix> readSmall(const InputFile &file, const std::string &format)
{
    if (format == "npy")
        return readNpyMatrix(file);
    if (format == "fvecs")
        return readFvecsMatrix(file);
    auto vectors = readJsonlVectors(file);
    if (!vectors)
        return vectors.error();
    return vectors->vectors;
}

bool saysChanged(const Error &error, const std::string &name)
{
    return error.toString().find(name) != std::string::npos &&
           error.toString().find("changed while it was read") != std::string::npos;
}

} // namespace

class TestInputFile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string file(const std::string &name) const { return (path(m_dir) / name).string(); }

    void expectChanged(const Error &error, const std::string &name)
    {
        QVERIFY2(saysChanged(error, name), error.toString().c_str());
    }

private slots:
    // A safetensors file truncated between open() and matrix(): an error, not SIGBUS.
    void safetensorsTruncatedBetweenOpenAndRead()
    {
        const int64_t rows = 512, cols = 64; // 128 KiB of data: many pages past the new end
        const std::vector<float> values = pattern(rows * cols, 0.5f);
        std::vector<std::string> ids;
        for (int64_t i = 0; i < rows; ++i)
            ids.push_back(std::to_string(i));
        const std::string p = file("truncated.safetensors");
        QVERIFY(writeSafetensorsVectors(p, ConstMatrixMap(values.data(), rows, cols), ids).ok());
        QString failure;
        const int code = exitCodeInChild(
            [&] {
                auto opened = SafetensorsFile::open(p);
                if (!opened)
                    return 2;
                std::filesystem::resize_file(p, 0);
                auto matrix = opened->matrix(*opened->find("embeddings"));
                if (matrix.ok())
                    return 3;
                return saysChanged(matrix.error(), "truncated.safetensors") ? 0 : 4;
            },
            failure);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(code, 0);
    }

    // A large npy file truncated after it was read: the vectors stay readable (no SIGBUS).
    void largeNpyTruncatedAfterRead()
    {
        const std::vector<float> values = pattern(kLargeRows * kLargeCols, 0.5f);
        const std::string p = file("large.npy");
        writeBytes(p, npyHeader("<f4", kLargeRows, kLargeCols) + rawBytes(values));
        QString failure;
        const int code = exitCodeInChild(
            [&] {
                auto matrix = readNpyMatrix(p);
                if (!matrix)
                    return 2;
                std::filesystem::resize_file(p, 0);
                return std::memcmp(matrix->data(), values.data(), values.size() * 4) == 0 ? 0 : 3;
            },
            failure);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(code, 0);
        std::filesystem::remove(p);
    }

    // A NaN written into a large npy file after it was read (and checked for NaN) does not
    // reach the vectors.
    void inPlaceEditAfterReadKeepsNpyVectors()
    {
        const std::vector<float> values = pattern(kLargeRows * kLargeCols, 0.25f);
        const std::string p = file("edited.npy");
        const std::string header = npyHeader("<f4", kLargeRows, kLargeCols);
        writeBytes(p, header + rawBytes(values));
        auto npy = readNpyMatrix(p);
        QVERIFY(npy.ok());
        rewriteInPlace(p, int64_t(header.size()) + kEditedIndex * 4, nanBytes());
        QCOMPARE(npy->data()[kEditedIndex], values[size_t(kEditedIndex)]);
        QVERIFY(checkFiniteRows(npy->data(), npy->rows(), npy->cols(), p).ok());
        std::filesystem::remove(p);
    }

    // The same for a large safetensors file.
    void inPlaceEditAfterReadKeepsSafetensorsVectors()
    {
        const std::vector<float> values = pattern(kLargeRows * kLargeCols, 0.25f);
        const std::string p = file("edited.safetensors");
        std::vector<std::string> ids;
        for (int64_t i = 0; i < kLargeRows; ++i)
            ids.push_back(std::to_string(i));
        QVERIFY(writeSafetensorsVectors(p, ConstMatrixMap(values.data(), kLargeRows, kLargeCols), ids).ok());
        auto st = readSafetensorsVectors(p);
        QVERIFY(st.ok());
        const int64_t dataStart = int64_t(std::filesystem::file_size(p)) - int64_t(values.size()) * 4;
        rewriteInPlace(p, dataStart + kEditedIndex * 4, nanBytes());
        QCOMPARE(st->vectors.data()[kEditedIndex], values[size_t(kEditedIndex)]);
        QVERIFY(checkFiniteRows(st->vectors.data(), st->vectors.rows(), st->vectors.cols(), p).ok());
        std::filesystem::remove(p);
    }

    // Same size, other values, between open() and matrix(): detected.
    void safetensorsRewrittenBetweenOpenAndRead()
    {
        const std::vector<float> values = pattern(4 * 8, 1.0f);
        const std::string p = file("rewritten.safetensors");
        QVERIFY(writeSafetensorsVectors(p, ConstMatrixMap(values.data(), 4, 8), {"a", "b", "c", "d"}).ok());
        ageFile(p);
        auto opened = SafetensorsFile::open(p);
        QVERIFY(opened.ok());
        const std::vector<float> other = pattern(4 * 8, 2.0f);
        rewriteInPlace(p, int64_t(std::filesystem::file_size(p)) - int64_t(other.size()) * 4, rawBytes(other));
        auto matrix = opened->matrix(*opened->find("embeddings"));
        QVERIFY2(!matrix.ok(), "the rewrite went unnoticed");
        expectChanged(matrix.error(), "rewritten.safetensors");
    }

    // The other readers take a file opened earlier: a rewrite since then is detected.
    void readersDetectRewriteSinceOpen_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *format : {"npy", "fvecs", "jsonl"})
            QTest::newRow(format) << QString(format);
    }
    void readersDetectRewriteSinceOpen()
    {
        QFETCH(QString, format);
        const std::string name = "rewritten." + format.toStdString();
        const std::string p = file(name);
        QVERIFY(writeSmall(p, format.toStdString(), 1).ok());
        std::string before;
        {
            std::ifstream in(p, std::ios::binary);
            before.assign(std::istreambuf_iterator<char>(in), {});
        }
        QVERIFY(writeSmall(file("other"), format.toStdString(), 2).ok());
        std::string after;
        {
            std::ifstream in(file("other"), std::ios::binary);
            after.assign(std::istreambuf_iterator<char>(in), {});
        }
        QCOMPARE(after.size(), before.size());
        ageFile(p);
        auto opened = InputFile::open(p);
        QVERIFY(opened.ok());
        rewriteInPlace(p, 0, after);
        auto matrix = readSmall(**opened, format.toStdString());
        QVERIFY2(!matrix.ok(), "the rewrite went unnoticed");
        expectChanged(matrix.error(), name);
    }

    // Truncated since open: an error, not SIGBUS and not a parse error the cut caused.
    void readersDetectTruncationSinceOpen_data() { readersDetectRewriteSinceOpen_data(); }
    void readersDetectTruncationSinceOpen()
    {
        QFETCH(QString, format);
        const std::string name = "cut." + format.toStdString();
        const std::string p = file(name);
        QVERIFY(writeSmall(p, format.toStdString(), 1).ok());
        auto opened = InputFile::open(p);
        QVERIFY(opened.ok());
        std::filesystem::resize_file(p, std::filesystem::file_size(p) / 2);
        auto matrix = readSmall(**opened, format.toStdString());
        QVERIFY(!matrix.ok());
        expectChanged(matrix.error(), name);
    }

    // Small files are read into memory: what happens to the file afterwards does not matter.
    void smallFilesAreCopied_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *format : {"npy", "fvecs", "jsonl", "safetensors"})
            QTest::newRow(format) << QString(format);
    }
    void smallFilesAreCopied()
    {
        QFETCH(QString, format);
        const std::string p = file("small." + format.toStdString());
        QVERIFY(writeSmall(p, format.toStdString(), 1).ok());
        std::vector<std::string> ids{"a", "b", "c"};
        QVERIFY(writeIdList(siblingIdListPath(p), ids).ok());
        auto vectors = readVectorFile(p, *vectorFormatFromName(format.toStdString()));
        QVERIFY2(vectors.ok(), vectors.ok() ? "" : vectors.error().toString().c_str());
        QVERIFY(!vectors->vectors.isMapped());
        rewriteInPlace(p, 0, std::string(std::filesystem::file_size(p), '\x7f')); // same inode
        std::filesystem::resize_file(p, 1);
        for (int64_t i = 0; i < 6; ++i)
            QCOMPARE(vectors->vectors.data()[i], float(i + 1));
    }

    // What InputFile itself reports.
    void inputFileChecks()
    {
        const std::string p = file("plain.bin");
        writeBytes(p, std::string(100, 'x'));
        auto opened = InputFile::open(p);
        QVERIFY(opened.ok());
        const InputFile &input = **opened;
        QCOMPARE(input.size(), int64_t(100));
        char bytes[10];
        QVERIFY(input.read(90, bytes, 10).ok());
        QVERIFY(input.checkUnchanged().ok());

        std::filesystem::resize_file(p, 50);
        const Status shortRead = input.read(90, bytes, 10);
        QVERIFY(!shortRead.ok());
        expectChanged(shortRead.error(), "plain.bin");
        QVERIFY(shortRead.error().toString().find("it ended at byte 90 of the 100") != std::string::npos);
        const Status shrunk = input.checkUnchanged();
        QVERIFY(!shrunk.ok());
        QVERIFY2(shrunk.error().toString().find("size went from 100 to 50 bytes") != std::string::npos,
                 shrunk.error().toString().c_str());

        // Replaced by another file (an atomic save), or removed: the name no longer holds it.
        writeBytes(file("plain2.bin"), std::string(100, 'x'));
        auto second = InputFile::open(file("plain2.bin"));
        QVERIFY(second.ok());
        writeBytes(file("new.bin"), std::string(100, 'y'));
        std::filesystem::rename(file("new.bin"), file("plain2.bin"));
        const Status replaced = (*second)->checkUnchanged();
        QVERIFY(!replaced.ok());
        QVERIFY2(replaced.error().toString().find("another file was put in its place") != std::string::npos,
                 replaced.error().toString().c_str());
        auto third = InputFile::open(file("plain2.bin"));
        QVERIFY(third.ok());
        std::filesystem::remove(file("plain2.bin"));
        const Status removed = (*third)->checkUnchanged();
        QVERIFY(!removed.ok());
        QVERIFY(removed.error().toString().find("it was removed") != std::string::npos);

        auto folder = InputFile::open(path(m_dir).string());
        QVERIFY(!folder.ok());
        QVERIFY(folder.error().toString().find("not a regular file") != std::string::npos);
        auto missing = InputFile::open(file("missing.npy"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Io);
        QVERIFY(missing.error().toString().find("missing.npy") != std::string::npos);
    }

    // A tensor of an unknown dtype is refused before its shape (not checked against the file's
    // size for unknown dtypes) sizes an allocation: 2^40 values asked for 4 TiB.
    void unknownDtypeAllocatesNothing()
    {
        const std::string header =
            R"({"embeddings": {"dtype": "Q8", "shape": [1048576, 1048576], "data_offsets": [0, 0]}})";
        std::string bytes(8, '\0');
        const uint64_t length = header.size();
        std::memcpy(bytes.data(), &length, 8);
        const std::string p = file("q8.safetensors");
        writeBytes(p, bytes + header);
        QString failure;
        const int code = exitCodeInChild(
            [&] {
                auto vectors = readSafetensorsVectors(p, file("absent_ids.txt"));
                return !vectors.ok() && vectors.error().message.find("dtype Q8 is not supported") != std::string::npos
                           ? 0
                           : 1;
            },
            failure);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(code, 0);
    }
};

QTEST_APPLESS_MAIN(TestInputFile)
#include "test_input_file.moc"
