// Content hashes, embedding-set folders with provenance, the on-disk embedding cache (atomic
// entries, leftovers of killed writes ignored) and export/import in every vector format.

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "embed/embedding_store.h"
#include "io/jsonl_vectors.h"
#include "support/fixtures.h"

#include <QtTest>

#include <cstring>

using namespace embtune::engine;
using namespace embtune::test;
namespace fs = std::filesystem;

namespace {

bool bitEqual(const FloatMatrix &a, const FloatMatrix &b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), size_t(a.rows() * a.cols()) * sizeof(float)) == 0;
}

} // namespace

class TestEmbeddingStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Dataset m_dataset;
    EmbeddingSet m_set; // 5 docs, 3 queries (q2 without a vector), dim 3
    int m_case = 0;

    std::string fresh(const std::string &stem)
    {
        return (path(m_dir) / (stem + std::to_string(++m_case))).string();
    }
    static std::string join(const std::string &dir, const std::string &name) { return (fs::path(dir) / name).string(); }

    void expectSameSet(const EmbeddingSet &a, const EmbeddingSet &b)
    {
        QVERIFY(bitEqual(a.docs, b.docs));
        QCOMPARE(a.hasQueryVector, b.hasQueryVector);
        QCOMPARE(a.queries.rows(), b.queries.rows());
        for (int32_t q = 0; q < m_dataset.queryCount(); ++q)
            if (a.hasQuery(q))
                QVERIFY(std::memcmp(a.queries.row(q), b.queries.row(q), size_t(a.dim()) * sizeof(float)) == 0);
    }
    void expectSameProvenance(const Provenance &a, const Provenance &b)
    {
        QCOMPARE(a.embedder, b.embedder);
        QCOMPARE(a.parameters, b.parameters);
        QCOMPARE(a.created, b.created);
        QCOMPARE(a.datasetHash, b.datasetHash);
        QCOMPARE(a.normalized, b.normalized);
    }
    template <typename T>
    void expectError(const Result<T> &result, const char *needle, const char *fileName)
    {
        QVERIFY2(!result.ok(), needle);
        const QString message = QString::fromStdString(result.error().toString());
        QVERIFY2(message.contains(needle), qPrintable(message));
        QVERIFY2(message.contains(fileName), qPrintable(message));
    }

private slots:
    void initTestCase()
    {
        writeTinyBeir(path(m_dir) / "beir");
        auto ds = readBeirDataset((path(m_dir) / "beir").string());
        QVERIFY(ds.ok());
        m_dataset = std::move(*ds);

        m_set.name = "tiny lsa";
        m_set.provenance = {"lsa", "{\"dim\":3,\"seed\":1}", "2024-05-01T12:00:00Z", "", false};
        m_set.docs = FloatMatrix(5, 3, {0.1f, -0.0f, 1e-40f, 1.0f / 3.0f, 2, 3, 4, 5, 6, -7, 8, 9, 16777217.0f, 0.3f, -1});
        m_set.queries = FloatMatrix(3, 3, {1, 2, 3, 0, 0, 0, 7, 8.5f, -9});
        m_set.hasQueryVector = {1, 0, 1};
    }

    void hasherIsSplitInvariantAndFramed()
    {
        ContentHasher whole, parts;
        const std::string text = "hello, content hashing world";
        whole.addBytes(text.data(), text.size());
        for (size_t i = 0; i < text.size(); i += 3)
            parts.addBytes(text.data() + i, std::min<size_t>(3, text.size() - i));
        QCOMPARE(whole.hex(), parts.hex());
        QCOMPARE(whole.hex().size(), size_t(32));

        ContentHasher ab_c, a_bc;
        ab_c.addString("ab");
        ab_c.addString("c");
        a_bc.addString("a");
        a_bc.addString("bc");
        QVERIFY(ab_c.hex() != a_bc.hex());

        ContentHasher empty, zero;
        zero.addBytes("\0", 1);
        QVERIFY(empty.hex() != zero.hex());
        // hex() does not consume: more bytes may follow.
        ContentHasher more = empty;
        QCOMPARE(more.hex(), empty.hex());
        more.addInt(1);
        QVERIFY(more.hex() != empty.hex());
    }

    void hashesAreStableAcrossRunsAndMachines()
    {
        // Golden values: a change here breaks every cache on disk; bump the version tags instead.
        ContentHasher empty, abc;
        abc.addBytes("abc", 3);
        QCOMPARE(QString::fromStdString(empty.hex()), QStringLiteral("9d4ee2d707e8929fe532d16a91d10fde"));
        QCOMPARE(QString::fromStdString(abc.hex()), QStringLiteral("8d4d3cdd04376fec2be9b0b199eaaf2c"));
        QCOMPARE(QString::fromStdString(datasetHash(m_dataset)), QStringLiteral("f9a3578a7587a8de25e49d52eba8d4f5"));
        // Reading the same files again gives the same hash; name and path do not count.
        auto again = readBeirDataset((path(m_dir) / "beir").string());
        QVERIFY(again.ok());
        again->name = "other";
        again->path = "/elsewhere";
        QCOMPARE(datasetHash(*again), datasetHash(m_dataset));
        QCOMPARE(datasetTextsHash(*again), datasetTextsHash(m_dataset));
    }

    void datasetHashSeesEveryPart()
    {
        const std::string base = datasetHash(m_dataset), baseTexts = datasetTextsHash(m_dataset);
        QVERIFY(base != baseTexts);
        {
            Dataset d = m_dataset;
            d.docs[3].text += " ";
            QVERIFY(datasetHash(d) != base);
            QVERIFY(datasetTextsHash(d) != baseTexts);
        }
        {
            Dataset d = m_dataset;
            std::swap(d.docs[0].title, d.docs[0].text); // same bytes, other fields
            QVERIFY(datasetHash(d) != base);
        }
        {
            Dataset d = m_dataset;
            d.queries[1] = "beta!";
            QVERIFY(datasetHash(d) != base);
        }
        {
            Dataset d = m_dataset;
            d.splits.begin()->second.queries[0].judged[0].gain = 3;
            QVERIFY(datasetHash(d) != base);
            QCOMPARE(datasetTextsHash(d), baseTexts); // qrels are not part of the texts hash
        }
        {
            Dataset d = m_dataset;
            d.splits["dev"] = d.splits.begin()->second;
            QVERIFY(datasetHash(d) != base);
        }
    }

    void matrixHashIsShapeAndBitExact()
    {
        const std::vector<float> v{1, 2, 3, 4, 5, 6};
        const std::string h23 = matrixHash(ConstMatrixMap(v.data(), 2, 3));
        QCOMPARE(matrixHash(ConstMatrixMap(std::vector<float>(v).data(), 2, 3)), h23);
        QVERIFY(matrixHash(ConstMatrixMap(v.data(), 3, 2)) != h23);
        const std::vector<float> zero{0.0f}, negativeZero{-0.0f};
        QVERIFY(matrixHash(ConstMatrixMap(zero.data(), 1, 1)) != matrixHash(ConstMatrixMap(negativeZero.data(), 1, 1)));
    }

    void saveLoadRoundTrip()
    {
        const std::string dir = fresh("saved");
        QVERIFY(saveEmbeddingSet(m_set, m_dataset, dir, "lsa:dim=3").ok());
        for (const char *name : {"corpus.npy", "corpus_ids.txt", "queries.npy", "query_ids.txt", "provenance.json"})
            QVERIFY2(fs::exists(join(dir, name)), name);
        auto info = readStoredSetInfo(dir);
        QVERIFY(info.ok());
        QCOMPARE(info->configKey, std::string("lsa:dim=3"));
        QCOMPARE(info->dim, int64_t(3));
        QCOMPARE(info->documents, int64_t(5));
        QCOMPARE(info->queries, int64_t(2));

        auto back = loadEmbeddingSet(dir, m_dataset);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        expectSameSet(*back, m_set);
        expectSameProvenance(back->provenance, m_set.provenance);
        QCOMPARE(back->name, m_set.name);
        // The old reader reads the same folder.
        auto plain = readNpyEmbeddingSet(dir, m_dataset);
        QVERIFY(plain.ok());
        expectSameSet(*plain, m_set);

        // Saving again without query vectors removes the stale query files.
        EmbeddingSet noQueries = m_set;
        noQueries.hasQueryVector = {0, 0, 0};
        QVERIFY(saveEmbeddingSet(noQueries, m_dataset, dir).ok());
        QVERIFY(!fs::exists(join(dir, "queries.npy")));
        QVERIFY(!fs::exists(join(dir, "query_ids.txt")));
        auto none = loadEmbeddingSet(dir, m_dataset);
        QVERIFY(none.ok());
        QCOMPARE(none->hasQueryVector, (std::vector<char>{0, 0, 0}));
    }

    void saveRefusesMismatchedSets()
    {
        EmbeddingSet wrong = m_set;
        wrong.docs = FloatMatrix(4, 3, std::vector<float>(12, 1.0f));
        auto status = saveEmbeddingSet(wrong, m_dataset, fresh("wrong"));
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::Usage);
    }

    void provenanceFileErrors()
    {
        const std::string dir = fresh("prov");
        QVERIFY(saveEmbeddingSet(m_set, m_dataset, dir).ok());
        writeText(join(dir, "provenance.json"), "{\"format\": \"embtune.embedding-set\", \"version\": 1, \"dim\": \"3\"}");
        expectError(loadEmbeddingSet(dir, m_dataset), "\"dim\" has the wrong type", "provenance.json");
        writeText(join(dir, "provenance.json"), "{\"format\": \"embtune.embedding-set\", \"version\": 1, \"dim\": 7}");
        expectError(loadEmbeddingSet(dir, m_dataset), "dimension 7", "provenance.json");
        writeText(join(dir, "provenance.json"), "{\"format\": \"embtune.embedding-set\", \"version\": 2}");
        expectError(loadEmbeddingSet(dir, m_dataset), "newer embtune", "provenance.json");
        writeText(join(dir, "provenance.json"), "{\"format\": ");
        expectError(loadEmbeddingSet(dir, m_dataset), "malformed JSON", "provenance.json");
        writeText(join(dir, "provenance.json"), "{}");
        expectError(loadEmbeddingSet(dir, m_dataset), "not an embtune provenance file", "provenance.json");
    }

    void cacheStoreThenLookupHits()
    {
        EmbeddingCache cache(fresh("cache"));
        const std::string hash = datasetHash(m_dataset);
        auto miss = cache.lookup(hash, "lsa:dim=3", m_dataset);
        QVERIFY(miss.ok());
        QVERIFY(!miss->has_value());
        QVERIFY(cache.store(hash, "lsa:dim=3", m_set, m_dataset).ok());
        auto hit = cache.lookup(hash, "lsa:dim=3", m_dataset);
        QVERIFY2(hit.ok(), hit.ok() ? "" : hit.error().toString().c_str());
        QVERIFY(hit->has_value());
        const EmbeddingSet &set = **hit;
        expectSameSet(set, m_set);
        QCOMPARE(set.provenance.datasetHash, hash); // recorded by store()
        QCOMPARE(set.provenance.embedder, m_set.provenance.embedder);
        QCOMPARE(set.name, m_set.name);
        QCOMPARE(set.source, cache.entryDir(hash, "lsa:dim=3"));
        QCOMPARE(fs::path(set.source).filename().string().size(), size_t(32));
    }

    void cacheDifferentKeyMisses()
    {
        EmbeddingCache cache(fresh("cache"));
        const std::string hash = datasetHash(m_dataset);
        QVERIFY(cache.store(hash, "lsa:dim=3", m_set, m_dataset).ok());
        for (const auto &[h, key] : std::vector<std::pair<std::string, std::string>>{
                 {hash, "lsa:dim=4"}, {hash, ""}, {datasetTextsHash(m_dataset), "lsa:dim=3"}, {"", "lsa:dim=3"}}) {
            auto result = cache.lookup(h, key, m_dataset);
            QVERIFY(result.ok());
            QVERIFY(!result->has_value());
            QVERIFY(cache.entryDir(h, key) != cache.entryDir(hash, "lsa:dim=3"));
        }
        // A folder at the right place whose provenance names another key is a miss too.
        const std::string other = cache.entryDir(hash, "other");
        fs::create_directories(fs::path(other).parent_path());
        fs::copy(cache.entryDir(hash, "lsa:dim=3"), other);
        auto foreign = cache.lookup(hash, "other", m_dataset);
        QVERIFY(foreign.ok());
        QVERIFY(!foreign->has_value());
    }

    void cacheIgnoresLeftoverTemporaryFolders()
    {
        const std::string root = fresh("cache");
        EmbeddingCache cache(root);
        const std::string hash = datasetHash(m_dataset);
        // What a write killed halfway leaves: a temporary folder with partial files.
        const std::string entry = fs::path(cache.entryDir(hash, "k")).filename().string();
        const std::string leftover = join(root, ".tmp-" + entry + "-99999-0");
        QVERIFY(saveEmbeddingSet(m_set, m_dataset, leftover, "k").ok());
        writeText(join(leftover, "corpus.npy"), "\x93NUMPY truncated");
        fs::remove(join(leftover, "provenance.json"));

        auto listed = cache.list();
        QVERIFY(listed.ok());
        QVERIFY(listed->empty());
        auto miss = cache.lookup(hash, "k", m_dataset);
        QVERIFY(miss.ok());
        QVERIFY(!miss->has_value());
        QVERIFY(cache.store(hash, "k", m_set, m_dataset).ok());
        auto hit = cache.lookup(hash, "k", m_dataset);
        QVERIFY(hit.ok() && hit->has_value());
        listed = cache.list();
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), size_t(1));
    }

    void cacheStoreReplacesAnEntry()
    {
        const std::string root = fresh("cache");
        EmbeddingCache cache(root);
        QVERIFY(cache.store("h", "k", m_set, m_dataset).ok());
        EmbeddingSet second = m_set;
        second.docs = FloatMatrix(5, 3, std::vector<float>(15, 0.5f));
        second.name = "second";
        QVERIFY(cache.store("h", "k", second, m_dataset).ok());
        auto hit = cache.lookup("h", "k", m_dataset);
        QVERIFY(hit.ok() && hit->has_value());
        QCOMPARE((*hit)->name, std::string("second"));
        QCOMPARE((*hit)->docs.row(4)[2], 0.5f);
        int entries = 0;
        for (const auto &child : fs::directory_iterator(root)) {
            QVERIFY2(child.path().filename().string()[0] != '.', qPrintable(QString::fromStdString(child.path())));
            ++entries;
        }
        QCOMPARE(entries, 1);
    }

    void cacheListShowsProvenance()
    {
        const std::string root = fresh("cache");
        EmbeddingCache cache(root);
        EmbeddingSet older = m_set, newer = m_set;
        older.provenance.created = "2024-01-01T00:00:00Z";
        newer.provenance.created = "2024-06-01T00:00:00Z";
        newer.provenance.embedder = "openai";
        newer.provenance.parameters = "{\"model\":\"text-embedding-3-small\"}";
        newer.provenance.normalized = true;
        QVERIFY(cache.store("hash-a", "lsa:dim=3", older, m_dataset).ok());
        QVERIFY(cache.store("hash-a", "openai:small", newer, m_dataset).ok());
        // Not entries: a plain file, a foreign folder, a broken entry (listed with its error).
        writeText(join(root, "README"), "x");
        fs::create_directories(join(root, "foreign"));
        fs::create_directories(join(root, "broken"));
        writeText(join(root, "broken/provenance.json"), "{");

        auto listed = cache.list();
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), size_t(3));
        const auto &first = (*listed)[0];
        QVERIFY(first.error.empty());
        QCOMPARE(first.info.configKey, std::string("openai:small"));
        QCOMPARE(first.info.provenance.embedder, std::string("openai"));
        QCOMPARE(first.info.provenance.parameters, newer.provenance.parameters);
        QCOMPARE(first.info.provenance.datasetHash, std::string("hash-a"));
        QVERIFY(first.info.provenance.normalized);
        QCOMPARE(first.info.queries, int64_t(2));
        QCOMPARE(first.info.dir, cache.entryDir("hash-a", "openai:small"));
        QCOMPARE((*listed)[1].info.configKey, std::string("lsa:dim=3"));
        QCOMPARE((*listed)[1].info.provenance.created, older.provenance.created);
        QVERIFY((*listed)[2].error.find("provenance.json") != std::string::npos);

        auto absent = EmbeddingCache(join(root, "nope")).list();
        QVERIFY(absent.ok());
        QVERIFY(absent->empty());
    }

    void cacheDamagedEntryIsAnErrorUntilRemoved()
    {
        EmbeddingCache cache(fresh("cache"));
        QVERIFY(cache.store("h", "k", m_set, m_dataset).ok());
        const std::string npy = join(cache.entryDir("h", "k"), "corpus.npy");
        fs::resize_file(npy, fs::file_size(npy) - 8);
        expectError(cache.lookup("h", "k", m_dataset), "truncated .npy file", "corpus.npy");
        QVERIFY(cache.remove("h", "k").ok());
        auto miss = cache.lookup("h", "k", m_dataset);
        QVERIFY(miss.ok());
        QVERIFY(!miss->has_value());
        QVERIFY(cache.remove("h", "k").ok()); // nothing to remove is fine
    }

    void exportImportEveryFormat_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *name : {"npy", "fvecs", "jsonl", "safetensors"})
            QTest::newRow(name) << QString(name);
    }
    void exportImportEveryFormat()
    {
        QFETCH(QString, format);
        const VectorFormat f = *vectorFormatFromName(format.toStdString());
        const std::string dir = fresh("export-" + format.toStdString());
        QVERIFY(exportEmbeddingSet(m_set, m_dataset, f, dir).ok());
        const ExportLayout layout = exportLayout(f);
        for (const std::string &name : {layout.docs, layout.docIds, layout.queries, layout.queryIds})
            if (!name.empty())
                QVERIFY2(fs::exists(join(dir, name)), name.c_str());
        QVERIFY(fs::exists(join(dir, "provenance.json")));

        auto back = importEmbeddingFolder(dir, m_dataset);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        expectSameSet(*back, m_set);
        expectSameProvenance(back->provenance, m_set.provenance);
        QCOMPARE(back->name, m_set.name);
        QCOMPARE(back->source, dir);

        // The same files imported one by one (no provenance.json involved).
        VectorImport spec;
        spec.docsPath = join(dir, layout.docs);
        spec.docIdsPath = layout.docIds.empty() ? "" : join(dir, layout.docIds);
        spec.queriesPath = join(dir, layout.queries);
        spec.queryIdsPath = layout.queryIds.empty() ? "" : join(dir, layout.queryIds);
        auto files = importEmbeddingSet(spec, m_dataset);
        QVERIFY2(files.ok(), files.ok() ? "" : files.error().toString().c_str());
        expectSameSet(*files, m_set);
        if (f == VectorFormat::Safetensors) {
            expectSameProvenance(files->provenance, m_set.provenance); // carried in __metadata__
        } else {
            QCOMPARE(files->provenance.embedder, std::string("imported"));
            QVERIFY(files->provenance.parameters.find(layout.docs) != std::string::npos);
            QVERIFY(!files->provenance.created.empty());
        }

        // Exporting again with no query vector drops the query files of that layout.
        EmbeddingSet noQueries = m_set;
        noQueries.hasQueryVector = {0, 0, 0};
        QVERIFY(exportEmbeddingSet(noQueries, m_dataset, f, dir).ok());
        QVERIFY(!fs::exists(join(dir, layout.queries)));
        auto docsOnly = importEmbeddingFolder(dir, m_dataset);
        QVERIFY(docsOnly.ok());
        QCOMPARE(docsOnly->hasQueryVector, (std::vector<char>{0, 0, 0}));
    }

    void importAlignsShuffledAndPartialVectors()
    {
        const std::string dir = fresh("import");
        fs::create_directories(dir);
        // Unit vectors, documents in reverse order, only q3 has a vector.
        writeText(join(dir, "docs.jsonl"), "{\"_id\": \"d5\", \"embedding\": [0.6, 0.8]}\n"
                                           "{\"_id\": \"d4\", \"embedding\": [-1, 0]}\n"
                                           "{\"_id\": \"d3\", \"embedding\": [0.8, 0.6]}\n"
                                           "{\"_id\": \"d2\", \"embedding\": [0, 1]}\n"
                                           "{\"_id\": \"d1\", \"embedding\": [1, 0]}\n");
        writeText(join(dir, "queries.jsonl"), "{\"_id\": \"q3\", \"embedding\": [0, -1]}\n");
        VectorImport spec;
        spec.docsPath = join(dir, "docs.jsonl");
        spec.queriesPath = join(dir, "queries.jsonl");
        spec.name = "mine";
        auto set = importEmbeddingSet(spec, m_dataset);
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        QCOMPARE(set->name, std::string("mine"));
        QCOMPARE(set->docs.row(0)[0], 1.0f);  // d1
        QCOMPARE(set->docs.row(4)[1], 0.8f);  // d5
        QCOMPARE(set->hasQueryVector, (std::vector<char>{0, 0, 1}));
        QCOMPARE(set->queries.row(2)[1], -1.0f);
        QCOMPARE(set->provenance.embedder, std::string("imported"));
        QVERIFY(set->provenance.normalized);
        QVERIFY(set->provenance.created.size() == 20 && set->provenance.created.back() == 'Z');
    }

    void importErrorsNameTheFile()
    {
        const std::string dir = fresh("bad-import");
        fs::create_directories(dir);
        auto jsonl = [&](const std::string &name, const std::string &text) {
            writeText(join(dir, name), text);
            return join(dir, name);
        };
        const std::string allDocs = "{\"_id\": \"d1\", \"embedding\": [1, 0]}\n{\"_id\": \"d2\", \"embedding\": [1, 0]}\n"
                                    "{\"_id\": \"d3\", \"embedding\": [1, 0]}\n{\"_id\": \"d4\", \"embedding\": [1, 0]}\n"
                                    "{\"_id\": \"d5\", \"embedding\": [1, 0]}\n";
        VectorImport spec;
        spec.docsPath = jsonl("four.jsonl", allDocs.substr(0, allDocs.rfind("{\"_id\": \"d5\"")));
        expectError(importEmbeddingSet(spec, m_dataset), "1 of 5 dataset ids have no vector (first: \"d5\")", "four.jsonl");

        spec.docsPath = jsonl("unknown.jsonl", allDocs + "{\"_id\": \"zz\", \"embedding\": [1, 0]}\n");
        auto unknown = importEmbeddingSet(spec, m_dataset);
        expectError(unknown, "id \"zz\" is not in the dataset", "unknown.jsonl:6");

        spec.docsPath = jsonl("docs.jsonl", allDocs);
        spec.queriesPath = jsonl("q3d.jsonl", "{\"_id\": \"q1\", \"embedding\": [1, 0, 0]}\n");
        expectError(importEmbeddingSet(spec, m_dataset), "query vectors have dimension 3 but document vectors have 2",
                    "q3d.jsonl");
        spec.queriesPath = jsonl("qbad.jsonl", "{\"_id\": \"q1\", \"embedding\": [1, 0]}\n{\"_id\": \"q1\"}\n");
        expectError(importEmbeddingSet(spec, m_dataset), "no \"embedding\"", "qbad.jsonl:2");

        spec.queriesPath.clear();
        spec.docsPath = jsonl("vectors.txt", allDocs);
        auto unknownFormat = importEmbeddingSet(spec, m_dataset);
        expectError(unknownFormat, "cannot tell the vector format", "vectors.txt");
        QCOMPARE(unknownFormat.error().code, ErrorCode::Usage);
        spec.format = VectorFormat::Jsonl;
        QVERIFY(importEmbeddingSet(spec, m_dataset).ok());

        expectError(importEmbeddingFolder(fresh("empty-dir"), m_dataset), "no embedding files in the folder", "empty-dir");
    }
};

QTEST_APPLESS_MAIN(TestEmbeddingStore)
#include "test_embedding_store.moc"
