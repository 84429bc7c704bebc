// embtune-cli compare RUN_A RUN_B: paired significance of the per-query difference (B - A) in one
// metric between two runs over the same queries. A run is a JSON file written by
// `embtune-cli evaluate --json F --per-query` or `embtune-cli train --json F --per-query`; for a
// train file, FILE#baseline or FILE#tuned picks the run (tuned by default).

#include "command_line.h"
#include "commands.h"

#include "eval/metrics.h"
#include "eval/significance.h"
#include "io/json_writer.h"
#include "io/npy.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <charconv>
#include <cstdio>
#include <map>
#include <set>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

int usage(const std::string &message)
{
    return reportUsage("compare", message);
}

struct RunValues {
    std::string label;                  // as given on the command line
    std::map<std::string, double> perQuery; // query id -> value of the metric
};

// Reads the per-query values of `metric` ("ndcg@10") from a run file "PATH[#baseline|#tuned]".
Result<RunValues> readRun(const std::string &spec, const std::string &metric)
{
    std::string path = spec, part;
    if (const auto hash = spec.rfind('#'); hash != std::string::npos) {
        path = spec.substr(0, hash);
        part = spec.substr(hash + 1);
        if (part != "baseline" && part != "tuned")
            return Error::usage("a run is FILE, FILE#baseline or FILE#tuned, got \"" + spec + "\"");
    }
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        return Error::io("no such run file", path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::io("cannot read the run file: " + file.errorString().toStdString(), path);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::input("not valid JSON at byte " + std::to_string(parseError.offset) + ": " +
                                parseError.errorString().toStdString(),
                            path);
    if (!document.isObject())
        return Error::input("a run file holds a JSON object", path);
    const QJsonObject root = document.object();
    const bool trainFile = root.contains(QStringLiteral("method")) && root.contains(QStringLiteral("tuned"));
    if (!part.empty() && !trainFile)
        return Error::usage("#" + part + " selects a run of a `train --json` file; " + path + " is an evaluation");
    if (!root.value(QStringLiteral("per_query")).isObject())
        return Error::input("the run has no per-query values (write it with --per-query)", path);
    QJsonObject perQuery = root.value(QStringLiteral("per_query")).toObject();
    if (trainFile) {
        const QString which = QString::fromStdString(part.empty() ? std::string("tuned") : part);
        if (!perQuery.value(which).isObject())
            return Error::input("the run has no per-query values of \"" + which.toStdString() + "\"", path);
        perQuery = perQuery.value(which).toObject();
    }
    if (perQuery.isEmpty())
        return Error::input("the run has no queries", path);
    RunValues run;
    run.label = spec;
    const QString key = QString::fromStdString(metric);
    for (auto it = perQuery.begin(); it != perQuery.end(); ++it) {
        const QJsonObject values = it.value().toObject();
        const QJsonValue value = values.value(key);
        if (!value.isDouble()) {
            std::string available;
            for (const QString &name : values.keys())
                available += (available.empty() ? "" : ", ") + name.toStdString();
            return Error::input("query \"" + it.key().toStdString() + "\" has no value of " + metric +
                                    " (available: " + (available.empty() ? std::string("none") : available) + ")",
                                path);
        }
        run.perQuery[it.key().toStdString()] = value.toDouble();
    }
    return run;
}

bool parseCount(const std::string &text, int64_t &out, int64_t minimum)
{
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && ptr == text.data() + text.size() && out >= minimum;
}

} // namespace

int runCompare(const std::vector<std::string> &args)
{
    // Positional run files among the options: a valued option without "=" takes the next word.
    const std::set<std::string> valued{"metric", "permutations", "bootstrap", "confidence", "seed", "json"};
    std::vector<std::string> runs, options;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &word = args[i];
        if (word.rfind("--", 0) != 0) {
            runs.push_back(word);
            continue;
        }
        options.push_back(word);
        if (word.find('=') == std::string::npos && valued.count(word.substr(2)) && i + 1 < args.size())
            options.push_back(args[++i]);
    }
    CommandLine cl(valued, {"quiet"});
    if (auto problem = cl.parse(options))
        return usage(*problem);
    if (runs.size() != 2)
        return usage("two run files are needed: compare RUN_A RUN_B [--metric ndcg@10]");

    const std::string metric = cl.value("metric", "ndcg@10");
    {
        const auto at = metric.find('@');
        Metric parsed;
        int64_t k = 0;
        if (at == std::string::npos || !metricFromKey(metric.substr(0, at), parsed) ||
            !parseCount(metric.substr(at + 1), k, 1))
            return usage("unknown metric \"" + metric +
                         "\" (a metric is NAME@K with NAME one of ndcg, recall, recall_cap, precision, mrr, map)");
    }
    SignificanceOptions significance;
    int64_t seed = 0;
    if (cl.has("permutations") && !parseCount(cl.value("permutations"), significance.permutations, 1))
        return usage("--permutations takes a positive integer");
    if (cl.has("bootstrap") && !parseCount(cl.value("bootstrap"), significance.bootstrapResamples, 1))
        return usage("--bootstrap takes a positive integer");
    if (cl.has("seed") && !parseCount(cl.value("seed"), seed, 0))
        return usage("--seed takes a non-negative integer");
    significance.seed = uint64_t(seed);
    if (cl.has("confidence")) {
        try {
            significance.confidence = std::stod(cl.value("confidence"));
        } catch (...) {
            significance.confidence = -1;
        }
        if (!(significance.confidence > 0 && significance.confidence < 1))
            return usage("--confidence takes a number between 0 and 1, e.g. 0.95");
    }

    auto a = readRun(runs[0], metric);
    if (!a)
        return reportError(a.error());
    auto b = readRun(runs[1], metric);
    if (!b)
        return reportError(b.error());
    // The same queries on both sides; values paired in query-id order.
    std::vector<double> va, vb;
    for (const auto &[id, value] : a->perQuery) {
        const auto other = b->perQuery.find(id);
        if (other == b->perQuery.end())
            return reportError(Error::input("the runs cover different queries: \"" + id + "\" is in " + runs[0] +
                                            " but not in " + runs[1]));
        va.push_back(value);
        vb.push_back(other->second);
    }
    for (const auto &[id, value] : b->perQuery)
        if (!a->perQuery.count(id))
            return reportError(Error::input("the runs cover different queries: \"" + id + "\" is in " + runs[1] +
                                            " but not in " + runs[0]));
    auto result = pairedSignificance(va, vb, significance);
    if (!result)
        return reportError(result.error());

    if (cl.has("json")) {
        JsonWriter w;
        w.beginObject();
        w.key("run_a");
        w.value(runs[0]);
        w.key("run_b");
        w.value(runs[1]);
        w.key("metric");
        w.value(metric);
        w.key("queries");
        w.value(result->queries);
        w.key("mean_a");
        w.value(result->meanA);
        w.key("mean_b");
        w.value(result->meanB);
        w.key("mean_difference");
        w.value(result->meanDifference);
        w.key("p_value");
        w.value(result->pValue);
        w.key("test");
        w.value("paired randomisation (sign flips), two-sided, p = (count + 1) / (permutations + 1)");
        w.key("permutations");
        w.value(significance.permutations);
        w.key("interval");
        w.beginArray();
        w.value(result->intervalLow);
        w.value(result->intervalHigh);
        w.endArray();
        w.key("confidence");
        w.value(significance.confidence);
        w.key("bootstrap_resamples");
        w.value(significance.bootstrapResamples);
        w.key("seed");
        w.value(seed);
        w.key("b_better");
        w.value(result->bWins);
        w.key("a_better");
        w.value(result->aWins);
        w.key("ties");
        w.value(result->ties);
        w.endObject();
        const std::string json = w.str() + "\n";
        if (Status s = writeJsonOutput(cl.value("json"), json); !s)
            return reportError(s.error());
        if (cl.value("json") == "-" || cl.has("quiet"))
            return 0;
    }
    std::printf("%s over %lld queries: A %.5f, B %.5f, B - A %+.5f\n", metric.c_str(),
                static_cast<long long>(result->queries), result->meanA, result->meanB, result->meanDifference);
    std::printf("paired randomisation test (%lld sign-flip permutations, seed %lld): p = %.5g%s\n",
                static_cast<long long>(significance.permutations), static_cast<long long>(seed), result->pValue,
                result->pValue < 0.05 ? " *" : "");
    std::printf("bootstrap %.0f%% interval of B - A (%lld resamples): [%+.5f, %+.5f]\n",
                significance.confidence * 100, static_cast<long long>(significance.bootstrapResamples),
                result->intervalLow, result->intervalHigh);
    std::printf("queries where B is better / worse / tied: %lld / %lld / %lld\n", static_cast<long long>(result->bWins),
                static_cast<long long>(result->aWins), static_cast<long long>(result->ties));
    return 0;
}

} // namespace embtune::cli
