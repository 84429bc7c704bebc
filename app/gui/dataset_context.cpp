#include "dataset_context.h"

#include <utility>

namespace embtune::gui {

DatasetContext::DatasetContext(const QString &cacheRoot, QObject *parent)
    : QObject(parent)
    , m_cacheRoot(cacheRoot)
{
}

void DatasetContext::setDataset(std::shared_ptr<const engine::Dataset> dataset, const QString &path,
                                std::string textsHash, std::vector<engine::StoredSetInfo> cachedSets,
                                const QStringList &warnings, const QStringList &preferredSplits)
{
    m_dataset = std::move(dataset);
    m_path = path;
    m_textsHash = std::move(textsHash);
    m_cachedSets = std::move(cachedSets);
    m_warnings = warnings;
    const QStringList names = splits();
    QString split = names.isEmpty() ? QString() : names.first();
    for (const QString &preferred : preferredSplits)
        if (names.contains(preferred)) {
            split = preferred;
            break;
        }
    const bool splitChanges = split != m_split;
    m_split = split;
    emit datasetChanged();
    if (splitChanges)
        emit splitChanged(m_split);
}

QStringList DatasetContext::splits() const
{
    QStringList names;
    if (m_dataset)
        for (const std::string &name : m_dataset->splitNames())
            names << QString::fromStdString(name);
    return names;
}

bool DatasetContext::setSplit(const QString &split)
{
    if (!splits().contains(split))
        return false;
    if (split != m_split) {
        m_split = split;
        emit splitChanged(m_split);
    }
    return true;
}

} // namespace embtune::gui
