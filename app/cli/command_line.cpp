#include "command_line.h"

#include "io/npy.h"

#include <charconv>
#include <cstdio>

namespace embtune::cli {

CommandLine::CommandLine(std::set<std::string> valued, std::set<std::string> flags)
    : m_valued(std::move(valued)), m_flagNames(std::move(flags))
{
}

std::optional<std::string> CommandLine::parse(const std::vector<std::string> &words)
{
    for (size_t i = 0; i < words.size(); ++i) {
        std::string word = words[i];
        if (word.rfind("--", 0) != 0)
            return "unexpected argument \"" + word + "\"";
        word = word.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = word.find('='); eq != std::string::npos) {
            inlineValue = word.substr(eq + 1);
            word = word.substr(0, eq);
        }
        if (m_flagNames.count(word)) {
            if (inlineValue)
                return "option --" + word + " takes no value";
            m_flags.insert(word);
        } else if (m_valued.count(word)) {
            if (!inlineValue) {
                if (i + 1 >= words.size())
                    return "option --" + word + " needs a value";
                inlineValue = words[++i];
            }
            m_values[word] = *inlineValue;
            m_repeated[word].push_back(*inlineValue);
        } else {
            return "unknown option --" + word;
        }
    }
    return std::nullopt;
}

std::string CommandLine::value(const std::string &name, const std::string &fallback) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? fallback : it->second;
}

std::vector<std::string> CommandLine::values(const std::string &name) const
{
    const auto it = m_repeated.find(name);
    return it == m_repeated.end() ? std::vector<std::string>() : it->second;
}

int reportError(const engine::Error &error)
{
    std::fprintf(stderr, "embtune-cli: %s\n", error.toString().c_str());
    return engine::exitCodeFor(error);
}

int reportUsage(const char *command, const std::string &message)
{
    std::fprintf(stderr, "embtune-cli %s: %s\n", command, message.c_str());
    return 2;
}

engine::Status writeJsonOutput(const std::string &target, const std::string &json)
{
    if (target == "-") {
        std::fputs(json.c_str(), stdout);
        return {};
    }
    if (target.empty())
        return {};
    return engine::writeFileAtomically(target, json);
}

bool parseIntList(const std::string &text, std::vector<int> &out)
{
    out.clear();
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find(',', start);
        const std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        int value = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || ec != std::errc() || ptr != part.data() + part.size())
            return false;
        out.push_back(value);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return !out.empty();
}

} // namespace embtune::cli
