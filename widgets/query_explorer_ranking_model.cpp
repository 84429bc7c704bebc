#include "query_explorer_ranking_model.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <limits>

namespace embtune::widgets {

namespace {

// Row of `query` in `ranking`, or -1.
int64_t rowOf(const engine::Ranking &ranking, int32_t query)
{
    for (size_t row = 0; row < ranking.queries.size(); ++row)
        if (ranking.queries[row] == query)
            return int64_t(row);
    return -1;
}

int32_t rankOf(const engine::Ranking &ranking, int64_t row, int32_t doc)
{
    if (row < 0)
        return 0;
    const int32_t *docs = ranking.docsOf(size_t(row));
    for (int32_t i = 0; i < ranking.k; ++i)
        if (docs[i] == doc)
            return i + 1;
    return 0;
}

} // namespace

QList<QueryRankingModel::Entry> QueryRankingModel::build(const engine::Dataset &dataset,
                                                         const engine::EvaluationReport &a,
                                                         const engine::EvaluationReport &b, int32_t query, int side,
                                                         int depth)
{
    const engine::EvaluationReport &own = side == 0 ? a : b;
    const int64_t rowA = rowOf(a.ranking, query), rowB = rowOf(b.ranking, query);
    const int64_t row = side == 0 ? rowA : rowB;
    QList<Entry> entries;
    if (row < 0)
        return entries;
    const engine::Qrels *qrels = dataset.split(own.split);
    const engine::QueryJudgements *judged = qrels ? qrels->find(query) : nullptr;
    const int32_t *docs = own.ranking.docsOf(size_t(row));
    const float *scores = own.ranking.scoresOf(size_t(row));
    for (int32_t i = 0; i < std::min(depth, own.ranking.k); ++i) {
        if (docs[i] < 0)
            break;
        Entry entry;
        entry.doc = docs[i];
        entry.score = scores[i];
        entry.gain = judged ? judged->gainOf(docs[i]) : 0;
        entry.rankA = rankOf(a.ranking, rowA, docs[i]);
        entry.rankB = rankOf(b.ranking, rowB, docs[i]);
        entries.append(entry);
    }
    return entries;
}

QString QueryRankingModel::movement(const Entry &entry, int depthA, int depthB)
{
    const QString from = entry.rankA > 0 ? QString::number(entry.rankA) : QStringLiteral(">%1").arg(depthA);
    const QString to = entry.rankB > 0 ? QString::number(entry.rankB) : QStringLiteral(">%1").arg(depthB);
    return QStringLiteral("%1 \u2192 %2").arg(from, to);
}

QueryRankingModel::QueryRankingModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void QueryRankingModel::setEntries(std::shared_ptr<const engine::Dataset> dataset, const QList<Entry> &entries,
                                   int depthA, int depthB)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_entries = entries;
    m_depthA = depthA;
    m_depthB = depthB;
    m_memberNames.clear();
    m_members.clear();
    endResetModel();
}

void QueryRankingModel::setMemberBreakdown(const QStringList &names, const QList<QList<MemberValue>> &rows)
{
    if (rows.size() != m_entries.size())
        return;
    m_memberNames = names;
    m_members = rows;
    m_lowest = std::numeric_limits<double>::infinity();
    m_highest = -std::numeric_limits<double>::infinity();
    for (const QList<MemberValue> &row : rows)
        for (const MemberValue &member : row) {
            m_lowest = std::min(m_lowest, member.value);
            m_highest = std::max(m_highest, member.value);
        }
    emit dataChanged(index(0, MembersColumn), index(std::max(0, int(rows.size()) - 1), MembersColumn));
    emit headerDataChanged(Qt::Horizontal, MembersColumn, MembersColumn);
}

int QueryRankingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int QueryRankingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueryRankingModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size() || !m_dataset)
        return {};
    const Entry &entry = m_entries[index.row()];
    if (role == DocRole)
        return entry.doc;
    if (role == Qt::BackgroundRole && entry.gain > 0)
        return QBrush(QColor(0x2c, 0xa0, 0x2c, entry.gain > 1 ? 90 : 50));
    if (index.column() == MembersColumn)
        return membersData(index.row(), role);
    const engine::Document &doc = m_dataset->docs[size_t(entry.doc)];
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(doc.title.empty() ? doc.text.substr(0, 300) : doc.title);
    if (role == Qt::TextAlignmentRole && index.column() != TitleColumn && index.column() != DocColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case RankColumn:
        return index.row() + 1;
    case DocColumn:
        return QString::fromStdString(m_dataset->docIds.id(entry.doc));
    case TitleColumn:
        return QString::fromStdString(doc.title.empty() ? doc.text.substr(0, 120) : doc.title);
    case GainColumn:
        return entry.gain > 0 ? QString(entry.gain, QChar(0x2605)) : QString();
    case ScoreColumn:
        return QString::number(entry.score, 'f', 4);
    case MoveColumn:
        return entry.gain > 0 ? movement(entry, m_depthA, m_depthB) : QString();
    default:
        return {};
    }
}

QVariant QueryRankingModel::membersData(int row, int role) const
{
    if (row >= m_members.size())
        return {};
    const QList<MemberValue> &members = m_members[row];
    const double span = m_highest - m_lowest;
    switch (role) {
    case MemberBarsRole: {
        QVariantList bars;
        for (const MemberValue &member : members)
            bars.append(QVariant(QVariantList{member.rank, member.value, span > 0 ? (member.value - m_lowest) / span : 1.0}));
        return bars;
    }
    case Qt::DisplayRole: {
        QStringList ranks;
        for (const MemberValue &member : members)
            ranks << (member.rank > 0 ? QString::number(member.rank) : QStringLiteral("–"));
        return ranks.join(QStringLiteral(" · "));
    }
    case Qt::ToolTipRole: {
        QStringList lines;
        for (int i = 0; i < members.size() && i < m_memberNames.size(); ++i)
            lines << (members[i].rank > 0 ? tr("%1: rank %2, term %3") : tr("%1: not in its list (%2), term %3"))
                         .arg(m_memberNames[i], members[i].rank > 0 ? QString::number(members[i].rank) : tr("its floor"))
                         .arg(members[i].value, 0, 'f', 4);
        return lines.join(QLatin1Char('\n'));
    }
    default:
        return {};
    }
}

QVariant QueryRankingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == MembersColumn)
        return tr("Fused run: each member's rank of the document and its term of the fused score (normalised "
                  "score, or 1 / (k + rank) for RRF), as bars over this list's range; members: %1")
            .arg(m_memberNames.join(QStringLiteral(", ")));
    if (role == Qt::ToolTipRole && section == MoveColumn)
        return tr("Rank of a relevant document in run A \u2192 in run B");
    if (role == Qt::ToolTipRole && section == GainColumn)
        return tr("Relevance gain from the qrels (one star per level)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RankColumn:
        return tr("#");
    case DocColumn:
        return tr("Document");
    case TitleColumn:
        return tr("Title");
    case GainColumn:
        return tr("Gain");
    case ScoreColumn:
        return tr("Score");
    case MoveColumn:
        return tr("A \u2192 B");
    case MembersColumn:
        return tr("Members");
    default:
        return {};
    }
}

} // namespace embtune::widgets
