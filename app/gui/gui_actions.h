#pragma once
// Small pieces the controllers share to build their actions and recent lists.

#include <QIcon>
#include <QString>

class QAction;
class QObject;
class QSettings;

namespace embtune::gui {
class Feedback;
}

namespace embtune::gui {

// An action of `owner` named `objectName` (tests and the main window find actions by name), with
// `tip` as its tool tip and status tip.
QAction *makeAction(QObject *owner, const QIcon &icon, const QString &text, const QString &objectName,
                    const QString &tip);

// The absolute path of output file `path` once its folder exists; empty (the error shown under
// `title`) when the folder cannot be made.
QString preparedOutputFile(Feedback &feedback, const QString &title, const QString &path);

// Puts `folder` first in the list of folders kept in `settings` under `key`, at most `limit` long.
void addRecentFolder(QSettings &settings, const QString &key, const QString &folder, int limit);

} // namespace embtune::gui
