#pragma once
// The query explorer: two runs A and B (combos) compared query by query.
//   Top: wins, losses and ties of B against A in nDCG@10; a filter on query id and text; the
//   queries both runs evaluated, sorted by the change in nDCG@10 (largest gain first; any
//   column sorts); beside them a scatter of nDCG@10 per query (A across, B up, the current
//   query in red): clicking a point shows the nearest query.
//   Middle: for the current query, the top 10 of A and of B side by side (QueryRankingModel:
//   gain marks, scores, rank movement A -> B of each relevant document; for a fused run, what
//   each member gave each document once the owner sets the breakdown).
//   Bottom: the text of the query, its relevant documents' movements, and of the document
//   clicked in either list.
// The view owns no data: runs are shared evaluation reports of the application.

#include "data/dataset.h"
#include "eval/retrieval_evaluation.h"

#include <QSortFilterProxyModel>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTextBrowser;
class QChartView;
class QScatterSeries;

namespace embtune::widgets {

class QueryExplorerModel;
class QueryRankingModel;

struct ExplorerRun {
    QString key, name;
    std::shared_ptr<const engine::EvaluationReport> report;
};

class QueryExplorerView : public QWidget {
    Q_OBJECT
public:
    explicit QueryExplorerView(QWidget *parent = nullptr);

    // The dataset of the runs; clears the runs when it changes.
    void setDataset(std::shared_ptr<const engine::Dataset> dataset);
    // Runs to choose from. A and B keep their runs when still listed; otherwise A is the first
    // run and B the last.
    void setRuns(const QList<ExplorerRun> &runs);
    // Chooses the two runs; false when either key is unknown.
    bool setRunPair(const QString &keyA, const QString &keyB);
    QString runA() const;
    QString runB() const;

    // Makes the query (dense index) current, clearing the filter when it hides it; false when
    // the query is not compared.
    bool showQuery(int32_t query);
    int32_t currentQuery() const;
    // Makes the document (dense index) current in the text pane.
    void showDocument(int32_t doc);

    QueryExplorerModel *queryModel() const { return m_queries; }
    QSortFilterProxyModel *queryProxy() const { return m_proxy; }
    QueryRankingModel *rankingA() const { return m_rankingA; }
    QueryRankingModel *rankingB() const { return m_rankingB; }
    QTableView *listA() const { return m_listA; } // "explorerListA": rankingA()
    QTableView *listB() const { return m_listB; } // "explorerListB": rankingB()
    QTableView *queryTable() const { return m_queryTable; }
    QLineEdit *filterEdit() const { return m_filter; }
    QLabel *summaryLabel() const { return m_summary; }
    QTextBrowser *textPane() const { return m_text; }
    QChartView *scatterView() const { return m_scatterView; }
    // One point per compared query (A's nDCG@10, B's nDCG@10), in the model's row order.
    QScatterSeries *scatterSeries() const { return m_points; }
    // Shows the query whose point is nearest to `point` (scatter coordinates); false when none.
    bool showNearestQuery(const QPointF &point);

signals:
    void currentQueryChanged(int32_t query);

private:
    void compare();
    void showCurrentQuery();
    void updateScatter();
    const ExplorerRun *find(const QString &key) const;

    std::shared_ptr<const engine::Dataset> m_dataset;
    QList<ExplorerRun> m_runs;
    QueryExplorerModel *m_queries;
    QSortFilterProxyModel *m_proxy;
    QueryRankingModel *m_rankingA;
    QueryRankingModel *m_rankingB;
    QComboBox *m_runACombo;
    QComboBox *m_runBCombo;
    QLineEdit *m_filter;
    QLabel *m_summary;
    QTableView *m_queryTable;
    QTableView *m_listA;
    QTableView *m_listB;
    QLabel *m_listATitle;
    QLabel *m_listBTitle;
    QTextBrowser *m_text;
    QChartView *m_scatterView;
    QScatterSeries *m_points;
    QScatterSeries *m_currentPoint;
    int32_t m_shownQuery = -1;
};

} // namespace embtune::widgets
