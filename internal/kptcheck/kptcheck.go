// Package kptcheck checks an example kpt package the way kpt's own e2e
// runner checks a catalog package: render it in a git copy, compare the
// staged diff with .expected/diff.patch and the results with
// .expected/results.yaml (as data: kpt adds the function's stderr), and
// render again to see nothing change. The tests of fn (real kpt, exec) and
// test/container (real kpt, image) share it.
package kptcheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// GitCopy copies the package src into a fresh git repository with one
// commit and returns its directory.
func GitCopy(t testing.TB, src string) string {
	t.Helper()
	work := filepath.Join(t.TempDir(), filepath.Base(src))
	testpaths.CopyTree(t, src, work)
	testpaths.Git(t, work, "init", "-q")
	testpaths.Git(t, work, "config", "user.name", "none")
	testpaths.Git(t, work, "config", "user.email", "none")
	testpaths.Git(t, work, "add", "--all")
	testpaths.Git(t, work, "commit", "-q", "-m", "before")
	return work
}

// resultList is the part of kpt's FunctionResultList compared.
type resultList struct {
	ExitCode int `yaml:"exitCode"`
	Items    []struct {
		Image   string           `yaml:"image"`
		Exec    string           `yaml:"exec"`
		Stderr  string           `yaml:"stderr"`
		Results []map[string]any `yaml:"results"`
	} `yaml:"items"`
}

func readResults(t testing.TB, path string) resultList {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var l resultList
	require.NoError(t, yaml.Unmarshal(b, &l), path)
	require.Len(t, l.Items, 1, "%s: one function", path)
	return l
}

// RealRender runs `kpt fn render` (kpt, extra flags, env added to the
// process's) on a git copy of the package src and checks it against
// src/.expected.
func RealRender(t *testing.T, kpt, src string, env []string, flags ...string) {
	t.Helper()
	work := GitCopy(t, src)
	render := func(results string) {
		t.Helper()
		cmd := exec.Command(kpt, append(append([]string{"fn", "render"}, flags...), "--results-dir", results, ".")...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Run(), "kpt fn render failed:\n%s", out.String())
	}
	res := t.TempDir()
	render(res)
	testpaths.Git(t, work, "add", "--all")
	want, err := os.ReadFile(filepath.Join(src, ".expected", "diff.patch"))
	require.NoError(t, err)
	assert.Equal(t, string(want), testpaths.Git(t, work, "diff", "--cached"), "real kpt renders what .expected/diff.patch says")

	render(t.TempDir())
	assert.Empty(t, strings.TrimSpace(testpaths.Git(t, work, "diff")), "a second render changed the package")

	got, exp := readResults(t, filepath.Join(res, "results.yaml")), readResults(t, filepath.Join(src, ".expected", "results.yaml"))
	assert.Equal(t, exp.ExitCode, got.ExitCode)
	assert.Equal(t, exp.Items[0].Image, got.Items[0].Image)
	assert.Equal(t, exp.Items[0].Exec, got.Items[0].Exec)
	assert.Equal(t, exp.Items[0].Results, got.Items[0].Results, "kpt's results are the expected ones, as data")
	for _, r := range exp.Items[0].Results {
		tags, _ := r["tags"].(map[string]any)
		rule, _ := tags["rule"].(string)
		assert.Contains(t, got.Items[0].Stderr, "["+rule+"]", "kpt keeps the function's stderr lines too")
	}
}
