#include "jobs/job_progress.h"

#include <QMetaObject>

namespace embtune::gui {

JobProgress::JobProgress(QObject *parent)
    : QObject(parent)
{
}

engine::ProgressCallback JobProgress::callback()
{
    return [this](const engine::ProgressEvent &event) { return report(event); };
}

bool JobProgress::report(const engine::ProgressEvent &event)
{
    if (m_cancelled.load())
        return false;
    bool schedule = false;
    {
        std::lock_guard lock(m_mutex);
        m_latest = event;
        schedule = !m_pending;
        m_pending = true;
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &JobProgress::deliver, Qt::QueuedConnection);
    return !m_cancelled.load();
}

void JobProgress::deliver()
{
    engine::ProgressEvent event;
    {
        std::lock_guard lock(m_mutex);
        event = m_latest;
        m_pending = false;
    }
    emit progressed(QString::fromStdString(event.phase), event.done, event.total);
}

} // namespace embtune::gui
