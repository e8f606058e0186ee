#!/usr/bin/env bash
# Replicated catalog write throughput and p50/p99 latency: a local 3-node
# Dispotify cluster side by side (same run, interleaved) with a local 3-member
# etcd 3.4 cluster (Debian etcd-server) doing puts of the same size through its
# HTTP/JSON gateway. Both fsync: Dispotify writes each Raft Ready with one
# write + fdatasync and commits SQLite in WAL mode; etcd fdatasyncs its WAL
# (3.4 has no switch to turn that off). An strace of each leader at the end
# counts the sync calls to show it.
#
#   bench/raft_write_bench.sh [--quick] [--conns "16 64 256"] [--duration 12]
#                             [--modes "spread leader"] [--entry-bytes 256]
#                             [--peer-tls on|off]
#
# Write: PATCH /api/v1/playlists/{id} {"name": ...} (rename; 256 playlists of the
# admin, one drawn at random per request), a 256-byte Raft entry by default.
# etcd: POST /v3/kv/put, key "bench/k/NNNNNN" (14 bytes) + value (242 bytes) =
# 256 bytes, 256 distinct keys. Clients: wrk (bench/wrk_raft_writes.lua), one
# single-threaded wrk per target node, keep-alive connections, histograms
# merged exactly. Modes: "spread" = the connections split evenly over the 3
# nodes (16 -> 6+5+5), followers forward to the leader; "leader" = all
# connections on the current leader (what the Raft path alone can do).
# Our nodes run with their defaults, so the peer port is mutual TLS 1.3
# (--peer-tls on); --peer-tls off measures plain HTTP between nodes, as etcd's
# peers here speak (http:// peer URLs). All data dirs live under one temp dir
# (same disk).
# Goal (issue 4): >= 2x etcd's writes/s at no worse p99.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/raft_write_bench.sh $*"
CONNS="16 64 256"
DURATION=12
MODES="spread leader"
ENTRY=256
STRACE=4
PEER_TLS=on
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) CONNS="16 64"; DURATION=4; MODES="spread leader"; STRACE=2; shift ;;
    --conns) CONNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --entry-bytes) ENTRY="$2"; shift 2 ;;
    --peer-tls) PEER_TLS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk etcd strace; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run bench/deps.sh" >&2; exit 1; }
done
bench_init
source "$BENCH_DIR/raft_lib.sh"
echo "# raft_write_bench: $CMD"
echo "# clients: $CONNS; $DURATION s per point; modes: $MODES; entry $ENTRY bytes; dispotify --peer-tls $PEER_TLS"
machine_line
echo "etcd: $(etcd --version | head -1); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); data under $BENCH_TMP ($(df --output=source "$BENCH_TMP" | tail -1))"
"$PY" "$BENCH_DIR/raft_write_bench.py" --binary "$DISPOTIFY" --tmp "$BENCH_TMP" --conns "$CONNS" \
  --duration "$DURATION" --modes "$MODES" --entry-bytes "$ENTRY" --strace-seconds "$STRACE" \
  --peer-tls "$PEER_TLS"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
