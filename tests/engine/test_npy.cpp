// .npy reading (v1/v2/v3; f4/f8/f2; large files) and writing; id lists; bad files.

#include "io/npy.h"
#include "support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <fstream>

using namespace embtune::engine;
using namespace embtune::test;

class TestNpy : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string file(const char *name) const { return (path(m_dir) / name).string(); }

    const std::vector<float> values{1.5f, -2.0f, 0.25f, 3.0f, 0.0f, -0.125f};

    void expectValues(const FloatMatrix &m)
    {
        QCOMPARE(m.rows(), int64_t(2));
        QCOMPARE(m.cols(), int64_t(3));
        for (size_t i = 0; i < values.size(); ++i)
            QCOMPARE(m.data()[i], values[i]);
    }
    void expectError(const std::string &bytes, const char *needle)
    {
        const std::string p = file("bad.npy");
        writeBytes(p, bytes);
        auto result = readNpyMatrix(p);
        QVERIFY(!result.ok());
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(message.contains("bad.npy"), qPrintable(message));
        QCOMPARE(result.error().code, ErrorCode::Input);
    }

private slots:
    void writeThenReadRoundTrip()
    {
        RowMatrixXf m(2, 3);
        m << 1.5f, -2.0f, 0.25f, 3.0f, 0.0f, -0.125f;
        QVERIFY(writeNpyMatrix(file("rt.npy"), ConstMatrixMap(m.data(), 2, 3)).ok());
        auto back = readNpyMatrix(file("rt.npy"));
        QVERIFY(back.ok());
        expectValues(*back);
        QVERIFY(!back->isMapped());
        // The header is padded to a multiple of 64 bytes, as NumPy writes it.
        QCOMPARE((std::filesystem::file_size(file("rt.npy")) - values.size() * 4) % 64, uintmax_t(0));
    }

    // A derived matrix (NUDGE's overlay, several 4096-row blocks) streams to the same bytes as
    // its full matrix, and reads back equal.
    void derivedMatrixWritesAsItsFullMatrix()
    {
        RowMatrixXf base(9000, 3);
        for (Eigen::Index i = 0; i < base.rows(); ++i)
            base.row(i) << float(i % 7) + 1.0f, -float(i % 5), 0.5f * float(i % 3);
        RowMatrixXf moved(2, 3);
        moved << 9, 9, 9, -1, 0, 0;
        const FloatMatrix derived = FloatMatrix::unitRowsWithOverlay(FloatMatrix(base), {8191, 3}, moved);
        QVERIFY(writeNpyMatrix(file("derived.npy"), derived).ok());
        QVERIFY(writeNpyMatrix(file("full.npy"), derived.map()).ok()); // builds it
        std::ifstream a(file("derived.npy"), std::ios::binary), b(file("full.npy"), std::ios::binary);
        const std::string x((std::istreambuf_iterator<char>(a)), {}), y((std::istreambuf_iterator<char>(b)), {});
        QCOMPARE(x.size(), size_t(9000 * 3 * 4 + 128));
        QVERIFY(x == y);
        auto back = readNpyMatrix(file("derived.npy"));
        QVERIFY(back.ok());
        QCOMPARE(back->row(8191)[0], 9.0f);
        QCOMPARE(back->row(3)[0], -1.0f);
        QVERIFY(std::abs(ConstMatrixMap(back->data(), 9000, 3).row(10).norm() - 1.0f) < 1e-6f);
    }

    void readsEveryVersionAndDtype_data()
    {
        QTest::addColumn<int>("major");
        QTest::addColumn<QString>("descr");
        for (int major : {1, 2, 3})
            for (const char *descr : {"<f4", "<f8", "<f2"})
                QTest::newRow(qPrintable(QString("v%1 %2").arg(major).arg(descr))) << major << QString(descr);
    }
    void readsEveryVersionAndDtype()
    {
        QFETCH(int, major);
        QFETCH(QString, descr);
        std::string data;
        if (descr == "<f4") {
            data = rawBytes(values);
        } else if (descr == "<f8") {
            data = rawBytes(std::vector<double>(values.begin(), values.end()));
        } else {
            // Half-precision encodings of the same values (all exactly representable).
            data = rawBytes(std::vector<uint16_t>{0x3E00, 0xC000, 0x3400, 0x4200, 0x0000, 0xB000});
        }
        writeBytes(file("v.npy"), npyHeader(descr.toStdString(), 2, 3, major) + data);
        auto m = readNpyMatrix(file("v.npy"));
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().toString().c_str());
        expectValues(*m);
    }

    void halfSubnormalsAndInfinity()
    {
        // 0x0001 is the smallest subnormal half: 2^-24. 0x7C00 is +Inf (rejected as non-finite).
        writeBytes(file("h.npy"), npyHeader("<f2", 1, 2) + rawBytes(std::vector<uint16_t>{0x0001, 0x8400}));
        auto m = readNpyMatrix(file("h.npy"));
        QVERIFY(m.ok());
        QCOMPARE(m->data()[0], std::ldexp(1.0f, -24));
        QCOMPARE(m->data()[1], -std::ldexp(1.0f, -14));
        expectError(npyHeader("<f2", 1, 1) + rawBytes(std::vector<uint16_t>{0x7C00}), "Inf");
    }

    void largeFloat32FilesAreCopied()
    {
        const long rows = ((64L << 20) / 4) / 64 + 16, cols = 64; // just over 64 MiB
        std::vector<float> big(size_t(rows * cols));
        for (size_t i = 0; i < big.size(); ++i)
            big[i] = float(i % 1000) * 0.5f;
        writeBytes(file("big.npy"), npyHeader("<f4", rows, cols) + rawBytes(big));
        auto m = readNpyMatrix(file("big.npy"));
        QVERIFY(m.ok());
        QVERIFY(!m->isMapped());
        QCOMPARE(m->rows(), int64_t(rows));
        QCOMPARE(m->row(rows - 1)[cols - 1], big.back());
        std::filesystem::remove(file("big.npy")); // the matrix is a copy
        QCOMPARE(m->row(3)[5], big[size_t(3 * cols + 5)]);
    }

    void badFiles()
    {
        expectError("not numpy at all", "bad magic");
        expectError(npyHeader("<i4", 2, 3) + rawBytes(std::vector<int>(6)), "unsupported dtype '<i4'");
        expectError(npyHeader(">f4", 2, 3) + rawBytes(values), "unsupported dtype '>f4'");
        expectError(npyHeader("<f4", 2, 3) + rawBytes(values).substr(0, 20), "truncated .npy file");
        expectError(npyHeader("<f4", 2, 3).substr(0, 30), "truncated .npy header");
        expectError(npyHeader("<f4", 2, 3, 1, true) + rawBytes(values), "Fortran");
        std::vector<float> withNan = values;
        withNan[4] = std::nanf("");
        expectError(npyHeader("<f4", 2, 3) + rawBytes(withNan), "NaN at row 1, column 1");
        std::vector<double> withInf(values.begin(), values.end());
        withInf[2] = INFINITY;
        expectError(npyHeader("<f8", 2, 3) + rawBytes(withInf), "Inf at row 0, column 2");
        std::string wrongVersion = npyHeader("<f4", 2, 3) + rawBytes(values);
        wrongVersion[6] = char(9);
        expectError(wrongVersion, "unsupported .npy format version 9");
        // A 3-D shape.
        std::string header = npyHeader("<f4", 2, 3);
        header.replace(header.find("(2, 3)"), 6, "(1,2,3)");
        expectError(header + rawBytes(values), "2-D");
        auto missing = readNpyMatrix(file("does-not-exist.npy"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Io);
    }

    void idListRoundTrip()
    {
        const std::vector<std::string> ids{"007", "7", "a b", "x\ty"};
        QVERIFY(writeIdList(file("ids.txt"), ids).ok());
        auto back = readIdList(file("ids.txt"));
        QVERIFY(back.ok());
        QCOMPARE(*back, ids);
        writeText(file("gap.txt"), "a\n\nb\n");
        auto gap = readIdList(file("gap.txt"));
        QVERIFY(!gap.ok());
        QCOMPARE(gap.error().line, int64_t(2));
    }
};

QTEST_APPLESS_MAIN(TestNpy)
#include "test_npy.moc"
