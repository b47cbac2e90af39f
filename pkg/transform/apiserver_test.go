package transform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// serverNamed is a second VirtualMCPServer in the fixture's group.
func serverNamed(name string) string {
	return "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\nmetadata:\n  name: '" + name + "'\n  namespace: toolhive\nspec:\n  groupRef: {name: team}\n  incomingAuth: {type: anonymous}\n"
}

func errOnServer(name, field, rule, msg string) want {
	return want{sev: results.Error, kind: "VirtualMCPServer", name: name, field: field, rule: rule, msg: msg}
}

// apiServerCases are inputs the API server or the kubelet would refuse
// (names, derived names, CRD patterns, pod templates); each leaves the companion server, and
// unless said otherwise the fixture's server, rendered.
func apiServerCases() []badCase {
	name59 := "a" + strings.Repeat("b", 58)
	name64 := "a" + strings.Repeat("b", 63)
	return []badCase{
		// --- Names (point 1) --------------------------------------------
		{
			name: "names-underscore", reason: "Bad_Name is not a DNS-1123 subdomain: the API server refuses the VirtualMCPServer",
			edit:     func(f *fixture) { f.add(serverNamed("Bad_Name")) },
			want:     []want{errOnServer("Bad_Name", "metadata.name", "name-invalid", `metadata.name "Bad_Name" is not a valid VirtualMCPServer name`)},
			rendered: true,
		},
		{
			name: "names-space", reason: "a name with a space",
			edit:     func(f *fixture) { f.add(serverNamed("my server")) },
			want:     []want{errOnServer("my server", "metadata.name", "name-invalid", "a lowercase RFC 1123 subdomain")},
			rendered: true,
		},
		{
			name: "names-unicode", reason: "a name with a non-ASCII letter",
			edit:     func(f *fixture) { f.add(serverNamed("vmcp-ü")) },
			want:     []want{errOnServer("vmcp-ü", "metadata.name", "name-invalid", "not a valid VirtualMCPServer name")},
			rendered: true,
		},
		{
			name: "names-trailing-dash", reason: "a name ending in '-'",
			edit:     func(f *fixture) { f.add(serverNamed("vmcp-")) },
			want:     []want{errOnServer("vmcp-", "metadata.name", "name-invalid", "not a valid VirtualMCPServer name")},
			rendered: true,
		},
		{
			name: "names-254", reason: "a name of 254 characters is over the subdomain limit",
			edit:     func(f *fixture) { f.add(serverNamed(strings.Repeat("a", 254))) },
			want:     []want{errOnServer(strings.Repeat("a", 254), "metadata.name", "name-invalid", "must be no more than 253 characters")},
			rendered: true,
		},
		{
			name: "names-path-traversal-secret", reason: "a Secret named like a path: the API server refuses it",
			edit:     func(f *fixture) { f.add(secret("../../../../tmp/pwned", "k", "v")) },
			want:     []want{{sev: results.Error, kind: "Secret", name: "../../../../tmp/pwned", field: "metadata.name", rule: "name-invalid", msg: "not a valid Secret name"}},
			rendered: true,
		},
		{
			name: "names-namespace", reason: "a namespace that is not a DNS label: the server is not rendered",
			edit: func(f *fixture) {
				f.add(strings.Replace(serverNamed("elsewhere"), "namespace: toolhive", "namespace: Team_A", 1))
			},
			want:     []want{errOnServer("elsewhere", "metadata.namespace", "name-invalid", `metadata.namespace "Team_A" is not a valid namespace`)},
			rendered: true,
		},
		{
			name: "names-namespace-dotted", reason: "a namespace may not hold a dot (a label, not a subdomain)",
			edit: func(f *fixture) {
				f.add(strings.Replace(configMap("notes", "a", "b"), "namespace: toolhive", "namespace: team.a", 1))
			},
			want:     []want{{sev: results.Error, kind: "ConfigMap", name: "notes", field: "metadata.namespace", rule: "name-invalid", msg: `"team.a" is not a valid namespace: must not contain dots`}},
			rendered: true,
		},

		// --- Derived names (point 2) ------------------------------------
		{
			name: "derived-59-characters", reason: "a valid 59-character name makes vmcp-<name> 64 characters: the Service is refused",
			edit: func(f *fixture) { f.add(serverNamed(name59)) },
			want: []want{errOnServer(name59, "metadata.name", "derived-name-invalid",
				`the Service name "vmcp-`+name59+`", derived from metadata.name, is not a DNS-1035 label`)},
			rendered: true,
		},
		{
			name: "derived-dot", reason: "a.b is a valid name but vmcp-a.b is not a DNS-1035 label",
			edit:     func(f *fixture) { f.add(serverNamed("a.b")) },
			want:     []want{errOnServer("a.b", "metadata.name", "derived-name-invalid", "names of up to 58 characters without '.' work")},
			rendered: true,
		},
		{
			name: "derived-64-label", reason: "a 64-character name cannot be the instance label value either",
			edit: func(f *fixture) { f.add(serverNamed(name64)) },
			want: []want{
				errOnServer(name64, "metadata.name", "derived-name-invalid", "is not a DNS-1035 label"),
				errOnServer(name64, "metadata.name", "derived-name-invalid", "which is not a valid label value"),
			},
			rendered: true,
		},
		{
			name: "derived-ca-volume", reason: "a CA bundle ConfigMap named idp.ca makes the volume oidc-ca-bundle-idp.ca, not a DNS-1123 label",
			edit: func(f *fixture) {
				f.add(asOIDC)
				f.add(configMap("idp.ca", "ca.crt", "x"))
				setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.caBundleRef", "{configMapRef: {name: idp.ca, key: ca.crt}}")
				f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
			},
			want: []want{errOn("spec.incomingAuth.oidcConfigRef.name", "derived-name-invalid", `spec.template.spec.volumes`)},
		},

		// --- CRD patterns (point 4) ------------------------------------
		{
			name: "crd-duration-negative", reason: "-10s is a Go duration but breaks the CRD pattern",
			edit: func(f *fixture) { f.set("spec.config.operational", `{timeouts: {default: "-10s"}}`) },
			want: []want{errOn("spec.config.operational.timeouts.default", "schema", `"-10s" does not match the pattern`)},
		},
		{
			name: "crd-duration-plus", reason: "+10s breaks the pattern too",
			edit: func(f *fixture) { f.set("spec.config.operational", `{timeouts: {backendInit: "+10s"}}`) },
			want: []want{errOn("spec.config.operational.timeouts.backendInit", "schema", "does not match the pattern")},
		},
		{
			name: "crd-duration-leading-dot", reason: ".5s has no digit before the point",
			edit: func(f *fixture) { f.set("spec.config.operational", `{failureHandling: {healthCheckInterval: ".5s"}}`) },
			want: []want{errOn("spec.config.operational.failureHandling.healthCheckInterval", "schema", "does not match the pattern")},
		},
		{
			name: "crd-duration-trailing-dot", reason: "5.s has no digit after the point",
			edit: func(f *fixture) { f.set("spec.config.operational", `{timeouts: {default: "5.s"}}`) },
			want: []want{errOn("spec.config.operational.timeouts.default", "schema", "does not match the pattern")},
		},

		// --- The merged pod template (point 5) -------------------------
		{
			name: "pod-requests-over-limits", reason: "requests above limits (compared as quantities: 1500m > 1)",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: vmcp, resources: {requests: {cpu: 1500m}, limits: {cpu: "1"}}}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].resources.requests[cpu]", "pod-template-spec-invalid", "must be less than or equal to the cpu limit of 1")},
		},
		{
			name: "pod-volume-two-sources", reason: "a user volume named vmcp-config with emptyDir merges into the operator's ConfigMap volume",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {volumes: [{name: vmcp-config, emptyDir: {}}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.volumes[0]", "pod-template-spec-invalid", "has exactly one source, this one has 2")},
		},
		{
			name: "pod-container-name", reason: "a sidecar named Bad_Sidecar is not a DNS-1123 label",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: Bad_Sidecar, image: busybox}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].name", "pod-template-spec-invalid", `"Bad_Sidecar"`)},
		},
		{
			name: "pod-env-name", reason: "an env var named 1BAD=NAME (no '=' even under the relaxed rule)",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: vmcp, env: [{name: "1BAD=NAME", value: x}]}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].env[0].name", "pod-template-spec-invalid", "1BAD=NAME")},
		},
		{
			name: "pod-port-name", reason: "a port name over 15 characters with an underscore",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: side, image: busybox, ports: [{name: Metrics_Port_Name, containerPort: 9090}]}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].ports[0].name", "pod-template-spec-invalid", "Metrics_Port_Name")},
		},
		{
			name: "pod-volume-name", reason: "a volume named with capitals",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {volumes: [{name: Scratch, emptyDir: {}}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.volumes[0].name", "pod-template-spec-invalid", `"Scratch"`)},
		},
		{
			name: "pod-node-selector", reason: "a nodeSelector key that is not a label key",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {nodeSelector: {"bad key!": "x"}}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.nodeSelector", "pod-template-spec-invalid", "bad key!")},
		},
		{
			name: "pod-label-value", reason: "a pod label value with a space",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{metadata: {labels: {team: "a b"}}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.metadata.labels", "pod-template-spec-invalid", "a b")},
		},
		{
			name: "pod-root-non-root", reason: "a sidecar inherits the operator's pod-level runAsNonRoot and the user's runAsUser 0: the kubelet never starts it",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {securityContext: {runAsUser: 0}, containers: [{name: side, image: busybox}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].securityContext.runAsUser", "pod-template-spec-invalid", "the kubelet refuses to start the container")},
		},
		{
			name: "pod-duplicate-containers", reason: "two sidecars of one name: the merge keeps one silently",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: side, image: a}, {name: side, image: b}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[1].name", "pod-template-spec-invalid", `the name "side" is also at containers[0]`)},
		},
		{
			name: "pod-duplicate-port-name", reason: "two ports of one name in a sidecar: the API server refuses the Deployment",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: side, image: busybox, ports: [{name: metrics, containerPort: 9090}, {name: metrics, containerPort: 9091}]}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].ports[1].name", "pod-template-spec-invalid", `Duplicate value: "metrics"`)},
		},
		{
			name: "pod-duplicate-env", reason: "one env var twice in the vmcp container",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: vmcp, env: [{name: A, value: "1"}, {name: A, value: "2"}]}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].env[1].name", "pod-template-spec-invalid", "also at containers[0].env[0]")},
		},
		{
			name: "pod-init-container-named-vmcp", reason: "an init container named like the operator's container: the API server refuses the clash, on the user's field",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {initContainers: [{name: vmcp, image: busybox}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.initContainers[0].name", "pod-template-spec-invalid", `the init container name "vmcp" is also a container's`)},
		},
		{
			name: "pod-init-container-named-like-sidecar", reason: "an init container named like the user's sidecar",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: side, image: a}], initContainers: [{name: side, image: b}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.initContainers[0].name", "pod-template-spec-invalid", `the init container name "side" is also a container's`)},
		},
		{
			name: "pod-root-vmcp-container", reason: "runAsUser 0 on the vmcp container, whose runAsNonRoot the operator sets",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {containers: [{name: vmcp, securityContext: {runAsUser: 0}}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.containers[0].securityContext.runAsUser", "pod-template-spec-invalid", "runAsNonRoot is true and runAsUser is 0")},
		},
		{
			name: "pod-port-number", reason: "a container port outside 1-65535",
			edit: func(f *fixture) {
				f.set("spec.podTemplateSpec", `{spec: {initContainers: [{name: init, image: busybox}, {name: side2, image: busybox, ports: [{containerPort: 70000}]}]}}`)
			},
			want: []want{errOn("spec.podTemplateSpec.spec.initContainers[1].ports[0].containerPort", "pod-template-spec-invalid", "between 1 and 65535")},
		},
	}
}

// TestGeneratedPathStaysInPackage: kpt writes the rendered objects to the
// path annotation they carry; it never leaves the package, whatever the
// server's own path annotation, and a fallback is said as an info.
func TestGeneratedPathStaysInPackage(t *testing.T) {
	cases := []struct {
		name, reason, file, want string
		unsafe                   bool
	}{
		{"beside", "the usual case: beside the server's file", "apps/vmcp.yaml", "apps/vmcp.rendered.yaml", false},
		{"root", "a server at the package root", "vmcp.yaml", "vmcp.rendered.yaml", false},
		{"parent", "a path annotation that climbs out of the package", "../../../etc/vmcp.yaml", "vmcp.rendered.yaml", true},
		{"absolute", "an absolute path annotation", "/tmp/pwned/vmcp.yaml", "vmcp.rendered.yaml", true},
		{"climbs-inside", "a path that climbs out after going in", "a/../../b/vmcp.yaml", "vmcp.rendered.yaml", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			items := f.list()
			require.NoError(t, f.server().PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, tc.file)))
			out, rs := render(t, items, fnconfig.Defaults())
			require.False(t, results.HasErrors(rs), dump(rs))
			got := ""
			for _, n := range out[len(items):] {
				if kindName(n) == "Deployment/vmcp" {
					got = n.GetAnnotations()[kioutil.PathAnnotation]
				}
			}
			assert.Equal(t, tc.want, got, tc.reason)
			assert.Equal(t, tc.unsafe, hasResult(rs, want{sev: results.Info, kind: "VirtualMCPServer", name: "vmcp", field: "metadata.annotations", rule: "generated-path-unsafe", msg: "would not be a plain file inside the package"}), "%s\n%s", tc.reason, dump(rs))
			assert.True(t, renderedServer(out[len(items):], "other-vmcp"), tc.reason)
		})
	}
}

// TestSafeGeneratedPath covers the names a valid server cannot have, which
// the name check already refuses; the path stays a plain file regardless.
func TestSafeGeneratedPath(t *testing.T) {
	cases := []struct{ dir, name, want string }{
		{"apps", "vmcp", "apps/vmcp.rendered.yaml"},
		{"", "../x", "x.rendered.yaml"},
		{"apps", "a/b", "apps/a-b.rendered.yaml"},
		{"apps", "..", "apps/virtualmcpserver.rendered.yaml"},
		{"/abs", "vmcp", "vmcp.rendered.yaml"},
	}
	for _, tc := range cases {
		got, _ := safeGeneratedPath(tc.dir, tc.name)
		assert.Equal(t, tc.want, got, "%q %q", tc.dir, tc.name)
	}
}
