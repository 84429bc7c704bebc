#pragma once
// EmbeddingSetStore owns the embedding sets of the open dataset: their rows (BM25, cache entries,
// imported and computed sets; the list model the Embeddings panel shows), the vectors of those
// loaded in memory, and the selected set that Evaluate and Train use. The embeddings controller
// fills it; evaluation, training and analysis read it. GUI thread.

#include "embed/embedding_set.h"
#include "embed/embedding_store.h"
#include "jobs/engine_jobs.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace embtune::widgets {
class EmbeddingSetListModel;
struct EmbeddingSetRow;
} // namespace embtune::widgets

namespace embtune::gui {

class EmbeddingSetStore : public QObject {
    Q_OBJECT
public:
    // Key of the BM25 row.
    static QString bm25Key();
    // Key of the row of the cache entry in folder `entryDir`.
    static QString cacheKeyOf(const QString &entryDir);
    // The row of cache entry `info`, listed under `key`.
    static widgets::EmbeddingSetRow rowOf(const engine::StoredSetInfo &info, const QString &key);

    explicit EmbeddingSetStore(QObject *parent = nullptr);

    widgets::EmbeddingSetListModel *model() const { return m_model; } // owned
    const widgets::EmbeddingSetRow *find(const QString &key) const;

    // The selected set; empty key when none. currentChanged() when it changes.
    QString currentKey() const { return m_current; }
    bool select(const QString &key); // false when `key` (non-empty) is not listed
    const widgets::EmbeddingSetRow *currentRow() const { return find(m_current); }
    bool currentIsBm25() const;
    // The vectors of the selected set; null when none is selected, it is BM25 or not loaded yet.
    std::shared_ptr<const engine::EmbeddingSet> currentSet() const { return loaded(m_current); }
    // Folder or file of the selected set when it was imported; empty otherwise.
    QString currentImportPath() const;

    std::shared_ptr<const engine::EmbeddingSet> loaded(const QString &key) const { return m_loaded.value(key); }
    // Keeps the vectors of listed row `key` in memory (loadedChanged).
    void remember(const QString &key, std::shared_ptr<const engine::EmbeddingSet> set);
    // What a job needs to get the vectors of `key`: the loaded set, else the cache folder.
    EmbeddingsSource sourceOf(const QString &key) const;

    // A new dataset: BM25 and `cached` (newest first), nothing loaded, nothing selected.
    void reset(const std::vector<engine::StoredSetInfo> &cached);
    // Replaces the cache rows with `cached`, keeping BM25, imported sets and computed sets that
    // could not be cached; sets no longer listed leave memory.
    void setCacheRows(const std::vector<engine::StoredSetInfo> &cached);
    // Replaces row `row.key`, or adds it: after BM25 when `first` (a new cache entry: newest
    // first), else at the end.
    void addRow(const widgets::EmbeddingSetRow &row, bool first = false);
    // Removes row `key` and its vectors; false when it is not listed.
    bool removeRow(const QString &key);

signals:
    void currentChanged(const QString &key);
    void loadedChanged(const QString &key);

private:
    widgets::EmbeddingSetListModel *m_model;
    QHash<QString, std::shared_ptr<const engine::EmbeddingSet>> m_loaded; // by row key
    QString m_current;
};

} // namespace embtune::gui
