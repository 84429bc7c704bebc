#pragma once
// A retrieval dataset: corpus, queries and graded relevance judgements per split.
// String ids are mapped to dense indices in file order; ids compare as exact strings
// ("007" and "7" are different documents).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

// Dense index <-> string id table. Indices are 0..size()-1 in insertion order.
class IdTable {
public:
    // Adds `id`; returns its new index, or std::nullopt when the id is already present.
    std::optional<int32_t> add(const std::string &id);
    // Index of `id`, or -1 when unknown.
    int32_t find(const std::string &id) const;
    const std::string &id(int32_t index) const { return m_ids[size_t(index)]; }
    int32_t size() const { return int32_t(m_ids.size()); }
    const std::vector<std::string> &ids() const { return m_ids; }
    void reserve(size_t n) { m_ids.reserve(n); m_index.reserve(n); }

private:
    std::vector<std::string> m_ids;
    std::unordered_map<std::string, int32_t> m_index;
};

struct Judgement {
    int32_t doc = 0;   // dense document index
    int32_t gain = 0;  // graded relevance; <= 0 means not relevant
};

// The judgements of one query. `judged` is sorted by document index.
struct QueryJudgements {
    int32_t query = 0; // dense query index
    std::vector<Judgement> judged;

    int32_t relevantCount() const;
    // Gain of `doc` (0 when not judged).
    int32_t gainOf(int32_t doc) const;
};

// Judgements of a split, sorted by query index, one entry per judged query.
struct Qrels {
    std::vector<QueryJudgements> queries;

    const QueryJudgements *find(int32_t query) const;
    // Number of queries with at least one relevant (gain > 0) document.
    int32_t queriesWithRelevant() const;
    int64_t judgementCount() const;
};

struct Document {
    std::string title;
    std::string text;
};

class Dataset {
public:
    std::string name;     // folder name, for display
    std::string path;     // folder it was read from

    IdTable docIds;
    std::vector<Document> docs;      // indexed like docIds
    IdTable queryIds;
    std::vector<std::string> queries; // query text, indexed like queryIds
    std::map<std::string, Qrels> splits; // split name ("test", "train", ...) -> qrels

    int32_t docCount() const { return docIds.size(); }
    int32_t queryCount() const { return queryIds.size(); }
    const Qrels *split(const std::string &name) const;
    std::vector<std::string> splitNames() const;

    // Judgements of the given queries, merged over every split (first split in name order wins
    // when two splits judge the same pair). Queries without judgements are omitted.
    Qrels judgementsFor(const std::vector<int32_t> &queryIndices) const;
};

// The text embedders and BM25 read for each document: title + " " + text (text alone when the
// title is empty), in dense index order.
std::vector<std::string> documentTexts(const Dataset &dataset);

} // namespace embtune::engine
