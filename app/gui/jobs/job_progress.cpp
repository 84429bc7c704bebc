#include "jobs/job_progress.h"

#include <QMetaObject>

namespace embtune::gui {

JobProgress::JobProgress(QObject *parent)
    : QObject(parent)
{
}

JobProgress::JobProgress(Delivery delivery, QObject *parent)
    : QObject(parent)
    , m_delivery(delivery)
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
        if (m_delivery == Delivery::Polled) {
            if (event.phase == "epoch")
                m_epochs.push_back(event);
            m_pending = true;
            return !m_cancelled.load();
        }
        schedule = !m_pending;
        m_pending = true;
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &JobProgress::deliver, Qt::QueuedConnection);
    return !m_cancelled.load();
}

JobProgress::Reports JobProgress::takeReports()
{
    Reports reports;
    std::lock_guard lock(m_mutex);
    if (m_delivery != Delivery::Polled || !m_pending)
        return reports;
    reports.latest = m_latest;
    reports.epochs.swap(m_epochs);
    m_pending = false;
    return reports;
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

engine::ProgressCallback callbackOf(JobProgress *progress)
{
    return progress ? progress->callback() : engine::ProgressCallback();
}

} // namespace embtune::gui
