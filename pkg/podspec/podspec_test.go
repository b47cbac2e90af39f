package podspec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// server indexes the documents (a VirtualMCPServer first) as the pipeline
// does and resolves the server.
func server(t *testing.T, docs ...string) *resolve.Server {
	t.Helper()
	ix := resolve.NewIndex()
	var v *toolhive.VirtualMCPServer
	for _, d := range docs {
		var m map[string]any
		require.NoError(t, sigsyaml.Unmarshal([]byte(d), &m))
		kind, _ := m["kind"].(string)
		o, fs, err := toolhive.Decode(kind, m, "v0.63.0")
		require.NoError(t, err)
		for _, f := range fs {
			require.NotEqual(t, results.Error, f.Severity, "%s: %s", f.Field, f.Message)
		}
		o.SetNamespace("ns")
		if vs, ok := o.(*toolhive.VirtualMCPServer); ok {
			v = vs
			continue
		}
		ix.Add(kind, &resolve.Entry{Obj: o})
	}
	require.NotNil(t, v)
	return ix.Server(v, results.Ref{}, "ns")
}

const group = "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPGroup\nmetadata: {name: team}\n"

// TestFieldsRecorded: each env var and volume the operator builds names the
// spec field it comes from, so a finding about it points where the user
// fixes it; the ones every server gets name the spec itself.
func TestFieldsRecorded(t *testing.T) {
	rs := server(t,
		`apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata: {name: v}
spec:
  groupRef: {name: team}
  incomingAuth: {type: anonymous}
  telemetryConfigRef: {name: otel}
  sessionStorage: {provider: redis, address: "redis:6379", passwordRef: {name: redis, key: pw}, tls: {caCertSecretRef: {name: redis-ca, key: ca.crt}}}
`, group,
		`apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPTelemetryConfig
metadata: {name: otel}
spec:
  openTelemetry:
    endpoint: otel:4317
    sensitiveHeaders: [{name: authorization, secretKeyRef: {name: otel-auth, key: token}}]
    caBundleRef: {configMapRef: {name: otel-ca, key: ca.crt}}
`,
		`apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServerEntry
metadata: {name: remote}
spec:
  groupRef: {name: team}
  remoteUrl: https://remote.example.com/mcp
  transport: streamable-http
  headerForward: {addHeadersFromSecret: [{headerName: X-Key, valueSecretRef: {name: remote-key, key: key}}]}
  caBundleRef: {configMapRef: {name: remote-ca}}
`)
	p, err := Build(rs, fnconfig.Defaults())
	require.NoError(t, err)

	env := map[string]string{
		"VMCP_NAME":                "spec",
		"VMCP_SESSION_HMAC_SECRET": "spec",
		"TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_REMOTE": "spec.groupRef.name",
		"THV_SESSION_REDIS_PASSWORD":                  "spec.sessionStorage.passwordRef",
		"TOOLHIVE_OTEL_HEADER_AUTHORIZATION":          "spec.telemetryConfigRef.name",
	}
	for name, want := range env {
		require.True(t, hasEnv(p, name), "the pod has env %s", name)
		assert.Equal(t, want, p.EnvField(name), "env %s", name)
	}
	volumes := map[string]string{
		"ca-bundle-remote":       "spec.groupRef.name",
		"otel-ca-bundle-otel-ca": "spec.telemetryConfigRef.name",
		"session-redis-tls-ca":   "spec.sessionStorage.tls.caCertSecretRef",
	}
	for name, want := range volumes {
		assert.Equal(t, want, p.VolumeField(name), "volume %s", name)
	}
	assert.Equal(t, "spec", p.EnvField("NOT_BUILT"), "a name the pod does not have falls back to the spec")
}

// TestFirstSourceWins: of two env vars of one name the pod keeps the first,
// and so does the record of where it came from.
func TestFirstSourceWins(t *testing.T) {
	var p Pod
	p.addEnv("spec.a", literal("X", "1"))
	p.addEnv("spec.b", literal("X", "2"))
	assert.Len(t, p.Env, 2, "both are kept, as the operator writes them")
	assert.Equal(t, "spec.a", p.EnvField("X"))
}

func hasEnv(p *Pod, name string) bool {
	for _, e := range p.Env {
		if e.Name == name {
			return true
		}
	}
	return false
}
