#pragma once
// Word tokenizer shared by the LSA embedder and BM25.
// A token is a maximal run of Unicode letters and digits (UTF-8 input), lower-cased; tokens
// shorter than minLength code points and stop words are dropped. Classification is built in
// (no locale): ASCII, Latin-1, Latin Extended-A/B, Greek, Cyrillic, and the letter blocks of
// other scripts count as word characters; punctuation, symbols and spaces separate tokens.
// Invalid UTF-8 bytes separate tokens too. Deterministic on every machine.

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace embtune::engine {

struct TokenizerOptions {
    int minLength = 2;            // in code points (as scikit-learn's default token pattern)
    bool englishStopWords = true; // drop the built-in English stop list
};

class Tokenizer {
public:
    explicit Tokenizer(TokenizerOptions options = {});
    // Appends the tokens of `text` to `out` (cleared first).
    void tokenize(std::string_view text, std::vector<std::string> &out) const;
    std::vector<std::string> tokenize(std::string_view text) const;
    const TokenizerOptions &options() const { return m_options; }

    // The built-in English stop list (lower case).
    static const std::unordered_set<std::string> &englishStopWords();

private:
    TokenizerOptions m_options;
};

// Lower-case mapping of one code point (identity where no simple mapping is built in).
char32_t lowerCodePoint(char32_t c);
// True for letters and digits (see the header comment for the covered ranges).
bool isWordCodePoint(char32_t c);

} // namespace embtune::engine
