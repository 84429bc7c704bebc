#include "embedding_cache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>

#include <bit>
#include <cstring>

namespace embtune::net {

using engine::Error;
using engine::Result;
using engine::Status;

static_assert(std::endian::native == std::endian::little, "the cache format is little-endian");

namespace {

constexpr char kLogMagic[8] = {'E', 'M', 'B', 'T', 'L', 'O', 'G', '1'};
constexpr char kIndexMagic[8] = {'E', 'M', 'B', 'T', 'I', 'D', 'X', '1'};
constexpr uint32_t kRecordMagic = 0x52424D45; // "EMBR" little-endian
constexpr int64_t kGenerationBytes = 16;
constexpr int64_t kHashBytes = 32;
constexpr int64_t kRecordHead = 8 + kHashBytes; // magic, dim, hash
constexpr int64_t kMaxDim = 1 << 20;
constexpr int64_t kMaxDescriptor = 1 << 16;

uint32_t fnv1a(const char *data, size_t size, uint32_t state = 2166136261u)
{
    for (size_t i = 0; i < size; ++i) {
        state ^= uint8_t(data[i]);
        state *= 16777619u;
    }
    return state;
}

template <typename T>
void put(QByteArray &out, T value)
{
    out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

template <typename T>
T get(const char *at)
{
    T value;
    std::memcpy(&value, at, sizeof(T));
    return value;
}

QByteArray descriptor(const EmbeddingCache::Identity &identity)
{
    const QJsonObject object{{"base_url", identity.baseUrl},
                             {"model", identity.model},
                             {"dimensions", identity.dimensions}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::string where(const QString &path)
{
    return QDir::toNativeSeparators(path).toStdString();
}

} // namespace

size_t EmbeddingCache::HashHasher::operator()(const TextHash &hash) const
{
    size_t value;
    std::memcpy(&value, hash.data(), sizeof(value));
    return value;
}

EmbeddingCache::TextHash EmbeddingCache::hashText(std::string_view text)
{
    const QByteArray digest = QCryptographicHash::hash(QByteArrayView(text.data(), qsizetype(text.size())),
                                                       QCryptographicHash::Sha256);
    TextHash hash;
    std::memcpy(hash.data(), digest.constData(), hash.size());
    return hash;
}

QString EmbeddingCache::fileStem(const Identity &identity)
{
    QString slug;
    for (const QChar c : identity.model.left(48))
        slug.append(c.isLetterOrNumber() && c.unicode() < 128 ? c : QChar('_'));
    if (slug.isEmpty())
        slug = QStringLiteral("model");
    const QByteArray digest = QCryptographicHash::hash(descriptor(identity), QCryptographicHash::Sha256);
    return QStringLiteral("%1-d%2-%3")
        .arg(slug)
        .arg(identity.dimensions)
        .arg(QString::fromLatin1(digest.toHex().left(16)));
}

Result<std::unique_ptr<EmbeddingCache>> EmbeddingCache::open(const QString &dir, const Identity &identity, Mode mode,
                                                             int lockTimeoutMs)
{
    std::unique_ptr<EmbeddingCache> cache(new EmbeddingCache);
    cache->m_mode = mode;
    const QString stem = QDir(dir).filePath(fileStem(identity));
    cache->m_logPath = stem + ".embcache";
    cache->m_indexPath = stem + ".embidx";
    if (mode == Mode::ReadOnly && !QFileInfo::exists(cache->m_logPath))
        return cache; // empty, nothing open
    if (mode == Mode::ReadWrite) {
        if (!QDir().mkpath(dir))
            return Error::io("cannot create the embedding cache folder", where(dir));
        cache->m_lock = std::make_unique<QLockFile>(stem + ".lock");
        cache->m_lock->setStaleLockTime(0); // a lock is stale only when its process is gone
        if (!cache->m_lock->tryLock(std::max(0, lockTimeoutMs))) {
            qint64 pid = 0;
            QString host, app;
            cache->m_lock->getLockInfo(&pid, &host, &app);
            return Error::io("the embedding cache is in use by another job (process " + std::to_string(pid) +
                                 "); try again when it has finished",
                             where(cache->m_logPath));
        }
    }
    if (Status status = cache->openLog(identity); !status)
        return status.error();
    return cache;
}

EmbeddingCache::~EmbeddingCache()
{
    (void)close();
}

Status EmbeddingCache::openLog(const Identity &identity)
{
    const QByteArray expected = descriptor(identity);
    const bool exists = QFileInfo::exists(m_logPath);
    m_log.setFileName(m_logPath);
    if (!m_log.open(m_mode == Mode::ReadWrite ? QIODevice::ReadWrite : QIODevice::ReadOnly))
        return Error::io("cannot open the embedding cache: " + m_log.errorString().toStdString(), where(m_logPath));
    m_open = true;
    if (!exists || m_log.size() == 0) {
        if (m_mode != Mode::ReadWrite)
            return {};
        QByteArray header(kLogMagic, sizeof(kLogMagic));
        put<uint32_t>(header, uint32_t(expected.size()));
        header.append(expected);
        m_generation.resize(kGenerationBytes);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(m_generation.data()),
                                             reinterpret_cast<quint32 *>(m_generation.data() + kGenerationBytes));
        header.append(m_generation);
        if (m_log.write(header) != header.size() || !m_log.flush())
            return Error::io("cannot write the embedding cache: " + m_log.errorString().toStdString(), where(m_logPath));
        m_dataStart = m_end = m_indexedEnd = header.size();
        return {};
    }

    const QByteArray head = m_log.read(sizeof(kLogMagic) + 4);
    if (head.size() != qsizetype(sizeof(kLogMagic) + 4) || std::memcmp(head.constData(), kLogMagic, sizeof(kLogMagic)) != 0)
        return Error::io("not an embtune embedding cache (bad header)", where(m_logPath));
    const auto length = int64_t(get<uint32_t>(head.constData() + sizeof(kLogMagic)));
    if (length > kMaxDescriptor)
        return Error::io("corrupt embedding cache header", where(m_logPath));
    const QByteArray found = m_log.read(length);
    m_generation = m_log.read(kGenerationBytes);
    if (found.size() != length || m_generation.size() != kGenerationBytes)
        return Error::io("truncated embedding cache header", where(m_logPath));
    if (found != expected)
        return Error::io("the embedding cache belongs to another configuration (" + found.toStdString() + ")",
                         where(m_logPath));
    m_dataStart = m_end = m_indexedEnd = m_log.pos();
    const bool indexed = loadIndex();
    return scanFrom(indexed ? m_indexedEnd : m_dataStart);
}

bool EmbeddingCache::loadIndex()
{
    QFile file(m_indexPath);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray data = file.readAll();
    const int64_t fixed = int64_t(sizeof(kIndexMagic)) + kGenerationBytes + 3 * 8;
    if (data.size() < fixed + 4 || std::memcmp(data.constData(), kIndexMagic, sizeof(kIndexMagic)) != 0)
        return false;
    if (get<uint32_t>(data.constData() + data.size() - 4) != fnv1a(data.constData(), size_t(data.size() - 4)))
        return false;
    const char *at = data.constData() + sizeof(kIndexMagic);
    if (QByteArray(at, kGenerationBytes) != m_generation)
        return false;
    at += kGenerationBytes;
    const auto covered = int64_t(get<uint64_t>(at));
    const auto dim = int64_t(get<uint64_t>(at + 8));
    const auto count = int64_t(get<uint64_t>(at + 16));
    at += 24;
    if (covered < m_dataStart || covered > m_log.size() || dim < 0 || dim > kMaxDim ||
        data.size() != fixed + count * (kHashBytes + 8) + 4)
        return false;
    std::unordered_map<TextHash, int64_t, HashHasher> offsets;
    offsets.reserve(size_t(count));
    for (int64_t i = 0; i < count; ++i) {
        TextHash hash;
        std::memcpy(hash.data(), at, kHashBytes);
        const auto offset = int64_t(get<uint64_t>(at + kHashBytes));
        at += kHashBytes + 8;
        if (offset < m_dataStart || offset + kRecordHead + dim * 4 + 4 > covered)
            return false;
        offsets.emplace(hash, offset);
    }
    if ((count == 0) != (dim == 0))
        return false;
    m_offsets = std::move(offsets);
    m_dim = dim;
    m_end = m_indexedEnd = covered;
    return true;
}

int64_t EmbeddingCache::recordSize() const
{
    return kRecordHead + m_dim * 4 + 4;
}

Status EmbeddingCache::scanFrom(int64_t offset)
{
    const int64_t fileSize = m_log.size();
    if (!m_log.seek(offset))
        return Error::io("cannot read the embedding cache: " + m_log.errorString().toStdString(), where(m_logPath));
    char head[kRecordHead];
    std::vector<char> record;
    while (offset < fileSize) {
        if (m_log.read(head, kRecordHead) != kRecordHead || get<uint32_t>(head) != kRecordMagic)
            break;
        const auto dim = int64_t(get<uint32_t>(head + 4));
        if (dim < 1 || dim > kMaxDim || (m_dim != 0 && dim != m_dim))
            break;
        const int64_t rest = dim * 4 + 4;
        record.resize(size_t(rest));
        if (m_log.read(record.data(), rest) != rest)
            break;
        uint32_t sum = fnv1a(head + 4, size_t(kRecordHead - 4));
        sum = fnv1a(record.data(), size_t(rest - 4), sum);
        if (sum != get<uint32_t>(record.data() + rest - 4))
            break;
        m_dim = dim;
        TextHash hash;
        std::memcpy(hash.data(), head + 8, kHashBytes);
        m_offsets.emplace(hash, offset);
        offset += kRecordHead + rest;
    }
    m_end = offset;
    if (m_mode == Mode::ReadWrite && m_end < fileSize) {
        // The rest is a record cut short by a kill (or damage): drop it so appends follow valid data.
        if (!m_log.resize(m_end))
            return Error::io("cannot truncate the damaged end of the embedding cache: " +
                                 m_log.errorString().toStdString(),
                             where(m_logPath));
    }
    return {};
}

Status EmbeddingCache::read(const TextHash &hash, float *out)
{
    const auto found = m_offsets.find(hash);
    assert(found != m_offsets.end());
    const int64_t size = recordSize();
    if (!m_log.seek(found->second))
        return Error::io("cannot read the embedding cache: " + m_log.errorString().toStdString(), where(m_logPath));
    std::vector<char> record(static_cast<size_t>(size));
    const char *at = record.data();
    if (m_log.read(record.data(), size) != size || get<uint32_t>(at) != kRecordMagic ||
        int64_t(get<uint32_t>(at + 4)) != m_dim || std::memcmp(at + 8, hash.data(), kHashBytes) != 0 ||
        fnv1a(at + 4, size_t(size - 8)) != get<uint32_t>(at + size - 4))
        return Error::io("the embedding cache is damaged (record at byte " + std::to_string(found->second) +
                             "); delete it to start again",
                         where(m_logPath));
    std::memcpy(out, at + kRecordHead, size_t(m_dim) * sizeof(float));
    return {};
}

Status EmbeddingCache::append(const std::vector<TextHash> &hashes, const float *values, int64_t dim)
{
    if (m_mode != Mode::ReadWrite || !m_open)
        return Error::usage("the embedding cache is not open for writing");
    if (dim < 1 || dim > kMaxDim || (m_dim != 0 && dim != m_dim))
        return Error::io("cannot store " + std::to_string(dim) + "-dimensional vectors in a cache of " +
                             std::to_string(m_dim) + "-dimensional vectors",
                         where(m_logPath));
    QByteArray out;
    std::vector<TextHash> added; // entered into m_offsets now, removed again if the write fails
    const int64_t size = kRecordHead + dim * 4 + 4;
    for (size_t i = 0; i < hashes.size(); ++i) {
        const qsizetype start = out.size();
        if (!m_offsets.emplace(hashes[i], m_end + start).second)
            continue; // cached before, or repeated in this batch
        added.push_back(hashes[i]);
        put<uint32_t>(out, kRecordMagic);
        put<uint32_t>(out, uint32_t(dim));
        out.append(reinterpret_cast<const char *>(hashes[i].data()), kHashBytes);
        out.append(reinterpret_cast<const char *>(values + int64_t(i) * dim), dim * qsizetype(sizeof(float)));
        put<uint32_t>(out, fnv1a(out.constData() + start + 4, size_t(size - 8)));
    }
    if (added.empty())
        return {};
    if (!m_log.seek(m_end) || m_log.write(out) != out.size() || !m_log.flush()) {
        const std::string reason = m_log.errorString().toStdString();
        for (const TextHash &hash : added)
            m_offsets.erase(hash);
        (void)m_log.resize(m_end);
        return Error::io("cannot write the embedding cache: " + reason, where(m_logPath));
    }
    m_end += out.size();
    m_dim = dim;
    return {};
}

Status EmbeddingCache::writeIndex()
{
    QByteArray data(kIndexMagic, sizeof(kIndexMagic));
    data.append(m_generation);
    put<uint64_t>(data, uint64_t(m_end));
    put<uint64_t>(data, uint64_t(m_dim));
    put<uint64_t>(data, uint64_t(m_offsets.size()));
    data.reserve(data.size() + qsizetype(m_offsets.size()) * (kHashBytes + 8) + 4);
    for (const auto &[hash, offset] : m_offsets) {
        data.append(reinterpret_cast<const char *>(hash.data()), kHashBytes);
        put<uint64_t>(data, uint64_t(offset));
    }
    put<uint32_t>(data, fnv1a(data.constData(), size_t(data.size())));
    QSaveFile file(m_indexPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return Error::io("cannot write the embedding cache index: " + file.errorString().toStdString(),
                         where(m_indexPath));
    m_indexedEnd = m_end;
    return {};
}

Status EmbeddingCache::close()
{
    if (!m_open)
        return {};
    Status status;
    if (m_mode == Mode::ReadWrite && m_end != m_indexedEnd)
        status = writeIndex();
    m_log.close();
    m_open = false;
    if (m_lock)
        m_lock->unlock();
    return status;
}

} // namespace embtune::net
