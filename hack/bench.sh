#!/usr/bin/env bash
# Whole-process benchmark: vmcp-render against a no-op kyaml function on the
# same generated ResourceLists, in alternating runs.
#
#   hack/bench.sh 1 100 1000     # make bench
#   hack/bench.sh 100            # make bench-smoke (CI: proves it works)
#
# Prints a table of median wall time and peak RSS per size, the ratios and,
# with 100 and 1000, the 1000/100 time ratio and whether the issue's targets
# are met. It exits non-zero only when a build or a run fails.
# Environment: GO (default go), RUNS (timed runs of each binary, default 7).
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: hack/bench.sh N..." >&2
	exit 2
fi

GO="${GO:-go}"
RUNS="${RUNS:-7}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Both functions are built the way the release binary is.
export CGO_ENABLED=0
"$GO" build -trimpath -ldflags '-s -w' -o "$tmp/vmcp-render" ./fn
"$GO" build -trimpath -ldflags '-s -w' -o "$tmp/noop" ./bench/noop
"$GO" build -o "$tmp/timing" ./bench/timing

"$tmp/timing" -render "$tmp/vmcp-render" -noop "$tmp/noop" -runs "$RUNS" "$@"
