#pragma once
// What a run is (DESIGN.md "Runs"): a RunSpec value names the dataset, the base ranking (an
// embedding set, the built-in LSA fitted on the corpus, or BM25), the method and its parameters,
// the training and dev query sources, the search backend, the evaluation and the seed. The CLI
// parses flags into a spec, the GUI's dialogs fill one, the workspace stores one per run; one
// engine function (runPipeline, run_pipeline.h) turns it into a RunResult.
//
// JSON form (schema version kRunSpecVersion; every key optional except "dataset"; unknown keys
// and values of the wrong type or range are errors naming the key):
//   {"embtune_run_spec": 1, "dataset": DIR,
//    "base": "embeddings" | "lsa" | "bm25" | "run", "embeddings": DIR, "lsa_dim": 256,
//    "base_run": RUN SPEC (base "run" only: a trained run whose final vectors are this run's
//    base; the same dataset, "dataset" may be left out),
//    "method": "none" | METHOD ID, "params": {NAME: "VALUE", ...},
//    "train_queries": FILE, "dev_queries": FILE, "generated_queries": DIR,
//    "generated_dev_fraction": 0.1, "query_embedder": "" | DIR, "experts": [DIR, ...],
//    "search": "exact" | "hnsw",
//    "hnsw": {"M": 16, "ef_construction": 200, "ef": 100, "seed": 100, "index": FILE},
//    "split": "test", "k": [1, 3, 5, 10, 100], "metrics": ["ndcg", ...],
//    "similarity": "cosine" | "dot", "ignore_same_id": false, "seed": 0, "threads": 0,
//    base "bm25" only: "bm25": {"k1": 0.9, "b": 0.4, "choose_on_dev": false},
//    base "fusion" only: "members": [RUN SPEC, ...] (the same dataset and split; "dataset" may be
//    left out), "fusion": {"method": "convex" | "rrf" | "combsum" | "combmnz",
//    "normalize": "zscore" | "minmax" | "rank" | "tmm", "depth": 100, "rrf_k": 0 (0: chosen on
//    dev), "weights": [] (empty: chosen on "dev_queries")}}

#include "core/error.h"
#include "eval/metrics.h"
#include "fusion/score_fusion.h"
#include "search/exact_search.h"
#include "search/hnsw_index.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace embtune::engine {

inline constexpr int kRunSpecVersion = 1;

enum class RunBase {
    Embeddings, // vectors read from RunSpec::embeddings (any vector format, or a cache entry)
    Lsa,        // the built-in LSA of RunSpec::lsaDim dimensions fitted on the corpus (seed: RunSpec::seed)
    Bm25,       // BM25 over the texts (method "none" and exact search only)
    Fusion,     // the fusion of RunSpec::members' lists (method "none", exact; docs/methods.md "Fusion")
    Run,        // the final vectors (tuned documents and queries) of RunSpec::baseRun: methods compose
};
inline constexpr int kMaxRunChain = 8; // base runs nested at most this deep
const char *runBaseName(RunBase base);

enum class RunSearch { Exact, Hnsw };
const char *runSearchName(RunSearch search);

// How a fused run combines its members (RunBase::Fusion).
// BM25's parameters (RunBase::Bm25). chooseOnDev, for a member of a fusion whose weights are
// chosen on dev: k1 and b are chosen with the weights from kBm25K1Grid x kBm25BGrid (k1 and b
// here are then replaced; the grid starts at the defaults, so a tie keeps them).
struct Bm25Parameters {
    double k1 = 0.9; // term frequency saturation, 0..100
    double b = 0.4;  // length normalisation, 0..1
    bool chooseOnDev = false;
    bool operator==(const Bm25Parameters &) const = default;
};
inline constexpr double kBm25K1Grid[] = {0.9, 0.5, 1.2, 1.5, 2.0};
inline constexpr double kBm25BGrid[] = {0.4, 0.3, 0.6, 0.75, 0.9};

struct FusionSettings {
    FusionOptions options{FusionMethod::Convex, ScoreNormalization::ZScore, 100, 0.0}; // rrfK 0: chosen on dev
    std::vector<double> weights;    // one per member, >= 0, normalised to sum 1; empty: chosen on dev
    bool operator==(const FusionSettings &) const = default;
};

struct RunSpec {
    std::string dataset;                    // BEIR folder
    RunBase base = RunBase::Embeddings;
    std::string embeddings;                 // with RunBase::Embeddings
    int lsaDim = 256;                       // with RunBase::Lsa
    Bm25Parameters bm25;                    // with RunBase::Bm25
    std::vector<RunSpec> baseRun;           // with RunBase::Run: exactly one trained run (not fused)

    std::string method = "none";            // "none": the base as it is; else a registered method id
    std::map<std::string, std::string> params; // name=value texts of the method's schema; missing: defaults

    // Training and dev queries (a trained method only). Labelled lists are files of query ids;
    // generated queries come from a generated-set folder and are embedded with the query
    // embedder: "" = the LSA model kept beside the embeddings (DIR/model) or the LSA fitted for
    // RunBase::Lsa; a folder = the LSA model saved there.
    std::string trainQueries;               // empty: no labelled training queries
    std::string devQueries;                 // empty: held-out generated queries (generatedDevFraction)
    std::string generatedQueries;           // empty: none
    double generatedDevFraction = 0.1;      // in (0, 1)
    std::string queryEmbedder;
    std::vector<std::string> experts;       // embedding-set folders, for methods that use experts

    RunSearch search = RunSearch::Exact;
    HnswParameters hnsw;                    // space follows the similarity searched with; efSearch 0
                                            // with hnswIndex: the loaded index's own
    std::string hnswIndex;                  // with RunSearch::Hnsw: load this index instead of building

    std::string split = "test";
    std::vector<int> ks{1, 3, 5, 10, 100};  // ascending, unique, positive
    std::vector<Metric> metrics{std::begin(kAllMetrics), std::end(kAllMetrics)};
    Similarity similarity = Similarity::Cosine; // of the base (a trained method searches with its model's)
    bool ignoreSameId = false;

    // RunBase::Fusion: the member runs (their dataset, split, k and metrics are this spec's) and
    // how they are fused; devQueries (labelled) chooses what `fusion` leaves open and trains the
    // members that need it, trainQueries trains them.
    std::vector<RunSpec> members;
    FusionSettings fusion;

    uint64_t seed = 0;                      // LSA fit and held-out split of generated queries
    int threads = 0;                        // 0 = all cores

    bool trained() const { return method != "none"; }
    bool fused() const { return base == RunBase::Fusion; }
    bool operator==(const RunSpec &) const = default;
};

// The spec of a trained run's baseline: the same dataset, base set and evaluation, method
// "none", exact search (runPipeline evaluates the baseline so).
RunSpec baselineSpecOf(const RunSpec &spec);

// Problems a spec has on its own (before any file is read): a missing dataset or base, BM25
// with a method or HNSW, a trained method without training queries or dev queries, an unknown
// method or parameter (ParamValues::parse), bad ranges. Usage errors naming the key.
Status validateRunSpec(const RunSpec &spec);

class JsonWriter;

// The JSON form above, pretty-printed, with every key, newline-terminated.
std::string runSpecToJson(const RunSpec &spec);
// The same object written as the next value of `w`.
void writeRunSpec(JsonWriter &w, const RunSpec &spec);
// Parses and validates the JSON form. `file` names the source in errors ("" for text given
// directly). Unknown keys, wrong types and a newer schema version are input errors naming the key.
Result<RunSpec> runSpecFromJson(std::string_view json, const std::string &file = {});
Result<RunSpec> readRunSpecFile(const std::string &path);

// The embtune-cli arguments (after the program name) that run the same spec: `evaluate ...`
// for method "none", `train ...` otherwise, `fuse ...` for a fusion, and `run spec.json` for a
// run on a base run (a chain has no flag form; spec.json is the spec saved to a file). Only keys
// that differ from the defaults are given.
std::vector<std::string> runSpecCommandLine(const RunSpec &spec);
// The arguments as one shell command line ("embtune-cli train --dataset '/x y' ..."), each
// argument quoted for POSIX shells when it needs it.
std::string shellCommandLine(const std::vector<std::string> &args, const std::string &program = "embtune-cli");

} // namespace embtune::engine
