#!/usr/bin/env bash
# hack/image.sh IMAGE [VERSION]: build the static binary for this machine's
# architecture and the image from the Dockerfile, with docker when a daemon
# answers, else with podman (hack/podman.sh), pulling nothing.
# hack/image.sh --binary ARCH [VERSION]: only build bin/linux_ARCH/vmcp-render
# (multi-arch releases build each, then `docker buildx build --platform ...`).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
GO=${GO:-go}

# binary builds the static binary the image holds (OUT_DIR, default bin:
# OUT_DIR/linux_ARCH/vmcp-render).
binary() {
	local arch=$1 version=$2
	CGO_ENABLED=0 GOOS=linux GOARCH="$arch" "$GO" build -trimpath \
		-ldflags "-s -w -X main.version=$version" -o "${OUT_DIR:-bin}/linux_$arch/vmcp-render" ./fn
}

default_version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
if [ "${1:-}" = --binary ]; then
	[ $# -ge 2 ] || { echo "usage: $0 --binary ARCH [VERSION]" >&2; exit 2; }
	binary "$2" "${3:-$default_version}"
	exit 0
fi
[ $# -ge 1 ] || { echo "usage: $0 IMAGE [VERSION] | --binary ARCH [VERSION]" >&2; exit 2; }
image=$1
version=${2:-$default_version}
arch=$("$GO" env GOARCH)
binary "$arch" "$version"
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	docker build --build-arg "TARGETARCH=$arch" -t "$image" .
else
	"$root/hack/podman.sh" podman build --pull=never --build-arg "TARGETARCH=$arch" -t "$image" .
fi
echo "image: built $image ($arch, version $version)"
