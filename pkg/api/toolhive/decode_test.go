package toolhive

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"go.yaml.in/yaml/v3"
)

func TestIsToolHive(t *testing.T) {
	cases := map[string]struct {
		reason     string
		apiVersion string
		toolhive   bool
		deprecated bool
	}{
		"V1Beta1":      {"storage version", "toolhive.stacklok.dev/v1beta1", true, false},
		"V1Alpha1":     {"served, deprecated", "toolhive.stacklok.dev/v1alpha1", true, true},
		"OtherVersion": {"not served by v0.62.0", "toolhive.stacklok.dev/v1", false, false},
		"OtherGroup":   {"a different group", "apps/v1", false, false},
		"NoVersion":    {"group without version", "toolhive.stacklok.dev", false, false},
		"Core":         {"core group", "v1", false, false},
		"Empty":        {"missing apiVersion", "", false, false},
		"Suffix":       {"a group that merely ends like ours", "x.toolhive.stacklok.dev/v1beta1", false, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.toolhive, IsToolHive(tc.apiVersion), tc.reason)
			assert.Equal(t, tc.deprecated, IsDeprecatedVersion(tc.apiVersion), tc.reason)
		})
	}
}

func parseYAML(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(s), &m))
	return m
}

// fe is the comparable part of a fieldError.
type fe struct {
	Path    string
	Dropped bool
}

func pathsOf(errs []fieldError) []fe {
	out := []fe{}
	for _, e := range errs {
		out = append(out, fe{e.Path, e.Dropped})
	}
	return out
}

const vmcpHead = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: v
  namespace: ns
`

func TestDecode(t *testing.T) {
	cases := map[string]struct {
		reason string
		kind   string
		yaml   string
		// obj overrides yaml when set (inputs YAML cannot express).
		obj       map[string]any
		wantErrs  []fe
		msgSubstr string // checked against the first error
		check     func(t *testing.T, o Object)
	}{
		"Defaulted": {
			reason: "CRD defaults are applied before the typed decode",
			kind:   KindVirtualMCPServer,
			yaml: vmcpHead + `spec:
  groupRef: {name: g}
  incomingAuth: {type: anonymous}
  outgoingAuth: {}
  config:
    aggregation:
      conflictResolution: priority
      conflictResolutionConfig: {priorityOrder: [a]}
    compositeTools:
      - name: t
        steps:
          - id: s1
            tool: x
            onError: {}
          - id: s2
            type: elicitation
            onDecline: {action: continue}
`,
			check: func(t *testing.T, o Object) {
				v := o.(*VirtualMCPServer)
				assert.Equal(t, "ClusterIP", v.Spec.ServiceType)
				assert.Equal(t, "ClientIP", v.Spec.SessionAffinity)
				assert.Equal(t, "discovered", v.Spec.OutgoingAuth.Source)
				assert.Equal(t, "{workload}_", v.Spec.Config.Aggregation.ConflictResolutionConfig.PrefixFormat)
				steps := v.Spec.Config.CompositeTools[0].Steps
				assert.Equal(t, "tool", steps[0].Type)
				assert.Equal(t, "abort", steps[0].OnError.Action)
				assert.Nil(t, steps[0].OnDecline, "absent object is not created")
				assert.Equal(t, "elicitation", steps[1].Type)
				assert.Equal(t, "continue", steps[1].OnDecline.Action)
				assert.Nil(t, v.Spec.Config.Operational, "absent spec.config.operational stays nil")
				assert.Nil(t, v.Spec.SessionStorage)
			},
		},
		"V1Alpha1": {
			reason: "v1alpha1 is decoded into the same type",
			kind:   KindVirtualMCPServer,
			yaml: strings.Replace(vmcpHead, "v1beta1", "v1alpha1", 1) + `spec:
  groupRef: {name: g}
  incomingAuth: {type: anonymous}
`,
			check: func(t *testing.T, o Object) {
				assert.Equal(t, "v1alpha1", o.GroupVersionKind().Version)
				assert.Equal(t, KindVirtualMCPServer, o.GroupVersionKind().Kind)
				assert.Equal(t, "g", o.(*VirtualMCPServer).Spec.GroupRef.Name)
				assert.Equal(t, "ns", o.GetNamespace())
			},
		},
		"UnknownField": {
			reason:    "a misspelt field is an error naming its full path",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  incomingAuth:\n    type: oidc\n    oidcConfigRef: {name: o, audence: x}\n",
			wantErrs:  []fe{{"spec.incomingAuth.oidcConfigRef.audence", false}},
			msgSubstr: "unknown field",
			check: func(t *testing.T, o Object) {
				assert.Equal(t, "o", o.(*VirtualMCPServer).Spec.IncomingAuth.OIDCConfigRef.Name, "the rest still decodes")
			},
		},
		"UnknownFieldInList": {
			reason:   "list indices appear in the path; typed objects under spec.config are pruned by the API server, so this is an error",
			kind:     KindVirtualMCPServer,
			yaml:     vmcpHead + "spec:\n  config:\n    compositeTools:\n      - name: a\n        steps: [{id: s}]\n      - name: b\n        steps: [{id: s}, {id: t, tol: x}]\n",
			wantErrs: []fe{{"spec.config.compositeTools[1].steps[1].tol", false}},
		},
		"UnknownTopLevel": {
			reason:   "unknown top-level keys of a strict kind are errors",
			kind:     KindMCPOIDCConfig,
			yaml:     "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPOIDCConfig\ndata: {a: b}\nspec: {type: inline, inline: {issuer: i}}\n",
			wantErrs: []fe{{"data", false}},
		},
		"UnknownMetadata": {
			reason:   "metadata is checked too for strict kinds",
			kind:     KindMCPToolConfig,
			yaml:     "metadata: {name: x, labelz: {}}\nspec: {}\n",
			wantErrs: []fe{{"metadata.labelz", false}},
		},
		"ConfigUnknownDropped": {
			reason:    "spec.config preserves unknown fields: kept by the API server, dropped by the operator",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  config:\n    groupRef: g\n    sessionStorge: {provider: redis}\n",
			wantErrs:  []fe{{"spec.config.sessionStorge", true}},
			msgSubstr: "ignored by the operator",
			check: func(t *testing.T, o Object) {
				assert.Equal(t, "g", o.(*VirtualMCPServer).Spec.Config.GroupRef)
			},
		},
		"ForEachInnerStepUnknownDropped": {
			reason:   "steps[].step is free-form in the CRD but typed in Go: unknown keys at any depth are dropped",
			kind:     KindVirtualMCPCompositeToolDefinition,
			yaml:     "spec:\n  name: n\n  steps:\n    - id: loop\n      type: forEach\n      step: {id: inner, tool: x, extra: 1, step: {id: deeper, more: 2}}\n",
			wantErrs: []fe{{"spec.steps[0].step.extra", true}, {"spec.steps[0].step.step.more", true}},
			check: func(t *testing.T, o Object) {
				d := o.(*VirtualMCPCompositeToolDefinition)
				require.NotNil(t, d.Spec.Steps[0].Step)
				assert.Equal(t, "x", d.Spec.Steps[0].Step.Tool)
				assert.Equal(t, "deeper", d.Spec.Steps[0].Step.Step.ID)
				assert.Equal(t, "forEach", d.Spec.Steps[0].Type)
				assert.Nil(t, d.Spec.Steps[0].OnError, "no onError given, none created")
			},
		},
		"WrongType": {
			reason:    "a wrong JSON type is reported with its path, other fields still decode",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  replicas: two\n  groupRef: {name: g}\n",
			wantErrs:  []fe{{"spec.replicas", false}},
			msgSubstr: "expected integer, got string",
			check: func(t *testing.T, o Object) {
				v := o.(*VirtualMCPServer)
				assert.Nil(t, v.Spec.Replicas)
				assert.Equal(t, "g", v.Spec.GroupRef.Name)
			},
		},
		"AllTypeErrors": {
			reason:   "every type error is reported, not only the first",
			kind:     KindMCPExternalAuthConfig,
			yaml:     "spec:\n  type: awsSts\n  awsSts: {region: [r], sessionDuration: 1.5, roleMappings: [{roleArn: 'arn:aws:iam::123456789012:role/a', priority: x}, 7]}\n",
			wantErrs: []fe{{"spec.awsSts.region", false}, {"spec.awsSts.roleMappings[0].priority", false}, {"spec.awsSts.roleMappings[1]", false}, {"spec.awsSts.sessionDuration", false}},
			check: func(t *testing.T, o Object) {
				a := o.(*MCPExternalAuthConfig).Spec.AWSSts
				assert.Equal(t, "aws-mcp", a.Service, "defaults still applied")
				assert.Len(t, a.RoleMappings, 2, "indices are kept")
				assert.Equal(t, "arn:aws:iam::123456789012:role/a", a.RoleMappings[0].RoleArn)
			},
		},
		"Int32Overflow": {
			reason:    "an integer out of int32 range is an error",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  replicas: 3000000000\n",
			wantErrs:  []fe{{"spec.replicas", false}},
			msgSubstr: "out of range for int32",
		},
		"BadDuration": {
			reason:    "a field's own decoder (vMCP durations) is run on the value alone: this one passes the CRD pattern but overflows",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  config:\n    operational:\n      timeouts: {default: 99999999999999999999h}\n",
			wantErrs:  []fe{{"spec.config.operational.timeouts.default", false}},
			msgSubstr: "duration",
		},
		"DurationPatternFirst": {
			reason:    "-10s parses as a Go duration, but the API server refuses it by the CRD pattern first",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec:\n  config:\n    operational:\n      timeouts: {default: \"-10s\"}\n",
			wantErrs:  []fe{{"spec.config.operational.timeouts.default", false}},
			msgSubstr: "does not match the pattern",
		},
		"NullPruned": {
			reason: "nulls of typed fields are pruned, like the API server does",
			kind:   KindVirtualMCPServer,
			yaml:   vmcpHead + "spec:\n  replicas: null\n  config:\n    operational: {timeouts: {default: null}}\n",
			check: func(t *testing.T, o Object) {
				v := o.(*VirtualMCPServer)
				assert.Nil(t, v.Spec.Replicas)
				// The CRD default replaces the null.
				assert.EqualValues(t, 30*time.Second, v.Spec.Config.Operational.Timeouts.Default)
			},
		},
		"RawKept": {
			reason: "free-form objects keep their raw JSON",
			kind:   KindMCPAuthzConfig,
			yaml:   "spec:\n  type: cedarv1\n  config: {policies: ['permit(principal, action, resource);'], entities_json: '[]', n: 1}\n",
			check: func(t *testing.T, o Object) {
				var cfg map[string]any
				require.NoError(t, json.Unmarshal(o.(*MCPAuthzConfig).Spec.Config.Raw, &cfg))
				assert.Equal(t, map[string]any{"policies": []any{"permit(principal, action, resource);"}, "entities_json": "[]", "n": float64(1)}, cfg)
			},
		},
		"PodTemplateKept": {
			reason: "spec.podTemplateSpec stays raw for the strategic merge, unknown keys included",
			kind:   KindVirtualMCPServer,
			yaml:   vmcpHead + "spec:\n  podTemplateSpec: {spec: {nodeSelector: {a: b}, weird: 1}}\n",
			check: func(t *testing.T, o Object) {
				assert.JSONEq(t, `{"spec":{"nodeSelector":{"a":"b"},"weird":1}}`, string(o.(*VirtualMCPServer).Spec.PodTemplateSpec.Raw))
			},
		},
		"ConfigMapKeySelector": {
			reason: "corev1.ConfigMapKeySelector's embedded name is found; its name default applies",
			kind:   KindMCPOIDCConfig,
			yaml:   "spec:\n  type: inline\n  inline: {issuer: i, caBundleRef: {configMapRef: {key: ca.crt}}}\n",
			// The CRD's rule wants a name, so the object is also refused.
			wantErrs: []fe{{"spec.inline.caBundleRef", false}},
			check: func(t *testing.T, o Object) {
				in := o.(*MCPOIDCConfig).Spec.Inline
				assert.Equal(t, "ca.crt", in.CABundleRef.ConfigMapRef.Key)
				assert.Equal(t, "", in.CABundleRef.ConfigMapRef.Name)
				assert.False(t, in.InsecureAllowHTTP)
			},
		},
		"StatusRead": {
			reason: "status fields the operator reads are decoded; unknown status fields are ignored",
			kind:   KindEmbeddingServer,
			yaml:   "spec: {}\nstatus: {phase: Ready, readyReplicas: 2, url: 'http://e', other: [1]}\n",
			check: func(t *testing.T, o Object) {
				e := o.(*EmbeddingServer)
				assert.Equal(t, EmbeddingServerStatus{Phase: "Ready", ReadyReplicas: 2, URL: "http://e"}, e.Status)
				assert.EqualValues(t, 8080, e.Spec.Port)
			},
		},
		"StatusWrongType": {
			reason:   "a bad status value is reported as dropped and left out",
			kind:     KindMCPGroup,
			yaml:     "status: {phase: 5}\n",
			wantErrs: []fe{{"status.phase", true}},
			check: func(t *testing.T, o Object) {
				assert.Equal(t, "", o.(*MCPGroup).Status.Phase)
			},
		},
		"StatusConditions": {
			reason:   "conditions decode into metav1.Condition; a bad time is dropped",
			kind:     KindMCPOIDCConfig,
			yaml:     "spec: {type: inline, inline: {issuer: 'https://idp.example.com'}}\nstatus:\n  conditions:\n    - {type: Valid, status: 'True', reason: R, message: m, lastTransitionTime: '2026-01-02T03:04:05Z'}\n    - {type: Other, status: 'False', lastTransitionTime: yesterday}\n",
			wantErrs: []fe{{"status.conditions[1].lastTransitionTime", true}},
			check: func(t *testing.T, o Object) {
				c := o.(*MCPOIDCConfig).Status.Conditions
				require.Len(t, c, 2)
				assert.Equal(t, "Valid", c[0].Type)
				assert.Equal(t, 2026, c[0].LastTransitionTime.Year())
				assert.Equal(t, "Other", c[1].Type)
			},
		},
		"LenientKind": {
			reason: "kinds that are not rendered ignore fields we do not model; their defaults apply",
			kind:   KindMCPServer,
			yaml:   "metadata: {name: s, annotations: {a: b}, whatever: 1}\nspec: {image: x, groupRef: {name: g}, env: [{name: a, value: b}], externalAuthConfigRef: {name: e}}\nstatus: {url: 'http://s', phase: Ready}\n",
			check: func(t *testing.T, o Object) {
				s := o.(*MCPServer)
				assert.Equal(t, MCPServerSpec{
					GroupRef: &MCPGroupRef{Name: "g"}, ExternalAuthConfigRef: &ExternalAuthConfigRef{Name: "e"},
					Transport: "stdio", ProxyMode: "streamable-http", ProxyPort: 8080,
				}, s.Spec)
				assert.Equal(t, map[string]string{"a": "b"}, s.GetAnnotations())
				assert.Equal(t, WorkloadStatus{URL: "http://s", Phase: "Ready"}, s.Status)
			},
		},
		"LenientKindWrongType": {
			reason:   "a wrong type in a modelled field of a lenient kind is still an error",
			kind:     KindMCPServerEntry,
			yaml:     "spec: {remoteUrl: {a: b}, transport: sse}\n",
			wantErrs: []fe{{"spec.remoteUrl", false}},
		},
		"SpecNumber": {
			reason:    "spec: 5 is reported, no panic",
			kind:      KindVirtualMCPServer,
			yaml:      vmcpHead + "spec: 5\n",
			wantErrs:  []fe{{"spec", false}},
			msgSubstr: "expected object, got number",
		},
		"SpecNull": {
			reason: "spec: null is pruned (required fields are checked elsewhere)",
			kind:   KindVirtualMCPServer,
			yaml:   vmcpHead + "spec: null\n",
			check: func(t *testing.T, o Object) {
				assert.Nil(t, o.(*VirtualMCPServer).Spec.IncomingAuth)
			},
		},
		"ListForMap": {
			reason:   "a list where an object is expected is reported",
			kind:     KindVirtualMCPServer,
			yaml:     vmcpHead + "spec:\n  outgoingAuth: [a]\n  config: {aggregation: []}\n  groupRef: {name: [x]}\n",
			wantErrs: []fe{{"spec.config.aggregation", false}, {"spec.groupRef.name", false}, {"spec.outgoingAuth", false}},
		},
		"MapForList": {
			reason:    "an object where a list is expected is reported",
			kind:      KindMCPToolConfig,
			yaml:      "spec: {toolsFilter: {a: b}}\n",
			wantErrs:  []fe{{"spec.toolsFilter", false}},
			msgSubstr: "expected array, got object",
		},
		"MetadataString": {
			reason:   "metadata of the wrong type is reported",
			kind:     KindMCPGroup,
			yaml:     "metadata: x\n",
			wantErrs: []fe{{"metadata", false}},
		},
		"NilObject": {
			reason: "a nil object decodes to an empty one",
			kind:   KindMCPTelemetryConfig,
			obj:    map[string]any{},
			check: func(t *testing.T, o Object) {
				assert.Nil(t, o.(*MCPTelemetryConfig).Spec.OpenTelemetry)
			},
		},
		"GoValues": {
			reason: "non-JSON Go values (typed slices, int, map[any]any, time.Time) are normalised",
			kind:   KindMCPToolConfig,
			obj: map[string]any{
				"metadata": map[any]any{"name": "t", "creationTimestamp": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
				"spec": map[string]any{
					"toolsFilter":   []string{"a", "b"},
					"toolsOverride": map[string]map[string]string{"a": {"name": "b"}},
				},
			},
			check: func(t *testing.T, o Object) {
				c := o.(*MCPToolConfig)
				assert.Equal(t, []string{"a", "b"}, c.Spec.ToolsFilter)
				assert.Equal(t, "b", c.Spec.ToolsOverride["a"].Name)
				assert.Equal(t, 2026, c.GetCreationTimestamp().Year())
			},
		},
		"NaN": {
			reason:   "a value JSON cannot carry is reported, no panic",
			kind:     KindVirtualMCPServer,
			obj:      map[string]any{"spec": map[string]any{"replicas": math.NaN(), "passthroughHeaders": []any{"a", math.Inf(1)}}},
			wantErrs: []fe{{"spec.replicas", false}, {"spec.passthroughHeaders[1]", false}},
		},
		"NestedGarbage": {
			reason: "deeply nested values under a free-form field are accepted as-is",
			kind:   KindVirtualMCPServer,
			obj: map[string]any{"spec": map[string]any{"config": map[string]any{"compositeTools": []any{map[string]any{
				"name": "x", "steps": []any{}, "parameters": map[string]any{"a": []any{[]any{map[string]any{"b": nil}}}},
			}}}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := tc.obj
			if in == nil {
				in = parseYAML(t, tc.yaml)
			}
			o, errs, err := decode(tc.kind, in)
			require.NoError(t, err)
			require.NotNil(t, o)
			want := tc.wantErrs
			if want == nil {
				want = []fe{}
			}
			assert.ElementsMatch(t, want, pathsOf(errs), "%s: %v", tc.reason, errs)
			if tc.msgSubstr != "" && assert.NotEmpty(t, errs) {
				assert.Contains(t, errs[0].Message, tc.msgSubstr, tc.reason)
			}
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

func TestDecodeUnknownKind(t *testing.T) {
	_, _, err := decode("MCPRegistry", map[string]any{})
	assert.Error(t, err, "kinds the render does not read are refused")
}

func TestDecodeDoesNotModifyInput(t *testing.T) {
	in := parseYAML(t, vmcpHead+"spec:\n  outgoingAuth: {}\n  replicas: x\n")
	before, err := json.Marshal(in)
	require.NoError(t, err)
	_, _, err = decode(KindVirtualMCPServer, in)
	require.NoError(t, err)
	after, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

// Every ToolHive object of every golden input decodes without a problem.
func TestDecodeGoldenInputs(t *testing.T) {
	decoded := 0
	for dir, docs := range goldenDocs(t) {
		for _, doc := range docs {
			apiVersion, _ := doc["apiVersion"].(string)
			kind, _ := doc["kind"].(string)
			if !IsToolHive(apiVersion) {
				continue
			}
			o, errs, err := decode(kind, doc)
			require.NoError(t, err, "%s %s", dir, kind)
			assert.Empty(t, errs, "%s %s/%s", dir, kind, o.GetName())
			decoded++
		}
	}
	assert.Greater(t, decoded, 20, "golden inputs hold many ToolHive objects")
}

// pub-10: steps without onError get none; an explicit action is kept.
func TestDecodeGoldenCompositeTools(t *testing.T) {
	var vmcp map[string]any
	for _, doc := range goldenDocs(t)[filepath.Base("pub-10-composite-tools-inline")] {
		if doc["kind"] == KindVirtualMCPServer {
			vmcp = doc
		}
	}
	require.NotNil(t, vmcp, "pub-10 has a VirtualMCPServer")
	o, errs, err := decode(KindVirtualMCPServer, vmcp)
	require.NoError(t, err)
	require.Empty(t, errs)
	tools := o.(*VirtualMCPServer).Spec.Config.CompositeTools
	require.NotEmpty(t, tools)
	for _, tool := range tools {
		for _, step := range tool.Steps {
			assert.NotEmpty(t, step.Type, "step %s has a type", step.ID)
			if step.ID == "ticket" {
				assert.Equal(t, "retry", step.OnError.Action)
			} else {
				assert.Nil(t, step.OnError, "step %s: no onError in the input, none defaulted", step.ID)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"spec":5}`, `{"spec":null}`, `{"spec":[]}`, `{"status":"x"}`,
		`{"spec":{"config":{"compositeTools":[{"steps":[{"step":{"step":{"x":1}}}]}]}}}`,
		`{"spec":{"incomingAuth":{"authzConfig":{"inline":{"policies":[1,{"a":null}]}}}}}`,
		`{"metadata":{"creationTimestamp":"x","labels":[1]},"spec":{"replicas":1e400}}`,
		`{"spec":{"authServerConfig":{"upstreamProviders":[{"oidcConfig":{"caBundleRef":{"configMapRef":7}}}]}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var obj map[string]any
		if json.Unmarshal([]byte(s), &obj) != nil {
			return
		}
		for _, kind := range Kinds() {
			o, _, err := decode(kind, obj)
			if err != nil || o == nil {
				t.Fatalf("%s: %v", kind, err)
			}
		}
	})
}

// TestDecodeFindings: Decode words each problem as a finding with its rule
// and severity (what the operator and the API server do with it).
func TestDecodeFindings(t *testing.T) {
	vmcp := func(spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": Group + "/" + VersionV1Beta1, "kind": KindVirtualMCPServer,
			"metadata": map[string]any{"name": "v", "namespace": "ns"}, "spec": spec}
	}
	base := func() map[string]any {
		return map[string]any{"groupRef": map[string]any{"name": "g"}, "incomingAuth": map[string]any{"type": "anonymous"}}
	}
	cases := []struct {
		reason string
		kind   string
		obj    map[string]any
		want   results.Finding
	}{
		{
			reason: "an unknown field of a strict kind is a schema error naming the CRD's release",
			kind:   KindVirtualMCPServer,
			obj:    vmcp(func() map[string]any { s := base(); s["replicass"] = 2; return s }()),
			want: results.Finding{Severity: results.Error, Rule: results.Schema, Field: "spec.replicass",
				Message: "unknown field: the VirtualMCPServer CRD (ToolHive v9.9.9) has no such field; remove it or fix its spelling"},
		},
		{
			reason: "an unknown key where the CRD preserves unknown fields is kept by the API server and dropped by the operator: a warning",
			kind:   KindVirtualMCPServer,
			obj:    vmcp(func() map[string]any { s := base(); s["config"] = map[string]any{"nosuch": 1}; return s }()),
			want: results.Finding{Severity: results.Warning, Rule: results.FieldIgnored, Field: "spec.config.nosuch",
				Message: "unknown field, ignored by the operator: remove it or fix its spelling"},
		},
		{
			reason: "a wrong type is a schema error with the fix",
			kind:   KindVirtualMCPServer,
			obj:    vmcp(func() map[string]any { s := base(); s["replicas"] = "two"; return s }()),
			want:   results.Finding{Severity: results.Error, Rule: results.Schema, Field: "spec.replicas"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			_, fs, err := Decode(tc.kind, tc.obj, "v9.9.9")
			require.NoError(t, err)
			require.Len(t, fs, 1, "%v", fs)
			got := fs[0]
			assert.Equal(t, tc.want.Severity, got.Severity, tc.reason)
			assert.Equal(t, tc.want.Rule, got.Rule, tc.reason)
			assert.Equal(t, tc.want.Field, got.Field, tc.reason)
			if tc.want.Message != "" {
				assert.Equal(t, tc.want.Message, got.Message, tc.reason)
			} else {
				assert.True(t, strings.HasSuffix(got.Message, "; fix the value to match the CRD schema"), "%s: %s", tc.reason, got.Message)
			}
		})
	}
}
