#!/usr/bin/env bash
# Rewrites the seeds that our own encoders make (fuzz/seeds.h):
#   fuzz/make_seeds.sh BUILD_DIR
# The other corpora (HTTP requests, Subsonic parameters, audio files) are
# written by hand or with ffmpeg and committed as they are.
set -euo pipefail
build=${1:?usage: fuzz/make_seeds.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
for t in raft_messages log_records catalog_command; do
  mkdir -p "$here/corpus/$t"
  DISPOTIFY_FUZZ_WRITE_SEEDS="$here/corpus/$t" "$build/fuzz/fuzz_$t"
  echo "$t: $(ls "$here/corpus/$t" | wc -l) seeds"
done
