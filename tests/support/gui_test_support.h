#pragma once
// What the GUI application tests (tests/app/test_gui_*.cpp, test_main_window.cpp) share: a shown
// MainWindow for a test, starting a job and waiting for its signal, dialogs, metric cells and the
// files of their fixtures. Compiled once (library embtune_gui_test_support).

#include "main_window.h"

#include <QApplication>
#include <QByteArray>
#include <QDialog>
#include <QSignalSpy>
#include <QSize>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <vector>

class QTableView;

namespace embtune::test {

// How long a GUI job may take before a test gives up, unless the test says otherwise.
inline constexpr int kGuiTimeoutMs = 60000;

// The usual options of a test window: settings in `settingsFile`, the last session not reopened.
gui::MainWindow::Options windowOptions(const QString &settingsFile);

// A MainWindow with `options`, error dialogs off (errors arrive as errorShown only), resized to
// `size` and shown.
std::unique_ptr<gui::MainWindow> makeWindow(const gui::MainWindow::Options &options, QSize size = QSize(1200, 800));
inline std::unique_ptr<gui::MainWindow> makeWindow(const QString &settingsFile, QSize size = QSize(1200, 800))
{
    return makeWindow(windowOptions(settingsFile), size);
}

// Calls `start` (starts a job; false when it refuses) and waits until `done` has been emitted and
// the window is no longer busy (no job, no training queued or running). True when `done` was emitted exactly once and no error was shown
// and nothing was cancelled within `timeoutMs`; an error shown is printed.
bool waitForJob(gui::MainWindow &window, QSignalSpy &done, const std::function<bool()> &start, int timeoutMs);

// The same for `signal` of the window, e.g. runAndWait(w, &MainWindow::evaluationFinished, [&] { return w.evaluate(); }).
template <typename Signal>
bool runAndWait(gui::MainWindow &window, Signal signal, const std::function<bool()> &start,
                int timeoutMs = kGuiTimeoutMs)
{
    QSignalSpy done(&window, signal);
    return waitForJob(window, done, start, timeoutMs);
}

// Opens the dataset folder `dir` / imports the embeddings folder `dir` and waits for it.
bool openAndWait(gui::MainWindow &window, const QString &dir, int timeoutMs = kGuiTimeoutMs);
bool importAndWait(gui::MainWindow &window, const QString &dir, int timeoutMs = kGuiTimeoutMs);

// The visible top-level dialog (or message box) of type T named `objectName`, or null.
template <typename T = QDialog>
T *findDialog(const QString &objectName)
{
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (auto *dialog = qobject_cast<T *>(widget); dialog && dialog->objectName() == objectName && dialog->isVisible())
            return dialog;
    return nullptr;
}

// Closes every top-level widget of type T (a test function's cleanup: no stray dialog left).
template <typename T>
void closeTopLevel()
{
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (qobject_cast<T *>(widget))
            widget->close();
}

// Drags `path` (a file or folder URL) onto the middle of `target` and drops it there; false when the
// drag or the drop is not accepted.
bool dropPath(QWidget &target, const QString &path);

// Display text of the cell of the metrics table at row header `run` and column header `column`
// ("nDCG@10"), or "<no cell RUN COLUMN>".
QString metricCell(const QTableView *table, const QString &run, const QString &column);

// Fixture files: `content` at `path` (folders created); a float32 .npy matrix; an id list.
bool writeText(const QString &path, const QByteArray &content);
bool writeMatrix(const QString &path, int rows, int cols, const std::vector<float> &values);
bool writeIds(const QString &path, const std::vector<std::string> &ids);
QByteArray readAll(const QString &path);

} // namespace embtune::test
