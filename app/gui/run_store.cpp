#include "run_store.h"

#include "metrics_table_model.h"

#include <utility>

namespace embtune::gui {

QString ndcg10Text(const engine::EvaluationReport &report)
{
    return report.metrics.has(engine::Metric::Ndcg, 10)
               ? widgets::MetricsTableModel::formatValue(report.metrics.mean(engine::Metric::Ndcg, 10))
               : QStringLiteral("-");
}

QString RunStore::evaluationKey(const QString &setKey, const QString &split, bool hnsw)
{
    return QStringLiteral("eval:%1|%2").arg(setKey, split) + (hnsw ? QStringLiteral("|hnsw") : QString());
}

QString RunStore::setKeyOfEvaluation(const QString &runKey)
{
    if (!runKey.startsWith(QStringLiteral("eval:")))
        return {};
    const QString rest = runKey.mid(5);
    const int bar = rest.lastIndexOf(QLatin1Char('|'), rest.endsWith(QStringLiteral("|hnsw")) ? -6 : -1);
    return bar < 0 ? rest : rest.left(bar);
}

QString RunStore::newTrainedRunKey()
{
    QString key;
    do
        key = QStringLiteral("train:%1").arg(++m_trainCount);
    while (m_runs.contains(key));
    return key;
}

RunRecord *RunStore::findMutable(const QString &key)
{
    const auto it = m_runs.find(key);
    return it == m_runs.end() ? nullptr : &it.value();
}

RunStore::RunStore(QObject *parent)
    : QObject(parent)
    , m_model(new widgets::MetricsTableModel(this))
{
}

QString RunStore::add(const QString &key, RunRecord record, const QString &split)
{
    m_model->setRun(key, record.name, split, record.report->metrics, record.description);
    m_runs.insert(key, std::move(record));
    emit runAdded(key, split);
    return key;
}

bool RunStore::remove(const QString &key)
{
    if (!m_runs.remove(key))
        return false;
    m_model->removeRun(key);
    if (m_current == key)
        setCurrentKey({});
    emit runRemoved(key);
    return true;
}

void RunStore::clear(const QString &reason)
{
    m_lastEvaluation.reset();
    m_runs.clear();
    m_model->clear();
    m_current.clear();
    emit cleared(reason);
}

const RunRecord *RunStore::find(const QString &key) const
{
    const auto it = m_runs.constFind(key);
    return it == m_runs.constEnd() ? nullptr : &it.value();
}

QStringList RunStore::keys() const
{
    QStringList keys;
    for (int row = 0; row < m_model->runCount(); ++row)
        keys << m_model->runKey(row);
    return keys;
}

QString RunStore::splitOf(const QString &key) const
{
    const int row = m_model->rowOfRun(key);
    return row < 0 ? QString() : m_model->runSplit(row);
}

QString RunStore::uniqueName(const QString &name) const
{
    int same = 0;
    for (const RunRecord &existing : m_runs)
        same += existing.name == name || existing.name.startsWith(name + QStringLiteral(" #")) ? 1 : 0;
    return same > 0 ? name + QStringLiteral(" #%1").arg(same + 1) : name;
}

bool RunStore::setCurrentKey(const QString &key)
{
    if (!key.isEmpty() && !m_runs.contains(key))
        return false;
    if (key != m_current) {
        m_current = key;
        emit currentChanged(key);
    }
    return true;
}

void RunStore::setLastEvaluation(std::shared_ptr<const engine::EvaluationReport> report)
{
    m_lastEvaluation = std::move(report);
}

} // namespace embtune::gui
