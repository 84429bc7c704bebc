#include "jobs/engine_jobs.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "gui_text.h"
#include "jobs/job_progress.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <new>

namespace embtune::gui {

namespace {

std::string utcNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}

// Runs `call` (returning engine::Result<T>) and wraps the outcome; exceptions escaping the
// engine (allocation failure) become Internal errors instead of crossing into QtConcurrent.
// The cache entries whose vectors were made from texts with hash `textsHash`.
engine::Result<std::vector<engine::StoredSetInfo>> cachedSetsFor(const QString &cacheRoot,
                                                                 const std::string &textsHash)
{
    const engine::EmbeddingCache cache(localPath(cacheRoot));
    auto entries = cache.list();
    if (!entries)
        return entries.error();
    std::vector<engine::StoredSetInfo> out;
    for (engine::EmbeddingCache::Entry &entry : *entries)
        if (entry.error.empty() && entry.info.provenance.datasetHash == textsHash)
            out.push_back(std::move(entry.info));
    return out;
}

} // namespace

engine::Result<std::shared_ptr<const engine::EmbeddingSet>> resolveEmbeddings(const EmbeddingsSource &source,
                                                                             const engine::Dataset &dataset)
{
    if (source.loaded)
        return source.loaded;
    if (source.folder.isEmpty())
        return engine::Error::usage("no embedding set given");
    auto set = engine::loadEmbeddingSet(localPath(source.folder), dataset);
    if (!set)
        return set.error();
    return std::shared_ptr<const engine::EmbeddingSet>(std::make_shared<const engine::EmbeddingSet>(std::move(*set)));
}

namespace {

QString missingQueryVectorsWarning(const engine::EmbeddingSet &set, const engine::Dataset &dataset)
{
    int64_t missing = 0;
    for (char has : set.hasQueryVector)
        missing += has ? 0 : 1;
    if (missing == 0)
        return {};
    return QStringLiteral("%1 of %2 queries have no vector").arg(missing).arg(dataset.queryCount());
}

} // namespace

std::string lsaSetName(const engine::LsaOptions &options)
{
    const engine::LsaOptions defaults;
    std::string name = "lsa" + std::to_string(options.dim);
    if (options.tfidf.minDf != defaults.tfidf.minDf)
        name += " min_df=" + std::to_string(options.tfidf.minDf);
    if (options.seed != defaults.seed)
        name += " seed=" + std::to_string(options.seed);
    if (options.powerIterations != defaults.powerIterations)
        name += " power_iterations=" + std::to_string(options.powerIterations);
    return name;
}

QFuture<OpenedDatasetJobResult> loadDatasetAsync(const QString &dir, const QString &cacheRoot, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dir, cacheRoot, progress]() {
        return runJob<OpenedDataset>(progress, [&](OpenedDatasetJobResult &out) -> engine::Result<OpenedDataset> {
            engine::Progress engineProgress(callbackOf(progress));
            engine::LoadReport report;
            auto dataset = engine::readBeirDataset(localPath(dir), &report, &engineProgress);
            out.warnings = toStringList(report.warnings);
            if (!dataset)
                return dataset.error();
            OpenedDataset opened;
            opened.dataset = std::move(*dataset);
            if (!engineProgress.step("hashing texts", 0, 0))
                return engine::Error::cancelled();
            opened.textsHash = engine::datasetTextsHash(opened.dataset);
            if (!cacheRoot.isEmpty()) {
                auto cached = cachedSetsFor(cacheRoot, opened.textsHash);
                if (cached)
                    opened.cachedSets = std::move(*cached);
                else
                    out.warnings.append(QStringLiteral("embedding cache not listed: %1")
                                            .arg(QString::fromStdString(cached.error().toString())));
            }
            return opened;
        });
    });
}

QFuture<ComputeJobResult> computeLsaAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                          engine::LsaOptions options, QString cacheRoot, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), textsHash = std::move(textsHash), options,
                              cacheRoot = std::move(cacheRoot), progress]() {
        return runJob<ComputedEmbeddings>(
            progress, [&](ComputeJobResult &out) -> engine::Result<ComputedEmbeddings> {
                engine::Progress engineProgress(callbackOf(progress));
                engine::LsaEmbedder lsa(options);
                const std::string configKey = lsa.configKey();
                const engine::EmbeddingCache cache(localPath(cacheRoot));
                ComputedEmbeddings computed;

                auto cached = cache.lookup(textsHash, configKey, *dataset);
                if (!cached) {
                    // A damaged entry: say so and compute it again (store() replaces it).
                    out.warnings.append(QStringLiteral("damaged cache entry replaced: %1")
                                            .arg(QString::fromStdString(cached.error().toString())));
                } else if (cached->has_value()) {
                    computed.set = std::move(**cached);
                    computed.cacheHit = true;
                    auto info = engine::readStoredSetInfo(cache.entryDir(textsHash, configKey));
                    if (!info)
                        return info.error();
                    computed.info = std::move(*info);
                    return computed;
                }

                auto docs = lsa.fit(engine::documentTexts(*dataset), &engineProgress);
                if (!docs)
                    return docs.error();
                auto queries = lsa.embed(dataset->queries, &engineProgress);
                if (!queries)
                    return queries.error();
                engine::EmbeddingSet &set = computed.set;
                set.name = lsaSetName(options);
                set.provenance.embedder = lsa.name();
                set.provenance.parameters = lsa.optionsJson();
                set.provenance.created = utcNow();
                set.provenance.datasetHash = textsHash;
                set.provenance.normalized = true;
                set.docs = engine::FloatMatrix(*docs);
                set.queries = engine::FloatMatrix(*queries);
                set.hasQueryVector.assign(size_t(dataset->queryCount()), 1);
                if (!engineProgress.step("storing in the cache", 0, 0))
                    return engine::Error::cancelled();

                if (engine::Status stored = cache.store(textsHash, configKey, set, *dataset); !stored) {
                    out.warnings.append(QStringLiteral("the set was computed but not cached: %1")
                                            .arg(QString::fromStdString(stored.error().toString())));
                    computed.info.name = set.name;
                    computed.info.configKey = configKey;
                    computed.info.provenance = set.provenance;
                    computed.info.dim = set.dim();
                    computed.info.documents = set.docs.rows();
                    computed.info.queries = set.queries.rows();
                    return computed;
                }
                const std::string entry = cache.entryDir(textsHash, configKey);
                set.source = entry;
                auto info = engine::readStoredSetInfo(entry);
                if (!info)
                    return info.error();
                computed.info = std::move(*info);
                return computed;
            });
    });
}

QFuture<EmbeddingsJobResult> importEmbeddingsAsync(ImportSpec spec, std::shared_ptr<const engine::Dataset> dataset,
                                                   JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [spec = std::move(spec), dataset = std::move(dataset), progress]() {
        return runJob<engine::EmbeddingSet>(progress, [&](EmbeddingsJobResult &out) {
            engine::Result<engine::EmbeddingSet> set = engine::Error::usage("nothing to import");
            if (!spec.folder.isEmpty()) {
                set = engine::importEmbeddingFolder(localPath(spec.folder), *dataset);
            } else {
                engine::VectorImport files;
                files.docsPath = localPath(spec.docsFile);
                files.docIdsPath = spec.docIdsFile.isEmpty() ? std::string() : localPath(spec.docIdsFile);
                files.queriesPath = spec.queriesFile.isEmpty() ? std::string() : localPath(spec.queriesFile);
                files.queryIdsPath = spec.queryIdsFile.isEmpty() ? std::string() : localPath(spec.queryIdsFile);
                set = engine::importEmbeddingSet(files, *dataset);
            }
            if (set.ok())
                if (const QString warning = missingQueryVectorsWarning(*set, *dataset); !warning.isEmpty())
                    out.warnings.append(warning);
            return set;
        });
    });
}

QFuture<ExportJobResult> exportEmbeddingsAsync(EmbeddingsSource source, std::shared_ptr<const engine::Dataset> dataset,
                                               engine::VectorFormat format, QString outDir, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(),
        [source = std::move(source), dataset = std::move(dataset), format, outDir = std::move(outDir), progress]() {
            return runJob<ExportedEmbeddings>(
                progress, [&](ExportJobResult &) -> engine::Result<ExportedEmbeddings> {
                    auto set = resolveEmbeddings(source, *dataset);
                    if (!set)
                        return set.error();
                    if (progress && progress->isCancelled())
                        return engine::Error::cancelled();
                    if (engine::Status s = engine::exportEmbeddingSet(**set, *dataset, format, localPath(outDir)); !s)
                        return s.error();
                    ExportedEmbeddings exported;
                    exported.dir = outDir;
                    exported.resolved = *set;
                    const engine::ExportLayout layout = engine::exportLayout(format);
                    for (const std::string &name : {layout.docs, layout.docIds, layout.queries, layout.queryIds,
                                                    std::string("provenance.json")})
                        if (!name.empty() && QFileInfo::exists(QDir(outDir).filePath(QString::fromStdString(name))))
                            exported.files.append(QString::fromStdString(name));
                    return exported;
                });
        });
}

QFuture<CacheJobResult> removeCachedAsync(QString cacheRoot, std::string datasetHash, std::string configKey,
                                          std::string textsHash, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [cacheRoot = std::move(cacheRoot), datasetHash = std::move(datasetHash),
                              configKey = std::move(configKey), textsHash = std::move(textsHash), progress]() {
        return runJob<CacheListing>(progress, [&](CacheJobResult &) -> engine::Result<CacheListing> {
            const engine::EmbeddingCache cache(localPath(cacheRoot));
            if (engine::Status s = cache.remove(datasetHash, configKey); !s)
                return s.error();
            auto cached = cachedSetsFor(cacheRoot, textsHash);
            if (!cached)
                return cached.error();
            return CacheListing{std::move(*cached)};
        });
    });
}

QFuture<SaveIndexJobResult> saveHnswIndexAsync(std::shared_ptr<engine::HnswIndex> index, QString path,
                                               JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [index = std::move(index), path = std::move(path), progress]() {
        return runJob<SavedIndex>(progress, [&](SaveIndexJobResult &) -> engine::Result<SavedIndex> {
            const std::string file = localPath(path);
            if (engine::Status saved = index->save(file); !saved)
                return saved.error();
            SavedIndex out;
            out.indexFile = path;
            out.sidecarFile = QString::fromStdString(engine::HnswIndex::sidecarPath(file));
            out.indexBytes = QFileInfo(path).size();
            return out;
        });
    });
}

} // namespace embtune::gui
