#!/usr/bin/env bash
# Catch-up time of a new node joining a 3-node Dispotify cluster that holds a
# catalog of N entries (N playlists, each created by one replicated write:
# N Raft entries and N catalog rows), with the default snapshot interval
# (20,000 entries) unless --snapshot-interval is given. The catalog is built
# with wrk (32 keep-alive clients on the leader, POST /api/v1/playlists); then
# `dispotify serve --join` starts a 4th node and the script times, from the
# spawn, its readiness, applied index == the leader's commit index, and its
# promotion from learner to voter. Prints the new node's snapshot_index (> 0:
# it received a snapshot and replayed only the tail).
#
#   bench/catchup_bench.sh [--quick] [--entries 100000] [--snapshot-interval N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/catchup_bench.sh $*"
ENTRIES=100000
SNAP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ENTRIES=10000; shift ;;
    --entries) ENTRIES="$2"; shift 2 ;;
    --snapshot-interval) SNAP="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk missing: run bench/deps.sh" >&2; exit 1; }
bench_init
source "$BENCH_DIR/raft_lib.sh"
echo "# catchup_bench: $CMD ($ENTRIES entries; snapshot interval ${SNAP/#0/default (20000)})"
machine_line
"$PY" "$BENCH_DIR/catchup_bench.py" --binary "$DISPOTIFY" --tmp "$BENCH_TMP" --entries "$ENTRIES" \
  --snapshot-interval "$SNAP"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
