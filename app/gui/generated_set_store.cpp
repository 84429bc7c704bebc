#include "generated_set_store.h"

#include "data/dataset_hash.h"
#include "gui_text.h"
#include "run_recorder.h"
#include "workspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>

namespace embtune::gui {

namespace {

// The manifest of a generated-set folder; false when it is not readable as one.
bool readManifest(const QString &folder, GeneratedSetInfo &info)
{
    QFile file(QDir(folder).filePath(QStringLiteral("manifest.json")));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject m = QJsonDocument::fromJson(file.readAll()).object();
    if (m.value(QStringLiteral("format")).toString() != QStringLiteral("embtune.synthetic-queries"))
        return false;
    info.folder = QDir(folder).absolutePath();
    info.generator = m.value(QStringLiteral("generator")).toString();
    info.parametersJson = m.value(QStringLiteral("parameters")).toString();
    info.seed = m.value(QStringLiteral("seed")).toString();
    info.queries = m.value(QStringLiteral("queries")).toInteger();
    info.documentsSampled = m.value(QStringLiteral("documents_sampled")).toInteger();
    info.documentsWithQueries = m.value(QStringLiteral("documents_with_queries")).toInteger();
    return true;
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

GeneratedSetStore::GeneratedSetStore(QString root) : m_root(std::move(root)) {}

void GeneratedSetStore::setWorkspace(app::Workspace *workspace)
{
    m_access = workspace ? WorkspaceAccess([workspace] { return workspace; }) : WorkspaceAccess();
}

QString GeneratedSetStore::defaultRoot()
{
    const QString fromEnvironment = qEnvironmentVariable("EMBTUNE_DATA_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir(fromEnvironment).absoluteFilePath(QStringLiteral("generated"));
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/generated");
}

QString GeneratedSetStore::nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("Give the set a name.");
    if (name.size() > 64)
        return QStringLiteral("The name is longer than 64 characters.");
    if (name.startsWith(QLatin1Char('.')) || name.startsWith(QLatin1Char(' ')) || name.endsWith(QLatin1Char(' ')))
        return QStringLiteral("The name may not start with \".\" or start or end with a space.");
    for (QChar c : name)
        if (!(c.isLetterOrNumber() || c == QLatin1Char(' ') || c == QLatin1Char('_') || c == QLatin1Char('-') ||
              c == QLatin1Char('.')))
            return QStringLiteral("The name may hold letters, digits, spaces, \"_\", \"-\" and \".\" only.");
    return {};
}

engine::Result<QList<GeneratedSetInfo>> GeneratedSetStore::list(const std::string &textsHash) const
{
    QList<GeneratedSetInfo> out;
    if (app::Workspace *ws = workspace()) {
        auto records = ws->querySets();
        if (!records)
            return records.error();
        for (const app::QuerySetRecord &r : *records) {
            const QJsonObject params =
                QJsonDocument::fromJson(QByteArray::fromStdString(r.paramsJson)).object();
            if (params.value(QStringLiteral("dataset_hash")).toString().toStdString() != textsHash)
                continue;
            GeneratedSetInfo info;
            auto folder = ws->querySetFolder(r); // refuses a folder outside artifacts/
            if (!folder)
                return folder.error();
            if (!readManifest(QString::fromStdString(*folder), info))
                continue; // a record whose folder is gone: nothing to browse or train on
            info.name = QString::fromStdString(r.name);
            info.created = isoUtc(r.createdAt);
            info.workspaceId = r.id;
            out.append(info);
        }
        return out;
    }
    const QDir dir(QDir(m_root).filePath(QString::fromStdString(textsHash)));
    for (const QFileInfo &entry : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time | QDir::Reversed)) {
        GeneratedSetInfo info;
        if (!readManifest(entry.absoluteFilePath(), info))
            continue; // a temporary or foreign folder
        info.name = entry.fileName();
        info.created = entry.lastModified().toUTC().toString(Qt::ISODate);
        out.append(info);
    }
    return out;
}

engine::Result<GeneratedSetInfo> GeneratedSetStore::store(const QString &name, const engine::SyntheticSet &set,
                                                          const engine::Dataset &dataset)
{
    if (const QString problem = nameProblem(name); !problem.isEmpty())
        return engine::Error::usage(problem.toStdString());
    auto existing = list(set.datasetHash);
    if (!existing)
        return existing.error();
    if (std::any_of(existing->begin(), existing->end(), [&](const GeneratedSetInfo &i) { return i.name == name; }))
        return engine::Error::usage("there is already a generated set named \"" + name.toStdString() + "\"");
    GeneratedSetInfo info;
    if (app::Workspace *ws = workspace()) {
        auto datasetId = ws->addDataset(app::datasetRecordOf(dataset));
        if (!datasetId)
            return datasetId.error();
        auto stored = ws->storeQuerySet(
            app::querySetRecordOf(set, *datasetId, name.toStdString()), [&](const std::string &dir) { return engine::writeSyntheticSet(set, dataset, dir); });
        if (!stored)
            return stored.error();
        auto folder = ws->querySetFolder(*stored);
        if (!folder)
            return folder.error();
        readManifest(QString::fromStdString(*folder), info);
        info.workspaceId = stored->id;
        info.created = isoUtc(stored->createdAt);
    } else {
        // Written into a temporary sibling and renamed, so a listed folder is always complete.
        const QDir parent(QDir(m_root).filePath(QString::fromStdString(set.datasetHash)));
        if (!QDir().mkpath(parent.path()))
            return engine::Error::io("cannot create the folder", localPath(parent.path()));
        const QString temp = parent.filePath(QStringLiteral(".tmp-") + name);
        const QString final = parent.filePath(name);
        QDir(temp).removeRecursively();
        if (engine::Status s = engine::writeSyntheticSet(set, dataset, localPath(temp)); !s) {
            QDir(temp).removeRecursively();
            return s.error();
        }
        if (!QDir().rename(temp, final)) {
            QDir(temp).removeRecursively();
            return engine::Error::io("cannot move the generated set into place", localPath(final));
        }
        readManifest(final, info);
        info.created = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    }
    info.name = name;
    return info;
}

engine::Status GeneratedSetStore::remove(const GeneratedSetInfo &info)
{
    if (info.workspaceId > 0) {
        app::Workspace *ws = workspace();
        if (!ws)
            return engine::Error::usage("the set is stored in a workspace that is not open");
        return ws->deleteQuerySet(info.workspaceId);
    }
    if (!QDir(info.folder).removeRecursively())
        return engine::Error::io("cannot remove the folder", localPath(info.folder));
    return {};
}

} // namespace embtune::gui
