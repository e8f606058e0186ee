# Sourced by the deploy/ scripts: `engine ARGS...` runs podman or docker,
# whichever is installed (ENGINE= chooses), with the flags this host needs.
#
# podman as root in a container-less sandbox (as where this repository is
# tested) needs: the vfs storage driver (no overlay inside overlay), cgroupfs
# (no systemd), runc (crun refuses cgroup v1/v2 hybrids), the host network
# (no netavark/slirp here) and ulimits no higher than the host's hard
# limits (no CAP_SYS_RESOURCE). PODMAN_FLAGS replaces these defaults.

if [ -z "${ENGINE:-}" ]; then
  if command -v podman >/dev/null 2>&1; then ENGINE=podman
  elif command -v docker >/dev/null 2>&1; then ENGINE=docker
  else echo "neither podman nor docker is installed (apt-get install podman)" >&2; exit 1
  fi
fi

if [ "$ENGINE" = podman ] && [ -z "${PODMAN_FLAGS+set}" ]; then
  PODMAN_FLAGS="--storage-driver vfs --cgroup-manager cgroupfs"
  command -v runc >/dev/null 2>&1 && PODMAN_FLAGS="$PODMAN_FLAGS --runtime runc"
fi

engine() {
  if [ "$ENGINE" = podman ]; then
    # shellcheck disable=SC2086 # a list of flags
    podman $PODMAN_FLAGS "$@"
  else
    docker "$@"
  fi
}

# Flags for `engine run` and `engine build` on this host (see above).
engine_run_flags() {
  if [ "$ENGINE" = podman ]; then
    echo "--network host --ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
  fi
}
