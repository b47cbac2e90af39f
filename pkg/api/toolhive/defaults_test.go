package toolhive

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defaultsLeftOut are CRD defaults deliberately missing from Defaults, with
// the reason (see the Defaults doc comment).
var defaultsLeftOut = map[string]map[string]string{
	KindEmbeddingServer: {"spec.image": "container image reference, never read for a VirtualMCPServer"},
}

// crdDefaults walks a schema and returns every `default:` by path.
func crdDefaults(s map[string]any, path string, out map[string]any) {
	if d, ok := s["default"]; ok {
		out[path] = jsonScalar(d)
	}
	props, _ := s["properties"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(props)) {
		ps, _ := props[k].(map[string]any)
		crdDefaults(ps, path+"."+k, out)
	}
	if items, ok := s["items"].(map[string]any); ok {
		crdDefaults(items, path+"[]", out)
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		crdDefaults(ap, path+"{}", out)
	}
}

// jsonScalar turns YAML-decoded integers into int64, the type Defaults uses.
func jsonScalar(v any) any {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}

func TestDefaultsMatchCRD(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			root := crdSchema(t, kind, VersionV1Beta1)
			want := map[string]any{}
			for _, top := range []string{"spec", "status"} {
				if s := prop(root, top); s != nil {
					crdDefaults(s, top, want)
				}
			}
			for p := range defaultsLeftOut[kind] {
				_, inCRD := want[p]
				assert.True(t, inCRD, "left-out default %s is not in the CRD any more", p)
				delete(want, p)
			}

			got := map[string]any{}
			for _, d := range Defaults(kind) {
				_, dup := got[d.Path]
				assert.False(t, dup, "duplicate default %s", d.Path)
				got[d.Path] = d.Value
			}
			for _, p := range slices.Sorted(maps.Keys(want)) {
				v, ok := got[p]
				if !ok {
					t.Errorf("missing default %s = %#v", p, want[p])
					continue
				}
				if !reflect.DeepEqual(v, want[p]) {
					t.Errorf("default %s = %#v (%T), CRD says %#v (%T)", p, v, v, want[p], want[p])
				}
			}
			for _, p := range slices.Sorted(maps.Keys(got)) {
				if _, ok := want[p]; !ok {
					t.Errorf("default %s is not in the CRD", p)
				}
			}
		})
	}
}

// skeleton builds an object in which the parent of every default path
// exists (lists get one item), so that every default applies.
func skeleton(kind string) map[string]any {
	doc := map[string]any{"apiVersion": APIVersion, "kind": kind}
	for _, d := range Defaults(kind) {
		segs := strings.Split(d.Path, ".")
		node := doc
		for _, seg := range segs[:len(segs)-1] {
			name := strings.TrimSuffix(seg, "[]")
			if name != seg {
				items, _ := node[name].([]any)
				if len(items) == 0 {
					items = []any{map[string]any{}}
					node[name] = items
				}
				node = items[0].(map[string]any)
				continue
			}
			child, _ := node[name].(map[string]any)
			if child == nil {
				child = map[string]any{}
				node[name] = child
			}
			node = child
		}
	}
	return doc
}

// lookup follows a default path in an unstructured object (first list item).
func lookup(doc map[string]any, path string) (any, bool) {
	var node any = doc
	for _, seg := range strings.Split(path, ".") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		name := strings.TrimSuffix(seg, "[]")
		node, ok = m[name]
		if !ok {
			return nil, false
		}
		if name != seg {
			items, ok := node.([]any)
			if !ok || len(items) == 0 {
				return nil, false
			}
			node = items[0]
		}
	}
	return node, true
}

// Every default lands where the table says and decodes into the Go types
// without a problem (a default of the wrong type would be reported).
func TestEveryDefaultAppliesAndDecodes(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			in := skeleton(kind)
			got := ApplyDefaults(kind, in)
			for _, d := range Defaults(kind) {
				v, ok := lookup(got, d.Path)
				if assert.True(t, ok, "default %s not applied", d.Path) {
					assert.Equal(t, d.Value, v, d.Path)
				}
				_, inInput := lookup(in, d.Path)
				assert.False(t, inInput, "ApplyDefaults modified its input at %s", d.Path)
			}
			_, errs, err := decode(kind, in)
			require.NoError(t, err)
			// The skeleton sets every optional parent at once (all of an
			// MCPExternalAuthConfig's sub-structs, say), which the CRD's
			// one-of rules refuse; every other error is a real mismatch.
			var other []fieldError
			for _, e := range errs {
				if !strings.Contains(e.Message, "a CRD validation rule") {
					other = append(other, e)
				}
			}
			assert.Empty(t, other)
		})
	}
}

// absent marks a path that must not exist.
const absent = "<absent>"

func TestApplyDefaults(t *testing.T) {
	vmcp := func(spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": APIVersion, "kind": KindVirtualMCPServer, "spec": spec}
	}
	cases := map[string]struct {
		reason string
		kind   string
		in     map[string]any
		// want maps paths (as in lookup) to expected values, or absent.
		want map[string]any
	}{
		"AbsentParent": {
			reason: "a default applies only when its parent object exists",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{}),
			want:   map[string]any{"spec.outgoingAuth": absent, "spec.serviceType": "ClusterIP"},
		},
		"PresentParent": {
			reason: "an empty parent object gets the default",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{"outgoingAuth": map[string]any{}}),
			want:   map[string]any{"spec.outgoingAuth.source": "discovered"},
		},
		"ExplicitValueKept": {
			reason: "a value present in the input is never replaced",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{"outgoingAuth": map[string]any{"source": "inline"}, "serviceType": "NodePort"}),
			want:   map[string]any{"spec.outgoingAuth.source": "inline", "spec.serviceType": "NodePort"},
		},
		"ExplicitZeroKept": {
			reason: "false/0/empty are values, not absence",
			kind:   KindMCPTelemetryConfig,
			in: map[string]any{"spec": map[string]any{"openTelemetry": map[string]any{
				"useLegacyAttributes": false, "tracing": map[string]any{"samplingRate": ""},
			}}},
			want: map[string]any{
				"spec.openTelemetry.useLegacyAttributes":  false,
				"spec.openTelemetry.tracing.samplingRate": "",
				"spec.openTelemetry.tracing.enabled":      false,
				"spec.openTelemetry.metrics":              absent,
			},
		},
		"NullReplaced": {
			reason: "the API server prunes a null and then defaults the field",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{"outgoingAuth": map[string]any{"source": nil}}),
			want:   map[string]any{"spec.outgoingAuth.source": "discovered"},
		},
		"NullParent": {
			reason: "a null parent is not an object, so it gets no defaults",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{"outgoingAuth": nil}),
			want:   map[string]any{"spec.outgoingAuth": nil, "spec.outgoingAuth.source": absent},
		},
		"WrongTypeParent": {
			reason: "a parent of the wrong type is left alone (Decode reports it)",
			kind:   KindVirtualMCPServer,
			in:     vmcp(map[string]any{"outgoingAuth": "inline"}),
			want:   map[string]any{"spec.outgoingAuth": "inline"},
		},
		"ListItemsWalked": {
			reason: "every list item gets the defaults; items without the parent object get nothing",
			kind:   KindVirtualMCPCompositeToolDefinition,
			in: map[string]any{"spec": map[string]any{"steps": []any{
				map[string]any{"id": "a"},
				map[string]any{"id": "b", "onError": map[string]any{}, "type": "elicitation"},
			}}},
			want: map[string]any{
				"spec.steps[].type":    "tool",
				"spec.steps[].onError": absent,
			},
		},
		"StatusOnlyWhenPresent": {
			reason: "status defaults need a status object",
			kind:   KindMCPGroup,
			in:     map[string]any{"spec": map[string]any{}},
			want:   map[string]any{"status": absent},
		},
		"StatusDefaulted": {
			reason: "an empty status gets phase Pending, as the API server does",
			kind:   KindMCPServerEntry,
			in:     map[string]any{"status": map[string]any{}},
			want:   map[string]any{"status.phase": "Pending"},
		},
		"NilObject": {
			reason: "a nil object yields an empty one, no panic",
			kind:   KindVirtualMCPServer,
			in:     nil,
			want:   map[string]any{"spec": absent},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ApplyDefaults(tc.kind, tc.in)
			for _, p := range slices.Sorted(maps.Keys(tc.want)) {
				v, ok := lookup(got, p)
				if tc.want[p] == absent {
					assert.False(t, ok, "%s: %s should be absent, got %#v", tc.reason, p, v)
					continue
				}
				assert.True(t, ok, "%s: %s missing", tc.reason, p)
				assert.Equal(t, tc.want[p], v, "%s: %s", tc.reason, p)
			}
		})
	}

	t.Run("SecondListItem", func(t *testing.T) {
		got := ApplyDefaults(KindVirtualMCPCompositeToolDefinition, map[string]any{"spec": map[string]any{"steps": []any{
			map[string]any{"id": "a"},
			map[string]any{"id": "b", "onError": map[string]any{}, "type": "elicitation"},
		}}})
		steps := got["spec"].(map[string]any)["steps"].([]any)
		second := steps[1].(map[string]any)
		assert.Equal(t, "elicitation", second["type"], "explicit step type kept")
		assert.Equal(t, map[string]any{"action": "abort"}, second["onError"], "onError present, so action defaults")
	})
}

func TestSetDefaultMapValues(t *testing.T) {
	// No kind has a default under a map value today; the walker supports it
	// so that a future CRD default there is applied like the API server does.
	doc := map[string]any{"m": map[string]any{
		"a": map[string]any{},
		"b": map[string]any{"x": "kept"},
		"c": "not an object",
	}}
	setDefault(doc, strings.Split("m{}.x", "."), "d")
	assert.Equal(t, map[string]any{
		"a": map[string]any{"x": "d"},
		"b": map[string]any{"x": "kept"},
		"c": "not an object",
	}, doc["m"])
}

// The defaults table is sorted within each kind's groups only for reading;
// this guards against a copy-paste duplicate across groups.
func TestDefaultsHaveUniquePaths(t *testing.T) {
	for _, kind := range Kinds() {
		seen := map[string]bool{}
		var dups []string
		for _, d := range Defaults(kind) {
			if seen[d.Path] {
				dups = append(dups, d.Path)
			}
			seen[d.Path] = true
		}
		sort.Strings(dups)
		assert.Empty(t, dups, fmt.Sprintf("%s duplicate default paths", kind))
	}
}
