#pragma once
// A small "--name value" / "--flag" argument reader for the CLI subcommands.

#include "core/error.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace embtune::cli {

class CommandLine {
public:
    // `valued` options take a value ("--k 1,3" or "--k=1,3"); `flags` take none.
    CommandLine(std::set<std::string> valued, std::set<std::string> flags);

    // Parses argv-style words; returns an error message on unknown options or missing values.
    std::optional<std::string> parse(const std::vector<std::string> &words);

    bool has(const std::string &name) const { return m_values.count(name) || m_flags.count(name); }
    std::string value(const std::string &name, const std::string &fallback = {}) const;
    // Every value of a repeated option, in order (value() gives the last).
    std::vector<std::string> values(const std::string &name) const;

private:
    std::set<std::string> m_valued, m_flagNames;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::vector<std::string>> m_repeated;
    std::set<std::string> m_flags;
};

// Prints "embtune-cli: <error>" to stderr and returns the error's exit code.
int reportError(const engine::Error &error);
// Prints "embtune-cli <command>: <message>" to stderr and returns 2 (usage error).
int reportUsage(const char *command, const std::string &message);

// Writes a command's --json output: to stdout for "-", atomically to the file otherwise, and
// nowhere for an empty target.
engine::Status writeJsonOutput(const std::string &target, const std::string &json);

// Splits "1,3,5" into integers; returns false on anything else.
bool parseIntList(const std::string &text, std::vector<int> &out);

} // namespace embtune::cli
