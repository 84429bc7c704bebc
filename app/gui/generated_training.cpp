#include "generated_training.h"

#include "embed/lsa_embedder.h"
#include "embedding_set_list_model.h"
#include "generated_set_list.h"
#include "gui_text.h"
#include "remote_settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

namespace embtune::gui {

namespace {

using Row = widgets::EmbeddingSetRow;

QString tr(const char *text)
{
    return QCoreApplication::translate("GeneratedTraining", text);
}

// The LSA model folder of a set: DIR/model of an `embtune-cli embed` folder or of a cache entry.
QString lsaModelDir(const Row &row)
{
    return row.location.isEmpty() ? QString() : QDir(row.location).filePath(QStringLiteral("model"));
}

bool hasLsaModel(const Row &row)
{
    return !row.location.isEmpty() && QFileInfo::exists(QDir(lsaModelDir(row)).filePath(QStringLiteral("lsa.json")));
}

} // namespace

QString generatedTrainingProblem(const Row *row)
{
    if (!row || row->origin == Row::Origin::Baseline)
        return tr("Select an embedding set with vectors.");
    if (row->embedder == QStringLiteral("lsa")) {
        if (hasLsaModel(*row) ||
            (row->origin == Row::Origin::Cache && engine::LsaEmbedder::optionsFromJson(row->parameters.toStdString()).ok()))
            return {};
        return tr("Generated queries must be embedded like the dataset's queries, and the LSA set \"%1\" was imported "
                  "without its model (model/lsa.json). Compute the set with Embeddings > Compute Embeddings (LSA).")
            .arg(row->name);
    }
    if (row->embedder == QStringLiteral("openai") && row->configKey.startsWith(QStringLiteral("openai:")))
        return {};
    return tr("Generated queries must be embedded with the embedder of the set's queries, and \"%1\" (%2) was "
              "computed outside embtune, so it cannot embed new queries alike. Train on a set computed here with the "
              "built-in LSA or an API (Embeddings menu).")
        .arg(row->name, row->embedder);
}

QString applyGeneratedQueries(GeneratedSetList &sets, const Row &row, const QSettings &settings,
                              const QString &cacheRoot, const QString &setName, bool withLabelled, RunRequest &run,
                              QString *note)
{
    if (const QString problem = generatedTrainingProblem(&row); !problem.isEmpty())
        return problem;
    auto set = sets.load(setName);
    if (!set)
        return fromStd(set.error().toString());
    if (withLabelled && run.spec.trainQueries.empty())
        return tr("Choose the file of labelled training queries (or train on the generated set only).");
    run.generated = *set;
    if (const GeneratedSetInfo *info = sets.find(setName))
        run.spec.generatedQueries = localPath(info->folder);
    if (!withLabelled)
        run.spec.trainQueries.clear();
    // Dev: the labelled dev file (the dialog's or the dataset's splits/dev.txt), else held-out
    // generated queries.
    if (row.embedder == QStringLiteral("lsa")) {
        run.spec.queryEmbedder = localPath(lsaModelDir(row)); // loaded there, or fitted again and saved there
    } else {
        RemoteRequest remote = loadRemoteRequest(settings);
        const QJsonObject service =
            QJsonDocument::fromJson(row.configKey.mid(int(qstrlen("openai:"))).toUtf8()).object();
        remote.settings.baseUrl = service.value(QStringLiteral("base_url")).toString();
        remote.settings.model = service.value(QStringLiteral("model")).toString();
        remote.settings.dimensions = service.value(QStringLiteral("dimensions")).toInt();
        remote.settings.cacheDir = QDir(cacheRoot).filePath(QStringLiteral(".remote-requests"));
        run.queryEmbedder = remoteQueryEmbedder(std::move(remote));
    }
    *note = tr("\ntraining queries: %1generated set %2 (%3 queries, %4)%5")
                .arg(withLabelled ? tr("labelled + ") : QString(), setName)
                .arg((*set)->queries.size())
                .arg(fromStd((*set)->generator))
                .arg(run.spec.devQueries.empty() ? tr("; dev: held-out generated queries") : QString());
    return {};
}

} // namespace embtune::gui
