// Package redisconn is a stand-in, written in the vmcp-render repository, for
// github.com/stacklok/toolhive-core/redisconn v0.0.58.
//
// ToolHive v0.62.0 and v0.63.0 require that module, but the Go module proxy
// serves no version of it, so hack/vmcp-build.sh points a replace directive at
// this directory when it builds vMCP from the release's source. It is not
// Stacklok's code: it provides only the API ToolHive calls (Config,
// SentinelConfig, TLSConfig, BuildTLSConfig and NewClient) with the behaviour
// ToolHive relies on: one of Addr or SentinelConfig, optional cluster mode,
// separate TLS for Sentinel discovery, default timeouts, and a PING before the
// client is handed out.
//
// Only Redis-backed storage (vMCP sessions, the embedded auth server, rate
// limiting) reaches this code; vMCP with memory storage never calls it.
package redisconn
