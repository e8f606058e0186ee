#!/usr/bin/env bash
# Search latency through the HTTP API over a large synthetic catalog, side by
# side with supysonic (Debian package, a Subsonic server in Python) searching
# the same files through its Subsonic search3 endpoint.
#
#   bench/search_bench.sh [--quick] [--tracks 100000] [--supysonic-tracks 10000]
#                         [--requests 2000] [--reuse-catalog DIR]
#
# Catalog: N small tagged MP3 files from gen_tagged_mp3.py imported with
# `dispotify import --jobs 8` (--reuse-catalog DIR keeps/reuses that data dir).
# Queries (400, from the same vocabulary): whole words, 3-4 letter prefixes,
# accent-free forms of accented words, two words, artist names, misses;
# limit 20 per kind. Latency client: http_latency.py (Python, keep-alive),
# 1 connection sequential and 8 concurrent; per-request time to last byte.
# The client's own overhead is shown by the /healthz row.
# supysonic scans into SQLite at a few hundred tracks/s at best, so by default
# it gets the first --supysonic-tracks files (a subset; said in the output)
# and Dispotify is measured on that same subset too. Its DB lives on /dev/shm
# to make the scan bounded (that only favours supysonic).
# Goal: Dispotify p99 <= 4.5 ms on 100,000 tracks and <= 1/10 of supysonic's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/search_bench.sh $*"
TRACKS=100000
SUPY_TRACKS=10000
REQUESTS=2000
REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) TRACKS=5000; SUPY_TRACKS=2000; REQUESTS=500; shift ;;
    --tracks) TRACKS="$2"; shift 2 ;;
    --supysonic-tracks) SUPY_TRACKS="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --reuse-catalog) REUSE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init
echo "# search_bench: dispotify on $TRACKS tracks (and on $SUPY_TRACKS), supysonic on $SUPY_TRACKS; $REQUESTS requests per run"
machine_line

QUERIES="$BENCH_TMP/queries.tsv"
QUERIES_OUT="$QUERIES" ensure_catalog "$TRACKS" "$REUSE"

ROWS="$BENCH_TMP/rows.jsonl"; : >"$ROWS"
measure() {  # measure LABEL PORT PATHS_FILE TOKEN
  local label="$1" port="$2" paths="$3" tok="$4" c
  for c in 1 8; do
    out=$(timeout 600 "$PY" "$BENCH_DIR/http_latency.py" 127.0.0.1 "$port" "$paths" --conns "$c" \
      --requests "$REQUESTS" ${tok:+--token "$tok"})
    echo "{\"label\":\"$label\",\"res\":$out}" >>"$ROWS"
  done
}
make_paths() {  # make_paths PREFIX SUFFIX OUT: kind<TAB>PREFIX<urlencoded q>SUFFIX
  "$PY" - "$QUERIES" "$1" "$2" >"$3" <<'EOF'
import sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8"):
    kind, _, q = line.rstrip("\n").partition("\t")
    print("%s\t%s%s%s" % (kind, sys.argv[2], urllib.parse.quote(q), sys.argv[3]))
EOF
}
make_paths "/api/v1/search?q=" "&limit=20" "$BENCH_TMP/paths-dsp"
printf 'healthz\t/healthz\n' >"$BENCH_TMP/paths-health"

# --- Dispotify on the full catalog ---------------------------------------------
start_dispotify "$CATALOG_DIR"
TOKEN=$(login "$DSP_URL")
N_DSP=$(curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/tracks?limit=1" |
  "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])')
SAMPLE_Q=$(awk -F'\t' '$1 == "diacritics" {print $2; exit}' "$QUERIES")
curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/search?q=$SAMPLE_Q&limit=3" |
  "$PY" -c 'import json,sys; d=json.load(sys.stdin); print("sample: q=%s ->" % sys.argv[1], [t["title"] for t in d["tracks"]])' "$SAMPLE_Q"
measure "dispotify $N_DSP tracks" "$DSP_PORT" "$BENCH_TMP/paths-dsp" "$TOKEN"
measure "dispotify /healthz (client floor)" "$DSP_PORT" "$BENCH_TMP/paths-health" ""
bench_stop "$DSP_PID"

# --- the subset: files for supysonic, same files into a second node -------------
SUB="$BENCH_TMP/subset-files"
"$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$SUB" --count "$SUPY_TRACKS" 2>&1
if [ "$SUPY_TRACKS" != "$N_DSP" ]; then
  start_dispotify "$BENCH_TMP/subset-data"
  TOKEN=$(login "$DSP_URL")
  timeout 1800 "$DISPOTIFY" import "$SUB" --server "$DSP_URL" --token "$TOKEN" --jobs 8 >/dev/null 2>&1 || true
  n=$(curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$DSP_URL/api/v1/tracks?limit=1" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  measure "dispotify $n tracks" "$DSP_PORT" "$BENCH_TMP/paths-dsp" "$TOKEN"
  bench_stop "$DSP_PID"
fi

# --- supysonic -------------------------------------------------------------------
SUPY_STATUS="ok"
if command -v supysonic-cli >/dev/null && "$PY" -c 'import waitress' 2>/dev/null; then
  SD="$BENCH_TMP/supysonic"; mkdir -p "$SD"
  SHM="$(mktemp -d /dev/shm/supysonic-bench.XXXXXX 2>/dev/null || mktemp -d "$BENCH_TMP/supydb.XXXXXX")"
  trap 'rm -rf "$SHM"; bench_cleanup' EXIT
  cat >"$SD/supysonic.conf" <<EOF
[base]
database_uri = sqlite:///$SHM/supysonic.db
scanner_extensions = mp3
[webapp]
cache_dir = $SD/cache
log_level = WARNING
mount_webui = off
[daemon]
socket = $SD/daemon.sock
run_watcher = no
log_level = WARNING
EOF
  (
    cd "$SD"
    supysonic-cli user add admin -p benchpass >/dev/null
    supysonic-cli folder add music "$SUB" >/dev/null
  )
  t0=$(date +%s.%N)
  (cd "$SD" && timeout 3000 supysonic-cli folder scan --foreground music >"$SD/scan.log" 2>&1) || SUPY_STATUS="scan failed or timed out: $(tail -c 300 "$SD/scan.log")"
  t1=$(date +%s.%N)
  SCAN_S=$(echo "$t1 - $t0" | bc -l)
  echo "supysonic scan: $(grep -a 'Added' "$SD/scan.log" | tail -1) in $(printf '%.1f' "$SCAN_S") s ($(echo "$SUPY_TRACKS / $SCAN_S" | bc -l | xargs printf '%.0f') tracks/s, DB on $SHM)"
  SPORT=$(free_port)
  (cd "$SD" && exec supysonic-server -S waitress -h 127.0.0.1 -p "$SPORT" --threads 8) >"$SD/server.log" 2>&1 &
  BENCH_PIDS+=($!)
  SPID=$!
  wait_http "http://127.0.0.1:$SPORT/rest/ping.view?u=admin&p=benchpass&v=1.16.1&c=bench" 60
  make_paths "/rest/search3.view?u=admin&p=benchpass&v=1.16.1&c=bench&f=json&artistCount=20&albumCount=20&songCount=20&query=" "" "$BENCH_TMP/paths-supy"
  measure "supysonic $SUPY_TRACKS tracks" "$SPORT" "$BENCH_TMP/paths-supy" ""
  bench_stop "$SPID"
else
  SUPY_STATUS="not installed (run bench/deps.sh: supysonic, python3-waitress)"
fi

# --- report ----------------------------------------------------------------------
"$PY" - "$ROWS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print()
print("| server, catalog | conns | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | statuses |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    x = r["res"]; a = x["all"]
    print("| %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %s |" % (r["label"], x["conns"], x["req_per_s"],
          a["p50_ms"], a["p90_ms"], a["p99_ms"], a["max_ms"], x["errors"],
          " ".join("%s:%s" % kv for kv in sorted(x["status"].items()))))
print()
print("p99 ms by query kind, 1 connection:")
kinds = sorted({k for r in rows for k in r["res"]["by_kind"] if k != "healthz"})
print("| server, catalog | " + " | ".join(kinds) + " |")
print("|---|" + "---:|" * len(kinds))
for r in rows:
    if r["res"]["conns"] != 1 or "healthz" in r["label"]: continue
    bk = r["res"]["by_kind"]
    print("| %s | " % r["label"] + " | ".join("%.2f" % bk[k]["p99_ms"] if k in bk else "-" for k in kinds) + " |")
EOF
echo
echo "supysonic: $SUPY_STATUS. supysonic's search3 is a case-insensitive substring match (SQL LIKE),"
echo "without diacritic folding; ours is prefix-per-word with diacritic folding (FTS5)."
echo "goal: dispotify p99 <= 4.5 ms with 100,000 tracks, and <= 1/10 of supysonic's p99"
echo
echo "command: $CMD"
