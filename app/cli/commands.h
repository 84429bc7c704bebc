#pragma once
// Subcommands of embtune-cli. Each returns the process exit code:
// 0 ok, 1 input error, 2 usage, 3 cancelled.

#include <string>
#include <vector>

namespace embtune::cli {

int runEvaluate(const std::vector<std::string> &args);
int runEmbed(const std::vector<std::string> &args);
int runTrain(const std::vector<std::string> &args);
int runAnalyze(const std::vector<std::string> &args);
int runCompare(const std::vector<std::string> &args);
int runRuns(const std::vector<std::string> &args);
int runSynth(const std::vector<std::string> &args);
int runRun(const std::vector<std::string> &args);
int runFuse(const std::vector<std::string> &args);

} // namespace embtune::cli
