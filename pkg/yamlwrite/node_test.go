package yamlwrite_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	benchfixture "github.com/vmcp-render/vmcp-render/bench/fixture"
	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/transform"
	"github.com/vmcp-render/vmcp-render/pkg/yamlwrite"
)

// roundTrip is what toNode did before MapToNode: marshal to YAML text with
// sigs.k8s.io/yaml and parse it back. It is the reference MapToNode must match.
func roundTrip(t testing.TB, m map[string]any) *yaml.RNode {
	t.Helper()
	b, err := sigsyaml.Marshal(m)
	require.NoError(t, err)
	n, err := yaml.Parse(string(b))
	require.NoError(t, err)
	return n
}

// written is a node as the function writes it: an item of a ResourceList.
func written(t testing.TB, n *yaml.RNode) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, kio.ByteWriter{Writer: &b, KeepReaderAnnotations: true,
		WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}.Write([]*yaml.RNode{n}))
	return b.String()
}

func TestMapToNodeMatchesRoundTrip(t *testing.T) {
	cases := map[string]struct {
		reason string
		value  any
	}{
		"plain words":        {"ordinary strings stay plain", []any{"virtualmcpserver", "ClusterIP", "a-b.c_d", "/etc/vmcp-config", "--host=0.0.0.0", "-", "app.kubernetes.io/name"}},
		"yaml 1.1 words":     {"yaml.v2 quotes words it reads as bool or null; yaml.v3 would not", []any{"yes", "Yes", "no", "NO", "on", "Off", "y", "N", "true", "False", "~", "null", "", ".inf", "-.Inf", ".nan", "<<"}},
		"numbers as strings": {"strings that read back as numbers are double-quoted", []any{"1", "01", "-1", "+1", "1000", "0x1F", "0o17", "017", "1_000", "1e3", "1.5", ".5", "1.", "0b101", "-0b101", "123e4567", "18446744073709551616", "1e400"}},
		"almost numbers":     {"digit-led strings that are not numbers stay plain", []any{"732700220b2ce432c079af731b601ab71a0e31e62f292a551033731b2ecaf124", "1.2.3", "8080/TCP", "0.0.0.0", "1-2", "1e", "0x", "0bx", "-0b2", "+-1"}},
		"times":              {"yaml.v2 quotes timestamps and base-60 numbers", []any{"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-13-45", "1:20", "12:30:45", "190:20:30.15", "1:60", "30s", "1m0s"}},
		"indicators":         {"strings plain YAML cannot hold become single- or double-quoted", []any{"a: b", "- x", "#x", "x #y", " leading", "trailing ", "@at", "`tick", "*star", "&amp", "!bang", "%pct", "|pipe", ">gt", "[x]", "{x}", ",c", "?q", "'single", "\"double", "quote's", "tab\there", "\tlead", "trail\t", "{workload}_"}},
		"multi-line":         {"multi-line strings ask for the literal style; some cannot have it", []any{"a\nb", "a\nb\n", "keep\n\n", " indented\nfirst", "trailing space \nnext", "\n", "a\n\n\nb\n", "tab\tin\nblock", "\ttab first\nx", "x\n\ttab second line"}},
		"unicode":            {"non-ASCII text is written as is", []any{"ünïcödé", "emoji 😀", "日本語", "\u00a0nbsp"}},
		"long":               {"long values and keys (over 128 characters a key is complex)", map[string]any{strings.Repeat("k", 130): strings.Repeat("v ", 200)}},
		"scalars":            {"non-string scalars", []any{int64(0), int64(-7), int64(9007199254740993), 0.5, 1e-7, 5e20, true, false, nil}},
		"empty":              {"empty maps and lists are flow style", map[string]any{"m": map[string]any{}, "l": []any{}, "nested": []any{map[string]any{}, []any{}}}},
		"key order": {"yaml.v2 orders keys naturally: digit runs as numbers, letters last", map[string]any{
			"a10": 1, "a9": 2, "a09": 3, "a010": 4, "b": 5, "B": 6, "_x": 7, "1": 8, "10": 9, "2": 10, "a-b": 11, "a.b": 12,
			"a_b": 13, "env2": 14, "env10": 15, "key0": 16, "key00": 17, "key01": 18, "x1y2": 19, "x1y10": 20, "Z": 21, "ä": 22, "": 23, "true": 24,
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "value": normalizeInts(tc.value)}
			n, ok := yamlwrite.MapToNode(m)
			require.True(t, ok, tc.reason)
			got := written(t, yaml.NewRNode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}))
			require.Equal(t, written(t, roundTrip(t, m)), got, tc.reason)
		})
	}
}

// normalizeInts turns the int literals of the table into int64, the type
// workload.ToUnstructured produces.
func normalizeInts(v any) any {
	switch t := v.(type) {
	case int:
		return int64(t)
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			out[k] = normalizeInts(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalizeInts(e)
		}
		return out
	}
	return v
}

func TestMapToNodeFallsBack(t *testing.T) {
	cases := map[string]struct {
		reason string
		value  any
	}{
		"invalid utf-8":   {"json.Marshal rewrites invalid bytes; leave that to the round trip", "bad\xffbyte"},
		"control":         {"the round trip escapes it", "ctl\x01"},
		"DEL":             {"the round trip rejects it", "del\x7f"},
		"NEL":             {"YAML folds it into a space", "nel\u0085"},
		"separator":       {"a line separator", "a\u2028b"},
		"BOM":             {"a byte order mark", "bom\ufeff"},
		"carriage return": {"a line break of its own", "cr\ronly"},
		"unknown type":    {"only the types ToUnstructured produces are modelled", int32(3)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ok := yamlwrite.MapToNode(map[string]any{"v": tc.value})
			require.False(t, ok, tc.reason)
		})
	}
}

// TestRenderedNodesMatchRoundTrip checks every generated object of the golden
// inputs and the benchmark input: written as built, it must be byte for byte
// what the text round trip of its content gives. (The golden tests check the
// content itself.)
func TestRenderedNodesMatchRoundTrip(t *testing.T) {
	inputs := map[string][]byte{"benchmark fixture": nil}
	for _, dir := range testpaths.GoldenCases(t) {
		b, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
		require.NoError(t, err)
		inputs[filepath.Base(dir)] = b
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var items []*yaml.RNode
			var err error
			if in == nil {
				items, err = (&kio.ByteReader{Reader: bytes.NewReader(benchfixture.ResourceList(2))}).Read()
			} else {
				items, err = (&kio.ByteReader{Reader: bytes.NewReader(in), OmitReaderAnnotations: true}).Read()
			}
			require.NoError(t, err)
			out, _ := transform.Render(items, fnconfig.Defaults())
			generated := out[len(items):]
			if len(generated) == 0 {
				return // a failing case renders nothing
			}
			for _, n := range generated {
				// render adds the orchestrator's path and index with kyaml
				// after toNode; they are not part of this comparison.
				n = n.Copy()
				for _, a := range []string{kioutil.PathAnnotation, kioutil.IndexAnnotation} {
					_, err := n.Pipe(yaml.ClearAnnotation(a))
					require.NoError(t, err)
				}
				require.NoError(t, yaml.ClearEmptyAnnotations(n))
				m, err := n.Map()
				require.NoError(t, err)
				require.Equal(t, written(t, roundTrip(t, m)), written(t, n), "%s %s", n.GetKind(), n.GetName())
			}
		})
	}
}

// FuzzMapToNode compares MapToNode with the text round trip on arbitrary
// strings, as values and as keys (which also checks the key order).
func FuzzMapToNode(f *testing.F) {
	for _, s := range []string{"", "a", "yes", "1e3", "a: b", "x\ny\n", "\tt\n", " \n", "2001-12-14", "1:20", "0b1", "ü", "a10", "a09"} {
		f.Add(s, "a9")
	}
	f.Fuzz(func(t *testing.T, s, k string) {
		m := map[string]any{"value": s, s: "key", k: "other", "list": []any{s, k}}
		n, ok := yamlwrite.MapToNode(m)
		if !ok {
			return // the round trip handles it
		}
		built := yaml.NewRNode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}})
		b, err := sigsyaml.Marshal(m)
		var ref *yaml.RNode
		if err == nil {
			ref, err = yaml.Parse(string(b))
		}
		if err != nil {
			// The round trip itself breaks (yaml.v2 cannot read a JSON key
			// over 1024 characters); the built node must still read back
			// as the same content.
			back, err := yaml.Parse(written(t, built))
			require.NoError(t, err)
			items, err := back.Pipe(yaml.Lookup("items", "0"))
			require.NoError(t, err)
			got, err := items.Map()
			require.NoError(t, err)
			require.Equal(t, map[string]any{"value": s, s: "key", k: "other", "list": []any{s, k}}, got)
			return
		}
		require.Equal(t, written(t, ref), written(t, built), "%q %q", s, k)
	})
}
