package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// binary is the function built once for the tests that run it as a process,
// the way kustomize and kpt run it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vmcp-render-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "vmcp-render")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the function:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func dataDir(t testing.TB) string { return testpaths.Data(t) }

// run runs the built function on a ResourceList and returns stdout, stderr
// and the exit code.
func run(t testing.TB, input []byte, args ...string) ([]byte, []byte, int) {
	t.Helper()
	return runCmd(t, exec.Command(binary, args...), input)
}

// runCmd runs cmd with input on stdin and returns stdout, stderr and the
// exit code; only a failure to start it fails the test.
func runCmd(t testing.TB, cmd *exec.Cmd, input []byte) ([]byte, []byte, int) {
	t.Helper()
	cmd.Stdin = bytes.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.Bytes(), errb.Bytes(), code
}

// resourceList wraps a multi-document YAML file into a ResourceList.
func resourceList(t testing.TB, docs []byte) []byte {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(docs), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, kio.ByteWriter{Writer: &b, WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}.Write(nodes))
	return b.Bytes()
}

type output struct {
	items   []map[string]any
	results []map[string]any
}

func parseOutput(t testing.TB, out []byte) output {
	t.Helper()
	var rl struct {
		Items   []map[string]any `json:"items"`
		Results []map[string]any `json:"results"`
	}
	require.NoError(t, sigsyaml.Unmarshal(out, &rl), "output is not a ResourceList:\n%s", out)
	return output{items: rl.Items, results: rl.Results}
}

func parseDocs(t testing.TB, b []byte) []map[string]any {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	var objs []map[string]any
	for _, n := range nodes {
		m, err := n.Map()
		require.NoError(t, err)
		objs = append(objs, normalizeNumbers(m).(map[string]any))
	}
	return objs
}

// normalizeNumbers makes YAML ints comparable with JSON-decoded numbers.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}

func id(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	return fmt.Sprintf("%v/%v/%v/%v", o["apiVersion"], o["kind"], md["namespace"], md["name"])
}

// comparable strips what the function deliberately does not reproduce
// (ownerReferences) and orchestrator annotations, and treats {} like absent.
func comparable(o map[string]any) map[string]any {
	c := deepCopy(o).(map[string]any)
	if md, ok := c["metadata"].(map[string]any); ok {
		delete(md, "ownerReferences")
		if anns, ok := md["annotations"].(map[string]any); ok {
			for k := range anns {
				if strings.HasPrefix(k, "internal.config.kubernetes.io/") || strings.HasPrefix(k, "config.kubernetes.io/") || k == "config.k8s.io/id" || strings.HasPrefix(k, "kustomize.config.k8s.io/") {
					delete(anns, k)
				}
			}
		}
	}
	return pruneEmpty(c).(map[string]any)
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

func pruneEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = pruneEmpty(e)
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				delete(x, k)
				continue
			}
			x[k] = e
		}
	case []any:
		for i, e := range x {
			x[i] = pruneEmpty(e)
		}
	}
	return v
}

// firstDiff names the first field path where want and got differ.
func firstDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want a map, got %T %v", path, got, got)
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			wv, wok := w[k]
			gv, gok := g[k]
			p := path + "." + k
			switch {
			case !gok:
				return fmt.Sprintf("%s: missing, want %v", p, wv)
			case !wok:
				return fmt.Sprintf("%s: unexpected %v", p, gv)
			}
			if d := firstDiff(p, wv, gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: want a list, got %T %v", path, got, got)
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %d items, got %d", path, len(w), len(g))
		}
		return ""
	default:
		if !reflect.DeepEqual(want, got) {
			return fmt.Sprintf("%s: want %#v, got %#v", path, want, got)
		}
		return ""
	}
}

// configMapDataDiff compares ConfigMap data byte for byte and shows the first
// differing line.
func configMapDataDiff(want, got map[string]any) string {
	wd, _ := want["data"].(map[string]any)
	gd, _ := got["data"].(map[string]any)
	keys := map[string]bool{}
	for k := range wd {
		keys[k] = true
	}
	for k := range gd {
		keys[k] = true
	}
	for k := range keys {
		ws, _ := wd[k].(string)
		gs, ok := gd[k].(string)
		if !ok {
			return fmt.Sprintf("data.%s: missing", k)
		}
		if _, ok := wd[k]; !ok {
			return fmt.Sprintf("data.%s: unexpected key", k)
		}
		if ws != gs {
			wl, gl := strings.Split(ws, "\n"), strings.Split(gs, "\n")
			for i := 0; i < len(wl) || i < len(gl); i++ {
				var a, b string
				if i < len(wl) {
					a = wl[i]
				}
				if i < len(gl) {
					b = gl[i]
				}
				if a != b {
					return fmt.Sprintf("data.%s line %d: want %q, got %q\n--- want\n%s\n--- got\n%s", k, i+1, a, b, ws, gs)
				}
			}
		}
	}
	return ""
}
