package transform

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// partnerIssuer is a trusted issuer other than the auth server itself.
const partnerIssuer = `[{name: partner, issuerUrl: "https://partner.example.com"}]`

// parityCases are the differences randomized differential testing found
// (golden pub-22): a JWT-bearer subject binding may only allow resources
// that are the auth server's allowed audiences (here the incoming OIDC
// resourceUrl, https://mcp.example.com/mcp), in both the canonical and the
// legacy form, checked after every issuer's own checks.
func parityCases() []badCase {
	const msg = `jwt_bearer_grant subject "svc" resource "https://mcp.example.com/x" is not in allowed_audiences`
	return []badCase{
		{
			name: "jwt-bearer-resource-canonical", reason: "inboundGrants.jwtBearer: the error is on the resource, as the operator's builder reports it",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.trustedIssuers", partnerIssuer)
				f.set("spec.authServerConfig.inboundGrants", `{jwtBearer: {issuerPolicies: [{issuerRef: partner, maxAssertionAge: 10m, subjectBindings: [{subject: svc, allowedResources: ["https://mcp.example.com/x"]}]}]}}`)
			},
			want: []want{errOn("spec.authServerConfig.inboundGrants.jwtBearer.issuerPolicies[0].subjectBindings[0].allowedResources[0]", "auth-server-config-invalid", msg)},
		},
		{
			name: "jwt-bearer-resource-legacy", reason: "the legacy trustedIssuers[].jwtBearerGrant form gives the same error at its own field",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.trustedIssuers", `[{issuerUrl: "https://partner.example.com", jwtBearerGrant: {maxAssertionAge: 10m, subjectBindings: [{subject: svc, allowedResources: ["https://mcp.example.com/x"]}]}}]`)
			},
			want: []want{
				errOn("spec.authServerConfig.trustedIssuers[0].jwtBearerGrant.subjectBindings[0].allowedResources[0]", "auth-server-config-invalid", msg),
				warnOn("spec.authServerConfig", "legacy-inbound-grant-fields", "spec.authServerConfig.trustedIssuers[0].jwtBearerGrant -> spec.authServerConfig.inboundGrants.jwtBearer.issuerPolicies"),
			},
		},
		{
			name: "jwt-bearer-resource-second", reason: "the first allowed resource is the audience, the second is not: the error names the second",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.trustedIssuers", partnerIssuer)
				f.set("spec.authServerConfig.inboundGrants", `{jwtBearer: {issuerPolicies: [{issuerRef: partner, maxAssertionAge: 10m, subjectBindings: [{subject: svc, allowedResources: ["https://mcp.example.com/mcp", "https://mcp.example.com/x"]}]}]}}`)
			},
			want: []want{errOn("spec.authServerConfig.inboundGrants.jwtBearer.issuerPolicies[0].subjectBindings[0].allowedResources[1]", "auth-server-config-invalid", msg)},
		},
		{
			name: "jwt-bearer-resource-is-audience", reason: "a resource that is the allowed audience renders",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.trustedIssuers", partnerIssuer)
				f.set("spec.authServerConfig.inboundGrants", `{jwtBearer: {issuerPolicies: [{issuerRef: partner, maxAssertionAge: 10m, subjectBindings: [{subject: svc, allowedResources: ["https://mcp.example.com/mcp"]}]}]}}`)
			},
			rendered: true,
		},
	}
}

// staticBackends returns the backends of the rendered config.yaml of vmcp.
func staticBackends(t *testing.T, f *fixture) []map[string]any {
	t.Helper()
	out, rs := render(t, f.list(), fnconfig.Defaults())
	require.False(t, results.HasErrors(rs), dump(rs))
	backends, ok := configBackends(t, out)
	require.True(t, ok, "no ConfigMap rendered for vmcp")
	return backends
}

// configBackends reads the backends of vmcp's rendered config.yaml; false
// when no ConfigMap was rendered for it.
func configBackends(t *testing.T, out []*kyaml.RNode) ([]map[string]any, bool) {
	t.Helper()
	for _, n := range out {
		if kindName(n) == "ConfigMap/vmcp-vmcp-config" {
			var cfg struct {
				Backends []map[string]any `yaml:"backends"`
			}
			require.NoError(t, yaml.Unmarshal([]byte(n.GetDataMap()["config.yaml"]), &cfg))
			return cfg.Backends, true
		}
	}
	return nil, false
}

// TestNameKeyedStaticBackends: the operator looks static backends'
// transports and entry CA bundles up by name alone, the last of the group's
// list order (MCPServers, MCPRemoteProxies, MCPServerEntries) winning
// (golden pub-23). Each case lists (name, workload_type) → transport and
// caBundlePath.
func TestNameKeyedStaticBackends(t *testing.T) {
	proxy := func(name, transport string) string {
		return doc("MCPRemoteProxy", name, "groupRef: {name: team}\nremoteUrl: https://"+name+".example.com/mcp\ntransport: "+transport) +
			"status: {phase: Ready, url: 'http://mcp-" + name + "-remote-proxy.toolhive.svc.cluster.local:8080/mcp'}\n"
	}
	server := func(name, proxyMode string) string {
		return doc("MCPServer", name, "groupRef: {name: team}\nimage: ghcr.io/example/"+name+":1\ntransport: stdio\nproxyMode: "+proxyMode) +
			"status: {phase: Running, url: 'http://mcp-" + name + "-proxy.toolhive.svc.cluster.local:8080/mcp'}\n"
	}
	entry := func(name, transport, extra string) string {
		return doc("MCPServerEntry", name, "groupRef: {name: team}\nremoteUrl: https://dup.example.com/mcp\ntransport: "+transport+extra)
	}
	type backend struct{ transport, caBundlePath string }
	cases := []struct {
		name, reason string
		docs         []string
		want         map[string]backend // key: workload_type
	}{
		{"proxy-alone", "a proxy alone keeps its own spec.transport",
			[]string{proxy("slack", "sse")},
			map[string]backend{"remote_proxy": {"sse", ""}}},
		{"proxy-and-entry", "the entry comes last in the list: the proxy takes its transport (pub-23)",
			[]string{proxy("slack", "sse"), entry("slack", "streamable-http", "")},
			map[string]backend{"remote_proxy": {"streamable-http", ""}, "server_entry": {"streamable-http", ""}}},
		{"server-and-proxy", "proxies come after servers: the MCPServer takes the proxy's sse",
			[]string{server("slack", "streamable-http"), proxy("slack", "sse")},
			map[string]backend{"mcp_server": {"sse", ""}, "remote_proxy": {"sse", ""}}},
		{"proxy-and-entry-with-ca", "an entry's CA bundle path is looked up by name too: the proxy gets it",
			[]string{proxy("slack", "streamable-http"), entry("slack", "sse", "\ncaBundleRef: {configMapRef: {name: dup-ca, key: ca.pem}}"), configMap("dup-ca", "ca.pem", "x")},
			map[string]backend{"remote_proxy": {"sse", "/etc/toolhive/ca-bundles/slack/ca.pem"}, "server_entry": {"sse", "/etc/toolhive/ca-bundles/slack/ca.pem"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.alone = true
			f.set("spec.outgoingAuth", "{source: inline}")
			for _, d := range tc.docs {
				f.add(d)
			}
			got := map[string]backend{}
			for _, b := range staticBackends(t, f) {
				md, _ := b["metadata"].(map[string]any)
				ca, _ := b["caBundlePath"].(string)
				got[md["workload_type"].(string)] = backend{b["transport"].(string), ca}
			}
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}
