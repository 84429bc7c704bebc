// Vector files with ids: .fvecs (+ id list), JSONL and safetensors (F32/F16/BF16/F64), round
// trips bit-exact, and every bad file giving an error that names the file (and line/record).

#include "io/fvecs.h"
#include "io/jsonl_vectors.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "io/vector_file.h"
#include "support/fixtures.h"

#include <QProcess>
#include <QtTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace embtune::engine;
using namespace embtune::test;

namespace {

// A safetensors file from a header text and raw data (no padding added).
std::string safetensorsBytes(const std::string &header, const std::string &data)
{
    const uint64_t length = header.size();
    std::string out(reinterpret_cast<const char *>(&length), 8);
    return out + header + data;
}

std::string floatBytes(const std::vector<float> &values)
{
    return rawBytes(values);
}

bool bitEqual(const FloatMatrix &m, const std::vector<float> &values)
{
    return m.rows() * m.cols() == int64_t(values.size()) &&
           std::memcmp(m.data(), values.data(), values.size() * sizeof(float)) == 0;
}

} // namespace

class TestVectorFormats : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string file(const std::string &name) const { return (path(m_dir) / name).string(); }

    // 3 x 4 values with awkward bits: -0, a subnormal, the largest float, many digits.
    const std::vector<float> m_values{0.1f,     -0.0f, std::numeric_limits<float>::denorm_min(),
                                      3.4028235e38f, 1.0f / 3.0f, -2.5e-12f, 123456.79f,
                                      1e-38f, -7.0f, 0.3f, 16777217.0f, std::nextafter(1.0f, 2.0f)};
    const std::vector<std::string> m_ids{"d1", "007", "a b"};
    ConstMatrixMap values() const { return ConstMatrixMap(m_values.data(), 3, 4); }

    // Expects `result` to fail with a message containing `needle` and naming `fileName`;
    // `line` >= 0 also checks the error's line/record.
    template <typename T>
    void expectError(const Result<T> &result, const char *needle, const std::string &fileName, int64_t line = -1)
    {
        QVERIFY2(!result.ok(), needle);
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(fileName)), qPrintable(message));
        if (line >= 0) {
            QVERIFY2(result.error().line == line, qPrintable(message + " (line " + QString::number(line) + " expected)"));
            QVERIFY2(message.contains(QString::fromStdString(fileName + ":" + std::to_string(line))),
                     qPrintable(message));
        }
    }
    void expectJsonlError(const std::string &text, const char *needle, int64_t line)
    {
        writeText(file("bad.jsonl"), text);
        expectError(readJsonlVectors(file("bad.jsonl")), needle, "bad.jsonl", line);
    }
    void expectSafetensorsError(const std::string &bytes, const char *needle)
    {
        writeBytes(file("bad.safetensors"), bytes);
        auto result = readSafetensorsVectors(file("bad.safetensors"));
        expectError(result, needle, "bad.safetensors");
        QCOMPARE(result.error().code, ErrorCode::Input);
    }

private slots:
    void formatNamesAndPaths()
    {
        QCOMPARE(vectorFormatFromPath("/x/corpus.fvecs"), std::optional(VectorFormat::Fvecs));
        QCOMPARE(vectorFormatFromPath("v.ndjson"), std::optional(VectorFormat::Jsonl));
        QCOMPARE(vectorFormatFromPath("v.safetensors"), std::optional(VectorFormat::Safetensors));
        QCOMPARE(vectorFormatFromPath("v.npy"), std::optional(VectorFormat::Npy));
        QVERIFY(!vectorFormatFromPath("v.txt"));
        for (const auto format : {VectorFormat::Npy, VectorFormat::Fvecs, VectorFormat::Jsonl, VectorFormat::Safetensors})
            QCOMPARE(vectorFormatFromName(vectorFormatName(format)), std::optional(format));
        QCOMPARE(siblingIdListPath("/a/b/X.fvecs"), std::string("/a/b/X_ids.txt"));
    }

    void roundTripEveryFormat_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *name : {"npy", "fvecs", "jsonl", "safetensors"})
            QTest::newRow(name) << QString(name);
    }
    void roundTripEveryFormat()
    {
        QFETCH(QString, format);
        const VectorFormat f = *vectorFormatFromName(format.toStdString());
        const std::string p = file("rt." + format.toStdString());
        Provenance provenance{"lsa", "{\"dim\": 4}", "2024-05-01T12:00:00Z", "abc123", true};
        QVERIFY(writeVectorFile(p, f, values(), m_ids, &provenance).ok());
        auto back = readVectorFile(p, f);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->vectors.rows(), int64_t(3));
        QCOMPARE(back->vectors.cols(), int64_t(4));
        QVERIFY(bitEqual(back->vectors, m_values));
        QCOMPARE(back->ids, m_ids);
        if (f == VectorFormat::Safetensors) {
            QVERIFY(back->provenance);
            QCOMPARE(back->provenance->embedder, provenance.embedder);
            QCOMPARE(back->provenance->parameters, provenance.parameters);
            QCOMPARE(back->provenance->created, provenance.created);
            QCOMPARE(back->provenance->datasetHash, provenance.datasetHash);
            QCOMPARE(back->provenance->normalized, true);
        } else {
            QVERIFY(!back->provenance);
        }
        if (f == VectorFormat::Npy || f == VectorFormat::Fvecs)
            QCOMPARE(back->idsSource, file("rt_ids.txt"));
        else
            QCOMPARE(back->idsSource, p);
    }

    void jsonlIsBitExactForRandomFloats()
    {
        std::mt19937 rng(7);
        std::vector<float> random;
        while (random.size() < 20000) {
            const float v = std::bit_cast<float>(uint32_t(rng()));
            if (std::isfinite(v))
                random.push_back(v);
        }
        std::vector<std::string> ids;
        for (size_t i = 0; i < random.size() / 8; ++i)
            ids.push_back(std::to_string(i).insert(0, 1, 'r'));
        QVERIFY(writeJsonlVectors(file("random.jsonl"), ConstMatrixMap(random.data(), int64_t(ids.size()), 8), ids).ok());
        auto back = readJsonlVectors(file("random.jsonl"));
        QVERIFY(back.ok());
        QVERIFY(bitEqual(back->vectors, random));
        for (const float v : {0.1f, 1.0f, -2.5f, 1e-7f})
            QVERIFY(formatFloatForJson(v).size() <= 6); // short text for ordinary values
    }

    void fvecsLayoutAndIdsPath()
    {
        QVERIFY(writeFvecs(file("layout.fvecs"), values(), m_ids, file("my ids.txt")).ok());
        // 3 records of int32 4 + 4 floats.
        QCOMPARE(std::filesystem::file_size(file("layout.fvecs")), uintmax_t(3 * (4 + 16)));
        auto back = readFvecs(file("layout.fvecs"), file("my ids.txt"));
        QVERIFY(back.ok());
        QCOMPARE(back->ids, m_ids);
        QVERIFY(bitEqual(back->vectors, m_values));
        // Without the given path the sibling list is looked for (and is missing here).
        expectError(readFvecs(file("layout.fvecs")), "cannot open id list", "layout_ids.txt");
    }

    void fvecsBadFiles()
    {
        const std::string p = file("bad.fvecs");
        auto record = [](int32_t dim, std::vector<float> v) {
            return std::string(reinterpret_cast<const char *>(&dim), 4) + floatBytes(v);
        };
        writeText(file("bad_ids.txt"), "a\nb\n");
        writeBytes(p, "");
        expectError(readFvecs(p), "empty", "bad.fvecs");
        writeBytes(p, record(2, {1, 2}) + record(2, {3, 4}).substr(0, 7));
        expectError(readFvecs(p), "truncated .fvecs file: vector 2 has 7 of its 12 bytes", "bad.fvecs", 2);
        writeBytes(p, record(2, {1, 2}) + record(3, {3, 4}).substr(0, 12));
        expectError(readFvecs(p), "vector 2 has dimension 3 but vector 1 has 2", "bad.fvecs", 2);
        writeBytes(p, record(-5, {}));
        expectError(readFvecs(p), "dimension -5", "bad.fvecs", 1);
        writeBytes(p, record(2, {1, 2}) + record(2, {3, std::nanf("")}));
        expectError(readFvecs(p), "NaN at row 1, column 1", "bad.fvecs", 2);
        writeBytes(p, record(2, {INFINITY, 2}) + record(2, {3, 4}));
        expectError(readFvecs(p), "Inf at row 0, column 0", "bad.fvecs", 1);
        writeBytes(p, record(2, {1, 2}) + record(2, {3, 4}) + record(2, {5, 6}));
        expectError(readFvecs(p), "the id list has 2 ids but the .fvecs file has 3 vectors", "bad_ids.txt");
        writeBytes(p, record(2, {1, 2}) + record(2, {3, 4}));
        writeText(file("bad_ids.txt"), "a\na\n");
        expectError(readFvecs(p), "duplicate id \"a\" (first on line 1)", "bad_ids.txt", 2);
        auto missing = readFvecs(file("missing.fvecs"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Io);
        QVERIFY(QString::fromStdString(missing.error().toString()).contains("missing.fvecs"));
    }

    void jsonlReadsIntegersIdsAndIgnoresOtherKeys()
    {
        writeText(file("ints.jsonl"), "\xEF\xBB\xBF{\"_id\": 7, \"text\": \"x\", \"embedding\": [1, -2, 3.5]}\r\n"
                                      "{\"embedding\": [0, 1e-3, 2E2], \"_id\": \"x\"}\n\n \n");
        auto back = readJsonlVectors(file("ints.jsonl"));
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->ids, (std::vector<std::string>{"7", "x"}));
        QVERIFY(bitEqual(back->vectors, {1.0f, -2.0f, 3.5f, 0.0f, 1e-3f, 200.0f}));
    }

    void jsonlBadFiles()
    {
        const std::string ok = "{\"_id\": \"a\", \"embedding\": [1, 2]}\n";
        expectJsonlError("", "no vectors", -1);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, 2}\n", "malformed JSON", 2);
        expectJsonlError(ok + ok.substr(0, 20), "malformed JSON", 2); // truncated last line
        expectJsonlError(ok + "[1, 2]\n", "not a JSON object", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [3, 4]}\n{\"embedding\": [1, 2]}\n", "no \"_id\"", 3);
        expectJsonlError(ok + "{\"_id\": \"\", \"embedding\": [1, 2]}\n", "\"_id\" is empty", 2);
        expectJsonlError(ok + "{\"_id\": [1], \"embedding\": [1, 2]}\n", "neither a string nor an integer", 2);
        expectJsonlError(ok + "{\"_id\": \"b\"}\n", "no \"embedding\"", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": \"1 2\"}\n", "not an array of numbers", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, \"2\"]}\n", "column 1 (0-based) is not a number", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, null]}\n", "is not a number", 2);
        expectJsonlError("{\"_id\": \"b\", \"embedding\": []}\n", "\"embedding\" is empty", 1);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, 2, 3]}\n", "has 3 values but the first line's has 2", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, 1e39]}\n", "Inf at row 1, column 1", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [NaN, 1]}\n", "malformed JSON", 2);
        expectJsonlError(ok + "{\"_id\": \"b\", \"embedding\": [1, 2]}\n" + ok, "duplicate id \"a\" (first on line 1)", 3);
        expectJsonlError(ok + "\n" + "{\"_id\": \"b\", \"embedding\": [1, 2]}\n", "empty line between records", 2);
    }

    void writersRefuseBadInput()
    {
        const std::vector<float> nan{1, std::nanf("")};
        const ConstMatrixMap nanMatrix(nan.data(), 1, 2);
        for (const auto format : {VectorFormat::Npy, VectorFormat::Fvecs, VectorFormat::Jsonl, VectorFormat::Safetensors}) {
            const std::string p = file("refused." + std::string(vectorFormatName(format)));
            QVERIFY(!writeVectorFile(p, format, nanMatrix, {"a"}).ok());
            QVERIFY(!writeVectorFile(p, format, values(), {"a", "b"}).ok());          // 2 ids, 3 rows
            QVERIFY(!writeVectorFile(p, format, values(), {"a", "b", "a"}).ok());     // duplicate
            QVERIFY(!std::filesystem::exists(p));
        }
        QVERIFY(!writeFvecs(file("nl.fvecs"), values(), {"a", "b\nc", "d"}).ok());
        QVERIFY(!writeJsonlVectors(file("utf.jsonl"), values(), {"a", "b\xff", "d"}).ok());
        // JSONL keeps ids an id list cannot.
        const std::vector<std::string> odd{"tab\there", "new\nline", "quote\"s"};
        QVERIFY(writeJsonlVectors(file("odd.jsonl"), values(), odd).ok());
        auto back = readJsonlVectors(file("odd.jsonl"));
        QVERIFY(back.ok());
        QCOMPARE(back->ids, odd);
    }

    void safetensorsWrittenHeader()
    {
        QVERIFY(writeSafetensorsVectors(file("h.safetensors"), values(), m_ids).ok());
        auto opened = SafetensorsFile::open(file("h.safetensors"));
        QVERIFY(opened.ok());
        QCOMPARE(opened->tensors().size(), size_t(1));
        const SafetensorsTensor &t = opened->tensors()[0];
        QCOMPARE(t.name, std::string("embeddings"));
        QCOMPARE(t.dtype, std::string("F32"));
        QCOMPARE(t.shape, (std::vector<int64_t>{3, 4}));
        QCOMPARE(t.begin, int64_t(0));
        QCOMPARE(t.end, int64_t(48));
        QCOMPARE(opened->metadata().at("ids"), std::string("[\"d1\",\"007\",\"a b\"]"));
        QVERIFY(!opened->metadata().count("embedder")); // no provenance given
        // The header length is a multiple of 8, so the data is aligned.
        uint64_t length = 0;
        std::ifstream in(file("h.safetensors"), std::ios::binary);
        in.read(reinterpret_cast<char *>(&length), 8);
        QCOMPARE(length % 8, uint64_t(0));
        QCOMPARE(std::filesystem::file_size(file("h.safetensors")), uintmax_t(8 + length + 48));
    }

    void safetensorsDtypes_data()
    {
        QTest::addColumn<QString>("dtype");
        for (const char *dtype : {"F32", "F16", "BF16", "F64"})
            QTest::newRow(dtype) << QString(dtype);
    }
    void safetensorsDtypes()
    {
        QFETCH(QString, dtype);
        // 2 x 3 values exactly representable in every dtype.
        const std::vector<float> expected{1.5f, -2.0f, 0.25f, 3.0f, 0.0f, -0.125f};
        std::string data;
        if (dtype == "F32")
            data = floatBytes(expected);
        else if (dtype == "F64")
            data = rawBytes(std::vector<double>(expected.begin(), expected.end()));
        else if (dtype == "F16")
            data = rawBytes(std::vector<uint16_t>{0x3E00, 0xC000, 0x3400, 0x4200, 0x0000, 0xB000});
        else
            data = rawBytes(std::vector<uint16_t>{0x3FC0, 0xC000, 0x3E80, 0x4040, 0x0000, 0xBE00});
        // A 1-D tensor first, so the 2-D one starts at an offset; ids in the metadata.
        const std::string bias = floatBytes({9, 9});
        const std::string header = "{\"bias\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, "
                                   "\"vectors\": {\"dtype\": \"" + dtype.toStdString() + "\", \"shape\": [2, 3], "
                                   "\"data_offsets\": [8, " + std::to_string(8 + data.size()) + "]}, "
                                   "\"__metadata__\": {\"ids\": \"[\\\"x\\\", \\\"y\\\"]\", \"format\": \"pt\"}}";
        writeBytes(file("dtype.safetensors"), safetensorsBytes(header, bias + data));
        auto back = readSafetensorsVectors(file("dtype.safetensors"));
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QVERIFY(bitEqual(back->vectors, expected));
        QCOMPARE(back->ids, (std::vector<std::string>{"x", "y"}));
        QVERIFY(!back->provenance);
    }

    void safetensorsHalfSpecialValues()
    {
        // Smallest subnormal half 2^-24, largest half 65504, -0; +Inf is refused.
        const std::string header = "{\"embeddings\": {\"dtype\": \"F16\", \"shape\": [1, 3], \"data_offsets\": [0, 6]}}";
        writeBytes(file("half.safetensors"), safetensorsBytes(header, rawBytes(std::vector<uint16_t>{0x0001, 0x7BFF, 0x8000})));
        writeText(file("half_ids.txt"), "only\n");
        auto back = readSafetensorsVectors(file("half.safetensors"));
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->vectors.data()[0], std::ldexp(1.0f, -24));
        QCOMPARE(back->vectors.data()[1], 65504.0f);
        QCOMPARE(std::bit_cast<uint32_t>(back->vectors.data()[2]), 0x80000000u);
        QCOMPARE(back->ids, std::vector<std::string>{"only"}); // from the sibling id list
        QCOMPARE(back->idsSource, file("half_ids.txt"));
        writeBytes(file("half.safetensors"), safetensorsBytes(header, rawBytes(std::vector<uint16_t>{0x3C00, 0x7C00, 0})));
        expectError(readSafetensorsVectors(file("half.safetensors")), "Inf at row 0, column 1", "half.safetensors", 1);
        writeBytes(file("half.safetensors"), safetensorsBytes(header, rawBytes(std::vector<uint16_t>{0x3C00, 0, 0x7E00})));
        expectError(readSafetensorsVectors(file("half.safetensors")), "NaN at row 0, column 2", "half.safetensors", 1);
    }

    void safetensorsBadFiles()
    {
        const std::string data = floatBytes({1, 2, 3, 4});
        auto tensor = [](const std::string &name, const std::string &dtype, const std::string &shape, int64_t b,
                         int64_t e) {
            return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": [" +
                   std::to_string(b) + ", " + std::to_string(e) + "]}";
        };
        const std::string ids = "\"__metadata__\": {\"ids\": \"[\\\"a\\\", \\\"b\\\"]\"}";
        const std::string good = "{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) + ", " + ids + "}";
        std::filesystem::remove(file("bad_ids.txt")); // left by fvecsBadFiles; would be the sibling id list
        writeBytes(file("good.safetensors"), safetensorsBytes(good, data));
        QVERIFY(readSafetensorsVectors(file("good.safetensors")).ok());

        expectSafetensorsError("abc", "shorter than the 8-byte header length");
        expectSafetensorsError(safetensorsBytes(good, data).substr(0, 40), "is larger than the file");
        expectSafetensorsError(safetensorsBytes(good, data).substr(0, 8 + good.size() + 10),
                               "run past the end of the data section (10 bytes): truncated file?");
        std::string huge = safetensorsBytes(good, data);
        huge[7] = char(0x7f); // header length ~ 2^63
        expectSafetensorsError(huge, "is larger than the file");
        expectSafetensorsError(safetensorsBytes("{\"embeddings\": ", data), "malformed JSON header");
        expectSafetensorsError(safetensorsBytes("[1, 2]", data), "malformed JSON header");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 24) + "}", data),
                               "data_offsets [0, 24] run past the end");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 8, 4) + "}", data),
                               "end before they begin");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 3]", 0, 16) + "}", data),
                               "data_offsets span 16 bytes but shape [2, 3] of F32 needs 24");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 1]", 0, 8) + ", " +
                                                    tensor("other", "F32", "[1, 2]", 4, 12) + "}",
                                                data),
                               "overlap");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, -2]", 0, 16) + "}", data),
                               "not an array of non-negative integers");
        expectSafetensorsError(safetensorsBytes("{\"embeddings\": {\"dtype\": \"F32\", \"shape\": [2, 2]}}", data),
                               "\"data_offsets\" is not a pair");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "I32", "[2, 2]", 0, 16) + ", " + ids + "}", data),
                               "dtype I32 is not supported");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[4]", 0, 16) + "}", data),
                               "expected 2 dimensions");
        expectSafetensorsError(safetensorsBytes("{" + tensor("a", "F32", "[4]", 0, 16) + "}", data),
                               "no 2-D tensor (rows x dimension) in the file (found: a [4])");
        expectSafetensorsError(safetensorsBytes("{" + tensor("a", "F32", "[1, 2]", 0, 8) + ", " +
                                                    tensor("b", "F32", "[1, 2]", 8, 16) + "}",
                                                data),
                               "several 2-D tensors (\"a\", \"b\")");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) +
                                                    ", \"__metadata__\": {\"n\": 3}}",
                                                data),
                               "metadata value of \"n\" is not a string");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) +
                                                    ", \"__metadata__\": {\"ids\": \"[\\\"a\\\"]\"}}",
                                                data),
                               "1 ids for the 2 rows");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) +
                                                    ", \"__metadata__\": {\"ids\": \"[\\\"a\\\", \\\"a\\\"]\"}}",
                                                data),
                               "duplicate id \"a\" (first on record 1)");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) +
                                                    ", \"__metadata__\": {\"ids\": \"a, b\"}}",
                                                data),
                               "not a JSON array of strings");
        expectSafetensorsError(safetensorsBytes("{" + tensor("embeddings", "F32", "[2, 2]", 0, 16) + "}", data),
                               "no \"ids\" in the metadata and no id list bad_ids.txt");
    }

    void largeSafetensorsAreCopied()
    {
        const int64_t cols = 64, rows = ((int64_t(64) << 20) / 4) / cols + 16;
        std::vector<float> big(static_cast<size_t>(rows * cols));
        for (size_t i = 0; i < big.size(); ++i)
            big[i] = float(i % 977) * 0.25f;
        std::vector<std::string> ids;
        for (int64_t i = 0; i < rows; ++i)
            ids.push_back(std::to_string(i));
        QVERIFY(writeSafetensorsVectors(file("big.safetensors"), ConstMatrixMap(big.data(), rows, cols), ids).ok());
        auto back = readSafetensorsVectors(file("big.safetensors"));
        QVERIFY(back.ok());
        QVERIFY(!back->vectors.isMapped());
        QVERIFY(bitEqual(back->vectors, big));
        std::filesystem::remove(file("big.safetensors")); // the matrix is a copy
        QCOMPARE(back->vectors.row(rows - 1)[cols - 1], big.back());
    }

    void numpyReadsOurFiles()
    {
        QProcess probe;
        probe.start("/usr/bin/python3", {"-c", "import numpy"});
        if (!probe.waitForFinished(20000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            QSKIP("/usr/bin/python3 with numpy is not available");
        QVERIFY(writeFvecs(file("np.fvecs"), values(), m_ids).ok());
        QVERIFY(writeNpyMatrix(file("np.npy"), values()).ok());
        std::string expected;
        for (const float v : m_values)
            expected += std::to_string(std::bit_cast<uint32_t>(v)) + " ";
        const std::string script =
            "import numpy as np, sys\n"
            "a = np.fromfile(sys.argv[1], dtype='<i4').reshape(3, 5)\n"
            "assert (a[:, 0] == 4).all(), a[:, 0]\n"
            "f = a[:, 1:].astype('<i4').view('<f4')\n"
            "n = np.load(sys.argv[2])\n"
            "assert n.dtype == np.float32 and n.shape == (3, 4), (n.dtype, n.shape)\n"
            "assert (f.view('<u4') == n.view('<u4')).all()\n"
            "print(' '.join(str(int(x)) for x in n.view('<u4').ravel()))\n";
        QProcess python;
        python.start("/usr/bin/python3", {"-c", QString::fromStdString(script), QString::fromStdString(file("np.fvecs")),
                                          QString::fromStdString(file("np.npy"))});
        QVERIFY(python.waitForFinished(30000));
        const QString err = QString::fromUtf8(python.readAllStandardError());
        QVERIFY2(python.exitCode() == 0, qPrintable(err));
        QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).trimmed(), QString::fromStdString(expected).trimmed());
    }
};

QTEST_APPLESS_MAIN(TestVectorFormats)
#include "test_vector_formats.moc"
