#include "metrics_table_model.h"

namespace embtune::widgets {

namespace {

QString metricDescription(engine::Metric metric)
{
    switch (metric) {
    case engine::Metric::Ndcg:
        return MetricsTableModel::tr("Normalised discounted cumulative gain: graded gains discounted by "
                                     "log2(rank + 1), divided by the ideal ordering's value.");
    case engine::Metric::Recall:
        return MetricsTableModel::tr("Recall: relevant documents in the top k divided by all relevant documents.");
    case engine::Metric::CappedRecall:
        return MetricsTableModel::tr("Capped recall (BEIR R_cap): relevant documents in the top k divided by "
                                     "min(k, relevant documents).");
    case engine::Metric::Precision:
        return MetricsTableModel::tr("Precision: relevant documents in the top k divided by k.");
    case engine::Metric::Mrr:
        return MetricsTableModel::tr("Mean reciprocal rank of the first relevant document within the top k.");
    case engine::Metric::Map:
        return MetricsTableModel::tr("Mean average precision: precision at each relevant rank within the top k, "
                                     "divided by the number of relevant documents.");
    }
    return {};
}

} // namespace

MetricsTableModel::MetricsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_metrics(std::begin(engine::kAllMetrics), std::end(engine::kAllMetrics))
    , m_ks{1, 3, 5, 10, 100}
{
}

void MetricsTableModel::setResults(const engine::MetricResults &results)
{
    beginResetModel();
    m_means.clear();
    for (const auto &entry : results.perQuery)
        m_means[entry.first] = results.mean(entry.first.first, entry.first.second);
    m_queryCount = int(results.queries.size());
    endResetModel();
}

void MetricsTableModel::clear()
{
    beginResetModel();
    m_means.clear();
    m_queryCount = 0;
    endResetModel();
}

void MetricsTableModel::setKs(const QList<int> &ks)
{
    beginResetModel();
    m_ks = ks;
    endResetModel();
}

QString MetricsTableModel::formatValue(double value)
{
    return QString::number(value, 'f', 4);
}

int MetricsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_metrics.size());
}

int MetricsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ks.size());
}

const double *MetricsTableModel::find(int row, int column) const
{
    if (row < 0 || row >= m_metrics.size() || column < 0 || column >= m_ks.size())
        return nullptr;
    const auto it = m_means.find({m_metrics[row], m_ks[column]});
    return it == m_means.end() ? nullptr : &it->second;
}

QVariant MetricsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const engine::Metric metric = m_metrics.value(index.row());
    const int k = m_ks.value(index.column());
    switch (role) {
    case MetricRole:
        return int(metric);
    case KRole:
        return k;
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        break;
    }
    const double *value = find(index.row(), index.column());
    if (!value)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return formatValue(*value);
    case ValueRole:
        return *value;
    case Qt::ToolTipRole:
        return tr("%1@%2 = %3\nmean over %n queries", nullptr, m_queryCount)
            .arg(QString::fromLatin1(engine::metricName(metric)))
            .arg(k)
            .arg(QString::number(*value, 'g', QLocale::FloatingPointShortest));
    default:
        return {};
    }
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_ks.size())
            return {};
        if (role == Qt::DisplayRole)
            return QStringLiteral("@%1").arg(m_ks[section]);
        if (role == Qt::ToolTipRole)
            return tr("Rank cutoff k = %1").arg(m_ks[section]);
        if (role == KRole)
            return m_ks[section];
        return {};
    }
    if (section < 0 || section >= m_metrics.size())
        return {};
    if (role == Qt::DisplayRole)
        return QString::fromLatin1(engine::metricName(m_metrics[section]));
    if (role == Qt::ToolTipRole)
        return metricDescription(m_metrics[section]);
    if (role == MetricRole)
        return int(m_metrics[section]);
    return {};
}

} // namespace embtune::widgets
