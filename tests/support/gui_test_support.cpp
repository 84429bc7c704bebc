#include "support/gui_test_support.h"

#include "core/matrix.h"
#include "io/npy.h"

#include <QAbstractItemModel>
#include <QDebug>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QTableView>
#include <QTest>
#include <QUrl>

#include <cstdio>

namespace embtune::test {

using gui::MainWindow;

MainWindow::Options windowOptions(const QString &settingsFile)
{
    MainWindow::Options options;
    options.settingsFile = settingsFile;
    options.restoreSession = false;
    return options;
}

std::unique_ptr<MainWindow> makeWindow(const MainWindow::Options &options, QSize size)
{
    auto window = std::make_unique<MainWindow>(options);
    window->feedback()->setErrorDialogsEnabled(false);
    window->resize(size);
    window->show();
    return window;
}

bool meetsTimingTarget(const char *name, double valueMs, double targetMs)
{
    const bool met = valueMs <= targetMs;
    std::printf("{\"bench\": \"%s\", \"ms\": %.1f, \"target_ms\": %.1f, \"met\": %s}\n", name, valueMs, targetMs,
                met ? "true" : "false");
    std::fflush(stdout);
    return met || qgetenv("EMBTUNE_TIMING_TARGETS") != "1";
}

bool waitForJob(MainWindow &window, QSignalSpy &done, const std::function<bool()> &start, int timeoutMs)
{
    QSignalSpy errors(window.feedback(), &gui::Feedback::errorShown);
    QSignalSpy cancelled(window.jobs(), &gui::JobRunner::cancelled);
    QSignalSpy trainingCancelled(window.training(), &gui::TrainingController::trainingCancelled);
    if (!start()) {
        qWarning() << "did not start:" << (errors.isEmpty() ? QString() : errors.first().first().toString());
        return false;
    }
    const bool finished = QTest::qWaitFor(
        [&] { return done.count() + errors.count() + cancelled.count() + trainingCancelled.count() > 0 && !window.jobs()->isBusy() &&
                   !window.training()->hasActiveTraining(); },
        timeoutMs);
    if (!errors.isEmpty())
        qWarning() << "error:" << errors.first().first().toString();
    if (!finished)
        qWarning() << "no" << done.signal() << "within" << timeoutMs << "ms";
    return finished && done.count() == 1 && errors.isEmpty() && cancelled.isEmpty() && trainingCancelled.isEmpty();
}

bool openAndWait(MainWindow &window, const QString &dir, int timeoutMs)
{
    return runAndWait(window, &gui::WelcomeController::datasetLoaded, [&] { return window.welcome()->openDataset(dir); },
                      timeoutMs);
}

bool importAndWait(MainWindow &window, const QString &dir, int timeoutMs)
{
    return runAndWait(window, &gui::EmbeddingsController::embeddingsLoaded,
                      [&] { return window.embeddings()->importEmbeddings(dir); }, timeoutMs);
}

bool dropPath(QWidget &target, const QString &path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPointF at(target.width() / 2.0, target.height() / 2.0);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent dropEvent(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&target, &dropEvent);
    return dropEvent.isAccepted();
}

QString metricCell(const QTableView *table, const QString &run, const QString &column)
{
    const QAbstractItemModel *model = table->model();
    int row = -1, col = -1;
    for (int r = 0; r < model->rowCount() && row < 0; ++r)
        if (model->headerData(r, Qt::Vertical).toString() == run)
            row = r;
    for (int c = 0; c < model->columnCount() && col < 0; ++c)
        if (model->headerData(c, Qt::Horizontal).toString() == column)
            col = c;
    if (row < 0 || col < 0)
        return QStringLiteral("<no cell %1 %2>").arg(run, column);
    return model->index(row, col).data().toString();
}

bool writeText(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

bool writeMatrix(const QString &path, int rows, int cols, const std::vector<float> &values)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const engine::FloatMatrix matrix(rows, cols, values);
    return engine::writeNpyMatrix(QFile::encodeName(path).toStdString(), matrix.map()).ok();
}

bool writeIds(const QString &path, const std::vector<std::string> &ids)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    return engine::writeIdList(QFile::encodeName(path).toStdString(), ids).ok();
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace embtune::test
