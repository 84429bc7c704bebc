#pragma once
// The top of one run's ranking for one query, beside the other run's: rank, document id,
// title, relevance gain (the split's qrels level; relevant rows tinted), score, and for each
// relevant document its movement "rank in A -> rank in B" (">k" when outside a run's list of
// k). Built by QueryRankingModel::build from two evaluation reports (their `ranking`s).

#include "data/dataset.h"
#include "eval/retrieval_evaluation.h"

#include <QAbstractTableModel>

#include <memory>

namespace embtune::widgets {

class QueryRankingModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { RankColumn, DocColumn, TitleColumn, GainColumn, ScoreColumn, MoveColumn, ColumnCount };
    enum Role { DocRole = Qt::UserRole + 1 }; // int dense document index

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

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const engine::Dataset> m_dataset;
    QList<Entry> m_entries;
    int m_depthA = 0, m_depthB = 0;
};

} // namespace embtune::widgets
