#pragma once
// Splits a list of texts into request batches bounded by an item count and by an estimated
// token total, and estimates the tokens of a text.
//
// Token estimate: ceil(UTF-8 bytes / 4), at least 1 per text. English text with OpenAI's
// tokenizers averages about 4 bytes per token; other scripts use more tokens per byte, so
// the estimate is a planning figure (batch sizes, cost), not a bill. Pure functions, thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

namespace embtune::net {

// Estimated tokens of `text` (see above).
int64_t estimateTokens(std::string_view text);

// A run of consecutive items [begin, end) sent in one request.
struct BatchRange {
    int64_t begin = 0;
    int64_t end = 0;
    int64_t tokens = 0; // sum of the items' estimates
    int64_t size() const { return end - begin; }
};

// Greedy split of items with the given token estimates, in order: a batch closes before an item
// that would make it exceed `maxItems` items or `maxTokens` estimated tokens. An item whose own
// estimate exceeds maxTokens is sent alone. maxItems >= 1, maxTokens >= 1.
std::vector<BatchRange> planBatches(const std::vector<int64_t> &tokens, int64_t maxItems, int64_t maxTokens);

} // namespace embtune::net
