// Package argocd tests examples/argocd: the config management plugin runs
// through ../shared/tools/argocd-cmp-run.sh (Argo CD's repo server and cmp
// server, emulated), with kustomize and the function where the sidecar image
// puts them.
package argocd

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/fn/runtime/runtimeutil"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// sidecarBin is where the sidecar image (examples/argocd/Dockerfile) puts
// kustomize and the function; the app's function config names this path.
const sidecarBin = "/usr/local/bin"

func repoRoot(t *testing.T) string { return testpaths.Root(t) }

// cmpRun is ../shared/tools/argocd-cmp-run.sh; a missing tool fails the test.
func cmpRun(t *testing.T) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(repoRoot(t)), "shared", "tools", "argocd-cmp-run.sh")
	_, err := os.Stat(p)
	require.NoError(t, err, "the shared test tools must be at ../shared/tools")
	return p
}

// kustomizeBinary is the pinned kustomize `make kustomize` installs (make
// unit passes it in KUSTOMIZE).
func kustomizeBinary(t *testing.T) string {
	t.Helper()
	k := os.Getenv("KUSTOMIZE")
	if k == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		require.NoError(t, err)
		k = filepath.Join(strings.TrimSpace(string(out)), "bin", "kustomize")
	}
	out, err := exec.Command(k, "version").Output()
	require.NoError(t, err, "kustomize %s is missing: run make kustomize", k)
	require.Contains(t, string(out), makefileVar(t, "KUSTOMIZE_VERSION"), "kustomize at %s is not the pinned version", k)
	return k
}

func makefileVar(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Makefile"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^` + name + `\s*:?=\s*(\S+)`).FindSubmatch(b)
	require.NotNil(t, m, "Makefile has no %s", name)
	return string(m[1])
}

// sidecar lays out what the sidecar image holds in /usr/local/bin.
func sidecar(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "vmcp-render"), "./fn")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	k, err := os.ReadFile(kustomizeBinary(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomize"), k, 0o755))
	return dir
}

type result struct {
	code           int
	stdout, stderr string
	manifests      []byte
}

// runPlugin runs argocd-cmp-run.sh on appDir (inside repo) in a private
// mount namespace where /usr/local/bin is the sidecar's, so the absolute
// exec path of the function resolves as in the real sidecar; the host's
// /usr/local/bin is untouched.
func runPlugin(t *testing.T, bin, repo, appDir string, extra ...string) result {
	t.Helper()
	require.Equal(t, 0, os.Geteuid(), "this test needs root for a private mount namespace (CI runs as root)")
	out := filepath.Join(t.TempDir(), "manifests.yaml")
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	args := []string{"--mount", "--propagation", "private", "--", "bash", "-c",
		`mount --bind "$1" "$2" && shift 2 && exec "$@"`, "_", bin, sidecarBin,
		cmpRun(t), "--clean-env", "--require-discovery", "--repo-root", repo, "--out", out}
	args = append(args, extra...)
	args = append(args, filepath.Join(repo, "examples", "argocd", "plugin.yaml"), appDir)
	cmd := exec.Command("unshare", args...)
	// The sidecar's PATH, plus go for the tool's helper.
	cmd.Env = append(os.Environ(), "PATH="+sidecarBin+":/usr/bin:/bin:"+filepath.Dir(goBin))
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err = cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	r.manifests, _ = os.ReadFile(out)
	return r
}

func docs(t *testing.T, b []byte) map[string]map[string]any {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	out := map[string]map[string]any{}
	for _, n := range nodes {
		m, err := n.Map()
		require.NoError(t, err)
		out[n.GetKind()+"/"+n.GetNamespace()+"/"+n.GetName()] = m
	}
	return out
}

// repoCopy makes a minimal repository holding examples/argocd, so the tool
// copies little; mutate may change the app before the run.
func repoCopy(t *testing.T, bin string, mutate func(app, bin string)) (string, string) {
	t.Helper()
	repo := t.TempDir()
	testpaths.CopyTree(t, filepath.Join(repoRoot(t), "examples", "argocd"), filepath.Join(repo, "examples", "argocd"))
	app := filepath.Join(repo, "examples", "argocd", "app")
	if mutate != nil {
		mutate(app, bin)
	}
	return repo, app
}

func TestPlugin(t *testing.T) {
	bin := sidecar(t)
	application := filepath.Join(repoRoot(t), "examples", "argocd", "application.yaml")
	expected, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "kustomization", "expected", "output.yaml"))
	require.NoError(t, err)

	cases := map[string]struct {
		reason string
		mutate func(app, bin string)
		check  func(t *testing.T, r result)
	}{
		"Renders": {
			reason: "the plugin renders the app into a valid manifest stream, the same objects as examples/kustomization",
			check: func(t *testing.T, r result) {
				require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
				got, want := docs(t, r.manifests), docs(t, expected)
				assert.Equal(t, len(want), len(got))
				for id, w := range want {
					assert.Equal(t, w, got[id], "%s differs from examples/kustomization/expected/output.yaml", id)
				}
				assert.Contains(t, got, "Deployment/toolhive/platform-vmcp")
				// The function's warnings reach Argo CD's log.
				assert.Contains(t, r.stderr, "[secret-absent]")
			},
		},
		"BrokenInputFails": {
			reason: "an invalid VirtualMCPServer fails generation, with the function's message in the error Argo CD shows",
			mutate: func(app, _ string) {
				p := filepath.Join(app, "vmcp.yaml")
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				b = bytes.Replace(b, []byte("\n  incomingAuth:\n"), []byte("\n  replicass: 2\n  incomingAuth:\n"), 1)
				require.NoError(t, os.WriteFile(p, b, 0o644))
			},
			check: func(t *testing.T, r result) {
				assert.Equal(t, 1, r.code, "stderr:\n%s", r.stderr)
				assert.Contains(t, r.stdout+r.stderr, "spec.replicass: unknown field")
				assert.Contains(t, r.stdout+r.stderr, "[schema]")
				assert.Empty(t, bytes.TrimSpace(r.manifests), "no manifests from a failed generation")
			},
		},
		"RepoBinaryIsNotExecutable": {
			reason: "a function binary taken from Git loses its exec bit in the sidecar: why the function is baked into the image",
			mutate: func(app, bin string) {
				b, err := os.ReadFile(filepath.Join(bin, "vmcp-render"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(app, "vmcp-render"), b, 0o755))
				p := filepath.Join(app, "vmcp-render.yaml")
				c, err := os.ReadFile(p)
				require.NoError(t, err)
				c = bytes.Replace(c, []byte("path: /usr/local/bin/vmcp-render"), []byte("path: ./vmcp-render"), 1)
				require.NoError(t, os.WriteFile(p, c, 0o644))
			},
			check: func(t *testing.T, r result) {
				assert.Equal(t, 1, r.code)
				assert.Contains(t, r.stdout+r.stderr, "permission denied")
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Log(tc.reason)
			repo, app := repoCopy(t, bin, tc.mutate)
			tc.check(t, runPlugin(t, bin, repo, app, "--application", application))
		})
	}
}

// dockerInstructions joins continuation lines and drops comments.
func dockerInstructions(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (l == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\") + " ")
			continue
		}
		cur.WriteString(l)
		out = append(out, cur.String())
		cur.Reset()
	}
	require.NoError(t, sc.Err())
	return out
}

// TestExampleWiring checks that the pieces of examples/argocd agree: the
// sidecar image puts the function where the app's config runs it, with the
// pinned kustomize and the plugin config where the cmp server reads it; the
// Application names the plugin and the app path.
func TestExampleWiring(t *testing.T) {
	root := repoRoot(t)
	dir := filepath.Join(root, "examples", "argocd")
	ins := dockerInstructions(t, filepath.Join(dir, "Dockerfile"))
	has := func(s string) bool {
		for _, in := range ins {
			if strings.Contains(in, s) {
				return true
			}
		}
		return false
	}

	fcb, err := os.ReadFile(filepath.Join(dir, "app", "vmcp-render.yaml"))
	require.NoError(t, err)
	fc := yaml.MustParse(string(fcb))
	spec, err := runtimeutil.GetFunctionSpec(fc)
	require.NoError(t, err)

	var plugin struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Version  string `json:"version"`
			Discover struct {
				Find struct {
					Command []string `json:"command"`
				} `json:"find"`
			} `json:"discover"`
			Init struct {
				Command []string `json:"command"`
			} `json:"init"`
			Generate struct {
				Command []string `json:"command"`
				Args    []string `json:"args"`
			} `json:"generate"`
		} `json:"spec"`
	}
	pb, err := os.ReadFile(filepath.Join(dir, "plugin.yaml"))
	require.NoError(t, err)
	require.NoError(t, sigsyaml.UnmarshalStrict(pb, &plugin))

	var app struct {
		Spec struct {
			Source struct {
				Path   string `json:"path"`
				Plugin struct {
					Name string `json:"name"`
				} `json:"plugin"`
			} `json:"source"`
			Destination struct {
				Namespace string `json:"namespace"`
			} `json:"destination"`
		} `json:"spec"`
	}
	ab, err := os.ReadFile(filepath.Join(dir, "application.yaml"))
	require.NoError(t, err)
	require.NoError(t, sigsyaml.Unmarshal(ab, &app))

	var kz types.Kustomization
	kb, err := os.ReadFile(filepath.Join(dir, "app", "kustomization.yaml"))
	require.NoError(t, err)
	require.NoError(t, sigsyaml.UnmarshalStrict(kb, &kz))

	cases := map[string]struct {
		reason string
		ok     bool
	}{
		"ExecPathInImage": {reason: "the function config runs the binary the sidecar image installs",
			ok: spec.Exec.Path == sidecarBin+"/vmcp-render" && has("COPY --from=fn /usr/local/bin/vmcp-render "+spec.Exec.Path)},
		"FunctionFromReleaseImage": {reason: "the sidecar takes the function from a pinned release image",
			ok: has("ARG VMCP_RENDER_VERSION=v") && has("FROM ghcr.io/vmcp-render/vmcp-render:${VMCP_RENDER_VERSION} AS fn")},
		"PinnedKustomize": {reason: "the sidecar's kustomize is the version the Makefile pins",
			ok: has("ARG KUSTOMIZE_VERSION="+makefileVar(t, "KUSTOMIZE_VERSION")) && has("COPY --from=kustomize /go/bin/kustomize /usr/local/bin/kustomize")},
		"PluginConfigPath": {reason: "the cmp server reads its config from /home/argocd/cmp-server/config/plugin.yaml",
			ok: has("COPY plugin.yaml /home/argocd/cmp-server/config/plugin.yaml")},
		"User999": {reason: "Argo CD runs plugin sidecars as user 999", ok: has("USER 999")},
		"PluginKind": {reason: "plugin.yaml is a ConfigManagementPlugin",
			ok: plugin.APIVersion == "argoproj.io/v1alpha1" && plugin.Kind == "ConfigManagementPlugin"},
		"GenerateWithBashPipefail": {reason: "generate runs kustomize with alpha plugins and exec, under bash -c and pipefail",
			ok: len(plugin.Spec.Generate.Command) == 3 && plugin.Spec.Generate.Command[0] == "bash" && plugin.Spec.Generate.Command[1] == "-c" &&
				strings.Contains(plugin.Spec.Generate.Command[2], "set -euo pipefail") &&
				strings.Contains(plugin.Spec.Generate.Command[2], "kustomize build --enable-alpha-plugins --enable-exec .")},
		"InitAndDiscoverWithBash": {reason: "init and discovery run under bash -c with pipefail too",
			ok: len(plugin.Spec.Init.Command) == 3 && strings.Contains(plugin.Spec.Init.Command[2], "pipefail") &&
				len(plugin.Spec.Discover.Find.Command) == 3 && strings.Contains(plugin.Spec.Discover.Find.Command[2], "pipefail")},
		"ApplicationUsesPlugin": {reason: "the Application names the plugin (no version, so its name is metadata.name)",
			ok: plugin.Spec.Version == "" && app.Spec.Source.Plugin.Name == plugin.Metadata.Name},
		"ApplicationPath": {reason: "the Application's source path is the app directory",
			ok: app.Spec.Source.Path == "examples/argocd/app"},
		"Namespace": {reason: "Argo CD's destination namespace is the one the kustomization renders for",
			ok: app.Spec.Destination.Namespace == kz.Namespace},
		"Transformer": {reason: "the function is a transformer", ok: len(kz.Transformers) == 1 && kz.Transformers[0] == "vmcp-render.yaml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.True(t, tc.ok, tc.reason)
		})
	}

	t.Run("SameResourcesAsKustomizationExample", func(t *testing.T) {
		for _, r := range kz.Resources {
			a, err := os.ReadFile(filepath.Join(root, "examples", "kustomization", r))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(dir, "app", r))
			require.NoError(t, err)
			assert.Equal(t, string(a), string(b), "%s differs from examples/kustomization", r)
		}
	})
}
