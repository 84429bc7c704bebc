// embtune-cli run SPEC.json: runs a stored RunSpec (run_spec.h; e.g. one printed by
// `embtune-cli runs --workspace DIR --spec ID`, or the "spec" of a --json report) and reports
// it exactly as evaluate or train would.

#include "command_line.h"
#include "commands.h"
#include "run_execution.h"

using namespace embtune::engine;

namespace embtune::cli {

int runRun(const std::vector<std::string> &args)
{
    CommandLine cl({"json", "workspace", "export-embeddings", "export-adapter", "save-index"}, {"per-query", "quiet"});
    std::vector<std::string> options, positional;
    for (size_t i = 0; i < args.size(); ++i) {
        const bool takesValue = args[i].rfind("--", 0) == 0 && args[i].find('=') == std::string::npos &&
                                args[i] != "--per-query" && args[i] != "--quiet";
        if (args[i].rfind("--", 0) == 0) {
            options.push_back(args[i]);
            if (takesValue && i + 1 < args.size())
                options.push_back(args[++i]);
        } else {
            positional.push_back(args[i]);
        }
    }
    if (auto problem = cl.parse(options))
        return reportUsage("run", *problem);
    if (positional.size() != 1)
        return reportUsage("run", "give one run spec file: embtune-cli run SPEC.json [--json FILE|-] [--per-query] "
                                  "[--quiet] [--workspace DIR] [--export-embeddings DIR] [--export-adapter FILE] "
                                  "[--save-index FILE]");
    auto spec = readRunSpecFile(positional.front());
    if (!spec)
        return reportError(spec.error());
    return executeRunFromCommandLine(*spec, cl);
}

} // namespace embtune::cli
