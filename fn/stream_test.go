package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	benchfixture "github.com/vmcp-render/vmcp-render/bench/fixture"
	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// streamCases are the inputs of pkg/yamlwrite/testdata/stream, chosen for
// what could make item-by-item encoding differ from kyaml's single-document
// writer: comments in every position, block scalars, empty metadata,
// anchors, flow style, long keys, function config and input results.
func streamCases(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "pkg", "yamlwrite", "testdata", "stream", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = string(b)
	}
	return out
}

// TestExecuteMatchesFramework runs the real processor through kyaml's
// framework.Execute and through execute on the same input and requires the
// same bytes, on the cases above, every golden input and the benchmark input.
func TestExecuteMatchesFramework(t *testing.T) {
	inputs := map[string][]byte{}
	for name, in := range streamCases(t) {
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
