#include "base_run_spec.h"

#include "embedding_set_list_model.h"
#include "embedding_set_store.h"
#include "dataset_context.h"
#include "gui_text.h"

namespace embtune::gui {

namespace {
using Row = widgets::EmbeddingSetRow;
} // namespace

engine::RunSpec baseRunSpec(const GuiContext &context, const QString &setKey, const QString &split,
                            const SearchSettings *search)
{
    engine::RunSpec spec;
    spec.dataset = localPath(context.dataset->path());
    if (setKey == EmbeddingSetStore::bm25Key()) {
        spec.base = engine::RunBase::Bm25;
    } else {
        const Row *row = context.sets->find(setKey);
        spec.embeddings = row ? localPath(row->location) : std::string();
        if (search && search->hnsw) {
            spec.search = engine::RunSearch::Hnsw;
            spec.hnsw = search->index.parameters;
            spec.threads = search->index.threads;
        }
    }
    spec.split = split.toStdString();
    spec.ks.clear();
    for (int k : evaluationKs())
        spec.ks.push_back(k);
    spec.metrics.assign(std::begin(engine::kAllMetrics), std::end(engine::kAllMetrics));
    return spec;
}

} // namespace embtune::gui
