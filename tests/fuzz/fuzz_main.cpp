// libFuzzer entry point of fuzz_<target>: EMBTUNE_FUZZ_TARGET names the target (fuzz_targets.h).

#include "fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const embtune::fuzz::FuzzFunction run = [] {
        const auto found = embtune::fuzz::findFuzzTarget(EMBTUNE_FUZZ_TARGET);
        if (!found) {
            std::fprintf(stderr, "no fuzz target %s\n", EMBTUNE_FUZZ_TARGET);
            std::abort();
        }
        return found;
    }();
    return run(data, size);
}
