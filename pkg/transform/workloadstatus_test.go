package transform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// TestDerivedWorkloadStatus: in Git a workload has no status; with
// workloadStatus: derive (the default) a static backend is listed at the URL
// its controller writes, and an info says so; a status in the input wins;
// workloadStatus: input reproduces what only statuses in the input give.
func TestDerivedWorkloadStatus(t *testing.T) {
	server := func(name, spec string) string {
		return doc("MCPServer", name, "groupRef: {name: team}\nimage: ghcr.io/example/"+name+":1\n"+spec)
	}
	proxy := func(name, spec string) string {
		return doc("MCPRemoteProxy", name, "groupRef: {name: team}\nremoteUrl: https://"+name+".example.com/mcp\n"+spec)
	}
	const host = ".toolhive.svc.cluster.local"
	cases := []struct {
		name, reason, doc, mode string
		// url and transport of the one backend; "" when none is listed.
		url, transport string
		// derived: an info names the URL; rule: another result expected.
		derived bool
		rule    string
	}{
		{"server-streamable", "streamable-http on the default proxy port",
			server("papers", "transport: streamable-http"), "", "http://mcp-papers-proxy" + host + ":8080/mcp", "streamable-http", true, ""},
		{"server-stdio-default-proxy", "stdio behind the CRD's default streamable-http proxy",
			server("papers", "transport: stdio"), "", "http://mcp-papers-proxy" + host + ":8080/mcp", "streamable-http", true, ""},
		{"server-stdio-sse-port", "stdio behind an SSE proxy on port 9000 (golden pub-21's wiki)",
			server("wiki", "transport: stdio\nproxyMode: sse\nproxyPort: 9000"), "", "http://mcp-wiki-proxy" + host + ":9000/sse#wiki", "sse", true, ""},
		{"server-sse", "sse ignores proxyMode",
			server("feeds", "transport: sse\nproxyMode: streamable-http"), "", "http://mcp-feeds-proxy" + host + ":8080/sse#feeds", "streamable-http", true, ""},
		{"proxy-sse", "a remote proxy: no path, its transport listed",
			proxy("slack", "transport: sse"), "", "http://mcp-slack-remote-proxy" + host + ":8080", "sse", true, ""},
		{"proxy-streamable-port", "a remote proxy on port 9443",
			proxy("slack", "transport: streamable-http\nproxyPort: 9443"), "", "http://mcp-slack-remote-proxy" + host + ":9443", "streamable-http", true, ""},
		{"status-in-input-wins", "a status in the input (a cluster dump) is used as it is",
			server("papers", "transport: streamable-http") + "status: {phase: Ready, url: 'http://papers.elsewhere:1234/mcp'}\n", "", "http://papers.elsewhere:1234/mcp", "streamable-http", false, ""},
		{"input-mode", "workloadStatus: input: no status, no backend (today's static-mode-no-backends)",
			server("papers", "transport: streamable-http"), fnconfig.WorkloadStatusInput, "", "", false, "static-mode-no-backends"},
		{"underivable-transport", "a transport the controller cannot serve: a warning, nothing derived",
			server("papers", "transport: websocket"), "", "", "", false, "workload-status-underivable"},
		{"no-namespace", "a workload without namespace is derived for namespace default, with a warning (it is not in the server's namespace then)",
			strings.Replace(server("papers", "transport: streamable-http"), "  namespace: toolhive\n", "", 1), "", "", "", false, "namespace-missing"},
		{"underivable-port", "a port outside 1-65535",
			proxy("slack", "transport: sse\nproxyPort: 70000"), "", "", "", false, "workload-status-underivable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.alone = true
			f.set("spec.outgoingAuth", "{source: inline}")
			f.add(tc.doc)
			spec := fnconfig.Defaults()
			if tc.mode != "" {
				spec.WorkloadStatus = tc.mode
			}
			out, rs := render(t, f.list(), spec)
			backends, _ := configBackends(t, out)
			if tc.url == "" {
				assert.Empty(t, backends, tc.reason)
			} else if assert.Len(t, backends, 1, "%s\n%s", tc.reason, dump(rs)) {
				assert.Equal(t, tc.url, backends[0]["url"], tc.reason)
				assert.Equal(t, tc.transport, backends[0]["transport"], tc.reason)
			}
			info := false
			for _, r := range rs {
				if r.Tags["rule"] == "workload-status-derived" {
					info = true
					assert.Equal(t, results.Info, r.Severity)
					assert.Contains(t, r.Message, tc.url, tc.reason)
				}
			}
			assert.Equal(t, tc.derived, info, "%s: the derived info\n%s", tc.reason, dump(rs))
			if tc.rule != "" {
				found := false
				for _, r := range rs {
					found = found || r.Tags["rule"] == tc.rule
				}
				assert.True(t, found, "%s: want a %s result\n%s", tc.reason, tc.rule, dump(rs))
			}
		})
	}
}

// TestEmbeddingServerUnusable: an EmbeddingServer that is malformed or there
// twice is never used, derived status or not.
func TestEmbeddingServerUnusable(t *testing.T) {
	cases := []struct{ name, reason, extra string }{
		{"twice", "two copies: which one is meant is ambiguous", doc("EmbeddingServer", "tei", "model: BAAI/bge-small-en-v1.5")},
		{"malformed", "a malformed one (labels a list): the API server refuses it", "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: EmbeddingServer\nmetadata: {name: tei, namespace: toolhive, labels: [x]}\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.alone = true
			if tc.name == "twice" {
				f.add(doc("EmbeddingServer", "tei", "model: BAAI/bge-small-en-v1.5"))
				f.add(tc.extra)
			} else {
				f.addRaw(tc.extra)
			}
			f.set("spec.embeddingServerRef", `{name: tei}`)
			out, rs := render(t, f.list(), fnconfig.Defaults())
			assert.True(t, hasResult(rs, errOn("spec.embeddingServerRef.name", "embedding-server-invalid", "is in the input but cannot be used")), "%s\n%s", tc.reason, dump(rs))
			assert.False(t, renderedServer(out, "vmcp"), tc.reason)
		})
	}
}

// TestDerivedEmbeddingServer: an EmbeddingServer without status is taken as
// ready at the URL its controller writes (spec.port, default 8080), which
// becomes the optimizer's embedding service.
func TestDerivedEmbeddingServer(t *testing.T) {
	cases := []struct{ name, reason, spec, url string }{
		{"default-port", "spec.port unset: the CRD default 8080", "model: BAAI/bge-small-en-v1.5", "http://tei.toolhive.svc.cluster.local:8080"},
		{"port", "spec.port set", "model: BAAI/bge-small-en-v1.5\nport: 8443", "http://tei.toolhive.svc.cluster.local:8443"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.alone = true
			f.add(doc("EmbeddingServer", "tei", tc.spec))
			f.set("spec.embeddingServerRef", `{name: tei}`)
			out, rs := render(t, f.list(), fnconfig.Defaults())
			require.False(t, results.HasErrors(rs), "%s\n%s", tc.reason, dump(rs))
			assert.True(t, hasResult(rs, want{sev: results.Info, kind: "VirtualMCPServer", name: "vmcp", field: "spec.embeddingServerRef.name", rule: "workload-status-derived", msg: tc.url}), "%s\n%s", tc.reason, dump(rs))
			found := false
			for _, n := range out {
				if kindName(n) == "ConfigMap/vmcp-vmcp-config" {
					found = strings.Contains(n.GetDataMap()["config.yaml"], "embeddingService: "+tc.url)
				}
			}
			assert.True(t, found, "%s: the optimizer uses the derived URL", tc.reason)
		})
	}
}
