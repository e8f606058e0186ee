#!/usr/bin/env bash
# Resident memory (VmRSS) of a node with a large catalog: idle after start,
# after some queries, and with 1,000 concurrent slow streams in flight.
#
#   bench/rss_bench.sh [--quick] [--tracks 100000] [--conns 1000] [--reuse-catalog DIR]
#
# The catalog is N small tagged MP3 files imported with `dispotify import`
# (plus 20 files of ~4.8 MB to stream). --reuse-catalog DIR keeps the
# populated data dir in DIR (and reuses it when it exists): importing 100,000
# files takes minutes. --quick: 10,000 tracks, 200 streams.
# Streams: slow_clients.py opens C connections with a 4 KiB receive buffer,
# each GETs a whole 4.8 MB file and reads 1 KiB a second; RSS is sampled every
# second for 10 s while all of them are in flight.
# Goal: <= 64 MB idle with 100,000 tracks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/rss_bench.sh $*"
TRACKS=100000
CONNS=1000
REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) TRACKS=10000; CONNS=200; shift ;;
    --tracks) TRACKS="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --reuse-catalog) REUSE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_init
echo "# rss_bench: $TRACKS tracks, $CONNS slow streams"
machine_line

ensure_catalog "$TRACKS" "$REUSE"
DATA="$CATALOG_DIR"

start_dispotify "$DATA"
sleep 2
ROWS=()
st() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
row() { ROWS+=("$(printf '| %-52s | %8.1f | %8.1f | %8.1f | %8.1f | %7s | %5s |' "$1" "$(echo "$(rss_kb "$DSP_PID") / 1024" | bc -l)" \
  "$(echo "$(st "$DSP_PID" RssAnon) / 1024" | bc -l)" "$(echo "$(st "$DSP_PID" RssFile) / 1024" | bc -l)" \
  "$(echo "$(hwm_kb "$DSP_PID") / 1024" | bc -l)" "$(st "$DSP_PID" Threads)" "$(ls /proc/$DSP_PID/fd | wc -l)")"); }
row "idle after start (catalog: $TRACKS tracks)"

TOKEN=$(login "$DSP_URL")
TOTAL=$(curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/tracks?limit=1" |
  "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])')
for q in ca cancion be yon ma ri lo ve beyo kö rock jazz; do
  curl -s -m 10 -o /dev/null -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/search?q=$q&limit=100"
done
for s in title artist album year created_at; do
  curl -s -m 10 -o /dev/null -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/tracks?limit=500&sort=$s"
  curl -s -m 10 -o /dev/null -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/tracks?limit=500&offset=50000&sort=$s"
done
curl -s -m 10 -o /dev/null -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/albums?limit=500"
curl -s -m 10 -o /dev/null -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/artists?limit=500"
curl -s -m 10 -o /dev/null "$DSP_URL/metrics"
sleep 1
row "after 30 queries (search, track/album/artist pages)"

# 20 big files to stream
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:duration=300" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:duration=300" -filter_complex amix=inputs=2 \
  -ac 2 -ar 44100 -b:a 128k -id3v2_version 0 -write_xing 0 "$BENCH_TMP/audio.mp3"
"$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/big" --count 20 --start 900000 --big-template "$BENCH_TMP/audio.mp3" 2>/dev/null
: >"$BENCH_TMP/paths"
for f in "$BENCH_TMP"/big/*/*.mp3; do
  curl -s -m 60 -H "Authorization: Bearer $TOKEN" --data-binary @"$f" "$DSP_URL/api/v1/tracks?filename=big.mp3" |
    "$PY" -c 'import json,sys; print("/api/v1/tracks/%s/stream" % json.load(sys.stdin)["id"])' >>"$BENCH_TMP/paths"
done
sleep 1
row "after uploading 20 x 4.8 MB"

"$PY" "$BENCH_DIR/slow_clients.py" 127.0.0.1 "$DSP_PORT" "$BENCH_TMP/paths" --pid "$DSP_PID" \
  --conns "$CONNS" --hold 10 --token "$TOKEN" >"$BENCH_TMP/slow.json"
SLOW=$(cat "$BENCH_TMP/slow.json")
MAXRSS=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["max_rss_kb"])' "$SLOW")
LAST=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); l=d["last"]; print(l["VmHWM"], l["Threads"], l["fds"], d["in_flight_at_sample"], d["errors"])' "$SLOW")
read -r hwm thr fds inflight errs <<<"$LAST"
ROWS+=("$(printf '| %-52s | %8.1f | %8.1f | %8.1f | %8.1f | %7s | %5s |' "$CONNS slow streams in flight (max over 10 s; $inflight open, $errs errors)" \
  "$(echo "$MAXRSS / 1024" | bc -l)" "$(echo "$(st "$DSP_PID" RssAnon) / 1024" | bc -l)" "$(echo "$(st "$DSP_PID" RssFile) / 1024" | bc -l)" \
  "$(echo "$hwm / 1024" | bc -l)" "$thr" "$fds")")
sleep 3
row "after the streams closed"

echo
echo "catalog: $TOTAL tracks"
echo "catalog.db: $(du -m "$DATA/catalog.db" | cut -f1) MiB"
echo "| state | VmRSS MiB | RssAnon MiB | RssFile MiB | VmHWM MiB | threads | fds |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo "goal: <= 64 MB idle with 100,000 tracks"
echo "slow clients: $SLOW"
echo
echo "command: $CMD"
