// embtune-cli runs: lists the runs recorded in a workspace (evaluate/train --workspace DIR, the
// GUI) with their status and the mean metrics the database computes from per-query values.

#include "command_line.h"
#include "commands.h"

#include "io/json_writer.h"
#include "io/npy.h"
#include "workspace.h"

#include <cstdio>
#include <ctime>
#include <map>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

// "2024-05-01T12:00:00Z" for milliseconds since the epoch; "" for 0 (unset).
std::string isoTime(int64_t ms)
{
    if (ms == 0)
        return {};
    const std::time_t seconds = std::time_t(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace

int runRuns(const std::vector<std::string> &args)
{
    CommandLine cl({"workspace", "json", "spec"}, {"all"});
    if (auto problem = cl.parse(args))
        return reportUsage("runs", *problem);
    if (!cl.has("workspace"))
        return reportUsage("runs", "--workspace DIR is required");
    auto ws = app::Workspace::open(cl.value("workspace"));
    if (!ws)
        return reportError(ws.error());
    if (cl.has("spec")) { // the stored RunSpec of one run: `embtune-cli run` replays it
        std::vector<int> id;
        if (!parseIntList(cl.value("spec"), id) || id.size() != 1 || id[0] < 1)
            return reportUsage("runs", "--spec takes a run id (embtune-cli runs --workspace DIR lists them)");
        auto run = ws->run(id[0]);
        if (!run)
            return reportError(run.error());
        if (run->specJson.empty())
            return reportError(Error::input("run " + std::to_string(id[0]) +
                                                " was recorded without a run spec (by an older embtune)",
                                            ws->databasePath()));
        const std::string text = run->specJson.back() == '\n' ? run->specJson : run->specJson + "\n";
        if (Status s = writeJsonOutput(cl.value("json", "-"), text); !s)
            return reportError(s.error());
        return 0;
    }
    if (!ws->recoveredRuns().empty())
        std::fprintf(stderr, "note: %zu run(s) left running by a process that ended were marked interrupted\n",
                     ws->recoveredRuns().size());
    auto runs = ws->runs(cl.has("all"));
    auto datasets = ws->datasets();
    auto sets = ws->embeddingSets();
    if (!runs || !datasets || !sets)
        return reportError(!runs ? runs.error() : !datasets ? datasets.error() : sets.error());
    std::map<int64_t, std::string> datasetNames, setNames;
    for (const auto &d : *datasets)
        datasetNames[d.id] = d.name;
    for (const auto &e : *sets)
        setNames[e.id] = e.name;
    std::vector<std::vector<app::Workspace::MetricMean>> means;
    for (const auto &run : *runs) {
        auto m = ws->metricMeans(run.id);
        if (!m)
            return reportError(m.error());
        means.push_back(std::move(*m));
    }
    auto meanOf = [&](size_t i, const std::string &metric) -> const app::Workspace::MetricMean * {
        for (const auto &m : means[i])
            if (m.metric == metric)
                return &m;
        return nullptr;
    };

    if (cl.has("json")) {
        JsonWriter w;
        w.beginObject();
        w.key("workspace");
        w.value(ws->folder());
        w.key("runs");
        w.beginArray();
        for (size_t i = 0; i < runs->size(); ++i) {
            const app::RunRecord &r = (*runs)[i];
            w.beginObject();
            w.key("id");
            w.value(r.id);
            w.key("status");
            w.value(app::runStatusName(r.status));
            w.key("method");
            w.value(r.methodId);
            w.key("dataset");
            w.value(datasetNames[r.datasetId]);
            w.key("embeddings");
            w.value(setNames[r.embeddingSetId]);
            // JSON documents stored in the run, as strings (parse them to read their fields).
            for (const auto &[key, json] : {std::pair<const char *, const std::string *>{"params", &r.paramsJson},
                                            {"search", &r.searchJson}, {"summary", &r.summaryJson},
                                            {"spec", &r.specJson}}) {
                w.key(key);
                w.value(*json);
            }
            w.key("seed");
            w.value(r.seed);
            w.key("code_version");
            w.value(r.codeVersion);
            for (const auto &[key, ms] : {std::pair<const char *, int64_t>{"created", r.createdAt},
                                          {"started", r.startedAt}, {"finished", r.finishedAt}, {"deleted", r.deletedAt}}) {
                w.key(key);
                if (ms == 0)
                    w.null();
                else
                    w.value(isoTime(ms));
            }
            w.key("train_seconds");
            w.value(r.trainSeconds);
            w.key("error");
            w.value(r.errorMessage);
            w.key("metrics");
            w.beginObject();
            for (const auto &m : means[i]) {
                w.key(m.metric);
                w.value(m.mean);
            }
            w.endObject();
            w.key("queries");
            w.value(means[i].empty() ? int64_t(0) : means[i].front().queries);
            w.key("artifacts");
            w.beginArray();
            for (const auto &a : r.artifacts) {
                w.beginObject();
                w.key("role");
                w.value(a.role);
                w.key("path");
                w.value(a.path);
                w.key("bytes");
                w.value(a.bytes);
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.endObject();
        const std::string json = w.str() + "\n";
        if (Status s = writeJsonOutput(cl.value("json"), json); !s)
            return reportError(s.error());
        return 0;
    }

    std::printf("%s: %zu run(s)\n", ws->folder().c_str(), runs->size());
    std::printf("%4s  %-11s %-12s %-14s %-16s %9s %9s %8s  %s\n", "id", "status", "method", "dataset", "embeddings",
                "nDCG@10", "R@10", "train s", "created (UTC)");
    for (size_t i = 0; i < runs->size(); ++i) {
        const app::RunRecord &r = (*runs)[i];
        char ndcg[16] = "-", recall[16] = "-";
        if (const auto *m = meanOf(i, "ndcg@10"))
            std::snprintf(ndcg, sizeof ndcg, "%.5f", m->mean);
        if (const auto *m = meanOf(i, "recall@10"))
            std::snprintf(recall, sizeof recall, "%.5f", m->mean);
        std::string status = app::runStatusName(r.status);
        if (r.deletedAt)
            status += "*";
        std::printf("%4lld  %-11s %-12s %-14s %-16s %9s %9s %8.2f  %s\n", static_cast<long long>(r.id), status.c_str(),
                    r.methodId.c_str(), datasetNames[r.datasetId].c_str(), setNames[r.embeddingSetId].c_str(), ndcg,
                    recall, r.trainSeconds, isoTime(r.createdAt).c_str());
        if (!r.errorMessage.empty())
            std::printf("      %s\n", r.errorMessage.c_str());
    }
    if (cl.has("all"))
        std::printf("(* deleted, restorable until purged)\n");
    return 0;
}

} // namespace embtune::cli
