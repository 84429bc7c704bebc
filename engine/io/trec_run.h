#pragma once
// TREC run files: one line per retrieved document, `qid Q0 docid rank score tag`, fields
// separated by white space (the writer uses single spaces). Ranks are 1-based and follow the
// ranking's order; scores are written with 9 significant digits, so a float score reads back
// exactly. trec_eval re-sorts a run by score descending and breaks ties by document id
// descending (string order); rankingFromTrecRun applies the same rule, the same one the
// search uses (see search/ranking.h), so a ranking written and read back is unchanged.

#include "core/error.h"
#include "data/dataset.h"
#include "search/ranking.h"

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct TrecRunLine {
    std::string queryId, docId;
    int32_t rank = 0;
    double score = 0;
    std::string tag;
    int64_t line = 0; // 1-based line of the file it was read from; 0 when not read
};

// The text of a run: the first min(depth, ranking.k) documents of each row of `ranking`
// (padding -1 entries are skipped), queries in ranking order. Ids come from `dataset`.
// depth < 1 is a usage error; so is a tag that is empty or contains white space. A query or
// document id with white space (the field separator) is an input error naming the id.
Result<std::string> formatTrecRun(const Ranking &ranking, const Dataset &dataset, const std::string &tag,
                                  int32_t depth = 100);

// formatTrecRun written to `path` atomically (temp file + rename).
Status writeTrecRun(const std::string &path, const Ranking &ranking, const Dataset &dataset, const std::string &tag,
                    int32_t depth = 100);

// Parses a run. Errors (Input) name the file and the 1-based line: fewer or more than six
// fields, a rank that is not a positive integer, a score that is not a finite number. Empty
// lines are skipped. `file` names the source in messages.
Result<std::vector<TrecRunLine>> parseTrecRun(const std::string &text, const std::string &file = {});
Result<std::vector<TrecRunLine>> readTrecRun(const std::string &path);

// The ranking of a run over `dataset`: queries in order of first appearance, each list sorted
// by score descending, ties by document id descending; k = the longest list, shorter lists
// padded with -1. Errors (Input): an unknown query or document id, a document listed twice
// for one query (naming the line of the second), lists so uneven that the padded ranking would
// hold more than max(2^20, 8 x lines) entries.
Result<Ranking> rankingFromTrecRun(const std::vector<TrecRunLine> &lines, const Dataset &dataset,
                                   const std::string &file = {});

} // namespace embtune::engine
