#pragma once
// GeneratedSetList owns the generated training-query sets of the open dataset: where they are
// stored (GeneratedSetStore: the open workspace or the app's data folder), the list for the
// dataset's texts, and the set last read. The generated-queries controller adds and removes
// sets; training reads them. GUI thread.

#include "generated_set_store.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <memory>

namespace embtune::gui {

class DatasetContext;

class GeneratedSetList : public QObject {
    Q_OBJECT
public:
    GeneratedSetList(DatasetContext *dataset, QObject *parent = nullptr);

    GeneratedSetStore &store() { return m_store; }
    // Lists the sets of the open dataset again (changed()); the error of listing, if any.
    engine::Status refresh();

    const QList<GeneratedSetInfo> &sets() const { return m_sets; }
    QStringList names() const;
    const GeneratedSetInfo *find(const QString &name) const;
    // The queries of set `name` (read once, then kept until another set is read).
    engine::Result<std::shared_ptr<const engine::SyntheticSet>> load(const QString &name);

signals:
    void changed();

private:
    DatasetContext *m_dataset;
    GeneratedSetStore m_store{GeneratedSetStore::defaultRoot()};
    QList<GeneratedSetInfo> m_sets;
    std::shared_ptr<const engine::SyntheticSet> m_loaded;
    QString m_loadedName;
};

} // namespace embtune::gui
