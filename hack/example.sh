#!/usr/bin/env bash
# hack/example.sh [--check] KUSTOMIZE: render examples/kustomization with the
# real kustomize (exec function bin/vmcp-render).
#
# Without --check (make example) it prints the rendered objects on stdout and
# the function's results on stderr. With --check (make test) it compares the
# output with examples/kustomization/expected/output.yaml: on a difference it
# prints a unified diff and fails; UPDATE=1 rewrites the expected file
# instead (review the change before committing it).
set -euo pipefail

usage() { echo "usage: [UPDATE=1] $0 [--check] KUSTOMIZE" >&2; exit 2; }
check=false
if [ "${1:-}" = --check ]; then
	check=true
	shift
fi
[ $# -eq 1 ] || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kustomize=$1
want_version=v5.8.2
example=examples/kustomization
expected=$example/expected/output.yaml

fail() { echo "example: FAIL: $*" >&2; exit 1; }

[ -x "$kustomize" ] || fail "kustomize not found at $kustomize (make kustomize)"
# The expected output is what this kustomize version prints; another version
# may order or format it differently.
version=$("$kustomize" version 2>/dev/null || true)
[[ $version == *"$want_version"* ]] || fail "kustomize at $kustomize is '$version', want $want_version (make kustomize)"

cd "$root"
[ -x bin/vmcp-render ] || fail "bin/vmcp-render not built (make build)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmcp-render-example.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! "$kustomize" build --enable-alpha-plugins --enable-exec "$example" >"$tmp/output.yaml" 2>"$tmp/stderr"; then
	cat "$tmp/stderr" >&2
	fail "kustomize build $example failed"
fi
# The function's results (the example keeps its Secrets out of Git, so it
# warns about them); kustomize shows them on stderr.
sed 's/^/  /' "$tmp/stderr" >&2

if ! $check; then
	cat "$tmp/output.yaml"
	echo "example: $example renders $(grep -c '^kind:' "$tmp/output.yaml") objects (above; results on stderr)" >&2
	exit 0
fi

# Orchestrator annotations must not reach users; kustomize strips the
# function's internal ones, so any left here is a bug to fix, not to accept.
if grep -nE '(internal\.)?config\.kubernetes\.io/(index|path|id|seqindent|annotations-migration-resource-id)' "$tmp/output.yaml" >&2; then
	fail "orchestrator annotations in the output (see above)"
fi

if [ "${UPDATE:-}" = 1 ]; then
	mkdir -p "$(dirname "$expected")"
	cp "$tmp/output.yaml" "$expected"
	echo "example: updated $expected"
	exit 0
fi

[ -f "$expected" ] || fail "$expected is missing (run UPDATE=1 $0 $kustomize)"
if ! diff -u --label "$expected" --label "kustomize build $example" "$expected" "$tmp/output.yaml"; then
	fail "the rendered example differs from $expected (if the change is intended: UPDATE=1 $0 $kustomize)"
fi
echo "example: PASS ($example renders $(grep -c '^kind:' "$tmp/output.yaml") objects, equal to $expected)"
