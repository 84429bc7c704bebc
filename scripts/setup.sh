#!/usr/bin/env bash
# embtune set-up on Debian 12: installs what is missing, builds, then
#   scripts/setup.sh run    starts the GUI (or, with no display, runs the CLI main job)
#   scripts/setup.sh test   builds everything with AddressSanitizer + UndefinedBehaviorSanitizer
#                           (clang 14, into BUILD_DIR-asan) and runs every test there
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), ASAN_CXX (the compiler
# of the test build, default clang++-14), FUZZ_SECONDS (per fuzz target in the test run, default 2;
# 0: none).
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
jobs="${JOBS:-$(nproc)}"
shared="$root/../shared"

packages=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev libeigen3-dev libhnswlib-dev
          libsimdjson-dev libsqlite3-dev libzip-dev qtkeychain-qt6-dev python3-numpy python3-hnswlib xvfb xauth lld)
# `test` compiles with Clang (its ASan/UBSan runtime is libclang-rt-14-dev).
if [ "$mode" = test ]; then packages+=(clang-14 libclang-rt-14-dev); fi

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "== installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure() { # dir, extra cmake args...
    local dir="$1"; shift
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
}

install_missing
case "$mode" in
run)
    # Only the two programs: the tests and benchmarks are built by `test` (or on purpose).
    configure "$build"
    cmake --build "$build" -j "$jobs" --target embtune embtune-cli
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        args=()
        [ -d "$shared/datasets/scifact" ] && args=(--dataset "$shared/datasets/scifact")
        exec "$build/app/gui/embtune" "${args[@]}"
    fi
    echo "== no display: running the CLI main job (embtune-cli evaluate)"
    if [ -d "$shared/datasets/scifact" ]; then
        exec "$build/app/cli/embtune-cli" evaluate --dataset "$shared/datasets/scifact" \
            --embeddings "$shared/datasets/scifact/embeddings/lsa256" --split test
    fi
    "$build/app/cli/embtune-cli" --help
    echo "(no ../shared/datasets/scifact here: pass --dataset DIR --embeddings DIR to evaluate your own data)"
    ;;
test)
    # One build, every test. Everything (engine, CLI, workspace, network, widgets, GUI and the
    # tests) is compiled once with AddressSanitizer + UndefinedBehaviorSanitizer, and all tests run
    # under them, leak checking included. Clang: it compiles instrumented code in about half GCC's
    # time. Assertions stay on (no NDEBUG). No debug information (-O2 alone): line tables cost a
    # third of the compile time (test_analysis: 32 vs 20 CPU-s); UBSan reports keep file:line
    # anyway, ASan reports name functions (configure with -g1 to get lines). The benchmarks and the
    # speed targets (ctest label bench) are not run: they measure an optimised build
    # (`cmake --build build && ctest --test-dir build -L bench`). The same build fuzzes every
    # reader for FUZZ_SECONDS (default 2) each (ctest label fuzz; scripts/fuzz.sh fuzzes longer).
    configure "$build-asan" -DCMAKE_CXX_COMPILER="${ASAN_CXX:-clang++-14}" -DEMBTUNE_SANITIZE=ON \
        -DEMBTUNE_FUZZ_SECONDS="${FUZZ_SECONDS:-2}" \
        -DEMBTUNE_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2"
    # The tests run one more at a time than there are cores: several spend seconds waiting on
    # timers and loopback servers (test_request_scheduler: 12 s of wall time, 0.3 s of CPU), and
    # a core left idle by one goes to another (measured on 2 cores: 100 s against 119 s). The
    # build stays at one job per core (one more measured slower).
    cmake --build "$build-asan" -j "$jobs"
    (cd "$build-asan" && QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest -LE bench --output-on-failure -j "$((jobs + 1))")
    ;;
*)
    echo "usage: scripts/setup.sh run|test" >&2
    exit 2
    ;;
esac
