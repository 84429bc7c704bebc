#pragma once
// Evaluation with an HNSW index instead of exact search, and how far its lists are from exact:
// the dataset's queries are searched in `index` (at least 10 deep, and as deep as the largest k
// of the options), scored like exact rankings, then the same queries are searched exactly and
// recall@k of the HNSW lists against the exact ones is measured for every k of the options up
// to the searched depth, and for 10. Used by the CLI (evaluate --search hnsw) and the GUI.
// A query with a zero vector scores 0 against every document: its list is not searched in the
// graph (which cannot order equal distances) but is the index's live labels in tie order, as
// exact search gives it. Zero vectors are reported as evaluateEmbeddings reports them.

#include "core/error.h"
#include "core/progress.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"
#include "search/hnsw_index.h"

#include <utility>
#include <vector>

namespace embtune::engine {

struct HnswEvaluationResult {
    EvaluationReport report;
    double exactSeconds = 0;                         // the exact search for the recall
    std::vector<std::pair<int, double>> annRecall;   // (k, recall@k against exact), k ascending
};

// `index` holds the documents of `embeddings`; its labels are document indices, or its ids are
// mapped to the dataset's (an index edited by insert/remove elsewhere). Searches run on
// options.threads threads. Progress phases "search" and "evaluate"; cancel returns Cancelled.
Result<HnswEvaluationResult> evaluateWithHnswIndex(const Dataset &dataset, const EmbeddingSet &embeddings,
                                             const HnswIndex &index, const EvaluationOptions &options,
                                             Progress *progress);

} // namespace embtune::engine
