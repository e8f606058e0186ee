#!/usr/bin/env bash
# Installs (idempotently) every Debian package the bench/ scripts use.
# Run as root (or with sudo available). Services shipped by the packages
# (nginx, supysonic, etcd) are NOT left running: the benchmarks start their own
# instances on loopback ports.
set -euo pipefail
PKGS=(time wrk nginx-light ffmpeg supysonic python3-waitress python3 strace procps curl bc etcd-server etcd-client linux-perf)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
# Keep package maintainer scripts from starting daemons (nginx on :80 etc.).
policy=/usr/sbin/policy-rc.d; made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null; $SUDO chmod +x "$policy"; made_policy=1
fi
trap '[ $made_policy = 1 ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -qq || true
# linux-perf is optional (profiling only); do not fail if it is unavailable.
core=(); for p in "${missing[@]}"; do [ "$p" != linux-perf ] && core+=("$p"); done
[ ${#core[@]} -gt 0 ] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${core[@]}"
if [[ " ${missing[*]} " == *" linux-perf "* ]]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends linux-perf || echo "deps.sh: linux-perf unavailable (optional)" >&2
fi
