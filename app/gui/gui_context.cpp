#include "gui_context.h"

#include "feedback.h"
#include "job_runner.h"
#include "jobs/training_queue.h"

#include <QCoreApplication>

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

bool refuseChangeWhileBusy(const GuiContext &context, const QString &title)
{
    if (context.jobs->refuse(title))
        return true;
    if (!context.training->isActive())
        return false;
    context.feedback->showError(title, QCoreApplication::translate("GuiContext",
                                                                   "Training runs are queued or running; wait for them "
                                                                   "or cancel them in the Runs tab first."));
    return true;
}

} // namespace embtune::gui
