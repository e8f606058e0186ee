#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/FUZZING.md).
#
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# For each target (all by default): first replays every committed input
# under fuzz/regressions/TARGET/ (each once: crashes found before must stay
# fixed), then fuzzes for SECONDS from the committed seeds
# fuzz/corpus/TARGET/ plus what earlier runs found (BUILD_DIR/fuzz-corpus/
# TARGET/, kept between runs, never committed), with the dictionary
# fuzz/dictionaries/TARGET.dict when there is one. A crash leaves its input in
# BUILD_DIR/fuzz-artifacts/TARGET/ and fails the run.
set -euo pipefail

build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(http_request raft_messages log_records catalog_command subsonic_params media_tags)
fi

# Per target: the largest input worth trying (audio files need room for a
# cover; everything else is small).
max_len() {
  case "$1" in
    media_tags) echo 65536 ;;
    http_request) echo 20000 ;;
    *) echo 8192 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz/run.sh: $bin not built (ninja -C $build fuzzers)" >&2; exit 2; }
  work="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  regressions=("$here/regressions/$t"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $t: replaying ${#regressions[@]} regression input(s)"
    if ! "$bin" -runs=1 "${regressions[@]}" > "$build/fuzz-artifacts/$t.replay.log" 2>&1; then
      echo "fuzz/run.sh: $t: a regression input crashes again; see $build/fuzz-artifacts/$t.replay.log" >&2
      tail -40 "$build/fuzz-artifacts/$t.replay.log" >&2
      status=1
      continue
    fi
  fi
  echo "== $t: fuzzing for ${seconds}s"
  start=$(date +%s)
  dict=()
  [ -f "$here/dictionaries/$t.dict" ] && dict=(-dict="$here/dictionaries/$t.dict")
  if ! "$bin" "${dict[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len="$(max_len "$t")" \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "$here/corpus/$t" \
      > "$build/fuzz-artifacts/$t.log" 2>&1; then
    echo "fuzz/run.sh: $t: crash; input in $artifacts, log in $build/fuzz-artifacts/$t.log" >&2
    grep -E "ERROR|SUMMARY|Check failed|DISPOTIFY_CHECK|runtime error" "$build/fuzz-artifacts/$t.log" | head -5 >&2 || true
    status=1
    continue
  fi
  echo "   $(grep -E '^stat::number_of_executed_units' "$build/fuzz-artifacts/$t.log" | awk '{print $2}') runs," \
       "$(grep -cE '' <(ls "$work")) inputs in the working corpus, $(( $(date +%s) - start ))s"
done
exit $status
