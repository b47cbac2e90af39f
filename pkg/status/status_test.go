package status

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMCPServerURL covers every transport × proxy mode × port the
// MCPServer CRD allows, and what it refuses.
func TestMCPServerURL(t *testing.T) {
	const svc = "http://mcp-papers-proxy.research.svc.cluster.local"
	cases := []struct {
		reason, transport, proxyMode string
		port                         int32
		want, err                    string
	}{
		{"stdio behind the default streamable-http proxy", "stdio", "streamable-http", 8080, svc + ":8080/mcp", ""},
		{"stdio with proxyMode unset is served as streamable-http", "stdio", "", 8080, svc + ":8080/mcp", ""},
		{"stdio behind an SSE proxy: /sse with the server's name as fragment", "stdio", "sse", 9000, svc + ":9000/sse#papers", ""},
		{"SSE ignores proxyMode", "sse", "streamable-http", 8080, svc + ":8080/sse#papers", ""},
		{"SSE with proxyMode sse", "sse", "sse", 8081, svc + ":8081/sse#papers", ""},
		{"streamable-http ignores proxyMode", "streamable-http", "sse", 8080, svc + ":8080/mcp", ""},
		{"streamable-http on another port", "streamable-http", "streamable-http", 65535, svc + ":65535/mcp", ""},
		{"port 0 (unset) is the controller's 8080", "streamable-http", "", 0, svc + ":8080/mcp", ""},
		{"port 1 is the lowest", "sse", "", 1, svc + ":1/sse#papers", ""},
		{"a port above 65535 cannot be served", "streamable-http", "", 70000, "", "outside 1-65535"},
		{"a negative port cannot be served", "stdio", "sse", -1, "", "outside 1-65535"},
		{"an unknown transport", "websocket", "", 8080, "", `transport "websocket" is not one the controller serves`},
		{"an unknown proxy mode for stdio", "stdio", "grpc", 8080, "", `proxyMode "grpc" is not one the controller serves`},
	}
	for _, tc := range cases {
		got, err := MCPServerURL("papers", "research", tc.transport, tc.proxyMode, tc.port)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.reason)
			assert.Empty(t, got, tc.reason)
			continue
		}
		assert.NoError(t, err, tc.reason)
		assert.Equal(t, tc.want, got, tc.reason)
	}
}

// TestSSEFragmentEscaped: the fragment is the path-escaped name.
func TestSSEFragmentEscaped(t *testing.T) {
	got, err := MCPServerURL("a b", "ns", "sse", "", 8080)
	assert.NoError(t, err)
	assert.Equal(t, "http://mcp-a b-proxy.ns.svc.cluster.local:8080/sse#a%20b", got)
}

func TestRemoteProxyURL(t *testing.T) {
	cases := []struct {
		reason string
		port   int32
		want   string
		err    bool
	}{
		{"the default port; no path for either transport", 0, "http://mcp-slack-remote-proxy.tools.svc.cluster.local:8080", false},
		{"an explicit port", 9090, "http://mcp-slack-remote-proxy.tools.svc.cluster.local:9090", false},
		{"a port the API server refuses", 0x10000, "", true},
	}
	for _, tc := range cases {
		got, err := RemoteProxyURL("slack", "tools", tc.port)
		assert.Equal(t, tc.err, err != nil, tc.reason)
		assert.Equal(t, tc.want, got, tc.reason)
	}
}

func TestEmbeddingServerURL(t *testing.T) {
	cases := []struct {
		reason string
		port   int32
		want   string
		err    bool
	}{
		{"spec.port unset: 8080; the Service is named after the object", 0, "http://tei.toolhive.svc.cluster.local:8080", false},
		{"spec.port set", 8443, "http://tei.toolhive.svc.cluster.local:8443", false},
		{"a port out of range", -5, "", true},
	}
	for _, tc := range cases {
		got, err := EmbeddingServerURL("tei", "toolhive", tc.port)
		assert.Equal(t, tc.err, err != nil, tc.reason)
		assert.Equal(t, tc.want, got, tc.reason)
	}
}
