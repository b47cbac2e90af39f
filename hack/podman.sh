#!/usr/bin/env bash
# hack/podman.sh CMD [ARG...]: run CMD with a working container engine.
#
# The machines have no Docker daemon; Debian's podman with runc works as
# root, with no registry. This installs podman and runc when missing (apt,
# as root), gives podman a private config and storage under
# $VMCP_PODMAN_DIR (default $HOME/.cache/vmcp-render/podman; /etc/containers
# is never touched), and puts a `docker` that runs podman first on PATH, for
# kustomize's container functions. kpt refuses podman's version string as
# docker: CMD should set KRM_FN_RUNTIME=podman for kpt (this script does).
# Settings measured on these machines: cgroupfs (the kernel's hybrid cgroup
# layout), runc (crun 1.8 refuses that layout), file events, ulimits no
# higher than the hard nofile limit.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "hack/podman.sh: podman and runc are missing, and installing them needs root (apt-get install podman runc)" >&2
		exit 1
	fi
	echo "hack/podman.sh: installing podman and runc (apt)" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc >/dev/null
fi

dir=${VMCP_PODMAN_DIR:-${HOME:?}/.cache/vmcp-render/podman}
mkdir -p "$dir/tmp" "$dir/storage" "$dir/run" "$dir/bin"
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=65536
cat >"$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
tmp_dir = "$dir/tmp"
CONF
cat >"$dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
CONF
cat >"$dir/bin/docker" <<'SHIM'
#!/bin/sh
# kustomize runs container functions with `docker run`: podman takes the
# same flags. (Pointing the docker CLI at podman's socket instead loses the
# exit code under --rm.)
exec podman "$@"
SHIM
chmod +x "$dir/bin/docker"

export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf"
export PATH="$dir/bin:$PATH" KRM_FN_RUNTIME=podman
exec "$@"
