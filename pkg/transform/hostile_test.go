package transform

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// addRaw appends one document parsed as YAML only: kyaml's reader refuses
// (and quotes) the malformed items these cases are made of.
func (f *fixture) addRaw(doc string) {
	f.t.Helper()
	n, err := yaml.Parse(doc)
	require.NoError(f.t, err, "fixture YAML:\n%s", doc)
	f.items = append(f.items, n)
}

// replaceRaw replaces the item of kind and name with a raw document.
func (f *fixture) replaceRaw(kind, name, doc string) {
	f.t.Helper()
	n, err := yaml.Parse(doc)
	require.NoError(f.t, err)
	for i, it := range f.items {
		if kindName(it) == kind+"/"+name {
			f.items[i] = n
			return
		}
	}
	f.t.Fatalf("fixture has no %s %s", kind, name)
}

// earlierService is the Service an earlier render made for vmcp: the
// operator's labels for it.
const earlierService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\n  labels: {app: virtualmcpserver, app.kubernetes.io/name: virtualmcpserver, app.kubernetes.io/instance: vmcp, toolhive: 'true', toolhive-name: vmcp}\nspec:\n  ports: [{port: 4483}]\n"

func malformedOn(kind, name, field, msg, item string) want {
	return want{sev: results.Error, kind: kind, name: name, field: field, rule: "malformed", msg: msg, item: item}
}

func conflictOn(msg string) want {
	return errOn("metadata.name", "object-conflict", msg)
}

// hostileCases are inputs built to break the function's promises: one bad
// item must not stop the others, nothing the user wrote is replaced, and
// nothing the API server would refuse passes silently. Item 2 is the first
// item a case adds (the fixture holds the MCPGroup and the server first).
func hostileCases() []badCase {
	const vmcpServer = "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\n"
	return []badCase{
		// --- One bad item: it alone fails, the rest renders -----------
		{
			name:     "hostile-metadata-string",
			reason:   "metadata: somestring aborted the whole run in kyaml; now a malformed result on that item, at metadata",
			edit:     func(f *fixture) { f.addRaw("apiVersion: v1\nkind: ConfigMap\nmetadata: somestring\n") },
			want:     []want{malformedOn("ConfigMap", "", "metadata", "metadata is a string, not a mapping", "2")},
			rendered: true,
		},
		{
			name:     "hostile-metadata-alias",
			reason:   "metadata as an alias of another mapping: kyaml would not see its name; malformed, and said as an alias",
			edit:     func(f *fixture) { f.addRaw("apiVersion: v1\nkind: ConfigMap\ndata: &m {name: notes}\nmetadata: *m\n") },
			want:     []want{malformedOn("ConfigMap", "notes", "metadata", "metadata is an alias (*m) of another node", "2")},
			rendered: true,
		},
		{
			name:     "hostile-list-items-not-a-list",
			reason:   "a v1 List whose items is a mapping: nothing of it can be read, so it is malformed rather than passed over in silence",
			edit:     func(f *fixture) { f.addRaw("apiVersion: v1\nkind: List\nmetadata: {name: extra}\nitems: {name: x}\n") },
			want:     []want{malformedOn("List", "extra", "items", "the items of a List are a mapping, not a list", "2")},
			rendered: true,
		},
		{
			name:   "hostile-annotations-list",
			reason: "metadata.annotations as a list: malformed at metadata.annotations, named by kind and name",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  annotations: [a, b]\n")
			},
			want:     []want{malformedOn("ConfigMap", "notes", "metadata.annotations", "metadata.annotations is a list, not a mapping", "2")},
			rendered: true,
		},
		{
			name:   "hostile-label-value-mapping",
			reason: "a label value that is a mapping: the API server refuses it, kyaml reads it as empty",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  labels: {team: {name: a}}\n")
			},
			want:     []want{malformedOn("ConfigMap", "notes", "metadata.labels.team", "the value of metadata.labels.team is a mapping", "2")},
			rendered: true,
		},
		{
			name:     "hostile-item-scalar",
			reason:   "an item that is a plain string: malformed, named by its position only",
			edit:     func(f *fixture) { f.addRaw("just a string\n") },
			want:     []want{malformedOn("", "", "", "the item is a string, not an object", "2")},
			rendered: true,
		},
		{
			name:   "hostile-item-list-of-secret",
			reason: "an item that is itself a list holding a Secret: malformed, and the Secret is not quoted",
			edit: func(f *fixture) {
				f.addRaw("- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {password: hunter2-sentinel}\n")
			},
			want:     []want{malformedOn("", "", "", "the item is a list, not an object", "2")},
			rendered: true,
		},
		{
			name:     "hostile-empty-object",
			reason:   "{} passed through silently; it has no apiVersion or kind",
			edit:     func(f *fixture) { f.addRaw("{}\n") },
			want:     []want{malformedOn("", "", "apiVersion", "the item has no apiVersion", "2")},
			rendered: true,
		},
		{
			name:     "hostile-no-kind",
			reason:   "an object without kind: malformed at kind",
			edit:     func(f *fixture) { f.addRaw("apiVersion: v1\nmetadata: {name: x}\n") },
			want:     []want{{sev: results.Error, name: "x", field: "kind", rule: "malformed", msg: "the item has no kind", item: "2"}},
			rendered: true,
		},
		{
			name:   "hostile-kind-list",
			reason: "kind: [VirtualMCPServer] is not a kind: malformed at kind",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: toolhive.stacklok.dev/v1beta1\nkind: [VirtualMCPServer]\nmetadata: {name: x}\n")
			},
			want:     []want{{sev: results.Error, name: "x", field: "kind", rule: "malformed", msg: "kind is a list, not a string", item: "2"}},
			rendered: true,
		},
		{
			name:   "hostile-server-itself-malformed",
			reason: "the server under test with annotations as a list: malformed on it, not rendered, the companion still renders",
			edit: func(f *fixture) {
				f.replaceRaw("VirtualMCPServer", "vmcp", vmcpServer+"metadata:\n  name: vmcp\n  namespace: toolhive\n  annotations: [x]\nspec:\n  groupRef: {name: team}\n  incomingAuth: {type: anonymous}\n")
			},
			want: []want{malformedOn("VirtualMCPServer", "vmcp", "metadata.annotations", "metadata.annotations is a list", "1")},
		},
		{
			name:   "hostile-referenced-group-malformed",
			reason: "a malformed object that the server references fails the server closed instead of reading as absent",
			edit: func(f *fixture) {
				f.replaceRaw("MCPGroup", "team", "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPGroup\nmetadata:\n  name: team\n  namespace: toolhive\n  labels: [x]\n")
			},
			want: []want{
				malformedOn("MCPGroup", "team", "metadata.labels", "metadata.labels is a list", "0"),
				errOn("spec.groupRef.name", "group-not-found", "is in the input but is not a well-formed object"),
			},
		},

		// --- The user's objects are never replaced (point 4) -----------
		{
			name:   "hostile-user-deployment",
			reason: "the user's own Deployment named like the server: object-conflict naming both, server not rendered",
			edit: func(f *fixture) {
				f.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vmcp\n  namespace: toolhive\nspec:\n  replicas: 1\n")
			},
			want: []want{conflictOn("the Deployment toolhive/vmcp this VirtualMCPServer renders would replace the input's own Deployment toolhive/vmcp (in/deployment-vmcp.yaml #2)")},
		},
		{
			name:   "hostile-user-configmap",
			reason: "a ConfigMap named <name>-vmcp-config without the operator's labels is the user's",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vmcp-vmcp-config\n  namespace: toolhive\n  labels: {toolhive.stacklok.io/virtual-mcp-server: someone-else}\ndata: {a: b}\n")
			},
			want: []want{conflictOn("ConfigMap toolhive/vmcp-vmcp-config")},
		},
		{
			name:   "hostile-user-service",
			reason: "a Service vmcp-<name> of the user's",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: Service\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\nspec:\n  ports: [{port: 80}]\n")
			},
			want: []want{conflictOn("Service toolhive/vmcp-vmcp")},
		},
		{
			name:   "hostile-user-serviceaccount",
			reason: "a ServiceAccount <name>-vmcp with labels of its own is not the operator's (which carries none)",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\n  labels: {team: a}\n")
			},
			want: []want{conflictOn("ServiceAccount toolhive/vmcp-vmcp")},
		},
		{
			name:   "hostile-user-role",
			reason: "a Role <name>-vmcp with rules the operator never writes is the user's",
			edit: func(f *fixture) {
				f.add("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\nrules:\n- apiGroups: ['']\n  resources: [pods]\n  verbs: ['*']\n")
			},
			want: []want{conflictOn("Role toolhive/vmcp-vmcp")},
		},
		{
			name:   "hostile-malformed-deployment-named-like-server",
			reason: "a malformed item with the identity of a rendered object is never replaced: malformed, and a conflict",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vmcp\n  namespace: toolhive\n  annotations: [x]\n")
			},
			want: []want{
				malformedOn("Deployment", "vmcp", "metadata.annotations", "metadata.annotations is a list", "2"),
				conflictOn("would replace the input's own Deployment toolhive/vmcp (items[2])"),
			},
		},
		{
			name:   "hostile-earlier-output-and-malformed-twin",
			reason: "an earlier output Service and a malformed one of the same identity: ambiguous, a conflict (kyaml's accessors panicked on the second)",
			edit: func(f *fixture) {
				f.add(earlierService)
				f.addRaw("apiVersion: v1\nkind: Service\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\n  annotations: [x, y, z]\n")
			},
			want: []want{
				malformedOn("Service", "vmcp-vmcp", "metadata.annotations", "metadata.annotations is a list", "3"),
				conflictOn("the Service toolhive/vmcp-vmcp this VirtualMCPServer renders is in the input 2 times"),
			},
		},
		{
			name:   "hostile-earlier-output-and-user-twin",
			reason: "an earlier output Service and the user's own of the same identity: neither is replaced silently",
			edit: func(f *fixture) {
				f.add(earlierService)
				f.add("apiVersion: v1\nkind: Service\nmetadata:\n  name: vmcp-vmcp\n  namespace: toolhive\nspec:\n  ports: [{port: 80}]\n")
			},
			want: []want{conflictOn("is in the input 2 times (first in/service-vmcp-vmcp.yaml #2)")},
		},
		{
			name:   "hostile-deployment-inside-list",
			reason: "a Deployment of the server's name inside a v1 List cannot be replaced in place: a conflict",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: List\nmetadata: {name: extra}\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: vmcp, namespace: toolhive}\n")
			},
			want: []want{conflictOn("inside a List (items[0] of List extra)")},
		},

		// --- What the API server refuses (point 5) ---------------------
		{
			name:   "hostile-secret-stringdata-twice",
			reason: "a Secret's stringData given twice: the API server refuses duplicate keys, kyaml kept one silently",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: toolhive}\nstringData: {password: a}\nstringData: {password: b}\n")
			},
			want:     []want{malformedOn("Secret", "creds", "stringData", "the key stringData appears twice", "2")},
			rendered: true,
		},
		{
			name:   "hostile-secret-data-key-twice",
			reason: "a key twice inside a Secret's data: reported at that key",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: toolhive}\ndata:\n  token: YQ==\n  token: Yg==\n")
			},
			want:     []want{malformedOn("Secret", "creds", "data.token", "the key data.token appears twice", "2")},
			rendered: true,
		},
		{
			name:   "hostile-hmac-secret-data-mapping",
			reason: "a Secret data value that is a mapping was reported as an HMAC secret of 0 bytes; it is a malformed Secret",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: Secret\nmetadata: {name: vmcp-hmac-secret, namespace: toolhive}\ndata:\n  hmac-secret: {a: b}\n")
			},
			want:     []want{malformedOn("Secret", "vmcp-hmac-secret", "data.hmac-secret", "the value of data.hmac-secret is a mapping, not a string", "2")},
			rendered: true,
		},
		{
			name:   "hostile-secret-data-number",
			reason: "a Secret data value that is a YAML number: the API server cannot decode it into bytes",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: Secret\nmetadata: {name: vmcp-hmac-secret, namespace: toolhive}\ndata:\n  hmac-secret: 12345\n")
			},
			want:     []want{malformedOn("Secret", "vmcp-hmac-secret", "data.hmac-secret", "is a number, not a string; quote it", "2")},
			rendered: true,
		},
		{
			name:   "hostile-annotations-too-long-configmap",
			reason: "annotations over 256 KiB on any object: the API server refuses it",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: toolhive\n  annotations:\n    note: " + strings.Repeat("x", 256*1024) + "\n")
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", name: "big", field: "metadata.annotations", rule: "annotations-invalid", msg: "over the API server's limit of 262144 bytes"}},
			rendered: true,
		},
		{
			name:   "hostile-annotation-key-invalid",
			reason: "an annotation key that is not a qualified name: the API server refuses the object",
			edit: func(f *fixture) {
				f.add("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n  namespace: toolhive\n  annotations: {'bad key!': x}\n")
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", name: "notes", field: "metadata.annotations", rule: "annotations-invalid", msg: `annotation key "bad key!" is invalid`}},
			rendered: true,
		},
		{
			name:   "hostile-annotations-too-long-server",
			reason: "the server itself over the annotation limit is refused by the API server: not rendered",
			edit: func(f *fixture) {
				setPath(f.t, f.server(), "metadata.annotations.a", strings.Repeat("y", 200*1024))
				setPath(f.t, f.server(), "metadata.annotations.b", strings.Repeat("z", 100*1024))
			},
			want: []want{errOn("metadata.annotations", "annotations-invalid", "over the API server's limit")},
		},

		// --- Near misses (point 6) --------------------------------------
		{
			name:   "hostile-near-miss-version",
			reason: "toolhive.stacklok.dev/v1beta is not served: a warning naming the version to use, not silence",
			edit: func(f *fixture) {
				f.add(strings.Replace(doc("MCPOIDCConfig", "typo", "type: kubernetesServiceAccount"), "/v1beta1", "/v1beta", 1))
			},
			want:     []want{{sev: results.Warning, kind: "MCPOIDCConfig", name: "typo", field: "apiVersion", rule: "unknown-kind", msg: "use toolhive.stacklok.dev/v1beta1"}},
			rendered: true,
		},
		{
			name:     "hostile-near-miss-kind-case",
			reason:   "VirtualMcpServer is VirtualMCPServer spelt otherwise: a warning suggesting the kind",
			edit:     func(f *fixture) { f.add(doc("VirtualMcpServer", "typo", "groupRef: {name: team}")) },
			want:     []want{{sev: results.Warning, kind: "VirtualMcpServer", name: "typo", field: "kind", rule: "unknown-kind", msg: "did you mean VirtualMCPServer?"}},
			rendered: true,
		},
		{
			name:     "hostile-near-miss-kind-typo",
			reason:   "MCPGropu is one transposition from MCPGroup",
			edit:     func(f *fixture) { f.add(doc("MCPGropu", "typo", "description: x")) },
			want:     []want{{sev: results.Warning, kind: "MCPGropu", name: "typo", field: "kind", rule: "unknown-kind", msg: "did you mean MCPGroup?"}},
			rendered: true,
		},
		{
			name:   "hostile-near-miss-group",
			reason: "toolhive.stacklok.io is the label prefix, not the API group",
			edit: func(f *fixture) {
				f.add(strings.Replace(doc("MCPOIDCConfig", "typo", "type: kubernetesServiceAccount"), "toolhive.stacklok.dev", "toolhive.stacklok.io", 1))
			},
			want:     []want{{sev: results.Warning, kind: "MCPOIDCConfig", name: "typo", field: "apiVersion", rule: "unknown-kind", msg: "not of group toolhive.stacklok.dev"}},
			rendered: true,
		},
		{
			name:   "hostile-list-unwrapped",
			reason: "a v1 List holding the server's group is read as its objects, as kubectl apply does: the server renders",
			edit: func(f *fixture) {
				f.drop("MCPGroup", "team")
				f.addRaw("apiVersion: v1\nkind: List\nmetadata: {name: groups}\nitems:\n- apiVersion: toolhive.stacklok.dev/v1beta1\n  kind: MCPGroup\n  metadata: {name: team, namespace: toolhive}\n  spec: {description: x}\n")
			},
			rendered: true,
		},
		{
			name:   "hostile-list-malformed-entry",
			reason: "an object of a List that is malformed is named by its place in the List",
			edit: func(f *fixture) {
				f.addRaw("apiVersion: v1\nkind: List\nmetadata: {name: extra}\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: somestring\n")
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", field: "metadata", rule: "malformed", msg: "items[0] of List extra", item: "2"}},
			rendered: true,
		},
	}
}

// TestRerunReplacesPreviousOutput: the two legitimate ways an earlier
// output comes back as input keep working. Running on the output again
// changes nothing; after the server changed, the stale objects are replaced
// in place (kpt fn render in place), also without the path annotation
// (standalone output applied and read back), and the Role's rules follow
// the outgoing source.
func TestRerunReplacesPreviousOutput(t *testing.T) {
	for _, stripPaths := range []bool{false, true} {
		f := newFixture(t)
		f.add(staticServer)
		f.set("spec.outgoingAuth", "{source: inline}")
		items := f.list()
		spec := fnconfig.Defaults()
		out, rs := render(t, items, spec)
		require.False(t, results.HasErrors(rs), dump(rs))
		if stripPaths {
			for _, n := range out[len(items):] {
				require.NoError(t, n.PipeE(yaml.ClearAnnotation(kioutil.PathAnnotation)))
				require.NoError(t, n.PipeE(yaml.ClearAnnotation(kioutil.IndexAnnotation)))
			}
		}
		again, rs := render(t, out, spec)
		require.False(t, results.HasErrors(rs), "strip=%v: %s", stripPaths, dump(rs))
		if !stripPaths {
			assert.Equal(t, yamlString(t, out), yamlString(t, again), "running on its own output changes nothing")
		}
		assert.Len(t, again, len(out), "no object is added twice")

		// The server changes: discovered mode widens the Role.
		for _, n := range out {
			if kindName(n) == "VirtualMCPServer/vmcp" {
				setPath(t, n, "spec.outgoingAuth", "{source: discovered}")
			}
		}
		changed, rs := render(t, out, spec)
		require.False(t, results.HasErrors(rs), "strip=%v: %s", stripPaths, dump(rs))
		require.Len(t, changed, len(out), "stale objects are replaced in place, not added")
		for _, n := range changed {
			if kindName(n) == "Role/vmcp-vmcp" {
				s := n.MustString()
				assert.Contains(t, s, "mcpservers", "the Role follows the new outgoing source")
			}
		}
	}
}

// TestHMACSecretGenerated: with hmacSecret: generate the Secret the operator
// would create is emitted: its labels and annotation, 32 random bytes
// base64-encoded under hmac-secret, new on each render (hence the warning).
func TestHMACSecretGenerated(t *testing.T) {
	f := newFixture(t)
	f.alone = true
	spec := fnconfig.Defaults()
	spec.HMACSecret = fnconfig.HMACGenerate
	secretOf := func() *yaml.RNode {
		out, rs := render(t, f.list(), spec)
		require.False(t, results.HasErrors(rs), dump(rs))
		assert.True(t, hasResult(rs, want{sev: results.Warning, kind: "VirtualMCPServer", name: "vmcp", rule: "hmac-secret-generated", msg: "the output is not deterministic"}), dump(rs))
		for _, n := range out {
			if kindName(n) == "Secret/vmcp-hmac-secret" {
				return n
			}
		}
		t.Fatal("no HMAC Secret rendered")
		return nil
	}
	s := secretOf()
	assert.Equal(t, map[string]string{"app.kubernetes.io/name": "virtualmcpserver", "app.kubernetes.io/instance": "vmcp",
		"app.kubernetes.io/component": "session-security", "app.kubernetes.io/managed-by": "toolhive-operator"}, s.GetLabels())
	assert.Equal(t, "hmac-secret-for-session-token-binding", s.GetAnnotations()["toolhive.stacklok.dev/purpose"])
	assert.Equal(t, "toolhive", s.GetNamespace())
	// The operator stores base64(base64(32 random bytes)) as data: the
	// value vMCP reads is the 44-character base64 text.
	data := s.GetDataMap()["hmac-secret"]
	inner, err := base64.StdEncoding.DecodeString(data)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(string(inner))
	require.NoError(t, err)
	assert.Len(t, raw, 32)
	assert.NotEqual(t, data, secretOf().GetDataMap()["hmac-secret"], "every render draws a new value")
}
