#!/usr/bin/env bash
# Streaming throughput and time-to-first-byte: Dispotify vs nginx serving the
# same blob files, same machine, same run.
#
#   bench/stream_bench.sh [--quick] [--conns "100 1000"] [--duration 15] [--nginx-workers "1 2"]
#                         [--serve-flags "--io-threads 1"]
#
# Setup: 20 MP3 files of ~4.8 MB (5 min, 128 kbps; one ffmpeg encode, then 20
# distinct ID3 tags so each has distinct bytes) uploaded to a fresh node; nginx
# (Debian nginx-light, sendfile on) serves DATA/blobs/ on another loopback port.
# For each server and concurrency C:
#   full:  wrk -t2 -cC -dD --latency, random whole-file GETs (keep-alive);
#          wrk latency = time to the full response.
#   probe: during the full run, ttfb_probe.py opens a new connection every
#          20 ms and times connect + GET until the first response byte.
#   range: wrk -t2 -cC -dD with "Range: bytes=0-0" on every request: the body
#          is 1 byte, so wrk latency ~ TTFB of C concurrent requesters.
# Dispotify runs with its defaults (one I/O thread per core) plus
# --serve-flags; nginx with worker_processes 1 and 2 (= cores).
# Goal: Dispotify >= 90% of nginx.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/stream_bench.sh $*"
CONNS="100 1000"
DURATION=15
NGINX_WORKERS="1 2"
NFILES=20
SERVE_FLAGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) CONNS="100"; DURATION=5; NGINX_WORKERS="1"; NFILES=8; shift ;;
    --conns) CONNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --nginx-workers) NGINX_WORKERS="$2"; shift 2 ;;
    --serve-flags) SERVE_FLAGS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for t in wrk nginx ffmpeg; do command -v $t >/dev/null || { echo "missing $t: run bench/deps.sh" >&2; exit 1; }; done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_init

echo "# stream_bench: $NFILES files, conns {$CONNS}, ${DURATION}s per run, nginx workers {$NGINX_WORKERS}, serve flags {$SERVE_FLAGS}"
machine_line
echo "wrk: $(wrk -v 2>&1 | head -1); nginx: $(nginx -v 2>&1); ulimit -n $(ulimit -n)"

# --- files --------------------------------------------------------------------
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:duration=300" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:duration=300" -filter_complex amix=inputs=2 \
  -ac 2 -ar 44100 -b:a 128k -id3v2_version 0 -write_xing 0 "$BENCH_TMP/audio.mp3"
"$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/files" --count "$NFILES" --big-template "$BENCH_TMP/audio.mp3" 2>&1

# --- dispotify ----------------------------------------------------------------
DATA="$BENCH_TMP/data"
# shellcheck disable=SC2086 # flags are words
start_dispotify "$DATA" $SERVE_FLAGS
TOKEN=$(login "$DSP_URL")
: >"$BENCH_TMP/paths-dsp"; : >"$BENCH_TMP/paths-nginx"
for f in "$BENCH_TMP"/files/*/*.mp3; do
  curl -s -m 60 -H "Authorization: Bearer $TOKEN" --data-binary @"$f" \
    "$DSP_URL/api/v1/tracks?filename=$(basename "$f")" >"$BENCH_TMP/up.json"
  read -r id hash < <("$PY" -c 'import json,sys; t=json.load(open(sys.argv[1])); print(t["id"], t["content_hash"])' "$BENCH_TMP/up.json")
  echo "/api/v1/tracks/$id/stream" >>"$BENCH_TMP/paths-dsp"
  echo "/sha256/${hash:0:2}/$hash" >>"$BENCH_TMP/paths-nginx"
  [ -f "$DATA/blobs/sha256/${hash:0:2}/$hash" ] || { echo "blob not found at the expected path" >&2; exit 1; }
done
SIZE_AVG=$(du -cb "$BENCH_TMP"/files/*/*.mp3 | tail -1 | awk -v n="$NFILES" '{printf "%.2f", $1/n/1e6}')
echo "uploaded $NFILES tracks, average $SIZE_AVG MB"

# --- nginx --------------------------------------------------------------------
start_nginx() {  # start_nginx WORKERS -> NGX_PID NGX_PORT
  NGX_PORT=$(free_port)
  local d="$BENCH_TMP/nginx-$1"
  mkdir -p "$d"
  cat >"$d/nginx.conf" <<EOF
user root;
worker_processes $1;
worker_rlimit_nofile 65536;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 8192; }
http {
  include /etc/nginx/mime.types;
  default_type audio/mpeg;
  sendfile on;
  tcp_nopush on;
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path $d/body; proxy_temp_path $d/proxy; fastcgi_temp_path $d/fcgi;
  uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $DATA/blobs;
  }
}
EOF
  bench_bg "$d/stdout.log" nginx -c "$d/nginx.conf" -g 'daemon off;'
  NGX_PID=$BENCH_PID
  wait_http "http://127.0.0.1:$NGX_PORT/" 10
}

# --- runs ---------------------------------------------------------------------
ROWS="$BENCH_TMP/rows.jsonl"; : >"$ROWS"
run_one() {  # run_one NAME PORT PATHS TOKEN CONNS
  local name="$1" port="$2" paths="$3" tok="$4" c="$5" out
  local url="http://127.0.0.1:$port"
  # full-file run with a TTFB probe alongside
  "$PY" "$BENCH_DIR/ttfb_probe.py" 127.0.0.1 "$port" "$paths" --duration "$((DURATION - 2))" \
    ${tok:+--token "$tok"} >"$BENCH_TMP/probe.json" &
  local probe=$!; BENCH_PIDS+=("$probe")
  out=$(timeout $((DURATION + 60)) wrk -t2 -c"$c" -d"${DURATION}s" --timeout 30s --latency \
    -s "$BENCH_DIR/wrk_paths.lua" "$url" -- "$paths" "${tok:--}" - 2>&1 | grep '^WRKJSON' | cut -c9-)
  wait "$probe" || true
  echo "{\"server\":\"$name\",\"conns\":$c,\"mode\":\"full\",\"wrk\":$out,\"probe\":$(cat "$BENCH_TMP/probe.json")}" >>"$ROWS"
  sleep 1
  out=$(timeout $((DURATION + 60)) wrk -t2 -c"$c" -d"${DURATION}s" --timeout 30s --latency \
    -s "$BENCH_DIR/wrk_paths.lua" "$url" -- "$paths" "${tok:--}" "bytes=0-0" 2>&1 | grep '^WRKJSON' | cut -c9-)
  echo "{\"server\":\"$name\",\"conns\":$c,\"mode\":\"range\",\"wrk\":$out}" >>"$ROWS"
  sleep 1
}

# sanity: the same bytes from both
first_dsp=$(head -1 "$BENCH_TMP/paths-dsp")
for c in $CONNS; do
  run_one dispotify "$DSP_PORT" "$BENCH_TMP/paths-dsp" "$TOKEN" "$c"
  echo "  dispotify c=$c done (RSS $(( $(rss_kb "$DSP_PID") / 1024 )) MiB)"
  for w in $NGINX_WORKERS; do
    start_nginx "$w"
    run_one "nginx-w$w" "$NGX_PORT" "$BENCH_TMP/paths-nginx" "" "$c"
    bench_stop "$NGX_PID"
    echo "  nginx-w$w c=$c done"
  done
done

# --- report -------------------------------------------------------------------
"$PY" - "$ROWS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def key(r): return (r["conns"], r["mode"], r["server"])
by = {key(r): r for r in rows}
print()
print("| conns | server | MB/s | req/s | p50 full ms | p99 full ms | p99 TTFB probe ms | p50 TTFB (1-byte range) ms | p99 TTFB (1-byte range) ms | range req/s | errors |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    if r["mode"] != "full": continue
    w = r["wrk"]; s = w["duration_us"] / 1e6
    rg = by.get((r["conns"], "range", r["server"]), {}).get("wrk", {})
    errs = {k[4:]: v for k, v in w.items() if k.startswith("err_") and v}
    rerrs = {k[4:]: v for k, v in rg.items() if k.startswith("err_") and v}
    p = r["probe"]
    print("| %d | %s | %.0f | %.1f | %.0f | %.0f | %s | %.2f | %.2f | %.0f | %s |" % (
        r["conns"], r["server"], w["bytes"] / s / 1e6, w["requests"] / s, w["lat_p50_us"] / 1e3,
        w["lat_p99_us"] / 1e3, "%.1f" % p["p99_ms"] if p.get("p99_ms") is not None else "n/a",
        rg.get("lat_p50_us", 0) / 1e3, rg.get("lat_p99_us", 0) / 1e3,
        rg.get("requests", 0) / (rg.get("duration_us", 1) / 1e6),
        ", ".join("%s=%d" % kv for kv in errs.items()) + ("; range " + ", ".join("%s=%d" % kv for kv in rerrs.items()) if rerrs else "") or "-"))
print()
print("Dispotify / nginx (throughput ratio; goal >= 0.90; TTFB ratio is nginx/ours so >1 means we are faster):")
for c in sorted({r["conns"] for r in rows}):
    d = by.get((c, "full", "dispotify"))
    for r in rows:
        if r["conns"] != c or r["mode"] != "full" or r["server"] == "dispotify": continue
        dw, nw = d["wrk"], r["wrk"]
        dr, nr = by[(c, "range", "dispotify")]["wrk"], by[(c, "range", r["server"])]["wrk"]
        thr = (dw["bytes"] / dw["duration_us"]) / (nw["bytes"] / nw["duration_us"])
        rr = (dr["requests"] / dr["duration_us"]) / (nr["requests"] / nr["duration_us"])
        t99 = nr["lat_p99_us"] / max(dr["lat_p99_us"], 1)
        pr = (r["probe"]["p99_ms"] or 0) / max(d["probe"]["p99_ms"] or 1e-9, 1e-9)
        print("  c=%d vs %s: MB/s %.2f, 1-byte req/s %.2f, p99 TTFB(range) nginx/ours %.2f, p99 TTFB(probe) nginx/ours %.2f" % (c, r["server"], thr, rr, t99, pr))
EOF
echo
echo "command: $CMD"
