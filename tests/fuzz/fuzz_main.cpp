// libFuzzer entry point of embtune_fuzz, which holds every target (fuzz_targets.h):
//   embtune_fuzz --target=NAME [libFuzzer flags] [CORPUS_DIR...]
// --target is taken out of the arguments before libFuzzer reads them (LLVMFuzzerInitialize runs
// first); worker processes (-jobs, -fork) get it back from libFuzzer's copy of the command line.

#include "fuzz_targets.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

embtune::fuzz::FuzzFunction g_target = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    constexpr std::string_view flag = "--target=";
    const char *name = nullptr;
    int kept = 1;
    for (int i = 1; i < *argc; ++i) {
        char *arg = (*argv)[i];
        if (std::strncmp(arg, flag.data(), flag.size()) == 0)
            name = arg + flag.size();
        else
            (*argv)[kept++] = arg;
    }
    *argc = kept;
    (*argv)[kept] = nullptr;
    g_target = name ? embtune::fuzz::findFuzzTarget(name) : nullptr;
    if (!g_target) {
        std::fprintf(stderr, "embtune_fuzz: %s; the targets:", name ? "no such target" : "--target=NAME is missing");
        for (const embtune::fuzz::FuzzTarget *t = embtune::fuzz::fuzzTargets(); t->name; ++t)
            std::fprintf(stderr, " %s", t->name);
        std::fprintf(stderr, "\n");
        std::exit(2);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return g_target(data, size);
}
