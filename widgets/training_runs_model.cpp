#include "training_runs_model.h"

#include <QLocale>

#include <algorithm>

namespace embtune::widgets {

namespace {

QString figure(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

} // namespace

TrainingRunsModel::TrainingRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QString TrainingRunsModel::statusText(Status status)
{
    switch (status) {
    case Status::Queued: return tr("queued");
    case Status::Running: return tr("running");
    case Status::Finished: return tr("finished");
    case Status::Cancelled: return tr("cancelled");
    case Status::Failed: return tr("failed");
    }
    return {};
}

int TrainingRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrainingRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrainingRunsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const TrainingRunRow &row = m_rows[index.row()];
    switch (role) {
    case KeyRole:
        return row.key;
    case ActiveRole:
        return isActive(row.status);
    case ProgressRole:
        if (row.status == Status::Finished)
            return 1000;
        if (row.status != Status::Running || row.total <= 0)
            return row.status == Status::Running ? -1 : 0;
        return int(std::clamp<qint64>(row.done * 1000 / row.total, 0, 1000));
    case Qt::ToolTipRole: {
        QString tip = row.description;
        if (!row.message.isEmpty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + row.message;
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() >= EpochColumn && index.column() <= SpeedColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn) {
            if (row.status == Status::Failed)
                return QColor(0xb0, 0x20, 0x20);
            if (row.status == Status::Cancelled)
                return QColor(0x80, 0x80, 0x80);
        }
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case NameColumn:
        return row.name;
    case StatusColumn:
        return row.status == Status::Failed && !row.message.isEmpty()
                   ? tr("failed: %1").arg(row.message)
                   : statusText(row.status);
    case ProgressColumn:
        if (row.status == Status::Running && row.phase != QStringLiteral("train") && !row.phase.isEmpty())
            return row.phase;
        if (row.total > 0)
            return QStringLiteral("%1/%2").arg(QLocale().toString(row.done), QLocale().toString(row.total));
        return row.status == Status::Finished ? tr("done") : QString();
    case EpochColumn:
        return row.epoch < 0 ? QStringLiteral("-") : QStringLiteral("%1/%2").arg(row.epoch).arg(row.epochs);
    case LossColumn:
        return figure(row.loss, 3);
    case DevNdcgColumn:
        return figure(row.devNdcg10, 3);
    case SpeedColumn:
        return std::isfinite(row.examplesPerSecond) ? QLocale().toString(qint64(std::llround(row.examplesPerSecond)))
                                                    : QStringLiteral("-");
    default:
        return {};
    }
}

QVariant TrainingRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ProgressColumn: return tr("Training steps done / all steps (epochs x batches), or the current phase");
        case EpochColumn: return tr("Last dev evaluation: epoch / epochs (0 = before training)");
        case LossColumn: return tr("Mean training loss of the last epoch");
        case NameColumn: return tr("Embedding set + method; hover a run for its parameters");
        case DevNdcgColumn: return tr("Dev nDCG@10: nDCG@10 on the dev queries after the last epoch");
        case SpeedColumn: return tr("Training examples per second in the last epoch");
        case CancelColumn: return tr("Cancel a queued or running run");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Run");
    case StatusColumn: return tr("Status");
    case ProgressColumn: return tr("Steps");
    case EpochColumn: return tr("Epoch");
    case LossColumn: return tr("Loss");
    case DevNdcgColumn: return tr("Dev nDCG");
    case SpeedColumn: return tr("Ex/s");
    case CancelColumn: return QString();
    default: return {};
    }
}

void TrainingRunsModel::addRun(const TrainingRunRow &row)
{
    if (const int existing = rowOf(row.key); existing >= 0) {
        m_rows[existing] = row;
        emitRowChanged(existing);
        emit curveChanged(row.key);
        return;
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
}

void TrainingRunsModel::removeRun(const QString &key)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void TrainingRunsModel::removeEnded()
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row)
        if (!isActive(m_rows[row].status)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
}

const TrainingRunRow *TrainingRunsModel::find(const QString &key) const
{
    const int row = rowOf(key);
    return row < 0 ? nullptr : &m_rows[row];
}

int TrainingRunsModel::rowOf(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows[row].key == key)
            return row;
    return -1;
}

int TrainingRunsModel::activeCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [](const TrainingRunRow &row) { return isActive(row.status); }));
}

void TrainingRunsModel::setStatus(const QString &key, Status status, const QString &message)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    m_rows[row].status = status;
    m_rows[row].message = message;
    if (status == Status::Finished && m_rows[row].total > 0)
        m_rows[row].done = m_rows[row].total;
    emitRowChanged(row);
}

void TrainingRunsModel::setComparisonKey(const QString &key, const QString &comparisonKey)
{
    if (const int row = rowOf(key); row >= 0)
        m_rows[row].comparisonKey = comparisonKey;
}

void TrainingRunsModel::setProgress(const QString &key, const QString &phase, qint64 done, qint64 total)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    TrainingRunRow &r = m_rows[row];
    r.phase = phase;
    if (phase == QStringLiteral("train")) {
        r.done = done;
        r.total = total;
    }
    emitRowChanged(row);
}

void TrainingRunsModel::addEpochs(const QString &key, const QList<TrainingEpochReport> &reports)
{
    const int row = rowOf(key);
    if (row < 0 || reports.isEmpty())
        return;
    TrainingRunRow &r = m_rows[row];
    for (const TrainingEpochReport &report : reports) {
        const TrainingEpochPoint point{report.epoch, report.loss, report.devNdcg10};
        if (!r.curve.isEmpty() && r.curve.last().epoch == report.epoch)
            r.curve.last() = point;
        else
            r.curve.append(point);
    }
    const TrainingEpochReport &last = reports.last();
    r.epoch = last.epoch;
    r.epochs = last.epochs;
    r.loss = last.loss;
    r.devNdcg10 = last.devNdcg10;
    r.examplesPerSecond = last.examplesPerSecond;
    emitRowChanged(row);
    emit curveChanged(key);
}

void TrainingRunsModel::emitRowChanged(int row)
{
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace embtune::widgets
