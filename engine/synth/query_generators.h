#pragma once
// Synthetic query generators (METHODS.md "Synthetic query generators"): ict, title, keyphrase.
// (The llm generator talks to a server and lives in app/net/llm_query_generator.h; it produces
// the same SyntheticSet.) Every generator is a pure function of the dataset texts, the options
// and the seed: each document draws from its own generator seeded by (seed, document index), so
// a document's queries do not depend on which other documents were sampled.
//
// Query ids: "<generator>:<document id>:<k>", k = 0, 1, ... per document.

#include "core/error.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embtune::engine {

struct SynthOptions {
    std::string generator = "ict"; // ict | title | keyphrase
    int perDocument = 1;           // queries per document (at most; see below)
    int64_t documents = 0;         // > 0: a seeded sample of this many documents; 0: all
    uint64_t seed = 0;
    // ict: sentences with fewer tokens (letters/digits runs, stop words included) are never
    // queries; maxTokens > 0 also skips longer ones. A document yields at most as many queries
    // as it has eligible sentences (distinct sentences, drawn without replacement).
    int minTokens = 5;
    int maxTokens = 0;
    double removeProbability = 0.9; // ict: the sentence is cut from the positive's text
    // keyphrase: m terms per query. Query 0 is the top-m TF-IDF terms; query k > 0 draws m of
    // the top 2m terms (seeded); duplicates are dropped. Terms appear in document order.
    int terms = 8;
    int threads = 0;               // keyphrase TF-IDF fit; results do not depend on it
};

// Generator names this file implements.
const std::vector<std::string> &builtInGenerators();

// Dense indices of the documents to generate for: all (options.documents == 0 or >= count) or
// a seeded uniform sample without replacement, ascending.
std::vector<int32_t> sampleDocuments(int32_t docCount, int64_t documents, uint64_t seed);

// Byte ranges [begin, end) of the sentences of `text`: split after '.', '!' or '?' followed by
// white space and an upper-case letter, digit, quote or bracket, and at line breaks; trimmed.
std::vector<std::pair<size_t, size_t>> splitSentences(std::string_view text);

// Runs the generator. Usage errors: unknown generator, perDocument < 1, bad probabilities or
// token limits. Cancelled when `progress` asks to stop (phase "synth", done/total documents).
Result<SyntheticSet> generateQueries(const Dataset &dataset, const SynthOptions &options,
                                     Progress *progress = nullptr);

// 64-bit seed of document `doc`'s generator (splitmix64 of seed and index); shared with the
// llm generator's sampling.
uint64_t documentSeed(uint64_t seed, int64_t doc);

} // namespace embtune::engine
