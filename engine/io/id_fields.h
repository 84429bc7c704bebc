#pragma once
// Checks that string ids fit the text formats that write them unquoted. Ids read from JSON may
// hold any character; these formats cannot, and refusing at write time keeps a written file
// from reading back as other ids or other fields.

#include "core/error.h"

#include <string>

namespace embtune::engine {

// The id as a JSON string literal ("a\tb"), so control characters are visible in messages.
std::string quotedId(const std::string &id);

// Input error naming `path` and the id when `id` contains white space (space, tab, line
// break, carriage return, vertical tab, form feed): a TREC run separates its fields by it.
// `what` names the id's role in the message ("document id", "query id").
Status checkTrecField(const std::string &id, const char *what, const std::string &path);

// Input error naming `path` and the id when `id` contains a tab, a line break or a carriage
// return, or begins or ends with a space: a qrels TSV line separates fields by tabs and its
// reader trims spaces around them.
Status checkTsvField(const std::string &id, const char *what, const std::string &path);

} // namespace embtune::engine
