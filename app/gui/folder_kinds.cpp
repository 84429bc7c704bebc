#include "folder_kinds.h"

#include "workspace.h"

#include <QDir>
#include <QFileInfo>

namespace embtune::gui {

bool isDatasetFolder(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QStringLiteral("corpus.jsonl")));
}

bool isWorkspaceFolder(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(app::Workspace::kDatabaseName)));
}

bool looksLikeEmbeddingsFolder(const QString &dir)
{
    for (const char *name : {"corpus.npy", "corpus.safetensors", "corpus.fvecs", "corpus_embeddings.jsonl"})
        if (QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(name))))
            return true;
    return false;
}

} // namespace embtune::gui
