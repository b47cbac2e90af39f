# vmcp-render: every target installs what it needs (modules, kustomize, vMCP).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

GO          ?= go
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X main.version=$(VERSION)
BIN         := bin/vmcp-render
GOBIN       := $(shell $(GO) env GOPATH)/bin
KUSTOMIZE_VERSION := v5.8.2
KUSTOMIZE   := $(GOBIN)/kustomize
# The tag the container examples (kustomize, kpt) name.
IMAGE       ?= ghcr.io/vmcp-render/vmcp-render:v0.1.0

.PHONY: all build test unit e2e argocd-real example example-check container-check lint bench bench-smoke image clean fuzz testdata

all: build

build: $(BIN)

$(BIN): $(shell find fn pkg -name '*.go' -not -name '*_test.go') go.mod go.sum
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./fn

# kustomize CLI, pinned; installed only when missing or at another version.
$(KUSTOMIZE):
	$(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# kpt, built from the Go module proxy by hack/kpt-build.sh (kpt's own go
# install is refused by the proxy); rebuilt only when missing or at another
# version.
KPT_VERSION := v1.0.0-beta.61
KPT         := $(GOBIN)/kpt

.PHONY: kpt
kpt:
	@hack/kpt-build.sh "$(KPT)" "$(KPT_VERSION)"

.PHONY: kustomize
kustomize:
	@if ! [ -x "$(KUSTOMIZE)" ] || ! "$(KUSTOMIZE)" version 2>/dev/null | grep -q "$(KUSTOMIZE_VERSION)"; then \
		$(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION); fi

## example: render examples/kustomization with the real kustomize (exec function) and print it.
example: build kustomize
	hack/example.sh "$(KUSTOMIZE)"

## example-check: the same, compared with examples/kustomization/expected/output.yaml.
example-check: build kustomize
	hack/example.sh --check "$(KUSTOMIZE)"

## test: everything CI runs: unit and golden tests, examples, e2e against the real vMCP, the real Argo CD, a fuzz and a benchmark smoke run.
test: unit example-check container-check e2e argocd-real fuzz-smoke bench-smoke

unit: build kustomize kpt
	KUSTOMIZE="$(KUSTOMIZE)" KPT="$(KPT)" $(GO) test -count=1 ./...
	# The vMCP build's redisconn stand-in is a module of its own.
	cd hack/vmcp/redisconn && $(GO) test -count=1 ./...

## e2e: boot the real vMCP of the default operator release (v0.63.0) on the rendered example (builds and caches vMCP).
e2e: build kustomize
	hack/e2e.sh "$(KUSTOMIZE)"

## argocd-real: examples/argocd through the real Argo CD (its cmp server and the repo server's manifest generation), as root; about 5 minutes with empty caches.
argocd-real: build kustomize
	VMCP_RENDER="$(CURDIR)/$(BIN)" KUSTOMIZE="$(KUSTOMIZE)" hack/argocd-real.sh

fuzz-smoke:
	hack/fuzz.sh 10s

fuzz:
	hack/fuzz.sh 10m

## testdata: copy the reference data (golden cases, CRDs, the spec's worked scenarios) from ../shared into testdata/.
testdata:
	$(GO) run ./hack/syncdata -shared ../shared -testdata testdata

## bench: whole-process benchmark against a no-op kyaml function, 1/100/1000 servers.
bench:
	hack/bench.sh 1 100 1000

bench-smoke:
	hack/bench.sh 100

lint:
	@test -z "$$(gofmt -l fn pkg test bench hack internal 2>/dev/null)" || { gofmt -l fn pkg test bench hack internal; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags e2e ./test/e2e/
	$(GO) vet -tags container ./test/container/
	cd hack/vmcp/redisconn && $(GO) vet ./...

## image: the static binary and the container image, with docker or podman (installed when missing), no pull.
image:
	hack/image.sh "$(IMAGE)" "$(VERSION)"

## container-check: the image through kustomize (container function) and kpt fn render, with podman.
container-check: image kustomize kpt
	KUSTOMIZE="$(KUSTOMIZE)" KPT="$(KPT)" IMAGE="$(IMAGE)" hack/podman.sh $(GO) test -tags container -count=1 ./test/container/

clean:
	rm -rf bin
