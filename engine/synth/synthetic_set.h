#pragma once
// A set of generated (synthetic) training queries for a dataset: each query has one source
// document, which is its single positive (gain 1). Stored as a folder that a BEIR reader loads:
//   DIR/queries.jsonl      {"_id", "text", "doc_id", "generator"[, "removed": bool]} per line
//   DIR/qrels/train.tsv    "query-id<TAB>corpus-id<TAB>score" header, then "<id>\t<doc id>\t1"
//   DIR/manifest.json      {"format": "embtune.synthetic-queries", "version": 1, "generator",
//                           "parameters": {...}, "seed", "dataset_hash", "documents_sampled",
//                           "documents_with_queries", "queries", "created"}
// The folder holds no corpus: readSyntheticSet() resolves doc ids against the dataset it was
// generated for (checked by datasetTextsHash, see data/dataset_hash.h).

#include "core/error.h"
#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct SyntheticQuery {
    std::string id;    // unique within the set, e.g. "ict:4983:0"
    std::string text;
    int32_t doc = 0;   // dense index of the source document in the dataset
    // ICT only: the sentence was removed from the positive's text (see positiveText()).
    // Provenance: written to queries.jsonl, not read back (no method reads per-pair text).
    bool removed = false;
};

struct SyntheticSet {
    std::string generator;         // "ict", "title", "keyphrase", "llm"
    std::string parametersJson;    // generator parameters as a JSON object (never secrets)
    uint64_t seed = 0;
    std::string datasetHash;       // datasetTextsHash() of the dataset it was generated for
    int64_t documentsSampled = 0;  // documents the generator looked at
    std::vector<SyntheticQuery> queries;

    int64_t documentsWithQueries() const;
};

// The text of the positive for `query`: the document text (title + " " + text, as
// documentTexts()) with the query's sentence cut out when `query.removed`, unchanged otherwise.
std::string positiveText(const Dataset &dataset, const SyntheticQuery &query);

// Writes the folder layout above into `dir` (created; files written atomically). An id the
// qrels TSV cannot hold (checkTsvField) is an input error naming it; nothing is written then.
Status writeSyntheticSet(const SyntheticSet &set, const Dataset &dataset, const std::string &dir);

// Reads a folder written by writeSyntheticSet (queries and qrels through the BEIR reader).
// Errors: missing files, a manifest that is not ours, a dataset hash that differs from
// `dataset`'s, a query without exactly one positive in qrels/train.tsv, unknown document ids.
Result<SyntheticSet> readSyntheticSet(const std::string &dir, const Dataset &dataset);

} // namespace embtune::engine
