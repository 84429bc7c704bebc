#pragma once
// Runs one engine::RunSpec for the CLI (evaluate, train, run): engine::runPipeline with Ctrl-C
// as cancel, the run recorded in a workspace when one is given, the exports asked for, the JSON
// report and the text summary. Decides nothing about how the run is fitted or evaluated.

#include "command_line.h"
#include "run_recorder.h"

#include "run/run_spec.h"

#include <optional>
#include <string>

namespace embtune::cli {

struct RunOutput {
    std::string json;              // --json target: "-" stdout, a file, or "" for none
    bool perQuery = false;         // per-query values in the JSON report
    bool quiet = false;            // no text summary
    std::string exportEmbeddings;  // trained runs: tuned vectors (.npy + ids) and run.json into this folder
    std::string exportAdapter;     // trained runs: the adapter as safetensors
    std::string saveIndex;         // HNSW runs: the index (hnswlib file + sidecar)
};

// Installs the SIGINT handler (cancel), runs `spec`, records it in `recorder` when given (begun
// once the inputs are loaded; failed or cancelled runs are marked so), writes the outputs.
// Returns the process exit code (0 ok, 1 input error, 2 usage, 3 cancelled).
int executeRun(const engine::RunSpec &spec, const RunOutput &output, std::optional<app::RunRecorder> recorder);

// The outputs the command line asks for (--json, --per-query, --quiet, --export-embeddings,
// --export-adapter, --save-index; absent ones stay empty).
RunOutput runOutputOf(const CommandLine &cl);

// Opens the workspace of --workspace DIR into `recorder` (a locked or invalid workspace fails
// fast: the error is printed and `exitCode` set, and false returned). Without --workspace,
// `recorder` stays empty and true is returned.
bool openRecorder(const CommandLine &cl, std::optional<app::RunRecorder> &recorder, int &exitCode);

// The end of every run command: the --workspace recorder opened, then executeRun of `spec` with
// the outputs of `cl`. Returns the process exit code.
int executeRunFromCommandLine(const engine::RunSpec &spec, const CommandLine &cl);

} // namespace embtune::cli
