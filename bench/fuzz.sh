#!/usr/bin/env bash
# The long fuzzing run (docs/FUZZING.md): every libFuzzer target of fuzz/
# for SECONDS each (default an hour), one after the other, from the
# corpus earlier runs left in build-fuzz/fuzz-corpus/.
#
#   bench/fuzz.sh [SECONDS] [TARGET...]
#
# Like the other benchmarks it reports rather than passes: the numbers of
# runs and the corpus sizes, and any crash with its input in
# build-fuzz/fuzz-artifacts/TARGET/ (then: commit the input under
# fuzz/regressions/TARGET/ with the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
shift || true
make --no-print-directory fuzz-build
nice fuzz/run.sh build-fuzz "$seconds" "$@"
