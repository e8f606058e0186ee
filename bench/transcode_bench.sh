#!/usr/bin/env bash
# How soon a transcoded stream starts (issue 7: "started within 300 ms").
#
#   bench/transcode_bench.sh [--quick] [--trials 20]
#
# One node with its defaults; two 5-minute sources (FLAC 44.1 kHz stereo and
# MP3 320 kb/s) uploaded; for each source and output format (mp3, opus, aac
# at 128 kb/s) bench/transcode_ttfb.py times connect() to the first body byte
# of TRIALS new transcodes (each with a distinct time_offset, so ffmpeg
# starts every time and seeks) and of TRIALS answers from the transcode cache.
# Goal: a new transcode's first byte within 300 ms.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CMD="bench/transcode_bench.sh $*"
TRIALS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) TRIALS=5; shift ;;
    --trials) TRIALS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v ffmpeg >/dev/null || { echo "missing ffmpeg: run bench/deps.sh" >&2; exit 1; }
bench_init

echo "# transcode_bench: $TRIALS trials per source, format and kind ($CMD)"
machine_line
echo "ffmpeg: $(ffmpeg -version | head -1)"

noise=(-f lavfi -i "sine=frequency=440:duration=300" -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:duration=300"
  -filter_complex amix=inputs=2 -ac 2 -ar 44100)
ffmpeg -nostdin -loglevel error -y "${noise[@]}" -metadata title="Bench FLAC" "$BENCH_TMP/source.flac"
ffmpeg -nostdin -loglevel error -y "${noise[@]}" -b:a 320k -metadata title="Bench MP3" "$BENCH_TMP/source.mp3"

start_dispotify "$BENCH_TMP/data"
TOKEN=$(login "$DSP_URL")
upload() {  # upload FILE -> prints the track id
  curl -s -m 120 -H "Authorization: Bearer $TOKEN" --data-binary @"$1" \
    "$DSP_URL/api/v1/tracks?filename=$(basename "$1")" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
FLAC_ID=$(upload "$BENCH_TMP/source.flac")
MP3_ID=$(upload "$BENCH_TMP/source.mp3")
echo "sources: $(du -h "$BENCH_TMP/source.flac" | cut -f1) FLAC, $(du -h "$BENCH_TMP/source.mp3" | cut -f1) MP3, 300 s each"

"$PY" "$BENCH_DIR/transcode_ttfb.py" 127.0.0.1 "$DSP_PORT" "$TOKEN" --trials "$TRIALS" \
  --track "flac=$FLAC_ID" --track "mp3-320=$MP3_ID"
