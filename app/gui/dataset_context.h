#pragma once
// DatasetContext owns what every area works on: the open dataset (its folder, texts hash and the
// cache entries found for it when it opened), the embedding cache folder and the split being
// evaluated. Controllers read it and react to its signals; the welcome controller opens
// datasets, the evaluation controller's split box sets the split. GUI thread.

#include "data/dataset.h"
#include "embed/embedding_store.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

namespace embtune::gui {

class DatasetContext : public QObject {
    Q_OBJECT
public:
    // `cacheRoot`: the embedding cache folder (absolute).
    explicit DatasetContext(const QString &cacheRoot, QObject *parent = nullptr);

    std::shared_ptr<const engine::Dataset> dataset() const { return m_dataset; }
    bool hasDataset() const { return m_dataset != nullptr; }
    QString path() const { return m_path; } // folder of the open dataset; empty when none
    const std::string &textsHash() const { return m_textsHash; } // engine datasetTextsHash
    // Cache entries made from the dataset's texts when it opened, newest first.
    const std::vector<engine::StoredSetInfo> &cachedSetsAtOpen() const { return m_cachedSets; }
    QString cacheRoot() const { return m_cacheRoot; }

    // Replaces the open dataset: datasetChanged(), then splitChanged() when the split changed
    // (the first of `preferredSplits` the dataset has, else its first split).
    void setDataset(std::shared_ptr<const engine::Dataset> dataset, const QString &path, std::string textsHash,
                    std::vector<engine::StoredSetInfo> cachedSets, const QStringList &warnings,
                    const QStringList &preferredSplits);
    // Warnings of the last load (skipped qrels lines, ...).
    QStringList loadWarnings() const { return m_warnings; }

    QStringList splits() const; // of the open dataset, in its order
    QString split() const { return m_split; }
    // Selects `split`; false (nothing changes) when the dataset has no such split.
    bool setSplit(const QString &split);

signals:
    void datasetChanged();
    void splitChanged(const QString &split);

private:
    QString m_cacheRoot;
    std::shared_ptr<const engine::Dataset> m_dataset;
    QString m_path;
    std::string m_textsHash;
    std::vector<engine::StoredSetInfo> m_cachedSets;
    QStringList m_warnings;
    QString m_split;
};

} // namespace embtune::gui
