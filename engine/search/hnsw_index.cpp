#include "search/hnsw_index.h"

#include "core/parallel.h"
#include "search/hnsw_file.h"
#include "search/hnsw_sidecar.h"
#include "io/npy.h"

// hnswlib.h defines non-inline functions: include it in this translation unit only.
// Under AddressSanitizer use hnswlib's scalar path: 0.6.2's SSE prefetch of "the next neighbour"
// in searchBaseLayer reads up to 3 bytes past the end of a full upper-layer link list (a hint
// only, harmless, but ASan stops on it); the scalar path has no prefetches.
#if defined(__SANITIZE_ADDRESS__) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

namespace embtune::engine {
namespace {

using Graph = hnswlib::HierarchicalNSW<float>;

constexpr int64_t kProgressEvery = 1024;      // rows added between progress reports
constexpr int64_t kSearchProgressEvery = 256; // queries between progress reports

// A shared mutex whose writers do not starve: glibc's rwlock (behind std::shared_mutex) lets
// new readers in while a writer waits, so steady searching would block writes for ever. Here a
// waiting writer holds `m_gate`, which every reader passes through before taking its shared
// lock, so searches that start later wait behind the write. Meets the SharedMutex requirements
// used by std::shared_lock and std::unique_lock.
class WriterPreferringMutex {
public:
    void lock()
    {
        std::lock_guard gate(m_gate);
        m_rw.lock();
    }
    void unlock() { m_rw.unlock(); }
    void lock_shared()
    {
        std::lock_guard gate(m_gate);
        m_rw.lock_shared();
    }
    void unlock_shared() { m_rw.unlock_shared(); }

private:
    std::mutex m_gate;
    std::shared_mutex m_rw;
};

struct Candidate {
    uint64_t key; // (sortable score << 32) | tie priority: larger ranks first
    float score;
    int32_t label;
};

// hnswlib's inner-product space. InnerProductSpace's constructor writes hnswlib's global SIMD
// function pointers (InnerProductSIMD16Ext, ...), which the distance functions of every index
// read while searching. They are written once, by the first IpSpace (a function-local static,
// initialised under the C++ runtime's lock); every IpSpace takes its distance function from
// that table and writes no global, so building or loading an index never races with a search.
class IpSpace final : public hnswlib::SpaceInterface<float> {
public:
    explicit IpSpace(size_t dim) : m_dim(dim), m_distance(distanceFor(dim)) {}
    size_t get_data_size() override { return m_dim * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return m_distance; }
    void *get_dist_func_param() override { return &m_dim; }

private:
    // InnerProductSpace picks its function by dim % 16 == 0, dim % 4 == 0, dim > 16, dim > 4,
    // else; the table holds its choice for one dimension of each class.
    static hnswlib::DISTFUNC<float> distanceFor(size_t dim)
    {
        static const std::array<hnswlib::DISTFUNC<float>, 5> table = [] {
            std::array<hnswlib::DISTFUNC<float>, 5> t{};
            const size_t representative[5] = {16, 4, 17, 5, 1};
            for (size_t i = 0; i < t.size(); ++i)
                t[i] = hnswlib::InnerProductSpace(representative[i]).get_dist_func();
            return t;
        }();
        const size_t kind = dim % 16 == 0 ? 0 : dim % 4 == 0 ? 1 : dim > 16 ? 2 : dim > 4 ? 3 : 4;
        return table[kind];
    }

    size_t m_dim;
    hnswlib::DISTFUNC<float> m_distance;
};

std::unique_ptr<IpSpace> makeSpace(int64_t dim)
{
    return std::make_unique<IpSpace>(size_t(dim));
}

Error internalError(const std::string &what)
{
    return Error{ErrorCode::Internal, "hnswlib: " + what, {}, -1};
}

// Writes `row` scaled to unit length (zero rows stay zero) into `out`.
void normalizeInto(const float *row, int64_t dim, float *out)
{
    const Eigen::Map<const Eigen::VectorXf> in(row, dim);
    Eigen::Map<Eigen::VectorXf> target(out, dim);
    const float norm = in.norm();
    if (norm > 0.0f)
        target = in / norm;
    else
        target = in;
}

// Adds row rowData(i) under labels[i] for i in [0, n) to `graph`, scaled to unit length when
// `normalize`. An empty graph gets row 0 alone first; the rest is spread over `threads`
// threads pulling the next row from a shared counter (threads == 1: in order, deterministic).
// added[i] is set to 1 for every row that went in. Progress phase `phase` (rows added).
template <typename RowData>
Status addRows(Graph &graph, int64_t n, int64_t dim, const RowData &rowData, const std::vector<int32_t> &labels,
               bool normalize, int threads, Progress *progress, const char *phase, std::vector<char> &added)
{
    added.assign(size_t(n), 0);
    std::atomic<int64_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::string error;
    auto addOne = [&](int64_t i, std::vector<float> &buffer) {
        const float *row = rowData(i);
        if (normalize) {
            normalizeInto(row, dim, buffer.data());
            row = buffer.data();
        }
        try {
            graph.addPoint(row, hnswlib::labeltype(labels[size_t(i)]));
        } catch (const std::exception &e) {
            std::lock_guard lock(errorMutex);
            if (error.empty())
                error = e.what();
            stop.store(true);
            return;
        }
        added[size_t(i)] = 1;
        const int64_t count = done.fetch_add(1) + 1;
        if (progress && (count % kProgressEvery == 0 || count == n) && !progress->step(phase, count, n))
            stop.store(true);
        if (progress && progress->shouldStop())
            stop.store(true);
    };
    if (n > 0 && graph.cur_element_count == 0) {
        std::vector<float> buffer(static_cast<size_t>(dim));
        addOne(0, buffer);
        next.store(1);
    }
    const int workers = int(std::max<int64_t>(1, std::min<int64_t>(resolveThreadCount(threads), n)));
    if (!stop.load() && next.load() < n)
        parallelChunks(workers, workers, [&](int64_t, int64_t, int) {
            std::vector<float> buffer(static_cast<size_t>(dim));
            while (!stop.load(std::memory_order_relaxed)) {
                const int64_t i = next.fetch_add(1);
                if (i >= n)
                    break;
                addOne(i, buffer);
            }
        });
    if (!error.empty())
        return internalError(error);
    if (stop.load())
        return Error::cancelled();
    return {};
}

Status validateParameters(const HnswParameters &p)
{
    if (p.m < 2 || p.m > 10000)
        return Error::usage("HNSW M must be between 2 and 10000");
    if (p.efConstruction < 1)
        return Error::usage("HNSW ef_construction must be at least 1");
    if (p.efSearch < 1)
        return Error::usage("HNSW ef must be at least 1");
    if (p.seed > uint64_t(std::numeric_limits<int64_t>::max()))
        return Error::usage("HNSW seed must be below 2^63");
    return {};
}

} // namespace

const char *hnswSpaceName(HnswSpace space)
{
    return space == HnswSpace::Cosine ? "cosine" : "ip";
}

bool hnswSpaceFromName(std::string_view name, HnswSpace &space)
{
    if (name == "cosine")
        space = HnswSpace::Cosine;
    else if (name == "ip")
        space = HnswSpace::InnerProduct;
    else
        return false;
    return true;
}

struct HnswIndex::State {
    HnswParameters parameters;
    int64_t dim = 0;
    std::unique_ptr<IpSpace> space; // outlives graph (declared first)
    std::unique_ptr<Graph> graph;
    std::vector<std::string> ids;                      // per label
    std::unordered_map<std::string, int32_t> labelById;
    std::vector<uint64_t> rowHashes;                   // per label; 0 for deleted labels after load
    std::vector<char> deleted;                         // per label
    int64_t deletedCount = 0;
    std::vector<int32_t> tiePriority;                  // per label
    mutable WriterPreferringMutex mutex; // shared: search and accessors; exclusive: writes

    bool cosine() const { return parameters.space == HnswSpace::Cosine; }
    int64_t labelCount() const { return int64_t(ids.size()); }

    // Stored vector of a label (normalised under cosine). Safe under a shared lock.
    const float *stored(int32_t label) const
    {
        const auto it = graph->label_lookup_.find(hnswlib::labeltype(label));
        return reinterpret_cast<const float *>(graph->getDataByInternalId(it->second));
    }

    void refreshIndexes()
    {
        labelById.clear();
        labelById.reserve(ids.size());
        for (size_t label = 0; label < ids.size(); ++label)
            labelById.emplace(ids[label], int32_t(label));
        tiePriority = tiePriorityByIdDescending(ids);
    }

    int64_t fileBytes() const
    {
        int64_t bytes = kHnswHeaderBytes + int64_t(graph->cur_element_count * graph->size_data_per_element_);
        for (size_t i = 0; i < graph->cur_element_count; ++i)
            bytes += 4 + (graph->element_levels_[i] > 0
                              ? int64_t(graph->size_links_per_element_) * graph->element_levels_[i]
                              : 0);
        return bytes;
    }

    std::string hash() const { return combinedHash(dim, rowHashes, deleted); }

    std::unique_ptr<Graph> newGraph(size_t capacity) const
    {
        auto g = std::make_unique<Graph>(space.get(), std::max<size_t>(1, capacity), size_t(parameters.m),
                                         size_t(parameters.efConstruction), size_t(parameters.seed));
        g->setEf(size_t(parameters.efSearch));
        return g;
    }
};

HnswIndex::HnswIndex(std::unique_ptr<State> state) : d(std::move(state)) {}
HnswIndex::HnswIndex(HnswIndex &&other) noexcept = default;
HnswIndex &HnswIndex::operator=(HnswIndex &&other) noexcept = default;
HnswIndex::~HnswIndex() = default;

Result<HnswIndex> HnswIndex::build(const FloatMatrix &vectors, const std::vector<std::string> &ids,
                                   const HnswParameters &parameters, int threads, Progress *progress)
{
    if (Status s = validateParameters(parameters); !s)
        return s.error();
    if (vectors.cols() < 1)
        return Error::usage("an HNSW index needs vectors of dimension at least 1");
    if (int64_t(ids.size()) != vectors.rows())
        return Error::usage("an HNSW index needs one id per vector (" + std::to_string(ids.size()) + " ids, " +
                            std::to_string(vectors.rows()) + " vectors)");
    if (vectors.rows() > std::numeric_limits<int32_t>::max())
        return Error::usage("an HNSW index holds at most 2^31 - 1 vectors");

    auto state = std::make_unique<State>();
    state->parameters = parameters;
    state->dim = vectors.cols();
    state->ids = ids;
    state->refreshIndexes();
    if (state->labelById.size() != ids.size()) {
        std::unordered_set<std::string_view> seen;
        for (const auto &id : ids)
            if (!seen.insert(id).second)
                return Error::usage("duplicate id \"" + id + "\" in the vectors of an HNSW index");
    }
    const int64_t n = vectors.rows(), dim = vectors.cols();
    state->rowHashes.resize(size_t(n));
    state->deleted.assign(size_t(n), 0);
    parallelChunks(n, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i)
            state->rowHashes[size_t(i)] = rowHash(vectors.row(i), dim);
    });
    state->space = makeSpace(dim);
    std::vector<int32_t> labels(static_cast<size_t>(n));
    std::iota(labels.begin(), labels.end(), 0);
    std::vector<char> added;
    try {
        state->graph = state->newGraph(size_t(n));
    } catch (const std::exception &e) {
        return internalError(e.what());
    }
    Status s = addRows(*state->graph, n, dim, [&](int64_t i) { return vectors.row(i); }, labels, state->cosine(),
                       threads, progress, "index", added);
    if (!s)
        return s.error();
    return HnswIndex(std::move(state));
}

Result<HnswIndex> HnswIndex::load(const std::string &indexPath, const FloatMatrix &vectors,
                                  const std::vector<std::string> &ids, int threads)
{
    const std::string side = sidecarPath(indexPath);
    if (int64_t(ids.size()) != vectors.rows())
        return Error::usage("loading an HNSW index needs one id per vector (" + std::to_string(ids.size()) +
                            " ids, " + std::to_string(vectors.rows()) + " vectors)");
    auto sidecar = readHnswSidecar(side);
    if (!sidecar)
        return sidecar.error();
    auto state = std::make_unique<State>();
    state->parameters = sidecar->parameters;
    state->dim = sidecar->dim;
    state->ids = std::move(sidecar->ids);
    state->deleted = std::move(sidecar->deleted);
    state->deletedCount = sidecar->deletedCount;
    const int64_t dim = sidecar->dim, count = sidecar->count, m = sidecar->parameters.m;
    const int ef = sidecar->parameters.efSearch;
    const std::string &hash = sidecar->vectorsHash;
    state->refreshIndexes();
    if (int64_t(state->labelById.size()) != count)
        return Error::input("the index sidecar lists an id twice", side);

    // The given vectors and ids must be the live elements in label order.
    if (dim != vectors.cols())
        return Error::input("the index was built for " + std::to_string(dim) + "-dimensional vectors but the given " +
                                "vectors have " + std::to_string(vectors.cols()) + " dimensions",
                            side);
    const int64_t live = count - state->deletedCount;
    if (live != int64_t(ids.size()))
        return Error::input("the index holds " + std::to_string(live) + " vectors but " + std::to_string(ids.size()) +
                                " were given (its ids do not match)",
                            side);
    std::vector<int32_t> liveLabels;
    liveLabels.reserve(size_t(live));
    for (int32_t label = 0; label < int32_t(count); ++label)
        if (!state->deleted[size_t(label)])
            liveLabels.push_back(label);
    for (size_t row = 0; row < ids.size(); ++row)
        if (state->ids[size_t(liveLabels[row])] != ids[row])
            return Error::input("the index's ids do not match: label " + std::to_string(liveLabels[row]) + " is \"" +
                                    state->ids[size_t(liveLabels[row])] + "\" in the sidecar but the given id at row " +
                                    std::to_string(row) + " is \"" + ids[row] + "\"",
                                side);
    state->rowHashes.assign(size_t(count), 0);
    parallelChunks(live, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t row = begin; row < end; ++row)
            state->rowHashes[size_t(liveLabels[size_t(row)])] = rowHash(vectors.row(row), dim);
    });
    if (const std::string given = state->hash(); given != hash)
        return Error::input("the given vectors differ from those the index was built from (vectors_hash " +
                                std::string(hash) + ", given vectors " + given + ")",
                            side);

    // The hnswlib file must agree with its sidecar before hnswlib reads it.
    {
        std::ifstream in(indexPath, std::ios::binary | std::ios::ate);
        if (!in)
            return Error::io("cannot open the index file", indexPath);
        const auto fileBytes = uint64_t(std::max<std::streamoff>(0, in.tellg()));
        in.seekg(0);
        HnswFileHeader h;
        const uint64_t links0 = uint64_t(2 * m) * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
        if (!readHnswHeader(in, h))
            return Error::input("truncated hnswlib index file", indexPath);
        if (h.count != uint64_t(count) || h.maxElements < h.count || h.m != uint64_t(m) || h.maxM != uint64_t(m) ||
            h.maxM0 != uint64_t(2 * m) || h.offsetLevel0 != 0 || h.offsetData != links0 ||
            h.labelOffset != links0 + uint64_t(dim) * sizeof(float) ||
            h.sizeDataPerElement != h.labelOffset + sizeof(hnswlib::labeltype))
            return Error::input("the hnswlib index file does not match its sidecar (count " + std::to_string(h.count) +
                                    ", M " + std::to_string(h.m) + ", element size " +
                                    std::to_string(h.sizeDataPerElement) + ")",
                                indexPath);
        if (Status s = checkHnswFileLayout(in, h, fileBytes, indexPath); !s)
            return s.error();
    }
    state->space = makeSpace(dim);
    try {
        // Capacity = count, whatever max_elements the file claims (insert grows it).
        state->graph = std::make_unique<Graph>(state->space.get(), indexPath, false, std::max<size_t>(1, size_t(count)));
    } catch (const std::exception &e) {
        return Error::input(std::string("corrupt or unsupported hnswlib index: ") + e.what(), indexPath);
    }
    state->graph->setEf(size_t(ef));
    Graph &g = *state->graph;
    if (g.cur_element_count != size_t(count))
        return Error::input("the hnswlib index changed while it was read", indexPath);
    const HnswGraphView view{uint64_t(count), g.maxlevel_, g.enterpoint_node_, g.maxM_, g.maxM0_,
                             g.data_level0_memory_, g.size_data_per_element_, g.offsetLevel0_, g.linkLists_,
                             g.element_levels_.data(), g.size_links_per_element_};
    if (Status s = validateHnswGraph(view, indexPath); !s)
        return s.error();
    bool labelsOk = g.label_lookup_.size() == size_t(count);
    for (const auto &[label, internal] : g.label_lookup_)
        labelsOk = labelsOk && label < uint64_t(count) &&
                   g.isMarkedDeleted(internal) == bool(state->deleted[size_t(label)]);
    if (!labelsOk)
        return Error::input("the hnswlib index's labels or deleted marks do not match its sidecar", indexPath);
    return HnswIndex(std::move(state));
}

Status HnswIndex::save(const std::string &indexPath)
{
    std::unique_lock lock(d->mutex);
    const std::string temp = indexPath + ".tmp-embtune";
    try {
        d->graph->saveIndex(temp);
    } catch (const std::exception &e) {
        return Error::io(std::string("cannot write the index: ") + e.what(), temp);
    }
    std::error_code ec;
    const auto written = std::filesystem::file_size(temp, ec);
    if (ec || int64_t(written) != d->fileBytes()) {
        std::filesystem::remove(temp, ec);
        return Error::io("cannot write the index (missing folder or disk full?)", indexPath);
    }
    std::filesystem::rename(temp, indexPath, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        return Error::io("cannot rename the temporary file into place", indexPath);
    }

    return writeFileAtomically(sidecarPath(indexPath),
                               hnswSidecarJson(d->parameters, d->dim, d->hash(), d->ids, d->deleted,
                                               std::filesystem::path(indexPath).filename().string()));
}

Result<Ranking> HnswIndex::search(const FloatMatrix &queries, const std::vector<int32_t> &queryRows, int32_t k,
                                  int threads, const std::vector<int32_t> &excludeLabel, Progress *progress) const
{
    if (queries.cols() != d->dim)
        return Error::usage("index and query dimensions differ (" + std::to_string(d->dim) + " vs " +
                            std::to_string(queries.cols()) + ")");
    if (k <= 0)
        return Error::usage("k must be positive");
    if (!excludeLabel.empty() && excludeLabel.size() != queryRows.size())
        return Error::usage("excludeLabel must be empty or have one entry per query");
    for (int32_t row : queryRows)
        if (row < 0 || row >= queries.rows())
            return Error::usage("query row " + std::to_string(row) + " is out of range");

    std::shared_lock lock(d->mutex);
    Ranking ranking;
    ranking.k = k;
    ranking.queries = queryRows;
    const size_t m = queryRows.size();
    ranking.docs.assign(m * size_t(k), -1);
    ranking.scores.assign(m * size_t(k), -std::numeric_limits<float>::infinity());
    if (m == 0)
        return ranking;

    const Graph &graph = *d->graph;
    const int64_t dim = d->dim;
    const size_t ef = size_t(d->parameters.efSearch);
    std::atomic<int64_t> done{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::string error;
    parallelChunks(int64_t(m), resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        std::vector<float> query(static_cast<size_t>(dim));
        std::vector<Candidate> candidates;
        for (int64_t i = begin; i < end && !stop.load(std::memory_order_relaxed); ++i) {
            const float *row = queries.row(queryRows[size_t(i)]);
            if (d->cosine())
                normalizeInto(row, dim, query.data());
            else
                std::copy(row, row + dim, query.begin());
            const int32_t excluded = excludeLabel.empty() ? -1 : excludeLabel[size_t(i)];
            const size_t wanted = size_t(k) + (excluded >= 0 ? 1 : 0);
            const size_t asked = std::min(std::max(ef, wanted), wanted + size_t(kTieMargin));
            try {
                auto found = graph.searchKnn(query.data(), asked);
                candidates.clear();
                const Eigen::Map<const Eigen::VectorXf> q(query.data(), dim);
                for (; !found.empty(); found.pop()) {
                    const auto label = int32_t(found.top().second);
                    if (label == excluded)
                        continue;
                    const float score = q.dot(Eigen::Map<const Eigen::VectorXf>(d->stored(label), dim));
                    candidates.push_back({rankKey(score, d->tiePriority[size_t(label)]), score, label});
                }
            } catch (const std::exception &e) {
                std::lock_guard errorLock(errorMutex);
                if (error.empty())
                    error = e.what();
                stop.store(true);
                break;
            }
            const size_t kept = std::min(candidates.size(), size_t(k));
            std::partial_sort(candidates.begin(), candidates.begin() + ptrdiff_t(kept), candidates.end(),
                              [](const Candidate &a, const Candidate &b) { return a.key > b.key; });
            for (size_t r = 0; r < kept; ++r) {
                ranking.docs[size_t(i) * size_t(k) + r] = candidates[r].label;
                ranking.scores[size_t(i) * size_t(k) + r] = candidates[r].score;
            }
            const int64_t count = done.fetch_add(1) + 1;
            if (progress && (count % kSearchProgressEvery == 0) && !progress->step("search", count, int64_t(m)))
                stop.store(true);
            if (progress && progress->shouldStop())
                stop.store(true);
        }
    });
    if (!error.empty())
        return internalError(error);
    if (stop.load())
        return Error::cancelled();
    if (progress)
        progress->step("search", int64_t(m), int64_t(m));
    return ranking;
}

Status HnswIndex::insert(const FloatMatrix &vectors, const std::vector<std::string> &ids, int threads)
{
    if (vectors.cols() != d->dim)
        return Error::usage("index and vector dimensions differ (" + std::to_string(d->dim) + " vs " +
                            std::to_string(vectors.cols()) + ")");
    if (int64_t(ids.size()) != vectors.rows())
        return Error::usage("insert needs one id per vector");
    std::unique_lock lock(d->mutex);
    std::vector<int64_t> newRows, revivedRows;
    std::unordered_set<std::string_view> batch;
    for (size_t row = 0; row < ids.size(); ++row) {
        if (!batch.insert(ids[row]).second)
            return Error::usage("id \"" + ids[row] + "\" appears twice in the inserted vectors");
        const auto it = d->labelById.find(ids[row]);
        if (it == d->labelById.end())
            newRows.push_back(int64_t(row));
        else if (d->deleted[size_t(it->second)])
            revivedRows.push_back(int64_t(row));
        else
            return Error::usage("id \"" + ids[row] + "\" is already in the index (use replace to update it)");
    }
    const int64_t first = d->labelCount();
    const int64_t total = first + int64_t(newRows.size());
    if (total > std::numeric_limits<int32_t>::max())
        return Error::usage("an HNSW index holds at most 2^31 - 1 vectors");
    Graph &graph = *d->graph;
    try {
        if (size_t(total) > graph.max_elements_)
            graph.resizeIndex(std::max(size_t(total), graph.max_elements_ + graph.max_elements_ / 2));
    } catch (const std::exception &e) {
        return internalError(e.what());
    }

    std::vector<int32_t> labels(newRows.size());
    std::iota(labels.begin(), labels.end(), int32_t(first));
    std::vector<char> added;
    Status status = addRows(graph, int64_t(newRows.size()), d->dim,
                            [&](int64_t i) { return vectors.row(newRows[size_t(i)]); }, labels, d->cosine(), threads,
                            nullptr, "insert", added);
    // Record whatever went in, so the bookkeeping matches the graph even after a failure.
    d->ids.resize(size_t(total));
    d->rowHashes.resize(size_t(total), 0);
    d->deleted.resize(size_t(total), 0);
    for (size_t i = 0; i < newRows.size(); ++i) {
        d->ids[size_t(labels[i])] = ids[size_t(newRows[i])];
        d->rowHashes[size_t(labels[i])] = rowHash(vectors.row(newRows[i]), d->dim);
        if (!added[i]) { // hnswlib failed before or while adding it: keep the label, deleted
            d->deleted[size_t(labels[i])] = 1;
            ++d->deletedCount;
        }
    }
    // Revive removed ids one at a time: hnswlib's in-place update is not safe to run in parallel.
    std::vector<float> buffer(static_cast<size_t>(d->dim));
    for (size_t i = 0; i < revivedRows.size() && status; ++i) {
        const int32_t label = d->labelById.at(ids[size_t(revivedRows[i])]);
        const float *row = vectors.row(revivedRows[i]);
        const float *data = row;
        if (d->cosine()) {
            normalizeInto(row, d->dim, buffer.data());
            data = buffer.data();
        }
        try {
            graph.addPoint(data, hnswlib::labeltype(label));
        } catch (const std::exception &e) {
            status = internalError(e.what());
            break;
        }
        d->rowHashes[size_t(label)] = rowHash(row, d->dim);
        d->deleted[size_t(label)] = 0;
        --d->deletedCount;
    }
    if (!newRows.empty())
        d->refreshIndexes();
    return status;
}

Status HnswIndex::replace(const FloatMatrix &vectors, const std::vector<std::string> &ids)
{
    if (vectors.cols() != d->dim)
        return Error::usage("index and vector dimensions differ (" + std::to_string(d->dim) + " vs " +
                            std::to_string(vectors.cols()) + ")");
    if (int64_t(ids.size()) != vectors.rows())
        return Error::usage("replace needs one id per vector");
    std::unique_lock lock(d->mutex);
    std::vector<int32_t> labels;
    std::unordered_set<std::string_view> batch;
    for (const auto &id : ids) {
        const auto it = d->labelById.find(id);
        if (it == d->labelById.end() || d->deleted[size_t(it->second)])
            return Error::usage("id \"" + id + "\" is not in the index (use insert to add it)");
        if (!batch.insert(id).second)
            return Error::usage("id \"" + id + "\" appears twice in the replaced vectors");
        labels.push_back(it->second);
    }
    std::vector<float> buffer(static_cast<size_t>(d->dim));
    for (size_t i = 0; i < labels.size(); ++i) {
        const float *row = vectors.row(int64_t(i));
        const float *data = row;
        if (d->cosine()) {
            normalizeInto(row, d->dim, buffer.data());
            data = buffer.data();
        }
        try {
            d->graph->addPoint(data, hnswlib::labeltype(labels[i])); // existing label: update in place
        } catch (const std::exception &e) {
            return internalError(e.what());
        }
        d->rowHashes[size_t(labels[i])] = rowHash(row, d->dim);
    }
    return {};
}

Status HnswIndex::remove(const std::vector<std::string> &ids)
{
    std::unique_lock lock(d->mutex);
    std::vector<int32_t> labels;
    std::unordered_set<std::string_view> batch;
    for (const auto &id : ids) {
        const auto it = d->labelById.find(id);
        if (it == d->labelById.end() || d->deleted[size_t(it->second)])
            return Error::usage("id \"" + id + "\" is not in the index");
        if (!batch.insert(id).second)
            return Error::usage("id \"" + id + "\" appears twice in the removed ids");
        labels.push_back(it->second);
    }
    for (int32_t label : labels) {
        try {
            d->graph->markDelete(hnswlib::labeltype(label));
        } catch (const std::exception &e) {
            return internalError(e.what());
        }
        d->deleted[size_t(label)] = 1;
        ++d->deletedCount;
    }
    return {};
}

Status HnswIndex::setEfSearch(int ef)
{
    if (ef < 1)
        return Error::usage("HNSW ef must be at least 1");
    std::unique_lock lock(d->mutex);
    d->parameters.efSearch = ef;
    d->graph->setEf(size_t(ef));
    return {};
}

bool HnswIndex::needsRebuild(double threshold) const
{
    std::shared_lock lock(d->mutex);
    return d->labelCount() > 0 && double(d->deletedCount) > threshold * double(d->labelCount());
}

Status HnswIndex::rebuild(int threads, Progress *progress)
{
    std::unique_lock lock(d->mutex);
    std::vector<int32_t> liveLabels;
    for (int32_t label = 0; label < int32_t(d->labelCount()); ++label)
        if (!d->deleted[size_t(label)])
            liveLabels.push_back(label);
    const int64_t n = int64_t(liveLabels.size());
    std::unique_ptr<Graph> fresh;
    try {
        fresh = d->newGraph(size_t(n));
    } catch (const std::exception &e) {
        return internalError(e.what());
    }
    std::vector<int32_t> labels(static_cast<size_t>(n));
    std::iota(labels.begin(), labels.end(), 0);
    std::vector<char> added;
    // The stored rows are already unit length under cosine: add them as they are.
    Status s = addRows(*fresh, n, d->dim, [&](int64_t i) { return d->stored(liveLabels[size_t(i)]); }, labels,
                       false, threads, progress, "rebuild", added);
    if (!s)
        return s;
    std::vector<std::string> ids(static_cast<size_t>(n));
    std::vector<uint64_t> hashes(static_cast<size_t>(n));
    for (size_t i = 0; i < size_t(n); ++i) {
        ids[i] = std::move(d->ids[size_t(liveLabels[i])]);
        hashes[i] = d->rowHashes[size_t(liveLabels[i])];
    }
    d->graph = std::move(fresh);
    d->ids = std::move(ids);
    d->rowHashes = std::move(hashes);
    d->deleted.assign(size_t(n), 0);
    d->deletedCount = 0;
    d->refreshIndexes();
    return {};
}

HnswParameters HnswIndex::parameters() const
{
    std::shared_lock lock(d->mutex);
    return d->parameters;
}

int64_t HnswIndex::dim() const
{
    return d->dim;
}

int64_t HnswIndex::labelCount() const
{
    std::shared_lock lock(d->mutex);
    return d->labelCount();
}

int64_t HnswIndex::size() const
{
    std::shared_lock lock(d->mutex);
    return d->labelCount() - d->deletedCount;
}

int64_t HnswIndex::deletedCount() const
{
    std::shared_lock lock(d->mutex);
    return d->deletedCount;
}

std::vector<std::string> HnswIndex::ids() const
{
    std::shared_lock lock(d->mutex);
    return d->ids;
}

int32_t HnswIndex::labelOf(const std::string &id) const
{
    std::shared_lock lock(d->mutex);
    const auto it = d->labelById.find(id);
    return it == d->labelById.end() ? -1 : it->second;
}

bool HnswIndex::isDeleted(int32_t label) const
{
    std::shared_lock lock(d->mutex);
    return label >= 0 && label < int32_t(d->labelCount()) && d->deleted[size_t(label)];
}

std::string HnswIndex::vectorsHash() const
{
    std::shared_lock lock(d->mutex);
    return d->hash();
}

int64_t HnswIndex::indexBytes() const
{
    std::shared_lock lock(d->mutex);
    return d->fileBytes();
}

} // namespace embtune::engine
