#include "generated_set_list.h"

#include "dataset_context.h"
#include "gui_text.h"

namespace embtune::gui {

GeneratedSetList::GeneratedSetList(DatasetContext *dataset, QObject *parent)
    : QObject(parent)
    , m_dataset(dataset)
{
}

engine::Status GeneratedSetList::refresh()
{
    m_sets.clear();
    m_loaded.reset();
    m_loadedName.clear();
    engine::Status status;
    if (m_dataset->hasDataset()) {
        auto listed = m_store.list(m_dataset->textsHash());
        if (listed)
            m_sets = *listed;
        else
            status = listed.error();
    }
    emit changed();
    return status;
}

QStringList GeneratedSetList::names() const
{
    QStringList names;
    for (const GeneratedSetInfo &info : m_sets)
        names << info.name;
    return names;
}

const GeneratedSetInfo *GeneratedSetList::find(const QString &name) const
{
    for (const GeneratedSetInfo &info : m_sets)
        if (info.name == name)
            return &info;
    return nullptr;
}

engine::Result<std::shared_ptr<const engine::SyntheticSet>> GeneratedSetList::load(const QString &name)
{
    if (m_loaded && m_loadedName == name)
        return m_loaded;
    const GeneratedSetInfo *info = find(name);
    const auto dataset = m_dataset->dataset();
    if (!info || !dataset)
        return engine::Error::usage("no generated set named \"" + name.toStdString() + "\"");
    auto set = engine::readSyntheticSet(localPath(info->folder), *dataset);
    if (!set)
        return set.error();
    m_loaded = std::make_shared<const engine::SyntheticSet>(std::move(*set));
    m_loadedName = name;
    return m_loaded;
}

} // namespace embtune::gui
