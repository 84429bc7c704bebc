#include "jobs/training_queue.h"

#include "jobs/job_progress.h"
#include "training_runs_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace embtune::gui {

namespace {

double metricOf(const engine::ProgressEvent &event, const char *name)
{
    for (const auto &[key, value] : event.metrics)
        if (key == name)
            return value;
    return std::numeric_limits<double>::quiet_NaN();
}

} // namespace

TrainingQueue::TrainingQueue(widgets::TrainingRunsModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
{
    m_pollTimer.setInterval(kPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &TrainingQueue::poll);
}

TrainingQueue::~TrainingQueue()
{
    cancelAllAndWait();
}

void TrainingQueue::setMaxConcurrent(int runs)
{
    m_maxConcurrent = std::max(1, runs);
    startWaiting();
}

void TrainingQueue::enqueue(Run run)
{
    const bool wasActive = isActive();
    widgets::TrainingRunRow row;
    row.key = run.key;
    row.name = run.name;
    row.description = run.description;
    m_model->addRun(row);
    m_specs.insert(run.key, run.request.spec);
    m_queued.append(std::move(run));
    startWaiting();
    if (!wasActive)
        emit activeChanged(true);
}

bool TrainingQueue::cancel(const QString &key)
{
    for (qsizetype i = 0; i < m_queued.size(); ++i) {
        if (m_queued[i].key != key)
            continue;
        m_queued.removeAt(i);
        m_specs.remove(key);
        m_model->setStatus(key, widgets::TrainingRunRow::Status::Cancelled, tr("cancelled before it started"));
        TrainJobResult result;
        result.error = engine::Error::cancelled();
        emit runEnded(key, result);
        if (!isActive())
            emit activeChanged(false);
        return true;
    }
    const auto it = m_running.constFind(key);
    if (it == m_running.constEnd())
        return false;
    it->progress->cancel();
    m_model->setProgress(key, tr("cancelling"), 0, 0);
    return true;
}

const engine::RunSpec *TrainingQueue::specOf(const QString &key) const
{
    const auto it = m_specs.constFind(key);
    return it == m_specs.constEnd() ? nullptr : &it.value();
}

void TrainingQueue::cancelAllAndWait()
{
    for (const Run &run : std::as_const(m_queued))
        m_specs.remove(run.key);
    m_queued.clear();
    for (Running &running : m_running) {
        running.progress->cancel();
        running.watcher->waitForFinished();
    }
}

void TrainingQueue::startWaiting()
{
    while (!m_queued.isEmpty() && m_running.size() < m_maxConcurrent) {
        Run run = m_queued.takeFirst();
        const QString key = run.key;
        Running running;
        running.progress = new JobProgress(JobProgress::Delivery::Polled, this);
        running.watcher = new QFutureWatcher<TrainJobResult>(this);
        connect(running.watcher, &QFutureWatcherBase::finished, this, [this, key] { onFinished(key); });
        m_running.insert(key, running);
        m_model->setStatus(key, widgets::TrainingRunRow::Status::Running);
        running.watcher->setFuture(
            trainAsync(std::move(run.request), running.progress));
    }
    if (!m_running.isEmpty() && !m_pollTimer.isActive())
        m_pollTimer.start();
}

void TrainingQueue::poll()
{
    for (auto it = m_running.constBegin(); it != m_running.constEnd(); ++it)
        drain(it.key(), it->progress);
    if (m_running.isEmpty())
        m_pollTimer.stop();
}

void TrainingQueue::drain(const QString &key, JobProgress *progress)
{
    const JobProgress::Reports reports = progress->takeReports();
    QList<widgets::TrainingEpochReport> epochs;
    constexpr double none = std::numeric_limits<double>::quiet_NaN();
    for (const engine::ProgressEvent &epoch : reports.epochs) {
        // Epoch 0 is the evaluation before training: its loss and speed are placeholders.
        const bool trained = epoch.done > 0;
        epochs.append({int(epoch.done), int(epoch.total), trained ? metricOf(epoch, "loss") : none,
                       metricOf(epoch, "dev_ndcg@10"), trained ? metricOf(epoch, "examples_per_second") : none});
    }
    if (!epochs.isEmpty())
        m_model->addEpochs(key, epochs);
    if (reports.latest && reports.latest->phase != "epoch" && !progress->isCancelled())
        m_model->setProgress(key, QString::fromStdString(reports.latest->phase), reports.latest->done,
                             reports.latest->total);
}

void TrainingQueue::onFinished(const QString &key)
{
    const Running running = m_running.take(key);
    m_specs.remove(key);
    const TrainJobResult result = running.watcher->result();
    drain(key, running.progress); // the last epochs
    running.watcher->deleteLater();
    running.progress->deleteLater();

    using Status = widgets::TrainingRunRow::Status;
    if (result.ok())
        m_model->setStatus(key, Status::Finished,
                           tr("finished in %1 s").arg(result.seconds, 0, 'f', 1));
    else if (result.cancelled())
        m_model->setStatus(key, Status::Cancelled, tr("cancelled after %1 s").arg(result.seconds, 0, 'f', 1));
    else
        m_model->setStatus(key, Status::Failed, QString::fromStdString(result.error->toString()));
    startWaiting();
    emit runEnded(key, result);
    if (!isActive())
        emit activeChanged(false);
}

} // namespace embtune::gui
