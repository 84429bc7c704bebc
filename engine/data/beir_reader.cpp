#include "data/beir_reader.h"

#include "io/line_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <cstring>
#include <filesystem>
#include <unordered_set>

namespace fs = std::filesystem;

namespace embtune::engine {
namespace {

// Calls onLine(text, length, lineNumber) for each non-blank line of `path` (forEachLine: lines
// capped at kMaxLineBytes, "\r\n" accepted, `what` names the file when it cannot be opened);
// simdjson's padding follows every line.
template <typename OnLine>
Status forEachFileLine(const std::string &path, OnLine &&onLine, const char *what = "the file")
{
    static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);
    return forEachLine(
        path,
        [&](const char *text, size_t length, int64_t lineNumber) -> Status {
            if (isBlankLine(text, length))
                return {};
            return onLine(text, length, lineNumber);
        },
        what);
}

// String value of an id field: a JSON string as is, a JSON number by its literal text.
bool idText(simdjson::dom::element element, std::string &out)
{
    if (element.is_string()) {
        out = std::string(std::string_view(element.get_string().value_unsafe()));
        return true;
    }
    if (element.is_int64()) {
        out = std::to_string(int64_t(element.get_int64().value_unsafe()));
        return true;
    }
    if (element.is_uint64()) {
        out = std::to_string(uint64_t(element.get_uint64().value_unsafe()));
        return true;
    }
    return false;
}

// Optional string field; null or absent gives "".
bool optionalString(simdjson::dom::object object, const char *key, std::string &out)
{
    simdjson::dom::element element;
    if (object.at_key(key).get(element)) {
        out.clear();
        return true;
    }
    if (element.is_null()) {
        out.clear();
        return true;
    }
    std::string_view view;
    if (element.get_string().get(view))
        return false;
    out.assign(view);
    return true;
}

using RecordSink = std::function<Status(std::string id, simdjson::dom::object object, int64_t line)>;

Status readJsonl(const std::string &path, const char *what, const RecordSink &sink)
{
    simdjson::dom::parser parser;
    int64_t records = 0;
    Status status = forEachFileLine(path, [&](const char *line, size_t len, int64_t lineNumber) -> Status {
        simdjson::dom::element root;
        const auto error = parser.parse(reinterpret_cast<const uint8_t *>(line), len, false).get(root);
        if (error)
            return Error::input(std::string("malformed JSON: ") + simdjson::error_message(error), path, lineNumber);
        simdjson::dom::object object;
        if (root.get_object().get(object))
            return Error::input(std::string(what) + " record is not a JSON object", path, lineNumber);
        simdjson::dom::element idElement;
        if (object.at_key("_id").get(idElement))
            return Error::input(std::string(what) + " record has no \"_id\"", path, lineNumber);
        std::string id;
        if (!idText(idElement, id))
            return Error::input("\"_id\" is neither a string nor an integer", path, lineNumber);
        if (id.empty())
            return Error::input("\"_id\" is empty", path, lineNumber);
        ++records;
        return sink(std::move(id), object, lineNumber);
    });
    if (!status.ok())
        return status;
    if (records == 0)
        return Error::input(std::string("no ") + what + " records: the file is empty", path);
    return {};
}

bool parseScore(std::string_view text, int32_t &gain, bool &rounded)
{
    int64_t integer = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
    if (ec == std::errc() && ptr == text.data() + text.size()) {
        if (integer < INT32_MIN || integer > INT32_MAX)
            return false;
        gain = int32_t(integer);
        rounded = false;
        return true;
    }
    double value = 0;
    auto [fptr, fec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (fec != std::errc() || fptr != text.data() + text.size() || !std::isfinite(value))
        return false;
    if (std::abs(value) > 1e9)
        return false;
    gain = int32_t(std::lround(value));
    rounded = (double(gain) != value);
    return true;
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    const bool tabs = line.find('\t') != std::string_view::npos;
    size_t i = 0;
    while (i <= line.size()) {
        if (!tabs) {
            while (i < line.size() && line[i] == ' ')
                ++i;
            if (i == line.size())
                break;
        }
        size_t j = i;
        while (j < line.size() && line[j] != (tabs ? '\t' : ' '))
            ++j;
        fields.push_back(line.substr(i, j - i));
        i = j + 1;
    }
    for (auto &field : fields) { // trim stray spaces around tab-separated fields
        while (!field.empty() && field.front() == ' ')
            field.remove_prefix(1);
        while (!field.empty() && field.back() == ' ')
            field.remove_suffix(1);
    }
    return fields;
}

} // namespace

Status readCorpusJsonl(const std::string &path, Dataset &dataset)
{
    return readJsonl(path, "corpus", [&](std::string id, simdjson::dom::object object, int64_t line) -> Status {
        Document doc;
        if (!optionalString(object, "title", doc.title))
            return Error::input("\"title\" is not a string", path, line);
        if (!optionalString(object, "text", doc.text))
            return Error::input("\"text\" is not a string", path, line);
        if (!dataset.docIds.add(id))
            return Error::input("duplicate document id \"" + id + "\"", path, line);
        dataset.docs.push_back(std::move(doc));
        return {};
    });
}

Status readQueriesJsonl(const std::string &path, Dataset &dataset)
{
    return readJsonl(path, "query", [&](std::string id, simdjson::dom::object object, int64_t line) -> Status {
        std::string text;
        if (!optionalString(object, "text", text))
            return Error::input("\"text\" is not a string", path, line);
        if (!dataset.queryIds.add(id))
            return Error::input("duplicate query id \"" + id + "\"", path, line);
        dataset.queries.push_back(std::move(text));
        return {};
    });
}

Result<Qrels> readQrels(const std::string &path, const Dataset &dataset, LoadReport &report)
{
    std::map<int32_t, std::vector<Judgement>> byQuery;
    std::unordered_set<uint64_t> judgedPairs; // (query << 32 | document) of every judgement kept
    int64_t skipped = 0, rounded = 0, duplicates = 0;
    std::string firstUnknown;
    bool first = true;
    Status status = forEachFileLine(path, [&](const char *data, size_t len, int64_t line) -> Status {
        const auto fields = splitFields(std::string_view(data, len));
        const bool isFirst = first;
        first = false;
        if (fields.size() != 3 && fields.size() != 4)
            return Error::input("expected 3 tab-separated fields (query-id, corpus-id, score) or 4 (TREC qrels), found " +
                                    std::to_string(fields.size()),
                                path, line);
        const std::string_view qid = fields[0];
        const std::string_view did = fields.size() == 3 ? fields[1] : fields[2];
        const std::string_view scoreText = fields.size() == 3 ? fields[2] : fields[3];
        int32_t gain = 0;
        bool wasRounded = false;
        if (!parseScore(scoreText, gain, wasRounded)) {
            if (isFirst) // header line, e.g. "query-id corpus-id score"
                return {};
            return Error::input("score \"" + std::string(scoreText) + "\" is not a number", path, line);
        }
        rounded += wasRounded;
        const int32_t q = dataset.queryIds.find(std::string(qid));
        const int32_t d = dataset.docIds.find(std::string(did));
        if (q < 0 || d < 0) {
            if (firstUnknown.empty())
                firstUnknown = "line " + std::to_string(line) + ": " +
                               (q < 0 ? "query id \"" + std::string(qid) + "\"" : "corpus id \"" + std::string(did) + "\"");
            ++skipped;
            return {};
        }
        if (!judgedPairs.insert(uint64_t(uint32_t(q)) << 32 | uint32_t(d)).second) {
            ++duplicates;
            return {};
        }
        byQuery[q].push_back({d, gain});
        return {};
    });
    if (!status.ok())
        return status.error();

    Qrels qrels;
    qrels.queries.reserve(byQuery.size());
    for (auto &[query, judged] : byQuery) {
        std::sort(judged.begin(), judged.end(), [](const Judgement &a, const Judgement &b) { return a.doc < b.doc; });
        qrels.queries.push_back({query, std::move(judged)});
    }
    if (skipped > 0) {
        report.skippedQrels += skipped;
        report.warnings.push_back(path + ": skipped " + std::to_string(skipped) +
                                  " judgements naming unknown ids (first at " + firstUnknown + ")");
    }
    if (rounded > 0) {
        report.roundedScores += rounded;
        report.warnings.push_back(path + ": rounded " + std::to_string(rounded) + " non-integer scores to integers");
    }
    if (duplicates > 0)
        report.warnings.push_back(path + ": ignored " + std::to_string(duplicates) +
                                  " repeated (query, document) judgements; the first one counts");
    return qrels;
}

Result<std::vector<int32_t>> readQueryIdList(const std::string &path, const Dataset &dataset)
{
    std::vector<int32_t> out;
    std::vector<bool> seen(size_t(dataset.queryCount()), false);
    Status status = forEachFileLine(path, [&](const char *text, size_t length, int64_t lineNumber) -> Status {
        const std::string_view line(text, length);
        const auto begin = line.find_first_not_of(" \t");
        const auto end = line.find_last_not_of(" \t");
        const std::string id(line.substr(begin, end - begin + 1));
        const int32_t q = dataset.queryIds.find(id);
        if (q < 0)
            return Error::input("unknown query id \"" + id + "\"", path, lineNumber);
        if (!seen[size_t(q)]) {
            seen[size_t(q)] = true;
            out.push_back(q);
        }
        return {};
    }, "query list");
    if (!status)
        return status.error();
    if (out.empty())
        return Error::input("the query list is empty", path);
    return out;
}

Result<Dataset> readBeirDataset(const std::string &dir, LoadReport *report, Progress *progress)
{
    LoadReport localReport;
    LoadReport &rep = report ? *report : localReport;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error::io("not a folder", dir);
    Dataset dataset;
    dataset.path = dir;
    dataset.name = fs::path(dir).lexically_normal().filename().string();
    if (dataset.name.empty())
        dataset.name = fs::path(dir).lexically_normal().parent_path().filename().string();

    const fs::path root(dir);
    const fs::path corpus = root / "corpus.jsonl", queries = root / "queries.jsonl";
    if (!fs::exists(corpus, ec))
        return Error::input("the folder has no corpus.jsonl (expected a BEIR dataset)", dir);
    if (!fs::exists(queries, ec))
        return Error::input("the folder has no queries.jsonl (expected a BEIR dataset)", dir);
    if (progress && !progress->step("read corpus", 0, 3))
        return Error::cancelled();
    if (Status s = readCorpusJsonl(corpus.string(), dataset); !s)
        return s.error();
    if (progress && !progress->step("read queries", 1, 3))
        return Error::cancelled();
    if (Status s = readQueriesJsonl(queries.string(), dataset); !s)
        return s.error();
    if (progress && !progress->step("read qrels", 2, 3))
        return Error::cancelled();

    const fs::path qrelsDir = root / "qrels";
    if (fs::is_directory(qrelsDir, ec)) {
        std::vector<fs::path> files;
        for (const auto &entry : fs::directory_iterator(qrelsDir, ec))
            if (entry.is_regular_file() && (entry.path().extension() == ".tsv" || entry.path().extension() == ".txt"))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto &file : files) {
            auto qrels = readQrels(file.string(), dataset, rep);
            if (!qrels)
                return qrels.error();
            dataset.splits[file.stem().string()] = std::move(*qrels);
        }
    }
    if (dataset.splits.empty())
        rep.warnings.push_back(dir + ": no qrels/<split>.tsv files; nothing can be evaluated");
    if (progress)
        progress->step("read qrels", 3, 3);
    return dataset;
}

} // namespace embtune::engine
