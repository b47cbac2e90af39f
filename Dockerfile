# syntax=docker/dockerfile:1
# vmcp-render: a static binary on a distroless base. Multi-arch:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 \
#     -t ghcr.io/vmcp-render/vmcp-render:v0.1.0 .
# The Go toolchain runs on the build platform and cross-compiles for the target
# (TARGETOS/TARGETARCH), so no emulation is needed.
# fn/dockerfile_test.go runs the go build line below and checks the binary.

ARG GO_VERSION=1.26

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY fn ./fn
COPY pkg ./pkg
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vmcp-render ./fn

# Static: no libc, no shell, no package manager. The nonroot variant runs as
# 65532; the function needs no writable file system and no network, so it also
# runs as any other user (kustomize runs containers as nobody, with no network).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vmcp-render /usr/local/bin/vmcp-render
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/vmcp-render"]
