# Sourced by the Raft cluster benchmarks after lib.sh's bench_init: the Python
# drivers (raft_cluster.py) append the pid of every process they start to
# $BENCH_PIDFILE; on exit this stops any still running (only those whose
# command line names this run's temp dir), then runs lib.sh's cleanup.
export BENCH_PIDFILE="$BENCH_TMP/pids"
: >"$BENCH_PIDFILE"
raft_cleanup() {
  local pid
  if [ -f "$BENCH_PIDFILE" ]; then
    while read -r pid; do
      [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$BENCH_TMP" && kill "$pid" 2>/dev/null || true
    done <"$BENCH_PIDFILE"
    sleep 1
    while read -r pid; do
      [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$BENCH_TMP" && kill -9 "$pid" 2>/dev/null || true
    done <"$BENCH_PIDFILE"
  fi
  bench_cleanup
}
trap raft_cleanup EXIT
