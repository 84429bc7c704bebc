#pragma once
// The RunSpec of a run on the open dataset before any method is chosen: the embedding set (or
// BM25) as it is, the split, every metric at evaluationKs(), and the search (exact, or HNSW with
// its parameters). Evaluation uses it as it is; training adds the method and its queries.

#include "dialogs/evaluate_dialog.h"
#include "gui_context.h"
#include "run/run_spec.h"

#include <QString>

namespace embtune::gui {

// `setKey`: an EmbeddingSetStore key (its BM25 key for BM25); `search`: null for exact search.
engine::RunSpec baseRunSpec(const GuiContext &context, const QString &setKey, const QString &split,
                            const SearchSettings *search);

} // namespace embtune::gui
