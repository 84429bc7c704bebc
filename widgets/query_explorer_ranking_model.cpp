#include "query_explorer_ranking_model.h"

#include <QBrush>
#include <QColor>

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
    endResetModel();
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

QVariant QueryRankingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
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
    default:
        return {};
    }
}

} // namespace embtune::widgets
