// embtune-cli: headless front end of the embtune engine.

#include "commands.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

void printUsage(FILE *to)
{
    std::fprintf(to,
                 "usage: embtune-cli COMMAND [options]\n"
                 "\n"
                 "commands:\n"
                 "  evaluate   search a dataset's queries over its documents and score the rankings\n"
                 "             --dataset DIR (--embeddings DIR | --embedder bm25) [--split test] [--k 1,3,5,10,100]\n"
                 "             [--metrics ndcg,recall,recall_cap,precision,mrr,map] [--similarity cosine|dot]\n"
                 "             [--threads N] [--ignore-same-id] [--json FILE|-] [--per-query]\n"
                 "             [--search exact|hnsw] [--hnsw-m 16] [--ef-construction 200] [--ef 100]\n"
                 "             [--hnsw-seed 100] [--index FILE] [--save-index FILE]\n"
                 "  embed      compute embeddings for a dataset: built-in LSA or an OpenAI-compatible API\n"
                 "             --dataset DIR --out DIR [--embedder lsa] [--dim 256] [--min-df 2] [--seed 0]\n"
                 "             [--power-iterations 7] [--threads N] [--format npy|fvecs|jsonl|safetensors]\n"
                 "             --embedder openai --model M [--base-url URL] [--dimensions N] [--api-key-env VAR]\n"
                 "             [--cache DIR | --no-cache] [--max-in-flight 4] [--timeout-ms 60000]\n"
                 "             [--price-per-mtok P --confirm-above C [--yes]]   (key: $OPENAI_API_KEY by default)\n"
                 "  train      fit a tuning method on train/dev queries and evaluate it against the baseline\n"
                 "             --method ID --dataset DIR --embeddings DIR --train-queries FILE --dev-queries FILE\n"
                 "             [--eval-split test] [--param name=value ...] [--json FILE|-] [--export-embeddings DIR]\n"
                 "             [--export-adapter FILE.safetensors]   (tuned vectors as .npy + ids; adapter tensors)\n"
                 "             [--threads N] [--expert DIR ...] [--list-methods] [--workspace DIR]\n"
                 "             [--search exact|hnsw ...] [--k ...] [--metrics ...] (as evaluate)\n"
                 "             --method all|ID,ID,... prints a Markdown table (nDCG@10, recall@10, recall@100, time)\n"
                 "             --embedder lsa [--dim 256] [--seed 0] instead of --embeddings: fit the built-in LSA here\n"
                 "             --train-source qrels|synth:DIR|qrels+synth:DIR [--synth-dev-fraction 0.1]: train on\n"
                 "             generated queries (dev: --dev-queries, else held-out generated queries)\n"
                 "             [--query-embedder DIR (LSA model that embeds them; default: EMBEDDINGS/model)]\n"
                 "  synth      generate training queries for the documents (a BEIR-style folder + manifest.json)\n"
                 "             --dataset DIR --generator ict|title|keyphrase|llm --out DIR [--per-doc 1] [--docs N]\n"
                 "             [--seed 0] [--terms 8] [--min-tokens 5] [--max-tokens 0] [--remove-prob 0.9]\n"
                 "             llm: --model M [--base-url URL] [--prompt FILE] [--api-key-env VAR] [--cache DIR |\n"
                 "             --no-cache] [--temperature 0.7] [--max-in-flight 4] [--timeout-ms 60000]\n"
                 "             [--price-per-mtok P --confirm-above C [--yes]]\n"
                 "  analyze    anisotropy, cosine histograms and (with --method) the same after tuning; --ood: the\n"
                 "             out-of-distribution report (k-means k=2 on the train queries, tune on cluster 0)\n"
                 "             --dataset DIR --embeddings DIR [--split test] [--method ID --train-queries FILE\n"
                 "             --dev-queries FILE [--param name=value ...]] [--ood] [--bins 40] [--random-pairs 10000]\n"
                 "             [--seed 0] [--threads N] [--json FILE|-]\n"
                 "  compare    significance of B - A per query: RUN_A RUN_B (files of evaluate/train --json F --per-query;\n"
                 "             FILE#baseline|FILE#tuned for train) [--metric ndcg@10] [--permutations 10000]\n"
                 "             [--bootstrap 10000] [--confidence 0.95] [--seed 0] [--json FILE|-]\n"
                 "  fuse       fuse the rankings of two or more runs (docs/methods.md \"Fusion\"), weights chosen on dev\n"
                 "             --dataset DIR --member bm25|lsa[=DIM]|embeddings=DIR[,method=ID][,search=hnsw][,NAME=VALUE...]\n"
                 "             --member ... [--split test] [--train-queries FILE] [--dev-queries FILE]\n"
                 "             [--fusion convex|rrf|combsum|combmnz] [--normalize zscore|minmax|rank|tmm]\n"
                 "             [--weights auto|W1,W2,...] [--rrf-k auto|K] [--depth 100] [--k ...] [--metrics ...]\n"
                 "             [--json FILE|-] [--per-query] [--quiet] [--workspace DIR]\n"
                 "  runs       list the runs recorded in a workspace (evaluate/train --workspace DIR record them)\n"
                 "             --workspace DIR [--json FILE|-] [--all (with deleted runs)] [--spec ID (its run spec)]\n"
                 "  run        run a stored run spec (JSON: `runs --spec ID`, or \"spec\" of a --json report)\n"
                 "             SPEC.json [--json FILE|-] [--per-query] [--quiet] [--workspace DIR]\n"
                 "             [--export-embeddings DIR] [--export-adapter FILE] [--save-index FILE]\n"
                 "\n"
                 "exit codes: 0 ok, 1 input error, 2 usage error, 3 cancelled\n");
}

} // namespace

int main(int argc, char **argv)
{
    // The remote embedder runs Qt event loops; the application object must exist for them.
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("embtune"));
    if (argc < 2) {
        printUsage(stderr);
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        printUsage(stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("embtune-cli %s\n", EMBTUNE_VERSION);
        return 0;
    }
    if (command == "evaluate")
        return embtune::cli::runEvaluate(args);
    if (command == "embed")
        return embtune::cli::runEmbed(args);
    if (command == "train")
        return embtune::cli::runTrain(args);
    if (command == "analyze")
        return embtune::cli::runAnalyze(args);
    if (command == "compare")
        return embtune::cli::runCompare(args);
    if (command == "runs")
        return embtune::cli::runRuns(args);
    if (command == "fuse")
        return embtune::cli::runFuse(args);
    if (command == "run")
        return embtune::cli::runRun(args);
    if (command == "synth")
        return embtune::cli::runSynth(args);
    std::fprintf(stderr, "embtune-cli: unknown command \"%s\"\n\n", command.c_str());
    printUsage(stderr);
    return 2;
}
