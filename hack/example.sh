#!/usr/bin/env bash
set -euo pipefail
echo "hack/example.sh: not written yet" >&2
exit 1
