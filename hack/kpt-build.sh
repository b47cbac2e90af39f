#!/usr/bin/env bash
# Build the kpt CLI from the Go module proxy, with nothing but `go`.
# Run with --help for usage; the reasons for each step are in the comments.
set -euo pipefail

readonly default_version=v1.0.0-beta.61
# The pseudo-version of github.com/kptdev/kpt/rollouts that kpt v1.0.0-beta.61
# requires, i.e. the one the stand-in in hack/kpt/rollouts was written against.
# Another kpt version that requires a different one is refused (see check below).
readonly standin_models=v0.0.0-20250604154015-93477536a4dd

prog=${0##*/}

usage() {
	cat <<EOF
Usage: $prog OUT [VERSION]

Build the kpt CLI at VERSION into the file OUT (directories are created).
VERSION defaults to \$KPT_VERSION, else $default_version.
If OUT already exists and \`OUT version\` prints VERSION, nothing is rebuilt,
so OUT can live in a CI cache.

Needs only a Go toolchain at least as new as kpt's go.mod asks for (the
installed one is used as is, GOTOOLCHAIN=local) and access to the Go module
proxy configured in GOPROXY.

Why not \`go install github.com/kptdev/kpt@VERSION\`: the proxy will not list
kpt's versions, the checksum database has no entry for kpt, and kpt's nested
module github.com/kptdev/kpt/rollouts is refused. So this script fetches kpt
by exact version, skips the checksum database for kpt alone, replaces the
nested module with the stand-in in hack/kpt/rollouts, and builds with
-mod=readonly so only the dependency versions kpt pins are used.
EOF
}

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
'') usage >&2; die "missing OUT (where to write the kpt binary)" ;;
-*) usage >&2; die "unknown option: $1" ;;
esac
[[ $# -le 2 ]] || { usage >&2; die "too many arguments"; }

out=$1
version=${2:-${KPT_VERSION:-$default_version}}
[[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
	die "'$version' is not a module version like $default_version"
[[ $out == /* ]] || out=$PWD/$out
[[ ! -d $out ]] || die "OUT is a directory ($out); give the path of the binary, e.g. $out/kpt"

if [[ -x $out ]] && [[ $("$out" version 2>/dev/null || true) == "$version" ]]; then
	echo "$prog: $out is already kpt $version; nothing to do" >&2
	exit 0
fi

command -v go >/dev/null || die "no 'go' on PATH; install Go"

standin=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kpt/rollouts
[[ -f $standin/go.mod ]] || die "stand-in module missing: $standin/go.mod (incomplete checkout?)"

# Use the installed toolchain: never fetch another one behind the user's back.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
# -modcacherw: a module cache filled here can be removed with plain rm -rf.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw -buildvcs=false"
# kpt has no checksum-database entry; every dependency is still verified
# against kpt's go.sum and the database.
export GONOSUMDB="github.com/kptdev/kpt${GONOSUMDB:+,$GONOSUMDB}"

work=$(mktemp -d)
partial=
cleanup() {
	rm -rf "$work"
	[[ -z $partial ]] || rm -rf "$partial"
}
trap cleanup EXIT

# Download by exact version: that needs no version list. Run outside any
# module so the caller's go.mod plays no part.
echo "$prog: fetching github.com/kptdev/kpt@$version" >&2
if ! info=$(cd "$work" && go mod download -json "github.com/kptdev/kpt@$version"); then
	err=$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
	die "could not download github.com/kptdev/kpt@$version: ${err:-see the go error above}
  Check that the version exists and that GOPROXY ($(go env GOPROXY)) is reachable."
fi
src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
[[ -n $src && -f $src/go.mod ]] || die "go mod download reported no source directory for kpt $version"

# Fail early, with a clear message, if the installed Go is older than kpt needs.
need_go=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$src/go.mod")
have_go=$(go env GOVERSION)
have_go=${have_go#go}
have_go=${have_go%%[!0-9.]*}
if [[ -n $need_go && $(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1) != "$need_go" ]]; then
	die "kpt $version needs Go $need_go or newer; 'go' on PATH is $have_go"
fi

# kpt lives in the read-only module cache. Rather than copy its source, build
# it in place with -modfile: an edited copy of its go.mod (and the go.sum next
# to it) in the work directory.
cp "$src/go.mod" "$work/go.mod"
cp "$src/go.sum" "$work/go.sum"
chmod u+w "$work/go.mod" "$work/go.sum"

# requires GOMOD: one "module version" line per requirement in GOMOD.
requires() {
	awk '$1 == "require" && $2 == "(" { inblock = 1; next }
		inblock && $1 == ")" { inblock = 0; next }
		inblock && NF >= 2 && $1 !~ /^\/\// { print $1, $2 }
		$1 == "require" && $2 != "(" { print $2, $3 }' "$1"
}
# version_of GOMOD MODULE: the version of MODULE that GOMOD requires, if any.
version_of() {
	requires "$1" | awk -v m="$2" '$1 == m { print $2 }'
}

rollouts=$(version_of "$work/go.mod" github.com/kptdev/kpt/rollouts)
if [[ -z $rollouts ]]; then
	echo "$prog: kpt $version does not require github.com/kptdev/kpt/rollouts; building without the stand-in" >&2
elif [[ $rollouts != "$standin_models" ]]; then
	die "kpt $version requires github.com/kptdev/kpt/rollouts $rollouts, but the stand-in
  in $standin models $standin_models (the one kpt $default_version requires).
  To support $version: list what kpt's commands/alpha/rollouts imports from
  rollouts/api/v1alpha1 in that version, add it to the stand-in, then set
  standin_models in $prog to $rollouts."
else
	# Under -mod=readonly the stand-in may not raise any version kpt pins.
	while read -r mod want; do
		have=$(version_of "$work/go.mod" "$mod")
		if [[ -z $have || ( $have != "$want" && $(printf '%s\n%s\n' "$have" "$want" | sort -V | tail -n1) == "$want" ) ]]; then
			die "the stand-in requires $mod $want, but kpt $version pins ${have:-no version of it}.
  Set that requirement in $standin/go.mod to ${have:-a version kpt pins}, check the stand-in
  still compiles against it, and retry."
		fi
	done < <(requires "$standin/go.mod")
	go mod edit -replace "github.com/kptdev/kpt/rollouts=$standin" "$work/go.mod"
fi

mkdir -p "$(dirname "$out")"
# Build next to OUT and rename at the end, so OUT is never a half-written
# binary (another job may be running it, or may have the same idea).
partial=$(mktemp -d "$(dirname "$out")/.kpt-build.XXXXXX")
echo "$prog: building kpt $version (a few minutes with empty Go caches)" >&2
# -mod=readonly: no dependency may move from what kpt's go.mod and go.sum pin.
# The -X flag is how kpt's own Makefile sets what `kpt version` prints.
if ! (cd "$src" && go build -modfile="$work/go.mod" -mod=readonly -trimpath \
	-ldflags "-s -w -X github.com/kptdev/kpt/run.version=$version" \
	-o "$partial/kpt" .); then
	die "go build of kpt $version failed (see above). Compile errors under
  commands/alpha/rollouts mean the stand-in in $standin lacks something;
  \"updates to go.mod needed\" means the stand-in's go.mod asks for more than kpt pins;
  download errors mean the Go module proxy (GOPROXY=$(go env GOPROXY)) could not be reached."
fi

got=$("$partial/kpt" version) || die "the freshly built kpt does not run: $partial/kpt"
[[ $got == "$version" ]] || die "the built kpt reports version '$got', expected '$version'"
mv -f "$partial/kpt" "$out"
echo "$prog: built $out ($got)" >&2
