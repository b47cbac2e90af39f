package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

func repoRoot(t testing.TB) string { return testpaths.Root(t) }

// krustyOptions are the options `kustomize build --enable-alpha-plugins
// --enable-exec` gives krusty (kustomize v5.8.2 commands/build).
func krustyOptions() *krusty.Options {
	o := krusty.MakeDefaultOptions()
	o.Reorder = krusty.ReorderOptionUnspecified
	pc := types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	pc.FnpLoadingOptions = types.FnPluginLoadingOptions{EnableExec: true}
	pc.HelmConfig.Command = "helm"
	o.PluginConfig = pc
	return o
}

// TestKrustyExample builds examples/kustomization in-process through
// kustomize's Go API with exec functions enabled, the function binary in a
// temporary tree laid out like the repository (the example's exec path,
// ../../bin/vmcp-render, is used as checked in), and compares the result
// with the checked-in expected output that `make example` also checks.
func TestKrustyExample(t *testing.T) {
	root := repoRoot(t)
	tmp := t.TempDir()
	example := filepath.Join(tmp, "examples", "kustomization")
	testpaths.CopyTree(t, filepath.Join(root, "examples", "kustomization"), example)
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "bin"), 0o755))
	bin, err := os.ReadFile(binary)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "bin", "vmcp-render"), bin, 0o755))

	want, err := os.ReadFile(filepath.Join(root, "examples", "kustomization", "expected", "output.yaml"))
	require.NoError(t, err, "the expected output is written by UPDATE=1 hack/example.sh")

	cases := map[string]struct {
		reason string
		opts   func() *krusty.Options
		check  func(t *testing.T, out string, err error)
	}{
		"ExecEnabled": {
			reason: "with alpha plugins and exec enabled the build equals the checked-in expected output",
			opts:   krustyOptions,
			check: func(t *testing.T, out string, err error) {
				require.NoError(t, err)
				assert.Equal(t, string(want), out)
				assert.Contains(t, out, "kind: Deployment")
			},
		},
		"ExecDisabled": {
			reason: "without exec kustomize silently skips the function (the trap the README warns about): no error, nothing rendered",
			opts: func() *krusty.Options {
				o := krustyOptions()
				o.PluginConfig.FnpLoadingOptions.EnableExec = false
				return o
			},
			check: func(t *testing.T, out string, err error) {
				require.NoError(t, err)
				assert.Contains(t, out, "kind: VirtualMCPServer")
				assert.NotContains(t, out, "kind: Deployment")
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := krusty.MakeKustomizer(tc.opts())
			m, err := k.Run(filesys.MakeFsOnDisk(), example)
			var out string
			if err == nil {
				b, yerr := m.AsYaml()
				require.NoError(t, yerr)
				out = string(b)
			}
			tc.check(t, out, err)
		})
	}
}

// TestKrustyBaseOverlay documents where the transformer belongs with bases
// and overlays: in the layer that sets the final namespace. kustomize runs a
// kustomization's namespace: before its transformers, and a base's
// transformers before the overlay's namespace:.
func TestKrustyBaseOverlay(t *testing.T) {
	root := repoRoot(t)
	src := filepath.Join(root, "examples", "kustomization")
	fnConfig := func(dir string) {
		cfg := "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata:\n  name: vmcp-render\n  annotations:\n" +
			"    config.kubernetes.io/function: |\n      exec:\n        path: " + binary + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "vmcp-render.yaml"), []byte(cfg), 0o644))
	}
	layout := func(t *testing.T, baseExtra, overlayExtra string) string {
		tmp := t.TempDir()
		base, overlay := filepath.Join(tmp, "base"), filepath.Join(tmp, "overlay")
		require.NoError(t, os.MkdirAll(base, 0o755))
		require.NoError(t, os.MkdirAll(overlay, 0o755))
		for _, f := range []string{"vmcp.yaml", "backends.yaml", "unrelated.yaml"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(base, f), b, 0o644))
		}
		fnConfig(base)
		fnConfig(overlay)
		require.NoError(t, os.WriteFile(filepath.Join(base, "kustomization.yaml"), []byte(
			"resources: [vmcp.yaml, backends.yaml, unrelated.yaml]\n"+baseExtra), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), []byte(
			"namespace: team-a\nresources: [../base]\n"+overlayExtra), 0o644))
		return overlay
	}
	// vmcpNamespace is the namespace the Deployment was rendered for.
	vmcpNamespace := func(t *testing.T, out string) (string, string) {
		for _, doc := range parseDocs(t, []byte(out)) {
			if doc["kind"] != "Deployment" {
				continue
			}
			ns := doc["metadata"].(map[string]any)["namespace"].(string)
			spec := doc["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			for _, c := range spec["containers"].([]any) {
				for _, e := range c.(map[string]any)["env"].([]any) {
					if e.(map[string]any)["name"] == "VMCP_NAMESPACE" {
						return ns, e.(map[string]any)["value"].(string)
					}
				}
			}
		}
		t.Fatal("no Deployment with VMCP_NAMESPACE in the output")
		return "", ""
	}
	cases := map[string]struct {
		reason               string
		baseExtra, overExtra string
		wantEnv              string
	}{
		"TransformerInOverlay": {
			reason:    "the transformer in the overlay that sets the namespace renders for that namespace",
			overExtra: "transformers: [vmcp-render.yaml]\n",
			wantEnv:   "team-a",
		},
		"TransformerInBase": {
			reason:    "in the base it renders for the base's (here: no, so default) namespace; the overlay then moves the objects but not what is inside them",
			baseExtra: "transformers: [vmcp-render.yaml]\n",
			wantEnv:   "default",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := krusty.MakeKustomizer(krustyOptions()).Run(filesys.MakeFsOnDisk(), layout(t, tc.baseExtra, tc.overExtra))
			require.NoError(t, err)
			b, err := m.AsYaml()
			require.NoError(t, err)
			ns, env := vmcpNamespace(t, string(b))
			assert.Equal(t, "team-a", ns, tc.reason)
			assert.Equal(t, tc.wantEnv, env, tc.reason)
		})
	}
}

// TestKrustyValidateMode covers mode: validate for CI. kustomize's
// validators: field cannot run a KRM function in kustomize v5.8.2 (its own
// path annotations count as a modification: kustomize issue 5036), so the
// README tells users to list the validate config under transformers:, where
// it changes nothing and fails the build on an error.
func TestKrustyValidateMode(t *testing.T) {
	src := filepath.Join(repoRoot(t), "examples", "kustomization")
	cfg := "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata:\n  name: vmcp-render-validate\n  annotations:\n" +
		"    config.kubernetes.io/function: |\n      exec:\n        path: " + binary + "\nspec:\n  mode: validate\n"
	layout := func(t *testing.T, field string, broken bool) string {
		dir := t.TempDir()
		for _, f := range []string{"vmcp.yaml", "backends.yaml", "unrelated.yaml"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			require.NoError(t, err)
			if broken && f == "vmcp.yaml" {
				b = bytes.Replace(b, []byte("\n  incomingAuth:\n"), []byte("\n  replicass: 2\n  incomingAuth:\n"), 1)
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "validate.yaml"), []byte(cfg), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(
			"namespace: toolhive\nresources: [vmcp.yaml, backends.yaml, unrelated.yaml]\n"+field+": [validate.yaml]\n"), 0o644))
		return dir
	}
	plain := func(t *testing.T) string {
		dir := layout(t, "transformers", false)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(
			"namespace: toolhive\nresources: [vmcp.yaml, backends.yaml, unrelated.yaml]\n"), 0o644))
		m, err := krusty.MakeKustomizer(krustyOptions()).Run(filesys.MakeFsOnDisk(), dir)
		require.NoError(t, err)
		b, err := m.AsYaml()
		require.NoError(t, err)
		return string(b)
	}
	cases := map[string]struct {
		reason  string
		field   string
		broken  bool
		wantErr string
	}{
		"TransformerValid": {
			reason: "as a transformer, validate mode leaves the build exactly as without the function",
			field:  "transformers",
		},
		"TransformerInvalid": {
			reason:  "as a transformer, validate mode fails the build on an error",
			field:   "transformers",
			broken:  true,
			wantErr: "couldn't execute function",
		},
		"ValidatorsFieldBroken": {
			reason:  "kustomize's validators: rejects any KRM function (upstream bug); if this starts passing, update the README",
			field:   "validators",
			wantErr: "validator shouldn't modify the resource map",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := krusty.MakeKustomizer(krustyOptions()).Run(filesys.MakeFsOnDisk(), layout(t, tc.field, tc.broken))
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			b, err := m.AsYaml()
			require.NoError(t, err)
			assert.Equal(t, plain(t), string(b), tc.reason)
		})
	}
}

// TestKrustyMarkConsumedLocalConfig checks the README's claim: with
// markConsumedLocalConfig kustomize leaves the rendered VirtualMCPServer out
// of the build (for clusters without the operator) and keeps the rest.
func TestKrustyMarkConsumedLocalConfig(t *testing.T) {
	src := filepath.Join(repoRoot(t), "examples", "kustomization")
	cases := map[string]struct {
		reason string
		mark   bool
		want   bool
	}{
		"Marked":   {reason: "marked, the VirtualMCPServer is dropped by kustomize", mark: true, want: false},
		"Unmarked": {reason: "by default the VirtualMCPServer stays in the build", mark: false, want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			testpaths.CopyTree(t, src, dir)
			cfg := "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata:\n  name: vmcp-render\n  annotations:\n" +
				"    config.kubernetes.io/function: |\n      exec:\n        path: " + binary + "\n"
			if tc.mark {
				cfg += "spec:\n  markConsumedLocalConfig: true\n"
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "vmcp-render.yaml"), []byte(cfg), 0o644))
			m, err := krusty.MakeKustomizer(krustyOptions()).Run(filesys.MakeFsOnDisk(), dir)
			require.NoError(t, err)
			b, err := m.AsYaml()
			require.NoError(t, err)
			assert.Equal(t, tc.want, bytes.Contains(b, []byte("kind: VirtualMCPServer")), tc.reason)
			assert.Contains(t, string(b), "kind: Deployment", tc.reason)
			assert.Contains(t, string(b), "kind: MCPGroup", tc.reason)
		})
	}
}
