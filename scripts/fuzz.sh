#!/bin/sh
# scripts/fuzz.sh TARGET SECONDS [JOBS]
# Fuzzes one target (tests/fuzz/fuzz_targets.cpp; `scripts/fuzz.sh --list` names them) for
# SECONDS with libFuzzer, starting from tests/fuzz/seeds/TARGET (and the crashes saved for it),
# with tests/fuzz/dict/TARGET.dict when present. Builds build-fuzz (clang-14, -DEMBTUNE_FUZZ=ON,
# no GUI) first when needed. New corpus entries go to a scratch folder (build-fuzz/corpus/TARGET,
# not the repository); crashes, timeouts and out-of-memory inputs go to tests/fuzz/crashes/TARGET,
# where ctest replays them (fuzz_replay_TARGET) once kept. JOBS (default 1) parallel processes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EMBTUNE_FUZZ_BUILD:-$root/build-fuzz}
fuzz_dir=$root/tests/fuzz

if [ "${1:-}" = "--list" ]; then
  sed -n 's/^set(EMBTUNE_FUZZ_TARGETS \(.*\)/\1/p;/^    [a-z_ ]*)$/p' "$fuzz_dir/CMakeLists.txt" | tr -d ')' | tr ' ' '\n' | sed '/^$/d'
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [JOBS] | --list" >&2
  exit 2
fi
target=$1 seconds=$2 jobs=${3:-1}
[ -d "$fuzz_dir/seeds/$target" ] || { echo "scripts/fuzz.sh: no seeds for target '$target' (see --list)" >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_C_COMPILER=clang-14 -DEMBTUNE_FUZZ=ON -DEMBTUNE_GUI=OFF -DEMBTUNE_BUILD_BENCHMARKS=OFF \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
ninja -C "$build" -j "${EMBTUNE_FUZZ_BUILD_JOBS:-2}" embtune_fuzz

corpus=$build/corpus/$target
crashes=$fuzz_dir/crashes/$target
mkdir -p "$corpus" "$crashes"
set -- --target="$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
       -artifact_prefix="$crashes/" -print_final_stats=1
[ -f "$fuzz_dir/dict/$target.dict" ] && set -- "$@" -dict="$fuzz_dir/dict/$target.dict"
[ "$jobs" -gt 1 ] && set -- "$@" -jobs="$jobs" -workers="$jobs"
cd "$build"
exec "$build/tests/fuzz/embtune_fuzz" "$@" "$corpus" "$fuzz_dir/seeds/$target"
