#!/usr/bin/env bash
# Import rate of small tagged MP3 files with `dispotify import`, in tracks/s,
# for several --jobs values. Each run starts a fresh node on an empty data dir
# (content dedupe would otherwise make repeats free).
#
#   bench/import_bench.sh [--quick] [--files N] [--jobs "4 8 16"] [--profile]
#
# --quick: 1,000 files, jobs 8 only. --profile: after the timed runs, one more
# import (of 1,000 other files) under `strace -f -c` on the server to count
# syscalls (fsync & co.), and under `perf record` when perf works.
# Goal: >= 1,000 tracks/s (supysonic's scanner does ~240 tracks/s).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/import_bench.sh $*"
FILES=10000
JOBS="4 8 16"
PROFILE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) FILES=1000; JOBS="8"; shift ;;
    --files) FILES="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init

echo "# import_bench: $FILES small tagged MP3 files, dispotify import --jobs {$JOBS}"
machine_line
"$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/files" --count "$FILES" 2>&1
BYTES=$(du -sb "$BENCH_TMP/files" | cut -f1)

results=()
for j in $JOBS; do
  data="$BENCH_TMP/data-j$j"
  start_dispotify "$data"
  token=$(login "$DSP_URL")
  cpu0=$(cpu_ticks "$DSP_PID")
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$BENCH_TMP/time-j$j" timeout 1800 "$DISPOTIFY" import "$BENCH_TMP/files" \
    --server "$DSP_URL" --token "$token" --jobs "$j" \
    >"$BENCH_TMP/import-j$j.log" 2>&1 || echo "import --jobs $j exited $? (see log tail below)" >&2
  t1=$(date +%s.%N)
  cpu1=$(cpu_ticks "$DSP_PID")
  server_cpu=$(echo "($cpu1 - $cpu0) / $(getconf CLK_TCK)" | bc -l)
  client_cpu=$(awk '{print $1 + $2}' "$BENCH_TMP/time-j$j")
  total=$(curl -s -m 10 -H "Authorization: Bearer $token" "$DSP_URL/api/v1/tracks?limit=1" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  rss=$(rss_kb "$DSP_PID")
  secs=$(echo "$t1 - $t0" | bc -l)
  rate=$(echo "$total / $secs" | bc -l)
  results+=("$(printf '| %6s | %8d | %8.1f | %8.0f | %5.1f | %6.2f | %6.2f | %8d |' "$j" "$total" "$secs" "$rate" \
    "$(echo "$BYTES / $secs / 1000000" | bc -l)" "$(echo "$server_cpu * 1000 / $total" | bc -l)" \
    "$(echo "$client_cpu * 1000 / $total" | bc -l)" "$((rss / 1024))")")
  tail -n 2 "$BENCH_TMP/import-j$j.log" | sed 's/\r/\n/g' | tail -n 2 | sed 's/^/  import log: /'
  bench_stop "$DSP_PID"
  du -sh "$data" | sed 's/^/  data dir size: /'
  rm -rf "$data"
done

echo
echo "| --jobs | imported | seconds | tracks/s | MB/s | server CPU ms/track | importer CPU ms/track | server RSS MiB |"
echo "|-------:|---------:|--------:|---------:|-----:|----:|----:|---------------:|"
printf '%s\n' "${results[@]}"
echo "goal: >= 1000 tracks/s"

if [ "$PROFILE" = 1 ]; then
  echo
  echo "# profile: 1,000 more files, --jobs 8, server under strace -f -c"
  "$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/pfiles" --count 1000 --start 500000 2>/dev/null
  data="$BENCH_TMP/data-prof"
  start_dispotify "$data"
  token=$(login "$DSP_URL")
  bench_bg "$BENCH_TMP/strace.log" strace -f -c -S calls -o "$BENCH_TMP/strace.txt" -p "$DSP_PID"
  spid=$BENCH_PID
  sleep 1
  t0=$(date +%s.%N)
  timeout 900 "$DISPOTIFY" import "$BENCH_TMP/pfiles" --server "$DSP_URL" --token "$token" --jobs 8 >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  kill -INT "$spid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  echo "import under strace: $(echo "$t1 - $t0" | bc -l | xargs printf '%.1f') s for 1000 files (strace slows it; count syscalls, not time)"
  echo "top syscalls of the server for 1000 uploads:"
  head -n 30 "$BENCH_TMP/strace.txt" || true
  bench_stop "$DSP_PID"
  if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
    rm -rf "$data"
    "$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/pfiles2" --count 2000 --start 600000 2>/dev/null
    start_dispotify "$data"
    token=$(login "$DSP_URL")
    perf record -F 999 -g -p "$DSP_PID" -o "$BENCH_TMP/perf.data" >/dev/null 2>&1 &
    ppid=$!; BENCH_PIDS+=("$ppid")
    sleep 1
    timeout 900 "$DISPOTIFY" import "$BENCH_TMP/pfiles2" --server "$DSP_URL" --token "$token" --jobs 8 >/dev/null 2>&1 || true
    kill -INT "$ppid"; wait "$ppid" 2>/dev/null || true
    echo; echo "perf: top self-time symbols of the server (2000 uploads):"
    perf report -i "$BENCH_TMP/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -n 30 || true
    echo; echo "perf: self time by library:"
    perf report -i "$BENCH_TMP/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -n 12 || true
    echo; echo "perf: inclusive time of selected server functions (children):"
    perf report -i "$BENCH_TMP/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' |
      grep -Ei 'dispotify::|sqlite3_step|sqlite3_exec|TagLib::FileRef|fsync|sha256|SHA256|argon|crypto_pwhash|sendfile|rename' | head -n 40 || true
    bench_stop "$DSP_PID"
  else
    echo "(perf not usable here: skipped)"
  fi
fi
echo
echo "command: $CMD"
