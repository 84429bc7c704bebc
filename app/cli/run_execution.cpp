#include "run_execution.h"

#include "command_line.h"

#include "embed/embedding_store.h"
#include "io/npy.h"
#include "methods/adapter_export.h"
#include "run/run_pipeline.h"
#include "run/run_report.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_interrupted{false};
void onInterrupt(int) { g_interrupted.store(true); }

// The evaluation table: one row per metric, one column per k, then the ANN recall for HNSW.
void printEvaluation(const RunResult &result)
{
    const RunSpec &spec = result.spec;
    const EvaluationReport &report = result.evaluation;
    std::string how = spec.base == RunBase::Bm25 ? "BM25 search"
                                                 : std::string(similarityName(result.similarity())) +
                                                       (result.hnsw ? ", HNSW search" : ", exact search");
    if (result.hnsw) {
        const HnswParameters &p = result.hnsw->parameters;
        char detail[160];
        std::snprintf(detail, sizeof detail, " (M %d, ef_construction %d, ef %d; index %s in %.3f s)", p.m, p.efConstruction,
                      p.efSearch, result.hnsw->loadedFrom.empty() ? "built" : "loaded", result.hnsw->indexSeconds);
        how += detail;
    }
    const std::string source = spec.base == RunBase::Bm25 ? "bm25" : result.embeddings->name;
    std::printf("%s / %s, split %s: %zu queries, %s, search %.3f s\n", result.dataset->name.c_str(), source.c_str(),
                report.split.c_str(), report.metrics.queries.size(), how.c_str(), report.searchSeconds);
    std::printf("%-8s", "metric");
    for (int k : spec.ks) {
        char label[16];
        std::snprintf(label, sizeof label, "@%d", k);
        std::printf(" %9s", label);
    }
    std::printf("\n");
    for (Metric m : spec.metrics) {
        std::printf("%-8s", metricName(m));
        for (int k : spec.ks)
            std::printf(" %9.5f", report.metrics.mean(m, k));
        std::printf("\n");
    }
    if (!result.hnsw)
        return;
    std::printf("%-8s", "ANNrec");
    for (int k : spec.ks) {
        const double recall = result.hnsw->annRecallAt(k);
        if (recall >= 0)
            std::printf(" %9.5f", recall);
        else
            std::printf(" %9s", "-");
    }
    std::printf("\n");
    if (const double recall10 = result.hnsw->annRecallAt(10); recall10 >= 0)
        std::printf("ANNrec: recall of the HNSW lists against exact search (ann_recall@10 %.5f; exact search %.3f s)\n",
                    recall10, result.hnsw->exactSeconds);
}

// The fusion summary: each member and the fused run side by side, then the weights used.
void printFusion(const RunResult &result)
{
    const FusionRecord &fusion = *result.fusion;
    const EvaluationReport &report = result.evaluation;
    const RunSpec &spec = result.spec;
    std::printf("%s fusion (%s) of %zu runs on %s, split %s (%zu queries)\n", fusionMethodName(spec.fusion.options.method),
                spec.fusion.options.method == FusionMethod::Rrf ? "ranks" : scoreNormalizationName(spec.fusion.options.normalization),
                fusion.members.size(), result.dataset->name.c_str(), report.split.c_str(), report.metrics.queries.size());
    std::printf("%-28s %7s %9s %9s %9s %9s\n", "run", "weight", "nDCG@10", "R@10", "R@100", "MRR@10");
    auto row = [](const std::string &name, const std::string &weight, const EvaluationReport &r) {
        auto mean = [&](Metric m, int k) { return r.metrics.has(m, k) ? r.metrics.mean(m, k) : 0.0; };
        std::printf("%-28.28s %7s %9.5f %9.5f %9.5f %9.5f\n", name.c_str(), weight.c_str(), mean(Metric::Ndcg, 10),
                    mean(Metric::Recall, 10), mean(Metric::Recall, 100), mean(Metric::Mrr, 10));
    };
    for (size_t i = 0; i < fusion.members.size(); ++i) {
        char weight[32];
        std::snprintf(weight, sizeof weight, "%.2f", fusion.choice.weights[i]);
        row(fusion.memberNames[i], weight, fusion.members[i]->evaluation);
    }
    row("fused", "", report);
    if (fusion.chosenOnDev)
        std::printf("chosen on %lld dev queries: dev nDCG@10 %.5f%s\n", static_cast<long long>(fusion.devQueries),
                    fusion.choice.devScore,
                    spec.fusion.options.method == FusionMethod::Rrf ? (", RRF k " + std::to_string(int(fusion.choice.rrfK))).c_str() : "");
    for (size_t i = 0; i < fusion.members.size(); ++i)
        if (const RunSpec &member = fusion.members[i]->spec; fusion.members[i]->bm25)
            std::printf("%s: k1 %g, b %g%s\n", fusion.memberNames[i].c_str(), member.bm25.k1, member.bm25.b,
                        member.bm25.chooseOnDev ? " (chosen on dev)" : "");
}

// The training summary: fit time, then the baseline and the tuned run side by side.
void printTraining(const RunResult &result, const Method &method)
{
    const FitRecord &fit = *result.fit;
    const EvaluationReport &report = result.evaluation;
    std::printf("%s on %s / %s: fit %.3f s, %s search, split %s (%zu queries)\n", method.spec().displayName.c_str(),
                result.dataset->name.c_str(), result.embeddings->name.c_str(), fit.fitSeconds,
                similarityName(fit.similarity), report.split.c_str(), report.metrics.queries.size());
    std::printf("%-10s %9s %9s %9s %9s\n", "run", "nDCG@10", "R@10", "R@100", "MRR@10");
    for (const auto &row : {std::pair<const char *, const EvaluationReport *>{"baseline", &*result.baseline},
                            {method.spec().id.c_str(), &report}}) {
        const char *label = row.first;
        const MetricResults &metrics = row.second->metrics;
        auto mean = [&metrics](Metric m, int k) { return metrics.has(m, k) ? metrics.mean(m, k) : 0.0; };
        std::printf("%-10s %9.5f %9.5f %9.5f %9.5f\n", label, mean(Metric::Ndcg, 10), mean(Metric::Recall, 10),
                    mean(Metric::Recall, 100), mean(Metric::Mrr, 10));
    }
    std::printf("fit: %s\n", fit.reportJson.c_str());
}

// Writes the exports `output` asks for.
Status writeExports(const RunResult &result, const RunOutput &output)
{
    if (!output.exportEmbeddings.empty()) {
        const std::filesystem::path out(output.exportEmbeddings);
        if (Status s = exportEmbeddingSet(*result.tuned, *result.dataset, VectorFormat::Npy, out.string()); !s)
            return s;
        if (Status s = writeFileAtomically((out / "run.json").string(), result.fit->reportJson + "\n"); !s)
            return s;
    }
    if (!output.exportAdapter.empty()) {
        const Method *method = findMethod(result.spec.method);
        auto params = ParamValues::parse(method->spec(), result.spec.params);
        if (!params)
            return params.error();
        if (Status s = writeAdapterSafetensors(output.exportAdapter, *result.model, result.spec.method, *params,
                                               *result.embeddings);
            !s)
            return s;
    }
    if (!output.saveIndex.empty())
        if (Status s = result.hnsw->index->save(output.saveIndex); !s)
            return s;
    return {};
}

} // namespace

RunOutput runOutputOf(const CommandLine &cl)
{
    RunOutput output;
    output.json = cl.value("json");
    output.perQuery = cl.has("per-query");
    output.quiet = cl.has("quiet");
    output.exportEmbeddings = cl.value("export-embeddings");
    output.exportAdapter = cl.value("export-adapter");
    output.saveIndex = cl.value("save-index");
    return output;
}

bool openRecorder(const CommandLine &cl, std::optional<app::RunRecorder> &recorder, int &exitCode)
{
    if (!cl.has("workspace"))
        return true;
    auto opened = app::RunRecorder::open(cl.value("workspace"));
    if (!opened) {
        exitCode = reportError(opened.error());
        return false;
    }
    recorder.emplace(std::move(*opened));
    return true;
}

int executeRun(const RunSpec &spec, const RunOutput &output, std::optional<app::RunRecorder> recorder)
{
    if (!spec.trained() && (!output.exportEmbeddings.empty() || !output.exportAdapter.empty()))
        return reportError(Error::usage("--export-embeddings and --export-adapter export a trained method's run"));
    if (spec.search != RunSearch::Hnsw && !output.saveIndex.empty())
        return reportError(Error::usage("--save-index needs --search hnsw"));
    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_interrupted.load(); });

    auto inputs = loadRunInputs(spec, {}, &progress);
    if (!inputs)
        return reportError(inputs.error());
    for (const auto &warning : inputs->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    inputs->warnings.clear();
    if (recorder)
        if (Status s = recorder->begin(*inputs->dataset, inputs->embeddings.get(),
                                       app::runDescriptionOf(spec, std::string("embtune-cli ") + EMBTUNE_VERSION));
            !s)
            return reportError(s.error());
    auto failRun = [&](const Error &error) {
        if (recorder)
            (void)recorder->fail(error);
        return reportError(error);
    };
    auto result = runPipeline(spec, std::move(*inputs), &progress);
    if (!result)
        return failRun(result.error());
    if (result->fit && !result->fit->generator.empty() && !output.quiet)
        std::fprintf(stderr, "generated queries (%s): %lld for training, %lld held out for dev\n",
                     result->fit->generator.c_str(), static_cast<long long>(result->fit->generatedTrain),
                     static_cast<long long>(result->fit->generatedDev));
    for (const auto &warning : result->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    if (Status s = writeExports(*result, output); !s)
        return failRun(s.error());

    RunReportOptions reportOptions;
    reportOptions.savedIndex = output.saveIndex;
    if (recorder)
        if (Status s = recorder->finish(*result, runReportJson(*result, reportOptions)); !s)
            return reportError(s.error());
    reportOptions.perQuery = output.perQuery;
    if (Status s = writeJsonOutput(output.json, runReportJson(*result, reportOptions)); !s)
        return reportError(s.error());
    if (output.json == "-" || output.quiet)
        return 0;
    if (result->fusion)
        printFusion(*result);
    else if (result->fit)
        printTraining(*result, *findMethod(spec.method));
    else
        printEvaluation(*result);
    return 0;
}

int executeRunFromCommandLine(const RunSpec &spec, const CommandLine &cl)
{
    std::optional<app::RunRecorder> recorder;
    if (int exitCode = 0; !openRecorder(cl, recorder, exitCode))
        return exitCode;
    return executeRun(spec, runOutputOf(cl), std::move(recorder));
}

} // namespace embtune::cli
