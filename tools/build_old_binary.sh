#!/bin/sh
# Builds the dispotify binary of an older commit into a cache directory, for
# the rolling upgrade test (`make upgrade-test`, tests/upgrade) and its
# fixture (`make upgrade-fixture`). A full compile (~10+ minutes on two
# cores; ccache helps the next time). Usage: build_old_binary.sh COMMIT DIR
# -> DIR/build/dispotify. The sources are a `git archive` of COMMIT in
# DIR/src (an existing DIR/src, e.g. a worktree of COMMIT, is used as is).
set -eu
commit=$1
dir=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
if [ ! -f "$dir/src/CMakeLists.txt" ]; then
  rm -rf "$dir/src.partial"
  mkdir -p "$dir/src.partial"
  git -C "$repo" archive --format=tar "$commit" | tar -x -C "$dir/src.partial"
  mv "$dir/src.partial" "$dir/src"
fi
# ccache hits across source directories.
export CCACHE_BASEDIR="$dir/src"
if [ ! -f "$dir/build/build.ninja" ]; then
  cmake -S "$dir/src" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
ninja -C "$dir/build" -j "${JOBS:-$(nproc)}" dispotify
echo "built $dir/build/dispotify ($(git -C "$repo" rev-parse --short "$commit"))"
