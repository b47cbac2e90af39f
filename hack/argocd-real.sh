#!/usr/bin/env bash
# Runs test/argocdreal: examples/argocd through the real Argo CD code (its
# cmp-server command as the plugin sidecar, its repo server's manifest
# generation as the caller). That module has a go.mod of its own so that
# Argo CD's dependencies never reach the project's go.mod.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOD=$ROOT/test/argocdreal
ARGOCD_MODULE=github.com/argoproj/argo-cd/v3

usage() {
	cat <<'EOF'
usage: hack/argocd-real.sh [GO_TEST_FLAG...]
       hack/argocd-real.sh --bump VERSION [--toolchain goX.Y.Z]

Runs the test in test/argocdreal (go test -v), passing any extra flags on
(e.g. -run 'TestPlugin/broken'). Needs root (the sidecar runs as uid 999 in a
private mount namespace), git, unshare, setpriv and mount, and:
  VMCP_RENDER  the function binary         (default bin/vmcp-render; make build)
  KUSTOMIZE    kustomize, the pinned one   (default $(go env GOPATH)/bin/kustomize; make kustomize)
  PLUGIN_YAML  the plugin config to serve  (default examples/argocd/plugin.yaml)

The Go toolchain is the one test/argocdreal/go.mod names (its toolchain
line); the go command fetches it from the Go module proxy when missing.

--bump rewrites test/argocdreal/go.mod for another Argo CD release: its
require, the replace block repeated from that release's go.mod (a
dependency's replaces are not applied), then go mod tidy.
EOF
}

die() {
	echo "argocd-real: $*" >&2
	exit 1
}

# The toolchain pinned in test/argocdreal/go.mod; GOTOOLCHAIN is set to it
# because a machine may have GOTOOLCHAIN=local, which would refuse to switch.
pinned_toolchain() {
	local tc
	tc=$(sed -n 's/^toolchain[[:space:]]\+\(go[0-9.]*\)[[:space:]]*$/\1/p' "$MOD/go.mod")
	[[ -n $tc ]] || die "test/argocdreal/go.mod has no toolchain line (e.g. 'toolchain go1.27.3'); restore it from git"
	echo "$tc"
}

bump() {
	local version=$1 toolchain=$2 modfile gover
	[[ $version == v* ]] || die "--bump wants a tag such as v3.6.1, not '$version'"
	export GOTOOLCHAIN=$toolchain GOFLAGS=-mod=mod
	# Download outside any module, so the current go.mod does not matter.
	(cd / && go mod download "$ARGOCD_MODULE@$version") ||
		die "could not download $ARGOCD_MODULE@$version from the Go module proxy"
	modfile=$(go env GOMODCACHE)/cache/download/$ARGOCD_MODULE/@v/$version.mod
	[[ -f $modfile ]] || die "no go.mod for $ARGOCD_MODULE@$version at $modfile"
	gover=$(sed -n 's/^go[[:space:]]\+\([0-9.]*\)[[:space:]]*$/\1/p' "$modfile")
	{
		echo "// Argo CD's code for the test of examples/argocd; a module of its own so"
		echo "// that Argo CD's dependencies stay out of the project's go.mod."
		echo "// Written by hack/argocd-real.sh --bump; go mod tidy keeps the requires."
		echo "module github.com/vmcp-render/vmcp-render/test/argocdreal"
		echo
		echo "go $gover"
		echo
		echo "toolchain $toolchain"
		echo
		echo "require $ARGOCD_MODULE $version"
		echo
		echo "// Argo CD's own replaces, repeated: a dependency's replaces are not"
		echo "// applied. Replaces to its local directories are left out (the Go module"
		echo "// proxy serves those modules under their own paths)."
		# Keep replace blocks and one-line replaces, without comments, blank
		# lines or targets inside Argo CD's source tree.
		awk '
			/^replace[[:space:]]*\(/ { inblock = 1; print "replace ("; next }
			inblock && /^\)/        { inblock = 0; print ")"; next }
			inblock {
				sub(/[[:space:]]*\/\/.*/, "")
				if ($0 ~ /^[[:space:]]*$/ || $0 ~ /=>[[:space:]]*\.\.?\//) next
				print; next
			}
			/^replace[[:space:]]/ && $0 !~ /=>[[:space:]]*\.\.?\// { print }
		' "$modfile"
	} >"$MOD/go.mod"
	(cd "$MOD" && go mod tidy) || die "go mod tidy failed in test/argocdreal after the bump"
	echo "test/argocdreal now requires $ARGOCD_MODULE $version (go $gover, toolchain $toolchain)"
}

# need_tool CMD PACKAGE: installs Debian's PACKAGE when CMD is missing.
need_tool() {
	command -v "$1" >/dev/null && return
	echo "argocd-real: $1 is missing; installing Debian's $2" >&2
	command -v apt-get >/dev/null || die "$1 is missing and there is no apt-get: install $2"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >&2 ||
		die "apt-get install $2 failed; install it by hand"
}

# abs_exe VAR DEFAULT HOWTO: the absolute path of an executable input.
abs_exe() {
	local name=$1 path=${!1:-$2} how=$3
	[[ -x $path && -f $path ]] || die "$name: no executable at '$path'; $how"
	echo "$(cd "$(dirname "$path")" && pwd)/$(basename "$path")"
}

main() {
	if [[ ${1:-} == -h || ${1:-} == --help ]]; then
		usage
		exit 0
	fi
	if [[ ${1:-} == --bump ]]; then
		[[ $# -eq 2 || ($# -eq 4 && $3 == --toolchain) ]] || die "usage: --bump VERSION [--toolchain goX.Y.Z]"
		local tc
		tc=${4:-$(pinned_toolchain)}
		bump "$2" "$tc"
		exit 0
	fi

	[[ $(id -u) -eq 0 ]] || die "must run as root: the sidecar is started as uid 999 in a private mount namespace (unshare, setpriv)"
	command -v go >/dev/null || die "go is not on PATH"
	need_tool git git
	need_tool unshare util-linux
	need_tool setpriv util-linux
	need_tool mount mount

	VMCP_RENDER=$(abs_exe VMCP_RENDER "$ROOT/bin/vmcp-render" "run 'make build' first")
	KUSTOMIZE=$(abs_exe KUSTOMIZE "$(go env GOPATH)/bin/kustomize" "run 'make kustomize' first")
	export VMCP_RENDER KUSTOMIZE
	if [[ -n ${PLUGIN_YAML:-} ]]; then
		[[ -f $PLUGIN_YAML ]] || die "PLUGIN_YAML: no file at '$PLUGIN_YAML'"
		PLUGIN_YAML=$(cd "$(dirname "$PLUGIN_YAML")" && pwd)/$(basename "$PLUGIN_YAML")
		export PLUGIN_YAML
	fi

	GOTOOLCHAIN=$(pinned_toolchain)
	export GOTOOLCHAIN
	# The cold build of Argo CD takes minutes on two cores; the test's own
	# steps have their own, shorter limits.
	cd "$MOD"
	exec go test -v -count=1 -timeout 40m "$@" .
}

main "$@"
