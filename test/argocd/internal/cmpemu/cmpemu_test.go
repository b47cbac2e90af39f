package cmpemu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	sigsyaml "sigs.k8s.io/yaml"
)

// Expected strings below are written out by hand from Argo CD's format
// strings, not produced by this package's helpers.

func TestArgsToLog(t *testing.T) {
	for name, tc := range map[string]struct {
		argv []string
		want string
	}{
		"BashScript":   {[]string{"bash", "-c", "set -e\nkustomize build .\n"}, "bash -c \"set -e\\nkustomize build .\\n\""},
		"Plain":        {[]string{"kustomize", "build", "."}, "kustomize build ."},
		"EmptyArg":     {[]string{"echo", ""}, `echo ""`},
		"QuoteInSpace": {[]string{"sh", "-c", `echo "a b"`}, `sh -c "echo \"a b\""`},
		"QuoteNoSpace": {[]string{"echo", `"x"`}, `echo "x"`},
	} {
		t.Run(name, func(t *testing.T) { assert.Equal(t, tc.want, ArgsToLog(tc.argv)) })
	}
}

func TestCmdError(t *testing.T) {
	e := &CmdError{Args: `bash -c "exit 1"`, Cause: errors.New("exit status 1")}
	assert.Equal(t, "`bash -c \"exit 1\"` failed exit status 1", e.Error(), "no stderr: no colon")
	e.Stderr = "line one\nline two"
	assert.Equal(t, "`bash -c \"exit 1\"` failed exit status 1: line one\nline two", e.Error(), "stderr keeps its newlines")
}

func TestRPCError(t *testing.T) {
	assert.Equal(t, "rpc error: code = Unknown desc = boom", rpcError(errors.New("boom")).Error())
}

func app(t *testing.T, doc string) *Application {
	t.Helper()
	var a Application
	require.NoError(t, sigsyaml.Unmarshal([]byte(doc), &a))
	return &a
}

const appDoc = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: demo, namespace: argocd}
spec:
  project: team
  source:
    repoURL: https://example.invalid/r.git
    targetRevision: main
    path: apps/demo
    plugin:
      name: p
`

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

func TestBuildEnv(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	a := app(t, appDoc+"  destination: {namespace: prod}\n")
	env, err := BuildEnv(Request{App: a, Revision: rev, KubeVersion: "v1.33.2+k3s1", APIVersions: []string{"v1", "apps/v1"}})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"ARGOCD_APP_NAME=demo",
		"ARGOCD_APP_NAMESPACE=prod",
		"ARGOCD_APP_PROJECT_NAME=team",
		"ARGOCD_APP_REVISION=" + rev,
		"ARGOCD_APP_REVISION_SHORT=0123456",
		"ARGOCD_APP_REVISION_SHORT_8=01234567",
		"ARGOCD_APP_SOURCE_REPO_URL=https://example.invalid/r.git",
		"ARGOCD_APP_SOURCE_PATH=apps/demo",
		"ARGOCD_APP_SOURCE_TARGET_REVISION=main",
		"KUBE_VERSION=1.33.2",
		"KUBE_API_VERSIONS=v1,apps/v1",
		"ARGOCD_APP_PARAMETERS=null",
	}, env, "a plugin section without parameters gives ARGOCD_APP_PARAMETERS=null")

	a = app(t, appDoc+`      env:
        - {name: WHO, value: "$ARGOCD_APP_NAME-$ARGOCD_APP_NAMESPACE"}
        - {name: LIT, value: "$$HOME"}
      parameters:
        - {name: image-tag, string: v1}
        - {name: sets, map: {b.key: "2", a: "1"}}
        - {name: list, array: [x, z]}
        - {name: empty, map: {}}
  destination: {namespace: prod}
`)
	env, err = BuildEnv(Request{App: a, Revision: "abc"})
	require.NoError(t, err)
	m := envMap(env)
	assert.Equal(t, "abc", m["ARGOCD_APP_REVISION_SHORT"])
	assert.Equal(t, "demo-prod", m["ARGOCD_ENV_WHO"])
	assert.Equal(t, "$HOME", m["ARGOCD_ENV_LIT"])
	assert.Equal(t, "v1", m["PARAM_IMAGE_TAG"])
	assert.Equal(t, "1", m["PARAM_SETS_A"])
	assert.Equal(t, "2", m["PARAM_SETS_B_KEY"])
	assert.Equal(t, "x", m["PARAM_LIST_0"])
	assert.Equal(t, "z", m["PARAM_LIST_1"])
	assert.JSONEq(t, `[{"name":"image-tag","string":"v1"},{"name":"sets","map":{"a":"1","b.key":"2"}},{"name":"list","array":["x","z"]},{"name":"empty","map":{}}]`, m["ARGOCD_APP_PARAMETERS"])

	_, err = BuildEnv(Request{App: a, KubeVersion: "not-a-version"})
	assert.ErrorContains(t, err, "could not parse kubernetes version not-a-version")
}

// The sidecar gets the whole checkout, .git included, with plain modes.
func TestPackUnpack(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, ".git", "objects"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(src, "app", "private"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(src, "app", "tool"), []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.Symlink("tool", filepath.Join(src, "app", "link")))
	tgz, n, err := packRepo(src)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "regular files counted")

	for _, preserve := range []bool{false, true} {
		dst := t.TempDir()
		require.NoError(t, unpackRepo(dst, tgz, preserve, os.Getuid(), os.Getgid()))
		b, err := os.ReadFile(filepath.Join(dst, ".git", "HEAD"))
		require.NoError(t, err, ".git is sent")
		assert.Equal(t, "ref: refs/heads/main\n", string(b))
		fi, err := os.Stat(filepath.Join(dst, "app", "tool"))
		require.NoError(t, err)
		di, err := os.Stat(filepath.Join(dst, "app", "private"))
		require.NoError(t, err)
		if preserve {
			assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
			assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
		} else {
			assert.Equal(t, os.FileMode(0o644)&^umask(t), fi.Mode().Perm(), "files lose their exec bit")
			assert.Equal(t, os.FileMode(0o755)&^umask(t), di.Mode().Perm())
		}
		l, err := os.Readlink(filepath.Join(dst, "app", "link"))
		require.NoError(t, err)
		assert.Equal(t, "tool", l)
	}

	_, _, err = packRepo(t.TempDir())
	assert.ErrorContains(t, err, "no files to send(")
}

func umask(t *testing.T) os.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	require.NoError(t, os.WriteFile(p, nil, 0o777))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	return 0o777 &^ fi.Mode().Perm()
}

func TestSplitYAMLToString(t *testing.T) {
	docs, err := splitYAMLToString([]byte("---\n---\nnull\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"b\"}}\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2, "empty and null documents are dropped")
	assert.JSONEq(t, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, docs[0])

	_, err = splitYAMLToString([]byte("a: [\n"))
	assert.ErrorContains(t, err, "failed to unmarshal manifest: ")
}

func TestIsNullList(t *testing.T) {
	assert.True(t, isNullList(&unstructured.Unstructured{Object: map[string]any{"kind": "ConfigMapList", "items": nil}}))
	assert.False(t, isNullList(&unstructured.Unstructured{Object: map[string]any{"kind": "X", "items": nil, "spec": map[string]any{}}}))
}

func TestReadPluginConfig(t *testing.T) {
	write := func(doc string) string {
		d := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(d, "plugin.yaml"), []byte(doc), 0o644))
		return d
	}
	c, err := ReadPluginConfig(write("kind: ConfigManagementPlugin\nmetadata: {name: p}\nspec:\n  version: v2\n  generate: {command: [sh, -c, 'true']}\n  discover: {find: {command: [ls], args: [x]}}\n"))
	require.NoError(t, err)
	assert.Equal(t, "p-v2.sock", c.SocketName())
	assert.Equal(t, []string{"ls", "x"}, c.Spec.Discover.Find.Command.argv())
	assert.True(t, c.discoveryConfigured())

	_, err = ReadPluginConfig(write("kind: ConfigMap\nmetadata: {name: p}\n"))
	assert.EqualError(t, err, "invalid plugin configuration file. kind should be ConfigManagementPlugin, found ConfigMap")
	_, err = ReadPluginConfig(write("kind: ConfigManagementPlugin\nmetadata: {name: p}\n"))
	assert.EqualError(t, err, "invalid plugin configuration file. spec.generate command should be non-empty")
}

func TestComparisonError(t *testing.T) {
	assert.Equal(t, "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = x",
		ComparisonError(errors.New("x")))
}
