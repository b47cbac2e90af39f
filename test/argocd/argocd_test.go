// Package argocd tests examples/argocd: the config management plugin, run
// through the project's emulation of Argo CD's repo server and cmp server
// (internal/cmpemu, following Argo CD v3.6.1), with kustomize and the
// function where the sidecar image puts them.
package argocd

import (
	"bufio"
	"bytes"
	"context"
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
	"github.com/vmcp-render/vmcp-render/test/argocd/internal/cmpemu"
)

// sidecarBin is where the sidecar image (examples/argocd/Dockerfile) puts
// kustomize and the function; the app's function config names this path.
const sidecarBin = "/usr/local/bin"

// sidecarUser is the uid and gid Argo CD runs plugin sidecars as.
const sidecarUser = 999

// What the controller tells the repo server about the destination cluster.
var (
	kubeVersion = "1.33.0"
	apiVersions = []string{"admissionregistration.k8s.io/v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "v1"}
)

// Argo CD's error for a failed generate, up to the command's stderr: the
// repo server's wrapping, the gRPC status, the cmp server's wrapping, and
// the command line of plugin.yaml's generate, Go-quoted.
const generateFailed = `CMP processing failed for application "platform-vmcp": error generating manifests in cmp: ` +
	`rpc error: code = Unknown desc = error generating manifests: ` +
	"`bash -c \"set -euo pipefail\\nkustomize build --enable-alpha-plugins --enable-exec .\\n\"` failed exit status 1: "

func repoRoot(t *testing.T) string { return testpaths.Root(t) }

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

// sidecar lays out what the sidecar image holds in /usr/local/bin; without
// the function when withFunction is false.
func sidecar(t *testing.T, withFunction bool) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755))
	if withFunction {
		// Stripped like the release binary; also keeps the copies the
		// fixtures commit and stream small.
		build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "vmcp-render"), "./fn")
		build.Dir = repoRoot(t)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	k, err := os.ReadFile(kustomizeBinary(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomize"), k, 0o755))
	return dir
}

// fixture makes a Git repository holding examples/argocd, as the repo
// server's checkout of it (.git included); mutate may change the example
// (app and plugin.yaml) first. It returns the checkout and its commit.
func fixture(t *testing.T, bin string, mutate func(t *testing.T, example, bin string)) (string, string) {
	t.Helper()
	repo := t.TempDir()
	example := filepath.Join(repo, "examples", "argocd")
	testpaths.CopyTree(t, filepath.Join(repoRoot(t), "examples", "argocd"), example)
	if mutate != nil {
		mutate(t, example, bin)
	}
	git := func(args ...string) string {
		identity := []string{"-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"}
		return strings.TrimSpace(testpaths.Git(t, repo, append(identity, args...)...))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "fixture")
	return repo, git("rev-parse", "HEAD")
}

type result struct {
	manifests []string
	err       error
	log       string // the sidecar's log
}

func (r result) String() string {
	return "error: " + errText(r.err) + "\nsidecar log:\n" + r.log
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// render has the emulated repo server render the checkout's Application
// with the sidecar: its plugin.yaml is the checkout's (the image bakes in
// examples/argocd/plugin.yaml), its /usr/local/bin is bin.
func render(t *testing.T, bin, repo, revision string) result {
	t.Helper()
	require.Equal(t, 0, os.Geteuid(), "this test needs root: the plugin's commands run in a private mount namespace, as uid %d (CI runs as root)", sidecarUser)
	example := filepath.Join(repo, "examples", "argocd")
	cfg, err := cmpemu.ReadPluginConfig(example)
	require.NoError(t, err, "the cmp server would not start with this plugin.yaml")
	app, err := cmpemu.ReadApplication(filepath.Join(example, "application.yaml"))
	require.NoError(t, err)

	// The sidecar's work dir must be reachable by its user; t.TempDir's
	// parent is not.
	work, err := os.MkdirTemp("", "cmp-sidecar-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(work) })
	require.NoError(t, os.Chmod(work, 0o755))

	var log bytes.Buffer
	sc := &cmpemu.Sidecar{Config: cfg, BinDir: bin, UID: sidecarUser, GID: sidecarUser, WorkDir: work, Log: &log}
	q := cmpemu.Request{App: app, RepoRoot: repo, Revision: revision, KubeVersion: kubeVersion, APIVersions: apiVersions}
	m, err := cmpemu.GenerateManifest(context.Background(), q, sc)
	r := result{manifests: m, err: err, log: log.String()}
	if err != nil {
		t.Logf("the Application would show: %s", cmpemu.ComparisonError(err))
	}
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

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(b), old, "%s changed: the test's edit no longer applies", path)
	require.NoError(t, os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644))
}

func TestPlugin(t *testing.T) {
	bin := sidecar(t, true)
	expected, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "kustomization", "expected", "output.yaml"))
	require.NoError(t, err)

	cases := map[string]struct {
		reason     string
		noFunction bool
		mutate     func(t *testing.T, example, bin string)
		check      func(t *testing.T, r result)
	}{
		"Renders": {
			reason: "the plugin renders the app into the same objects as examples/kustomization",
			check: func(t *testing.T, r result) {
				require.NoError(t, r.err, "%s", r)
				// The manifests are JSON documents, which kio reads as YAML.
				got, want := docs(t, []byte(strings.Join(r.manifests, "\n---\n"))), docs(t, expected)
				assert.Equal(t, len(want), len(got))
				for id, w := range want {
					assert.Equal(t, w, got[id], "%s differs from examples/kustomization/expected/output.yaml", id)
				}
				assert.Contains(t, got, "Deployment/toolhive/platform-vmcp")
				// Argo CD keeps a successful command's stderr, the function's
				// warnings, for the sidecar's log only.
				assert.Contains(t, r.log, "Plugin command successful")
				assert.Contains(t, r.log, "[secret-absent]")
			},
		},
		"BrokenInputFails": {
			reason: "an invalid VirtualMCPServer fails generation, with the function's message in the error Argo CD shows",
			mutate: func(t *testing.T, example, _ string) {
				edit(t, filepath.Join(example, "app", "vmcp.yaml"), "\n  incomingAuth:\n", "\n  replicass: 2\n  incomingAuth:\n")
			},
			check: func(t *testing.T, r result) {
				require.Error(t, r.err, "%s", r)
				msg := r.err.Error()
				assert.True(t, strings.HasPrefix(msg, generateFailed), "not Argo CD's error for a failed generate:\n%s", msg)
				assert.Contains(t, msg, "spec.replicass: unknown field")
				assert.Contains(t, msg, "[schema]")
				// stderr is quoted as it is, over several lines.
				assert.Contains(t, strings.TrimPrefix(msg, generateFailed), "\n")
				assert.Empty(t, r.manifests, "no manifests from a failed generation")
			},
		},
		"RepoBinaryIsNotExecutable": {
			reason: "a function binary taken from Git loses its exec bit in the sidecar: why the function is baked into the image",
			mutate: func(t *testing.T, example, bin string) {
				app := filepath.Join(example, "app")
				b, err := os.ReadFile(filepath.Join(bin, "vmcp-render"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(app, "vmcp-render"), b, 0o755))
				edit(t, filepath.Join(app, "vmcp-render.yaml"), "path: /usr/local/bin/vmcp-render", "path: ./vmcp-render")
			},
			check: func(t *testing.T, r result) {
				require.Error(t, r.err, "%s", r)
				assert.True(t, strings.HasPrefix(r.err.Error(), generateFailed), "not Argo CD's error for a failed generate:\n%s", r.err)
				assert.Contains(t, r.err.Error(), "permission denied")
			},
		},
		"WrongGenerateCommandFails": {
			reason: "a broken generate command in plugin.yaml fails with the command line and kustomize's complaint",
			mutate: func(t *testing.T, example, _ string) {
				edit(t, filepath.Join(example, "plugin.yaml"), "kustomize build --enable", "kustomize biuld --enable")
			},
			check: func(t *testing.T, r result) {
				require.Error(t, r.err, "%s", r)
				want := strings.Replace(generateFailed, "kustomize build", "kustomize biuld", 1)
				assert.True(t, strings.HasPrefix(r.err.Error(), want), "not Argo CD's error for a failed generate:\n%s", r.err)
				assert.Contains(t, r.err.Error(), `unknown command "biuld" for "kustomize"`)
			},
		},
		"InitNamesMissingFunction": {
			reason:     "a sidecar image without the function fails init, naming the missing binary, before kustomize runs",
			noFunction: true,
			check: func(t *testing.T, r result) {
				require.Error(t, r.err, "%s", r)
				msg := r.err.Error()
				assert.Contains(t, msg, "error generating manifests: `bash -c \"set -euo pipefail\\nkustomize version >&2\\n/usr/local/bin/vmcp-render --version >&2\\n\"` failed exit status 127: ")
				assert.Contains(t, msg, "/usr/local/bin/vmcp-render: No such file or directory")
				assert.NotContains(t, r.log, "kustomize build", "generate must not run after a failed init")
			},
		},
		"AppWithoutFunctionIsNotDiscovered": {
			reason: "an app with no VMCPRender config is refused by the plugin's discovery, even though the Application names the plugin",
			mutate: func(t *testing.T, example, _ string) {
				app := filepath.Join(example, "app")
				require.NoError(t, os.Remove(filepath.Join(app, "vmcp-render.yaml")))
				edit(t, filepath.Join(app, "kustomization.yaml"), "transformers:\n  - vmcp-render.yaml\n", "")
			},
			check: func(t *testing.T, r result) {
				require.Error(t, r.err, "%s", r)
				msg := r.err.Error()
				// The find command prints nothing and exits 0 when no file
				// names VMCPRender: a plain "not supported", and the named
				// plugin is then not found (the real repo server's words).
				assert.Equal(t, `CMP processing failed for application "platform-vmcp": could not find cmp-server plugin with name "vmcp-render" supporting the given repository`, msg)
				assert.Empty(t, r.manifests)
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Log(tc.reason)
			b := bin
			if tc.noFunction {
				b = sidecar(t, false)
			}
			repo, rev := fixture(t, b, tc.mutate)
			tc.check(t, render(t, b, repo, rev))
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
