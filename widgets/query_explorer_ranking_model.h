#pragma once
// The top of one run's ranking for one query, beside the other run's: rank, document id,
// title, relevance gain (the split's qrels level; relevant rows tinted), score, and for each
// relevant document its movement "rank in A -> rank in B" (">k" when outside a run's list of
// k). Built by QueryRankingModel::build from two evaluation reports (their `ranking`s).
// For a fused run, the Members column shows what each member gave every document: its rank in
// the member's list and its term of the fused score (setMemberBreakdown; MemberBarsDelegate
// draws them as bars).

#include "data/dataset.h"
#include "eval/retrieval_evaluation.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <memory>

namespace embtune::widgets {

class QueryRankingModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { RankColumn, DocColumn, TitleColumn, GainColumn, ScoreColumn, MoveColumn, MembersColumn, ColumnCount };
    enum Role {
        DocRole = Qt::UserRole + 1, // int dense document index
        // MembersColumn: QVariantList, one QVariantList {rank (int, 0: not listed), value
        // (double), bar length (double in [0, 1]: the value against the lowest and highest
        // value of the list's cells)} per member
        MemberBarsRole,
    };

    // What one member of a fused run gave a document.
    struct MemberValue {
        int32_t rank = 0; // in the member's list, from 1; 0: not in it
        double value = 0; // its term of the fused score before weighting
    };

    struct Entry {
        int32_t doc = -1;
        float score = 0;
        int32_t gain = 0;
        int32_t rankA = 0, rankB = 0; // 1-based rank in each run's list; 0 = not in it
    };
    // The first `depth` documents of `side`'s list (side 0: A, 1: B) for dense query `query`,
    // with gains from the split of `side`'s report and ranks in both runs' full lists. Empty
    // when the query is not in that ranking.
    static QList<Entry> build(const engine::Dataset &dataset, const engine::EvaluationReport &a,
                              const engine::EvaluationReport &b, int32_t query, int side, int depth = 10);
    // The movement text of a relevant document: "7 \u2192 2", ">100 \u2192 5".
    static QString movement(const Entry &entry, int depthA, int depthB);

    explicit QueryRankingModel(QObject *parent = nullptr);
    void setEntries(std::shared_ptr<const engine::Dataset> dataset, const QList<Entry> &entries, int depthA,
                    int depthB);
    const QList<Entry> &entries() const { return m_entries; }
    // Per row, per member (in `names` order); rows.size() must be the row count. Cleared by
    // setEntries.
    void setMemberBreakdown(const QStringList &names, const QList<QList<MemberValue>> &rows);
    bool hasMemberBreakdown() const { return !m_memberNames.isEmpty(); }
    const QStringList &memberNames() const { return m_memberNames; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant membersData(int row, int role) const;

    std::shared_ptr<const engine::Dataset> m_dataset;
    QList<Entry> m_entries;
    int m_depthA = 0, m_depthB = 0;
    QStringList m_memberNames;
    QList<QList<MemberValue>> m_members;
    double m_lowest = 0, m_highest = 0; // of every member value shown
};

} // namespace embtune::widgets
