#include "query_explorer_model.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace embtune::widgets {

namespace {
constexpr double kTieTolerance = 1e-12;
}

QueryExplorerModel::QueryExplorerModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void QueryExplorerModel::setRuns(std::shared_ptr<const engine::Dataset> dataset,
                                 std::shared_ptr<const engine::EvaluationReport> a,
                                 std::shared_ptr<const engine::EvaluationReport> b, const QString &nameA,
                                 const QString &nameB)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_nameA = nameA;
    m_nameB = nameB;
    m_rows.clear();
    m_wins = m_losses = m_ties = 0;
    if (m_dataset && a && b && a->metrics.has(engine::Metric::Ndcg, 10) && b->metrics.has(engine::Metric::Ndcg, 10)) {
        const std::vector<double> &valuesA = a->metrics.values(engine::Metric::Ndcg, 10);
        const std::vector<double> &valuesB = b->metrics.values(engine::Metric::Ndcg, 10);
        std::unordered_map<int32_t, double> ofA;
        for (size_t i = 0; i < a->metrics.queries.size(); ++i)
            ofA.emplace(a->metrics.queries[i], valuesA[i]);
        for (size_t i = 0; i < b->metrics.queries.size(); ++i)
            if (const auto it = ofA.find(b->metrics.queries[i]); it != ofA.end())
                m_rows.append(Row{b->metrics.queries[i], it->second, valuesB[i]});
        std::sort(m_rows.begin(), m_rows.end(), [](const Row &x, const Row &y) { return x.query < y.query; });
        for (const Row &row : std::as_const(m_rows)) {
            const double change = row.change();
            if (change > kTieTolerance)
                ++m_wins;
            else if (change < -kTieTolerance)
                ++m_losses;
            else
                ++m_ties;
        }
    }
    endResetModel();
}

int QueryExplorerModel::rowOfQuery(int32_t query) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].query == query)
            return i;
    return -1;
}

int32_t QueryExplorerModel::largestGainQuery() const
{
    int32_t best = -1;
    double bestChange = 0;
    for (const Row &row : m_rows)
        if (best < 0 || row.change() > bestChange) {
            best = row.query;
            bestChange = row.change();
        }
    return best;
}

int QueryExplorerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueryExplorerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueryExplorerModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || !m_dataset)
        return {};
    const Row &row = m_rows[index.row()];
    const QString id = QString::fromStdString(m_dataset->queryIds.id(row.query));
    const QString text = QString::fromStdString(m_dataset->queries[size_t(row.query)]);
    if (role == QueryRole)
        return row.query;
    if (role == FilterRole)
        return id + QLatin1Char(' ') + text;
    switch (index.column()) {
    case IdColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return id;
        break;
    case TextColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return text;
        if (role == Qt::ToolTipRole)
            return text;
        break;
    case ValueAColumn:
    case ValueBColumn:
    case ChangeColumn: {
        const double value = index.column() == ValueAColumn   ? row.a
                             : index.column() == ValueBColumn ? row.b
                                                              : row.change();
        if (role == SortRole)
            return value;
        if (role == Qt::DisplayRole)
            return index.column() == ChangeColumn ? QString::asprintf("%+.4f", value) : QString::number(value, 'f', 4);
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ForegroundRole && index.column() == ChangeColumn) {
            if (value > kTieTolerance)
                return QBrush(QColor(0x1a, 0x7f, 0x37));
            if (value < -kTieTolerance)
                return QBrush(QColor(0xb3, 0x26, 0x1e));
        }
        break;
    }
    default:
        break;
    }
    return {};
}

QVariant QueryExplorerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("Query");
    case TextColumn:
        return tr("Text");
    case ValueAColumn:
        return tr("A nDCG@10");
    case ValueBColumn:
        return tr("B nDCG@10");
    case ChangeColumn:
        return tr("\u0394 B - A");
    default:
        return {};
    }
}

} // namespace embtune::widgets
