// embtune-cli train: builds a RunSpec of a trained method from the flags (run_flags.h) and runs
// it (run_execution.h: engine::runPipeline fits on train, selects on dev, evaluates the baseline
// and the tuned vectors); --method all|ID,ID prints a Markdown table of several methods.

#include "command_line.h"
#include "commands.h"
#include "run_execution.h"
#include "run_flags.h"

#include "methods/method.h"
#include "run/run_pipeline.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_stop{false};
void onInterrupt(int) { g_stop.store(true); }

int usage(const std::string &message)
{
    return reportUsage("train", message);
}

void printMethods(FILE *to)
{
    for (const Method *method : registeredMethods()) {
        const MethodSpec &spec = method->spec();
        std::fprintf(to, "  %-10s %s\n", spec.id.c_str(), spec.description.c_str());
        for (const ParamSpec &p : spec.params)
            std::fprintf(to, "             --param %s=%s  %s\n", p.name.c_str(), p.defaultValue.c_str(), p.help.c_str());
    }
}

// The methods of --method all|ID,ID,...; an empty list and a usage message for an unknown id.
std::vector<const Method *> methodList(const std::string &text, std::string &problem)
{
    if (text == "all")
        return registeredMethods();
    std::vector<const Method *> methods;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find(',', start);
        const std::string id = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const Method *m = findMethod(id);
        if (!m) {
            problem = "unknown method \"" + id + "\" in the list";
            return {};
        }
        methods.push_back(m);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return methods;
}

// Runs `spec` for every method with its defaults (inputs loaded once) and prints a Markdown
// table of test nDCG@10, recall@10, recall@100 and fit time.
int printResultsTable(const std::vector<const Method *> &methods, RunSpec spec)
{
    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_stop.load(); });
    spec.ks = {10, 100};
    spec.metrics = {Metric::Ndcg, Metric::Recall};
    spec.method = methods.front()->spec().id;
    auto inputs = loadRunInputs(spec, {}, &progress);
    if (!inputs)
        return reportError(inputs.error());
    for (const auto &warning : inputs->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    inputs->warnings.clear();
    bool first = true;
    std::set<std::string> warned; // the baseline's warnings repeat for every method
    for (const Method *method : methods) {
        spec.method = method->spec().id;
        auto result = runPipeline(spec, *inputs, &progress);
        if (!result)
            return reportError(result.error());
        for (const auto &warning : result->warnings)
            if (warned.insert(warning).second)
                std::fprintf(stderr, "warning: %s: %s\n", spec.method.c_str(), warning.c_str());
        auto row = [](const char *label, const EvaluationReport &report, const std::string &time) {
            std::printf("| %s | %.5f | %.5f | %.5f | %s |\n", label, report.metrics.mean(Metric::Ndcg, 10),
                        report.metrics.mean(Metric::Recall, 10), report.metrics.mean(Metric::Recall, 100), time.c_str());
        };
        if (first) {
            std::printf("| method | nDCG@10 | recall@10 | recall@100 | train time |\n|---|---|---|---|---|\n");
            row("none", *result->baseline, "");
            first = false;
        }
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f s", result->fit->fitSeconds);
        row(spec.method.c_str(), result->evaluation, seconds);
        std::fflush(stdout);
    }
    return 0;
}

} // namespace

int runTrain(const std::vector<std::string> &args)
{
    std::set<std::string> valued = runValuedOptions(RunCommand::Train);
    valued.insert({"json", "export-embeddings", "export-adapter", "workspace"});
    std::set<std::string> flags = runFlagOptions(RunCommand::Train);
    flags.insert({"list-methods", "quiet", "per-query"});
    CommandLine cl(valued, flags);
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (cl.has("list-methods")) {
        printMethods(stdout);
        return 0;
    }
    if (!cl.has("method"))
        return usage("--method, --dataset, --embeddings DIR or --embedder lsa, --train-queries and --dev-queries are "
                     "required (--list-methods shows the methods and their parameters)");
    const std::string methodText = cl.value("method");
    std::vector<const Method *> tableMethods;
    if (methodText == "all" || methodText.find(',') != std::string::npos) {
        if (cl.has("param"))
            return usage("--param applies to one method; with a list of methods each uses its defaults");
        if (cl.has("workspace"))
            return usage("--workspace records the run of one method, not a list");
        std::string problem;
        tableMethods = methodList(methodText, problem);
        if (tableMethods.empty())
            return usage(problem);
    } else if (!findMethod(methodText)) {
        std::fprintf(stderr, "embtune-cli train: unknown method \"%s\"; known methods:\n", methodText.c_str());
        printMethods(stderr);
        return 2;
    }
    RunSpec spec;
    if (auto problem = runSpecFromFlags(cl, RunCommand::Train, spec))
        return usage(*problem);
    if (!tableMethods.empty()) {
        spec.method = tableMethods.front()->spec().id;
        if (Status s = validateRunSpec(spec); !s)
            return reportError(s.error());
        return printResultsTable(tableMethods, spec);
    }
    if (Status s = validateRunSpec(spec); !s)
        return reportError(s.error());

    // --workspace DIR: the run is recorded there (opened first: a locked workspace fails fast).
    std::optional<app::RunRecorder> recorder;
    if (int exitCode = 0; !openRecorder(cl, recorder, exitCode))
        return exitCode;
    // synth:NAME: an existing path is a generated-set folder; otherwise a query set of --workspace.
    if (!spec.generatedQueries.empty() && !std::filesystem::exists(spec.generatedQueries)) {
        if (!recorder)
            return reportError(Error::io("no such generated-set folder (a query set name needs --workspace DIR)",
                                         spec.generatedQueries));
        auto named = recorder->workspace().querySetNamed(spec.generatedQueries);
        if (!named)
            return reportError(named.error());
        if (!*named)
            return reportError(Error::input("no generated-set folder and no query set named \"" + spec.generatedQueries +
                                                "\" in the workspace",
                                            recorder->workspace().databasePath()));
        auto folder = recorder->workspace().querySetFolder(**named); // refuses a folder outside artifacts/
        if (!folder)
            return reportError(folder.error());
        spec.generatedQueries = *folder;
    }
    return executeRun(spec, runOutputOf(cl), std::move(recorder));
}

} // namespace embtune::cli
