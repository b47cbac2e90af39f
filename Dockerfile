# syntax=docker/dockerfile:1
# vmcp-render: the static binary on an empty base, built outside the image
# (as release tooling such as GoReleaser does), so building the image pulls
# nothing: `make image` builds bin/linux_<arch>/vmcp-render for this machine
# with hack/image.sh and the image with docker or podman.
#
# Multi-arch release: build both binaries, then one manifest list:
#   hack/image.sh --binary amd64 && hack/image.sh --binary arm64
#   docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/vmcp-render/vmcp-render:v0.1.0 .
# (TARGETARCH picks each platform's binary.) fn/dockerfile_test.go checks the
# shape and the binary hack/image.sh builds.
FROM scratch
ARG TARGETARCH
COPY bin/linux_${TARGETARCH}/vmcp-render /usr/local/bin/vmcp-render
# kustomize runs container functions as nobody, kpt as the image's user: both
# have an entry; the image runs as the non-root vmcp-render (65532). No libc,
# no shell; the function needs no writable file system and no network.
COPY hack/image/passwd /etc/passwd
COPY hack/image/group /etc/group
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/vmcp-render"]
