#!/bin/sh
# Builds the two base images of deploy/Containerfile from Debian 12
# packages, without any image registry (none is reachable here, and an
# operator may not want one): mmdebstrap makes a root file system from the
# Debian archive, and `podman import` (or `docker import`) turns its tar
# into an image.
#
#   deploy/base-images.sh            # both, unless they exist already
#   deploy/base-images.sh --force    # rebuild both
#
# Images (local names, never pushed):
#   localhost/dispotify-build-base:bookworm    compiler, CMake, the -dev packages of the Makefile
#   localhost/dispotify-runtime-base:bookworm  the shared libraries the binary needs, ffmpeg, nothing else
#
# Needs mmdebstrap (apt-get install mmdebstrap) and root or a working
# unprivileged user namespace. ENGINE=podman|docker picks the engine;
# PODMAN_FLAGS are passed to every podman command (see deploy/engine.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/engine.sh"

force=no
[ "${1:-}" = "--force" ] && force=yes

SUITE=bookworm
MIRRORS="deb http://deb.debian.org/debian bookworm bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main"

# What the image never needs: documentation, manual pages, translations.
# (Copyright files stay: the licences travel with the binaries.)
SLIM="--dpkgopt=path-exclude=/usr/share/doc/* --dpkgopt=path-include=/usr/share/doc/*/copyright
--dpkgopt=path-exclude=/usr/share/man/* --dpkgopt=path-exclude=/usr/share/info/*
--dpkgopt=path-exclude=/usr/share/locale/* --dpkgopt=path-exclude=/usr/share/lintian/*"

# The Makefile's build packages (DEB_PACKAGES) minus the test, web and
# style tools: the image build compiles the server only.
BUILD_PACKAGES="ca-certificates,cmake,ninja-build,g++,pkg-config,ccache,libboost1.81-dev,libsqlite3-dev,\
libtag1-dev,libssl-dev,libsodium-dev,libgtest-dev,libcpptoml-dev"
# `ldd build/dispotify` (libstdc++ and libc come with minbase) and ffmpeg
# for transcoding and thumbnails.
RUNTIME_PACKAGES="libsqlite3-0,libtag1v5,libssl3,libsodium23,ffmpeg"

# Pulled in by ffmpeg's dependencies but never loaded by a headless
# ffmpeg (checked by ldd in the image test): Mesa's DRI drivers and the
# LLVM and Z3 they use (about 160 MB), and Perl's modules (no Perl runs
# here). Removed after installation, so that no package script misses them.
lib='"$1"/usr/lib/x86_64-linux-gnu'
RUNTIME_PRUNE="rm -rf $lib/dri $lib/libLLVM-15.so* $lib/libz3.so* $lib/perl/5.36* $lib/libperl.so* \"\$1\"/usr/share/perl/5.36*"

make_base() {
  name=$1 packages=$2 prune=${3:-true}
  if [ "$force" = no ] && engine image exists "$name" 2>/dev/null; then
    echo "base-images: $name exists (--force rebuilds it)"
    return
  fi
  tar_file=$(mktemp /tmp/dispotify-base.XXXXXX.tar)
  trap 'rm -f "$tar_file"' EXIT
  echo "base-images: mmdebstrap $SUITE -> $name"
  # shellcheck disable=SC2086 # SLIM is a list of options
  mmdebstrap --quiet --variant=minbase --include="$packages" $SLIM \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
    --customize-hook="$prune" \
    "$SUITE" "$tar_file" "$MIRRORS"
  engine import --change 'CMD ["/bin/sh"]' "$tar_file" "$name"
  rm -f "$tar_file"
  trap - EXIT
}

make_base localhost/dispotify-runtime-base:bookworm "$RUNTIME_PACKAGES" "$RUNTIME_PRUNE"
make_base localhost/dispotify-build-base:bookworm "$BUILD_PACKAGES"
