#include "remote_embedder.h"

#include "batch_planner.h"
#include "embedding_cache.h"
#include "http_exchange.h"
#include "request_scheduler.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <unistd.h>

#include <cstring>
#include <new>
#include <string_view>
#include <unordered_map>

namespace embtune::net {

using engine::Error;
using engine::Progress;
using engine::Result;
using engine::RowMatrixXf;
using engine::Status;

namespace {

const std::string kPhase = "embed";

// Bytes of physical memory; 0 when the system does not say.
int64_t physicalMemoryBytes()
{
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? int64_t(pages) * int64_t(pageSize) : 0;
}

// `out` resized to the job's rows x dim (dim <= kMaxEmbeddingDim, from the settings, the cache or
// an answer that passed parseEmbeddingsResponse()). The matrix is filled as answers arrive, so
// resident memory follows the data received; a matrix larger than the computer's memory could
// never be filled and is an error instead, as is an allocation the system refuses. `why` says
// where dim comes from.
Status resizeJobMatrix(RowMatrixXf &out, int64_t rows, int64_t dim, const std::string &why)
{
    const double gib = double(1 << 30);
    const int64_t bytes = rows * dim * int64_t(sizeof(float));
    const int64_t memory = physicalMemoryBytes();
    const auto tooLarge = [&](const std::string &limit) {
        return Error::io(std::to_string(rows) + " vectors of dimension " + std::to_string(dim) + " (" + why +
                         ") would take " + QString::number(double(bytes) / gib, 'f', 1).toStdString() + " GiB, " +
                         limit);
    };
    if (memory > 0 && bytes > memory)
        return tooLarge("more than this computer's " + QString::number(double(memory) / gib, 'f', 1).toStdString() +
                        " GiB of memory");
    try {
        out.resize(Eigen::Index(rows), Eigen::Index(dim));
    } catch (const std::bad_alloc &) {
        return tooLarge("more memory than the system grants");
    }
    return {};
}

// Distinct texts of a job and where they occur.
struct UniqueTexts {
    std::vector<std::string_view> texts;   // distinct texts, in order of first occurrence
    std::vector<int64_t> firstPosition;    // per distinct text: its first index in the input
    std::vector<int64_t> occurrences;      // per distinct text: how often it occurs
    std::vector<int64_t> uniqueOfPosition; // per input index: its distinct text
};

UniqueTexts findUnique(const std::vector<std::string> &texts)
{
    UniqueTexts out;
    std::unordered_map<std::string_view, int64_t> seen;
    seen.reserve(texts.size());
    out.uniqueOfPosition.resize(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
        const auto [it, inserted] = seen.emplace(texts[i], int64_t(out.texts.size()));
        if (inserted) {
            out.texts.push_back(texts[i]);
            out.firstPosition.push_back(int64_t(i));
            out.occurrences.push_back(0);
        }
        ++out.occurrences[size_t(it->second)];
        out.uniqueOfPosition[i] = it->second;
    }
    return out;
}

// The batches of one embed() call: their request bodies, and where their answers go (the output
// rows, the cache, the statistics). Lives on the calling thread's stack.
class EmbedBatches final : public RequestScheduler::Client {
public:
    EmbedBatches(const RemoteEmbedderSettings &settings, const QUrl &endpoint, Progress *progress,
                 const UniqueTexts &unique, const std::vector<EmbeddingCache::TextHash> &hashes, EmbeddingCache *cache,
                 RowMatrixXf &out, int64_t &dim, int64_t done, EmbedStats &stats, const std::vector<int64_t> &toSend,
                 const std::vector<BatchRange> &ranges)
        : m_settings(settings)
        , m_endpoint(endpoint)
        , m_progress(progress)
        , m_unique(unique)
        , m_hashes(hashes)
        , m_cache(cache)
        , m_out(out)
        , m_dim(dim)
        , m_dimSource(settings.dimensions > 0 ? std::string("the requested dimensions")
                      : dim > 0 ? "the dimension of the vectors in the cache " + cache->logPath().toStdString()
                                : std::string("the dimension of the job's first answer"))
        , m_done(done)
        , m_stats(stats)
    {
        m_batches.reserve(ranges.size());
        for (const BatchRange &range : ranges)
            m_batches.emplace_back(toSend.begin() + range.begin, toSend.begin() + range.end);
    }

    size_t size() const { return m_batches.size(); }

    QByteArray body(size_t b) override
    {
        std::vector<std::string_view> inputs;
        inputs.reserve(m_batches[b].size());
        for (const int64_t id : m_batches[b])
            inputs.push_back(m_unique.texts[size_t(id)]);
        return embeddingsRequestBody(m_settings.model, inputs, m_settings.dimensions, m_settings.encodingFormat);
    }

    bool progress() override
    {
        return !m_progress || m_progress->step(kPhase, m_done, int64_t(m_unique.uniqueOfPosition.size()));
    }

    int64_t maxReplyBytes(size_t b) const override { return maxEmbeddingsReplyBytes(int64_t(m_batches[b].size())); }

    std::string describe(size_t b) const override
    {
        return "request for " + std::to_string(m_batches[b].size()) + " texts from input " +
               std::to_string(m_unique.firstPosition[size_t(m_batches[b].front())]);
    }

    Status accept(size_t b, const QByteArray &body) override
    {
        const std::vector<int64_t> &items = m_batches[b];
        const auto count = int64_t(items.size());
        const std::string to = describe(b) + " to " + m_endpoint.toDisplayString(QUrl::RemoveUserInfo).toStdString();
        auto parsed = parseEmbeddingsResponse(body, count, m_dim, m_dimSource);
        if (!parsed)
            return Error::io(to + ": " + parsed.error().message);
        const EmbeddingsResponse &response = *parsed;
        if (m_dim == 0) {
            if (Status sized = resizeJobMatrix(m_out, int64_t(m_unique.uniqueOfPosition.size()), response.dim,
                                               "the dimension of the first answer");
                !sized)
                return Error::io(to + ": " + sized.error().message);
            m_dim = response.dim;
        }
        if (m_cache) {
            std::vector<EmbeddingCache::TextHash> hashes;
            hashes.reserve(items.size());
            for (const int64_t id : items)
                hashes.push_back(m_hashes[size_t(id)]);
            if (Status stored = m_cache->append(hashes, response.values.data(), m_dim); !stored)
                return stored;
        }
        for (int64_t k = 0; k < count; ++k) {
            const int64_t id = items[size_t(k)];
            std::memcpy(m_out.data() + m_unique.firstPosition[size_t(id)] * m_dim,
                        response.values.data() + k * m_dim, size_t(m_dim) * sizeof(float));
            m_done += m_unique.occurrences[size_t(id)];
        }
        m_stats.sentTexts += count;
        if (response.totalTokens >= 0)
            m_stats.reportedTokens = std::max<int64_t>(m_stats.reportedTokens, 0) + response.totalTokens;
        return {};
    }

private:
    const RemoteEmbedderSettings &m_settings;
    const QUrl m_endpoint;
    Progress *m_progress;
    const UniqueTexts &m_unique;
    const std::vector<EmbeddingCache::TextHash> &m_hashes;
    EmbeddingCache *m_cache;
    RowMatrixXf &m_out;
    int64_t &m_dim;                // 0 until known; then every answer must have it
    const std::string m_dimSource; // where a known m_dim comes from, for messages
    int64_t m_done;
    EmbedStats &m_stats;
    std::vector<std::vector<int64_t>> m_batches; // distinct-text ids per request
};

QByteArray identityJson(const QString &baseUrl, const RemoteEmbedderSettings &settings)
{
    const QJsonObject object{{"base_url", baseUrl}, {"model", settings.model}, {"dimensions", settings.dimensions}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

RemoteEmbedder::RemoteEmbedder(RemoteEmbedderSettings settings, ApiKey key)
    : m_settings(std::move(settings))
    , m_key(std::move(key))
    , m_baseUrl(normalizedApiBaseUrl(m_settings.baseUrl))
    , m_endpoint(apiEndpoint(m_settings.baseUrl, QStringLiteral("/v1/embeddings")))
{
}

Status RemoteEmbedder::validate() const
{
    const RemoteEmbedderSettings &s = m_settings;
    if (Status endpoint = checkApiEndpoint(s.baseUrl, m_endpoint); !endpoint)
        return endpoint;
    if (s.model.trimmed().isEmpty())
        return Error::usage("no embedding model named");
    if (s.dimensions < 0 || s.dimensions > kMaxEmbeddingDim)
        return Error::usage("dimensions must be 0 (model default) or positive, at most " +
                            std::to_string(kMaxEmbeddingDim));
    if (s.maxBatchItems < 1 || s.maxBatchTokens < 1)
        return Error::usage("batch items and batch tokens must be positive");
    if (Status scheduling = checkRequestSchedulerSettings(requestSchedulerSettings(s)); !scheduling)
        return scheduling;
    if (s.pricePerMillionTokens < 0)
        return Error::usage("the price must not be negative");
    return checkKeyTransport(m_endpoint, m_key, s.allowPlainHttpWithKey);
}

std::string RemoteEmbedder::configKey() const
{
    return "openai:" + identityJson(m_baseUrl, m_settings).toStdString();
}

EmbedStats RemoteEmbedder::lastStats() const
{
    std::lock_guard lock(m_statsMutex);
    return m_lastStats;
}

Result<EmbedEstimate> RemoteEmbedder::estimate(const std::vector<std::string> &texts) const
{
    if (Status valid = validate(); !valid)
        return valid.error();
    const UniqueTexts unique = findUnique(texts);
    EmbedEstimate out;
    out.texts = int64_t(texts.size());
    out.uniqueTexts = int64_t(unique.texts.size());
    std::unique_ptr<EmbeddingCache> cache;
    if (!m_settings.cacheDir.isEmpty()) {
        auto opened = EmbeddingCache::open(m_settings.cacheDir, {m_baseUrl, m_settings.model, m_settings.dimensions},
                                           EmbeddingCache::Mode::ReadOnly);
        if (!opened)
            return opened.error();
        cache = std::move(opened).value();
    }
    std::vector<int64_t> tokens;
    tokens.reserve(unique.texts.size());
    for (const std::string_view text : unique.texts) {
        if (cache && cache->contains(EmbeddingCache::hashText(text))) {
            ++out.cachedTexts;
            continue;
        }
        tokens.push_back(estimateTokens(text));
        out.estimatedTokens += tokens.back();
    }
    out.requests = int64_t(planBatches(tokens, m_settings.maxBatchItems, m_settings.maxBatchTokens).size());
    out.estimatedCost = double(out.estimatedTokens) / 1e6 * m_settings.pricePerMillionTokens;
    return out;
}

Result<RowMatrixXf> RemoteEmbedder::embed(const std::vector<std::string> &texts, Progress *progress)
{
    QElapsedTimer clock;
    clock.start();
    EmbedStats stats;
    stats.texts = int64_t(texts.size());
    Result<RowMatrixXf> result = run(texts, progress, stats);
    stats.seconds = double(clock.nsecsElapsed()) * 1e-9;
    std::lock_guard lock(m_statsMutex);
    m_lastStats = stats;
    return result;
}

Result<RowMatrixXf> RemoteEmbedder::run(const std::vector<std::string> &texts, Progress *progress, EmbedStats &stats)
{
    if (Status valid = validate(); !valid)
        return valid.error();
    if (!QCoreApplication::instance())
        return Error::usage("the remote embedder needs a QCoreApplication (create one in main())");

    const UniqueTexts unique = findUnique(texts);
    stats.uniqueTexts = int64_t(unique.texts.size());
    const auto total = int64_t(texts.size());
    int64_t dim = m_settings.dimensions;
    RowMatrixXf out;
    if (texts.empty())
        return RowMatrixXf(0, dim);

    std::unique_ptr<EmbeddingCache> cache;
    std::vector<EmbeddingCache::TextHash> hashes;
    if (!m_settings.cacheDir.isEmpty()) {
        auto opened = EmbeddingCache::open(m_settings.cacheDir, {m_baseUrl, m_settings.model, m_settings.dimensions},
                                           EmbeddingCache::Mode::ReadWrite, m_settings.cacheLockTimeoutMs);
        if (!opened)
            return opened.error();
        cache = std::move(opened).value();
        hashes.reserve(unique.texts.size());
        for (const std::string_view text : unique.texts)
            hashes.push_back(EmbeddingCache::hashText(text));
    }

    // The job's dimension: the one asked for or, for the model's default, the one the cache holds
    // (whether or not it holds any text of this job); else the first answer's (EmbedBatches).
    if (cache && cache->dim() > 0) {
        if (dim == 0)
            dim = cache->dim();
        else if (cache->dim() != dim)
            return Error::io("the cache holds " + std::to_string(cache->dim()) + "-dimensional vectors, expected " +
                                 std::to_string(dim),
                             cache->logPath().toStdString());
    }
    if (dim > 0) {
        const std::string why = m_settings.dimensions > 0 ? "the requested dimensions" : "the cache's dimension";
        if (Status sized = resizeJobMatrix(out, total, dim, why); !sized)
            return sized.error();
    }

    // Cached vectors first; the rest is sent.
    std::vector<int64_t> toSend;
    std::vector<int64_t> tokens;
    int64_t done = 0;
    for (size_t id = 0; id < unique.texts.size(); ++id) {
        if (cache && cache->contains(hashes[id])) {
            if (Status read = cache->read(hashes[id], out.data() + unique.firstPosition[id] * dim); !read)
                return read.error();
            ++stats.cachedTexts;
            done += unique.occurrences[id];
            continue;
        }
        toSend.push_back(int64_t(id));
        tokens.push_back(estimateTokens(unique.texts[id]));
    }
    if (progress && !progress->step(kPhase, done, total))
        return Error::cancelled();

    const std::vector<BatchRange> ranges = planBatches(tokens, m_settings.maxBatchItems, m_settings.maxBatchTokens);
    EmbedBatches batches(m_settings, m_endpoint, progress, unique, hashes, cache.get(), out, dim, done, stats, toSend,
                         ranges);
    RequestSchedulerSettings scheduling = requestSchedulerSettings(m_settings);
    scheduling.seed = m_settings.seed;
    RequestScheduler scheduler(scheduling, m_endpoint, m_key, batches.size());
    const Status sent = scheduler.run(batches);
    stats.requests = scheduler.stats().requests;
    stats.retries = scheduler.stats().retries;
    if (cache) {
        // Keep what arrived, whatever happened to the job.
        const Status closed = cache->close();
        if (sent && !closed)
            return closed.error();
    }
    if (!sent)
        return sent.error();

    // Rows of repeated texts.
    for (size_t position = 0; position < texts.size(); ++position) {
        const int64_t first = unique.firstPosition[size_t(unique.uniqueOfPosition[position])];
        if (first != int64_t(position))
            out.row(Eigen::Index(position)) = out.row(Eigen::Index(first));
    }
    return out;
}

} // namespace embtune::net
