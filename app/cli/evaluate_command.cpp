// embtune-cli evaluate: builds a RunSpec of method "none" from the flags (run_flags.h: exact or
// HNSW search over an embedding set, or BM25) and runs it (run_execution.h); with HNSW, the
// recall of its lists against exact search is reported beside the metrics.

#include "command_line.h"
#include "commands.h"
#include "run_execution.h"
#include "run_flags.h"

using namespace embtune::engine;

namespace embtune::cli {

int runEvaluate(const std::vector<std::string> &args)
{
    std::set<std::string> valued = runValuedOptions(RunCommand::Evaluate);
    valued.insert({"json", "save-index", "workspace"});
    std::set<std::string> flags = runFlagOptions(RunCommand::Evaluate);
    flags.insert({"per-query", "quiet"});
    CommandLine cl(valued, flags);
    if (auto problem = cl.parse(args))
        return reportUsage("evaluate", *problem);
    RunSpec spec;
    if (auto problem = runSpecFromFlags(cl, RunCommand::Evaluate, spec))
        return reportUsage("evaluate", *problem);
    if (Status s = validateRunSpec(spec); !s)
        return reportError(s.error());
    return executeRunFromCommandLine(spec, cl);
}

} // namespace embtune::cli
