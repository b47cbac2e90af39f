#!/usr/bin/env bash
# hack/e2e.sh KUSTOMIZE: boot the real vMCP of the default operator release (v0.63.0) on the rendered example
# and check that the function refuses what vMCP would refuse (make e2e).
#
# Needs root (the pod harness, hack/podrun, uses a private mount namespace), Go
# and bin/vmcp-render (make build). The vMCP binary is cached in
# $HOME/.cache/vmcp-render and built with hack/vmcp-build.sh when missing.
# The last line is always "e2e: N passed, M failed".
set -euo pipefail

usage() { echo "usage: $0 KUSTOMIZE" >&2; exit 2; }
[ $# -eq 1 ] || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kustomize=$1
case $kustomize in /*) ;; *) kustomize=$(cd "$(dirname "$kustomize")" && pwd)/$(basename "$kustomize") ;; esac
vmcp_version=v0.63.0 # the default release (pkg/release)
vmcp=${HOME:?}/.cache/vmcp-render/vmcp-$vmcp_version

fail_setup() {
	echo "e2e: FAIL: $*" >&2
	echo "e2e: 0 passed, 1 failed"
	exit 1
}

[ -x "$kustomize" ] || fail_setup "kustomize not found at $kustomize (make kustomize)"
[ -x "$root/bin/vmcp-render" ] || fail_setup "bin/vmcp-render not built (make build)"
[ "$(id -u)" -eq 0 ] || fail_setup "the pod harness (hack/podrun) needs root (private mount namespace)"

if [ -x "$vmcp" ]; then
	echo "e2e: vMCP $vmcp_version from cache: $vmcp"
else
	echo "e2e: building vMCP $vmcp_version into $vmcp (about 4 minutes cold)"
	mkdir -p "$(dirname "$vmcp")"
	"$root/hack/vmcp-build.sh" --version "$vmcp_version" --out "$vmcp" ||
		fail_setup "building vMCP with hack/vmcp-build.sh failed"
	[ -x "$vmcp" ] || fail_setup "vmcp-build.sh did not produce $vmcp"
fi

log=$(mktemp "${TMPDIR:-/tmp}/vmcp-render-e2e.XXXXXX")
trap 'rm -f "$log"' EXIT

cd "$root"
set +e
E2E_KUSTOMIZE=$kustomize E2E_VMCP=$vmcp \
	go test -tags e2e -count=1 -v -timeout 10m ./test/e2e/ 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

echo
grep '^e2e check ' "$log" || true
summary=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
if [ -z "$summary" ]; then
	# The suite did not get to its summary (compile error, panic, timeout).
	echo "e2e: FAIL: go test exited $rc without a summary" >&2
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
if [ "$rc" -ne 0 ]; then
	echo "e2e: FAIL (go test exited $rc)"
else
	echo "e2e: PASS"
fi
echo "$summary"
exit "$rc"
