#!/usr/bin/env bash
# CPU time of the node per small request: 1-byte range GETs of one track's
# stream (the per-request overhead that decides time to first byte once the
# CPU is busy, section 1 of docs/BENCHMARKS.md). The node's utime + stime
# over the run divided by the requests wrk completed.
#
#   bench/request_cpu_bench.sh [--rounds 3] [--duration 6] [--conns 100] [--baseline-binary PATH]
#     --baseline-binary: each round also measures that binary on the same
#       data dir, the order alternating, for an A/B on one machine
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/request_cpu_bench.sh $*"
ROUNDS=3
DURATION=6
CONNS=100
BASELINE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --baseline-binary) BASELINE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for t in wrk ffmpeg curl bc; do command -v $t >/dev/null || { echo "missing $t: run bench/deps.sh" >&2; exit 1; }; done
bench_init
BINARIES=("$DISPOTIFY")
LABELS=("this build")
if [ -n "$BASELINE" ]; then
  cp "$BASELINE" "$BENCH_TMP/baseline-dispotify"
  BINARIES+=("$BENCH_TMP/baseline-dispotify")
  LABELS+=("baseline")
fi
echo "# request_cpu_bench: $CMD"
machine_line

# One track, uploaded once; every run serves it from the same data dir.
DATA="$BENCH_TMP/data"
ffmpeg -v error -y -f lavfi -i "sine=frequency=440:duration=20" -c:a libmp3lame -b:a 128k "$BENCH_TMP/t.mp3"
start_dispotify "$DATA"
TOKEN=$(login "$DSP_URL")
ID=$(curl -s -m 30 -X POST -H "Authorization: Bearer $TOKEN" --data-binary @"$BENCH_TMP/t.mp3" \
  "$DSP_URL/api/v1/tracks?filename=t.mp3" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
bench_stop "$DSP_PID"

measure() {  # measure BINARY LABEL
  local saved="$DISPOTIFY"
  DISPOTIFY="$1"
  start_dispotify "$DATA"
  DISPOTIFY="$saved"
  local url="$DSP_URL/api/v1/tracks/$ID/stream"
  local args=(-t2 -c"$CONNS" -H "Range: bytes=0-0" -H "Authorization: Bearer $TOKEN" "$url")
  wrk -d2s "${args[@]}" >/dev/null  # warm-up: connections, caches, the verifier's verdict
  local before after out requests rate
  before=$(cpu_ticks "$DSP_PID")
  out=$(wrk -d"${DURATION}s" "${args[@]}")
  after=$(cpu_ticks "$DSP_PID")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  printf '%-10s %8s req/s  %6s us CPU/request  (load %s)\n' "$2" "$rate" \
    "$(echo "scale=1; ($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
  bench_stop "$DSP_PID"
}

echo "c=$CONNS, ${DURATION}s per run, 1-byte ranges of one track"
for round in $(seq "$ROUNDS"); do
  order=(0 1)
  [ $((round % 2)) = 0 ] && order=(1 0)
  for i in "${order[@]}"; do
    [ "$i" -lt "${#BINARIES[@]}" ] && measure "${BINARIES[$i]}" "${LABELS[$i]}"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
