#pragma once
// The "Generated Queries" tab: the generated training-query sets of the open dataset (name,
// generator, queries, documents, created, where stored) and a browser of the selected set: its
// queries with their source document (id, title), a filter over all three, and the source
// document's text on double-click. Rows and sets are given by the application; the panel emits
// what the user asks for (select, export, delete) and owns no data of its own.

#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QTextBrowser;
class QToolBar;

namespace embtune::widgets {

class GeneratedQueriesModel;

struct GeneratedSetRow {
    QString name;        // unique among the rows; the key of every signal
    QString generator;
    qint64 queries = 0, documents = 0;
    QString created;     // ISO 8601 UTC
    QString location;    // "workspace" or the folder
    QString details;     // tooltip: parameters, seed, folder
};

class GeneratedQueriesPanel : public QWidget {
    Q_OBJECT
public:
    explicit GeneratedQueriesPanel(QWidget *parent = nullptr);

    // Replaces the list; keeps the selection when the selected name is still listed.
    void setSets(const QList<GeneratedSetRow> &rows);
    int setCount() const;
    QString currentSet() const;
    // Selects a set by name (emits currentSetChanged); false when it is not listed.
    bool selectSet(const QString &name);
    // The browser's content (the set selected, loaded by the application). Null clears.
    void showSet(std::shared_ptr<const engine::Dataset> dataset, std::shared_ptr<const engine::SyntheticSet> set);
    // Shows the text of the source document of browser row `row` (of the filtered view).
    void showDocumentOfRow(int row);

    QToolBar *toolBar() const { return m_toolBar; }
    QTableView *setsView() const { return m_setsView; }
    QTableView *queriesView() const { return m_queriesView; }
    QLineEdit *filterEdit() const { return m_filter; }
    QTextBrowser *documentView() const { return m_document; }
    GeneratedQueriesModel *queriesModel() const { return m_queries; }
    QSortFilterProxyModel *filteredQueries() const { return m_proxy; }
    QAction *exportAction() const { return m_exportAction; }
    QAction *deleteAction() const { return m_deleteAction; }

signals:
    void currentSetChanged(const QString &name);
    void exportRequested(const QString &name);
    void deleteRequested(const QString &name);

private:
    void updateCount();

    QToolBar *m_toolBar = nullptr;
    QStandardItemModel *m_sets = nullptr;
    QTableView *m_setsView = nullptr;
    GeneratedQueriesModel *m_queries = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_queriesView = nullptr;
    QTextBrowser *m_document = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_deleteAction = nullptr;
};

} // namespace embtune::widgets
