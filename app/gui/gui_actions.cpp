#include "gui_actions.h"

#include <QAction>
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
