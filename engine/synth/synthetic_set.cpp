#include "synth/synthetic_set.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "io/id_fields.h"
#include "io/json_writer.h"
#include "io/npy.h"

#include <simdjson.h>

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace embtune::engine {
namespace {

constexpr const char *kFormat = "embtune.synthetic-queries";
constexpr int64_t kVersion = 1;

} // namespace

int64_t SyntheticSet::documentsWithQueries() const
{
    std::set<int32_t> docs;
    for (const SyntheticQuery &q : queries)
        docs.insert(q.doc);
    return int64_t(docs.size());
}

std::string positiveText(const Dataset &dataset, const SyntheticQuery &query)
{
    const Document &doc = dataset.docs[size_t(query.doc)];
    std::string text = doc.text;
    if (query.removed && !query.text.empty()) {
        const size_t at = text.find(query.text);
        if (at != std::string::npos) {
            size_t end = at + query.text.size();
            while (end < text.size() && (text[end] == ' ' || text[end] == '\n' || text[end] == '\t'))
                ++end;
            text.erase(at, end - at);
        }
    }
    return doc.title.empty() ? text : doc.title + " " + text;
}

Status writeSyntheticSet(const SyntheticSet &set, const Dataset &dataset, const std::string &dir)
{
    const std::string qrelsPath = (fs::path(dir) / "qrels" / "train.tsv").string();
    for (const SyntheticQuery &q : set.queries)
        for (Status s : {checkTsvField(q.id, "query id", qrelsPath),
                         checkTsvField(dataset.docIds.id(q.doc), "document id", qrelsPath)})
            if (!s)
                return s;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "qrels", ec);
    if (ec)
        return Error::io("cannot create the folder: " + ec.message(), dir);
    std::string queries;
    std::string qrels = "query-id\tcorpus-id\tscore\n";
    for (const SyntheticQuery &q : set.queries) {
        const std::string &docId = dataset.docIds.id(q.doc);
        JsonWriter w(false);
        w.beginObject();
        w.key("_id");
        w.value(q.id);
        w.key("text");
        w.value(q.text);
        w.key("doc_id");
        w.value(docId);
        w.key("generator");
        w.value(set.generator);
        if (set.generator == "ict") {
            w.key("removed");
            w.value(q.removed);
        }
        w.endObject();
        queries += w.str();
        queries += '\n';
        qrels += q.id;
        qrels += '\t';
        qrels += docId;
        qrels += "\t1\n";
    }
    JsonWriter m;
    m.beginObject();
    m.key("format");
    m.value(kFormat);
    m.key("version");
    m.value(kVersion);
    m.key("generator");
    m.value(set.generator);
    m.key("parameters");
    m.value(set.parametersJson);
    m.key("seed");
    m.value(std::to_string(set.seed));
    m.key("dataset_hash");
    m.value(set.datasetHash);
    m.key("documents_sampled");
    m.value(set.documentsSampled);
    m.key("documents_with_queries");
    m.value(set.documentsWithQueries());
    m.key("queries");
    m.value(int64_t(set.queries.size()));
    m.endObject();
    const fs::path root(dir);
    for (Status s : {writeFileAtomically((root / "queries.jsonl").string(), queries),
                     writeFileAtomically(qrelsPath, qrels),
                     writeFileAtomically((root / "manifest.json").string(), m.str() + "\n")})
        if (!s)
            return s;
    return {};
}

Result<SyntheticSet> readSyntheticSet(const std::string &dir, const Dataset &dataset)
{
    const fs::path root(dir);
    const std::string manifestPath = (root / "manifest.json").string();
    simdjson::padded_string text;
    if (const auto error = simdjson::padded_string::load(manifestPath).get(text))
        return Error::io(std::string("cannot read: ") + simdjson::error_message(error), manifestPath);
    simdjson::dom::parser parser;
    simdjson::dom::object manifest;
    if (const auto error = parser.parse(text).get_object().get(manifest))
        return Error::input(std::string("malformed JSON: ") + simdjson::error_message(error), manifestPath);
    std::string_view format, generator, parameters, seed, hash;
    if (manifest.at_key("format").get_string().get(format) || format != kFormat)
        return Error::input(std::string("not a generated query set (\"format\" is not \"") + kFormat + "\")",
                            manifestPath);
    int64_t version = 0, sampled = 0;
    if (manifest.at_key("version").get_int64().get(version) || version < 1 || version > kVersion)
        return Error::input("unsupported \"version\"", manifestPath);
    if (manifest.at_key("generator").get_string().get(generator) ||
        manifest.at_key("parameters").get_string().get(parameters) ||
        manifest.at_key("seed").get_string().get(seed) || manifest.at_key("dataset_hash").get_string().get(hash) ||
        manifest.at_key("documents_sampled").get_int64().get(sampled))
        return Error::input("missing or mistyped field (generator, parameters, seed, dataset_hash, documents_sampled)",
                            manifestPath);
    const std::string expected = datasetTextsHash(dataset);
    if (hash != expected)
        return Error::input("generated for another dataset (dataset hash " + std::string(hash) + ", this dataset " +
                                expected + ")",
                            manifestPath);

    SyntheticSet set;
    set.generator = std::string(generator);
    set.parametersJson = std::string(parameters);
    set.seed = std::strtoull(std::string(seed).c_str(), nullptr, 10);
    set.datasetHash = std::string(hash);
    set.documentsSampled = sampled;

    // Queries and qrels through the BEIR reader, against the dataset's document ids.
    Dataset shell;
    shell.docIds = dataset.docIds;
    const std::string queriesPath = (root / "queries.jsonl").string();
    if (Status s = readQueriesJsonl(queriesPath, shell); !s)
        return s.error();
    LoadReport report;
    const std::string qrelsPath = (root / "qrels" / "train.tsv").string();
    auto qrels = readQrels(qrelsPath, shell, report);
    if (!qrels)
        return qrels.error();
    if (report.skippedQrels > 0)
        return Error::input(std::to_string(report.skippedQrels) +
                                " judgements name a query or document unknown to the set or the dataset",
                            qrelsPath);
    set.queries.resize(size_t(shell.queryCount()));
    std::vector<char> seen(set.queries.size(), 0);
    for (const QueryJudgements &judged : qrels->queries) {
        if (judged.relevantCount() != 1)
            return Error::input("query \"" + shell.queryIds.id(judged.query) + "\" has " +
                                    std::to_string(judged.relevantCount()) + " positives; a generated query has one",
                                qrelsPath);
        for (const Judgement &j : judged.judged)
            if (j.gain > 0)
                set.queries[size_t(judged.query)].doc = j.doc;
        seen[size_t(judged.query)] = 1;
    }
    for (int32_t i = 0; i < shell.queryCount(); ++i) {
        if (!seen[size_t(i)])
            return Error::input("query \"" + shell.queryIds.id(i) + "\" has no source document", qrelsPath);
        set.queries[size_t(i)].id = shell.queryIds.id(i);
        set.queries[size_t(i)].text = shell.queries[size_t(i)];
    }
    return set;
}

} // namespace embtune::engine
