#!/usr/bin/env bash
# Runs every Go fuzz target of the module (func FuzzXxx in a _test.go file
# under fn/ and pkg/) for DURATION each, one after the other (go test can
# fuzz only one target per run).
#
#   hack/fuzz.sh 10s     # make fuzz-smoke (CI)
#   hack/fuzz.sh 10m     # make fuzz
#
# A failing input is written to <package>/testdata/fuzz/<Target>/ and the
# script exits non-zero; commit the file so it runs as a seed from then on.
# Environment: GO (default go), FUZZ_MINIMIZE (time spent shrinking each new
# input, default 10s, so long runs spend their time exploring).
set -euo pipefail

if [ "$#" -ne 1 ]; then
	echo "usage: hack/fuzz.sh DURATION (e.g. 10s, 10m)" >&2
	exit 2
fi
duration="$1"
GO="${GO:-go}"
minimize="${FUZZ_MINIMIZE:-10s}"

cd "$(dirname "$0")/.."

# "<package dir> <target>" for every fuzz target, in a stable order.
targets=$(grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(' fn pkg |
	sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)\($#\1 \2#' | sort -u)
if [ -z "$targets" ]; then
	echo "hack/fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

# fuzz_once runs one target; 0 passed, 1 failed (a failing input was found,
# or go test failed otherwise), 2 the run ended on Go's own -fuzztime race:
# "context deadline exceeded" at the deadline with no failing input written
# (golang/go#75804, fixed in Go 1.27; this module builds with 1.26).
fuzz_once() {
	local dir=$1 target=$2 log
	log=$(mktemp)
	if "$GO" test "./${dir}" -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" -fuzzminimizetime "$minimize" 2>&1 | tee "$log"; then
		rm -f "$log"
		return 0
	fi
	if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
		rm -f "$log"
		return 2
	fi
	rm -f "$log"
	return 1
}

failed=0
while read -r dir target; do
	echo "== ${target} (./${dir}) for ${duration}"
	rc=0
	fuzz_once "$dir" "$target" || rc=$?
	if [ "$rc" -eq 2 ]; then
		echo "hack/fuzz.sh: ${target} stopped on Go's fuzztime deadline race (no failing input); running it again" >&2
		rc=0
		fuzz_once "$dir" "$target" || rc=$?
		if [ "$rc" -eq 2 ]; then
			echo "hack/fuzz.sh: ${target} hit the deadline race twice, with no failing input either time: counted as passed" >&2
			rc=0
		fi
	fi
	if [ "$rc" -ne 0 ]; then
		echo "hack/fuzz.sh: ${target} failed; the failing input is under ${dir}/testdata/fuzz/${target}/" >&2
		failed=1
	fi
done <<<"$targets"
exit "$failed"
