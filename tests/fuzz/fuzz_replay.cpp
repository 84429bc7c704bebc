// embtune_fuzz_replay TARGET FILE_OR_DIR...   runs a fuzz target on every file (directories:
//                                             every file inside, recursively, dot files skipped;
//                                             a missing path counts as empty)
// embtune_fuzz_replay --write-seeds DIR       writes the seed corpora (tests/fuzz/seeds)
// embtune_fuzz_replay --list                  prints the target names
// Exit: 0 when every input ran (a crash aborts the process), 2 on usage errors.

#include "fuzz_targets.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;
using namespace embtune::fuzz;

namespace {

int runFile(FuzzFunction run, const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replay %s (%zu bytes)\n", path.c_str(), bytes.size());
    run(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "--write-seeds")
        return writeFuzzSeeds(args[1]) ? 0 : 1;
    if (args.size() == 1 && args[0] == "--list") {
        for (const FuzzTarget *t = fuzzTargets(); t->name; ++t)
            std::printf("%s\n", t->name);
        return 0;
    }
    const FuzzFunction run = args.empty() ? nullptr : findFuzzTarget(args[0]);
    if (!run) {
        std::fprintf(stderr, "usage: embtune_fuzz_replay TARGET FILE_OR_DIR... | --write-seeds DIR | --list\n");
        return 2;
    }
    int count = 0;
    for (size_t i = 1; i < args.size(); ++i) {
        const fs::path path(args[i]);
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<fs::path> files;
            for (const auto &entry : fs::recursive_directory_iterator(path, ec))
                if (entry.is_regular_file() && entry.path().filename().string()[0] != '.'
                    && entry.path().filename() != "README.md")
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const fs::path &file : files)
                count += runFile(run, file);
        } else if (fs::exists(path, ec)) {
            count += runFile(run, path);
        }
    }
    std::printf("%s: %d inputs replayed\n", args[0].c_str(), count);
    return 0;
}
