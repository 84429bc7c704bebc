#include "command_line_run.h"

#include "main_window.h"

#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>

namespace embtune::gui {

QString CommandLineRequest::validate() const
{
    if (!embeddings.isEmpty() && dataset.isEmpty())
        return QStringLiteral("--embeddings needs --dataset");
    if (evaluate && (dataset.isEmpty() || embeddings.isEmpty()))
        return QStringLiteral("--evaluate needs --dataset and --embeddings");
    if (!split.isEmpty() && !evaluate)
        return QStringLiteral("--split is used with --evaluate");
    return {};
}

CommandLineRun::CommandLineRun(MainWindow *window, CommandLineRequest request, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_request(std::move(request))
{
    connect(m_window, &MainWindow::datasetLoaded, this, &CommandLineRun::next);
    connect(m_window, &MainWindow::embeddingsLoaded, this, &CommandLineRun::next);
    connect(m_window, &MainWindow::evaluationFinished, this, &CommandLineRun::next);
    connect(m_window, &MainWindow::errorShown, this, &CommandLineRun::fail);
    connect(m_window, &MainWindow::jobCancelled, this, [this] { fail(QStringLiteral("cancelled")); });
}

void CommandLineRun::start()
{
    if (const QString problem = m_request.validate(); !problem.isEmpty()) {
        fail(problem);
        return;
    }
    if (!m_request.dataset.isEmpty())
        m_steps.push_back([this] { return m_window->openDataset(m_request.dataset); });
    if (!m_request.embeddings.isEmpty())
        m_steps.push_back([this] { return m_window->importEmbeddings(m_request.embeddings); });
    if (m_request.evaluate)
        m_steps.push_back([this] {
            if (!m_request.split.isEmpty() && !m_window->setCurrentSplit(m_request.split)) {
                fail(QStringLiteral("the dataset has no split \"%1\"").arg(m_request.split));
                return true; // already reported
            }
            return m_window->evaluate();
        });
    next();
}

void CommandLineRun::next()
{
    if (m_done)
        return;
    if (m_next < m_steps.size()) {
        // A step that cannot start has reported through errorShown (which calls fail()).
        if (!m_steps[m_next++]() && !m_done)
            fail(QStringLiteral("a step could not be started"));
        return;
    }
    if (!m_request.screenshot.isEmpty()) {
        // Let the last results lay out and paint before grabbing.
        QTimer::singleShot(250, this, &CommandLineRun::saveScreenshot);
        return;
    }
    succeed({});
}

void CommandLineRun::saveScreenshot()
{
    if (m_done)
        return;
    const QFileInfo target(m_request.screenshot);
    if (!QDir().mkpath(target.absolutePath())) {
        fail(QStringLiteral("cannot create the folder %1").arg(target.absolutePath()));
        return;
    }
    const QPixmap pixmap = m_window->grab();
    if (pixmap.isNull() || !pixmap.save(target.absoluteFilePath())) {
        fail(QStringLiteral("cannot write the screenshot %1").arg(target.absoluteFilePath()));
        return;
    }
    succeed(QStringLiteral("saved %1 (%2x%3)").arg(target.absoluteFilePath()).arg(pixmap.width()).arg(pixmap.height()));
}

void CommandLineRun::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    emit finished(1, message);
}

void CommandLineRun::succeed(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    emit finished(0, message);
}

} // namespace embtune::gui
