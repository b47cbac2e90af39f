package toolhive

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// crdRequired reads an upstream CRD (testdata/crds) and lists
// the v1beta1 properties marked required that have no default.
func crdRequired(t *testing.T, file string) (string, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testpaths.Data(t), "crds", file))
	require.NoError(t, err, "the upstream CRDs must be in testdata/crds")
	var crd struct {
		Spec struct {
			Names    struct{ Kind string }
			Versions []struct {
				Name   string
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				}
			}
		}
	}
	require.NoError(t, sigsyaml.Unmarshal(b, &crd))
	var out []string
	var walk func(s map[string]any, path string)
	walk = func(s map[string]any, path string) {
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			name := r.(string)
			if p, _ := props[name].(map[string]any); p != nil {
				if _, defaulted := p["default"]; defaulted {
					continue
				}
			}
			out = append(out, join(path, name))
		}
		for k, c := range props {
			if path == "" && k == "status" {
				continue
			}
			if m, ok := c.(map[string]any); ok {
				walk(m, join(path, k))
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(items, path+"[]")
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			walk(ap, path+"{}")
		}
	}
	for _, v := range crd.Spec.Versions {
		if v.Name == "v1beta1" {
			walk(v.Schema.OpenAPIV3Schema, "")
		}
	}
	sort.Strings(out)
	return crd.Spec.Names.Kind, out
}

// TestRequiredPathsMatchCRDs keeps the required-field table equal to what
// the upstream CRDs declare, and the covered set inside it.
func TestRequiredPathsMatchCRDs(t *testing.T) {
	files := map[string]string{
		KindVirtualMCPServer:                  "toolhive.stacklok.dev_virtualmcpservers.yaml",
		KindMCPExternalAuthConfig:             "toolhive.stacklok.dev_mcpexternalauthconfigs.yaml",
		KindMCPOIDCConfig:                     "toolhive.stacklok.dev_mcpoidcconfigs.yaml",
		KindMCPAuthzConfig:                    "toolhive.stacklok.dev_mcpauthzconfigs.yaml",
		KindMCPTelemetryConfig:                "toolhive.stacklok.dev_mcptelemetryconfigs.yaml",
		KindMCPToolConfig:                     "toolhive.stacklok.dev_mcptoolconfigs.yaml",
		KindVirtualMCPCompositeToolDefinition: "toolhive.stacklok.dev_virtualmcpcompositetooldefinitions.yaml",
	}
	for kind, file := range files {
		got, want := crdRequired(t, file)
		require.Equal(t, kind, got)
		have := append([]string(nil), requiredPaths[kind]...)
		sort.Strings(have)
		assert.Equal(t, want, have, "required paths of %s", kind)
	}
	table := map[string]bool{}
	for _, p := range requiredPaths[KindVirtualMCPServer] {
		table[p] = true
	}
	for p := range coveredRequired {
		assert.True(t, table[p], "covered path %s is not a required path", p)
	}
}

func TestMissingRequired(t *testing.T) {
	obj := func(y string) map[string]any {
		var m map[string]any
		require.NoError(t, sigsyaml.Unmarshal([]byte(y), &m))
		return m
	}
	cases := []struct {
		reason string
		kind   string
		obj    string
		want   []string
	}{
		{"a missing top-level spec field", KindMCPOIDCConfig, `spec: {inline: {}}`, []string{"spec.inline.issuer", "spec.type"}},
		{"a required field under an absent parent is not required", KindMCPOIDCConfig, `spec: {type: kubernetesServiceAccount}`, nil},
		{"null counts as missing", KindMCPAuthzConfig, `spec: {type: cedarv1, config: null}`, []string{"spec.config"}},
		{"every list item is checked, with its index", KindVirtualMCPServer,
			`spec: {authServerConfig: {upstreamProviders: [{name: a, type: oidc, oidcConfig: {issuerUrl: x}}, {type: oidc, oidcConfig: {}}]}}`,
			[]string{"spec.authServerConfig.upstreamProviders[1].name", "spec.authServerConfig.upstreamProviders[1].oidcConfig.issuerUrl"}},
		{"every map value is checked, keys in order", KindVirtualMCPServer,
			`spec: {config: {outgoingAuth: {source: inline, backends: {b: {type: headerInjection, headerInjection: {}}, a: {type: upstreamInject, upstreamInject: {}}}}}}`,
			[]string{"spec.config.outgoingAuth.backends.a.upstreamInject.providerName", "spec.config.outgoingAuth.backends.b.headerInjection.headerName"}},
		{"paths another check reports are skipped", KindVirtualMCPServer, `spec: {groupRef: {}}`, nil},
		{"a wrong type is left to the decoder", KindMCPOIDCConfig, `spec: {type: inline, inline: "x"}`, nil},
		{"a kind without required fields", KindMCPGroup, `spec: {}`, nil},
	}
	for _, tc := range cases {
		var got []string
		for _, fe := range MissingRequired(tc.kind, obj(tc.obj)) {
			got = append(got, fe.Field)
			assert.Contains(t, fe.Message, "required field is missing", tc.reason)
		}
		assert.Equal(t, tc.want, got, tc.reason)
	}
}
