#pragma once
// Training on generated queries without changing the methods: the generated queries become
// ordinary queries of a copy of the dataset (ids prefixed "synth:", judgements in split "synth",
// one positive each) and their vectors become rows of the embedding set's query matrix, so
// TrainingData's dense query indices cover them like labelled queries.
//
// Positives: a method that trains against the fixed corpus matrix uses the source document's
// corpus row as the positive, so ICT's sentence removal does not change what it sees. Removal
// shapes the positive only where a method embeds per-pair positive text (none of the current
// methods do; mafin's text encoder reads the dataset's document texts) or when an embedder is
// re-run on positiveText(); the flag is kept in the set for that use.

#include "core/error.h"
#include "core/matrix.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "synth/synthetic_set.h"

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

inline constexpr const char *kSyntheticIdPrefix = "synth:";
inline constexpr const char *kSyntheticSplit = "synth";

// A copy of `dataset` with every generated query appended (query index queryCount() + i for
// set.queries[i]) and split "synth" holding their judgements. `appended` receives the new dense
// indices. Errors: a set generated for another dataset (hash mismatch), a document index out of
// range, an id that collides with an existing query id.
Result<Dataset> appendSyntheticQueries(const Dataset &dataset, const SyntheticSet &set,
                                       std::vector<int32_t> *appended = nullptr);

// A copy of `embeddings` whose query matrix has `vectors` (rows x dim, one per generated query in
// set order) appended, each marked as having a vector. Error when the dimension differs.
Result<EmbeddingSet> appendQueryVectors(const EmbeddingSet &embeddings, ConstMatrixMap vectors);

// Splits `queries` into (train, held-out dev) by a seeded shuffle: round(fraction * n) go to dev
// (at least 1 when fraction > 0 and n >= 2), the rest to train; both keep ascending order.
std::pair<std::vector<int32_t>, std::vector<int32_t>> splitHeldOut(const std::vector<int32_t> &queries,
                                                                    double fraction, uint64_t seed);

} // namespace embtune::engine
