#pragma once
// The command-line flags that describe a run (evaluate and train), parsed into an
// engine::RunSpec. engine::runSpecCommandLine writes the same flags back from a spec.

#include "command_line.h"

#include "run/run_spec.h"

#include <optional>
#include <set>
#include <string>

namespace embtune::cli {

enum class RunCommand { Evaluate, Train };

// The option names (with a value) and flags (without) that describe a run of `command`.
std::set<std::string> runValuedOptions(RunCommand command);
std::set<std::string> runFlagOptions(RunCommand command);

// Fills `spec` from the parsed flags. Returns a usage message, or std::nullopt.
// train's --train-source synth:NAME keeps NAME as RunSpec::generatedQueries; the caller resolves
// a workspace query-set name to its folder.
std::optional<std::string> runSpecFromFlags(const CommandLine &cl, RunCommand command, engine::RunSpec &spec);

} // namespace embtune::cli
