#pragma once
// The dataset view: counts (documents, queries, per split), a filterable table of queries and,
// for the selected query, its judged documents and the text of the selected one.
// Shows the Dataset it is given; keeps a shared reference, never modifies it.

#include "data/dataset.h"

#include <QStringList>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTextBrowser;
class QTimer;

namespace embtune::widgets {

class QueryFilterProxyModel;
class QueryListModel;
class RelevantDocumentsModel;

class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    // Filters of models with more rows than this are applied after a short typing pause.
    static constexpr int kImmediateFilterRows = 20000;

    explicit DatasetPanel(QWidget *parent = nullptr);

    // Shows `dataset` (null clears the panel); `warnings` are listed under the counts.
    void setDataset(std::shared_ptr<const engine::Dataset> dataset, const QStringList &warnings = {});
    const std::shared_ptr<const engine::Dataset> &dataset() const { return m_dataset; }

    // Selects the first listed query that `split` (any split when empty) judges with a relevant
    // document. Returns false when there is none.
    bool selectFirstJudgedQuery(const QString &split = {});
    // Selects dense query index `query` if it is listed (clears the filter when it hides it).
    bool selectQuery(int query);
    // Dense index of the selected query, -1 when none.
    int currentQuery() const { return m_currentQuery; }

    // Sets the filter box and applies the filter at once.
    void setFilterText(const QString &text);
    QString filterText() const;

    QueryListModel *queryModel() const { return m_queryModel; }
    QueryFilterProxyModel *queryProxy() const { return m_queryProxy; }
    RelevantDocumentsModel *relevantModel() const { return m_relevantModel; }

    // Splitter positions, for QSettings.
    QByteArray saveLayoutState() const;
    void restoreLayoutState(const QByteArray &state);

signals:
    // The selected query changed (-1: none).
    void querySelected(int query);

private:
    void applyFilter();
    void updateSummary(const QStringList &warnings);
    void updateFilterCount();
    void showQuery(int query);
    void showDocument(const QModelIndex &relevantIndex);

    std::shared_ptr<const engine::Dataset> m_dataset;
    QueryListModel *m_queryModel = nullptr;
    QueryFilterProxyModel *m_queryProxy = nullptr;
    RelevantDocumentsModel *m_relevantModel = nullptr;
    QLabel *m_summary = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_filterCount = nullptr;
    QTimer *m_filterTimer = nullptr;
    QTableView *m_queryTable = nullptr;
    QLabel *m_queryHeading = nullptr;
    QTableView *m_relevantTable = nullptr;
    QTextBrowser *m_documentView = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_detailSplitter = nullptr;
    int m_currentQuery = -1;
};

} // namespace embtune::widgets
