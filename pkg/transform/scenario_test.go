package transform

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
)

// specSection returns the text of the spec's worked scenarios between two
// markers, or from the first to the end when to is empty (testdata/spec:
// excerpts the real reconciler verified).
func specSection(t *testing.T, from, to string) string {
	t.Helper()
	var text string
	for _, f := range []string{"scenarios.md", "scenario-c-deployment.md"} {
		raw, err := os.ReadFile(filepath.Join(testpaths.Data(t), "spec", f))
		require.NoError(t, err, "the spec's worked scenarios must be in testdata/spec")
		text += string(raw)
	}
	i := strings.Index(text, from)
	require.GreaterOrEqual(t, i, 0, from)
	if to == "" {
		return text[i:]
	}
	j := strings.Index(text[i:], to)
	require.Greater(t, j, 0, to)
	return text[i : i+j]
}

// firstYAMLBlock is the first ```yaml block of a spec section.
func firstYAMLBlock(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, "```yaml\n")
	require.GreaterOrEqual(t, i, 0)
	s = s[i+len("```yaml\n"):]
	return s[:strings.Index(s, "```")]
}

func renderFile(t *testing.T, path string) ([]*yaml.RNode, []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	out, rs := Render(items, fnconfig.Defaults())
	var lines []string
	for _, r := range rs {
		lines = append(lines, string(r.Severity)+": "+r.Message)
	}
	return out, lines
}

func find(items []*yaml.RNode, kind, name string) *yaml.RNode {
	for _, n := range items {
		if n.GetKind() == kind && n.GetName() == name {
			return n
		}
	}
	return nil
}

// TestSpecScenarioC renders worked scenario C (testdata/spec), verified
// against the real reconciler: config.yaml byte for byte, its
// checksum, the env order and the session Redis CA volume.
func TestSpecScenarioC(t *testing.T) {
	section := specSection(t, "**C. Static mode, telemetry", "Scenario C's Deployment")
	want := firstYAMLBlock(t, section)
	out, lines := renderFile(t, filepath.Join("testdata", "scenario-c.yaml"))
	for _, l := range lines {
		assert.False(t, strings.HasPrefix(l, "error"), l)
	}
	cm := find(out, "ConfigMap", "agg-vmcp-config")
	require.NotNil(t, cm, "no ConfigMap rendered: %v", lines)
	assert.Equal(t, want, cm.GetDataMap()["config.yaml"])
	assert.Contains(t, section, "content-checksum `"+cm.GetAnnotations()["toolhive.stacklok.dev/content-checksum"]+"`")

	dep := find(out, "Deployment", "agg")
	require.NotNil(t, dep)
	env, err := dep.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=vmcp]", "env"))
	require.NoError(t, err)
	var names []string
	for _, e := range env.Content() {
		names = append(names, yaml.NewRNode(e).Field("name").Value.YNode().Value)
	}
	assert.Equal(t, []string{
		"VMCP_NAME", "VMCP_NAMESPACE",
		"TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_TE_AUTH", "TOOLHIVE_HEADER_INJECTION_VALUE_HDR_AUTH",
		"VMCP_SESSION_HMAC_SECRET", "THV_SESSION_REDIS_PASSWORD",
		"OTEL_RESOURCE_ATTRIBUTES", "TOOLHIVE_OTEL_HEADER_AUTHORIZATION",
		"XDG_CONFIG_HOME", "HOME", "TOOLHIVE_RUNTIME", "UNSTRUCTURED_LOGS",
	}, names, "name, namespace, outgoing-auth secrets (workload then backend), HMAC, session Redis password, telemetry, defaults")
	hash := dep.GetAnnotations()["toolhive.stacklok.io/podvolumes-hash"]
	assert.Contains(t, specSection(t, "Scenario C's Deployment", ""), hash, "podvolumes-hash of vmcp-config + session-redis-tls-ca")

	role := find(out, "Role", "agg-vmcp")
	require.NotNil(t, role)
	s, _ := role.String()
	assert.NotContains(t, s, "mcpgroups", "inline mode gets the inline RBAC rules")
}

// TestSpecScenarioA renders worked scenario A: only name and groupRef change
// the minimal config, and the checksums match the spec.
func TestSpecScenarioA(t *testing.T) {
	section := specSection(t, "**A. Minimal**", "**B. Embedded")
	in := `apiVersion: toolhive.stacklok.dev/v1alpha1
kind: VirtualMCPServer
metadata: {name: demo, namespace: tools}
spec:
  groupRef: {name: team}
  incomingAuth: {type: anonymous}
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPGroup
metadata: {name: team, namespace: tools}
`
	items, err := (&kio.ByteReader{Reader: strings.NewReader(in), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	out, rs := Render(items, fnconfig.Defaults())
	cm := find(out, "ConfigMap", "demo-vmcp-config")
	require.NotNil(t, cm, "%v", rs)
	assert.Equal(t, firstYAMLBlock(t, section), cm.GetDataMap()["config.yaml"], "v1alpha1 renders like v1beta1")
	assert.Contains(t, section, cm.GetAnnotations()["toolhive.stacklok.dev/content-checksum"])
	assert.Contains(t, section, find(out, "Deployment", "demo").GetAnnotations()["toolhive.stacklok.io/podvolumes-hash"])
	deprecated := false
	for _, r := range rs {
		if r.Tags["rule"] == "deprecated-api-version" {
			deprecated = true
		}
	}
	assert.True(t, deprecated, "v1alpha1 gets a deprecation warning")
}

// TestSpecScenarioB renders worked scenario B through the whole pipeline:
// both ConfigMap keys byte for byte and both checksums.
func TestSpecScenarioB(t *testing.T) {
	section := specSection(t, "**B. Embedded auth server**", "**C. Static mode")
	out, lines := renderFile(t, filepath.Join("testdata", "scenario-b.yaml"))
	cm := find(out, "ConfigMap", "vmcp-as-vmcp-config")
	require.NotNil(t, cm, "%v", lines)
	i := strings.Index(section, "config.yaml:\n")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, firstYAMLBlock(t, section[i:]), cm.GetDataMap()["config.yaml"])
	j := strings.Index(section, "authserver-config.yaml:\n")
	require.GreaterOrEqual(t, j, 0)
	assert.Equal(t, firstYAMLBlock(t, section[j:]), cm.GetDataMap()["authserver-config.yaml"])
	assert.Contains(t, section, cm.GetAnnotations()["toolhive.stacklok.dev/content-checksum"])
	assert.Contains(t, section, find(out, "Deployment", "vmcp-as").GetAnnotations()["toolhive.stacklok.io/podvolumes-hash"])
}
