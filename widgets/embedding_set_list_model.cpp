#include "embedding_set_list_model.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace embtune::widgets {

namespace {

QString originText(EmbeddingSetRow::Origin origin)
{
    switch (origin) {
    case EmbeddingSetRow::Origin::Baseline:
        return EmbeddingSetListModel::tr("built-in");
    case EmbeddingSetRow::Origin::Imported:
        return EmbeddingSetListModel::tr("imported");
    case EmbeddingSetRow::Origin::Cache:
        return EmbeddingSetListModel::tr("cache");
    }
    return {};
}

QString jsonValueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 10);
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Null:
        return QStringLiteral("null");
    default: {
        const QJsonDocument document =
            value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
        return QString::fromUtf8(document.toJson(QJsonDocument::Compact));
    }
    }
}

} // namespace

EmbeddingSetListModel::EmbeddingSetListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void EmbeddingSetListModel::setRows(const QList<EmbeddingSetRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int EmbeddingSetListModel::upsert(const EmbeddingSetRow &row)
{
    const int at = rowOf(row.key);
    if (at >= 0) {
        m_rows[at] = row;
        emit dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return at;
    }
    const int end = int(m_rows.size());
    beginInsertRows({}, end, end);
    m_rows.append(row);
    endInsertRows();
    return end;
}

bool EmbeddingSetListModel::remove(const QString &key)
{
    const int at = rowOf(key);
    if (at < 0)
        return false;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
    return true;
}

void EmbeddingSetListModel::clear()
{
    setRows({});
}

int EmbeddingSetListModel::rowOf(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].key == key)
            return i;
    return -1;
}

const EmbeddingSetRow *EmbeddingSetListModel::find(const QString &key) const
{
    const int at = rowOf(key);
    return at < 0 ? nullptr : &m_rows[at];
}

void EmbeddingSetListModel::setLoaded(const QString &key, bool loaded)
{
    const int at = rowOf(key);
    if (at < 0 || m_rows[at].loaded == loaded)
        return;
    m_rows[at].loaded = loaded;
    emit dataChanged(index(at, 0), index(at, ColumnCount - 1));
}

QString EmbeddingSetListModel::formatCreated(const QString &iso)
{
    if (iso.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(iso, Qt::ISODate);
    if (!time.isValid())
        return iso;
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString EmbeddingSetListModel::formatParameters(const QString &json)
{
    if (json.trimmed().isEmpty())
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    if (!document.isObject())
        return json;
    QStringList lines;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it)
        lines << QStringLiteral("%1: %2").arg(it.key(), jsonValueText(it.value()));
    return lines.join(QLatin1Char('\n'));
}

QString EmbeddingSetListModel::describe(const EmbeddingSetRow &row)
{
    QStringList lines;
    lines << row.name;
    if (row.origin == EmbeddingSetRow::Origin::Baseline) {
        lines << tr("Lexical baseline: no vectors, documents are ranked by BM25 over title and text.");
    } else {
        lines << tr("Embedder: %1, dimension %2, %3").arg(row.embedder).arg(row.dim)
                     .arg(row.normalized ? tr("unit-length rows") : tr("rows not normalised"));
        if (row.documents > 0)
            lines << tr("%1 document vectors, %2 query vectors")
                         .arg(QLocale().toString(row.documents), QLocale().toString(row.queries));
    }
    if (!row.created.isEmpty())
        lines << tr("Created: %1").arg(formatCreated(row.created));
    const QString parameters = formatParameters(row.parameters);
    if (!parameters.isEmpty())
        lines << tr("Parameters:") << parameters;
    if (!row.location.isEmpty())
        lines << tr("%1: %2").arg(row.origin == EmbeddingSetRow::Origin::Cache ? tr("Cache entry") : tr("Source"),
                                  QDir::toNativeSeparators(row.location));
    if (row.origin != EmbeddingSetRow::Origin::Baseline)
        lines << (row.loaded ? tr("Loaded in memory") : tr("Not loaded yet (loaded when first used)"));
    return lines.join(QLatin1Char('\n'));
}

int EmbeddingSetListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EmbeddingSetListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EmbeddingSetListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const EmbeddingSetRow &row = m_rows[index.row()];
    const bool baseline = row.origin == EmbeddingSetRow::Origin::Baseline;
    switch (role) {
    case KeyRole:
        return row.key;
    case OriginRole:
        return int(row.origin);
    case Qt::ToolTipRole:
        return describe(row);
    case Qt::TextAlignmentRole:
        if (index.column() == DimColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return row.name;
        case EmbedderColumn:
            return row.embedder;
        case DimColumn:
            if (baseline)
                return role == SortRole ? QVariant(0) : QVariant(QStringLiteral("\u2014"));
            return role == SortRole ? QVariant(row.dim) : QVariant(QString::number(row.dim));
        case NormalizedColumn:
            if (baseline)
                return QStringLiteral("\u2014");
            return row.normalized ? tr("yes") : tr("no");
        case CreatedColumn:
            return role == SortRole ? row.created : formatCreated(row.created);
        case OriginColumn:
            return originText(row.origin);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant EmbeddingSetListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn: return tr("Name");
        case EmbedderColumn: return tr("Embedder");
        case DimColumn: return tr("Dim");
        case NormalizedColumn: return tr("Normalised");
        case CreatedColumn: return tr("Created");
        case OriginColumn: return tr("Stored");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn: return tr("Display name of the set");
        case EmbedderColumn: return tr("What made the vectors (lsa: built-in LSA; openai: an OpenAI-compatible API; "
                                       "imported: vectors read from files)");
        case DimColumn: return tr("Dimension of the vectors");
        case NormalizedColumn: return tr("Whether every vector has unit length");
        case CreatedColumn: return tr("When the vectors were made (local time)");
        case OriginColumn: return tr("cache: in the embedding cache on disk; imported: read from files; "
                                     "built-in: BM25, no vectors");
        default: return {};
        }
    }
    return {};
}

} // namespace embtune::widgets
