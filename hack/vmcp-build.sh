#!/usr/bin/env bash
# hack/vmcp-build.sh: build ToolHive's real vMCP server (the cmd/vmcp package of
# github.com/stacklok/toolhive) of one release, from the Go module proxy only.
#
#   hack/vmcp-build.sh --version v0.63.0 --out "$HOME/.cache/vmcp-render/vmcp-v0.63.0"
#
# Options:
#   --version vX.Y.Z        ToolHive release to build (required)
#   --out PATH              where the binary goes (required); written only on success
#   --keep                  keep the scratch directory of step 2 and print its path
#   --assume-refused MODULE treat MODULE's pinned version as not served, to
#                           exercise its replacement (repeatable; for testing)
#   -h, --help              this text
#
# ToolHive's go.mod says "go 1.27", so everything runs with Go 1.27.0, which the
# go command fetches from the module proxy itself (GOTOOLCHAIN=go1.27.0). The
# release is stamped with -ldflags
# "-X github.com/stacklok/toolhive/pkg/versions.Version=VERSION", so that
# `vmcp version` reports it. The binary is pure Go (CGO_ENABLED=0, -trimpath).
#
# Step 1, the normal way: go install github.com/stacklok/toolhive/cmd/vmcp@VERSION.
# Step 2, a FALLBACK WITH REPLACEMENTS, only when step 1 fails. The module proxy
# answers "403 This module version is not available" for the source zips of some
# modules ToolHive pins (their go.mod files are served, so version resolution
# works, but the code cannot be fetched). Step 2 copies the release's own module
# source and adds replace directives for exactly those modules whose pinned zip
# the proxy refuses, each checked anew on every run:
#   - a plain module: the nearest version the proxy does serve (table below);
#   - github.com/lestrrat-go/jwx/v4: v4.2.0 with a one-line patch for Go 1.27;
#   - github.com/stacklok/toolhive-core/redisconn: no version is served at all,
#     so hack/vmcp/redisconn/, a stand-in written in this repository, takes its
#     place (only Redis-backed storage uses it).
# The binary step 2 produces is the release's own source except for the replaced
# modules; `go version -m OUT | grep '=>'` lists each replacement.
#
# Needs Go >= 1.21 on PATH and network access to the Go module proxy. With cold
# caches the module download is about 2 GB and the build takes several minutes.
# Exit status: 0 when OUT is a built vMCP binary, 1 on failure, 2 on bad usage.
set -euo pipefail

readonly TOOLCHAIN=go1.27.0
readonly PKG=github.com/stacklok/toolhive/cmd/vmcp
readonly ROOT_MODULE=github.com/stacklok/toolhive
readonly JWX=github.com/lestrrat-go/jwx/v4
readonly JWX_BASE=v4.2.0

# Replacement table. Measured for ToolHive v0.62.0 and v0.63.0 (their go.mod
# pins are identical); "pin" is what those releases require. Rows are only used
# when this run finds the pin refused, so a release that pins served versions
# needs no change here. A new refused module makes the build fail with a message
# naming it: add a row with the nearest version the proxy serves.
#   module                                      pin                                   replacement
readonly TABLE='
# refused when checked in December 2026:
github.com/jwx-go/jwkfetch/v4                 v4.0.4                                v4.0.3
github.com/getsentry/sentry-go/otel/otlp      v0.50.0                               v0.49.0
golang.org/x/exp/jsonrpc2                     v0.0.0-20261014143641-f0251eb4aa3e    v0.0.0-20260709172345-9ea1abe57597
golang.org/x/exp/event                        v0.0.0-20261009195045-ca0d7ba23607    v0.0.0-20260611194520-c48552f49976
github.com/stacklok/toolhive-core/redisconn   v0.0.58                               stand-in
# refused according to an earlier build recipe, served when checked in
# December 2026 (kept because the proxy has changed its answers before):
github.com/pandatix/go-abnf                   v0.5.3                                v0.5.0
github.com/docker/cli                         v29.9.2+incompatible                  v29.9.3+incompatible
github.com/grpc-ecosystem/grpc-gateway/v2     v2.33.0                               v2.32.0
oras.land/oras-go/v2                          v2.7.0                                v2.6.4
google.golang.org/genproto/googleapis/api     v0.0.0-20261026165753-2ffab32bce7e    v0.0.0-20261019180522-ce908d29299b
google.golang.org/genproto/googleapis/rpc     v0.0.0-20261026165753-2ffab32bce7e    v0.0.0-20261019180522-ce908d29299b
k8s.io/utils                                  v0.0.0-20261023123148-ca04ba58ecab    v0.0.0-20260707023825-cf1189d6abe3
github.com/lestrrat-go/jwx/v4                 v4.6.0                                patched-v4.2.0
'

say() { printf 'vmcp-build: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
bad_usage() { say "$*"; say "usage: hack/vmcp-build.sh --version vX.Y.Z --out PATH [--keep] (--help for more)"; exit 2; }

version="" out="" keep=0
declare -A assume_refused=()
while [[ $# -gt 0 ]]; do
	case "$1" in
	--version | --out | --assume-refused)
		[[ $# -ge 2 && -n "$2" ]] || bad_usage "$1 needs a value"
		case "$1" in
		--version) version=$2 ;;
		--out) out=$2 ;;
		--assume-refused) assume_refused[$2]=1 ;;
		esac
		shift 2
		;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) bad_usage "unknown argument: $1" ;;
	esac
done
[[ -n "$version" ]] || bad_usage "--version is required"
[[ -n "$out" ]] || bad_usage "--out is required"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
	bad_usage "--version $version is not a release tag like v0.63.0"
command -v go >/dev/null || die "go is not on PATH; install Go 1.21 or newer (it fetches $TOOLCHAIN itself)"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
standin_src=$here/vmcp/redisconn
[[ -f "$standin_src/go.mod" ]] || die "the redisconn stand-in is missing: $standin_src/go.mod"

mkdir -p "$(dirname "$out")" || die "cannot create the directory of --out: $(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
[[ ! -d "$out" ]] || die "--out $out is a directory; give a file path"

work=$(mktemp -d -t vmcp-build.XXXXXX) # under $TMPDIR when set
partial=$out.partial.$$
if [[ $keep -eq 1 ]]; then
	trap 'rm -f "$partial"; say "scratch directory kept: $work"' EXIT
else
	trap 'rm -f "$partial"; rm -rf "$work"' EXIT
fi
SECONDS=0

# The go command downloads the toolchain from the module proxy into the module
# cache on first use; from then on its binary is called directly with
# GOTOOLCHAIN=local so no later call can switch to another version.
say "fetching toolchain $TOOLCHAIN (GOTOOLCHAIN=$TOOLCHAIN)"
goroot=$(GOTOOLCHAIN=$TOOLCHAIN go env GOROOT) ||
	die "could not get Go $TOOLCHAIN through GOTOOLCHAIN; check network access to the Go module proxy (GOPROXY=$(go env GOPROXY))"
gocmd=$goroot/bin/go
[[ "$("$gocmd" env GOVERSION 2>/dev/null)" == "$TOOLCHAIN" ]] || die "$gocmd is not $TOOLCHAIN"
go127() { GOTOOLCHAIN=local GOWORK=off "$gocmd" "$@"; }
# A pure Go binary, whether or not this machine has a C compiler (Go turns cgo
# off by itself when it finds none), so every machine builds the same thing.
export CGO_ENABLED=0
ldflags="-X github.com/stacklok/toolhive/pkg/versions.Version=$version"

# Moves a freshly built binary into place and shows what went into it.
finish() {
	local built=$1 how=$2
	go127 version -m "$built" | grep -q "^[[:space:]]*path[[:space:]]*$PKG\$" ||
		die "$built is not a build of $PKG"
	# Rename within OUT's directory, so nobody ever runs a half-copied file.
	mv -f "$built" "$partial"
	mv -f "$partial" "$out"
	say "built $out ($how) in ${SECONDS}s"
	local repl
	repl=$(go127 version -m "$out" | grep '=>' || true)
	if [[ -n "$repl" ]]; then
		say "replaced modules linked into the binary (go version -m):"
		sed 's/^[[:space:]]*/vmcp-build:   /' <<<"$repl" >&2
	fi
}

# Lists MODULE@VERSION for every zip the proxy refused in a go command's log.
refused_in() {
	grep -oE '[^ ]+@v[^ :]+: reading [^ ]+\.zip: (403|404|410) ' "$1" | cut -d: -f1 | sort -u || true
}

# Downloads MODULE@VERSION into the module cache and sets fetched_dir to it.
# Returns 1 when the proxy refuses it (403/404/410). Any other error (network,
# disk) stops the script: calling that "refused" would replace modules for no
# reason. Called in the main shell (never inside $(...)) so that die exits.
fetched_dir=""
fetch() {
	local json err
	fetched_dir=""
	json=$(cd "$work" && go127 mod download -json "$1" 2>/dev/null) || true
	if [[ "$json" =~ \"Dir\":\ \"([^\"]+)\" ]]; then
		fetched_dir=${BASH_REMATCH[1]}
		return 0
	fi
	err=$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
	if [[ "$err" =~ (403\ Forbidden|404\ Not\ Found|410\ Gone|not\ available) ]]; then
		return 1
	fi
	die "cannot tell whether the module proxy serves $1: ${err:-go mod download printed nothing}"
}

# Copies a (read-only) module cache directory to a writable tree.
copy_tree() { rm -rf "$2"; cp -R "$1" "$2"; chmod -R u+w "$2"; }

# Checked first so that a mistyped version gets a clear message.
fetch "$ROOT_MODULE@$version" ||
	die "the module proxy does not serve $ROOT_MODULE@$version; is $version a ToolHive release?"
release_src=$fetched_dir

# ---- step 1: the plain install -------------------------------------------
say "step 1: go install $PKG@$version (with $TOOLCHAIN)"
mkdir -p "$work/bin"
if (cd "$work" && GOBIN=$work/bin go127 install -trimpath -ldflags "$ldflags" "$PKG@$version") >"$work/step1.log" 2>&1; then
	finish "$work/bin/vmcp" "step 1, plain go install, no replacements"
	exit 0
fi
refused=$(refused_in "$work/step1.log")
if [[ -z "$refused" ]]; then
	# Not the known proxy problem: a replacement would not help.
	tail -n 20 "$work/step1.log" >&2
	die "step 1 failed for another reason than refused module zips (log above)"
fi
say "step 1 failed: the module proxy refused the source zip of:"
sed 's/^/vmcp-build:   /' <<<"$refused" >&2

# ---- step 2: fallback, the release's source with replacements ------------
say "step 2 (FALLBACK): building $ROOT_MODULE@$version from its module source with replacements"

tree=$work/toolhive
copy_tree "$release_src" "$tree"

# What the release pins for every module in the table (absent ones are skipped).
declare -A pin=()
mapfile -t table_modules < <(awk '!/^#/ && NF == 3 { print $1 }' <<<"$TABLE")
pins=$(cd "$tree" && go127 list -mod=mod -m -e -f '{{.Path}} {{if not .Error}}{{.Version}}{{end}}' "${table_modules[@]}") ||
	die "could not read the module graph of $ROOT_MODULE@$version (go list -m failed; see above)"
while read -r mod ver; do
	if [[ -n "$ver" ]]; then pin[$mod]=$ver; fi
done <<<"$pins"

# Go 1.27's encoding/json/v2 no longer has SkipFunc; errors.ErrUnsupported is
# its replacement with the same meaning for custom unmarshalers.
patch_jwx() {
	local dir=$1 f
	while IFS= read -r f; do
		sed -i 's/\bjsonv2\.SkipFunc\b/errors.ErrUnsupported/g' "$f"
		grep -q '^[[:space:]]*"errors"$' "$f" || sed -i '0,/^import (/s//import (\n\t"errors"/' "$f"
		# gofmt puts the new import in order and fails on broken syntax.
		"$goroot/bin/gofmt" -w "$f" || die "patching $f broke its syntax"
	done < <(grep -rl --include='*.go' 'jsonv2\.SkipFunc' "$dir" || true)
	! grep -rq --include='*.go' 'SkipFunc' "$dir" || die "patching $JWX@$JWX_BASE left a SkipFunc behind"
}

replacements=()
while read -r mod measured repl; do
	[[ -n "${pin[$mod]:-}" ]] || continue
	current=${pin[$mod]}
	if [[ -z "${assume_refused[$mod]:-}" ]] && fetch "$mod@$current"; then
		continue # served: the release's own pin is used
	fi
	[[ "$current" == "$measured" ]] ||
		say "  note: the table was measured for $mod@$measured; this release pins $current"
	case "$repl" in
	stand-in)
		copy_tree "$standin_src" "$work/redisconn"
		rm -f "$work/redisconn"/*_test.go
		# Require the release's go-redis, so the stand-in never raises it.
		redis_pin=$(cd "$tree" && go127 list -mod=mod -m -e -f '{{if not .Error}}{{.Version}}{{end}}' github.com/redis/go-redis/v9)
		if [[ -n "$redis_pin" ]]; then
			(cd "$work/redisconn" && go127 mod edit -require="github.com/redis/go-redis/v9@$redis_pin")
		fi
		replacements+=("$mod=../redisconn")
		say "  $mod@$current refused -> stand-in from hack/vmcp/redisconn (written in this repository)"
		;;
	patched-v4.2.0)
		fetch "$JWX@$JWX_BASE" || die "$JWX@$JWX_BASE is not served either; update the table in $0"
		copy_tree "$fetched_dir" "$work/jwx"
		patch_jwx "$work/jwx"
		replacements+=("$mod=../jwx")
		say "  $mod@$current refused -> $JWX_BASE patched for Go 1.27 (SkipFunc -> errors.ErrUnsupported)"
		;;
	*)
		fetch "$mod@$repl" || die "$mod@$repl, the replacement for $mod@$current, is not served either; update the table in $0"
		replacements+=("$mod=$mod@$repl")
		say "  $mod@$current refused -> $repl"
		;;
	esac
done < <(awk '!/^#/ && NF == 3' <<<"$TABLE")

if [[ ${#replacements[@]} -gt 0 ]]; then
	(cd "$tree" && go127 mod edit "${replacements[@]/#/-replace=}")
else
	say "  no pin in the table is refused; building the release source unchanged"
fi

say "step 2: compiling ./cmd/vmcp in $tree"
# -mod=mod lets go record checksums of the replacement versions (verified
# against the checksum database as usual) in the copy's go.sum. -trimpath keeps
# the random scratch path out of the build cache keys, so a second run reuses
# the compiled packages instead of rebuilding all of ToolHive.
if ! (cd "$tree" && go127 build -mod=mod -trimpath -buildvcs=false -ldflags "$ldflags" -o "$work/vmcp" ./cmd/vmcp) >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	new=$(refused_in "$work/build.log")
	if [[ -n "$new" ]]; then
		say "the module proxy refuses modules the table has no row for:"
		sed 's/^/vmcp-build:   /' <<<"$new" >&2
		die "add a row (module, pin, nearest served version) to the table in $0"
	fi
	die "step 2 build failed (log above)"
fi
finish "$work/vmcp" "step 2, fallback: release source + ${#replacements[@]} replacement(s)"
