#!/usr/bin/env bash
# Replicated blob storage (issue 5): upload throughput at R=3/W=2 against
# three local copies with cp + sync, streaming through a node without a
# copy against a local read, and the time to re-replicate ~1 GB after a
# node is removed. Local clusters on loopback, one shared disk.
#
#   bench/storage_bench.sh [--quick] [--upload-only] [--runs N] [--baseline-binary PATH]
#     --quick: 128 MB file, 256 MB re-replicated
#     --upload-only: section 1 only (cp + sync and the upload, N times each,
#       alternating, so that load from other work hits both alike)
#     --baseline-binary: each run of section 1 also uploads with that binary
#       (an A/B against the same cp + sync; the order alternates)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/storage_bench.sh $*"
FILE_MB=512
REREP_MB=1024
EXTRA=()
BASELINE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) FILE_MB=128; REREP_MB=256; shift ;;
    --upload-only) EXTRA+=(--upload-only); shift ;;
    --runs) EXTRA+=(--runs "$2"); shift 2 ;;
    --baseline-binary) BASELINE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_init
if [ -n "$BASELINE" ]; then  # a private copy, like the binary under test
  cp "$BASELINE" "$BENCH_TMP/baseline-dispotify"
  EXTRA+=(--baseline-binary "$BENCH_TMP/baseline-dispotify")
fi
echo "# storage_bench: $CMD"
machine_line
cd "$BENCH_DIR"
"$PY" storage_bench.py --binary "$DISPOTIFY" --tmp "$BENCH_TMP" --file-mb "$FILE_MB" --rereplicate-mb "$REREP_MB" "${EXTRA[@]}"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $CMD"
