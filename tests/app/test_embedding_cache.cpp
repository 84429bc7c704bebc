// EmbeddingCache (app/net): round trips, reopening with and without the index, the remains of a
// kill (half a record, zero-filled tail, stale index), foreign files, dimension checks and the
// writer's lock.

#include "embedding_cache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <vector>

namespace net = embtune::net;
using Cache = net::EmbeddingCache;

namespace {

const Cache::Identity kIdentity{"http://127.0.0.1:1234", "model-a", 0};

std::vector<float> rowsFor(int first, int count, int dim)
{
    std::vector<float> v(static_cast<size_t>(count * dim));
    for (int i = 0; i < count; ++i)
        for (int j = 0; j < dim; ++j)
            v[size_t(i * dim + j)] = float(first + i) + float(j) / 100.0f;
    return v;
}

std::vector<Cache::TextHash> hashesFor(int first, int count)
{
    std::vector<Cache::TextHash> out;
    for (int i = first; i < first + count; ++i)
        out.push_back(Cache::hashText("text " + std::to_string(i)));
    return out;
}

// Every text first..first+count-1 is cached with its vector.
bool holds(Cache &cache, int first, int count, int dim)
{
    const std::vector<float> expected = rowsFor(first, count, dim);
    std::vector<float> row(static_cast<size_t>(dim));
    const auto hashes = hashesFor(first, count);
    for (int i = 0; i < count; ++i) {
        if (!cache.contains(hashes[size_t(i)]) || !cache.read(hashes[size_t(i)], row.data()).ok())
            return false;
        if (!std::equal(row.begin(), row.end(), expected.begin() + i * dim))
            return false;
    }
    return true;
}

std::unique_ptr<Cache> openCache(const QString &dir, Cache::Mode mode = Cache::Mode::ReadWrite,
                                 const Cache::Identity &identity = kIdentity)
{
    auto opened = Cache::open(dir, identity, mode, 100);
    if (!opened) {
        qWarning("%s", opened.error().toString().c_str());
        return nullptr;
    }
    return std::move(opened).value();
}

} // namespace

class TestEmbeddingCache : public QObject {
    Q_OBJECT

private slots:
    void roundTripAndReopen()
    {
        QTemporaryDir dir;
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache);
            QCOMPARE(cache->size(), 0);
            QVERIFY(cache->append(hashesFor(0, 5), rowsFor(0, 5, 4).data(), 4).ok());
            QVERIFY(cache->append(hashesFor(3, 4), rowsFor(3, 4, 4).data(), 4).ok()); // 3, 4 already there
            QCOMPARE(cache->size(), 7);
            QCOMPARE(cache->dim(), 4);
            QVERIFY(holds(*cache, 0, 7, 4));
            QVERIFY(cache->close().ok());
        }
        const QString stem = dir.filePath(Cache::fileStem(kIdentity));
        QVERIFY(QFile::exists(stem + ".embcache"));
        QVERIFY(QFile::exists(stem + ".embidx"));
        for (const auto mode : {Cache::Mode::ReadOnly, Cache::Mode::ReadWrite}) {
            auto cache = openCache(dir.path(), mode);
            QVERIFY(cache);
            QCOMPARE(cache->size(), 7);
            QVERIFY(holds(*cache, 0, 7, 4));
            QVERIFY(!cache->contains(Cache::hashText("text 7")));
        }
        // Without the index, a scan finds the same.
        QVERIFY(QFile::remove(stem + ".embidx"));
        auto cache = openCache(dir.path(), Cache::Mode::ReadOnly);
        QCOMPARE(cache->size(), 7);
        QVERIFY(holds(*cache, 0, 7, 4));
    }

    void otherIdentitiesAreOtherFiles()
    {
        QTemporaryDir dir;
        Cache::Identity other = kIdentity;
        other.dimensions = 256;
        QVERIFY(Cache::fileStem(other) != Cache::fileStem(kIdentity));
        QVERIFY(Cache::fileStem(kIdentity).startsWith("model_a-d0-"));
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache->append(hashesFor(0, 2), rowsFor(0, 2, 3).data(), 3).ok());
        }
        auto cache = openCache(dir.path(), Cache::Mode::ReadOnly, other);
        QVERIFY(cache);
        QCOMPARE(cache->size(), 0); // missing file: empty, read-only opening creates nothing
        QCOMPARE(QDir(dir.path()).entryList({"*.embcache"}).size(), 1);

        // A file under the wrong name is refused.
        QVERIFY(QFile::copy(dir.filePath(Cache::fileStem(kIdentity) + ".embcache"),
                            dir.filePath(Cache::fileStem(other) + ".embcache")));
        const auto refused = Cache::open(dir.path(), other, Cache::Mode::ReadWrite, 100);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("another configuration") != std::string::npos,
                 refused.error().message.c_str());
        QVERIFY(!refused.error().file.empty());
    }

    // What a kill leaves: records after the last index, then half a record or zeros.
    void survivesAKill_data()
    {
        QTest::addColumn<QByteArray>("tail");
        QTest::newRow("half record") << QByteArray("EMBR\x04\x00\x00\x00half", 12);
        QTest::newRow("zeros") << QByteArray(100, '\0');
        QTest::newRow("bad checksum") << QByteArray();
    }
    void survivesAKill()
    {
        QFETCH(QByteArray, tail);
        QTemporaryDir dir;
        const QString stem = dir.filePath(Cache::fileStem(kIdentity));
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache->append(hashesFor(0, 3), rowsFor(0, 3, 4).data(), 4).ok());
        } // index covers 3 records
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache->append(hashesFor(3, 2), rowsFor(3, 2, 4).data(), 4).ok());
            // "Killed" here: copy the files as they are now, with the index still covering 3.
            QVERIFY(QFile::copy(stem + ".embcache", stem + ".killed"));
            QVERIFY(QFile::copy(stem + ".embidx", stem + ".killedidx"));
        }
        QVERIFY(QFile::remove(stem + ".embcache") && QFile::remove(stem + ".embidx"));
        QVERIFY(QFile::rename(stem + ".killed", stem + ".embcache"));
        QVERIFY(QFile::rename(stem + ".killedidx", stem + ".embidx"));
        QFile log(stem + ".embcache");
        const qint64 validSize = log.size();
        QVERIFY(log.open(QIODevice::ReadWrite));
        if (tail.isEmpty()) { // damage the last record's checksum: that record is dropped
            QVERIFY(log.seek(validSize - 1));
            QVERIFY(log.write("\x7f") == 1);
        } else {
            QVERIFY(log.seek(validSize));
            QVERIFY(log.write(tail) == tail.size());
        }
        log.close();

        {
            auto readOnly = openCache(dir.path(), Cache::Mode::ReadOnly);
            const int kept = tail.isEmpty() ? 4 : 5;
            QCOMPARE(readOnly->size(), kept);
            QVERIFY(holds(*readOnly, 0, kept, 4));
        }
        auto cache = openCache(dir.path());
        const int kept = tail.isEmpty() ? 4 : 5;
        QCOMPARE(cache->size(), kept);
        const qint64 recordSize = 8 + 32 + 4 * 4 + 4;
        QCOMPARE(QFileInfo(stem + ".embcache").size(), tail.isEmpty() ? validSize - recordSize : validSize);
        // Appending goes on after the last valid record.
        QVERIFY(cache->append(hashesFor(4, 4), rowsFor(4, 4, 4).data(), 4).ok());
        QVERIFY(cache->close().ok());
        auto reopened = openCache(dir.path(), Cache::Mode::ReadOnly);
        QCOMPARE(reopened->size(), 8);
        QVERIFY(holds(*reopened, 0, 8, 4));
    }

    // An index written for an earlier log (deleted and re-created since) is never trusted.
    void staleIndexIsIgnored()
    {
        QTemporaryDir dir;
        const QString stem = dir.filePath(Cache::fileStem(kIdentity));
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache->append(hashesFor(0, 6), rowsFor(0, 6, 2).data(), 2).ok());
        }
        QVERIFY(QFile::copy(stem + ".embidx", stem + ".old"));
        QVERIFY(QFile::remove(stem + ".embcache") && QFile::remove(stem + ".embidx"));
        {
            auto cache = openCache(dir.path());
            QVERIFY(cache->append(hashesFor(100, 8), rowsFor(100, 8, 2).data(), 2).ok());
        }
        QVERIFY(QFile::remove(stem + ".embidx") && QFile::rename(stem + ".old", stem + ".embidx"));
        auto cache = openCache(dir.path(), Cache::Mode::ReadOnly);
        QCOMPARE(cache->size(), 8);
        QVERIFY(holds(*cache, 100, 8, 2));
        QVERIFY(!cache->contains(Cache::hashText("text 0")));
    }

    void dimensionIsFixedPerLog()
    {
        QTemporaryDir dir;
        auto cache = openCache(dir.path());
        QVERIFY(cache->append(hashesFor(0, 1), rowsFor(0, 1, 3).data(), 3).ok());
        const auto status = cache->append(hashesFor(1, 1), rowsFor(1, 1, 5).data(), 5);
        QVERIFY(!status.ok());
        QVERIFY2(status.error().message.find("5-dimensional") != std::string::npos, status.error().message.c_str());
        QCOMPARE(cache->size(), 1);
    }

    void oneWriterAtATime()
    {
        QTemporaryDir dir;
        auto writer = openCache(dir.path());
        QVERIFY(writer);
        const auto second = Cache::open(dir.path(), kIdentity, Cache::Mode::ReadWrite, 50);
        QVERIFY(!second.ok());
        QVERIFY2(second.error().message.find("in use") != std::string::npos, second.error().message.c_str());
        QVERIFY(openCache(dir.path(), Cache::Mode::ReadOnly)); // readers are welcome
        QVERIFY(writer->close().ok());
        QVERIFY(openCache(dir.path()));
    }

    void notACache()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(Cache::fileStem(kIdentity) + ".embcache"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("something else entirely");
        file.close();
        const auto opened = Cache::open(dir.path(), kIdentity, Cache::Mode::ReadOnly);
        QVERIFY(!opened.ok());
        QVERIFY2(opened.error().message.find("not an embtune embedding cache") != std::string::npos,
                 opened.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestEmbeddingCache)
#include "test_embedding_cache.moc"
