#!/usr/bin/env bash
# make demo: start a node with a generated demo library and print how to use it.
# The node runs in the foreground; Ctrl-C stops it (gracefully).
set -euo pipefail
BIN=${1:-build/dispotify}
DATA=${DISPOTIFY_DEMO_DIR:-demo-data}
LISTEN=${DISPOTIFY_LISTEN:-127.0.0.1:4533}
PASSWORD=${DISPOTIFY_ADMIN_PASSWORD:-demo-admin}
URL="http://$LISTEN"

mkdir -p "$DATA"
if [ ! -f "$DATA/library/manifest.json" ]; then
  echo "Generating the demo library with ffmpeg..."
  /usr/bin/python3 tools/gen_library.py "$DATA/library" --preset demo >/dev/null
fi

"$BIN" serve --data-dir "$DATA/node" --listen "$LISTEN" --admin-password "$PASSWORD" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER' INT TERM

for _ in $(seq 1 100); do
  curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { echo "the server did not start (is $LISTEN in use?)"; exit 1; }
  sleep 0.1
done

TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$BIN" import "$DATA/library" --server "$URL" --token "$TOKEN"

cat <<INFO

Dispotify is running at $URL
  login:    admin / $PASSWORD
  token:    $TOKEN

Try it:
  curl -H "Authorization: Bearer $TOKEN" "$URL/api/v1/albums"
  curl -H "Authorization: Bearer $TOKEN" "$URL/api/v1/search?q=cancion"
  curl -H "Authorization: Bearer $TOKEN" "$URL/api/v1/tracks?limit=5"
  curl -H "Authorization: Bearer $TOKEN" -o track.audio "$URL/api/v1/tracks/TRACK_ID/stream"

Press Ctrl-C to stop.
INFO
wait $SERVER
