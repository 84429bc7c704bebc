#pragma once
// Reader for BEIR dataset folders:
//   DIR/corpus.jsonl    {"_id": str, "title": str?, "text": str, ...} one object per line
//   DIR/queries.jsonl   {"_id": str, "text": str, ...}
//   DIR/qrels/<split>.tsv  "query-id<TAB>corpus-id<TAB>score" with a header line
//                          (TREC qrels "qid 0 docid rel" lines are accepted too)
// Errors name the file and the 1-based line. Qrels naming unknown ids are skipped and counted;
// float scores are rounded to the nearest integer with a warning.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"

#include <string>
#include <vector>

namespace embtune::engine {

struct LoadReport {
    std::vector<std::string> warnings; // human-readable, one per kind of problem
    int64_t skippedQrels = 0;          // judgements naming an unknown query or document id
    int64_t roundedScores = 0;         // float scores rounded to integers
};

// Reads a whole BEIR folder (every qrels/*.tsv becomes a split named by its stem).
Result<Dataset> readBeirDataset(const std::string &dir, LoadReport *report = nullptr,
                                Progress *progress = nullptr);

// Appends documents of a corpus.jsonl file to `dataset`.
Status readCorpusJsonl(const std::string &path, Dataset &dataset);
// Appends queries of a queries.jsonl file to `dataset`.
Status readQueriesJsonl(const std::string &path, Dataset &dataset);
// Reads a qrels file against the ids of `dataset`.
Result<Qrels> readQrels(const std::string &path, const Dataset &dataset, LoadReport &report);
// Reads a query split file: one query id per line (blank lines ignored, duplicates once).
// Returns dense query indices in file order; an unknown id is an error naming the line.
Result<std::vector<int32_t>> readQueryIdList(const std::string &path, const Dataset &dataset);

} // namespace embtune::engine
