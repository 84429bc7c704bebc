#include "synth/query_generators.h"

#include "data/dataset_hash.h"
#include "embed/tfidf.h"
#include "embed/tokenizer.h"
#include "io/json_writer.h"
#include "synth/seeded_rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace embtune::engine {
namespace {

const std::string kPhase = "synth";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

std::string queryId(const std::string &generator, const Dataset &dataset, int32_t doc, int k)
{
    return generator + ":" + dataset.docIds.id(doc) + ":" + std::to_string(k);
}

std::string parametersJson(const SynthOptions &o)
{
    JsonWriter w(false);
    w.beginObject();
    w.key("per_document");
    w.value(o.perDocument);
    w.key("documents");
    w.value(o.documents);
    if (o.generator == "ict") {
        w.key("min_tokens");
        w.value(o.minTokens);
        w.key("max_tokens");
        w.value(o.maxTokens);
        w.key("remove_probability");
        w.value(o.removeProbability);
    } else if (o.generator == "keyphrase") {
        w.key("terms");
        w.value(o.terms);
    }
    w.endObject();
    return w.str();
}

void generateIct(const Dataset &dataset, int32_t doc, const SynthOptions &o, const Tokenizer &counter,
                 std::vector<SyntheticQuery> &out)
{
    const std::string &text = dataset.docs[size_t(doc)].text;
    std::vector<std::pair<size_t, size_t>> eligible;
    std::vector<std::string> tokens;
    for (const auto &[begin, end] : splitSentences(text)) {
        counter.tokenize(std::string_view(text).substr(begin, end - begin), tokens);
        const auto n = int(tokens.size());
        if (n >= o.minTokens && (o.maxTokens <= 0 || n <= o.maxTokens))
            eligible.emplace_back(begin, end);
    }
    SeededRng rng(documentSeed(o.seed, doc));
    const auto chosen = drawWithoutReplacement(std::move(eligible), size_t(o.perDocument), rng);
    for (size_t k = 0; k < chosen.size(); ++k) {
        SyntheticQuery q;
        q.id = queryId(o.generator, dataset, doc, int(k));
        q.text = text.substr(chosen[k].first, chosen[k].second - chosen[k].first);
        q.doc = doc;
        q.removed = rng.unit() < o.removeProbability;
        out.push_back(std::move(q));
    }
}

void generateTitle(const Dataset &dataset, int32_t doc, const SynthOptions &o, std::vector<SyntheticQuery> &out)
{
    const std::string_view title = trim(dataset.docs[size_t(doc)].title);
    if (title.empty())
        return;
    out.push_back({queryId(o.generator, dataset, doc, 0), std::string(title), doc, false});
}

// Keyphrase queries of one document from its TF-IDF row (columns ascending, weights).
void generateKeyphrase(const Dataset &dataset, int32_t doc, const SynthOptions &o, const TfidfModel &tfidf,
                       const SparseRows &rows, const std::string &docText, std::vector<SyntheticQuery> &out)
{
    std::vector<std::pair<float, int32_t>> weighted; // (weight, column)
    for (int64_t p = rows.rowStart[size_t(doc)]; p < rows.rowStart[size_t(doc) + 1]; ++p)
        weighted.emplace_back(rows.values[size_t(p)], rows.colIndex[size_t(p)]);
    if (weighted.empty())
        return;
    std::sort(weighted.begin(), weighted.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    const auto m = size_t(o.terms);
    std::vector<int32_t> pool;
    for (size_t i = 0; i < std::min(weighted.size(), 2 * m); ++i)
        pool.push_back(weighted[i].second);
    // First position of each term in the document.
    std::unordered_map<std::string_view, size_t> firstPosition;
    const std::vector<std::string> tokens = Tokenizer(tfidf.options().tokenizer).tokenize(docText);
    for (size_t i = 0; i < tokens.size(); ++i)
        firstPosition.emplace(tokens[i], i);
    auto positionOf = [&](int32_t column) {
        const auto it = firstPosition.find(tfidf.terms()[size_t(column)]);
        return it == firstPosition.end() ? tokens.size() : it->second;
    };

    SeededRng rng(documentSeed(o.seed, doc));
    std::unordered_set<std::string> seen;
    for (int k = 0; k < o.perDocument; ++k) {
        std::vector<int32_t> chosen;
        if (k == 0)
            chosen.assign(pool.begin(), pool.begin() + std::ptrdiff_t(std::min(m, pool.size())));
        else
            chosen = drawWithoutReplacement(pool, m, rng);
        std::stable_sort(chosen.begin(), chosen.end(),
                         [&](int32_t a, int32_t b) { return positionOf(a) < positionOf(b); });
        std::string text;
        for (const int32_t column : chosen) {
            if (!text.empty())
                text += ' ';
            text += tfidf.terms()[size_t(column)];
        }
        if (!seen.insert(text).second)
            continue;
        out.push_back({queryId(o.generator, dataset, doc, int(seen.size() - 1)), std::move(text), doc, false});
    }
}

} // namespace

uint64_t documentSeed(uint64_t seed, int64_t doc)
{
    return splitmix64(splitmix64(seed) ^ uint64_t(doc));
}

const std::vector<std::string> &builtInGenerators()
{
    static const std::vector<std::string> names{"ict", "title", "keyphrase"};
    return names;
}

std::vector<int32_t> sampleDocuments(int32_t docCount, int64_t documents, uint64_t seed)
{
    std::vector<int32_t> all(size_t(std::max(docCount, 0)));
    std::iota(all.begin(), all.end(), 0);
    if (documents <= 0 || documents >= docCount)
        return all;
    SeededRng rng(splitmix64(seed ^ 0x5a4d504c45ULL));
    auto chosen = drawWithoutReplacement(std::move(all), size_t(documents), rng);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

std::vector<std::pair<size_t, size_t>> splitSentences(std::string_view text)
{
    std::vector<std::pair<size_t, size_t>> out;
    auto emit = [&](size_t begin, size_t end) {
        while (begin < end && isSpace(text[begin]))
            ++begin;
        while (end > begin && isSpace(text[end - 1]))
            --end;
        if (end > begin)
            out.emplace_back(begin, end);
    };
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            emit(start, i);
            start = i + 1;
            continue;
        }
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1;
        if (j >= text.size() || !isSpace(text[j]))
            continue;
        while (j < text.size() && isSpace(text[j]) && text[j] != '\n')
            ++j;
        if (j >= text.size())
            continue;
        const auto next = static_cast<unsigned char>(text[j]);
        const bool opens = (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') || next == '"' ||
                           next == '\'' || next == '(' || next == '[' || next >= 0x80 || next == '\n';
        if (!opens)
            continue;
        emit(start, i + 1);
        start = i + 1;
    }
    emit(start, text.size());
    return out;
}

Result<SyntheticSet> generateQueries(const Dataset &dataset, const SynthOptions &o, Progress *progress)
{
    const auto &known = builtInGenerators();
    if (std::find(known.begin(), known.end(), o.generator) == known.end())
        return Error::usage("unknown generator \"" + o.generator + "\" (built in: ict, title, keyphrase)");
    if (o.perDocument < 1)
        return Error::usage("queries per document must be at least 1");
    if (o.documents < 0)
        return Error::usage("the number of sampled documents must not be negative");
    if (o.generator == "ict" && (o.minTokens < 1 || (o.maxTokens > 0 && o.maxTokens < o.minTokens)))
        return Error::usage("ict sentence length: need 1 <= min tokens <= max tokens (max 0 = no limit)");
    if (!(o.removeProbability >= 0 && o.removeProbability <= 1))
        return Error::usage("the removal probability must lie in [0, 1]");
    if (o.generator == "keyphrase" && o.terms < 1)
        return Error::usage("keyphrase queries need at least 1 term");

    SyntheticSet set;
    set.generator = o.generator;
    set.parametersJson = parametersJson(o);
    set.seed = o.seed;
    set.datasetHash = datasetTextsHash(dataset);
    const std::vector<int32_t> docs = sampleDocuments(dataset.docCount(), o.documents, o.seed);
    set.documentsSampled = int64_t(docs.size());

    TfidfModel tfidf;
    SparseRows rows;
    std::vector<std::string> texts;
    if (o.generator == "keyphrase") {
        texts = documentTexts(dataset);
        if (!tfidf.fit(texts, o.threads, rows, progress))
            return Error::cancelled();
    }
    const Tokenizer counter(TokenizerOptions{1, false});
    const auto total = int64_t(docs.size());
    for (int64_t i = 0; i < total; ++i) {
        if (i % 256 == 0 && progress && !progress->step(kPhase, i, total))
            return Error::cancelled();
        const int32_t doc = docs[size_t(i)];
        if (o.generator == "ict")
            generateIct(dataset, doc, o, counter, set.queries);
        else if (o.generator == "title")
            generateTitle(dataset, doc, o, set.queries);
        else
            generateKeyphrase(dataset, doc, o, tfidf, rows, texts[size_t(doc)], set.queries);
    }
    if (progress && !progress->step(kPhase, total, total))
        return Error::cancelled();
    return set;
}

} // namespace embtune::engine
