// A local replacement for kpt's nested module github.com/kptdev/kpt/rollouts,
// which the Go module proxy will not serve. hack/kpt-build.sh points kpt's build
// at this directory. It is its own module so that the vmcp-render module's
// `go build ./...` and `go test ./...` never include it.
module github.com/kptdev/kpt/rollouts

go 1.25.0

// The version kpt v1.0.0-beta.61 itself requires: with -mod=readonly a higher
// one here would make the build demand a go.mod update and fail.
require k8s.io/apimachinery v0.34.1

// Deliberately kept to this one line and without a go.sum: when kpt is built,
// kpt's own go.mod and go.sum decide every version and checksum.
