package transform

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// want is one result a case must produce.
type want struct {
	sev framework.Severity
	// kind and name are the resourceRef; both empty means no resourceRef.
	kind, name string
	field      string
	rule       string
	// msg is a distinctive part of the message.
	msg string
	// item, when set, is the "item" tag: the position of a malformed item.
	item string
}

func errOn(field, rule, msg string) want {
	return want{sev: results.Error, kind: "VirtualMCPServer", name: "vmcp", field: field, rule: rule, msg: msg}
}

func warnOn(field, rule, msg string) want {
	return want{sev: results.Warning, kind: "VirtualMCPServer", name: "vmcp", field: field, rule: rule, msg: msg}
}

type badCase struct {
	name   string
	reason string
	edit   func(f *fixture)
	config func(s *fnconfig.Spec)
	want   []want
	// rendered says whether vmcp's Deployment is emitted.
	rendered bool
}

// Documents several cases share.
const (
	asOIDC = `
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPOIDCConfig
metadata:
  name: as-oidc
  namespace: toolhive
spec:
  type: inline
  inline:
    issuer: https://mcp.example.com
`
	authIncoming = `{type: oidc, oidcConfigRef: {name: as-oidc, audience: "https://mcp.example.com/mcp", resourceUrl: "https://mcp.example.com/mcp"}}`
	oktaUpstream = `{name: okta, type: oidc, oidcConfig: {issuerUrl: "https://corp.okta.com", clientId: abc, clientSecretRef: {name: idp-client, key: client-secret}}}`
	githubOAuth2 = `{name: github, type: oauth2, oauth2Config: {authorizationEndpoint: "https://github.com/login/oauth/authorize", tokenEndpoint: "https://github.com/login/oauth/access_token", clientId: gh, userInfo: {endpointUrl: "https://api.github.com/user"}}}`
	staticServer = `
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata:
  name: fetch
  namespace: toolhive
spec:
  image: ghcr.io/example/fetch:1
  transport: streamable-http
  groupRef:
    name: team
status:
  url: http://mcp-fetch-proxy.toolhive.svc.cluster.local:8080/mcp
  phase: Running
`
)

// withAuthServer turns vmcp into a valid embedded-auth-server setup: the
// vMCP is its own issuer and the audience is its resource URL.
func withAuthServer(f *fixture, upstreams ...string) {
	if len(upstreams) == 0 {
		upstreams = []string{oktaUpstream}
	}
	f.add(asOIDC)
	f.add(secret("idp-client", "client-secret", "idp-client-secret-value"))
	f.set("spec.incomingAuth", authIncoming)
	f.set("spec.authServerConfig", `{issuer: "https://mcp.example.com", upstreamProviders: [`+strings.Join(upstreams, ",")+`]}`)
}

// withExternalAuth adds an MCPExternalAuthConfig and makes it the default
// outgoing auth of vmcp.
func withExternalAuth(f *fixture, spec string) {
	f.add(doc("MCPExternalAuthConfig", "ext", spec))
	f.set("spec.outgoingAuth", `{source: discovered, default: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ext}}}`)
}

// badCases are bad inputs and what the function says about each. Most case
// names start with the id of the operator check they exercise, numbered
// within its family: V VirtualMCPServer.Validate(), P the podTemplateSpec
// parse, G, C and E the MCPGroup, compositeToolRefs and EmbeddingServer
// references, A the inline authServerConfig checks and its CA bundles, F the
// upstream filter, Z the authz/upstream coherence checks, I and S the
// IdentitySynthesized and SessionStorageWarning advisories, O, R and T the
// MCPOIDCConfig, MCPAuthzConfig and MCPTelemetryConfig references, K the
// Secrets and authz ConfigMap the operator reads itself, X the ConfigMap step
// (X1 the converter, X2/X3 the auth-server builder, X4 static backends, X6
// ValidateAuthServerIntegration), D the per-workload outgoing-auth conditions
// and H the existing HMAC Secret. The controller
// (cmd/thv-operator/controllers/virtualmcpserver_controller.go) runs them.
func badCases() []badCase {
	return []badCase{
		// --- Decoding -------------------------------------------------
		{
			name:   "unknown-field-spec",
			reason: "strict decoding: a misspelt top-level spec field is reported with its path",
			edit:   func(f *fixture) { f.set("spec.replica", "2") },
			want:   []want{errOn("spec.replica", "schema", "unknown field: the VirtualMCPServer CRD (ToolHive v0.63.0) has no such field")},
		},
		{
			name:   "unknown-field-nested",
			reason: "strict decoding reaches nested objects",
			edit:   func(f *fixture) { f.set("spec.incomingAuth.oidcConfig", "{name: x}") },
			want:   []want{errOn("spec.incomingAuth.oidcConfig", "schema", "unknown field")},
		},
		{
			name:     "unknown-field-under-config",
			reason:   "spec.config preserves unknown fields at the API server, the operator drops them: a warning, still rendered",
			edit:     func(f *fixture) { f.set("spec.config.bogus", "true") },
			want:     []want{warnOn("spec.config.bogus", "field-ignored", "unknown field, ignored by the operator: remove it or fix its spelling")},
			rendered: true,
		},
		{
			name:   "wrong-type-scalar",
			reason: "a string where an integer belongs",
			edit:   func(f *fixture) { f.set("spec.replicas", `"two"`) },
			want:   []want{errOn("spec.replicas", "schema", "expected integer, got string")},
		},
		{
			name:   "wrong-type-object",
			reason: "a string where an object belongs",
			edit:   func(f *fixture) { f.set("spec.groupRef", "team") },
			want: []want{
				errOn("spec.groupRef", "schema", "expected object, got string"),
			},
		},
		{
			name:   "wrong-type-list",
			reason: "a string where a list belongs",
			edit:   func(f *fixture) { f.set("spec.passthroughHeaders", "X-Trace") },
			want:   []want{errOn("spec.passthroughHeaders", "schema", "expected array, got string")},
		},
		{
			name:   "wrong-type-duration",
			reason: "a value the field's own decoder rejects is pinned to its path",
			edit:   func(f *fixture) { f.set("spec.config.operational.timeouts.default", "soon") },
			want:   []want{errOn("spec.config.operational.timeouts.default", "schema", "soon")},
		},
		{
			name:   "missing-group-ref",
			reason: "spec.groupRef is required (CRD) and V1 reports it",
			edit:   func(f *fixture) { f.del("spec.groupRef") },
			want:   []want{errOn("spec.groupRef.name", "group-ref-required", "spec.groupRef.name is required")},
		},
		{
			name:   "missing-incoming-auth",
			reason: "spec.incomingAuth is required by the CRD",
			edit:   func(f *fixture) { f.del("spec.incomingAuth") },
			want:   []want{errOn("spec.incomingAuth", "incoming-auth-required", "spec.incomingAuth is required")},
		},
		{
			name:   "missing-name",
			reason: "an object without metadata.name cannot be rendered or referenced",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPServer", "nameless", "groupRef: {name: team}\nincomingAuth: {type: anonymous}"))
				setPath(f.t, f.find("VirtualMCPServer", "nameless"), "metadata.name", `""`)
			},
			want:     []want{{sev: results.Error, kind: "VirtualMCPServer", field: "metadata.name", rule: "schema", msg: "has no metadata.name"}},
			rendered: true,
		},
		{
			name:   "duplicate-server",
			reason: "the same VirtualMCPServer twice is ambiguous: neither copy is rendered",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPServer", "vmcp", "groupRef: {name: team}\nincomingAuth: {type: anonymous}\nreplicas: 1"))
			},
			want: []want{errOn("metadata.name", "duplicate-object", "VirtualMCPServer toolhive/vmcp appears twice")},
		},
		{
			name:   "duplicate-referenced-object",
			reason: "a referenced object given twice is ambiguous: the server that uses it is not rendered",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(asOIDC)
			},
			want: []want{
				{sev: results.Error, kind: "MCPOIDCConfig", name: "as-oidc", field: "metadata.name", rule: "duplicate-object", msg: "MCPOIDCConfig toolhive/as-oidc appears twice"},
				errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", "MCPOIDCConfig as-oidc is not valid"),
			},
		},
		{
			name:   "wrong-kind-reference",
			reason: "oidcConfigRef names an object of another kind: not found, with a hint at the kind that exists",
			edit: func(f *fixture) {
				f.add(doc("MCPAuthzConfig", "corp", "type: cedarv1\nconfig: {policies: [\"permit(principal, action, resource);\"]}"))
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: corp, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-not-found", "an MCPAuthzConfig named corp exists")},
		},
		{
			name:     "v1alpha1",
			reason:   "v1alpha1 is served but deprecated: a warning, rendered like v1beta1",
			edit:     func(f *fixture) { f.server().SetApiVersion("toolhive.stacklok.dev/v1alpha1") },
			want:     []want{warnOn("apiVersion", "deprecated-api-version", "v1alpha1 is deprecated; use v1beta1")},
			rendered: true,
		},
		{
			name:   "namespace-missing",
			reason: "no namespace: rendered for default, with a warning",
			edit: func(f *fixture) {
				f.server().SetNamespace("")
				f.find("MCPGroup", "team").SetNamespace("default")
			},
			want:     []want{{sev: results.Warning, kind: "VirtualMCPServer", name: "vmcp", field: "metadata.namespace", rule: "namespace-missing", msg: "has no metadata.namespace"}},
			rendered: true,
		},
		{
			name:   "secret-not-base64",
			reason: "Secret data that is not base64: an error on the Secret, and the key it carried is missing for the pod",
			edit: func(f *fixture) {
				f.add(asOIDC)
				f.add(secret("oidc-client", "secret", "x"))
				setPath(f.t, f.find("Secret", "oidc-client"), "data.secret", `"!!not base64!!"`)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientId", "vmcp")
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientSecretRef", "{name: oidc-client, key: secret}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{
				{sev: results.Error, kind: "Secret", name: "oidc-client", field: "data.secret", rule: "secret-data-not-base64", msg: `key "secret" is not valid base64`},
				errOn("spec.incomingAuth.oidcConfigRef.name", "secret-key-missing", `MCPOIDCConfig OIDC client secret secret toolhive/oidc-client is missing key "secret"`),
			},
		},
		{
			name:   "configmap-binarydata-not-base64",
			reason: "ConfigMap binaryData that is not base64 is an error on the ConfigMap; the server does not use it and renders",
			edit: func(f *fixture) {
				f.add(configMap("blobs"))
				setPath(f.t, f.find("ConfigMap", "blobs"), "binaryData", `{blob: "%%%"}`)
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", name: "blobs", field: "binaryData.blob", rule: "configmap-binarydata-not-base64", msg: "not valid base64"}},
			rendered: true,
		},
		{
			name:   "referenced-object-schema-error",
			reason: "an MCPOIDCConfig with a schema error is reported on itself, and the server using it is not rendered",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.issuerURL", `"https://x"`)
			},
			want: []want{
				{sev: results.Error, kind: "MCPOIDCConfig", name: "as-oidc", field: "spec.inline.issuerURL", rule: "schema", msg: "unknown field"},
				errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", "MCPOIDCConfig as-oidc is not valid"),
			},
		},

		{
			name:   "required-in-list-item",
			reason: "a required field missing in a list item is reported with its index",
			edit: func(f *fixture) {
				withAuthServer(f, oktaUpstream, `{type: oidc, oidcConfig: {issuerUrl: "https://idp.example.com", clientId: x}}`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[1].name", "schema", "required field is missing: the VirtualMCPServer CRD requires it")},
		},
		{
			name:   "required-in-referenced-object",
			reason: "an MCPExternalAuthConfig without its required fields is invalid, and so is the server using it",
			edit:   func(f *fixture) { withExternalAuth(f, "type: tokenExchange\ntokenExchange: {clientId: vmcp}") },
			want: []want{
				{sev: results.Error, kind: "MCPExternalAuthConfig", name: "ext", field: "spec.tokenExchange.audience", rule: "schema", msg: "required field is missing"},
				{sev: results.Error, kind: "MCPExternalAuthConfig", name: "ext", field: "spec.tokenExchange.tokenUrl", rule: "schema", msg: "required field is missing"},
				errOn("spec.outgoingAuth.default", "external-auth-config-invalid", "MCPExternalAuthConfig toolhive/ext is invalid; see its own error results"),
			},
		},
		{
			name:   "required-in-composite-definition",
			reason: "a composite tool definition without steps is invalid (C2 without a status)",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPCompositeToolDefinition", "triage", "name: triage\ndescription: t"))
				f.set("spec.config.compositeToolRefs", `[{name: triage}]`)
			},
			want: []want{
				{sev: results.Error, kind: "VirtualMCPCompositeToolDefinition", name: "triage", field: "spec.steps", rule: "schema", msg: "required field is missing"},
				errOn("spec.config.compositeToolRefs[0].name", "composite-tool-ref-invalid", "Referenced VirtualMCPCompositeToolDefinition triage is invalid"),
			},
		},

		{
			name:   "required-key-defaulted",
			reason: "configMapRef.key is required, but the operator falls back to ca.crt: a warning, still rendered",
			edit: func(f *fixture) {
				f.add(asOIDC)
				f.add(configMap("idp-ca", "ca.crt", "x"))
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.caBundleRef", "{configMapRef: {name: idp-ca}}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{{sev: results.Warning, kind: "MCPOIDCConfig", name: "as-oidc", field: "spec.inline.caBundleRef.configMapRef.key", rule: "required-field-defaulted",
				msg: "the operator falls back to ca.crt: add key: ca.crt"}},
			rendered: true,
		},

		{
			name:   "malformed-item-not-a-mapping",
			reason: "an item that is a list, not an object: an error without a resourceRef, the rest renders",
			edit: func(f *fixture) {
				n, err := yaml.Parse("- a\n- b\n")
				require.NoError(f.t, err)
				f.items = append(f.items, n)
			},
			want:     []want{{sev: results.Error, rule: "malformed", msg: "the item is a list, not an object", item: "2"}},
			rendered: true,
		},
		{
			name:   "malformed-metadata",
			reason: "metadata that is a list: reported instead of crashing kyaml's accessors",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n- name: x\n")
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", field: "metadata", rule: "malformed", msg: "metadata is a list, not a mapping", item: "2"}},
			rendered: true,
		},
		{
			name:   "malformed-alias-bomb",
			reason: "a VirtualMCPServer built from a YAML alias bomb cannot be read; the error does not dump the resource",
			edit: func(f *fixture) {
				f.drop("VirtualMCPServer", "vmcp")
				f.add("apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\nmetadata: {name: vmcp, namespace: toolhive}\nspec:\n" +
					"  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
					"  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
					"  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n")
			},
			want: []want{errOn("", "malformed", "VirtualMCPServer vmcp cannot be read: received error yaml: document contains excessive aliasing; fix its YAML")},
		},

		{
			name:   "workload-name-shared",
			reason: "an MCPServer and an MCPServerEntry of one name in the group: a warning, still rendered",
			edit: func(f *fixture) {
				f.add(staticServer)
				f.add(doc("MCPServerEntry", "fetch", "remoteUrl: \"https://mcp.example.org/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}"))
			},
			want:     []want{warnOn("spec.groupRef.name", "workload-name-shared", "MCPServer and MCPServerEntry named fetch in group team share a name")},
			rendered: true,
		},

		// --- V: VirtualMCPServer.Validate() ---------------------------
		{
			name:   "V1-group-name-empty",
			reason: "V1: spec.groupRef.name empty",
			edit:   func(f *fixture) { f.set("spec.groupRef.name", `""`) },
			want:   []want{errOn("spec.groupRef.name", "group-ref-required", "spec.groupRef.name is required")},
		},
		{
			name:   "V2-backend-type-empty",
			reason: "V2: a backend entry without type",
			edit:   func(f *fixture) { f.set("spec.outgoingAuth", `{backends: {github: {}}}`) },
			want:   []want{errOn("spec.outgoingAuth.backends.github.type", "backend-auth-type", "spec.outgoingAuth.backends[github].type is required")},
		},
		{
			name:   "V3-ref-missing",
			reason: "V3: type externalAuthConfigRef without the reference",
			edit:   func(f *fixture) { f.set("spec.outgoingAuth", `{backends: {github: {type: externalAuthConfigRef}}}`) },
			want: []want{errOn("spec.outgoingAuth.backends.github.externalAuthConfigRef", "backend-auth-ref",
				"spec.outgoingAuth.backends[github].externalAuthConfigRef is required when type is externalAuthConfigRef")},
		},
		{
			name:   "V3-ref-name-empty",
			reason: "V3: the reference without a name",
			edit: func(f *fixture) {
				f.set("spec.outgoingAuth", `{backends: {github: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ""}}}}`)
			},
			want: []want{errOn("spec.outgoingAuth.backends.github.externalAuthConfigRef.name", "backend-auth-ref",
				"spec.outgoingAuth.backends[github].externalAuthConfigRef.name is required")},
		},
		{
			name:   "V4-backend-type-unknown",
			reason: "V4: an unknown backend type",
			edit:   func(f *fixture) { f.set("spec.outgoingAuth", `{backends: {github: {type: magic}}}`) },
			want: []want{errOn("spec.outgoingAuth.backends.github.type", "backend-auth-type",
				"spec.outgoingAuth.backends[github].type must be one of: discovered, externalAuthConfigRef")},
		},
		{
			name:   "V4-backends-sorted",
			reason: "several bad backends are all reported, in sorted order, not Go map order",
			edit: func(f *fixture) {
				f.set("spec.outgoingAuth", `{backends: {zeta: {type: magic}, alpha: {}, mid: {type: externalAuthConfigRef}}}`)
			},
			want: []want{
				errOn("spec.outgoingAuth.backends.alpha.type", "backend-auth-type", "backends[alpha].type is required"),
				errOn("spec.outgoingAuth.backends.mid.externalAuthConfigRef", "backend-auth-ref", "backends[mid].externalAuthConfigRef is required"),
				errOn("spec.outgoingAuth.backends.zeta.type", "backend-auth-type", "backends[zeta].type must be one of"),
			},
		},
		{
			name:   "V5-conflict-resolution",
			reason: "V5: unknown conflict resolution strategy",
			edit:   func(f *fixture) { f.set("spec.config.aggregation", `{conflictResolution: random}`) },
			want: []want{errOn("spec.config.aggregation.conflictResolution", "aggregation",
				"config.aggregation.conflictResolution must be one of: prefix, priority, manual")},
		},
		{
			name:   "V5-priority-order",
			reason: "V5: priority without priorityOrder",
			edit: func(f *fixture) {
				f.set("spec.config.aggregation", `{conflictResolution: priority, conflictResolutionConfig: {prefixFormat: "{workload}_"}}`)
			},
			want: []want{errOn("spec.config.aggregation.conflictResolutionConfig.priorityOrder", "aggregation",
				"priorityOrder is required when conflictResolution is priority")},
		},
		{
			name:   "V5-tool-workload",
			reason: "V5: an aggregation tools entry without workload",
			edit:   func(f *fixture) { f.set("spec.config.aggregation", `{tools: [{filter: [a]}]}`) },
			want:   []want{errOn("spec.config.aggregation.tools[0].workload", "aggregation", "config.aggregation.tools[0].workload is required")},
		},
		{
			name:   "V5-tool-config-ref-name",
			reason: "V5: toolConfigRef without name",
			edit: func(f *fixture) {
				f.set("spec.config.aggregation", `{tools: [{workload: fetch, toolConfigRef: {name: ""}}]}`)
			},
			want: []want{errOn("spec.config.aggregation.tools[0].toolConfigRef.name", "aggregation",
				"config.aggregation.tools[0].toolConfigRef.name is required when toolConfigRef is specified")},
		},
		{
			name:   "V6-composite-duplicate",
			reason: "V6: two inline composite tools with one name (pub-16)",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: cut, description: a, steps: [{id: s, tool: fetch.get}]}, {name: cut, description: b, steps: [{id: s, tool: fetch.get}]}]`)
			},
			want: []want{errOn("spec.config.compositeTools[1].name", "composite-tool-duplicate", `spec.config.compositeTools[1].name "cut" is duplicated`)},
		},
		{
			name:   "V6-composite-invalid",
			reason: "V6: a composite tool without description and steps",
			edit:   func(f *fixture) { f.set("spec.config.compositeTools", `[{name: empty}]`) },
			want: []want{errOn("spec.config.compositeTools[0]", "composite-tool-invalid",
				"validation failed: spec.config.compositeTools[0].description is required; spec.config.compositeTools[0].steps must have at least one step")},
		},
		{
			name:   "V6-composite-dependency",
			reason: "V6: dependsOn an unknown step and a cycle",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: loop, description: d, steps: [{id: a, tool: x.y, dependsOn: [b]}, {id: b, tool: x.y, dependsOn: [a, ghost]}]}]`)
			},
			want: []want{errOn("spec.config.compositeTools[0]", "composite-tool-invalid", `dependsOn references unknown step "ghost"`)},
		},
		{
			name:   "V7-embedding-ref-name",
			reason: "V7: embeddingServerRef without name",
			edit:   func(f *fixture) { f.set("spec.embeddingServerRef", `{name: ""}`) },
			want:   []want{errOn("spec.embeddingServerRef.name", "embedding-server-ref", "spec.embeddingServerRef.name is required")},
		},
		{
			name:   "V7-optimizer-needs-embedding",
			reason: "V7: optimizer without any embedding service",
			edit:   func(f *fixture) { f.set("spec.config.optimizer", `{}`) },
			want: []want{errOn("spec.config.optimizer", "optimizer-needs-embedding-service",
				"spec.config.optimizer requires an embedding service: set spec.embeddingServerRef (recommended) or spec.config.optimizer.embeddingService")},
		},

		// --- P: podTemplateSpec ---------------------------------------
		{
			name:   "P1-pod-template-spec",
			reason: "P1: podTemplateSpec that is not a PodTemplateSpec",
			edit:   func(f *fixture) { f.set("spec.podTemplateSpec", `{spec: {containers: "vmcp"}}`) },
			want:   []want{errOn("spec.podTemplateSpec", "pod-template-spec-invalid", "Failed to parse PodTemplateSpec")},
		},

		// --- G, C, E: referenced objects -------------------------------
		{
			name:   "G1-group-not-found",
			reason: "G1: the MCPGroup is not in the input",
			edit:   func(f *fixture) { f.drop("MCPGroup", "team") },
			want:   []want{errOn("spec.groupRef.name", "group-not-found", "Referenced MCPGroup team not found")},
		},
		{
			name:     "G2-group-status-ignored",
			reason:   "G2: a Failed phase in the input is not what the MCPGroup controller would write (Ready), so it does not stop rendering",
			edit:     func(f *fixture) { setPath(f.t, f.find("MCPGroup", "team"), "status", `{phase: Failed}`) },
			rendered: true,
		},
		{
			name:   "C1-composite-ref-not-found",
			reason: "C1: compositeToolRefs names a missing definition",
			edit:   func(f *fixture) { f.set("spec.config.compositeToolRefs", `[{name: triage}]`) },
			want: []want{errOn("spec.config.compositeToolRefs[0].name", "composite-tool-ref-not-found",
				"Referenced VirtualMCPCompositeToolDefinition triage not found")},
		},
		{
			name:   "C2-composite-ref-invalid",
			reason: "C2: the definition's status says Invalid, with its errors",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPCompositeToolDefinition", "triage", "name: triage\ndescription: t\nsteps: [{id: s, tool: x.y}]") +
					"status:\n  validationStatus: Invalid\n  validationErrors: [\"step s: tool x.y unknown\", \"second\"]\n")
				f.set("spec.config.compositeToolRefs", `[{name: triage}]`)
			},
			want: []want{errOn("spec.config.compositeToolRefs[0].name", "composite-tool-ref-invalid",
				"Referenced VirtualMCPCompositeToolDefinition triage is invalid: step s: tool x.y unknown; second")},
		},
		{
			name:   "E1-embedding-not-found",
			reason: "E1: the EmbeddingServer is not in the input",
			edit:   func(f *fixture) { f.set("spec.embeddingServerRef", `{name: tei}`) },
			want:   []want{errOn("spec.embeddingServerRef.name", "embedding-server-not-found", "Referenced EmbeddingServer tei not found")},
		},
		{
			name:   "E2-embedding-failed",
			reason: "E2: the EmbeddingServer status says Failed",
			edit: func(f *fixture) {
				f.add(doc("EmbeddingServer", "tei", "model: BAAI/bge-small-en-v1.5") + "status:\n  phase: Failed\n")
				f.set("spec.embeddingServerRef", `{name: tei}`)
			},
			want: []want{errOn("spec.embeddingServerRef.name", "embedding-server-failed", "EmbeddingServer tei has failed")},
		},
		{
			name:   "E3-embedding-not-ready",
			reason: "E3: with workloadStatus: input, an EmbeddingServer without a Ready status blocks rendering (the operator waits)",
			edit: func(f *fixture) {
				f.add(doc("EmbeddingServer", "tei", "model: BAAI/bge-small-en-v1.5"))
				f.set("spec.embeddingServerRef", `{name: tei}`)
			},
			config: func(s *fnconfig.Spec) { s.WorkloadStatus = fnconfig.WorkloadStatusInput },
			want:   []want{errOn("spec.embeddingServerRef.name", "embedding-server-not-ready", "EmbeddingServer is not yet ready")},
		},
		{
			name:   "E3-embedding-pending-in-input",
			reason: "E3: a status in the input wins over derivation: Pending blocks rendering",
			edit: func(f *fixture) {
				f.add(doc("EmbeddingServer", "tei", "model: BAAI/bge-small-en-v1.5") + "status: {phase: Pending}\n")
				f.set("spec.embeddingServerRef", `{name: tei}`)
			},
			want: []want{errOn("spec.embeddingServerRef.name", "embedding-server-not-ready", "EmbeddingServer is not yet ready")},
		},

		// --- A, F, Z, I: embedded auth server ---------------------------
		{
			name:   "A1-issuer-required",
			reason: "A1: authServerConfig without issuer",
			edit: func(f *fixture) {
				withAuthServer(f)
				delPath(f.t, f.server(), "spec.authServerConfig.issuer")
			},
			want: []want{errOn("spec.authServerConfig.issuer", "auth-server-config-invalid", "spec.authServerConfig.issuer is required")},
		},
		{
			name:   "A2-tls-listener",
			reason: "A2: tlsListener with only the certificate",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.tlsListener", `{certificateSecretRef: {name: tls, key: tls.crt}}`)
			},
			want: []want{errOn("spec.authServerConfig.tlsListener", "auth-server-config-invalid",
				"tlsListener.certificateSecretRef and tlsListener.privateKeySecretRef are required")},
		},
		{
			name:   "A3-inbound-grants",
			reason: "A3: two trusted issuers with one URL",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.trustedIssuers", `[{issuerUrl: "https://idp.example.com"}, {issuerUrl: "https://idp.example.com"}]`)
			},
			want: []want{errOn("spec.authServerConfig", "auth-server-config-invalid", "trustedIssuers[1].issuerUrl duplicates trustedIssuers[0].issuerUrl")},
		},
		{
			name:   "A4-http-issuer",
			reason: "A4: an http issuer that is not loopback",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.issuer", `"http://mcp.example.com"`)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.issuer", `"http://mcp.example.com"`)
			},
			want: []want{errOn("spec.authServerConfig.issuer", "auth-server-config-invalid",
				`spec.authServerConfig.issuer "http://mcp.example.com" uses http:// with a non-localhost host; set spec.authServerConfig.insecureAllowHTTP: true`)},
		},
		{
			name:   "A5-no-upstreams",
			reason: "A5: an auth server with no upstream and no grant (also an admission rule)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.upstreamProviders", `[]`)
			},
			want: []want{
				errOn("spec.authServerConfig.upstreamProviders", "auth-server-config-invalid",
					"spec.authServerConfig requires at least one upstream provider unless delegateClients, inboundGrants, or a trustedIssuer with jwtBearerGrant is configured"),
				errOn("spec.authServerConfig", "admission-rule-violated", "at least one upstream provider or inbound grant family is required"),
			},
		},
		{
			name:   "A6-reserved-param",
			reason: "A6: an upstream overrides a reserved authorization parameter",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.server(), "spec.authServerConfig.upstreamProviders", `[{name: okta, type: oidc, oidcConfig: {issuerUrl: "https://corp.okta.com", clientId: abc, additionalAuthorizationParams: {state: x, prompt: login}}}]`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].additionalAuthorizationParams", "auth-server-config-invalid",
				`reserved parameter "state" is managed by the framework and cannot be overridden`)},
		},
		{
			name:   "A7-ca-bundle-key-missing",
			reason: "A7: the CA bundle ConfigMap lacks the key",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(configMap("okta-ca", "other.crt", "x"))
				setPath(f.t, f.server(), "spec.authServerConfig.upstreamProviders", `[{name: okta, type: oidc, oidcConfig: {issuerUrl: "https://corp.okta.com", clientId: abc, caBundleRef: {configMapRef: {name: okta-ca, key: ca.crt}}}}]`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].oidcConfig.caBundleRef", "ca-bundle-invalid",
				`invalid CA bundle: upstreamProviders[0] ("okta") caBundleRef: CA bundle ConfigMap "okta-ca" does not contain key "ca.crt" in data or binaryData`)},
		},
		{
			name:   "A7-ca-bundle-not-pem",
			reason: "A7: the CA bundle is not PEM",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(configMap("okta-ca", "ca.crt", "not a certificate"))
				setPath(f.t, f.server(), "spec.authServerConfig.upstreamProviders", `[{name: okta, type: oidc, oidcConfig: {issuerUrl: "https://corp.okta.com", clientId: abc, caBundleRef: {configMapRef: {name: okta-ca, key: ca.crt}}}}]`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].oidcConfig.caBundleRef", "ca-bundle-invalid", "contains non-PEM certificate data")},
		},
		{
			name:   "A7b-ca-bundle-absent",
			reason: "A7b: the CA bundle ConfigMap is not in the input (its content feeds a checksum, so it is needed)",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.server(), "spec.authServerConfig.upstreamProviders", `[{name: okta, type: oidc, oidcConfig: {issuerUrl: "https://corp.okta.com", clientId: abc, caBundleRef: {configMapRef: {name: okta-ca, key: ca.crt}}}}]`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].oidcConfig.caBundleRef", "ca-bundle-config-map-not-found",
				`failed to get CA bundle ConfigMap "okta-ca" in namespace "toolhive": configmaps "okta-ca" not found`)},
		},
		{
			name:   "F1-filter-without-auth-server",
			reason: "F1: an upstream filter without authServerConfig (also an admission rule)",
			edit: func(f *fixture) {
				f.set("spec.authServerUpstreamFilter", `{rules: [{groups: [eng], upstreamProviders: [github]}]}`)
			},
			want: []want{
				errOn("spec.authServerUpstreamFilter", "upstream-filter-invalid", "spec.authServerUpstreamFilter requires spec.authServerConfig to be set"),
				errOn("spec", "admission-rule-violated", "authServerUpstreamFilter requires authServerConfig to be set"),
			},
		},
		{
			name:   "F2-filter-unknown-upstream",
			reason: "F2: a filter rule names an upstream that is not configured",
			edit: func(f *fixture) {
				withAuthServer(f, oktaUpstream, githubOAuth2)
				f.set("spec.authServerUpstreamFilter", `{rules: [{groups: [eng], upstreamProviders: [gitlab]}]}`)
			},
			want: []want{errOn("spec.authServerUpstreamFilter", "upstream-filter-invalid",
				`spec.authServerUpstreamFilter: rules[0].upstreamProviders: "gitlab" is not a configured upstream`)},
		},
		{
			name:   "Z1-primary-without-auth-server",
			reason: "Z1: inline authz names a primary upstream but there is no auth server",
			edit: func(f *fixture) {
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"], primaryUpstreamProvider: okta}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider", "authz-primary-provider-requires-auth-server",
				`primaryUpstreamProvider="okta" is set but spec.authServerConfig is not configured`)},
		},
		{
			name:   "Z2-authz-requires-upstream",
			reason: "Z2: authz with an auth server that has no upstream (grant-only)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("delegate", "secret", "delegate-secret-value"))
				f.set("spec.authServerConfig.upstreamProviders", `[]`)
				f.set("spec.authServerConfig.inboundGrants", `{tokenExchange: {delegateClients: [{clientId: agent, clientSecretRef: {name: delegate, key: secret}, scopes: [openid], audiences: ["https://mcp.example.com/mcp"]}]}}`)
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"]}}`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders", "authz-requires-upstream",
				"spec.authServerConfig is set but has no upstream providers, and spec.incomingAuth.authzConfig references claims")},
		},
		{
			name:   "Z3-primary-unknown",
			reason: "Z3: the primary upstream is not among the upstreams",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.primaryUpstreamProvider", "gitlab")
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"]}}`)
			},
			want: []want{errOn("spec.authServerConfig.primaryUpstreamProvider", "authz-upstream-unknown",
				`primaryUpstreamProvider="gitlab" does not match any upstream declared on spec.authServerConfig.upstreamProviders`)},
		},
		{
			name:   "Z4-primary-auto-selected",
			reason: "Z4: authz with two upstreams and no primary: a warning naming the first, still rendered",
			edit: func(f *fixture) {
				withAuthServer(f, oktaUpstream, githubOAuth2)
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"]}}`)
			},
			want: []want{warnOn("spec.authServerConfig.upstreamProviders", "authz-upstream-auto-selected",
				`Cedar policies will evaluate claims from the first upstream ("okta")`)},
			rendered: true,
		},
		{
			name:   "I1-identity-synthesized",
			reason: "I1: an OAuth2 upstream without userInfo: a warning, still rendered",
			edit: func(f *fixture) {
				withAuthServer(f, `{name: gitlab, type: oauth2, oauth2Config: {authorizationEndpoint: "https://gitlab.com/oauth/authorize", tokenEndpoint: "https://gitlab.com/oauth/token", clientId: gl}}`)
			},
			want: []want{warnOn("spec.authServerConfig.upstreamProviders", "oauth2-upstream-without-user-info",
				"OAuth2 upstream(s) [gitlab] have no userInfo configured")},
			rendered: true,
		},
		{
			name:   "deprecated-grant-fields",
			reason: "DeprecatedInboundGrantConfiguration advisory: legacy delegateClients (X3 path when the builder fails)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("delegate", "secret", "delegate-secret-value"))
				f.set("spec.authServerConfig.delegateClients", `[{clientId: agent, clientSecretRef: {name: delegate, key: secret}, scopes: [openid], audiences: ["https://mcp.example.com/mcp"]}]`)
			},
			want: []want{warnOn("spec.authServerConfig", "legacy-inbound-grant-fields",
				"Deprecated inbound grant fields are configured: spec.authServerConfig.delegateClients -> spec.authServerConfig.inboundGrants.tokenExchange.delegateClients")},
			rendered: true,
		},
		{
			name:   "admission-upstream-shape",
			reason: "CEL: type oidc with an oauth2Config",
			edit: func(f *fixture) {
				withAuthServer(f, `{name: okta, type: oidc, oauth2Config: {authorizationEndpoint: "https://a", tokenEndpoint: "https://t", clientId: abc}}`)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0]", "admission-rule-violated", "type must be 'oidc' or 'oauth2'")},
		},

		// --- S: SessionStorageWarning ---------------------------------
		{
			name:     "S1-replicas-without-redis",
			reason:   "S1: replicas > 1 without Redis: a warning, still rendered",
			edit:     func(f *fixture) { f.set("spec.replicas", "3") },
			want:     []want{warnOn("spec.sessionStorage.provider", "session-storage-missing-for-replicas", "replicas > 1 but sessionStorage.provider is not redis")},
			rendered: true,
		},

		// --- O, R, T: config references ---------------------------------
		{
			name:   "O1-oidc-not-found",
			reason: "O1: the MCPOIDCConfig is not in the input",
			edit: func(f *fixture) {
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: corp, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-not-found",
				`MCPOIDCConfig corp not found: failed to get MCPOIDCConfig toolhive/corp: mcpoidcconfigs.toolhive.stacklok.dev "corp" not found`)},
		},
		{
			name:   "O2-oidc-status-ignored",
			reason: "O2: Valid=False in the input is not what the MCPOIDCConfig controller would write for a valid spec, so it does not stop rendering",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "status", `{conditions: [{type: Valid, status: "False", reason: Bad, message: "issuer unreachable", lastTransitionTime: "2026-01-01T00:00:00Z"}]}`)
			},
			rendered: true,
		},
		{
			name:   "O-oidc-type-unsupported",
			reason: "an unknown MCPOIDCConfig type breaks its CRD enum: the error is on the MCPOIDCConfig, and the server that references it is not rendered",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.type", "ldap")
			},
			want: []want{
				{sev: results.Error, kind: "MCPOIDCConfig", name: "as-oidc", field: "spec.type", rule: "schema", msg: `unsupported value "ldap": supported values: "kubernetesServiceAccount", "inline"`},
				errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", `MCPOIDCConfig as-oidc is not valid: see its own error results`),
			},
		},
		{
			name:   "O-oidc-type-without-config",
			reason: "type kubernetesServiceAccount without its block breaks the MCPOIDCConfig CRD's one-of rule: the error is on it, and the server is not rendered",
			edit: func(f *fixture) {
				f.add(doc("MCPOIDCConfig", "sa", "type: kubernetesServiceAccount"))
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: sa, audience: vmcp}}`)
			},
			want: []want{
				{sev: results.Error, kind: "MCPOIDCConfig", name: "sa", field: "spec", rule: "schema", msg: "kubernetesServiceAccount must be set when type is 'kubernetesServiceAccount', and must not be set otherwise (a CRD validation rule"},
				errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", `MCPOIDCConfig sa is not valid: see its own error results`),
			},
		},
		{
			name:   "O-oidc-http-issuer",
			reason: "O2: the MCPOIDCConfig controller refuses an http issuer without insecureAllowHTTP",
			edit: func(f *fixture) {
				f.add(doc("MCPOIDCConfig", "plain", "type: inline\ninline: {issuer: \"http://keycloak.local/realms/x\"}"))
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: plain, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid",
				`MCPOIDCConfig plain is not valid: OIDC issuer URL "http://keycloak.local/realms/x" uses HTTP scheme, which is insecure; use HTTPS or set insecureAllowHTTP: true`)},
		},
		{
			name:   "O-oidc-http-issuer-allowed",
			reason: "insecureAllowHTTP: true lets the same http issuer through",
			edit: func(f *fixture) {
				f.add(doc("MCPOIDCConfig", "plain", "type: inline\ninline: {issuer: \"http://keycloak.local/realms/x\", insecureAllowHTTP: true}"))
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: plain, audience: vmcp}}`)
			},
			rendered: true,
		},
		{
			name:   "O-oidc-jwks-bad-scheme",
			reason: "O2: a JWKS URL that is neither http nor https",
			edit: func(f *fixture) {
				f.add(doc("MCPOIDCConfig", "j", "type: inline\ninline: {issuer: \"https://idp.example.com\", jwksUrl: \"ftp://idp.example.com/keys\"}"))
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: j, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", `JWKS URL "ftp://idp.example.com/keys" has unsupported scheme "ftp"`)},
		},
		{
			name:   "O-oidc-status-not-trusted",
			reason: "Valid=True in the input does not save an http issuer: the controller would write Valid=False",
			edit: func(f *fixture) {
				f.add(doc("MCPOIDCConfig", "plain", "type: inline\ninline: {issuer: \"http://keycloak.local/realms/x\"}") + "status:\n  conditions: [{type: Valid, status: \"True\", reason: ValidationSucceeded, message: ok, lastTransitionTime: \"2026-01-01T00:00:00Z\"}]\n")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: plain, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", `MCPOIDCConfig plain is not valid: OIDC issuer URL "http://keycloak.local/realms/x" uses HTTP scheme`)},
		},
		{
			name:   "R1-authz-not-found",
			reason: "R1: the MCPAuthzConfig is not in the input",
			edit:   func(f *fixture) { f.set("spec.incomingAuth.authzConfigRef", `{name: corp}`) },
			want: []want{errOn("spec.incomingAuth.authzConfigRef.name", "authz-config-not-found",
				`MCPAuthzConfig corp not found: failed to get MCPAuthzConfig toolhive/corp: mcpauthzconfigs.toolhive.stacklok.dev "corp" not found`)},
		},
		{
			name:   "R2-authz-not-valid",
			reason: "R2: the MCPAuthzConfig controller would write Valid=False (an httpv1 PDP without claim_mapping), before the cedarv1-only check",
			edit: func(f *fixture) {
				f.add(doc("MCPAuthzConfig", "corp", "type: httpv1\nconfig: {http: {url: \"https://pdp.example.com\"}}"))
				f.set("spec.incomingAuth.authzConfigRef", `{name: corp}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfigRef.name", "authz-config-ref-invalid",
				`MCPAuthzConfig corp is not valid: MCPAuthzConfig toolhive/corp is not valid (condition "Valid" is not True)`)},
		},
		{
			name:   "R3-authz-type",
			reason: "R3: an MCPAuthzConfig that is not cedarv1",
			edit: func(f *fixture) {
				f.add(doc("MCPAuthzConfig", "corp", "type: httpv1\nconfig: {http: {url: \"https://pdp.example.com\"}, claim_mapping: standard}"))
				f.set("spec.incomingAuth.authzConfigRef", `{name: corp}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfigRef.name", "authz-config-ref-invalid",
				`MCPAuthzConfig corp has unsupported type "httpv1" for VirtualMCPServer; only cedarv1 is supported`)},
		},
		{
			name:   "R-authz-no-policies",
			reason: "MCPAuthzConfig's own Validate(): cedarv1 needs a policy",
			edit: func(f *fixture) {
				f.add(doc("MCPAuthzConfig", "corp", "type: cedarv1\nconfig: {policies: []}"))
				f.set("spec.incomingAuth.authzConfigRef", `{name: corp}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfigRef.name", "authz-config-ref-invalid", "at least one policy is required for Cedar authorization")},
		},
		{
			name:   "T1-telemetry-not-found",
			reason: "T1: the MCPTelemetryConfig is not in the input",
			edit:   func(f *fixture) { f.set("spec.telemetryConfigRef", `{name: otel}`) },
			want:   []want{errOn("spec.telemetryConfigRef.name", "telemetry-config-not-found", "MCPTelemetryConfig otel not found")},
		},
		{
			name:   "T2-telemetry-invalid",
			reason: "T2: an endpoint with neither tracing nor metrics",
			edit: func(f *fixture) {
				f.add(doc("MCPTelemetryConfig", "otel", "openTelemetry: {enabled: true, endpoint: \"otel:4317\"}"))
				f.set("spec.telemetryConfigRef", `{name: otel}`)
			},
			want: []want{errOn("spec.telemetryConfigRef.name", "telemetry-config-invalid",
				"MCPTelemetryConfig otel is invalid: endpoint requires at least one of tracing or metrics to be enabled")},
		},

		// --- K: Secrets and ConfigMaps -----------------------------------
		{
			name:   "K1-delegate-secret-key-missing",
			reason: "K1: a legacy delegate client Secret without the key, in the operator's wording",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("delegate", "other", "x"))
				f.set("spec.authServerConfig.delegateClients", `[{clientId: agent, clientSecretRef: {name: delegate, key: secret}, scopes: [openid], audiences: ["https://mcp.example.com/mcp"]}]`)
			},
			want: []want{errOn("spec.authServerConfig.delegateClients[0].clientSecretRef", "secret-key-missing",
				`Authentication configuration is invalid: delegate client "agent" secret toolhive/delegate is missing key "secret"`)},
		},
		{
			name:   "duplicate-secret",
			reason: "the same Secret twice: an error on the second copy; the first is read",
			edit: func(f *fixture) {
				f.add(secret("vmcp-hmac-secret", "hmac-secret", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="))
				f.add(secret("vmcp-hmac-secret", "hmac-secret", "x"))
			},
			want: []want{{sev: results.Error, kind: "Secret", name: "vmcp-hmac-secret", field: "metadata.name", rule: "duplicate-object",
				msg: "Secret toolhive/vmcp-hmac-secret appears twice in the input"}},
			rendered: true,
		},
		{
			name:   "K1-secret-key-missing",
			reason: "K1: the OIDC client Secret is present without the key",
			edit: func(f *fixture) {
				f.add(asOIDC)
				f.add(secret("oidc-client", "other", "x"))
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientId", "vmcp")
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientSecretRef", "{name: oidc-client, key: secret}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "secret-key-missing",
				`Authentication configuration is invalid: MCPOIDCConfig OIDC client secret secret toolhive/oidc-client is missing key "secret"; Secret oidc-client has no key "secret"`)},
		},
		{
			name:   "K1-secret-absent-error",
			reason: "the operator reads the OIDC client Secret before rendering and fails without it, so its absence is an error even under the default absentSecrets: warn",
			edit: func(f *fixture) {
				f.add(asOIDC)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientId", "vmcp")
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientSecretRef", "{name: oidc-client, key: secret}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "operator-secret-absent",
				`Authentication configuration is invalid: failed to get MCPOIDCConfig OIDC client secret secret toolhive/oidc-client: secrets "oidc-client" not found`)},
		},
		{
			name:   "K1-secret-absent-ignore",
			reason: "absentSecrets: ignore turns the K1 error into a warning (the user manages the Secret elsewhere)",
			edit: func(f *fixture) {
				f.add(asOIDC)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientId", "vmcp")
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientSecretRef", "{name: oidc-client, key: secret}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			config:   func(s *fnconfig.Spec) { s.AbsentSecrets = fnconfig.AbsentIgnore },
			want:     []want{warnOn("spec.incomingAuth.oidcConfigRef.name", "operator-secret-absent", `secrets "oidc-client" not found`)},
			rendered: true,
		},
		{
			name:   "K1-delegate-secret-absent",
			reason: "a legacy authServerConfig.delegateClients Secret is read by the operator too",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.delegateClients", `[{clientId: agent, clientSecretRef: {name: agent-secret, key: secret}, scopes: [openid], audiences: ["https://mcp.example.com/mcp"]}]`)
			},
			want: []want{errOn("spec.authServerConfig.delegateClients[0].clientSecretRef", "operator-secret-absent",
				`failed to get delegate client "agent" secret toolhive/agent-secret: secrets "agent-secret" not found`)},
		},
		{
			name:   "absent-secret-warn",
			reason: "any other absent Secret is a warning by default (Secrets often live outside Git)",
			edit: func(f *fixture) {
				f.add(doc("MCPExternalAuthConfig", "ext", "type: headerInjection\nheaderInjection: {headerName: X-Api-Key, valueSecretRef: {name: api-key, key: key}}"))
				f.set("spec.outgoingAuth", `{source: discovered, default: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ext}}}`)
			},
			want:     []want{warnOn("spec.outgoingAuth", "secret-absent", `Secret api-key (key "key", for env TOOLHIVE_HEADER_INJECTION_VALUE_EXT) is not in the input`)},
			rendered: true,
		},
		{
			name:   "absent-secret-error",
			reason: "absentSecrets: error fails the server on any absent Secret",
			edit: func(f *fixture) {
				f.add(doc("MCPExternalAuthConfig", "ext", "type: headerInjection\nheaderInjection: {headerName: X-Api-Key, valueSecretRef: {name: api-key, key: key}}"))
				f.set("spec.outgoingAuth", `{source: discovered, default: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ext}}}`)
			},
			config: func(s *fnconfig.Spec) { s.AbsentSecrets = fnconfig.AbsentError },
			want:   []want{errOn("spec.outgoingAuth", "secret-absent", `Secret api-key (key "key", for env TOOLHIVE_HEADER_INJECTION_VALUE_EXT) is not in the input`)},
		},
		{
			name:   "K1-upstream-secret-key-missing",
			reason: "an upstream client Secret present without the key (not checked by the operator)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.drop("Secret", "idp-client")
				f.add(secret("idp-client", "clientSecret", "idp-client-secret-value"))
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].oidcConfig.clientSecretRef", "secret-key-missing", `Secret idp-client has no key "client-secret"`)},
		},
		{
			name:   "K2-authz-configmap-not-found",
			reason: "K2: the authz ConfigMap is not in the input",
			edit: func(f *fixture) {
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.name", "authz-configmap-invalid",
				`Authorization ConfigMap is invalid: failed to get Authz ConfigMap toolhive/authz: configmaps "authz" not found`)},
		},
		{
			name:   "K2-authz-configmap-key-missing",
			reason: "K2: the authz ConfigMap lacks the key",
			edit: func(f *fixture) {
				f.add(configMap("authz", "policy.json", "{}"))
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.key", "authz-configmap-invalid",
				`authz ConfigMap toolhive/authz is missing key "authz.json"`)},
		},
		{
			name:   "K2-authz-configmap-httpv1-invalid",
			reason: "K2: an httpv1 document is validated before the Cedar-only check (no pdp options)",
			edit: func(f *fixture) {
				f.add(configMap("authz", "authz.json", `{"version": "1.0", "type": "httpv1", "http": {"url": "https://pdp.example.com"}}`))
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.key", "authz-configmap-invalid",
				`invalid authz config from ConfigMap toolhive/authz key "authz.json": invalid httpv1 configuration: pdp configuration is required (missing 'pdp' field)`)},
		},
		{
			name:   "K2-authz-configmap-httpv1-valid",
			reason: "K2: a valid httpv1 document is still refused, because a VirtualMCPServer takes only Cedar",
			edit: func(f *fixture) {
				f.add(configMap("authz", "authz.json", `{"version": "1.0", "type": "httpv1", "pdp": {"http": {"url": "https://pdp.example.com"}, "claim_mapping": "mpe"}}`))
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.key", "authz-configmap-invalid", "authz ConfigMap toolhive/authz is not a Cedar config: cedar config is nil")},
		},
		{
			name:   "K2-authz-configmap-no-policy",
			reason: "K2: the authz document has no policy",
			edit: func(f *fixture) {
				f.add(configMap("authz", "authz.json", `{"version": "1.0", "type": "cedarv1", "cedar": {"policies": []}}`))
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.key", "authz-configmap-invalid",
				`invalid authz config from ConfigMap toolhive/authz key "authz.json": invalid cedarv1 configuration: at least one policy is required for Cedar authorization`)},
		},
		{
			name:   "K2-authz-configmap-unparsable",
			reason: "K2: the authz document does not parse",
			edit: func(f *fixture) {
				f.add(configMap("authz", "authz.json", `{"version": [`))
				f.set("spec.incomingAuth.authzConfig", `{type: configMap, configMap: {name: authz}}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfig.configMap.key", "authz-configmap-invalid", "failed to parse authz config from ConfigMap toolhive/authz")},
		},

		// --- X: conversion -----------------------------------------------
		{
			name:   "X3-legacy-delegate-invalid",
			reason: "X3: legacy delegateClients that the builder rejects (a scope the server does not support; the CRD admits it)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("delegate", "secret", "delegate-secret-value"))
				f.set("spec.authServerConfig.delegateClients", `[{clientId: agent, clientSecretRef: {name: delegate, key: secret}, scopes: [admin], audiences: ["https://mcp.example.com/mcp"]}]`)
			},
			want: []want{errOn("spec.authServerConfig", "auth-server-config-invalid", `invalid delegate clients in spec.authServerConfig: `)},
		},
		{
			name:   "schema-delegate-empty-lists",
			reason: "the CRD requires at least one scope and one audience per delegate client (minItems), so the API server would refuse the object",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("delegate", "secret", "delegate-secret-value"))
				f.set("spec.authServerConfig.delegateClients", `[{clientId: agent, clientSecretRef: {name: delegate, key: secret}, scopes: [], audiences: []}]`)
			},
			want: []want{
				errOn("spec.authServerConfig.delegateClients[0].audiences", "schema", "must have at least 1 item(s), got 0"),
				errOn("spec.authServerConfig.delegateClients[0].scopes", "schema", "must have at least 1 item(s), got 0"),
			},
		},
		{
			name:   "wrong-kind-group",
			reason: "groupRef names an object of another kind",
			edit: func(f *fixture) {
				f.drop("MCPGroup", "team")
				f.add(configMap("team", "k", "v"))
			},
			want: []want{errOn("spec.groupRef.name", "group-not-found", "Referenced MCPGroup team not found; add the MCPGroup to the input or fix spec.groupRef.name; a ConfigMap named team exists, but this reference needs an MCPGroup")},
		},
		{
			name:   "authz-primary-deprecated",
			reason: "event AuthzPrimaryUpstreamProviderDeprecated: the old location still works, with a warning",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"], primaryUpstreamProvider: okta}}`)
			},
			want: []want{warnOn("spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider", "authz-primary-upstream-provider-deprecated",
				"spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider is deprecated; move the value to spec.authServerConfig.primaryUpstreamProvider")},
			rendered: true,
		},
		{
			name:     "embedding-service-manual",
			reason:   "event EmbeddingServiceManual: a hand-set embedding service is a warning",
			edit:     func(f *fixture) { f.set("spec.config.optimizer", `{embeddingService: "http://tei:8080"}`) },
			want:     []want{warnOn("spec.config.optimizer.embeddingService", "embedding-service-manual", "spec.embeddingServerRef is the recommended way")},
			rendered: true,
		},
		{
			name:   "static-entry-status-ignored",
			reason: "static mode: a Failed phase in the input is not what the entry's controller would write for a valid entry, so it is listed",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "remote", "remoteUrl: \"https://mcp.example.org/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}") + "status:\n  phase: Failed\n")
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			rendered: true,
		},
		{
			name:   "oidc-inline-issuer-missing",
			reason: "a required field of a referenced object is missing: MCPOIDCConfig inline without issuer",
			edit: func(f *fixture) {
				f.add(asOIDC)
				delPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.issuer")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{
				{sev: results.Error, kind: "MCPOIDCConfig", name: "as-oidc", field: "spec.inline.issuer", rule: "schema", msg: "required field is missing: the MCPOIDCConfig CRD requires it"},
				errOn("spec.incomingAuth.oidcConfigRef.name", "oidc-config-invalid", "MCPOIDCConfig as-oidc is not valid: see its own error results"),
			},
		},
		{
			name:   "X1-external-auth-not-found",
			reason: "X1: the default outgoing auth names a missing MCPExternalAuthConfig",
			edit: func(f *fixture) {
				f.set("spec.outgoingAuth", `{default: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ghost}}}`)
			},
			want: []want{errOn("spec.outgoingAuth.default", "external-auth-config-not-found",
				`failed to convert outgoing auth: failed to convert default backend auth: failed to get MCPExternalAuthConfig toolhive/ghost: mcpexternalauthconfigs.toolhive.stacklok.dev "ghost" not found`)},
		},
		{
			name:   "X1-external-auth-bearer",
			reason: "X1: bearerToken is not supported for vMCP outgoing auth (pub-15)",
			edit: func(f *fixture) {
				withExternalAuth(f, "type: bearerToken\nbearerToken: {tokenSecretRef: {name: tok, key: token}}")
			},
			want: []want{errOn("spec.outgoingAuth.default", "external-auth-type-unsupported", "unsupported auth type: bearerToken")},
		},
		{
			name:   "X1-external-auth-obo",
			reason: "X1: obo needs an enterprise build",
			edit: func(f *fixture) {
				withExternalAuth(f, "type: obo\nobo: {tenantId: 11111111-2222-3333-4444-555555555555, clientId: vmcp, audience: api}")
			},
			want: []want{errOn("spec.outgoingAuth.default", "external-auth-type-unsupported", "on-behalf-of (OBO) external auth type requires an enterprise build")},
		},
		{
			name:   "X1-external-auth-embedded",
			reason: "X1: embeddedAuthServer is configured inline on the VirtualMCPServer, not as outgoing auth",
			edit: func(f *fixture) {
				f.add(doc("MCPExternalAuthConfig", "ext", "type: embeddedAuthServer\nembeddedAuthServer: {issuer: \"https://auth.example.com\", upstreamProviders: ["+oktaUpstream+"]}"))
				f.set("spec.outgoingAuth", `{backends: {github: {type: externalAuthConfigRef, externalAuthConfigRef: {name: ext}}}}`)
			},
			want: []want{errOn("spec.outgoingAuth.backends.github", "external-auth-type-unsupported", "failed to convert backend auth for github: unsupported auth type: embeddedAuthServer")},
		},
		{
			name:   "X1-tool-config-not-found",
			reason: "X1: an aggregation tools entry names a missing MCPToolConfig",
			edit: func(f *fixture) {
				f.set("spec.config.aggregation", `{tools: [{workload: fetch, toolConfigRef: {name: filters}}]}`)
			},
			want: []want{errOn("spec.config.aggregation.tools[0].toolConfigRef.name", "tool-config-not-found",
				`failed to convert aggregation config: MCPToolConfig resolution failed for "filters"`)},
		},
		{
			name:   "X1-composite-duplicate-across-refs",
			reason: "X1: an inline composite tool and a referenced definition share a name",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPCompositeToolDefinition", "triage", "name: triage\ndescription: t\nsteps: [{id: s, tool: x.y}]"))
				f.set("spec.config.compositeTools", `[{name: triage, description: inline, steps: [{id: s, tool: x.y}]}]`)
				f.set("spec.config.compositeToolRefs", `[{name: triage}]`)
			},
			want: []want{errOn("spec.config.compositeToolRefs", "composite-tool-duplicate", `duplicate composite tool name: "triage"`)},
		},
		{
			name:   "X2-build-error",
			reason: "a registration rate limit of zero tokens breaks the CRD's minimum, so the API server refuses it before the operator's builder could",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.registrationRateLimit", `{maxTokens: 0, refillPeriod: 1m}`)
			},
			want: []want{errOn("spec.authServerConfig.registrationRateLimit.maxTokens", "schema", "must be greater than or equal to 1, got 0")},
		},
		{
			name:   "schema-issuer-trailing-slash",
			reason: "the auth server issuer must match the CRD pattern (no trailing slash, query or fragment)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.issuer", `"https://mcp.example.com/"`)
			},
			want: []want{errOn("spec.authServerConfig.issuer", "schema", `"https://mcp.example.com/" does not match the pattern ^https?://[^\s?#]+[^/\s?#]$`)},
		},
		{
			name:   "schema-upstream-duplicate-name",
			reason: "upstreamProviders is a list-type map keyed by name: two upstreams of one name are refused",
			edit: func(f *fixture) {
				withAuthServer(f, oktaUpstream, oktaUpstream)
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders", "schema", "items 0 and 1 have the same name=okta; entries must be unique by name")},
		},
		{
			name:   "schema-upstream-name-pattern",
			reason: "upstream names are DNS labels",
			edit: func(f *fixture) {
				withAuthServer(f, strings.Replace(oktaUpstream, "name: okta", "name: Okta_1", 1))
			},
			want: []want{errOn("spec.authServerConfig.upstreamProviders[0].name", "schema", `"Okta_1" does not match the pattern ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)},
		},
		{
			name:   "schema-token-lifespan-duration",
			reason: "token lifespans are Go durations by pattern: 1d is not one",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.tokenLifespans", `{accessTokenLifespan: 1d}`)
			},
			want: []want{errOn("spec.authServerConfig.tokenLifespans.accessTokenLifespan", "schema", `"1d" does not match the pattern`)},
		},
		{
			name:   "schema-log-level-enum",
			reason: "spec.config.operational.logLevel only admits debug",
			edit:   func(f *fixture) { f.set("spec.config.operational", `{logLevel: info}`) },
			want:   []want{errOn("spec.config.operational.logLevel", "schema", `unsupported value "info": supported values: "debug"`)},
		},
		{
			name:   "schema-partial-failure-mode",
			reason: "failureHandling.partialFailureMode is an enum",
			edit: func(f *fixture) {
				f.set("spec.config.operational", `{failureHandling: {partialFailureMode: sometimes}}`)
			},
			want: []want{errOn("spec.config.operational.failureHandling.partialFailureMode", "schema", `supported values: "fail", "best_effort"`)},
		},
		{
			name:   "schema-external-auth-subject-token-type",
			reason: "a schema error in a referenced MCPExternalAuthConfig is reported on it, and the server that uses it is not rendered",
			edit: func(f *fixture) {
				withExternalAuth(f, "type: tokenExchange\ntokenExchange: {tokenUrl: \"https://sts.example.com/token\", audience: api, subjectTokenType: saml}")
			},
			want: []want{
				{sev: results.Error, kind: "MCPExternalAuthConfig", name: "ext", field: "spec.tokenExchange.subjectTokenType", rule: "schema", msg: `"saml" does not match the pattern`},
				errOn("spec.outgoingAuth.default", "external-auth-config-invalid", "MCPExternalAuthConfig toolhive/ext is invalid; see its own error results"),
			},
		},
		{
			name:   "static-entry-private-url",
			reason: "static mode: an MCPServerEntry without status whose remoteUrl is in-cluster is Failed by its controller (SSRF guard), so it is skipped",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "internal", "remoteUrl: \"http://docs.tools.svc.cluster.local:8080/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}"))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want: []want{
				warnOn("spec.groupRef.name", "static-backend-skipped", `MCPServerEntry internal is not listed as a static backend: its controller would mark it Failed: remote URL host is not allowed: hostname "docs.tools.svc.cluster.local" matches blocked internal hostname "cluster.local"`),
				errOn("spec.groupRef.name", "static-mode-no-backends", "none were discovered in group team"),
			},
		},
		{
			name:   "static-entry-private-url-allowed",
			reason: "allowPrivateEndpoint: true admits the same in-cluster entry",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "internal", "remoteUrl: \"http://docs.tools.svc.cluster.local:8080/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}\nallowPrivateEndpoint: true"))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			rendered: true,
		},
		{
			name:   "static-entry-loopback-ip",
			reason: "a loopback IP is blocked even with allowPrivateEndpoint",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "lo", "remoteUrl: \"http://127.0.0.1:9000/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}\nallowPrivateEndpoint: true"))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want: []want{
				warnOn("spec.groupRef.name", "static-backend-skipped", "IP address 127.0.0.1 falls within blocked range 127.0.0.0/8"),
				errOn("spec.groupRef.name", "static-mode-no-backends", "none were discovered in group team"),
			},
		},
		{
			name:   "static-entry-ca-configmap-absent",
			reason: "static mode: the entry controller fails an entry whose CA bundle ConfigMap does not exist",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "remote", "remoteUrl: \"https://mcp.example.org/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}\ncaBundleRef: {configMapRef: {name: ext-ca, key: ca.crt}}"))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want: []want{
				warnOn("spec.groupRef.name", "static-backend-skipped", "Referenced CA bundle ConfigMap not found (ConfigMap ext-ca; add it to the input)"),
				errOn("spec.groupRef.name", "static-mode-no-backends", "none were discovered in group team"),
			},
		},
		{
			name:   "static-entry-ca-binarydata-only",
			reason: "discovery reads a CA bundle from data only: a key held in binaryData leaves the entry out",
			edit: func(f *fixture) {
				f.add(doc("MCPServerEntry", "remote", "remoteUrl: \"https://mcp.example.org/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}\ncaBundleRef: {configMapRef: {name: ext-ca, key: ca.crt}}"))
				f.add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ext-ca, namespace: toolhive}\nbinaryData: {ca.crt: eA==}\n")
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want: []want{
				warnOn("spec.groupRef.name", "static-backend-skipped", `its CA bundle ConfigMap ext-ca has no key "ca.crt"`),
				errOn("spec.groupRef.name", "static-mode-no-backends", "none were discovered in group team"),
			},
		},
		{
			name:   "inline-awssts-invalid",
			reason: "inline mode reads the MCPExternalAuthConfig's Valid condition; without status its controller's Validate() decides (awsSts without any role)",
			edit: func(f *fixture) {
				f.add(staticServer)
				f.add(doc("MCPExternalAuthConfig", "sts", "type: awsSts\nawsSts: {region: eu-west-1}"))
				f.set("spec.outgoingAuth", `{source: inline, default: {type: externalAuthConfigRef, externalAuthConfigRef: {name: sts}}}`)
			},
			want:     []want{warnOn("spec.outgoingAuth.default", "outgoing-auth-conversion-failed", "invalid (ValidationFailed): awsSts: at least one of fallbackRoleArn or roleMappings must be configured")},
			rendered: true,
		},
		{
			name:   "X4-static-no-backends",
			reason: "X4: inline (static) mode with no usable workload in the group",
			edit:   func(f *fixture) { f.set("spec.outgoingAuth", `{source: inline}`) },
			want: []want{errOn("spec.groupRef.name", "static-mode-no-backends",
				"static mode requires at least one backend with valid transport ([sse streamable-http]), but none were discovered in group team")},
		},
		{
			name:   "X4-static-backend-without-url",
			reason: "X4: a workload without status.url is skipped with a warning, and then no backend is left",
			edit: func(f *fixture) {
				f.add(strings.Replace(staticServer, "  url: http://mcp-fetch-proxy.toolhive.svc.cluster.local:8080/mcp\n", "", 1))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want: []want{
				warnOn("spec.groupRef.name", "static-backend-skipped", "MCPServer fetch is not listed as a static backend: it has no status.url"),
				errOn("spec.groupRef.name", "static-mode-no-backends", "none were discovered in group team"),
			},
		},
		{
			name:   "X6-anonymous-with-auth-server",
			reason: "X6: anonymous incoming auth with an auth server has no allowed audience (pub-13)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.incomingAuth", `{type: anonymous}`)
			},
			want: []want{errOn("spec.incomingAuth.type", "auth-server-requires-oidc",
				"invalid auth server integration: auth server requires at least one allowed audience (MCP clients must send RFC 8707 resource parameter)")},
		},
		{
			name:   "X6-anonymous-with-oidc-ref",
			reason: "X6: anonymous incoming auth that still names an MCPOIDCConfig reaches the OIDC rule",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.incomingAuth.type", "anonymous")
			},
			want: []want{errOn("spec.incomingAuth.type", "auth-server-requires-oidc", "invalid auth server integration: embedded auth server requires OIDC incoming auth")},
		},
		{
			name:   "X6-audience-mismatch",
			reason: "X6: the audience is not the auth server's resource URL (pub-14)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.incomingAuth.oidcConfigRef.audience", "vmcp")
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.audience", "audience-mismatch",
				`invalid auth server integration: incomingAuth.oidc.audience "vmcp" not in auth server's allowed audiences [https://mcp.example.com/mcp]`)},
		},
		{
			name:   "X6-audience-default-resource",
			reason: "X6: without resourceUrl the allowed audience is the default service URL, so any other audience mismatches",
			edit: func(f *fixture) {
				withAuthServer(f)
				delPath(f.t, f.server(), "spec.incomingAuth.oidcConfigRef.resourceUrl")
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.audience", "audience-mismatch",
				`allowed audiences [http://vmcp.toolhive.svc.cluster.local:4483]`)},
		},
		{
			name:   "K1-before-X6",
			reason: "the operator checks its own Secrets before it converts and checks the auth server integration: the missing Secret is reported, not only the later mismatch",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.issuer", `"https://gitlab.com"`)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.clientSecretRef", "{name: idp-s, key: s}")
			},
			want: []want{
				errOn("spec.incomingAuth.oidcConfigRef.name", "operator-secret-absent", `failed to get MCPOIDCConfig OIDC client secret secret toolhive/idp-s: secrets "idp-s" not found`),
			},
		},
		{
			name:   "K1-delegate-before-builder",
			reason: "a missing legacy delegate-client Secret is reported even when the builder also refuses the client (an audience not allowed)",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.set("spec.authServerConfig.delegateClients", `[{clientId: dc1, clientSecretRef: {name: dc-s, key: s}, scopes: [openid], audiences: ["https://elsewhere.example.com"]}]`)
			},
			want: []want{
				errOn("spec.authServerConfig.delegateClients[0].clientSecretRef", "operator-secret-absent", `failed to get delegate client "dc1" secret toolhive/dc-s: secrets "dc-s" not found`),
			},
		},
		{
			name:   "X6-issuer-mismatch",
			reason: "X6: the auth server issuer differs from the MCPOIDCConfig issuer (pub-18)",
			edit: func(f *fixture) {
				withAuthServer(f)
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.issuer", `"https://gitlab.com"`)
			},
			want: []want{errOn("spec.authServerConfig.issuer", "issuer-mismatch",
				`auth server issuer mismatch: auth server issuer "https://mcp.example.com" != incomingAuth.oidc.issuer "https://gitlab.com"`)},
		},
		{
			name:   "X6-upstream-inject-unknown",
			reason: "X6: upstream_inject names an upstream the auth server does not have",
			edit: func(f *fixture) {
				withAuthServer(f)
				withExternalAuth(f, "type: upstreamInject\nupstreamInject: {providerName: gitlab}")
			},
			want: []want{errOn("spec.outgoingAuth.default", "upstream-inject-provider-unknown",
				`backend "<default-strategy>": upstream_inject providerName "gitlab" not found in auth server upstreams`)},
		},
		{
			name:   "X6-upstream-inject-without-auth-server",
			reason: "X6: upstream_inject without an auth server",
			edit:   func(f *fixture) { withExternalAuth(f, "type: upstreamInject\nupstreamInject: {providerName: okta}") },
			want: []want{errOn("spec.outgoingAuth.default", "upstream-inject-requires-auth-server",
				"upstream_inject requires an embedded auth server (authServer must be configured)")},
		},

		// --- D1: per-workload auth advisories ------------------------------
		{
			name:   "D1-discovered-auth-missing",
			reason: "D1: a workload's MCPExternalAuthConfig is missing: an advisory in discovered mode, still rendered",
			edit: func(f *fixture) {
				f.add(strings.Replace(staticServer, "  groupRef:\n", "  externalAuthConfigRef:\n    name: ghost\n  groupRef:\n", 1))
			},
			want:     []want{warnOn("spec.groupRef.name", "outgoing-auth-conversion-failed", "Failed to convert discovered auth config")},
			rendered: true,
		},

		// --- H1 and secret material ----------------------------------------
		{
			name:   "H1-hmac-secret-short",
			reason: "H1: an existing <name>-hmac-secret that is not 32 bytes: the operator refuses it",
			edit: func(f *fixture) {
				f.add(secret("vmcp-hmac-secret", "hmac-secret", "c2hvcnQ="))
			},
			want: []want{{sev: results.Warning, kind: "Secret", name: "vmcp-hmac-secret", field: "data.hmac-secret", rule: "hmac-secret-invalid",
				msg: "hmac-secret must be exactly 32 bytes, got 5 bytes"}},
			rendered: true,
		},
		{
			name:   "H1-hmac-secret-not-owned",
			reason: "H1: a valid <name>-hmac-secret from the input is fine without the operator, but the operator refuses one it did not create: say so",
			edit: func(f *fixture) {
				f.add(secret("vmcp-hmac-secret", "hmac-secret", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))
			},
			want: []want{{sev: results.Info, kind: "Secret", name: "vmcp-hmac-secret", field: "metadata.ownerReferences", rule: "hmac-secret-not-owned",
				msg: "it refuses a Secret of this name that it did not create (secret is not owned by VirtualMCPServer toolhive/vmcp)"}},
			rendered: true,
		},
		{
			name:   "H1-hmac-secret-key-missing",
			reason: "H1: an existing <name>-hmac-secret without the key",
			edit: func(f *fixture) {
				f.add(secret("vmcp-hmac-secret", "hmac", "x"))
			},
			want: []want{{sev: results.Warning, kind: "Secret", name: "vmcp-hmac-secret", field: "data.hmac-secret", rule: "hmac-secret-invalid",
				msg: "secret missing required 'hmac-secret' key"}},
			rendered: true,
		},
		{
			name:   "auth-server-hmac-short",
			reason: "quirk: an auth server HMAC secret under 32 bytes makes the auth server refuse to start",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("as-hmac", "hmac", "too-short"))
				f.set("spec.authServerConfig.hmacSecretRefs", `[{name: as-hmac, key: hmac}]`)
			},
			want: []want{errOn("spec.authServerConfig.hmacSecretRefs[0]", "hmac-secret-too-short", "HMAC secret as-hmac/hmac is 9 bytes; the embedded auth server requires at least 32 bytes")},
		},
		{
			name:   "auth-server-signing-key-not-pem",
			reason: "quirk: a signing key that is not a PEM private key",
			edit: func(f *fixture) {
				withAuthServer(f)
				f.add(secret("as-keys", "key.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
				f.set("spec.authServerConfig.signingKeySecretRefs", `[{name: as-keys, key: key.pem}]`)
			},
			want:     []want{warnOn("spec.authServerConfig.signingKeySecretRefs[0]", "signing-key-not-private-key", `PEM block type "CERTIFICATE" is not a private key`)},
			rendered: true,
		},
		{
			name:   "inline-discovered-strategy",
			reason: "quirk: inline mode renders type discovered, which vMCP rejects",
			edit: func(f *fixture) {
				f.add(staticServer)
				f.set("spec.outgoingAuth", `{source: inline, default: {type: discovered}}`)
			},
			want:     []want{warnOn("spec.outgoingAuth.default.type", "inline-discovered-strategy", "vMCP v0.63.0 rejects at start")},
			rendered: true,
		},
		{
			name:   "static-entry-without-type",
			reason: "quirk: a static MCPServerEntry with a CA bundle gets caBundlePath without type: entry",
			edit: func(f *fixture) {
				f.add(configMap("entry-ca", "ca.crt", "x"))
				f.add(doc("MCPServerEntry", "remote", "remoteUrl: \"https://mcp.example.org/mcp\"\ntransport: streamable-http\ngroupRef: {name: team}\ncaBundleRef: {configMapRef: {name: entry-ca}}"))
				f.set("spec.outgoingAuth", `{source: inline}`)
			},
			want:     []want{warnOn("spec.groupRef.name", "static-entry-without-type", "static backend remote has caBundlePath but no type: entry")},
			rendered: true,
		},

		// --- CRD admission rules -------------------------------------------
		{
			name:   "admission-oidc-without-ref",
			reason: "CEL: type oidc needs an oidcConfigRef",
			edit:   func(f *fixture) { f.set("spec.incomingAuth.type", "oidc") },
			want:   []want{errOn("spec.incomingAuth.oidcConfigRef", "oidc-config-ref-required", "spec.incomingAuth.oidcConfigRef is required when type is oidc")},
		},
		{
			name:   "admission-incoming-type",
			reason: "CRD enum: incomingAuth.type",
			edit:   func(f *fixture) { f.set("spec.incomingAuth.type", "basic") },
			want:   []want{errOn("spec.incomingAuth.type", "incoming-auth-type", "spec.incomingAuth.type must be one of: anonymous, oidc")},
		},
		{
			name:   "admission-authz-exclusive",
			reason: "CEL: authzConfig and authzConfigRef are mutually exclusive",
			edit: func(f *fixture) {
				f.add(doc("MCPAuthzConfig", "corp", "type: cedarv1\nconfig: {policies: [\"permit(principal, action, resource);\"]}"))
				f.set("spec.incomingAuth.authzConfig", `{type: inline, inline: {policies: ["permit(principal, action, resource);"]}}`)
				f.set("spec.incomingAuth.authzConfigRef", `{name: corp}`)
			},
			want: []want{errOn("spec.incomingAuth.authzConfigRef", "authz-mutually-exclusive", "authzConfig and authzConfigRef are mutually exclusive")},
		},
		{
			name:   "admission-authz-shape",
			reason: "CEL: type inline without the inline block",
			edit:   func(f *fixture) { f.set("spec.incomingAuth.authzConfig", `{type: inline}`) },
			want:   []want{errOn("spec.incomingAuth.authzConfig.inline", "authz-config-shape", "inline must be set when type is 'inline', and must not be set otherwise")},
		},
		{
			name:   "admission-rate-limit-needs-redis",
			reason: "CEL: rate limiting needs Redis session storage",
			edit:   func(f *fixture) { f.set("spec.config.rateLimiting", `{shared: {maxTokens: 10, refillPeriod: 1m}}`) },
			want:   []want{errOn("spec.config.rateLimiting", "rate-limiting", "config.rateLimiting requires sessionStorage with provider 'redis'")},
		},
		{
			name:   "admission-redis-address",
			reason: "CEL: Redis session storage needs an address",
			edit:   func(f *fixture) { f.set("spec.sessionStorage", `{provider: redis}`) },
			want:   []want{errOn("spec.sessionStorage.address", "session-storage", "address is required when provider is redis")},
		},
		{
			name:   "session-redis-ca-key-missing",
			reason: "a volume the operator builds reports the spec field it came from (the session Redis CA), not the volume's name",
			edit: func(f *fixture) {
				f.add(secret("redis-ca", "other", "x"))
				f.set("spec.sessionStorage", `{provider: redis, address: "redis:6379", tls: {caCertSecretRef: {name: redis-ca, key: ca.crt}}}`)
			},
			want: []want{errOn("spec.sessionStorage.tls.caCertSecretRef", "secret-key-missing", `Secret redis-ca has no key "ca.crt", which the pod needs for volume session-redis-tls-ca`)},
		},
		{
			name:   "admission-service-type",
			reason: "CRD enum: serviceType",
			edit:   func(f *fixture) { f.set("spec.serviceType", "Ingress") },
			want:   []want{errOn("spec.serviceType", "service-type", "spec.serviceType must be one of: ClusterIP, NodePort, LoadBalancer")},
		},
		{
			name:   "admission-replicas",
			reason: "CRD minimum: replicas >= 0",
			edit:   func(f *fixture) { f.set("spec.replicas", "-1") },
			want:   []want{errOn("spec.replicas", "replicas", "spec.replicas must be >= 0")},
		},
		{
			name:   "admission-outgoing-source",
			reason: "CRD enum: outgoingAuth.source",
			edit:   func(f *fixture) { f.set("spec.outgoingAuth", `{source: static}`) },
			want:   []want{errOn("spec.outgoingAuth.source", "outgoing-auth-source", "spec.outgoingAuth.source must be one of: discovered, inline")},
		},
		{
			name:   "admission-circuit-breaker",
			reason: "CEL: circuit breaker timeout >= 1s",
			edit: func(f *fixture) {
				f.set("spec.config.operational", `{failureHandling: {circuitBreaker: {enabled: true, timeout: 500ms}}}`)
			},
			want: []want{errOn("spec.config.operational.failureHandling.circuitBreaker.timeout", "circuit-breaker", "timeout must be >= 1s")},
		},
		{
			name:     "inline-telemetry-ignored",
			reason:   "event InlineTelemetryIgnored: spec.config.telemetry without telemetryConfigRef is a warning",
			edit:     func(f *fixture) { f.set("spec.config.telemetry", `{endpoint: "otel:4317", tracingEnabled: true}`) },
			want:     []want{warnOn("spec.config.telemetry", "inline-telemetry-ignored", "spec.config.telemetry is ignored by the operator")},
			rendered: true,
		},

		// --- Whole lists ---------------------------------------------------
		{
			name:   "validate-mode",
			reason: "mode: validate reports but emits nothing",
			edit:   func(f *fixture) { f.set("spec.replicas", "2") },
			config: func(s *fnconfig.Spec) { s.Mode = fnconfig.ModeValidate },
			want:   []want{warnOn("spec.sessionStorage.provider", "session-storage-missing-for-replicas", "sessions are not shared across replicas")},
		},
		{
			name:   "no-virtualmcpserver",
			reason: "a ResourceList with other objects but no VirtualMCPServer: an info result, items pass through",
			edit: func(f *fixture) {
				f.alone = true
				f.drop("VirtualMCPServer", "vmcp")
			},
			want: []want{{sev: results.Info, rule: "no-virtualmcpserver", msg: "the input holds no VirtualMCPServer"}},
		},
		{
			name:   "empty-list",
			reason: "an empty ResourceList: an info result, no output",
			edit: func(f *fixture) {
				f.alone = true
				f.items = nil
			},
			want: []want{{sev: results.Info, rule: "no-virtualmcpserver", msg: "nothing to render"}},
		},
	}
}

// TestBadInputs renders each bad input in process and checks the results it
// must produce, that nothing is rendered for the broken server (fail
// closed), and the properties every render must have.
func TestBadInputs(t *testing.T) {
	cases := slices.Concat(badCases(), hostileCases(), apiServerCases(), parityCases())
	require.GreaterOrEqual(t, len(cases), 60)
	seen := map[string]bool{}
	for _, tc := range cases {
		require.False(t, seen[tc.name], "duplicate case name %s", tc.name)
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) { runBadCase(t, tc) })
	}
}

func sorted(rs framework.Results) framework.Results {
	c := append(framework.Results(nil), rs...)
	results.Sort(c)
	return c
}

func dump(rs framework.Results) string {
	var b strings.Builder
	for _, r := range sorted(rs) {
		fmt.Fprintf(&b, "  %s %v\n", results.Line(r), r.Tags)
	}
	return b.String()
}

func about(r *framework.Result, kind, name string) bool {
	return r.ResourceRef != nil && r.ResourceRef.Kind == kind && r.ResourceRef.Name == name
}

func matches(r *framework.Result, w want) bool {
	if r.Severity != w.sev || r.Tags["rule"] != w.rule || !strings.Contains(r.Message, w.msg) {
		return false
	}
	if w.item != "" && r.Tags["item"] != w.item {
		return false
	}
	if w.kind == "" && w.name == "" {
		if r.ResourceRef != nil {
			return false
		}
	} else if r.ResourceRef == nil || r.ResourceRef.Kind != w.kind || r.ResourceRef.Name != w.name {
		return false
	}
	field := ""
	if r.Field != nil {
		field = r.Field.Path
	}
	return field == w.field
}

func hasResult(rs framework.Results, w want) bool {
	for _, r := range rs {
		if matches(r, w) {
			return true
		}
	}
	return false
}

func expected(r *framework.Result, ws []want) bool {
	for _, w := range ws {
		if matches(r, w) {
			return true
		}
	}
	return false
}

// renderedServer reports whether a server's Deployment is in the output.
func renderedServer(out []*yaml.RNode, name string) bool {
	for _, n := range out {
		if kindName(n) == "Deployment/"+name {
			return true
		}
	}
	return false
}

// generatedFor lists the objects generated for a server, by the
// toolhive.stacklok.io/virtual-mcp-server label or the fixed names.
func generatedFor(out []*yaml.RNode, n int, name string) []string {
	names := map[string]bool{
		"Deployment/" + name: true, "ConfigMap/" + name + "-vmcp-config": true, "ServiceAccount/" + name + "-vmcp": true,
		"Role/" + name + "-vmcp": true, "RoleBinding/" + name + "-vmcp": true, "Service/vmcp-" + name: true,
	}
	var got []string
	for _, o := range out[n:] {
		if id := kindName(o); names[id] {
			got = append(got, id)
		}
	}
	return got
}

// checkProperties holds for every render: every result has a severity and
// a valid resourceRef/file; a server with an error result about it has no
// object at all while every server without one has all six; every input
// item passes through unchanged and in order; results sort to a total order;
// rendering again gives the same output.
func checkProperties(t *testing.T, items, out []*yaml.RNode, rs framework.Results, spec fnconfig.Spec) {
	t.Helper()
	byID := map[string]*yaml.RNode{}
	for _, n := range items {
		if id := kindName(n); id != "" {
			byID[id] = n
		}
	}
	failed := map[string]bool{}
	for _, r := range rs {
		require.NotEmpty(t, r.Severity, "result without severity: %s", r.Message)
		require.NotEmpty(t, r.Message, "result without message")
		require.NotContains(t, r.Message, "\n", "messages are one line")
		// Every result names a declared rule, and a condition it carries is
		// one its declaration names (pkg/results/rules.go).
		rule, ok := results.Lookup(r.Tags["rule"])
		require.True(t, ok, "result without a declared rule: %s", results.Line(r))
		if c := r.Tags["conditionType"]; c != "" {
			assert.Contains(t, rule.Conditions(), c, "rule %s does not declare condition %s", rule.Name(), c)
		}
		if r.ResourceRef == nil {
			continue
		}
		if r.Severity == results.Error && r.ResourceRef.Kind == "VirtualMCPServer" {
			failed[r.ResourceRef.Name] = true
		}
		// A malformed item cannot carry the orchestrator's annotations; its
		// results name it by position (tags.item) instead.
		if in, ok := byID[r.ResourceRef.Kind+"/"+r.ResourceRef.Name]; ok && r.ResourceRef.Name != "" && r.Tags["item"] == "" {
			if assert.NotNil(t, r.File, "result about an input item names its file: %s", results.Line(r)) {
				assert.Equal(t, fileOf(in), r.File.Path, "file.path of %s", results.Line(r))
			}
		}
	}

	// Every input item is still there, first, unchanged.
	require.GreaterOrEqual(t, len(out), len(items))
	for i, n := range items {
		assert.Equal(t, n.MustString(), out[i].MustString(), "input item %d (%s) changed", i, kindName(n))
	}

	// Fail closed: all or nothing per server.
	for _, n := range items {
		if !strings.HasPrefix(kindName(n), "VirtualMCPServer/") || n.GetName() == "" {
			continue
		}
		got := generatedFor(out, len(items), n.GetName())
		if failed[n.GetName()] || spec.Mode == fnconfig.ModeValidate {
			assert.Empty(t, got, "server %s has an error result but objects were rendered", n.GetName())
		} else {
			assert.Len(t, got, 6, "server %s has no error result but was not fully rendered: %v", n.GetName(), got)
		}
	}
	if byID["VirtualMCPServer/other-vmcp"] != nil && spec.Mode != fnconfig.ModeValidate {
		assert.True(t, renderedServer(out, "other-vmcp"), "the companion server must render whatever happens to vmcp")
	}

	// Sorting is a total order: the same results in reverse sort the same.
	a, b := sorted(rs), append(framework.Results(nil), rs...)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	results.Sort(b)
	assert.Equal(t, lines(a), lines(b), "result order depends on input order")

	// Deterministic: a second render gives the same bytes and results.
	out2, rs2 := render(t, items, spec)
	assert.Equal(t, yamlString(t, out), yamlString(t, out2), "two renders differ")
	assert.Equal(t, lines(a), lines(sorted(rs2)), "two renders give different results")
}

func lines(rs framework.Results) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = results.Line(r) + fmt.Sprint(r.Tags, r.Field)
	}
	return out
}

// TestGoldenOutcomes checks the golden cases from the results' side: each
// failing case gives its error on the field to fix, with a stable rule, and
// renders nothing for the server; each passing case gives no error at all.
func TestGoldenOutcomes(t *testing.T) {
	failing := map[string]want{
		"pub-13-fail-authserver-anonymous": {sev: results.Error, kind: "VirtualMCPServer", name: "scm-vmcp", field: "spec.incomingAuth.type",
			rule: "auth-server-requires-oidc", msg: "auth server requires at least one allowed audience"},
		"pub-14-fail-audience-mismatch": {sev: results.Error, kind: "VirtualMCPServer", name: "sales-vmcp", field: "spec.incomingAuth.oidcConfigRef.audience",
			rule: "audience-mismatch", msg: `incomingAuth.oidc.audience "sales-vmcp" not in auth server's allowed audiences [https://mcp.example.com/sales/mcp]`},
		"pub-15-fail-wrong-externalauth-type": {sev: results.Error, kind: "VirtualMCPServer", name: "tracking-vmcp", field: "spec.outgoingAuth.backends.linear",
			rule: "external-auth-type-unsupported", msg: "unsupported auth type: bearerToken"},
		"pub-16-fail-duplicate-composite-names": {sev: results.Error, kind: "VirtualMCPServer", name: "release-vmcp", field: "spec.config.compositeTools[1].name",
			rule: "composite-tool-duplicate", msg: `spec.config.compositeTools[1].name "cut_release" is duplicated`},
		"pub-22-fail-jwt-bearer-resource-not-audience": {sev: results.Error, kind: "VirtualMCPServer", name: "data-vmcp",
			field: "spec.authServerConfig.inboundGrants.jwtBearer.issuerPolicies[0].subjectBindings[0].allowedResources[0]", rule: "auth-server-config-invalid",
			msg: `trusted_issuers: issuer_url "https://partner.example.com": jwt_bearer_grant subject "svc" resource "https://mcp.example.com/x" is not in allowed_audiences`},
		"pub-18-fail-issuer-mismatch": {sev: results.Error, kind: "VirtualMCPServer", name: "infra-vmcp", field: "spec.authServerConfig.issuer",
			rule: "issuer-mismatch", msg: `auth server issuer "https://mcp.example.com/infra" != incomingAuth.oidc.issuer "https://gitlab.com"`},
	}
	inputs := goldenInputs(t)
	for name := range failing {
		require.Contains(t, inputs, name)
	}
	for name, b := range inputs {
		t.Run(name, func(t *testing.T) {
			items := parseDocs(t, string(b))
			out, rs := render(t, items, fnconfig.Defaults())
			w, fails := failing[name]
			if !fails {
				assert.False(t, results.HasErrors(rs), "passing case with error results:\n%s", dump(rs))
				return
			}
			assert.True(t, hasResult(rs, w), "missing %+v; got:\n%s", w, dump(rs))
			assert.False(t, renderedServer(out, w.name), "failing case rendered a Deployment")
			assert.Empty(t, generatedFor(out, len(items), w.name), "failing case rendered objects")
		})
	}
}

// runBadCase renders one case in process and checks the results it must
// produce, that nothing is rendered for a broken server (fail closed), and
// the properties every render must have.
func runBadCase(t *testing.T, tc badCase) {
	t.Helper()
	f := newFixture(t)
	tc.edit(f)
	items := f.list()
	spec := fnconfig.Defaults()
	if tc.config != nil {
		tc.config(&spec)
	}
	out, rs := render(t, items, spec)
	if os.Getenv("VMCP_DUMP") != "" {
		for _, r := range sorted(rs) {
			t.Logf("%s %v", results.Line(r), r.Tags)
		}
	}
	for _, w := range tc.want {
		assert.True(t, hasResult(rs, w), "%s\nmissing result %+v\ngot:\n%s", tc.reason, w, dump(rs))
	}
	// Every error about vmcp is one the case expects (or the
	// not-rendered summary): no noise, no duplicates.
	for _, r := range rs {
		if r.Severity != results.Error || !about(r, "VirtualMCPServer", "vmcp") || r.Tags["rule"] == "not-rendered" {
			continue
		}
		assert.True(t, expected(r, tc.want), "%s\nunexpected error result: %s", tc.reason, results.Line(r))
	}
	// Generated objects follow the input items (the fixtures hold no
	// earlier output), and an input item may be named like one.
	assert.Equal(t, tc.rendered, renderedServer(out[len(items):], "vmcp"), "%s: rendered", tc.reason)
	checkProperties(t, items, out, rs, spec)
}

// TestHMACSecretLocalConfig: with markConsumedLocalConfig the VirtualMCPServer
// never reaches an operator, so a <name>-hmac-secret in the input is simply
// used, without the not-owned note.
func TestHMACSecretLocalConfig(t *testing.T) {
	for _, local := range []bool{false, true} {
		f := newFixture(t)
		f.add(secret("vmcp-hmac-secret", "hmac-secret", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))
		spec := fnconfig.Defaults()
		spec.MarkConsumedLocalConfig = local
		out, rs := render(t, f.list(), spec)
		noted := false
		for _, r := range rs {
			noted = noted || r.Tags["rule"] == "hmac-secret-not-owned"
		}
		assert.Equal(t, !local, noted, "markConsumedLocalConfig=%v", local)
		assert.True(t, renderedServer(out, "vmcp"))
	}
}
