#!/usr/bin/env bash
# The multi-host test bed under load (issue 8): 5 nodes, each in its own
# network namespace with netem-delayed links (when the kernel has netem),
# advertising DNS names; writers and a playing stream throughout.
#   rolling:   every node restarted in turn, --rounds times
#   host-loss: one host down, then a second, then both back
# Needs root (network namespaces). See bench/multihost_bench.py.
#
#   bench/multihost_bench.sh [--quick] [--rounds 3] [--phase-s 20] [--delay-ms 2]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/multihost_bench.sh $*"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ARGS+=(--rounds 1 --phase-s 6); shift ;;
    --rounds|--phase-s|--delay-ms|--writers|--scenario) ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init
echo "# multihost_bench: $CMD"
machine_line
DISPOTIFY_BIN="$DISPOTIFY" "$PY" "$BENCH_DIR/multihost_bench.py" --tmp "$BENCH_TMP" "${ARGS[@]}"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
