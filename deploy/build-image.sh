#!/bin/sh
# Builds the container image of deploy/Containerfile with podman or
# docker, whichever is installed (ENGINE= chooses), after the base images
# (deploy/base-images.sh), and prints its size.
#
#   deploy/build-image.sh [IMAGE]      # default localhost/dispotify:latest
#
# Run from the repository root after `make web` (the image copies web/dist);
# `make image` does both.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/engine.sh"
image=${1:-localhost/dispotify:latest}

[ -f web/dist/index.html ] || { echo "build-image: web/dist is missing: run make web first" >&2; exit 1; }
sh "$here/base-images.sh"

if [ "$ENGINE" = podman ]; then
  # docker format: OCI images have no HEALTHCHECK. chroot isolation: RUN
  # steps need no OCI runtime (nor network: the base has every package).
  engine build --format docker --isolation chroot -f "$here/Containerfile" -t "$image" .
else
  docker build -f "$here/Containerfile" -t "$image" .
fi
size=$(engine image inspect --format '{{.Size}}' "$image")
echo "build-image: $image is $((size / 1000000)) MB ($size bytes)"
