package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// kptBinary is the real kpt (make kpt builds it): $KPT, else kpt on PATH,
// else $(go env GOPATH)/bin/kpt. Missing, the test fails and says how to get
// it: the kpt path is not imitated any more.
func kptBinary(t *testing.T) string {
	t.Helper()
	if k := os.Getenv("KPT"); k != "" {
		return k
	}
	if k, err := exec.LookPath("kpt"); err == nil {
		return k
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	require.NoError(t, err)
	k := filepath.Join(strings.TrimSpace(string(out)), "bin", "kpt")
	if _, err := os.Stat(k); err != nil {
		t.Fatalf("kpt is not installed (%v): make kpt builds it", err)
	}
	return k
}

// TestKptRenderExecReal runs the exec package through the real
// `kpt fn render --allow-exec`, as kpt's own e2e runner checks a package:
// in a git copy (with its .expected, which .krmignore keeps from the
// functions), the staged diff equals .expected/diff.patch, a second render
// changes nothing, and kpt's results file holds .expected/results.yaml's
// results (kpt adds the function's stderr, compared apart).
func TestKptRenderExecReal(t *testing.T) {
	kpt := kptBinary(t)
	src := filepath.Join(repoRoot(t), "examples", "kpt", "render-exec")
	work := filepath.Join(t.TempDir(), "render-exec")
	testpaths.CopyTree(t, src, work)
	git(t, work, "init", "-q")
	git(t, work, "config", "user.name", "none")
	git(t, work, "config", "user.email", "none")
	git(t, work, "add", "--all")
	git(t, work, "commit", "-q", "-m", "before")

	render := func(resultsDir string) (string, int) {
		cmd := exec.Command(kpt, "fn", "render", "--allow-exec", "--results-dir", resultsDir, ".")
		cmd.Dir = work
		// exec: vmcp-render names the binary on PATH: the one built for the tests.
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return string(out), code
	}
	res1 := t.TempDir()
	out, code := render(res1)
	require.Equal(t, 0, code, "kpt fn render failed:\n%s", out)
	git(t, work, "add", "--all")
	diff := git(t, work, "diff", "--cached")
	want, err := os.ReadFile(filepath.Join(src, ".expected", "diff.patch"))
	require.NoError(t, err)
	assert.Equal(t, string(want), diff, "real kpt renders what .expected/diff.patch says")

	out, code = render(t.TempDir())
	require.Equal(t, 0, code, out)
	assert.Empty(t, strings.TrimSpace(git(t, work, "diff")), "a second render changed the package")

	var got, exp struct {
		ExitCode int `yaml:"exitCode"`
		Items    []struct {
			Exec     string           `yaml:"exec"`
			Stderr   string           `yaml:"stderr"`
			ExitCode int              `yaml:"exitCode"`
			Results  []map[string]any `yaml:"results"`
		} `yaml:"items"`
	}
	b, err := os.ReadFile(filepath.Join(res1, "results.yaml"))
	require.NoError(t, err)
	require.NoError(t, yamlv3.Unmarshal(b, &got))
	b, err = os.ReadFile(filepath.Join(src, ".expected", "results.yaml"))
	require.NoError(t, err)
	require.NoError(t, yamlv3.Unmarshal(b, &exp))
	require.Len(t, got.Items, 1)
	require.Len(t, exp.Items, 1)
	assert.Equal(t, exp.ExitCode, got.ExitCode)
	assert.Equal(t, exp.Items[0].Exec, got.Items[0].Exec)
	assert.Equal(t, exp.Items[0].Results, got.Items[0].Results, "kpt's results are the expected ones, as data")
	for _, r := range exp.Items[0].Results {
		tags, _ := r["tags"].(map[string]any)
		assert.Contains(t, got.Items[0].Stderr, "["+tags["rule"].(string)+"]", "kpt shows the function's stderr lines too")
	}
}
