#pragma once
// The embedding sets the Embeddings panel lists for the open dataset: the BM25 baseline, imported
// sets and the on-disk cache's entries, one row each with its provenance (name, embedder,
// dimension, normalised, created; parameters and location in the tooltip).
// Rows are plain values given by the application; the vectors stay with the application (a row
// only records whether they are loaded).

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace embtune::widgets {

struct EmbeddingSetRow {
    enum class Origin { Baseline, Imported, Cache };

    QString key;            // unique in the model, e.g. "bm25", "import:<path>", "cache:<folder>"
    QString name;
    Origin origin = Origin::Cache;
    QString embedder;       // provenance embedder: "lsa", "openai", "imported", "bm25", ...
    qint64 dim = 0;         // 0: no vectors (BM25)
    bool normalized = false;
    QString created;        // ISO 8601 UTC; empty when unknown
    QString parameters;     // configuration as a JSON object text
    QString location;       // folder or file the vectors come from (empty for BM25)
    QString configKey;      // cache key part (empty for imported sets)
    qint64 documents = 0;   // document vectors
    qint64 queries = 0;     // queries with a vector
    bool loaded = false;    // vectors are in memory
};

class EmbeddingSetListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, EmbedderColumn, DimColumn, NormalizedColumn, CreatedColumn, OriginColumn, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, // QString row key (every column)
        OriginRole,                 // int(EmbeddingSetRow::Origin)
        SortRole,                   // numbers as numbers, dates as ISO text
    };

    explicit EmbeddingSetListModel(QObject *parent = nullptr);

    void setRows(const QList<EmbeddingSetRow> &rows);
    // Replaces the row with the same key, or appends; returns its row number.
    int upsert(const EmbeddingSetRow &row);
    bool remove(const QString &key);
    void clear();

    int rowOf(const QString &key) const;
    // The row with `key`; null when none.
    const EmbeddingSetRow *find(const QString &key) const;
    const EmbeddingSetRow &rowAt(int row) const { return m_rows.at(row); }
    const QList<EmbeddingSetRow> &rows() const { return m_rows; }
    void setLoaded(const QString &key, bool loaded);

    // "2025-11-24 10:52" in local time, or `iso` itself when it does not parse.
    static QString formatCreated(const QString &iso);
    // Parameters JSON pretty-printed ("key: value" lines); the text itself when not JSON.
    static QString formatParameters(const QString &json);
    // Multi-line description of a row: everything the table shows plus parameters and location.
    static QString describe(const EmbeddingSetRow &row);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<EmbeddingSetRow> m_rows;
};

} // namespace embtune::widgets
