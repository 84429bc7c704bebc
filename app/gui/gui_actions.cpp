#include "gui_actions.h"

#include "feedback.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStringList>

namespace embtune::gui {

QAction *makeAction(QObject *owner, const QIcon &icon, const QString &text, const QString &objectName,
                    const QString &tip)
{
    auto *action = new QAction(icon, text, owner);
    action->setObjectName(objectName);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    return action;
}

QString preparedOutputFile(Feedback &feedback, const QString &title, const QString &path)
{
    const QFileInfo target(path);
    if (!QDir().mkpath(target.absolutePath())) {
        feedback.showError(title, QCoreApplication::translate("GuiActions", "%1: cannot create the folder")
                                      .arg(QDir::toNativeSeparators(target.absolutePath())));
        return {};
    }
    return target.absoluteFilePath();
}

void addRecentFolder(QSettings &settings, const QString &key, const QString &folder, int limit)
{
    QStringList recent = settings.value(key).toStringList();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > limit)
        recent.removeLast();
    settings.setValue(key, recent);
}

} // namespace embtune::gui
