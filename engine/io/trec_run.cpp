#include "io/trec_run.h"

#include "io/id_fields.h"
#include "io/line_reader.h"
#include "io/npy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

namespace embtune::engine {

namespace {

// rankingFromTrecRun holds queries x longest list entries: at most this many, or
// kMaxPaddingFactor times the number of lines when that is more.
constexpr uint64_t kMinRankingCells = uint64_t(1) << 20;
constexpr uint64_t kMaxPaddingFactor = 8;

bool hasWhiteSpace(const std::string &text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

// Appends the entry of one line to `lines` (blank lines add nothing). Errors name `file` and
// the 1-based line `number`.
Status parseRunLine(std::string_view line, int64_t number, const std::string &file, std::vector<TrecRunLine> &lines)
{
    const std::vector<std::string_view> fields = splitFields(line);
    if (fields.empty())
        return {};
    if (fields.size() != 6)
        return Error::input("expected 6 fields (qid Q0 docid rank score tag), found " + std::to_string(fields.size()),
                            file, number);
    TrecRunLine entry;
    entry.queryId = std::string(fields[0]);
    entry.docId = std::string(fields[2]);
    entry.tag = std::string(fields[5]);
    entry.line = number;
    const std::string_view rank = fields[3];
    const auto [rankEnd, rankError] = std::from_chars(rank.data(), rank.data() + rank.size(), entry.rank);
    if (rankError != std::errc() || rankEnd != rank.data() + rank.size() || entry.rank < 1)
        return Error::input("rank \"" + std::string(rank) + "\" is not a positive integer", file, number);
    const std::string scoreText(fields[4]);
    char *scoreEnd = nullptr;
    entry.score = std::strtod(scoreText.c_str(), &scoreEnd);
    if (scoreEnd != scoreText.c_str() + scoreText.size() || !std::isfinite(entry.score))
        return Error::input("score \"" + scoreText + "\" is not a finite number", file, number);
    lines.push_back(std::move(entry));
    return {};
}

} // namespace

namespace {

// formatTrecRun with errors naming `path` (the file that would be written; may be empty).
Result<std::string> formatRun(const Ranking &ranking, const Dataset &dataset, const std::string &tag, int32_t depth,
                              const std::string &path)
{
    if (depth < 1)
        return Error::usage("TREC run depth must be at least 1 (got " + std::to_string(depth) + ")");
    if (tag.empty() || hasWhiteSpace(tag))
        return Error::usage("TREC run tag \"" + tag + "\" must be non-empty and contain no white space");
    const int32_t n = std::min(depth, ranking.k);
    std::string out;
    out.reserve(ranking.size() * size_t(std::max(n, 0)) * 40);
    char score[32];
    for (size_t row = 0; row < ranking.size(); ++row) {
        const std::string &qid = dataset.queryIds.id(ranking.queries[row]);
        if (Status s = checkTrecField(qid, "query id", path); !s)
            return s.error();
        const int32_t *docs = ranking.docsOf(row);
        const float *scores = ranking.scoresOf(row);
        int32_t rank = 0;
        for (int32_t i = 0; i < n; ++i) {
            if (docs[i] < 0)
                continue;
            const std::string &docId = dataset.docIds.id(docs[i]);
            if (Status s = checkTrecField(docId, "document id", path); !s)
                return s.error();
            std::snprintf(score, sizeof score, "%.9g", double(scores[i]));
            out += qid;
            out += " Q0 ";
            out += docId;
            out += ' ';
            out += std::to_string(++rank);
            out += ' ';
            out += score;
            out += ' ';
            out += tag;
            out += '\n';
        }
    }
    return out;
}

} // namespace

Result<std::string> formatTrecRun(const Ranking &ranking, const Dataset &dataset, const std::string &tag, int32_t depth)
{
    return formatRun(ranking, dataset, tag, depth, {});
}

Status writeTrecRun(const std::string &path, const Ranking &ranking, const Dataset &dataset, const std::string &tag,
                    int32_t depth)
{
    auto text = formatRun(ranking, dataset, tag, depth, path);
    if (!text)
        return text.error();
    return writeFileAtomically(path, *text);
}

Result<std::vector<TrecRunLine>> parseTrecRun(const std::string &text, const std::string &file)
{
    std::vector<TrecRunLine> lines;
    int64_t number = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        if (Status s = parseRunLine(line, ++number, file, lines); !s)
            return s.error();
    }
    return lines;
}

Result<std::vector<TrecRunLine>> readTrecRun(const std::string &path)
{
    std::vector<TrecRunLine> lines;
    Status status = forEachLine(
        path,
        [&](const char *text, size_t length, int64_t number) {
            return parseRunLine(std::string_view(text, length), number, path, lines);
        },
        "the TREC run file");
    if (!status)
        return status.error();
    return lines;
}

Result<Ranking> rankingFromTrecRun(const std::vector<TrecRunLine> &lines, const Dataset &dataset,
                                   const std::string &file)
{
    struct Entry {
        int32_t doc;
        double score;
    };
    std::vector<int32_t> order;
    std::unordered_map<int32_t, std::vector<Entry>> lists;
    std::unordered_map<int32_t, std::unordered_set<int32_t>> seen;
    for (const TrecRunLine &line : lines) {
        const int32_t query = dataset.queryIds.find(line.queryId);
        if (query < 0)
            return Error::input("unknown query id \"" + line.queryId + "\"", file, line.line > 0 ? line.line : -1);
        const int32_t doc = dataset.docIds.find(line.docId);
        if (doc < 0)
            return Error::input("unknown document id \"" + line.docId + "\"", file, line.line > 0 ? line.line : -1);
        if (!seen[query].insert(doc).second)
            return Error::input("document \"" + line.docId + "\" listed twice for query \"" + line.queryId + "\"",
                                file, line.line > 0 ? line.line : -1);
        auto [it, inserted] = lists.try_emplace(query);
        if (inserted)
            order.push_back(query);
        it->second.push_back({doc, line.score});
    }
    Ranking ranking;
    int32_t longest = -1;
    for (const auto &[query, entries] : lists)
        if (int32_t(entries.size()) > ranking.k) {
            ranking.k = int32_t(entries.size());
            longest = query;
        }
    // The ranking is dense (queries x longest list): bound it by the run's own size.
    const uint64_t cells = uint64_t(order.size()) * uint64_t(ranking.k);
    if (cells > std::max<uint64_t>(kMinRankingCells, kMaxPaddingFactor * uint64_t(lines.size())))
        return Error::input("the run's lists are too uneven: query \"" + dataset.queryIds.id(longest) + "\" lists " +
                                std::to_string(ranking.k) + " documents, and padding all " +
                                std::to_string(order.size()) + " queries to that depth would take " +
                                std::to_string(cells) + " entries for " + std::to_string(lines.size()) +
                                " lines; cut every list to one depth",
                            file);
    ranking.queries = order;
    ranking.docs.assign(order.size() * size_t(ranking.k), -1);
    ranking.scores.assign(order.size() * size_t(ranking.k), 0.0f);
    for (size_t row = 0; row < order.size(); ++row) {
        std::vector<Entry> &entries = lists[order[row]];
        std::sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
            if (a.score != b.score)
                return a.score > b.score;
            return dataset.docIds.id(a.doc) > dataset.docIds.id(b.doc);
        });
        for (size_t i = 0; i < entries.size(); ++i) {
            ranking.docs[row * size_t(ranking.k) + i] = entries[i].doc;
            ranking.scores[row * size_t(ranking.k) + i] = float(entries[i].score);
        }
    }
    return ranking;
}

} // namespace embtune::engine
