#pragma once
// Approximate top-k search with an hnswlib HNSW graph (hnswlib 0.6.2, HierarchicalNSW<float>
// over InnerProductSpace), saved in hnswlib's own file format plus a JSON sidecar.
//
// Spaces. Cosine stores every row scaled to unit length (zero rows stay zero) and normalises
// the queries, so the inner product is the cosine; InnerProduct stores the rows as given (for
// outputs that are not unit length, e.g. NUDGE-M). Both use hnswlib's inner-product space,
// exactly as Python's hnswlib.Index does for space='cosine' and space='ip', so Python loads a
// saved index with hnswlib.Index(space=<sidecar "space">, dim=<sidecar "dim">).load_index(path).
//
// Labels. Every vector has a label (0, 1, ... in insertion order) and a string id; a Ranking's
// document indices are labels. An index built over a dataset's documents has label == dense
// document index. ids() lists the id of every label, deleted ones included.
//
// Updates. insert() adds new ids under new labels (or revives a deleted id under its old
// label); replace() updates vectors in place: hnswlib's addPoint on an existing label rewrites
// the vector and repairs the neighbour lists, so labels stay stable and replacing never leaves
// deleted elements behind. remove() marks elements deleted: they stay in the graph (searches
// walk through them but never return them) until rebuild(), which builds a fresh graph from
// the live elements and renumbers the labels compactly (live labels keep their relative order).
//
// Ties. Results are ordered like exactSearch: score descending, then tie priority descending,
// where the priority is the position of the label's id in ascending string order (trec_eval:
// document id descending). hnswlib's candidates are rescored from the stored vectors and
// re-sorted; the search asks hnswlib for up to kTieMargin candidates beyond k (never more than
// max(ef, k + 1)) so a tie across the k-th place is broken by priority, not by graph order.
//
// Thread safety. search() and the const accessors may run concurrently from any number of
// threads, also with building or loading other indexes (hnswlib's global SIMD function
// pointers are set once, before the first index exists, and never written again). The writes (insert, replace, remove, setEfSearch, rebuild, save) are exclusive:
// each takes a std::shared_mutex inside the class for writing and so waits for running
// searches to finish; searches wait for a running write, and searches that start while a write
// waits queue behind it (writers do not starve under steady searching). Moving an index is not
// synchronised: move only an index no other thread uses.
//
// Determinism. build() with threads == 1 inserts the rows in order with hnswlib's level
// generator seeded by `seed`, so the same vectors, parameters and seed give a byte-identical
// saved index. With more threads the graph depends on scheduling (recall does not, in practice).
//
// Sidecar (<index file>.json, format_version 1): space ("cosine" | "ip"), dim, M,
// ef_construction, ef_search, seed, count (labels, deleted included), deleted (labels), ids
// (id of every label in label order), vectors_hash ("fnv1a64-rows:" + 16 hex digits: 64-bit
// FNV-1a over dim, the number of live labels and, per live label in label order, the 64-bit
// FNV-1a of the row's float32 bytes as given to build/insert/replace, before normalisation).
// load() refuses an index whose sidecar does not match the vectors and ids it is given.

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "search/ranking.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace embtune::engine {

enum class HnswSpace { Cosine, InnerProduct };

// "cosine" or "ip": the names Python's hnswlib uses.
const char *hnswSpaceName(HnswSpace space);
bool hnswSpaceFromName(std::string_view name, HnswSpace &space);

// hnswlib's defaults, except efSearch (hnswlib starts at 10).
struct HnswParameters {
    HnswSpace space = HnswSpace::Cosine;
    int m = 16;               // links per element and layer (2M on layer 0)
    int efConstruction = 200; // candidate list size while inserting
    int efSearch = 100;       // candidate list size while searching (at least k is used)
    uint64_t seed = 100;      // level generator seed

    bool operator==(const HnswParameters &) const = default;
};

class HnswIndex {
public:
    static constexpr int kTieMargin = 16;
    static constexpr int kSidecarFormatVersion = 1;

    HnswIndex(HnswIndex &&other) noexcept;
    HnswIndex &operator=(HnswIndex &&other) noexcept;
    ~HnswIndex();

    // Builds an index over `vectors` (n x dim, row i gets label i and id ids[i]).
    // threads: 0 = all hardware threads; 1 = deterministic. Progress phase "index" (rows added);
    // returns Error::cancelled() when it asks to stop.
    // Errors (usage): ids.size() != n, duplicate ids, dim == 0, parameters out of range.
    static Result<HnswIndex> build(const FloatMatrix &vectors, const std::vector<std::string> &ids,
                                   const HnswParameters &parameters, int threads = 0, Progress *progress = nullptr);

    // Loads indexPath and its sidecar (sidecarPath(indexPath)). `vectors` and `ids` must be the
    // live elements in label order, i.e. what the index was built from (plus later updates).
    // Errors (input, naming the sidecar): missing or malformed sidecar, other format version,
    // a different dim, ids or vectors hash; (input, naming the index file): an unreadable or
    // corrupt hnswlib file or one that disagrees with its sidecar. The graph is checked before
    // it is returned (search/hnsw_file.h), so no file makes a later search read or write out of
    // bounds; its capacity is the element count, whatever max_elements the file claims.
    static Result<HnswIndex> load(const std::string &indexPath, const FloatMatrix &vectors,
                                  const std::vector<std::string> &ids, int threads = 0);

    static std::string sidecarPath(const std::string &indexPath) { return indexPath + ".json"; }

    // Writes the hnswlib file and the sidecar, each through a temporary file and a rename.
    Status save(const std::string &indexPath);

    // Top-k labels of queries.row(queryRows[i]) for each i (queries: m x dim), with the index's
    // efSearch, split over `threads` threads by query (0 = all). excludeLabel: empty, or one
    // label per entry of queryRows to leave out (-1 for none). Lists shorter than k (small or
    // mostly deleted indexes) are padded with label -1 and score -inf.
    // Progress phase "search" (queries done); Error::cancelled() when it asks to stop.
    Result<Ranking> search(const FloatMatrix &queries, const std::vector<int32_t> &queryRows, int32_t k,
                           int threads = 0, const std::vector<int32_t> &excludeLabel = {},
                           Progress *progress = nullptr) const;

    // Adds rows of `vectors` (n x dim) under new labels; an id that was removed is revived under
    // its old label with the new vector. New rows are added in parallel (threads as in build);
    // revived ones one at a time. Errors (usage, nothing changed): dimension or count mismatch,
    // an id that is live or repeated in the batch.
    Status insert(const FloatMatrix &vectors, const std::vector<std::string> &ids, int threads = 0);

    // Rewrites the vectors of live ids in place (labels unchanged), one at a time.
    // Errors (usage, nothing changed): dimension or count mismatch, unknown, deleted or repeated id.
    Status replace(const FloatMatrix &vectors, const std::vector<std::string> &ids);

    // Marks the ids deleted. Errors (usage, nothing changed): unknown, deleted or repeated id.
    Status remove(const std::vector<std::string> &ids);

    // Errors (usage): ef < 1.
    Status setEfSearch(int ef);

    // True when more than `threshold` (a fraction, e.g. 0.2) of the labels are deleted.
    bool needsRebuild(double threshold) const;

    // Builds a new graph of the live elements (labels renumbered 0..size()-1 in label order)
    // with the same parameters; on error or cancellation the index is unchanged.
    Status rebuild(int threads = 0, Progress *progress = nullptr);

    HnswParameters parameters() const;
    int64_t dim() const;
    int64_t labelCount() const;   // labels, deleted included
    int64_t size() const;         // live elements
    int64_t deletedCount() const;
    std::vector<std::string> ids() const;    // id of every label
    int32_t labelOf(const std::string &id) const; // -1 when unknown (deleted ids keep their label)
    bool isDeleted(int32_t label) const;
    std::string vectorsHash() const;          // as written to the sidecar
    int64_t indexBytes() const;               // size of the saved hnswlib file

private:
    struct State;
    explicit HnswIndex(std::unique_ptr<State> state);
    std::unique_ptr<State> d;
};

} // namespace embtune::engine
