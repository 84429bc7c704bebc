#pragma once
// What the GUI application tests (tests/app/test_gui_*.cpp, test_main_window.cpp) share: a shown
// MainWindow for a test, starting a job and waiting for its signal, dialogs, metric cells and the
// files of their fixtures. Compiled once (library embtune_gui_test_support).

#include "controllers/analysis_controller.h"
#include "controllers/appearance_controller.h"
#include "controllers/compare_controller.h"
#include "controllers/embeddings_controller.h"
#include "controllers/evaluation_controller.h"
#include "controllers/explorer_controller.h"
#include "controllers/generated_queries_controller.h"
#include "controllers/training_controller.h"
#include "controllers/welcome_controller.h"
#include "controllers/workspace_controller.h"
#include "dataset_context.h"
#include "embedding_set_store.h"
#include "feedback.h"
#include "generated_set_store.h"
#include "generated_training.h"
#include "job_runner.h"
#include "main_window.h"
#include "run_store.h"

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

// GUI speed targets (the largest event-loop stall during a run, the time to show a result) are
// benchmarks, not unit-test assertions: a test measures and calls this, which prints one JSON line
// {"bench": name, "ms": valueMs, "target_ms": targetMs, "met": bool} and returns whether the target
// holds; it returns true whatever the figure unless EMBTUNE_TIMING_TARGETS=1, which the ctest
// entries labelled `bench` (tests/app/CMakeLists.txt) set when they run the measuring test function
// alone in an optimised build.
bool meetsTimingTarget(const char *name, double valueMs, double targetMs);

// How long a GUI job may take before a test gives up, unless the test says otherwise.
inline constexpr int kGuiTimeoutMs = 60000;

// The usual options of a test window: settings in `settingsFile`, the last session not reopened.
gui::MainWindow::Options windowOptions(const QString &settingsFile);

// A MainWindow with `options`, error dialogs off (errors arrive as Feedback::errorShown only),
// resized to `size` and shown.
std::unique_ptr<gui::MainWindow> makeWindow(const gui::MainWindow::Options &options, QSize size = QSize(1200, 800));
inline std::unique_ptr<gui::MainWindow> makeWindow(const QString &settingsFile, QSize size = QSize(1200, 800))
{
    return makeWindow(windowOptions(settingsFile), size);
}

// The object of `window` that emits signals of class C: a controller or a shared object.
template <typename C> C *senderOf(gui::MainWindow &window);
template <> inline gui::Feedback *senderOf(gui::MainWindow &w) { return w.feedback(); }
template <> inline gui::JobRunner *senderOf(gui::MainWindow &w) { return w.jobs(); }
template <> inline gui::RunStore *senderOf(gui::MainWindow &w) { return w.runs(); }
template <> inline gui::WelcomeController *senderOf(gui::MainWindow &w) { return w.welcome(); }
template <> inline gui::EmbeddingsController *senderOf(gui::MainWindow &w) { return w.embeddings(); }
template <> inline gui::EvaluationController *senderOf(gui::MainWindow &w) { return w.evaluation(); }
template <> inline gui::TrainingController *senderOf(gui::MainWindow &w) { return w.training(); }
template <> inline gui::CompareController *senderOf(gui::MainWindow &w) { return w.compare(); }
template <> inline gui::AnalysisController *senderOf(gui::MainWindow &w) { return w.analysis(); }
template <> inline gui::GeneratedQueriesController *senderOf(gui::MainWindow &w) { return w.generatedQueries(); }
template <> inline gui::WorkspaceController *senderOf(gui::MainWindow &w) { return w.workspace(); }

// Calls `start` (starts a job; false when it refuses) and waits until `done` has been emitted and
// the window is no longer busy (no job, no training queued or running). True when `done` was
// emitted exactly once and no error was shown and nothing was cancelled within `timeoutMs`; an
// error shown is printed.
bool waitForJob(gui::MainWindow &window, QSignalSpy &done, const std::function<bool()> &start, int timeoutMs);

// The same for `signal` of the controller (or shared object) that emits it, e.g.
// runAndWait(w, &EvaluationController::evaluationFinished, [&] { return w.evaluation()->evaluate(); }).
template <typename C, typename... Args>
bool runAndWait(gui::MainWindow &window, void (C::*signal)(Args...), const std::function<bool()> &start,
                int timeoutMs = kGuiTimeoutMs)
{
    QSignalSpy done(senderOf<C>(window), signal);
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
