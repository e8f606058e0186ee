# Shared helpers for the bench/*.sh scripts (sourced, not run).
# Every script: `source lib.sh; bench_init` creates a temp dir and an EXIT trap
# that stops every process started through bench_bg and removes the temp dir.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
DISPOTIFY="${DISPOTIFY:-$REPO_DIR/build/dispotify}"
PY=/usr/bin/python3
BENCH_PIDS=()
ADMIN_PASSWORD="bench-password-123"

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "${BENCH_TMP:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$BENCH_TMP"; fi
}

bench_init() {
  BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/dispotify-bench.XXXXXX")"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  # Work on a private copy of the binary: a concurrent rebuild must not swap
  # it under a running benchmark. Wait a little if it is being relinked.
  local i
  for i in $(seq 60); do [ -x "$DISPOTIFY" ] && break; sleep 2; done
  if [ ! -x "$DISPOTIFY" ]; then
    echo "no $DISPOTIFY: run 'make build' first" >&2
    exit 1
  fi
  for i in $(seq 60); do
    cp "$DISPOTIFY" "$BENCH_TMP/dispotify" 2>/dev/null && "$BENCH_TMP/dispotify" version >/dev/null 2>&1 && break
    sleep 2
  done
  DISPOTIFY="$BENCH_TMP/dispotify"
}

# bench_bg LOGFILE CMD...: starts CMD in the background, remembers its pid in BENCH_PID.
bench_bg() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 &
  BENCH_PID=$!
  BENCH_PIDS+=("$BENCH_PID")
}

bench_stop() {  # bench_stop PID
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {  # wait_http URL [seconds]
  local deadline=$((SECONDS + ${2:-30}))
  until curl -s -o /dev/null -m 2 "$1"; do
    [ $SECONDS -ge $deadline ] && { echo "timeout waiting for $1" >&2; return 1; }
    sleep 0.1
  done
}

# start_dispotify DATA_DIR [extra serve flags...]: sets DSP_PID, DSP_URL, DSP_PORT.
start_dispotify() {
  local data="$1"; shift
  DSP_PORT=$(free_port)
  local peer; peer=$(free_port)
  bench_bg "$data.log" "$DISPOTIFY" serve --data-dir "$data" --listen "127.0.0.1:$DSP_PORT" \
    --peer-listen "127.0.0.1:$peer" --admin-password "$ADMIN_PASSWORD" --log-level warn --min-free-disk 64MiB \
    --max-connections-per-address 0 "$@"  # wrk's 1,000 connections all come from 127.0.0.1
  DSP_PID=$BENCH_PID
  DSP_URL="http://127.0.0.1:$DSP_PORT"
  wait_http "$DSP_URL/readyz" 60
}

login() {  # login URL -> prints token
  curl -s -m 10 -X POST "$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

rss_kb() {  # rss_kb PID -> VmRSS in kB
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

hwm_kb() {
  awk '/^VmHWM:/ {print $2}' "/proc/$1/status"
}

machine_line() {
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -r)"
  echo "dispotify: $("$DISPOTIFY" version 2>/dev/null | head -1), git $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_DIR" diff --quiet -- src 2>/dev/null || echo ' (+ uncommitted src changes)')"
}

# populate_catalog DATA_DIR N: imports N generated small tagged MP3 files into
# a node on DATA_DIR (import --jobs 8), then stops the node. Prints the rate.
# Files go to $BENCH_TMP/catalog-files and are deleted afterwards.
populate_catalog() {
  local data="$1" n="$2" t0 t1 token
  "$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/catalog-files" --count "$n" \
    ${QUERIES_OUT:+--queries "$QUERIES_OUT"} 2>&1
  start_dispotify "$data"
  token=$(login "$DSP_URL")
  t0=$(date +%s.%N)
  timeout 3600 "$DISPOTIFY" import "$BENCH_TMP/catalog-files" --server "$DSP_URL" --token "$token" --jobs 8 \
    >"$BENCH_TMP/populate.log" 2>&1 || echo "import exited $?" >&2
  t1=$(date +%s.%N)
  echo "populated $data with $n tracks in $(echo "$t1 - $t0" | bc -l | xargs printf '%.1f') s: $(tail -c 200 "$BENCH_TMP/populate.log" | tr '\r' '\n' | tail -1)"
  bench_stop "$DSP_PID"
  rm -rf "$BENCH_TMP/catalog-files"
}

# catalog_dir N REUSE_DIR: echoes the data dir to use; builds it when missing.
# With REUSE_DIR set, the populated data dir is kept there for later runs.
ensure_catalog() {
  local n="$1" reuse="${2:-}"
  CATALOG_DIR="${reuse:-$BENCH_TMP/catalog-data}"
  if [ -f "$CATALOG_DIR/catalog.db" ]; then
    echo "reusing catalog in $CATALOG_DIR"
    if [ -n "${QUERIES_OUT:-}" ] && [ ! -f "$QUERIES_OUT" ]; then
      "$PY" "$BENCH_DIR/gen_tagged_mp3.py" "$BENCH_TMP/qgen" --count 0 --queries "$QUERIES_OUT" 2>/dev/null
    fi
  else
    populate_catalog "$CATALOG_DIR" "$n"
  fi
}

cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
