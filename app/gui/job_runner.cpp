#include "job_runner.h"

#include "feedback.h"
#include "jobs/job_progress.h"

#include <QCoreApplication>

namespace embtune::gui {

JobRunner::JobRunner(Feedback *feedback, QObject *parent)
    : QObject(parent)
    , m_feedback(feedback)
{
}

JobRunner::~JobRunner()
{
    cancelAndWait();
}

JobProgress *JobRunner::begin(const QString &description)
{
    Q_ASSERT(!m_progress);
    m_description = description;
    m_progress = new JobProgress(this);
    connect(m_progress, &JobProgress::progressed, this, &JobRunner::onProgress);
    emit started(description);
    m_feedback->showStatus(description + QStringLiteral("..."), 0);
    return m_progress;
}

void JobRunner::onProgress(const QString &phase, qint64 done, qint64 total)
{
    if (sender() != m_progress)
        return;
    emit progressed(phase.isEmpty() ? m_description : m_description + QStringLiteral(": ") + phase, done, total);
}

void JobRunner::end()
{
    m_watcher = nullptr;
    if (m_progress) {
        m_progress->deleteLater(); // drops a delivery still queued
        m_progress = nullptr;
    }
    m_feedback->showStatus({}, 0);
    emit busyChanged(false);
}

void JobRunner::cancel()
{
    if (!m_progress || m_progress->isCancelled())
        return;
    m_progress->cancel();
    emit cancelling(tr("Cancelling %1...").arg(m_description.toLower()));
}

void JobRunner::cancelAndWait()
{
    if (!m_watcher)
        return;
    m_progress->cancel();
    m_watcher->waitForFinished();
}

bool JobRunner::refuse(const QString &title, bool datasetMissing)
{
    if (isBusy()) {
        m_feedback->showError(title, tr("Another job is running; wait for it or cancel it."));
        return true;
    }
    if (datasetMissing) {
        m_feedback->showError(title, tr("Open a dataset first."));
        return true;
    }
    return false;
}

bool JobRunner::handleError(const std::optional<engine::Error> &error, const QString &title)
{
    if (!error)
        return false;
    if (error->code == engine::ErrorCode::Cancelled) {
        m_feedback->showStatus(tr("%1: cancelled").arg(title));
        emit cancelled();
    } else {
        m_feedback->showError(title, QString::fromStdString(error->toString()));
    }
    return true;
}

} // namespace embtune::gui
