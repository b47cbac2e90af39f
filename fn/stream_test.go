package main

import (
	"github.com/vmcp-render/vmcp-render/internal/testpaths"

	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	benchfixture "github.com/vmcp-render/vmcp-render/bench/fixture"
)

// streamCases are inputs chosen for what could make item-by-item encoding
// differ from kyaml's single-document writer: comments in every position,
// block scalars (keep chomping, indentation indicators), empty metadata,
// anchors, flow style, long keys, function config and input results.
var streamCases = map[string]string{
	"comments": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
# head comment of the first item
- apiVersion: v1 # line comment
  kind: ConfigMap
  metadata:
    name: a
    namespace: ns
  # head comment of data
  data:
    k: v
  # foot comment of the item
# between items
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
  data: {}
# after the last item
`,
	"block scalars": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: scalars
  data:
    strip: |-
      one
      two
    folded: >
      a long folded
      paragraph
    indented: |2
        starts with spaces
      then not
    trailing: "ends with space "
    quoted: 'yes'
    empty: ""
    unicode: "h\u00e9llo \u2713"
    keep: |+
      kept

- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: keep-last
  data:
    keep: |+
      kept at the very end


`,
	"empty metadata and anchors": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
    annotations: {}
  data: &shared {x: "1", y: [a, b]}
- apiVersion: v1
  kind: ConfigMap
  metadata: {}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c
  data: *shared
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: d
    annotations:
  data:
    ? this is a key longer than one hundred and twenty eight characters, which makes the emitter write it as a complex key with a question mark
    : value
`,
	"function config and input results": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: fn-config
  data:
    absentSecrets: ignore
results:
- message: from an earlier function
  severity: info
`,
	"no items": `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
`,
	"List wrapper": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
`,
	"plain stream": `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
`,
}

// TestExecuteMatchesFramework runs the real processor through kyaml's
// framework.Execute and through execute on the same input and requires the
// same bytes, on the cases above, every golden input and the benchmark input.
func TestExecuteMatchesFramework(t *testing.T) {
	inputs := map[string][]byte{}
	for name, in := range streamCases {
		inputs[name] = []byte(in)
	}
	dirs := testpaths.GoldenCases(t)
	require.NotEmpty(t, dirs)
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "input.yaml"))
		require.NoError(t, err)
		inputs[filepath.Base(d)] = resourceList(t, b)
	}
	inputs["benchmark fixture, 3 servers"] = benchfixture.ResourceList(3)

	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return process(rl, nil, discardResults())
	})
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			wantErr := framework.Execute(p, &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &want, KeepReaderAnnotations: true})
			var got bytes.Buffer
			gotErr := execute(p, bytes.NewReader(in), &got)
			require.Equal(t, wantErr != nil, gotErr != nil, "error: kyaml %v, execute %v", wantErr, gotErr)
			require.NotEmpty(t, want.String())
			require.Equal(t, want.String(), got.String())
		})
	}
}

// BenchmarkExecute is the whole function in process (read, render, write)
// on the 1,000-server benchmark input; profile it with -cpuprofile.
func BenchmarkExecute(b *testing.B) {
	in := benchfixture.ResourceList(1000)
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return process(rl, nil, discardResults())
	})
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := execute(p, bytes.NewReader(in), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoop is the floor in process: kyaml's framework.Execute with a
// processor that does nothing, on the same input as BenchmarkExecute.
func BenchmarkNoop(b *testing.B) {
	in := benchfixture.ResourceList(1000)
	p := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := framework.Execute(p, &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: io.Discard, KeepReaderAnnotations: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBlockWriterMatchesYAML compares blockWriter with yaml.v3 item by item
// on the inputs of TestExecuteMatchesFramework and the rendered output of
// the benchmark input, and checks that it takes the usual objects itself.
func TestBlockWriterMatchesYAML(t *testing.T) {
	var items []*yaml.RNode
	for _, in := range streamCases {
		nodes, err := (&kio.ByteReader{Reader: bytes.NewBufferString(in), OmitReaderAnnotations: true}).Read()
		require.NoError(t, err)
		items = append(items, nodes...)
	}
	rl := &framework.ResourceList{}
	var err error
	rl.Items, err = (&kio.ByteReader{Reader: bytes.NewReader(benchfixture.ResourceList(2))}).Read()
	require.NoError(t, err)
	require.NoError(t, process(rl, nil, discardResults()))
	items = append(items, rl.Items...)

	w := newBlockWriter()
	taken := 0
	for _, n := range items {
		var want bytes.Buffer
		require.NoError(t, encodeDoc(&want, new(bytes.Buffer), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}))
		got, ok := w.item(n.YNode())
		if !ok {
			continue
		}
		taken++
		require.Equal(t, want.String(), string(got))
	}
	// Every item of the benchmark output has the simple shape.
	require.GreaterOrEqual(t, taken, len(rl.Items))
}

// FuzzBlockWriter compares blockWriter with yaml.v3 on arbitrary YAML.
func FuzzBlockWriter(f *testing.F) {
	for _, in := range streamCases {
		f.Add(in)
	}
	f.Add(string(benchfixture.ResourceList(1)))
	f.Add("a: 1\nb: [x]\nc: {}\nd:\n- e: f\n  g: 'h'\n- i\n- |\n  j\n   k\n")
	f.Add("k: \"t\\u00e9st\"\nl: >-\n  folded\n  text\nm: !!binary aGk=\nn: ~\no: -1\np: .5\nq: 2001-12-14\n")
	f.Fuzz(func(t *testing.T, in string) {
		nodes, err := (&kio.ByteReader{Reader: bytes.NewBufferString(in), OmitReaderAnnotations: true}).Read()
		if err != nil {
			return
		}
		w := newBlockWriter()
		for _, n := range nodes {
			var want bytes.Buffer
			if err := encodeDoc(&want, new(bytes.Buffer), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}); err != nil {
				continue
			}
			if got, ok := w.item(n.YNode()); ok {
				require.Equal(t, want.String(), string(got), "%q", in)
			}
		}
	})
}

// BenchmarkWrite writes the rendered 1,000-server ResourceList as the
// function does; BenchmarkWriteKyaml is kyaml's writer on the same items.
func BenchmarkWrite(b *testing.B) {
	benchmarkWrite(b, func(w io.Writer, rw *kio.ByteReadWriter, items []*yaml.RNode) error {
		return writeWrapped(w, rw.WrappingAPIVersion, rw.WrappingKind, items, nil, nil)
	})
}

func BenchmarkWriteKyaml(b *testing.B) {
	benchmarkWrite(b, func(w io.Writer, rw *kio.ByteReadWriter, items []*yaml.RNode) error {
		rw.Writer = w
		return rw.Write(items)
	})
}

func benchmarkWrite(b *testing.B, write func(io.Writer, *kio.ByteReadWriter, []*yaml.RNode) error) {
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(benchfixture.ResourceList(1000)), KeepReaderAnnotations: true}
	items, err := rw.Read()
	require.NoError(b, err)
	rl := &framework.ResourceList{Items: items}
	require.NoError(b, process(rl, nil, discardResults()))
	b.ReportAllocs()
	for b.Loop() {
		if err := write(io.Discard, rw, rl.Items); err != nil {
			b.Fatal(err)
		}
	}
}
