// Every byte of small valid files (hnswlib index + sidecar, npy, safetensors) replaced by 0x00,
// 0xFF and two bit flips: the reader returns a value or an error, never crashes, hangs or
// over-allocates (issue 15, item 15; CI runs it under ASan+UBSan). Files are tiny so that the
// sanitizer build stays within a few seconds.

#include "io/npy.h"
#include "io/safetensors.h"
#include "search/hnsw_index.h"
#include "support/fixtures.h"

#include <QtTest>

#include <functional>

using namespace embtune::engine;
using embtune::test::path;

namespace {

std::string readFileBytes(const std::string &file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFileBytes(const std::string &file, const std::string &bytes)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

// For every byte i of `file` (valid), each replacement is written in place and `read` run: 0x00,
// 0xFF and bit (i % 8) flipped, or only the bit flip when `flipOnly`. The file is restored
// afterwards. Returns how many variants the reader accepted.
int flipEveryByte(const std::string &file, const std::function<bool()> &read, bool flipOnly = false)
{
    const std::string valid = readFileBytes(file);
    int accepted = 0;
    for (size_t i = 0; i < valid.size(); ++i) {
        const auto original = static_cast<unsigned char>(valid[i]);
        const auto flipped = static_cast<unsigned char>(original ^ (1u << (i % 8)));
        for (unsigned char value : {flipped, (unsigned char)0x00, (unsigned char)0xFF}) {
            if (value == original || (flipOnly && value != flipped))
                continue;
            std::string bytes = valid;
            bytes[i] = char(value);
            writeFileBytes(file, bytes);
            accepted += read() ? 1 : 0;
        }
    }
    writeFileBytes(file, valid);
    return accepted;
}

FloatMatrix smallMatrix(int64_t rows, int64_t cols)
{
    std::vector<float> values(size_t(rows * cols));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = float(int(i * 7 % 11) - 5) * 0.25f + 0.125f;
    return FloatMatrix(rows, cols, std::move(values));
}

} // namespace

class TestByteFlips : public QObject {
    Q_OBJECT
private slots:
    void hnswIndexAndSidecar();
    void npy();
    void safetensors();
};

void TestByteFlips::hnswIndexAndSidecar()
{
    QTemporaryDir dir;
    const FloatMatrix vectors = smallMatrix(4, 2);
    const std::vector<std::string> ids{"a", "b", "c", "d"};
    HnswParameters parameters;
    parameters.m = 2;
    parameters.efConstruction = 8;
    auto index = HnswIndex::build(vectors, ids, parameters, 1);
    QVERIFY(index.ok());
    const std::string indexPath = (path(dir) / "small.hnsw").string();
    QVERIFY(index->save(indexPath).ok());

    auto loadAndSearch = [&] {
        auto loaded = HnswIndex::load(indexPath, vectors, ids, 1);
        if (!loaded.ok()) {
            // The message names the index or its sidecar.
            if (loaded.error().file.find("small.hnsw") == std::string::npos
                && loaded.error().message.find("small.hnsw") == std::string::npos)
                qWarning("no file named in: %s", loaded.error().toString().c_str());
            return false;
        }
        auto ranking = loaded->search(vectors, {0, 3}, 2, 1);
        return ranking.ok();
    };
    QVERIFY(loadAndSearch());
    const int indexAccepted = flipEveryByte(indexPath, loadAndSearch);
    // The JSON sidecar: bit flips only. Each load builds hnswlib's 65536 mutexes (2.6 MB), which
    // costs about 5 ms under ASan; the sidecar's text is fuzzed by fuzz_hnsw.
    const int sidecarAccepted = flipEveryByte(HnswIndex::sidecarPath(indexPath), loadAndSearch, true);
    QVERIFY(loadAndSearch());
    qInfo("index variants accepted: %d, sidecar variants accepted: %d", indexAccepted, sidecarAccepted);
}

void TestByteFlips::npy()
{
    QTemporaryDir dir;
    const FloatMatrix matrix = smallMatrix(3, 2);
    const std::string file = (path(dir) / "small.npy").string();
    QVERIFY(writeNpyMatrix(file, matrix.map()).ok());
    auto read = [&] {
        auto m = readNpyMatrix(file);
        return m.ok() && m->rows() * m->cols() <= 6;
    };
    QVERIFY(read());
    flipEveryByte(file, read);
    QVERIFY(read());
}

void TestByteFlips::safetensors()
{
    QTemporaryDir dir;
    const FloatMatrix matrix = smallMatrix(3, 2);
    const std::string file = (path(dir) / "small.safetensors").string();
    QVERIFY(writeSafetensorsVectors(file, matrix.map(), {"x", "y", "z"}).ok());
    auto read = [&] {
        auto opened = SafetensorsFile::open(file);
        if (!opened.ok())
            return false;
        bool ok = true;
        for (const SafetensorsTensor &tensor : opened->tensors())
            ok &= opened->matrix(tensor).ok();
        return ok && readSafetensorsVectors(file).ok();
    };
    QVERIFY(read());
    flipEveryByte(file, read);
    QVERIFY(read());
}

QTEST_APPLESS_MAIN(TestByteFlips)
#include "test_byte_flips.moc"
