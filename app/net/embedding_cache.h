#pragma once
// On-disk cache of remote embeddings: one append-only log per (base URL, model, dimensions),
// keyed by the SHA-256 of each text's UTF-8 bytes, so a job that was cancelled or killed resumes
// without sending those texts again. The cache holds no text and no API key: only hashes and
// vectors, and a header naming the base URL (without user info), model and dimensions.
//
// Files in the cache folder, for one identity (NAME = model slug, "-d" dimensions, "-" 16 hex
// digits of the identity hash):
//   NAME.embcache   the log:    header, then records appended one batch at a time
//   NAME.embidx     the index:  hash -> record offset for the log's first N bytes, rewritten
//                               atomically (QSaveFile) on close(); optional (rebuilt by a scan)
//   NAME.lock       QLockFile held by a read-write opener (stale locks of dead processes are
//                   taken over)
// Log layout (little-endian):
//   header  "EMBTLOG1", u32 n, n bytes of JSON {"base_url","model","dimensions"}, 16 random bytes
//           (the log's generation, copied into the index so a stale index is never trusted)
//   record  u32 0x52424D45 ("EMBR"), u32 dim, 32-byte SHA-256, dim float32, u32 FNV-1a of
//           (dim, hash, floats)
// Opening verifies the header, loads the index when it matches the log, and scans (with
// checksums) the records after the part the index covers. A truncated or corrupt record ends the
// scan: read-write opening truncates the log there (the state after a kill mid-write), read-only
// opening ignores the rest. Every record of a log has the same dimension.
//
// Threads: one EmbeddingCache object is used by one thread at a time. Several processes may read
// while one writes; writers serialise on the lock file.

#include "core/error.h"

#include <QFile>
#include <QLockFile>
#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace embtune::net {

class EmbeddingCache {
public:
    struct Identity {
        QString baseUrl;    // normalised, without user info
        QString model;
        int dimensions = 0; // requested dimensions; 0 = the model's default
    };
    enum class Mode { ReadOnly, ReadWrite };
    using TextHash = std::array<unsigned char, 32>;

    // Opens the log of `identity` in folder `dir` (created, with the log, in ReadWrite mode).
    // ReadWrite waits up to `lockTimeoutMs` for the lock. A missing log in ReadOnly mode is an
    // empty cache. Errors (io): unreadable or foreign file, lock held by another live process.
    static engine::Result<std::unique_ptr<EmbeddingCache>> open(const QString &dir, const Identity &identity, Mode mode,
                                                                int lockTimeoutMs = 10000);
    // Calls close().
    ~EmbeddingCache();
    EmbeddingCache(const EmbeddingCache &) = delete;
    EmbeddingCache &operator=(const EmbeddingCache &) = delete;

    static TextHash hashText(std::string_view text);
    // File name stem (NAME above) of `identity`.
    static QString fileStem(const Identity &identity);

    QString logPath() const { return m_logPath; }
    int64_t size() const { return int64_t(m_offsets.size()); }
    int64_t dim() const { return m_dim; } // 0 while empty
    bool contains(const TextHash &hash) const { return m_offsets.count(hash) != 0; }

    // Copies the vector of `hash` (which must be contained) into out[0, dim()).
    // Errors (io): read failure or a record that no longer verifies.
    engine::Status read(const TextHash &hash, float *out);

    // Appends one record per hash (rows of `values`, count x dim row-major) and flushes them to
    // the operating system before returning, so they survive a kill of this process. Hashes
    // already present are skipped. ReadWrite only. Errors (io/usage): write failure, dim differs
    // from dim().
    engine::Status append(const std::vector<TextHash> &hashes, const float *values, int64_t dim);

    // Writes the index (ReadWrite) and closes the files. Idempotent.
    engine::Status close();

private:
    struct HashHasher {
        size_t operator()(const TextHash &hash) const;
    };

    EmbeddingCache() = default;
    engine::Status openLog(const Identity &identity);
    bool loadIndex();
    engine::Status scanFrom(int64_t offset);
    engine::Status writeIndex();
    int64_t recordSize() const;

    Mode m_mode = Mode::ReadOnly;
    QString m_logPath;
    QString m_indexPath;
    QFile m_log;
    std::unique_ptr<QLockFile> m_lock;
    QByteArray m_generation;     // 16 bytes
    int64_t m_dataStart = 0;     // offset of the first record
    int64_t m_end = 0;           // offset after the last valid record
    int64_t m_indexedEnd = 0;    // m_end when the index was last written or loaded
    int64_t m_dim = 0;
    std::unordered_map<TextHash, int64_t, HashHasher> m_offsets;
    bool m_open = false;
};

} // namespace embtune::net
