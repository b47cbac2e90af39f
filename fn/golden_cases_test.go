package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// goldenReleases pairs each supported operator release with its expected
// file and the function config that selects it (none: the default, the
// newest release).
var goldenReleases = []struct {
	version, expected, config string
}{
	{"v0.62.0", "expected.yaml", "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: release}\nspec: {operatorVersion: v0.62.0}\n"},
	{"v0.63.0", "expected-v0.63.0.yaml", ""},
}

// withFunctionConfig adds a function config to a ResourceList.
func withFunctionConfig(rl []byte, cfg string) []byte {
	if cfg == "" {
		return rl
	}
	return append(append(append([]byte(nil), rl...), "functionConfig:\n"...), indent(cfg, "  ")...)
}

// TestGolden runs the built function on every golden case of the real
// operator, under every supported release against that release's expected
// output, and checks what passing a case means (golden/README.md):
// every operator object but the HMAC Secret is emitted with the same content
// (ConfigMap data byte for byte), every input item survives, a failing case
// gives an error result on the VirtualMCPServer and no Deployment, a passing
// case gives no error result.
func TestGolden(t *testing.T) {
	for _, dir := range testpaths.GoldenCases(t) {
		for _, r := range goldenReleases {
			t.Run(filepath.Base(dir)+"/"+r.version, func(t *testing.T) {
				in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
				require.NoError(t, err)
				exp, err := os.ReadFile(filepath.Join(dir, r.expected))
				require.NoError(t, err)
				checkGolden(t, in, exp, r.config)
			})
		}
	}
}

func checkGolden(t *testing.T, in, exp []byte, cfg string) {
	inputs := parseDocs(t, in)
	expected := parseDocs(t, exp)
	stdout, stderr, code := run(t, withFunctionConfig(resourceList(t, in), cfg))
	out := parseOutput(t, stdout)
	got := map[string]map[string]any{}
	for _, o := range out.items {
		got[id(o)] = o
	}

	// Every input item is still there, unchanged.
	for _, o := range inputs {
		g, ok := got[id(o)]
		if assert.True(t, ok, "input item %s lost", id(o)) {
			assert.Empty(t, firstDiff(id(o), comparable(o), comparable(g)), "input item %s changed", id(o))
		}
	}

	servers := map[string]bool{}
	for _, o := range inputs {
		if o["kind"] == "VirtualMCPServer" {
			servers[o["metadata"].(map[string]any)["name"].(string)] = true
		}
	}
	failing := map[string]bool{}
	for name := range servers {
		failing[name] = true
	}
	for _, o := range expected {
		if o["kind"] == "Deployment" {
			delete(failing, o["metadata"].(map[string]any)["name"].(string))
		}
	}

	errorsOn := map[string]bool{}
	for _, r := range out.results {
		if r["severity"] != "error" {
			continue
		}
		if ref, ok := r["resourceRef"].(map[string]any); ok && ref["kind"] == "VirtualMCPServer" {
			errorsOn[ref["name"].(string)] = true
		} else {
			t.Errorf("error result not about a VirtualMCPServer: %v", r)
		}
	}

	for name := range servers {
		if failing[name] {
			assert.True(t, errorsOn[name], "failing case: want an error result on VirtualMCPServer %s; stderr:\n%s", name, stderr)
			assert.Equal(t, 1, code, "failing case must exit 1")
			for _, o := range out.items {
				md := o["metadata"].(map[string]any)
				if o["kind"] == "Deployment" && md["name"] == name {
					t.Errorf("failing case rendered Deployment %s", name)
				}
			}
			continue
		}
		assert.False(t, errorsOn[name], "passing case: unexpected error result on %s; stderr:\n%s", name, stderr)
	}
	if len(failing) == 0 {
		assert.Equal(t, 0, code, "passing case must exit 0; stderr:\n%s", stderr)
	}

	for _, want := range expected {
		kind, _ := want["kind"].(string)
		md := want["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		if strings.HasPrefix(kind, "Oracle") || (kind == "Secret" && strings.HasSuffix(name, "-hmac-secret")) {
			continue
		}
		owner := ownerName(want)
		if failing[owner] {
			continue // fail closed: nothing is rendered for an invalid server
		}
		g, ok := got[id(want)]
		if !assert.True(t, ok, "missing %s", id(want)) {
			continue
		}
		if kind == "ConfigMap" {
			if d := configMapDataDiff(want, g); d != "" {
				t.Errorf("%s: %s", id(want), d)
			}
		}
		if d := firstDiff(id(want), comparable(want), comparable(g)); d != "" {
			t.Errorf("first difference: %s", d)
		}
	}
}

func ownerName(o map[string]any) string {
	md := o["metadata"].(map[string]any)
	refs, _ := md["ownerReferences"].([]any)
	for _, r := range refs {
		if m, ok := r.(map[string]any); ok && m["kind"] == "VirtualMCPServer" {
			n, _ := m["name"].(string)
			return n
		}
	}
	return ""
}

// TestIdempotentAndDeterministic runs the function twice on each golden
// input and once more on its own output: the bytes must not change.
func TestIdempotentAndDeterministic(t *testing.T) {
	for _, dir := range testpaths.GoldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)
			rl := resourceList(t, in)
			first, _, code1 := run(t, rl)
			second, _, code2 := run(t, rl)
			assert.Equal(t, string(first), string(second), "two runs differ")
			assert.Equal(t, code1, code2)
			again, _, code3 := run(t, first)
			assert.Equal(t, code1, code3)
			assert.Equal(t, string(first), string(again), "running on its own output changed it")
		})
	}
}
