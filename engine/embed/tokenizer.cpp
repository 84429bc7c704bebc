#include "embed/tokenizer.h"

namespace embtune::engine {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns the code point and advances i. Invalid bytes
// decode to U+FFFD (a separator) and advance by one.
char32_t decodeUtf8(std::string_view text, size_t &i)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int length = 0;
    char32_t c = 0;
    if ((b0 & 0xE0) == 0xC0) {
        length = 2;
        c = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3;
        c = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4;
        c = b0 & 0x07;
    } else {
        ++i;
        return 0xFFFD;
    }
    if (i + size_t(length) > text.size()) {
        ++i;
        return 0xFFFD;
    }
    for (int k = 1; k < length; ++k) {
        const unsigned char b = byte(i + size_t(k));
        if ((b & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        c = (c << 6) | (b & 0x3F);
    }
    i += size_t(length);
    return c;
}

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

} // namespace

bool isWordCodePoint(char32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c < 0xC0) // Latin-1 punctuation and symbols (ª º µ are letters)
        return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7) // × ÷
        return false;
    if (c <= 0x2FF) // Latin-1 letters, Latin Extended-A/B, IPA, modifier letters
        return true;
    if (c < 0x370) // combining diacritical marks: part of a word
        return true;
    if (c <= 0x52F) // Greek, Cyrillic
        return c != 0x37E && c != 0x387;
    if (c >= 0x2000 && c <= 0x2BFF) // punctuation, super/subscripts, symbols, arrows, math
        return false;
    if (c >= 0x3000 && c <= 0x303F) // CJK punctuation
        return false;
    if (c >= 0xFE30 && c <= 0xFE4F) // CJK compatibility forms
        return false;
    if (c >= 0xFF00 && c <= 0xFF0F) // full-width punctuation
        return false;
    if (c == 0xFFFD || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    if (c >= 0x1F000) // emoji and pictographs
        return false;
    return true; // letters of other scripts (Armenian, Hebrew, Arabic, Indic, CJK, ...)
}

char32_t lowerCodePoint(char32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0xC0)
        return c;
    if (c <= 0xDE && c != 0xD7) // Latin-1 capitals
        return c + 32;
    if (c >= 0x100 && c <= 0x137 && c % 2 == 0) // Latin Extended-A, even = capital
        return c + 1;
    if (c >= 0x139 && c <= 0x148 && c % 2 == 1)
        return c + 1;
    if (c >= 0x14A && c <= 0x177 && c % 2 == 0)
        return c + 1;
    if (c == 0x178)
        return 0xFF;
    if ((c == 0x179 || c == 0x17B || c == 0x17D))
        return c + 1;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) // Greek capitals
        return c + 32;
    if (c >= 0x410 && c <= 0x42F) // Cyrillic capitals
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    return c;
}

Tokenizer::Tokenizer(TokenizerOptions options) : m_options(options) {}

void Tokenizer::tokenize(std::string_view text, std::vector<std::string> &out) const
{
    out.clear();
    const auto &stop = englishStopWords();
    std::string token;
    int length = 0;
    auto flush = [&] {
        if (length >= m_options.minLength && !(m_options.englishStopWords && stop.count(token)))
            out.push_back(token);
        token.clear();
        length = 0;
    };
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) { // ASCII fast path
            ++i;
            if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
                token.push_back(char(b));
                ++length;
            } else if (b >= 'A' && b <= 'Z') {
                token.push_back(char(b + 32));
                ++length;
            } else if (length > 0) {
                flush();
            }
            continue;
        }
        const char32_t c = decodeUtf8(text, i);
        if (isWordCodePoint(c)) {
            appendUtf8(token, lowerCodePoint(c));
            ++length;
        } else if (length > 0) {
            flush();
        }
    }
    if (length > 0)
        flush();
}

std::vector<std::string> Tokenizer::tokenize(std::string_view text) const
{
    std::vector<std::string> out;
    tokenize(text, out);
    return out;
}

const std::unordered_set<std::string> &Tokenizer::englishStopWords()
{
    // Function words of English: articles, pronouns, auxiliaries and modals, prepositions,
    // conjunctions, determiners, and frequent adverbs. Written for embtune.
    static const std::unordered_set<std::string> words{
        // articles, determiners, quantifiers
        "a", "an", "the", "this", "that", "these", "those", "each", "every", "either", "neither", "some", "any",
        "no", "none", "all", "both", "few", "many", "much", "more", "most", "less", "least", "several", "such",
        "other", "others", "another", "own", "same", "enough",
        // pronouns
        "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its",
        "itself", "they", "them", "their", "theirs", "themselves", "who", "whom", "whose", "which", "what",
        "whatever", "whoever", "whichever", "one", "ones", "someone", "anyone", "everyone", "something",
        "anything", "everything", "nothing", "nobody", "somebody", "anybody", "everybody",
        // auxiliaries and modals
        "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does",
        "did", "doing", "done", "can", "could", "may", "might", "must", "shall", "should", "will", "would",
        "ought", "cannot",
        // prepositions
        "about", "above", "across", "after", "against", "along", "among", "amongst", "around", "at", "before",
        "behind", "below", "beneath", "beside", "besides", "between", "beyond", "by", "down", "during", "except",
        "for", "from", "in", "inside", "into", "near", "of", "off", "on", "onto", "out", "outside", "over",
        "past", "per", "since", "through", "throughout", "till", "to", "toward", "towards", "under",
        "underneath", "until", "up", "upon", "via", "with", "within", "without",
        // conjunctions and subordinators
        "and", "but", "or", "nor", "so", "yet", "if", "then", "else", "than", "because", "as", "although",
        "though", "while", "whereas", "whether", "unless", "once", "when", "whenever", "where", "wherever",
        "whereby", "wherein", "why", "how", "however", "therefore", "thus", "hence", "moreover",
        "furthermore", "meanwhile", "otherwise", "nevertheless", "nonetheless",
        // adverbs and others
        "not", "only", "also", "just", "very", "too", "again", "already", "always", "never", "ever", "often",
        "sometimes", "still", "even", "here", "there", "now", "soon", "almost", "quite", "rather", "perhaps",
        "indeed", "instead", "else", "further", "together", "away", "back", "well", "anyway", "somewhere",
        "anywhere", "everywhere", "nowhere", "etc", "ie", "eg", "yes",
        // contractions split by the tokenizer ("don't" -> "don", "t")
        "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "hasn", "haven", "hadn", "won", "wouldn",
        "shouldn", "couldn", "mustn", "ll", "ve", "re",
    };
    return words;
}

} // namespace embtune::engine
