// Throughput of the BEIR corpus reader (target: at least 100 MB/s on this machine).
// Reads a synthetic corpus.jsonl of about 200 MB written to a temporary folder, and the shared
// SciFact corpus when present.

#include "bench_common.h"
#include "data/beir_reader.h"

#include <filesystem>
#include <fstream>
#include <random>

using namespace embtune;

namespace {

std::string syntheticCorpus(const std::filesystem::path &path, int64_t targetBytes)
{
    std::mt19937 rng(42);
    const char *words[] = {"protein", "cell", "expression", "the", "of", "in", "patients", "treatment",
                           "risk", "clinical", "\\\"quoted\\\"", "gene", "β-catenin", "increased", "and", "with"};
    std::ofstream out(path, std::ios::binary);
    int64_t written = 0, id = 0;
    std::string line;
    while (written < targetBytes) {
        line = "{\"_id\": \"" + std::to_string(id++) + "\", \"title\": \"";
        for (int w = 0; w < 12; ++w)
            line += std::string(words[rng() % 16]) + " ";
        line += "\", \"text\": \"";
        const int n = 150 + int(rng() % 200);
        for (int w = 0; w < n; ++w)
            line += std::string(words[rng() % 16]) + " ";
        line += "\", \"metadata\": {\"year\": 2020}}\n";
        out << line;
        written += int64_t(line.size());
    }
    return path.string();
}

bool measure(const std::string &label, const std::string &path, int repeats)
{
    const auto bytes = int64_t(std::filesystem::file_size(path));
    int64_t docs = 0;
    const double seconds = bench::bestSecondsOf(repeats, [&] {
        engine::Dataset dataset;
        const auto status = engine::readCorpusJsonl(path, dataset);
        if (!status.ok()) {
            std::fprintf(stderr, "%s\n", status.error().toString().c_str());
            std::exit(2);
        }
        docs = dataset.docCount();
    });
    const double mbPerSecond = double(bytes) / 1e6 / seconds;
    const bool pass = mbPerSecond >= 100.0;
    bench::printJsonLine("beir_corpus_read", {{"input", label}, {"bytes", bytes}, {"documents", docs},
                                              {"seconds", seconds}, {"mb_per_s", mbPerSecond},
                                              {"target_mb_per_s", 100.0}, {"pass", pass}});
    return pass;
}

} // namespace

int main()
{
    bool pass = true;
    const auto dir = std::filesystem::temp_directory_path() / "embtune-bench-beir";
    std::filesystem::create_directories(dir);
    const std::string synthetic = syntheticCorpus(dir / "corpus.jsonl", int64_t(200) << 20);
    pass &= measure("synthetic-200MB", synthetic, 3);
    std::filesystem::remove_all(dir);
    const std::string scifact = std::string(EMBTUNE_SHARED_DIR) + "/datasets/scifact/corpus.jsonl";
    if (std::filesystem::exists(scifact))
        pass &= measure("scifact", scifact, 5);
    else
        std::fprintf(stderr, "note: %s is absent; only the synthetic corpus was measured\n", scifact.c_str());
    return pass ? 0 : 1;
}
