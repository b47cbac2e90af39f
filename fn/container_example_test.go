package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/runtimeutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
)

// releaseImage is how every example and document names the function image:
// a semver release tag, never latest.
var releaseImage = regexp.MustCompile(`^ghcr\.io/vmcp-render/vmcp-render:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$`)

func readKustomization(t *testing.T, dir string) types.Kustomization {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	require.NoError(t, err)
	var k types.Kustomization
	require.NoError(t, sigsyaml.UnmarshalStrict(b, &k), "kustomization.yaml of %s", dir)
	return k
}

func readFnConfig(t *testing.T, path string) (*yaml.RNode, *runtimeutil.FunctionSpec) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	n, err := yaml.Parse(string(b))
	require.NoError(t, err)
	fs, err := runtimeutil.GetFunctionSpec(n)
	require.NoError(t, err)
	require.NotNil(t, fs, "%s has no config.kubernetes.io/function annotation", path)
	return n, fs
}

// TestContainerExample checks examples/kustomization-container without a
// Docker engine: it must be the exec example with only the runtime changed.
func TestContainerExample(t *testing.T) {
	root := repoRoot(t)
	execDir := filepath.Join(root, "examples", "kustomization")
	ctrDir := filepath.Join(root, "examples", "kustomization-container")
	execK, ctrK := readKustomization(t, execDir), readKustomization(t, ctrDir)
	execCfg, execFn := readFnConfig(t, filepath.Join(execDir, "vmcp-render.yaml"))
	ctrCfg, ctrFn := readFnConfig(t, filepath.Join(ctrDir, "vmcp-render.yaml"))

	cases := map[string]struct {
		reason string
		check  func(t *testing.T)
	}{
		"SameResources": {
			reason: "both examples list the same resources and namespace",
			check: func(t *testing.T) {
				assert.Equal(t, execK.Resources, ctrK.Resources)
				assert.Equal(t, execK.Namespace, ctrK.Namespace)
			},
		},
		"ResourceFilesIdentical": {
			reason: "the resource files are byte-for-byte the exec example's",
			check: func(t *testing.T) {
				for _, r := range ctrK.Resources {
					a, err := os.ReadFile(filepath.Join(execDir, r))
					require.NoError(t, err)
					b, err := os.ReadFile(filepath.Join(ctrDir, r))
					require.NoError(t, err)
					assert.Equal(t, string(a), string(b), "%s differs between the examples", r)
				}
			},
		},
		"Transformer": {
			reason: "the function is a transformer (a generator never sees the resources)",
			check: func(t *testing.T) {
				assert.Equal(t, []string{"vmcp-render.yaml"}, ctrK.Transformers)
				assert.Empty(t, ctrK.Generators)
				assert.Empty(t, ctrK.Validators)
			},
		},
		"ContainerRuntime": {
			reason: "the container example runs a pinned release image, without network, and no exec",
			check: func(t *testing.T) {
				assert.Regexp(t, releaseImage, ctrFn.Container.Image)
				assert.False(t, ctrFn.Container.Network, "the function needs no network")
				assert.Empty(t, ctrFn.Exec.Path)
				assert.NotEmpty(t, execFn.Exec.Path, "the exec example runs a binary")
			},
		},
		"SameFunctionConfig": {
			reason: "the function configs are valid and identical apart from the runtime annotation",
			check: func(t *testing.T) {
				es, eprobs := fnconfig.Load(execCfg)
				cs, cprobs := fnconfig.Load(ctrCfg)
				assert.Empty(t, eprobs)
				assert.Empty(t, cprobs)
				assert.Equal(t, es, cs)
				assert.Equal(t, execCfg.GetName(), ctrCfg.GetName())
			},
		},
		"BuildsLikeExec": {
			reason: "with the container runtime swapped for the local binary, it builds to the exec example's expected output",
			check: func(t *testing.T) {
				tmp := t.TempDir()
				testpaths.CopyTree(t, ctrDir, tmp)
				swapped := ctrCfg.Copy()
				fn := "exec:\n  path: " + binary + "\n"
				require.NoError(t, swapped.PipeE(yaml.SetAnnotation(runtimeutil.FunctionAnnotationKey, fn)))
				require.NoError(t, os.WriteFile(filepath.Join(tmp, "vmcp-render.yaml"), []byte(swapped.MustString()), 0o644))

				m, err := krusty.MakeKustomizer(krustyOptions()).Run(filesys.MakeFsOnDisk(), tmp)
				require.NoError(t, err)
				got, err := m.AsYaml()
				require.NoError(t, err)
				want, err := os.ReadFile(filepath.Join(execDir, "expected", "output.yaml"))
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Log(tc.reason)
			tc.check(t)
		})
	}
}
