#include "workspace_session.h"

#include "data/dataset_hash.h"
#include "io/npy.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <cstring>
#include <map>

#ifndef EMBTUNE_VERSION
#define EMBTUNE_VERSION "dev"
#endif

namespace embtune::gui {

using engine::Error;
using engine::Status;

const QList<int> WorkspaceSession::kStoredKs = {1, 3, 5, 10, 100};

namespace {

std::string toStd(const QString &text)
{
    return text.toStdString();
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const std::string &text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

std::string metricKeyAt(engine::Metric metric, int k)
{
    std::string name = engine::metricKey(metric);
    name += '@';
    name += std::to_string(k);
    return name;
}

} // namespace

struct WorkspaceSession::Shared {
    std::optional<app::Workspace> workspace;
    std::map<int, int64_t> runIds;                         // handle -> run id
    // Datasets recorded this session, by address; the weak pointer tells a freed one (whose
    // address a new dataset may reuse) from the one recorded.
    std::map<const engine::Dataset *, std::pair<std::weak_ptr<const engine::Dataset>, int64_t>> datasetIds;
    std::map<std::pair<int64_t, std::string>, int64_t> setIds; // (dataset id, panel key) -> set id
    std::vector<int64_t> deleted;                          // deleted this session (purged on close)

    engine::Result<int64_t> datasetId(const std::shared_ptr<const engine::Dataset> &pointer, const QString &path)
    {
        const engine::Dataset &dataset = *pointer;
        if (auto it = datasetIds.find(&dataset); it != datasetIds.end() && it->second.first.lock() == pointer)
            return it->second.second;
        app::DatasetRecord record;
        record.path = toStd(path.isEmpty() ? QString::fromStdString(dataset.path) : path);
        record.name = dataset.name;
        record.hash = engine::datasetHash(dataset);
        record.documents = dataset.docCount();
        record.queries = dataset.queryCount();
        for (const auto &[name, qrels] : dataset.splits)
            record.judgements += qrels.judgementCount();
        auto id = workspace->addDataset(record);
        if (id)
            datasetIds[&dataset] = {pointer, *id};
        return id;
    }

    engine::Result<int64_t> embeddingSetId(int64_t datasetId, const RunStart &start)
    {
        const std::string key = toStd(start.embeddingsKey.isEmpty() ? start.embeddingsName : start.embeddingsKey);
        if (auto it = setIds.find({datasetId, key}); it != setIds.end())
            return it->second;
        auto existing = workspace->embeddingSets(datasetId);
        if (!existing)
            return existing.error();
        for (const app::EmbeddingSetRecord &set : *existing)
            if (jsonObject(set.provenanceJson).value(QStringLiteral("key")).toString().toStdString() == key &&
                set.name == toStd(start.embeddingsName))
                return setIds[{datasetId, key}] = set.id;
        app::EmbeddingSetRecord record;
        record.datasetId = datasetId;
        record.name = toStd(start.embeddingsName);
        QJsonObject provenance{{QStringLiteral("key"), QString::fromStdString(key)},
                               {QStringLiteral("source"), start.embeddingsSource},
                               {QStringLiteral("embedder"), start.embedder}};
        record.provenanceJson = toStd(jsonText(provenance));
        record.dim = start.dim;
        record.count = start.documents;
        auto id = workspace->addEmbeddingSet(record);
        if (id)
            setIds[{datasetId, key}] = *id;
        return id;
    }

    engine::Result<int64_t> runId(int handle) const
    {
        const auto it = runIds.find(handle);
        if (it == runIds.end())
            return Error::usage("run " + std::to_string(handle) + " was not recorded in the workspace");
        return it->second;
    }
};

WorkspaceSession::WorkspaceSession(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(1); // writes happen in call order
    m_pool.setExpiryTimeout(-1);
}

WorkspaceSession::~WorkspaceSession()
{
    close();
}

void WorkspaceSession::waitForWrites()
{
    m_pool.waitForDone();
}

QString WorkspaceSession::open(const QString &folder, bool create)
{
    close();
    const QString path = QDir(folder).absolutePath();
    auto workspace = app::Workspace::open(toStd(path), create ? app::Workspace::OpenMode::OpenOrCreate
                                                               : app::Workspace::OpenMode::Open);
    if (!workspace)
        return QString::fromStdString(workspace.error().toString());
    m_shared = std::make_shared<Shared>();
    m_shared->workspace.emplace(std::move(*workspace));
    m_workspace = &*m_shared->workspace;
    m_folder = path;
    m_recovered.clear();
    for (int64_t id : m_workspace->recoveredRuns())
        m_recovered << id;
    m_handleOfId.clear();
    return {};
}

void WorkspaceSession::close()
{
    m_pool.waitForDone();
    if (!m_shared)
        return;
    if (!m_shared->deleted.empty())
        (void)m_workspace->purgeDeletedRuns(); // a failure leaves them hidden, as deleted
    m_workspace->close();
    m_workspace = nullptr;
    m_shared.reset();
    m_folder.clear();
    m_recovered.clear();
    m_handleOfId.clear();
}

void WorkspaceSession::post(std::function<Status(Shared &)> write, const QString &what)
{
    if (!m_shared)
        return;
    QPointer<WorkspaceSession> self(this);
    std::shared_ptr<Shared> shared = m_shared;
    m_pool.start([self, shared, write = std::move(write), what] {
        if (!shared->workspace || !shared->workspace->isOpen())
            return;
        if (Status s = write(*shared); !s) {
            const QString message = what + QStringLiteral(": ") + QString::fromStdString(s.error().toString());
            QMetaObject::invokeMethod(
                qApp, [self, message] {
                    if (self)
                        emit self->writeFailed(message);
                },
                Qt::QueuedConnection);
        }
    });
}

int WorkspaceSession::beginRun(const RunStart &start)
{
    if (!m_shared)
        return 0;
    const int handle = m_nextHandle++;
    post(
        [handle, start](Shared &shared) -> Status {
            auto datasetId = shared.datasetId(start.dataset, start.datasetPath);
            if (!datasetId)
                return datasetId.error();
            app::RunRecord run;
            run.datasetId = *datasetId;
            if (!start.embeddingsName.isEmpty()) {
                auto setId = shared.embeddingSetId(*datasetId, start);
                if (!setId)
                    return setId.error();
                run.embeddingSetId = *setId;
            }
            run.methodId = toStd(start.methodId);
            run.paramsJson = toStd(start.paramsJson);
            run.seed = start.seed;
            run.codeVersion = EMBTUNE_VERSION;
            run.searchJson = toStd(start.searchJson);
            run.specJson = toStd(start.specJson);
            run.status = start.running ? app::RunStatus::Running : app::RunStatus::Queued;
            auto id = shared.workspace->createRun(run);
            if (!id)
                return id.error();
            shared.runIds[handle] = *id;
            if (start.running)
                return shared.workspace->startRun(*id);
            return {};
        },
        tr("Cannot record the run in the workspace"));
    return handle;
}

void WorkspaceSession::markRunning(int handle)
{
    post(
        [handle](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            return shared.workspace->startRun(*id);
        },
        tr("Cannot record the start of the run"));
}

void WorkspaceSession::setParameters(int handle, const QString &paramsJson, qint64 seed)
{
    post(
        [handle, params = toStd(paramsJson), seed](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            return shared.workspace->setRunParameters(*id, params, seed);
        },
        tr("Cannot record the parameters of the run"));
}

void WorkspaceSession::finishRun(int handle, const RunResult &result)
{
    post(
        [handle, result](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            app::Workspace &ws = *shared.workspace;
            const engine::EvaluationReport &report = *result.report;
            const engine::MetricResults &metrics = report.metrics;
            const engine::Dataset &dataset = *result.dataset;

            // Per-query rows for the stored ks; every metric and k as one float64 artifact.
            std::vector<app::QueryMetricValue> rows;
            std::string blob;
            QJsonArray metricKeys, ks, queries;
            for (int32_t q : metrics.queries)
                queries.append(QString::fromStdString(dataset.queryIds.id(q)));
            for (int k : metrics.ks)
                ks.append(k);
            for (engine::Metric metric : metrics.metrics) {
                metricKeys.append(QString::fromLatin1(engine::metricKey(metric)));
                for (int k : metrics.ks) {
                    const std::vector<double> &values = metrics.values(metric, k);
                    const size_t at = blob.size();
                    blob.resize(at + values.size() * sizeof(double));
                    std::memcpy(blob.data() + at, values.data(), values.size() * sizeof(double));
                    if (!kStoredKs.contains(k))
                        continue;
                    const std::string name = metricKeyAt(metric, k);
                    for (size_t i = 0; i < values.size(); ++i)
                        rows.push_back({dataset.queryIds.id(metrics.queries[i]), name, values[i]});
                }
            }
            if (Status s = ws.addQueryMetrics(*id, rows); !s)
                return s;
            if (auto stored = ws.storeRunFile(*id, "per_query_metrics", "per_query_metrics.f64", blob); !stored)
                return stored.error();
            if (result.tuned) {
                if (auto stored = ws.storeRunMatrix(*id, "tuned_documents", result.tuned->docs); !stored)
                    return stored.error();
                if (!result.tuned->queries.empty())
                    if (auto stored = ws.storeRunMatrix(*id, "tuned_queries", result.tuned->queries.map()); !stored)
                        return stored.error();
            }
            for (const QString &line : result.log)
                if (Status s = ws.appendLog(*id, "info", toStd(line)); !s)
                    return s;
            for (const std::string &warning : report.warnings)
                if (Status s = ws.appendLog(*id, "warning", warning); !s)
                    return s;

            QJsonObject means;
            for (engine::Metric metric : metrics.metrics)
                for (int k : kStoredKs)
                    if (metrics.has(metric, k))
                        means.insert(QString::fromStdString(metricKeyAt(metric, k)), metrics.mean(metric, k));
            QJsonObject summary{{QStringLiteral("key"), result.key},
                                {QStringLiteral("name"), result.name},
                                {QStringLiteral("description"), result.description},
                                {QStringLiteral("split"), result.split},
                                {QStringLiteral("report"), result.reportJson},
                                {QStringLiteral("judged"), report.judgedQueries},
                                {QStringLiteral("excluded"), metrics.excludedNoRelevant},
                                {QStringLiteral("search_seconds"), report.searchSeconds},
                                {QStringLiteral("means"), means},
                                {QStringLiteral("queries"), queries},
                                {QStringLiteral("metrics"), metricKeys},
                                {QStringLiteral("ks"), ks}};
            return ws.finishRun(*id, toStd(jsonText(summary)), result.trainSeconds);
        },
        tr("Cannot record the results of %1 in the workspace").arg(result.name));
}

void WorkspaceSession::endRun(int handle, app::RunStatus status, const QString &message)
{
    post(
        [handle, status, message](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            if (!message.isEmpty())
                (void)shared.workspace->appendLog(*id, status == app::RunStatus::Failed ? "error" : "info",
                                                  toStd(message));
            return shared.workspace->endRun(*id, status, toStd(message));
        },
        tr("Cannot record the end of the run"));
}

void WorkspaceSession::deleteRun(int handle)
{
    post(
        [handle](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            shared.deleted.push_back(*id);
            return shared.workspace->deleteRun(*id);
        },
        tr("Cannot delete the run in the workspace"));
}

void WorkspaceSession::restoreRun(int handle)
{
    post(
        [handle](Shared &shared) -> Status {
            auto id = shared.runId(handle);
            if (!id)
                return id.error();
            std::erase(shared.deleted, *id);
            return shared.workspace->restoreRun(*id);
        },
        tr("Cannot restore the run in the workspace"));
}

void WorkspaceSession::setViewState(const QString &key, const QString &json)
{
    post([key = toStd(key), json = toStd(json)](Shared &shared) { return shared.workspace->setViewState(key, json); },
         tr("Cannot save the view state"));
}

std::optional<QString> WorkspaceSession::viewState(const QString &key)
{
    m_pool.waitForDone();
    if (!m_workspace)
        return std::nullopt;
    auto value = m_workspace->viewState(toStd(key));
    if (!value || !*value)
        return std::nullopt;
    return QString::fromStdString(**value);
}

QList<WorkspaceSession::StoredRun> WorkspaceSession::storedRuns(QString *error)
{
    m_pool.waitForDone();
    QList<StoredRun> out;
    if (!m_workspace)
        return out;
    auto runs = m_workspace->runs();
    auto datasets = m_workspace->datasets();
    auto sets = m_workspace->embeddingSets();
    if (!runs || !datasets || !sets) {
        if (error)
            *error = QString::fromStdString(
                (!runs ? runs.error() : !datasets ? datasets.error() : sets.error()).toString());
        return out;
    }
    for (const app::RunRecord &record : *runs) {
        StoredRun run;
        run.id = record.id;
        run.record = record;
        int &handle = m_handleOfId[record.id];
        if (handle == 0) {
            handle = m_nextHandle++;
            m_shared->runIds[handle] = record.id;
        }
        run.handle = handle;
        const QJsonObject summary = jsonObject(record.summaryJson);
        run.key = summary.value(QStringLiteral("key")).toString();
        run.name = summary.value(QStringLiteral("name")).toString();
        run.description = summary.value(QStringLiteral("description")).toString();
        run.split = summary.value(QStringLiteral("split")).toString();
        run.reportJson = summary.value(QStringLiteral("report")).toString();
        for (const app::DatasetRecord &d : *datasets)
            if (d.id == record.datasetId)
                run.datasetPath = QString::fromStdString(d.path);
        for (const app::EmbeddingSetRecord &s : *sets)
            if (s.id == record.embeddingSetId)
                run.embeddingsKey = jsonObject(s.provenanceJson).value(QStringLiteral("key")).toString();
        out << run;
    }
    return out;
}

QFuture<QList<WorkspaceSession::StoredRun>> WorkspaceSession::loadResults(QList<StoredRun> runs,
                                                                          std::shared_ptr<const engine::Dataset> dataset)
{
    std::shared_ptr<Shared> shared = m_shared;
    return QtConcurrent::run(&m_pool, [shared, runs = std::move(runs), dataset]() mutable {
        QList<StoredRun> out;
        if (!shared || !shared->workspace || !dataset)
            return out;
        const app::Workspace &ws = *shared->workspace;
        for (StoredRun &run : runs) {
            if (run.record.status != app::RunStatus::Finished)
                continue;
            auto record = ws.run(run.id); // with its artifacts
            if (!record) {
                run.problem = QString::fromStdString(record.error().toString());
                out << run;
                continue;
            }
            const QJsonObject summary = jsonObject(record->summaryJson);
            auto report = std::make_shared<engine::EvaluationReport>();
            report->split = toStd(run.split);
            report->judgedQueries = summary.value(QStringLiteral("judged")).toInt();
            report->searchSeconds = summary.value(QStringLiteral("search_seconds")).toDouble();
            engine::MetricResults &metrics = report->metrics;
            metrics.excludedNoRelevant = summary.value(QStringLiteral("excluded")).toInt();
            for (const QJsonValue &q : summary.value(QStringLiteral("queries")).toArray()) {
                const int32_t index = dataset->queryIds.find(toStd(q.toString()));
                if (index < 0) {
                    run.problem = QCoreApplication::translate("WorkspaceSession", "query \"%1\" is not in the dataset")
                                      .arg(q.toString());
                    break;
                }
                metrics.queries.push_back(index);
            }
            for (const QJsonValue &k : summary.value(QStringLiteral("ks")).toArray())
                metrics.ks.push_back(k.toInt());
            for (const QJsonValue &m : summary.value(QStringLiteral("metrics")).toArray()) {
                engine::Metric metric;
                if (engine::metricFromKey(toStd(m.toString()), metric))
                    metrics.metrics.push_back(metric);
            }
            std::string blob;
            std::string tunedDocs, tunedQueries;
            for (const app::ArtifactRef &artifact : record->artifacts) {
                if (artifact.role != "per_query_metrics" && artifact.role != "tuned_documents" &&
                    artifact.role != "tuned_queries")
                    continue;
                auto path = ws.artifactPath(artifact); // refuses a path that leaves artifacts/
                if (!path) {
                    if (run.problem.isEmpty())
                        run.problem = QString::fromStdString(path.error().toString());
                    continue;
                }
                if (artifact.role == "per_query_metrics") {
                    QFile file(QString::fromStdString(*path));
                    if (file.open(QIODevice::ReadOnly))
                        blob = file.readAll().toStdString();
                } else if (artifact.role == "tuned_documents") {
                    tunedDocs = *path;
                } else {
                    tunedQueries = *path;
                }
            }
            const size_t n = metrics.queries.size();
            const size_t expected = metrics.metrics.size() * metrics.ks.size() * n * sizeof(double);
            if (run.problem.isEmpty() && (blob.size() != expected || n == 0))
                run.problem = QCoreApplication::translate("WorkspaceSession",
                                                          "per_query_metrics of run %1: %2 bytes, expected %3")
                                  .arg(run.id)
                                  .arg(blob.size())
                                  .arg(expected);
            if (!run.problem.isEmpty()) {
                out << run;
                continue;
            }
            size_t at = 0;
            for (engine::Metric metric : metrics.metrics)
                for (int k : metrics.ks) {
                    std::vector<double> values(n);
                    std::memcpy(values.data(), blob.data() + at, n * sizeof(double));
                    at += n * sizeof(double);
                    metrics.perQuery[{metric, k}] = std::move(values);
                }
            run.report = report;
            if (!tunedDocs.empty()) {
                auto docs = engine::readNpyMatrix(tunedDocs);
                if (docs && docs->rows() == dataset->docCount()) {
                    auto tuned = std::make_shared<engine::EmbeddingSet>();
                    tuned->name = toStd(run.name);
                    tuned->source = tunedDocs;
                    tuned->provenance.embedder = run.record.methodId;
                    tuned->docs = std::move(*docs);
                    tuned->hasQueryVector.assign(size_t(dataset->queryCount()), 0);
                    if (!tunedQueries.empty()) {
                        auto queries = engine::readNpyMatrix(tunedQueries);
                        if (queries && queries->rows() == dataset->queryCount()) {
                            tuned->queries = std::move(*queries);
                            tuned->hasQueryVector.assign(size_t(dataset->queryCount()), 1);
                        }
                    }
                    run.tuned = tuned;
                } else {
                    run.problem = QCoreApplication::translate("WorkspaceSession", "%1: %2")
                                      .arg(QString::fromStdString(tunedDocs),
                                           docs ? QStringLiteral("row count differs from the dataset")
                                                : QString::fromStdString(docs.error().toString()));
                }
            }
            out << run;
        }
        return out;
    });
}

} // namespace embtune::gui
