#include "jobs/remote_jobs.h"

#include "data/dataset_hash.h"
#include "gui_text.h"
#include "jobs/job_progress.h"

#include <QDateTime>
#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <cmath>
#include <exception>
#include <new>

namespace embtune::gui {

namespace {

std::vector<std::string> allTexts(const engine::Dataset &dataset)
{
    std::vector<std::string> texts = engine::documentTexts(dataset);
    texts.insert(texts.end(), dataset.queries.begin(), dataset.queries.end());
    return texts;
}

} // namespace

std::string remoteSetName(const net::RemoteEmbedderSettings &settings)
{
    std::string name = settings.model.toStdString();
    if (settings.dimensions > 0) {
        name += '-'; // (not "-" + to_string(): GCC 12 warns falsely with -Wrestrict)
        name += std::to_string(settings.dimensions);
    }
    return name;
}

QFuture<RemotePlanJobResult> planRemoteAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                             RemoteRequest request, QString cacheRoot, JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), textsHash = std::move(textsHash),
                              request = std::move(request), cacheRoot = std::move(cacheRoot), progress]() {
        return runJob<RemotePlan>(progress, [&](RemotePlanJobResult &) -> engine::Result<RemotePlan> {
            net::ApiKey key;
            if (request.useKey) {
                // The keychain may ask the user to unlock it: this blocks this worker thread only.
                auto loaded = net::loadApiKey(request.keySource);
                if (!loaded)
                    return loaded.error();
                key = *loaded;
            }
            if (progress && progress->isCancelled())
                return engine::Error::cancelled();
            RemotePlan plan;
            plan.embedder = std::make_shared<net::RemoteEmbedder>(request.settings, key);
            if (engine::Status valid = plan.embedder->validate(); !valid)
                return valid.error();

            const std::string configKey = plan.embedder->configKey();
            const engine::EmbeddingCache cache(localPath(cacheRoot));
            auto cached = cache.lookup(textsHash, configKey, *dataset);
            if (cached && cached->has_value()) {
                auto info = engine::readStoredSetInfo(cache.entryDir(textsHash, configKey));
                if (!info)
                    return info.error();
                ComputedEmbeddings hit;
                hit.set = std::move(**cached);
                hit.info = std::move(*info);
                hit.cacheHit = true;
                plan.cached = std::move(hit);
                return plan;
            }
            auto estimate = plan.embedder->estimate(allTexts(*dataset));
            if (!estimate)
                return estimate.error();
            plan.estimate = *estimate;
            return plan;
        });
    });
}

QFuture<ComputeJobResult> embedRemoteAsync(std::shared_ptr<const engine::Dataset> dataset, std::string textsHash,
                                           std::shared_ptr<net::RemoteEmbedder> embedder, QString cacheRoot,
                                           JobProgress *progress)
{
    return QtConcurrent::run(workerPool(), [dataset = std::move(dataset), textsHash = std::move(textsHash),
                              embedder = std::move(embedder), cacheRoot = std::move(cacheRoot), progress]() {
        return runJob<ComputedEmbeddings>(progress, [&](ComputeJobResult &out) -> engine::Result<ComputedEmbeddings> {
            engine::Progress engineProgress(callbackOf(progress));
            auto vectors = embedder->embed(allTexts(*dataset), &engineProgress);
            const net::EmbedStats stats = embedder->lastStats();
            if (!vectors)
                return vectors.error();
            const engine::RowMatrixXf &m = *vectors;
            ComputedEmbeddings computed;
            engine::EmbeddingSet &set = computed.set;
            set.name = remoteSetName(embedder->settings());
            set.docs = engine::FloatMatrix(engine::RowMatrixXf(m.topRows(dataset->docCount())));
            set.queries = engine::FloatMatrix(engine::RowMatrixXf(m.bottomRows(dataset->queryCount())));
            set.hasQueryVector.assign(size_t(dataset->queryCount()), 1);
            const std::string configKey = embedder->configKey();
            set.provenance.embedder = embedder->name();
            set.provenance.parameters = configKey.substr(configKey.find(':') + 1); // base_url, model, dimensions
            set.provenance.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
            set.provenance.datasetHash = textsHash;
            double worst = 0;
            for (Eigen::Index i = 0; i < m.rows(); ++i)
                worst = std::max(worst, std::abs(double(m.row(i).norm()) - 1.0));
            set.provenance.normalized = worst < 1e-3;
            out.warnings.append(QStringLiteral("%1 requests (%2 retries), %3 texts sent, %4 from the request cache")
                                    .arg(stats.requests)
                                    .arg(stats.retries)
                                    .arg(stats.sentTexts)
                                    .arg(stats.cachedTexts));

            const engine::EmbeddingCache cache(localPath(cacheRoot));
            if (engine::Status stored = cache.store(textsHash, configKey, set, *dataset); !stored)
                return stored.error();
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

} // namespace embtune::gui
