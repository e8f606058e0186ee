#!/usr/bin/env bash
# Leader failover time of a local 3-node Dispotify cluster: kill -9 of the
# leader -> first successful (2xx) write answered by another node, over
# --trials trials (the killed node is restarted and caught up between trials).
# Clients retry every 5 ms against both surviving nodes at once (fresh
# connection per attempt). Uses the product's default election timeout
# (150 ms, randomized up to 300 ms) unless --election-timeout "150 300" etc.
#
#   bench/failover_bench.sh [--quick] [--trials 20] [--election-timeout "0"]
#
# Goal (issue 4): median <= 300 ms, worst <= 1 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/failover_bench.sh $*"
TRIALS=20
ETS="0"   # 0 = the product default (not passed)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) TRIALS=5; shift ;;
    --trials) TRIALS="$2"; shift 2 ;;
    --election-timeout) ETS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init
source "$BENCH_DIR/raft_lib.sh"
echo "# failover_bench: $CMD ($TRIALS trials per election timeout: $ETS; 0 = default)"
machine_line
for et in $ETS; do
  "$PY" "$BENCH_DIR/failover_bench.py" --binary "$DISPOTIFY" --tmp "$BENCH_TMP" --trials "$TRIALS" --election-timeout "$et"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
