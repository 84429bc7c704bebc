#include "embedding_set_store.h"

#include "embedding_set_list_model.h"
#include "gui_text.h"

#include <utility>

namespace embtune::gui {

namespace {
using Row = widgets::EmbeddingSetRow;
} // namespace

widgets::EmbeddingSetRow EmbeddingSetStore::rowOf(const engine::StoredSetInfo &info, const QString &key)
{
    Row row;
    row.key = key;
    row.name = fromStd(info.name);
    row.origin = Row::Origin::Cache;
    row.embedder = fromStd(info.provenance.embedder);
    row.dim = info.dim;
    row.normalized = info.provenance.normalized;
    row.created = fromStd(info.provenance.created);
    row.parameters = fromStd(info.provenance.parameters);
    row.location = fromLocalPath(info.dir);
    row.configKey = fromStd(info.configKey);
    row.documents = info.documents;
    row.queries = info.queries;
    return row;
}

QString EmbeddingSetStore::bm25Key()
{
    return QStringLiteral("bm25");
}

QString EmbeddingSetStore::cacheKeyOf(const QString &entryDir)
{
    return QStringLiteral("cache:") + entryDir;
}

EmbeddingSetStore::EmbeddingSetStore(QObject *parent)
    : QObject(parent)
    , m_model(new widgets::EmbeddingSetListModel(this))
{
    // A selected row that disappears (removed from the cache, a new dataset) is deselected.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_current.isEmpty() && m_model->rowOf(m_current) < 0)
            select({});
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_current.isEmpty() && m_model->rowOf(m_current) < 0)
            select({});
    });
}

const widgets::EmbeddingSetRow *EmbeddingSetStore::find(const QString &key) const
{
    return m_model->find(key);
}

bool EmbeddingSetStore::select(const QString &key)
{
    if (!key.isEmpty() && !m_model->find(key))
        return false;
    if (key != m_current) {
        m_current = key;
        emit currentChanged(key);
    }
    return true;
}

bool EmbeddingSetStore::currentIsBm25() const
{
    const Row *row = currentRow();
    return row && row->origin == Row::Origin::Baseline;
}

QString EmbeddingSetStore::currentImportPath() const
{
    const Row *row = currentRow();
    return row && row->origin == Row::Origin::Imported ? row->location : QString();
}

void EmbeddingSetStore::remember(const QString &key, std::shared_ptr<const engine::EmbeddingSet> set)
{
    if (!set || !m_model->find(key))
        return;
    m_loaded.insert(key, std::move(set));
    m_model->setLoaded(key, true);
    emit loadedChanged(key);
}

EmbeddingsSource EmbeddingSetStore::sourceOf(const QString &key) const
{
    EmbeddingsSource source;
    source.loaded = m_loaded.value(key);
    if (!source.loaded)
        if (const Row *row = m_model->find(key); row && row->origin == Row::Origin::Cache)
            source.folder = row->location;
    return source;
}

void EmbeddingSetStore::reset(const std::vector<engine::StoredSetInfo> &cached)
{
    Row bm25;
    bm25.key = bm25Key();
    bm25.name = tr("BM25 (k1 0.9, b 0.4)");
    bm25.origin = Row::Origin::Baseline;
    bm25.embedder = QStringLiteral("bm25");
    bm25.parameters = QStringLiteral(R"({"k1": 0.9, "b": 0.4, "idf": "lucene", "stop_words": "english"})");
    select({});
    m_loaded.clear();
    m_model->setRows({bm25});
    setCacheRows(cached);
}

void EmbeddingSetStore::setCacheRows(const std::vector<engine::StoredSetInfo> &cached)
{
    QList<Row> rows;
    for (const Row &row : m_model->rows())
        if (row.origin != Row::Origin::Cache || row.location.isEmpty())
            rows.append(row); // BM25, imported sets, computed sets that could not be cached
    // Cache entries after BM25, before the rest.
    const int at = rows.isEmpty() || rows.front().origin != Row::Origin::Baseline ? 0 : 1;
    QList<Row> entries;
    for (const engine::StoredSetInfo &info : cached) {
        Row row = rowOf(info, cacheKeyOf(fromLocalPath(info.dir)));
        row.loaded = m_loaded.contains(row.key);
        entries.append(row);
    }
    for (qsizetype i = 0; i < entries.size(); ++i)
        rows.insert(at + i, entries[i]);
    // Sets no longer listed are no longer kept in memory.
    for (auto it = m_loaded.begin(); it != m_loaded.end();) {
        bool listed = false;
        for (const Row &row : rows)
            listed = listed || row.key == it.key();
        it = listed ? std::next(it) : m_loaded.erase(it);
    }
    m_model->setRows(rows);
}

void EmbeddingSetStore::addRow(const widgets::EmbeddingSetRow &row, bool first)
{
    if (!first || m_model->rowOf(row.key) >= 0) {
        m_model->upsert(row);
        return;
    }
    QList<Row> rows = m_model->rows();
    const int at = !rows.isEmpty() && rows.front().origin == Row::Origin::Baseline ? 1 : 0;
    rows.insert(at, row);
    m_model->setRows(rows);
}

bool EmbeddingSetStore::removeRow(const QString &key)
{
    m_loaded.remove(key);
    return m_model->remove(key);
}

} // namespace embtune::gui
