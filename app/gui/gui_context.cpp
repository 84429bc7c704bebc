#include "gui_context.h"

#include <QDir>
#include <QStandardPaths>

namespace embtune::gui {

QString embeddingCacheRoot()
{
    const QString fromEnvironment = qEnvironmentVariable("EMBTUNE_CACHE_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir(fromEnvironment).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/embeddings");
}

QList<int> evaluationKs()
{
    QList<int> ks;
    for (int k = 1; k <= 100; ++k)
        ks.append(k);
    return ks;
}

} // namespace embtune::gui
