#include "metrics_table_model.h"

#include "eval/comparison_table.h"

#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <cmath>

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

// Tableau 10: distinct on light and dark backgrounds and in print.
const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                           QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                           QColor(0x17, 0xbe, 0xcf)};

QIcon swatch(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(color.darker(130));
    painter.setBrush(color);
    painter.drawRect(0, 0, 11, 11);
    return QIcon(pixmap);
}

} // namespace

MetricsTableModel::MetricsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_columns(summaryColumns())
{
}

QList<MetricsTableModel::Column> MetricsTableModel::summaryColumns()
{
    using engine::Metric;
    return {{Metric::Ndcg, 1},    {Metric::Ndcg, 10},         {Metric::Ndcg, 100}, {Metric::Recall, 10},
            {Metric::Recall, 100}, {Metric::CappedRecall, 10}, {Metric::Mrr, 10},   {Metric::Map, 100}};
}

QList<MetricsTableModel::Column> MetricsTableModel::metricColumns(engine::Metric metric, const QList<int> &ks)
{
    QList<Column> columns;
    for (int k : ks)
        columns.append({metric, k});
    return columns;
}

QString MetricsTableModel::columnTitle(const Column &column)
{
    return QStringLiteral("%1@%2").arg(QString::fromLatin1(engine::metricName(column.metric))).arg(column.k);
}

QString MetricsTableModel::formatValue(double value)
{
    return QString::number(value, 'f', 4);
}

QString MetricsTableModel::formatDelta(double delta)
{
    return QString::asprintf("%+.4f", delta);
}

void MetricsTableModel::emitAllChanged()
{
    if (!m_runs.isEmpty() && !m_columns.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_runs.size()) - 1, int(m_columns.size()) - 1));
    if (!m_runs.isEmpty())
        emit headerDataChanged(Qt::Vertical, 0, int(m_runs.size()) - 1);
}

void MetricsTableModel::setBaseline(const QString &key)
{
    const QString before = baselineKey();
    m_baselineKey = rowOfRun(key) >= 0 ? key : QString();
    if (baselineKey() == before)
        return;
    for (Run &run : m_runs)
        run.significance.clear();
    emitAllChanged();
    emit baselineChanged(baselineKey());
}

QString MetricsTableModel::baselineKey() const
{
    if (!m_baselineKey.isEmpty())
        return m_baselineKey;
    return m_runs.isEmpty() ? QString() : m_runs.front().key;
}

int MetricsTableModel::baselineRow() const
{
    return m_runs.isEmpty() ? -1 : std::max(rowOfRun(baselineKey()), 0);
}

void MetricsTableModel::setCellText(CellText text)
{
    if (m_cellText == text)
        return;
    m_cellText = text;
    emitAllChanged();
}

void MetricsTableModel::setSignificance(const QString &runKey, engine::Metric metric, int k,
                                        const Significance &significance)
{
    const int row = rowOfRun(runKey);
    if (row < 0)
        return;
    m_runs[row].significance[{metric, k}] = significance;
    const int column = columnOf(metric, k);
    if (column >= 0)
        emit dataChanged(index(row, column), index(row, column));
}

void MetricsTableModel::clearSignificance()
{
    for (Run &run : m_runs)
        run.significance.clear();
    emitAllChanged();
}

std::optional<MetricsTableModel::Significance> MetricsTableModel::significance(int row, engine::Metric metric,
                                                                               int k) const
{
    if (row < 0 || row >= m_runs.size())
        return std::nullopt;
    const auto it = m_runs[row].significance.find({metric, k});
    if (it == m_runs[row].significance.end())
        return std::nullopt;
    return it->second;
}

QColor MetricsTableModel::nextColor()
{
    return kPalette[m_colorsUsed++ % int(std::size(kPalette))];
}

int MetricsTableModel::setRun(const QString &key, const QString &name, const QString &split,
                              const engine::MetricResults &results, const QString &details)
{
    Run run;
    run.key = key;
    run.name = name;
    run.split = split;
    run.details = details;
    run.queryCount = int(results.queries.size());
    for (const auto &entry : results.perQuery)
        run.means[entry.first] = results.mean(entry.first.first, entry.first.second);

    const bool splitsBefore = severalSplits();
    int row = rowOfRun(key);
    if (row >= 0) {
        run.color = m_runs[row].color;
        // New values: markers against (or of) this run no longer hold.
        if (key == baselineKey())
            for (Run &other : m_runs)
                other.significance.clear();
        m_runs[row] = std::move(run);
    } else {
        run.color = nextColor();
        row = int(m_runs.size());
        beginInsertRows({}, row, row);
        m_runs.append(std::move(run));
        endInsertRows();
    }
    // Bold marks, deltas and labels may change in every row.
    if (!m_columns.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_runs.size()) - 1, int(m_columns.size()) - 1));
    emit headerDataChanged(Qt::Vertical, splitsBefore != severalSplits() ? 0 : row, int(m_runs.size()) - 1);
    return row;
}

bool MetricsTableModel::removeRun(const QString &key)
{
    const int row = rowOfRun(key);
    if (row < 0)
        return false;
    const bool wasBaseline = key == baselineKey();
    beginRemoveRows({}, row, row);
    m_runs.removeAt(row);
    endRemoveRows();
    if (wasBaseline) {
        m_baselineKey.clear();
        for (Run &run : m_runs)
            run.significance.clear();
    }
    emitAllChanged();
    if (wasBaseline)
        emit baselineChanged(baselineKey());
    return true;
}

void MetricsTableModel::clear()
{
    beginResetModel();
    m_runs.clear();
    m_colorsUsed = 0;
    m_baselineKey.clear();
    endResetModel();
}

int MetricsTableModel::rowOfRun(const QString &key) const
{
    for (int i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].key == key)
            return i;
    return -1;
}

QString MetricsTableModel::runKey(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs[row].key : QString();
}

QString MetricsTableModel::runName(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs[row].name : QString();
}

QString MetricsTableModel::runSplit(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs[row].split : QString();
}

QString MetricsTableModel::runLabel(int row) const
{
    if (row < 0 || row >= m_runs.size())
        return {};
    const Run &run = m_runs[row];
    return severalSplits() ? QStringLiteral("%1 [%2]").arg(run.name, run.split) : run.name;
}

QColor MetricsTableModel::runColor(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs[row].color : QColor();
}

int MetricsTableModel::runQueryCount(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs[row].queryCount : 0;
}

std::optional<double> MetricsTableModel::value(int row, engine::Metric metric, int k) const
{
    if (row < 0 || row >= m_runs.size())
        return std::nullopt;
    const auto it = m_runs[row].means.find({metric, k});
    if (it == m_runs[row].means.end())
        return std::nullopt;
    return it->second;
}

QList<QPointF> MetricsTableModel::curve(int row, engine::Metric metric) const
{
    QList<QPointF> points;
    if (row < 0 || row >= m_runs.size())
        return points;
    // std::map orders by (metric, k): the run's ks for `metric` come out ascending.
    for (const auto &[key, mean] : m_runs[row].means)
        if (key.first == metric)
            points.append(QPointF(key.second, mean));
    return points;
}

void MetricsTableModel::setColumns(const QList<Column> &columns)
{
    beginResetModel();
    m_columns = columns;
    endResetModel();
}

int MetricsTableModel::columnOf(engine::Metric metric, int k) const
{
    return int(m_columns.indexOf(Column{metric, k}));
}

bool MetricsTableModel::severalSplits() const
{
    for (const Run &run : m_runs)
        if (run.split != m_runs.front().split)
            return true;
    return false;
}

const double *MetricsTableModel::find(int row, int column) const
{
    if (row < 0 || row >= m_runs.size() || column < 0 || column >= m_columns.size())
        return nullptr;
    const auto it = m_runs[row].means.find({m_columns[column].metric, m_columns[column].k});
    return it == m_runs[row].means.end() ? nullptr : &it->second;
}

std::optional<double> MetricsTableModel::best(int column) const
{
    if (m_runs.size() < 2)
        return std::nullopt;
    std::optional<double> out;
    for (int row = 0; row < m_runs.size(); ++row)
        if (const double *value = find(row, column))
            out = out ? std::max(*out, *value) : *value;
    return out;
}

int MetricsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int MetricsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant MetricsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_runs.size() || index.column() >= m_columns.size())
        return {};
    const Column &column = m_columns[index.column()];
    switch (role) {
    case MetricRole:
        return int(column.metric);
    case KRole:
        return column.k;
    case RunKeyRole:
        return m_runs[index.row()].key;
    case ColorRole:
        return m_runs[index.row()].color;
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        break;
    }
    const double *value = find(index.row(), index.column());
    if (!value)
        return {};
    const int baseRow = baselineRow();
    const double *reference = index.row() == baseRow ? nullptr : find(baseRow, index.column());
    const auto tested = m_runs[index.row()].significance.find({column.metric, column.k});
    const bool hasTest = tested != m_runs[index.row()].significance.end();
    switch (role) {
    case Qt::DisplayRole: {
        QString text;
        if (m_cellText == CellText::Delta && reference)
            text = formatDelta(*value - *reference);
        else if (m_cellText == CellText::ValueAndDelta && reference)
            text = QStringLiteral("%1 %2").arg(formatValue(*value), formatDelta(*value - *reference));
        else
            text = formatValue(*value);
        if (hasTest)
            text += QString::fromStdString(engine::significanceMarker(tested->second.pValue));
        return text;
    }
    case ValueRole:
        return *value;
    case DeltaRole:
        return reference ? QVariant(*value - *reference) : QVariant();
    case PValueRole:
        return hasTest ? QVariant(tested->second.pValue) : QVariant();
    case Qt::FontRole: {
        const std::optional<double> top = best(index.column());
        if (!top || formatValue(*value) != formatValue(*top))
            return {};
        QFont font;
        font.setBold(true);
        return font;
    }
    case Qt::ToolTipRole: {
        const Run &run = m_runs[index.row()];
        QString tip = tr("%1: %2 = %3").arg(runLabel(index.row()), columnTitle(column),
                                             QString::number(*value, 'g', QLocale::FloatingPointShortest));
        if (reference)
            tip += tr("\n%1 vs %2").arg(formatDelta(*value - *reference), runLabel(baseRow));
        else if (index.row() == baseRow && m_runs.size() > 1)
            tip += tr("\nbaseline of the deltas and significance markers");
        tip += tr("\nmean over %n queries of split %1", nullptr, run.queryCount).arg(run.split);
        if (hasTest) {
            const Significance &s = tested->second;
            tip += tr("\npaired randomisation test (%1 permutations): p = %2%3\n%4% interval of the mean "
                      "difference: [%5, %6] over %n shared queries",
                      nullptr, int(s.queries))
                       .arg(s.permutations)
                       .arg(QString::number(s.pValue, 'g', 3),
                            s.pValue < 0.01   ? tr(" (**, p < 0.01)")
                            : s.pValue < 0.05 ? tr(" (*, p < 0.05)")
                                              : tr(" (not significant at 0.05)"))
                       .arg(s.confidence * 100, 0, 'g', 3)
                       .arg(formatDelta(s.low), formatDelta(s.high));
        }
        return tip;
    }
    default:
        return {};
    }
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_columns.size())
            return {};
        const Column &column = m_columns[section];
        switch (role) {
        case Qt::DisplayRole:
            return columnTitle(column);
        case Qt::ToolTipRole:
            return tr("%1\nRank cutoff k = %2").arg(metricDescription(column.metric)).arg(column.k);
        case MetricRole:
            return int(column.metric);
        case KRole:
            return column.k;
        default:
            return {};
        }
    }
    if (section < 0 || section >= m_runs.size())
        return {};
    const Run &run = m_runs[section];
    switch (role) {
    case Qt::DisplayRole:
        return runLabel(section);
    case Qt::ToolTipRole: {
        QString tip = tr("%1\nsplit %2, %n queries", nullptr, run.queryCount).arg(run.name, run.split);
        if (!run.details.isEmpty())
            tip += QLatin1Char('\n') + run.details;
        if (section == baselineRow() && m_runs.size() > 1)
            tip += tr("\n(baseline of the comparison)");
        return tip;
    }
    case Qt::FontRole: {
        if (section != baselineRow() || m_runs.size() < 2)
            return {};
        QFont font;
        font.setItalic(true);
        return font;
    }
    case Qt::DecorationRole:
        return swatch(run.color);
    case RunKeyRole:
        return run.key;
    case ColorRole:
        return run.color;
    default:
        return {};
    }
}

} // namespace embtune::widgets
