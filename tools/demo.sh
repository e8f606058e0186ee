#!/usr/bin/env bash
# make demo: start a local cluster of three nodes with a generated demo
# library and print how to use it. The nodes run in the background of this
# script; Ctrl-C stops them all (gracefully).
set -euo pipefail
BIN=${1:-build/dispotify}
DATA=${DISPOTIFY_DEMO_DIR:-demo-data}
HOST=${DISPOTIFY_DEMO_HOST:-127.0.0.1}
PASSWORD=${DISPOTIFY_ADMIN_PASSWORD:-demo-admin}
JOIN_TOKEN=demo-join-token
PORTS=(4533 4543 4553)  # public ports; each peer port is the next one

mkdir -p "$DATA"
if [ ! -f "$DATA/library/manifest.json" ]; then
  echo "Generating the demo library with ffmpeg..."
  /usr/bin/python3 tools/gen_library.py "$DATA/library" --preset demo >/dev/null
fi

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 0' INT TERM

wait_ready() {
  local url=$1 pid=$2
  for _ in $(seq 1 150); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "a node did not start (is ${url#http://} in use?)"; stop_all; exit 1; }
    sleep 0.1
  done
  echo "a node did not become ready: $url"; stop_all; exit 1
}

for i in 0 1 2; do
  port=${PORTS[$i]}
  args=(serve --data-dir "$DATA/node$((i + 1))" --listen "$HOST:$port" --peer-listen "$HOST:$((port + 1))"
        --join-token "$JOIN_TOKEN" --admin-password "$PASSWORD")
  # The first node creates the cluster; the others join through it.
  [ "$i" -gt 0 ] && args+=(--join "$HOST:$((PORTS[0] + 1))")
  "$BIN" "${args[@]}" >"$DATA/node$((i + 1)).log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://$HOST:$port" "${PIDS[$i]}"
done
URL="http://$HOST:${PORTS[0]}"

TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$BIN" import "$DATA/library" --server "$URL" --token "$TOKEN"
"$BIN" cluster status --server "$URL" --token "$TOKEN"

cat <<INFO

Dispotify is running as a cluster of three nodes:
  node 1: http://$HOST:${PORTS[0]}
  node 2: http://$HOST:${PORTS[1]}
  node 3: http://$HOST:${PORTS[2]}
  login:  admin / $PASSWORD   (the same on every node: the catalog is replicated)
  web player: open http://$HOST:${PORTS[0]}/ in a browser and sign in
  token:  $TOKEN
  logs:   $DATA/node1.log, node2.log, node3.log

Try it (any node answers; writes go through the Raft leader):
  curl -H "Authorization: Bearer $TOKEN" "http://$HOST:${PORTS[1]}/api/v1/albums"
  curl -H "Authorization: Bearer $TOKEN" "http://$HOST:${PORTS[2]}/api/v1/search?q=cancion"
  curl -H "Authorization: Bearer $TOKEN" "$URL/api/v1/tracks?limit=5"
  curl -H "Authorization: Bearer $TOKEN" -o track.audio "$URL/api/v1/tracks/TRACK_ID/stream"
  $BIN cluster status --server http://$HOST:${PORTS[1]} --token $TOKEN

Every song is kept in three copies (here one on each node) and every node
plays every song: stop one node and the others keep playing.
Press Ctrl-C to stop.
INFO
wait
