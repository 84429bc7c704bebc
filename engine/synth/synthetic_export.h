#pragma once
// Export of a generated query set as a self-contained BEIR dataset folder, so any BEIR tool (and
// readBeirDataset) can load it without embtune's generated-set reader:
//   DIR/corpus.jsonl       the dataset's documents {"_id", "title", "text"}, in dataset order
//   DIR/queries.jsonl      the generated queries (writeSyntheticSet's lines: "_id", "text", ...)
//   DIR/qrels/train.tsv    one positive (score 1) per generated query: its source document
//   DIR/manifest.json      the generated set's manifest (provenance)

#include "core/error.h"
#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <string>

namespace embtune::engine {

// Writes the folder above into `dir` (created; each file written atomically). `dataset` must be
// the dataset the set was generated for (its documents are the corpus). Refuses (input error) a
// folder that already holds corpus.jsonl, queries.jsonl or qrels/train.tsv: it would overwrite a
// dataset, possibly the one the set was generated from.
Status exportSyntheticSetAsBeir(const SyntheticSet &set, const Dataset &dataset, const std::string &dir);

} // namespace embtune::engine
