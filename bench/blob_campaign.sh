#!/usr/bin/env bash
# Long seeded fault campaigns on replicated blob storage: for each seed, a
# 5-node cluster in network namespaces gets kill / restart / isolate /
# corrupt faults while uploads and streams run (tests/cluster/blob_campaign.py);
# a failure prints its seed, which DISPOTIFY_BLOB_SEED replays.
#
#   bench/blob_campaign.sh [--seeds "1 2 3"] [--steps 120]
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="1 2 3 4 5 6 7 8"
STEPS=120
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
failed=0
for seed in $SEEDS; do
  echo "== seed $seed ($STEPS steps)"
  if ! DISPOTIFY_BLOB_SEED=$seed DISPOTIFY_BLOB_STEPS=$STEPS DISPOTIFY_BIN="$PWD/build/dispotify" \
      /usr/bin/python3 -m pytest -q -x -s tests/cluster/test_blob_campaign.py 2>&1 | grep -E 'seed|passed|failed|Error'; then
    failed=1
  fi
done
exit $failed
