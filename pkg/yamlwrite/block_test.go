package yamlwrite_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	benchfixture "github.com/vmcp-render/vmcp-render/bench/fixture"
	"github.com/vmcp-render/vmcp-render/pkg/transform"
	"github.com/vmcp-render/vmcp-render/pkg/yamlwrite"
)

// streamCases are testdata/stream: inputs chosen for what could make
// item-by-item encoding differ from kyaml's single-document writer
// (fn's TestExecuteMatchesFramework runs them through the whole function).
func streamCases(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "stream", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

// rendered is the benchmark input of n servers with the objects the
// function renders for it.
func rendered(t testing.TB, n int) (items, out []*yaml.RNode) {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(benchfixture.ResourceList(n))}).Read()
	require.NoError(t, err)
	out, _ = transform.Render(items, benchfixture.Spec())
	return items, out
}

// yamlItem is what yaml.v3 writes for n as an entry of a root sequence.
func yamlItem(t testing.TB, n *yaml.RNode) (string, error) {
	var want bytes.Buffer
	err := yamlwrite.EncodeDoc(&want, new(bytes.Buffer), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}})
	return want.String(), err
}

// TestBlockWriterMatchesYAML compares BlockWriter with yaml.v3 item by item
// on the stream cases and the rendered benchmark input, and checks that it
// takes the usual objects itself.
func TestBlockWriterMatchesYAML(t *testing.T) {
	var items []*yaml.RNode
	for _, in := range streamCases(t) {
		nodes, err := (&kio.ByteReader{Reader: bytes.NewBufferString(in), OmitReaderAnnotations: true}).Read()
		require.NoError(t, err)
		items = append(items, nodes...)
	}
	_, out := rendered(t, 2)
	items = append(items, out...)

	w := yamlwrite.NewBlockWriter()
	taken := 0
	for _, n := range items {
		want, err := yamlItem(t, n)
		require.NoError(t, err)
		got, ok := w.Item(n.YNode())
		if !ok {
			continue
		}
		taken++
		require.Equal(t, want, string(got))
	}
	// Every item of the benchmark output has the simple shape.
	require.GreaterOrEqual(t, taken, len(out))
}

// FuzzBlockWriter compares BlockWriter with yaml.v3 on arbitrary YAML.
func FuzzBlockWriter(f *testing.F) {
	for _, in := range streamCases(f) {
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
		w := yamlwrite.NewBlockWriter()
		for _, n := range nodes {
			want, err := yamlItem(t, n)
			if err != nil {
				continue
			}
			if got, ok := w.Item(n.YNode()); ok {
				require.Equal(t, want, string(got), "%q", in)
			}
		}
	})
}

// BenchmarkWrite writes the rendered 1,000-server ResourceList as the
// function does; BenchmarkWriteKyaml is kyaml's writer on the same items.
func BenchmarkWrite(b *testing.B) {
	benchmarkWrite(b, func(w io.Writer, items []*yaml.RNode) error {
		return yamlwrite.WriteWrapped(w, kio.ResourceListAPIVersion, kio.ResourceListKind, items, nil, nil)
	})
}

func BenchmarkWriteKyaml(b *testing.B) {
	benchmarkWrite(b, func(w io.Writer, items []*yaml.RNode) error {
		return kio.ByteWriter{Writer: w, KeepReaderAnnotations: true, WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}.Write(items)
	})
}

func benchmarkWrite(b *testing.B, write func(io.Writer, []*yaml.RNode) error) {
	_, out := rendered(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := write(io.Discard, out); err != nil {
			b.Fatal(err)
		}
	}
}
