// Synthetic query generators (ict, title, keyphrase), the generated-set folder (written, read
// back by the BEIR reader and by readSyntheticSet), and the dataset/embedding augmentation that
// lets every method train on generated queries.

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "embed/tfidf.h"
#include "embed/tokenizer.h"
#include "support/fixtures.h"
#include "synth/query_generators.h"
#include "synth/synthetic_set.h"
#include "synth/synthetic_training.h"

#include <QtTest>

#include <map>
#include <set>

using namespace embtune::engine;
using namespace embtune::test;

namespace {

// Three documents: d1 has three long sentences and a short one, d2 one long sentence, d3 only
// short ones and no title.
void writeSynthBeir(const std::filesystem::path &dir)
{
    writeText(dir / "corpus.jsonl",
              "{\"_id\": \"d1\", \"title\": \"Protein folding\", \"text\": \"Proteins fold into stable three "
              "dimensional shapes. Chaperones assist the folding of many large proteins. Misfolded proteins "
              "aggregate in several neurodegenerative diseases. Short one.\"}\n"
              "{\"_id\": \"d2\", \"title\": \"Coral reefs\", \"text\": \"Coral reefs bleach when the ocean water "
              "warms for weeks.\"}\n"
              "{\"_id\": \"d3\", \"text\": \"Too short. Also short.\"}\n");
    writeText(dir / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"protein folding\"}\n");
    writeText(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
}

} // namespace

class TestSynth : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Dataset m_dataset;

private slots:
    void initTestCase()
    {
        writeSynthBeir(path(m_dir) / "data");
        auto dataset = readBeirDataset((path(m_dir) / "data").string());
        QVERIFY(dataset.ok());
        m_dataset = std::move(*dataset);
    }

    void sentences()
    {
        const std::string text = "First one here. e.g. not split. Second (A) starts? \"Third\" quoted!\nFourth line";
        const auto ranges = splitSentences(text);
        std::vector<std::string> got;
        for (auto [b, e] : ranges)
            got.push_back(text.substr(b, e - b));
        const std::vector<std::string> expected{"First one here. e.g. not split.", "Second (A) starts?",
                                                "\"Third\" quoted!", "Fourth line"};
        QCOMPARE(got, expected);
        QVERIFY(splitSentences("   ").empty());
    }

    void ictPicksLongSentencesDeterministically()
    {
        SynthOptions o;
        o.generator = "ict";
        o.perDocument = 10;
        o.removeProbability = 1.0;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        // d1: 3 eligible sentences (the 4th has 2 tokens), d2: 1, d3: none.
        std::map<int32_t, std::set<std::string>> perDoc;
        for (const SyntheticQuery &q : set->queries) {
            QVERIFY(q.removed);
            QVERIFY(perDoc[q.doc].insert(q.text).second); // distinct sentences
            QVERIFY(m_dataset.docs[size_t(q.doc)].text.find(q.text) != std::string::npos);
            QVERIFY(Tokenizer(TokenizerOptions{1, false}).tokenize(q.text).size() >= 5);
            // The positive's text no longer holds the sentence.
            QVERIFY(positiveText(m_dataset, q).find(q.text) == std::string::npos);
        }
        QCOMPARE(perDoc[0].size(), size_t(3));
        QCOMPARE(perDoc[1].size(), size_t(1));
        QVERIFY(!perDoc.count(2));
        QCOMPARE(set->documentsWithQueries(), int64_t(2));
        QCOMPARE(set->queries.front().id, std::string("ict:d1:0"));
        auto again = generateQueries(m_dataset, o);
        QVERIFY(again.ok());
        QCOMPARE(again->queries.size(), set->queries.size());
        for (size_t i = 0; i < set->queries.size(); ++i)
            QCOMPARE(again->queries[i].text, set->queries[i].text);

        o.removeProbability = 0.0;
        o.perDocument = 1;
        o.maxTokens = 7; // only d2's and d1's shorter sentences... d2 has 11 tokens: excluded
        auto limited = generateQueries(m_dataset, o);
        QVERIFY(limited.ok());
        for (const SyntheticQuery &q : limited->queries) {
            QVERIFY(!q.removed);
            QCOMPARE(positiveText(m_dataset, q), documentTexts(m_dataset)[size_t(q.doc)]);
            QVERIFY(q.doc == 0);
        }
    }

    void removalProbabilityIsRespected()
    {
        // 2,000 documents with one eligible sentence each: about 90 % removed.
        Dataset big;
        for (int i = 0; i < 2000; ++i) {
            (void)big.docIds.add(std::string("d").append(std::to_string(i)));
            big.docs.push_back({"", "This sentence has more than five tokens in it."});
        }
        SynthOptions o;
        auto set = generateQueries(big, o);
        QVERIFY(set.ok());
        QCOMPARE(set->queries.size(), size_t(2000));
        int removed = 0;
        for (const SyntheticQuery &q : set->queries)
            removed += q.removed;
        QVERIFY2(removed > 1740 && removed < 1860, qPrintable(QString::number(removed)));
    }

    void titles()
    {
        SynthOptions o;
        o.generator = "title";
        o.perDocument = 3;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        QCOMPARE(set->queries.size(), size_t(2)); // d3 has no title; one query per title
        QCOMPARE(set->queries[0].text, std::string("Protein folding"));
        QCOMPARE(set->queries[1].doc, 1);
    }

    void keyphrasesAreTopTfidfTermsInDocumentOrder()
    {
        SynthOptions o;
        o.generator = "keyphrase";
        o.terms = 3;
        o.perDocument = 2;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        // Slow reference: weights from a TF-IDF model fitted the same way, sorted by hand.
        TfidfModel tfidf;
        SparseRows rows;
        const auto texts = documentTexts(m_dataset);
        QVERIFY(tfidf.fit(texts, 1, rows));
        for (const SyntheticQuery &q : set->queries) {
            if (q.id.back() != '0')
                continue;
            std::vector<std::pair<float, std::string>> weighted;
            for (int64_t p = rows.rowStart[size_t(q.doc)]; p < rows.rowStart[size_t(q.doc) + 1]; ++p)
                weighted.emplace_back(-rows.values[size_t(p)], tfidf.terms()[size_t(rows.colIndex[size_t(p)])]);
            std::sort(weighted.begin(), weighted.end());
            std::set<std::string> top;
            for (size_t i = 0; i < std::min<size_t>(3, weighted.size()); ++i)
                top.insert(weighted[i].second);
            const auto words = Tokenizer().tokenize(q.text);
            QCOMPARE(std::set<std::string>(words.begin(), words.end()), top);
            // Document order.
            const auto docTokens = Tokenizer().tokenize(texts[size_t(q.doc)]);
            size_t last = 0;
            for (const std::string &w : words) {
                const size_t at = size_t(std::find(docTokens.begin(), docTokens.end(), w) - docTokens.begin());
                QVERIFY(at >= last);
                last = at;
            }
        }
    }

    void sampling()
    {
        const auto a = sampleDocuments(100, 10, 7);
        QCOMPARE(a.size(), size_t(10));
        QVERIFY(std::is_sorted(a.begin(), a.end()));
        QCOMPARE(std::set<int32_t>(a.begin(), a.end()).size(), size_t(10));
        QCOMPARE(sampleDocuments(100, 10, 7), a);
        QVERIFY(sampleDocuments(100, 10, 8) != a);
        QCOMPARE(sampleDocuments(5, 0, 1).size(), size_t(5));
        QCOMPARE(sampleDocuments(5, 50, 1).size(), size_t(5));
        SynthOptions o;
        o.documents = 1;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        QCOMPARE(set->documentsSampled, int64_t(1));
    }

    void badOptions()
    {
        SynthOptions o;
        o.generator = "nope";
        QCOMPARE(generateQueries(m_dataset, o).error().code, ErrorCode::Usage);
        o = {};
        o.perDocument = 0;
        QCOMPARE(generateQueries(m_dataset, o).error().code, ErrorCode::Usage);
        o = {};
        o.maxTokens = 3;
        QCOMPARE(generateQueries(m_dataset, o).error().code, ErrorCode::Usage);
        o = {};
        o.removeProbability = 1.5;
        QCOMPARE(generateQueries(m_dataset, o).error().code, ErrorCode::Usage);
        Progress stop([](const ProgressEvent &) { return false; });
        QCOMPARE(generateQueries(m_dataset, {}, &stop).error().code, ErrorCode::Cancelled);
    }

    void folderRoundTripAndBeirReader()
    {
        SynthOptions o;
        o.perDocument = 2;
        o.seed = 3;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        const auto dir = path(m_dir) / "ict";
        QVERIFY(writeSyntheticSet(*set, m_dataset, dir.string()).ok());
        auto back = readSyntheticSet(dir.string(), m_dataset);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QCOMPARE(back->generator, std::string("ict"));
        QCOMPARE(back->seed, uint64_t(3));
        QCOMPARE(back->parametersJson, set->parametersJson);
        QCOMPARE(back->queries.size(), set->queries.size());
        for (size_t i = 0; i < set->queries.size(); ++i) {
            QCOMPARE(back->queries[i].id, set->queries[i].id);
            QCOMPARE(back->queries[i].text, set->queries[i].text);
            QCOMPARE(back->queries[i].doc, set->queries[i].doc);
        }
        // With the corpus beside it, the folder is a BEIR dataset with a "train" split.
        std::filesystem::copy_file(path(m_dir) / "data" / "corpus.jsonl", dir / "corpus.jsonl");
        auto beir = readBeirDataset(dir.string());
        QVERIFY(beir.ok());
        QCOMPARE(beir->queryCount(), int32_t(set->queries.size()));
        QCOMPARE(beir->split("train")->queriesWithRelevant(), int32_t(set->queries.size()));

        // Another dataset: refused, naming the manifest.
        Dataset other = m_dataset;
        other.docs[0].text += " changed";
        auto refused = readSyntheticSet(dir.string(), other);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().file.find("manifest.json") != std::string::npos);
        // A query with two positives.
        std::string qrels = "query-id\tcorpus-id\tscore\n";
        for (const char *doc : {"d1", "d2"})
            qrels.append(set->queries[0].id).append("\t").append(doc).append("\t1\n");
        writeText(dir / "qrels" / "train.tsv", qrels);
        auto twoPositives = readSyntheticSet(dir.string(), m_dataset);
        QVERIFY(!twoPositives.ok());
        QVERIFY(twoPositives.error().message.find("positives") != std::string::npos);
        writeText(dir / "manifest.json", "{\"format\": \"other\"}");
        QVERIFY(!readSyntheticSet(dir.string(), m_dataset).ok());
    }

    void augmentation()
    {
        SynthOptions o;
        o.perDocument = 3;
        auto set = generateQueries(m_dataset, o);
        QVERIFY(set.ok());
        std::vector<int32_t> appended;
        auto augmented = appendSyntheticQueries(m_dataset, *set, &appended);
        QVERIFY(augmented.ok());
        QCOMPARE(augmented->queryCount(), m_dataset.queryCount() + int32_t(set->queries.size()));
        QCOMPARE(appended.front(), m_dataset.queryCount());
        QCOMPARE(augmented->queryIds.id(appended[0]), "synth:" + set->queries[0].id);
        QCOMPARE(augmented->queries[size_t(appended[0])], set->queries[0].text);
        const Qrels judged = augmented->judgementsFor(appended);
        QCOMPARE(judged.queries.size(), appended.size());
        for (size_t i = 0; i < appended.size(); ++i)
            QCOMPARE(judged.queries[i].judged.front().doc, set->queries[i].doc);
        QVERIFY(augmented->split("test") != nullptr); // labelled splits untouched

        EmbeddingSet embeddings;
        embeddings.docs = FloatMatrix(RowMatrixXf::Ones(3, 2));
        embeddings.queries = FloatMatrix(RowMatrixXf::Ones(1, 2));
        embeddings.hasQueryVector = {0};
        RowMatrixXf extra = RowMatrixXf::Constant(Eigen::Index(appended.size()), 2, 0.5f);
        auto withVectors = appendQueryVectors(embeddings, ConstMatrixMap(extra.data(), extra.rows(), 2));
        QVERIFY(withVectors.ok());
        QCOMPARE(withVectors->queries.rows(), int64_t(1 + appended.size()));
        QCOMPARE(withVectors->queries.row(1)[1], 0.5f);
        QVERIFY(!withVectors->hasQuery(0));
        QVERIFY(withVectors->hasQuery(1));
        RowMatrixXf wrong(1, 3);
        QVERIFY(!appendQueryVectors(embeddings, ConstMatrixMap(wrong.data(), 1, 3)).ok());

        SyntheticSet foreign = *set;
        foreign.datasetHash.assign(32, '0');
        QVERIFY(!appendSyntheticQueries(m_dataset, foreign).ok());
        SyntheticSet twice = *set;
        twice.queries.push_back(twice.queries.front());
        QVERIFY(!appendSyntheticQueries(m_dataset, twice).ok());
    }

    void heldOutSplit()
    {
        std::vector<int32_t> all(100);
        std::iota(all.begin(), all.end(), 10);
        const auto [train, dev] = splitHeldOut(all, 0.1, 5);
        QCOMPARE(dev.size(), size_t(10));
        QCOMPARE(train.size(), size_t(90));
        std::set<int32_t> both(train.begin(), train.end());
        both.insert(dev.begin(), dev.end());
        QCOMPARE(both.size(), size_t(100));
        QCOMPARE(splitHeldOut(all, 0.1, 5).second, dev);
        QVERIFY(splitHeldOut(all, 0.1, 6).second != dev);
        QCOMPARE(splitHeldOut({1, 2}, 0.01, 0).second.size(), size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestSynth)
#include "test_synth.moc"
