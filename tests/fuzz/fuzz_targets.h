#pragma once
// Fuzz targets: one function per reader, with libFuzzer's semantics. A target takes any bytes;
// a reader's error is a normal outcome, a crash, hang, unbounded allocation or a failed
// FUZZ_CHECK (abort) is a finding. Targets that read files write the bytes to a per-process
// temporary folder (/dev/shm when present) first. Targets that need several files take them
// separated by kFuzzPartSeparator (missing parts are empty).
// Threads: a target runs on one thread at a time (it reuses the process's temporary files).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace embtune::fuzz {

using FuzzFunction = int (*)(const uint8_t *data, size_t size);

struct FuzzTarget {
    const char *name;
    FuzzFunction run;
};

inline constexpr std::string_view kFuzzPartSeparator = "\n@@embtune-part@@\n";

// Every target, in a fixed order; ends with {nullptr, nullptr}.
const FuzzTarget *fuzzTargets();
// The target called `name`, or nullptr.
FuzzFunction findFuzzTarget(std::string_view name);

// Writes a few small valid inputs per target (made with the engine's own writers) to
// dir/<target>/. Returns false (and prints why) on failure.
bool writeFuzzSeeds(const std::string &dir);

} // namespace embtune::fuzz
