// A stand-in for a ToolHive dependency that the Go module proxy does not
// serve; hack/vmcp-build.sh uses it through a replace directive.
module github.com/stacklok/toolhive-core/redisconn

go 1.26.0

require github.com/redis/go-redis/v9 v9.23.0

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
