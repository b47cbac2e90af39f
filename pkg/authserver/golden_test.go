package authserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

func dataDir(t *testing.T) string { return testpaths.Data(t) }

func readDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := yamlv3.NewDecoder(bytes.NewReader(raw))
	var docs []map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	return docs
}

func findDoc(docs []map[string]any, kind, name string) map[string]any {
	for _, d := range docs {
		md, _ := d["metadata"].(map[string]any)
		if d["kind"] == kind && (name == "" || md["name"] == name) {
			return d
		}
	}
	return nil
}

// path walks nested maps.
func path(obj any, keys ...string) any {
	for _, k := range keys {
		m, ok := obj.(map[string]any)
		if !ok {
			return nil
		}
		obj = m[k]
	}
	return obj
}

// crdSpecSchema returns the v1beta1 openAPI schema of VirtualMCPServer.spec.
func crdSpecSchema(t *testing.T) map[string]any {
	t.Helper()
	docs := readDocs(t, filepath.Join(dataDir(t), "crds", "toolhive.stacklok.dev_virtualmcpservers.yaml"))
	require.NotEmpty(t, docs)
	versions, _ := path(docs[0], "spec", "versions").([]any)
	for _, v := range versions {
		if path(v, "name") == "v1beta1" {
			schema, _ := path(v, "schema", "openAPIV3Schema", "properties", "spec").(map[string]any)
			require.NotNil(t, schema)
			return schema
		}
	}
	t.Fatal("v1beta1 not served by the VirtualMCPServer CRD")
	return nil
}

// vmcpCase is what the builder needs from one VirtualMCPServer input.
type vmcpCase struct {
	namespace, name string
	cfg             *toolhive.EmbeddedAuthServerConfig
	filter          *toolhive.AuthServerUpstreamFilter
	incomingType    string
	oidcIssuer      string
	audience        string
	resource        string
	scopes          []string
}

// loadVMCP decodes a VirtualMCPServer with toolhive.Decode (CRD defaults,
// strict fields) and resolves the incoming OIDC values as the operator's
// resolver (cmd/thv-operator/pkg/oidc/resolver.go) does before they reach
// BuildAuthServerRunConfig.
func loadVMCP(t *testing.T, obj map[string]any, oidcIssuer string) vmcpCase {
	t.Helper()
	o, ferrs, err := toolhive.Decode(toolhive.KindVirtualMCPServer, obj, "v0.63.0")
	require.NoError(t, err)
	require.Empty(t, ferrs, "the input decodes cleanly")
	v, ok := o.(*toolhive.VirtualMCPServer)
	require.True(t, ok)
	c := vmcpCase{namespace: v.Namespace, name: v.Name, oidcIssuer: oidcIssuer,
		cfg: v.Spec.AuthServerConfig, filter: v.Spec.AuthServerUpstreamFilter}
	if ia := v.Spec.IncomingAuth; ia != nil {
		c.incomingType = ia.Type
		if ref := ia.OIDCConfigRef; ref != nil {
			c.audience, c.resource, c.scopes = ref.Audience, ref.ResourceURL, ref.Scopes
			if c.resource == "" {
				c.resource = fmt.Sprintf("http://%s.%s.svc.cluster.local:4483", c.name, c.namespace)
			}
		}
	}
	return c
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func (c vmcpCase) input() Input {
	in := Input{Namespace: c.namespace, Name: c.name, Config: c.cfg, UpstreamFilter: c.filter,
		ScopesSupported: c.scopes, ResourceURL: c.resource}
	if c.resource != "" {
		in.AllowedAudiences = []string{c.resource}
	}
	return in
}

func (c vmcpCase) integration() IntegrationInput {
	return IntegrationInput{IncomingAuthType: c.incomingType, HasOIDC: c.resource != "",
		OIDCIssuer: c.oidcIssuer, OIDCAudience: c.audience}
}

// loadGolden reads a pub-* case: the VirtualMCPServer and its MCPOIDCConfig.
func loadGolden(t *testing.T, caseDir string) (vmcpCase, []map[string]any) {
	t.Helper()
	dir := filepath.Join(dataDir(t), "golden", caseDir)
	in := readDocs(t, filepath.Join(dir, "input.yaml"))
	v := findDoc(in, "VirtualMCPServer", "")
	require.NotNil(t, v)
	issuer := ""
	if ref, _ := path(v, "spec", "incomingAuth", "oidcConfigRef", "name").(string); ref != "" {
		doc := findDoc(in, "MCPOIDCConfig", ref)
		require.NotNil(t, doc)
		o, ferrs, err := toolhive.Decode(toolhive.KindMCPOIDCConfig, doc, "v0.63.0")
		require.NoError(t, err)
		require.Empty(t, ferrs)
		oidc := o.(*toolhive.MCPOIDCConfig)
		require.NotNil(t, oidc.Spec.Inline)
		issuer = oidc.Spec.Inline.Issuer
	}
	return loadVMCP(t, v, issuer), readDocs(t, filepath.Join(dir, "expected.yaml"))
}

func marshal(t *testing.T, rc *RunConfig) string {
	t.Helper()
	out, err := yamlv3.Marshal(rc)
	require.NoError(t, err)
	return string(out)
}

func isAuthServerEnv(name string) bool {
	for _, p := range []string{envUpstreamClientSecret, envUpstreamDCRToken, envDelegateClientSecret, "TOOLHIVE_AUTH_SERVER_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func TestGoldenRenderedCases(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		reason string
	}{
		{"pub-03-authserver-oidc-upstream", "OIDC upstream with client secret, defaulted redirect URI, one key, one HMAC, in-memory storage"},
		{"pub-04-authserver-oauth2-redis-sentinel", "OAuth2 upstream with userInfo, key rotation, Sentinel via Service with CRD-defaulted timeouts and ACL env"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			c, expected := loadGolden(t, tc.dir)
			rc, err := Build(c.input())
			require.NoError(t, err, tc.reason)

			cm := findDoc(expected, "ConfigMap", c.name+"-vmcp-config")
			require.NotNil(t, cm)
			want, _ := path(cm, "data", "authserver-config.yaml").(string)
			require.NotEmpty(t, want)
			assert.Equal(t, want, marshal(t, rc), tc.reason)

			assert.Empty(t, ValidateAuthServerIntegration(rc, c.integration()), "a rendered case passes integration validation")
			assert.Empty(t, ValidateSpec(c.cfg))
			assert.Empty(t, ValidateAdmission(c.cfg, c.filter))
			assert.Empty(t, DeprecatedInboundGrantFields(c.cfg), "only canonical fields are used")
			assert.Empty(t, IdentitySynthesis(c.cfg), "every OAuth2 upstream has userInfo")

			var dep appsv1.Deployment
			raw, err := json.Marshal(findDoc(expected, "Deployment", c.name))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(raw, &dep))
			pod := dep.Spec.Template.Spec
			require.Equal(t, "vmcp-config", pod.Volumes[0].Name)

			vols, mounts, _, err := Volumes(c.cfg)
			require.NoError(t, err)
			assert.Equal(t, pod.Volumes[1:], vols, "volumes after vmcp-config are the auth server's")
			assert.Equal(t, pod.Containers[0].VolumeMounts[1:], mounts)

			var wantEnv []corev1.EnvVar
			for _, e := range pod.Containers[0].Env {
				if isAuthServerEnv(e.Name) {
					wantEnv = append(wantEnv, e)
				}
			}
			env, _ := EnvVars(c.cfg)
			assert.Equal(t, wantEnv, env)

			sum, err := CAChecksum(c.cfg, func(string, string) ([]byte, bool) { return nil, false })
			require.NoError(t, err)
			assert.Empty(t, sum, "no CA bundle referenced")
			_, hasAnn := dep.Spec.Template.Annotations[CAChecksumAnnotation]
			assert.False(t, hasAnn)
		})
	}
}

func TestGoldenIntegrationFailures(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		reason string
	}{
		{"pub-13-fail-authserver-anonymous", "anonymous incoming auth gives the RunConfig no allowed audience"},
		{"pub-14-fail-audience-mismatch", "oidcConfigRef audience differs from resourceUrl"},
		{"pub-18-fail-issuer-mismatch", "MCPOIDCConfig issuer differs from authServerConfig.issuer"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			c, expected := loadGolden(t, tc.dir)
			status := findDoc(expected, "OracleStatus", c.name)
			require.NotNil(t, status)
			var want string
			for _, cond := range asSlice(path(status, "status", "conditions")) {
				if path(cond, "type") == CondAuthServerConfigValidated {
					want, _ = path(cond, "message").(string)
					assert.Equal(t, ReasonAuthServerConfigInvalid, path(cond, "reason"))
				}
			}
			require.NotEmpty(t, want)

			rc, err := Build(c.input())
			require.NoError(t, err, "the builder accepts the config; integration rejects it")
			got := ValidateAuthServerIntegration(rc, c.integration())
			require.Len(t, got, 1, tc.reason)
			assert.Equal(t, want, got[0].Message, tc.reason)
			assert.Equal(t, results.Error, got[0].Severity)
			assert.Equal(t, CondAuthServerConfigValidated, got[0].ConditionType)
			assert.Nil(t, findDoc(expected, "ConfigMap", c.name+"-vmcp-config"), "nothing rendered upstream either")
		})
	}
}

// specScenarioB reads worked scenario B (testdata/spec/scenarios.md): its inline inputs
// and the expected authserver-config.yaml block.
func specScenarioB(t *testing.T) (spec map[string]any, want string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dataDir(t), "spec", "scenarios.md"))
	require.NoError(t, err)
	text := string(raw)
	start := strings.Index(text, "**B. Embedded auth server**")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(text[start:], "**C. ")
	require.Greater(t, end, 0)
	section := text[start : start+end]

	// Inline inputs are written as backticked YAML flow mappings.
	spec = map[string]any{}
	for _, key := range []string{"incomingAuth", "authServerConfig"} {
		i := strings.Index(section, "`"+key+": {")
		require.GreaterOrEqual(t, i, 0, key)
		j := strings.Index(section[i+1:], "`")
		flow := strings.ReplaceAll(section[i+1:i+1+j], "\n", " ")
		var m map[string]any
		require.NoError(t, yamlv3.Unmarshal([]byte("{"+flow+"}"), &m), key)
		spec[key] = m[key]
	}
	k := strings.Index(section, "authserver-config.yaml:\n```yaml\n")
	require.GreaterOrEqual(t, k, 0)
	body := section[k+len("authserver-config.yaml:\n```yaml\n"):]
	want = body[:strings.Index(body, "```")]
	return spec, want
}

func TestSpecScenarioB(t *testing.T) {
	spec, want := specScenarioB(t)
	spec["groupRef"] = map[string]any{"name": "backends"}
	obj := map[string]any{"apiVersion": "toolhive.stacklok.dev/v1beta1", "kind": "VirtualMCPServer",
		"metadata": map[string]any{"name": "vmcp-as", "namespace": "prod"}, "spec": spec}
	c := loadVMCP(t, obj, "https://mcp.example.com")
	rc, err := Build(c.input())
	require.NoError(t, err)
	assert.Equal(t, want, marshal(t, rc), "standalone Redis, scopes_supported from oidcConfigRef, redirect from resourceUrl")

	in := c.integration()
	in.UpstreamInject = map[string]string{DefaultStrategyKey: "github"}
	assert.Empty(t, ValidateAuthServerIntegration(rc, in), "upstream_inject names a configured upstream")

	env, _ := EnvVars(c.cfg)
	names := make([]string, len(env))
	for i, e := range env {
		names[i] = e.Name
	}
	assert.Equal(t, []string{"TOOLHIVE_UPSTREAM_CLIENT_SECRET_GITHUB", EnvRedisPassword}, names,
		"no username env without usernameSecretRef")
}

// TestTypesCoverCRD walks the CRD schema of spec.authServerConfig and
// spec.authServerUpstreamFilter and checks every property has a Go field
// with that JSON name, and no Go field lacks a property.
func TestTypesCoverCRD(t *testing.T) {
	schema := crdSpecSchema(t)
	props, _ := schema["properties"].(map[string]any)
	for _, tc := range []struct {
		prop string
		typ  reflect.Type
	}{
		{"authServerConfig", reflect.TypeOf(toolhive.EmbeddedAuthServerConfig{})},
		{"authServerUpstreamFilter", reflect.TypeOf(toolhive.AuthServerUpstreamFilter{})},
	} {
		sub, _ := props[tc.prop].(map[string]any)
		require.NotNil(t, sub, tc.prop)
		compareSchema(t, "spec."+tc.prop, sub, tc.typ)
	}
}

func compareSchema(t *testing.T, at string, schema map[string]any, typ reflect.Type) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
		if items, ok := schema["items"].(map[string]any); ok {
			schema = items
		}
	}
	props, _ := schema["properties"].(map[string]any)
	if typ.Kind() != reflect.Struct || typ.PkgPath() != reflect.TypeOf(toolhive.SecretKeyRef{}).PkgPath() {
		return // scalars, maps and corev1 types
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields[name] = typ.Field(i).Type
	}
	var missing, extra []string
	for name := range props {
		if _, ok := fields[name]; !ok {
			missing = append(missing, name)
		}
	}
	for name := range fields {
		if _, ok := props[name]; !ok {
			extra = append(extra, name)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	assert.Empty(t, missing, "%s: CRD properties without a Go field", at)
	assert.Empty(t, extra, "%s: Go fields not in the CRD", at)
	for name, ft := range fields {
		if sub, ok := props[name].(map[string]any); ok {
			compareSchema(t, at+"."+name, sub, ft)
		}
	}
}
