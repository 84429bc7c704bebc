#include "jobs/engine_jobs.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "eval/hnsw_evaluation.h"
#include "jobs/job_progress.h"
#include "methods/method.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <exception>
#include <new>

namespace embtune::gui {

namespace {

std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

QStringList toStringList(const std::vector<std::string> &lines)
{
    QStringList out;
    out.reserve(qsizetype(lines.size()));
    for (const std::string &line : lines)
        out.append(QString::fromStdString(line));
    return out;
}

std::string utcNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}

engine::ProgressCallback callbackOf(JobProgress *progress)
{
    return progress ? progress->callback() : engine::ProgressCallback();
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

engine::Result<std::shared_ptr<const engine::EmbeddingSet>> resolve(const EmbeddingsSource &source,
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

// Provenance parameters of tuned vectors: the black-box set's embedder and parameters, the
// method, its parameters and its fit report.
std::string tunedParameters(const engine::Provenance &base, const std::string &methodId,
                            const std::map<std::string, std::string> &params, const std::string &reportJson)
{
    QJsonObject object;
    object.insert(QStringLiteral("base_embedder"), QString::fromStdString(base.embedder));
    const QJsonDocument baseParameters = QJsonDocument::fromJson(QByteArray::fromStdString(base.parameters));
    if (baseParameters.isObject())
        object.insert(QStringLiteral("base_parameters"), baseParameters.object());
    object.insert(QStringLiteral("method"), QString::fromStdString(methodId));
    QJsonObject methodParameters;
    for (const auto &[name, value] : params)
        methodParameters.insert(QString::fromStdString(name), QString::fromStdString(value));
    object.insert(QStringLiteral("method_parameters"), methodParameters);
    const QJsonDocument fit = QJsonDocument::fromJson(QByteArray::fromStdString(reportJson));
    if (fit.isObject())
        object.insert(QStringLiteral("fit"), fit.object());
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

QString missingQueryVectorsWarning(const engine::EmbeddingSet &set, const engine::Dataset &dataset)
{
    int64_t missing = 0;
    for (char has : set.hasQueryVector)
        missing += has ? 0 : 1;
    if (missing == 0)
        return {};
    return QStringLiteral("%1 of %2 queries have no vector").arg(missing).arg(dataset.queryCount());
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

double HnswEvaluation::annRecallAt(int k) const
{
    for (const auto &[at, recall] : annRecall)
        if (at == k)
            return recall;
    return -1;
}

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
                    auto set = resolve(source, *dataset);
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

QFuture<EvaluationJobResult> evaluateAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                           engine::EvaluationOptions options, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(),
        [dataset = std::move(dataset), source = std::move(source), options = std::move(options), progress]() {
            return runJob<EvaluatedRun>(progress, [&](EvaluationJobResult &out) -> engine::Result<EvaluatedRun> {
                engine::Progress engineProgress(callbackOf(progress));
                auto set = resolve(source, *dataset);
                if (!set)
                    return set.error();
                auto report = engine::evaluateEmbeddings(*dataset, **set, options, &engineProgress);
                if (!report)
                    return report.error();
                out.warnings = toStringList(report->warnings);
                return EvaluatedRun{std::move(*report), *set, nullptr};
            });
        });
}

QFuture<EvaluationJobResult> evaluateHnswAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                               engine::EvaluationOptions options, HnswSettings hnsw,
                                               JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), source = std::move(source), options = std::move(options),
                              hnsw, progress]() {
        return runJob<EvaluatedRun>(progress, [&](EvaluationJobResult &out) -> engine::Result<EvaluatedRun> {
            engine::Progress engineProgress(callbackOf(progress));
            auto set = resolve(source, *dataset);
            if (!set)
                return set.error();
            const engine::EmbeddingSet &embeddings = **set;
            auto outcome = std::make_shared<HnswEvaluation>();
            outcome->threads = hnsw.threads;
            engine::HnswParameters parameters = hnsw.parameters;
            parameters.space = options.similarity == engine::Similarity::Cosine ? engine::HnswSpace::Cosine
                                                                                : engine::HnswSpace::InnerProduct;
            const auto buildStart = std::chrono::steady_clock::now();
            auto index = engine::HnswIndex::build(embeddings.docs, dataset->docIds.ids(), parameters, hnsw.threads,
                                                  &engineProgress);
            if (!index)
                return index.error();
            outcome->buildSeconds = secondsSince(buildStart);
            outcome->parameters = index->parameters();
            outcome->indexBytes = index->indexBytes();
            outcome->index = std::make_shared<engine::HnswIndex>(std::move(*index));

            engine::EvaluationOptions searchOptions = options;
            searchOptions.threads = hnsw.threads;
            auto evaluation = engine::evaluateWithHnswIndex(*dataset, embeddings, *outcome->index, searchOptions,
                                                            &engineProgress);
            if (!evaluation)
                return evaluation.error();
            outcome->exactSeconds = evaluation->exactSeconds;
            outcome->annRecall = evaluation->annRecall;
            auto report = std::move(evaluation->report);
            out.warnings = toStringList(report.warnings);
            EvaluatedRun run{std::move(report), *set, nullptr};
            run.hnsw = std::move(outcome);
            return run;
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

QFuture<EvaluationJobResult> evaluateBm25Async(std::shared_ptr<const engine::Dataset> dataset,
                                               engine::Bm25Options bm25, engine::EvaluationOptions options,
                                               JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), bm25, options = std::move(options), progress]() {
        return runJob<EvaluatedRun>(progress, [&](EvaluationJobResult &out) -> engine::Result<EvaluatedRun> {
            engine::Progress engineProgress(callbackOf(progress));
            if (!engineProgress.step("indexing (BM25)", 0, 0))
                return engine::Error::cancelled();
            const engine::Bm25Index index = engine::Bm25Index::build(engine::documentTexts(*dataset), bm25);
            if (!engineProgress.step("indexing (BM25)", 1, 1))
                return engine::Error::cancelled();
            const std::vector<int32_t> tiePriority = engine::tiePriorityByIdDescending(dataset->docIds.ids());
            const engine::RankingSource source = [&](const std::vector<int32_t> &queries, int32_t k,
                                                     const std::vector<int32_t> &exclude,
                                                     engine::Progress *searchProgress) {
                std::vector<std::string> texts;
                texts.reserve(queries.size());
                for (int32_t q : queries)
                    texts.push_back(dataset->queries[size_t(q)]);
                return index.search(texts, queries, k, tiePriority, exclude, searchProgress);
            };
            auto report = engine::evaluateRankings(*dataset, source, options, &engineProgress);
            if (!report)
                return report.error();
            out.warnings = toStringList(report->warnings);
            return EvaluatedRun{std::move(*report), nullptr, nullptr};
        });
    });
}

QFuture<TrainJobResult> trainAsync(std::shared_ptr<const engine::Dataset> dataset, EmbeddingsSource source,
                                   TrainSpec spec, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(),
        [dataset = std::move(dataset), source = std::move(source), spec = std::move(spec), progress]() {
            return runJob<TrainedRun>(progress, [&](TrainJobResult &out) -> engine::Result<TrainedRun> {
                engine::Progress engineProgress(callbackOf(progress));
                const engine::Method *method = engine::findMethod(spec.methodId);
                if (!method)
                    return engine::Error::usage("unknown method \"" + spec.methodId + "\"");
                auto params = engine::ParamValues::parse(method->spec(), spec.params);
                if (!params)
                    return params.error();
                auto set = resolve(source, *dataset);
                if (!set)
                    return set.error();
                std::optional<FitInput> fit;
                if (spec.fitInput) {
                    auto built = spec.fitInput(*dataset, *set, &engineProgress);
                    if (!built)
                        return built.error();
                    fit = std::move(*built);
                }
                auto train = fit ? engine::Result<std::vector<int32_t>>(fit->trainQueries)
                                 : engine::readQueryIdList(localPath(spec.trainQueriesFile), *dataset);
                if (!train)
                    return train.error();
                auto dev = fit ? engine::Result<std::vector<int32_t>>(fit->devQueries)
                               : engine::readQueryIdList(localPath(spec.devQueriesFile), *dataset);
                if (!dev)
                    return dev.error();
                const engine::Dataset &fitDataset = fit ? *fit->dataset : *dataset;

                std::vector<std::shared_ptr<const engine::EmbeddingSet>> experts;
                for (const EmbeddingsSource &expert : spec.experts) {
                    auto resolved = resolve(expert, *dataset);
                    if (!resolved)
                        return resolved.error();
                    experts.push_back(*resolved);
                }

                engine::TrainingData data;
                data.dataset = &fitDataset;
                data.embeddings = fit ? fit->embeddings.get() : set->get();
                for (const auto &expert : experts)
                    data.experts.push_back(expert.get());
                data.trainQueries = *train;
                data.devQueries = *dev;
                data.trainQrels = fitDataset.judgementsFor(*train);
                data.devQrels = fitDataset.judgementsFor(*dev);
                if (data.trainQrels.queries.empty())
                    return engine::Error::input("no query of the training list has judgements",
                                                localPath(spec.trainQueriesFile));

                const auto started = std::chrono::steady_clock::now();
                auto model = method->fit(data, *params, &engineProgress);
                if (!model)
                    return model.error();
                TrainedRun run;
                run.fitSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                run.embeddings = *set;
                run.params = params->all();
                run.reportJson = (*model)->reportJson();
                run.similarity = (*model)->similarity();
                run.trainQueries = int(train->size());
                run.devQueries = int(dev->size());

                const engine::EmbeddingSet &base = **set;
                auto tuned = std::make_shared<engine::EmbeddingSet>();
                tuned->name = base.name + "+" + method->spec().id;
                tuned->source = base.source;
                tuned->provenance = base.provenance;
                tuned->provenance.embedder = base.provenance.embedder + "+" + method->spec().id;
                tuned->provenance.parameters = tunedParameters(base.provenance, method->spec().id, run.params,
                                                               run.reportJson);
                tuned->provenance.created = utcNow();
                tuned->provenance.normalized = run.similarity == engine::Similarity::Cosine;
                tuned->docs = (*model)->tunedDocuments();
                tuned->queries = engine::FloatMatrix((*model)->transformDatasetQueries(*dataset, base.queries.map()));
                tuned->hasQueryVector = base.hasQueryVector;

                engine::EvaluationOptions options = spec.evaluation;
                options.similarity = engine::Similarity::Cosine;
                auto baseline = engine::evaluateEmbeddings(*dataset, base, options, &engineProgress);
                if (!baseline)
                    return baseline.error();
                options.similarity = run.similarity;
                auto result = engine::evaluateEmbeddings(*dataset, *tuned, options, &engineProgress);
                if (!result)
                    return result.error();
                out.warnings = toStringList(result->warnings);
                run.baseline = std::move(*baseline);
                run.result = std::move(*result);
                run.tuned = std::move(tuned);
                run.model = std::move(*model);
                return run;
            });
        });
}

} // namespace embtune::gui
