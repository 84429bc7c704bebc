#pragma once
// The Embeddings view: a tool bar (actions supplied by the application: compute, import, export,
// remove), the table of embedding sets (EmbeddingSetListModel) and the full provenance of the
// selected set. The selected set is the one Evaluate and Train use; the panel only reports
// selection changes, it never loads or computes anything.

#include <QWidget>

class QLabel;
class QTableView;
class QToolBar;

namespace embtune::widgets {

class EmbeddingSetListModel;

class EmbeddingsPanel : public QWidget {
    Q_OBJECT
public:
    // Shows `model` (not owned; null: a model of its own).
    explicit EmbeddingsPanel(EmbeddingSetListModel *model = nullptr, QWidget *parent = nullptr);

    EmbeddingSetListModel *model() const { return m_model; }
    QToolBar *toolBar() const { return m_toolBar; }
    QTableView *view() const { return m_table; }

    // Key of the selected row; empty when none.
    QString currentKey() const { return m_currentKey; }
    // Selects the row with `key` (empty: clears the selection); false when it is not listed.
    bool selectKey(const QString &key);

    // Where the cache lives, shown under the table.
    void setCacheLocation(const QString &dir);

signals:
    // The selection changed (also when the selected row disappears: empty key).
    void currentKeyChanged(const QString &key);
    // Double-click or Enter on a row.
    void keyActivated(const QString &key);

private:
    void onCurrentChanged();
    void updateDetails();

    EmbeddingSetListModel *m_model = nullptr;
    QToolBar *m_toolBar = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_cacheLocation = nullptr;
    QString m_currentKey;
};

} // namespace embtune::widgets
