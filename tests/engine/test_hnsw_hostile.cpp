// Crafted hnswlib index files and sidecars (issue 15, items 1, 2 and 11): every one is refused
// with an input error naming the file before any search, and hnswlib's global SIMD function
// pointers are not written once an index exists.

#include "search/hnsw_index.h"
#include "support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>

using namespace embtune::engine;
using embtune::test::path;

// hnswlib's global pointer to its 16-float inner-product kernel: defined in the engine's
// hnsw_index.cpp when hnswlib is built with its SIMD code (not under the sanitizers); a weak
// reference is null without it.
namespace hnswlib {
using TestDistanceFunction = float (*)(const void *, const void *, const void *);
extern TestDistanceFunction InnerProductSIMD16Ext __attribute__((weak));
} // namespace hnswlib

namespace {

// Offsets into hnswlib 0.6.2's header (10 size_t, 2 int and a double; see search/hnsw_file.h).
constexpr size_t kMaxElementsAt = 8, kEnterPointAt = 52, kMultAt = 80, kHeaderBytes = 96;

FloatMatrix randomMatrix(int64_t rows, int64_t dim, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> values(size_t(rows * dim));
    for (auto &v : values)
        v = normal(rng);
    return FloatMatrix(rows, dim, std::move(values));
}

std::vector<std::string> makeIds(int64_t n)
{
    std::vector<std::string> ids;
    for (int64_t i = 0; i < n; ++i)
        ids.push_back("doc" + std::to_string(i));
    return ids;
}

std::string readAll(const std::string &file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string &file, const std::string &bytes)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

template <typename T>
void poke(std::string &bytes, size_t offset, T value)
{
    std::memcpy(bytes.data() + offset, &value, sizeof value);
}

// Scalar inner product over *dim floats: stands in for hnswlib's SIMD kernel.
float scalarInnerProduct(const void *a, const void *b, const void *dim)
{
    const auto *x = static_cast<const float *>(a);
    const auto *y = static_cast<const float *>(b);
    float sum = 0;
    for (size_t i = 0; i < *static_cast<const size_t *>(dim); ++i)
        sum += x[i] * y[i];
    return sum;
}

} // namespace

class TestHnswHostile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    const int64_t m_rows = 300, m_dim = 8;
    FloatMatrix m_vectors = randomMatrix(m_rows, m_dim, 3);
    std::vector<std::string> m_ids = makeIds(m_rows);
    std::string m_index;  // a valid saved index
    std::string m_bytes;  // its file

    std::string file(const char *name) const { return (path(m_dir) / name).string(); }

    // Saves `bytes` with m_index's sidecar as `name` and loads it.
    Result<HnswIndex> loadCrafted(const char *name, const std::string &bytes)
    {
        const std::string crafted = file(name);
        writeAll(crafted, bytes);
        writeAll(HnswIndex::sidecarPath(crafted), readAll(HnswIndex::sidecarPath(m_index)));
        return HnswIndex::load(crafted, m_vectors, m_ids, 1);
    }

    void expectRefused(const char *name, const std::string &bytes, const char *needle)
    {
        auto loaded = loadCrafted(name, bytes);
        QVERIFY2(!loaded.ok(), name);
        const QString text = QString::fromStdString(loaded.error().toString());
        QVERIFY2(loaded.error().code == ErrorCode::Input, qPrintable(text));
        QVERIFY2(text.contains(QLatin1String(name)), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String(needle)), qPrintable(text));
    }

    // Level-0 link list of internal element `element`: its count word, then the ids.
    size_t level0ListAt(const std::string &bytes, size_t element) const
    {
        uint64_t sizeDataPerElement = 0;
        std::memcpy(&sizeDataPerElement, bytes.data() + 24, 8);
        return kHeaderBytes + element * sizeDataPerElement;
    }

private slots:
    void initTestCase()
    {
        HnswParameters parameters;
        parameters.m = 4;
        parameters.efConstruction = 40;
        auto index = HnswIndex::build(m_vectors, m_ids, parameters, 1);
        QVERIFY(index.ok());
        m_index = file("valid.hnsw");
        QVERIFY(index->save(m_index).ok());
        m_bytes = readAll(m_index);
        QVERIFY(m_bytes.size() > kHeaderBytes);
    }

    void validFileLoads()
    {
        auto loaded = loadCrafted("copy.hnsw", m_bytes);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
    }

    // Item 1: one out-of-range neighbour id passed the load and the first search wrote out of bounds.
    void neighbourOutOfRange()
    {
        std::string bytes = m_bytes;
        const size_t list = level0ListAt(bytes, 0);
        uint32_t count = 0;
        std::memcpy(&count, bytes.data() + list, 4);
        QVERIFY((count & 0xffffu) > 0);
        poke<uint32_t>(bytes, list + 4, 0x7fffffffu);
        expectRefused("neighbour.hnsw", bytes, "links to element 2147483647");
    }

    void linkCountOverMaxM0()
    {
        std::string bytes = m_bytes;
        const size_t list = level0ListAt(bytes, 5);
        uint32_t word = 0;
        std::memcpy(&word, bytes.data() + list, 4);
        poke<uint32_t>(bytes, list, (word & 0xffff0000u) | 0xffffu);
        expectRefused("links.hnsw", bytes, "65535 links on level 0");
    }

    void enterPointOutOfRange()
    {
        std::string bytes = m_bytes;
        poke<uint32_t>(bytes, kEnterPointAt, uint32_t(m_rows + 5));
        expectRefused("enter.hnsw", bytes, "enter point 305");
    }

    void multNotFinite()
    {
        std::string bytes = m_bytes;
        poke<double>(bytes, kMultAt, std::numeric_limits<double>::quiet_NaN());
        expectRefused("mult.hnsw", bytes, "level multiplier");
        poke<double>(bytes, kMultAt, std::numeric_limits<double>::infinity());
        expectRefused("mult.hnsw", bytes, "level multiplier");
    }

    void trailingBytes()
    {
        expectRefused("trailing.hnsw", m_bytes + std::string(4, '\0'), "follow the last link list");
    }

    // Item 1: a huge max_elements asked hnswlib for that capacity; the capacity is now the count.
    void hugeMaxElementsIgnored()
    {
        std::string bytes = m_bytes;
        poke<uint64_t>(bytes, kMaxElementsAt, uint64_t(1) << 40);
        auto loaded = loadCrafted("capacity.hnsw", bytes);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        auto fresh = HnswIndex::load(m_index, m_vectors, m_ids, 1);
        QVERIFY(fresh.ok());
        std::vector<int32_t> rows(20);
        std::iota(rows.begin(), rows.end(), 0);
        auto a = loaded->search(m_vectors, rows, 10, 1);
        auto b = fresh->search(m_vectors, rows, 10, 1);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->docs, b->docs);
        // Inserting beyond the loaded capacity grows it.
        QVERIFY(loaded->insert(randomMatrix(5, m_dim, 9), {"new0", "new1", "new2", "new3", "new4"}, 1).ok());
        QCOMPARE(loaded->size(), m_rows + 5);
    }

    // Item 2: a sidecar count of 2^31 - 1 reserved 64 GB (uncaught bad_alloc).
    void sidecarCountBeyondIds()
    {
        const std::string crafted = file("count.hnsw");
        writeAll(crafted, m_bytes);
        std::string sidecar = readAll(HnswIndex::sidecarPath(m_index));
        const std::string count = "\"count\": " + std::to_string(m_rows);
        const size_t at = sidecar.find(count);
        QVERIFY2(at != std::string::npos, sidecar.substr(0, 400).c_str());
        sidecar.replace(at, count.size(), "\"count\": 2147483647");
        writeAll(HnswIndex::sidecarPath(crafted), sidecar);
        auto loaded = HnswIndex::load(crafted, m_vectors, m_ids, 1);
        QVERIFY(!loaded.ok());
        const QString text = QString::fromStdString(loaded.error().toString());
        QVERIFY2(text.contains("count.hnsw.json"), qPrintable(text));
        QVERIFY2(text.contains("300 ids for 2147483647 vectors"), qPrintable(text));
    }

    // Item 11: once an index exists, building or loading another one leaves hnswlib's global
    // SIMD function pointers alone (they were rewritten while other threads searched).
    void simdPointersWrittenOnce()
    {
        if (&hnswlib::InnerProductSIMD16Ext == nullptr)
            QSKIP("hnswlib is built without its SIMD code here (sanitizer build)");
        const auto original = hnswlib::InnerProductSIMD16Ext;
        hnswlib::InnerProductSIMD16Ext = &scalarInnerProduct;
        // Dimension 20 uses the 16-float kernel through the global pointer, plus a residual.
        const FloatMatrix vectors = randomMatrix(200, 20, 5);
        auto built = HnswIndex::build(vectors, makeIds(200), HnswParameters{}, 1);
        auto loaded = HnswIndex::load(m_index, m_vectors, m_ids, 1);
        const bool untouched = hnswlib::InnerProductSIMD16Ext == &scalarInnerProduct;
        std::vector<int32_t> rows(50);
        std::iota(rows.begin(), rows.end(), 0);
        Result<Ranking> found = built.ok() ? built->search(vectors, rows, 1, 1) : Result<Ranking>(built.error());
        hnswlib::InnerProductSIMD16Ext = original;
        QVERIFY(built.ok() && loaded.ok());
        QVERIFY(untouched);
        QVERIFY(found.ok());
        for (size_t i = 0; i < rows.size(); ++i)
            QCOMPARE(found->docs[i], rows[i]); // each vector finds itself first
    }
};

QTEST_APPLESS_MAIN(TestHnswHostile)
#include "test_hnsw_hostile.moc"
