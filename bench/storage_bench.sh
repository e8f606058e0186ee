#!/usr/bin/env bash
# Replicated blob storage (issue 5): upload throughput at R=3/W=2 against
# three local copies with cp + sync, streaming through a node without a
# copy against a local read, and the time to re-replicate ~1 GB after a
# node is removed. Local clusters on loopback, one shared disk.
#
#   bench/storage_bench.sh [--quick]      (--quick: 128 MB file, 256 MB re-replicated)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/storage_bench.sh $*"
FILE_MB=512
REREP_MB=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) FILE_MB=128; REREP_MB=256; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init
echo "# storage_bench: $CMD"
machine_line
cd "$BENCH_DIR"
"$PY" storage_bench.py --binary "$DISPOTIFY" --tmp "$BENCH_TMP" --file-mb "$FILE_MB" --rereplicate-mb "$REREP_MB"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
