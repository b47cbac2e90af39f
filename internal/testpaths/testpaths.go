// Package testpaths finds, for tests, the repository root and its reference
// data (testdata/: the real operator's golden cases, the upstream CRDs, the
// spec's worked scenarios; see testdata/README.md), copies example trees
// into scratch directories and runs git on them. A missing directory fails the test: reference
// checks are never skipped.
package testpaths

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// Root is the directory holding go.mod, above the test's working directory.
func Root(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("no go.mod above the test directory")
	return ""
}

// Data is the repository's testdata/ directory (make testdata keeps it the
// copy of the team's shared reference data).
func Data(t testing.TB) string {
	t.Helper()
	s := filepath.Join(Root(t), "testdata")
	if fi, err := os.Stat(filepath.Join(s, "golden")); err != nil || !fi.IsDir() {
		t.Fatalf("the reference data must be at %s (golden cases, CRDs): %v", s, err)
	}
	return s
}

// CopyTree copies the directory tree src to dst: directories and the
// contents of regular files, with plain modes (as a Git checkout has them).
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s to %s: %v", src, dst, err)
	}
}

// Landed lists the golden cases of issues that have landed here while the
// reference data may still keep them in golden/pending/ (they move up one level
// once the issue is closed). A case is found in either place.
var Landed = []string{
	"pub-21-static-backends-no-status",
	"pub-22-fail-jwt-bearer-resource-not-audience",
	"pub-23-static-shared-name-remote-sse",
}

// GoldenCase returns the directory of the named golden case, in golden/ or
// golden/pending/; a case in neither fails the test.
func GoldenCase(t testing.TB, name string) string {
	t.Helper()
	for _, d := range []string{filepath.Join(Data(t), "golden", name), filepath.Join(Data(t), "golden", "pending", name)} {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	t.Fatalf("golden case %s is neither in golden/ nor in golden/pending/", name)
	return ""
}

// GoldenCases returns every golden case the tests run: golden/pub-* and the
// Landed cases wherever they are, sorted by name, each once.
func GoldenCases(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(Data(t), "golden", "pub-*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases under %s (%v)", filepath.Join(Data(t), "golden"), err)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		seen[filepath.Base(d)] = true
	}
	for _, name := range Landed {
		if !seen[name] {
			dirs = append(dirs, GoldenCase(t, name))
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return filepath.Base(dirs[i]) < filepath.Base(dirs[j]) })
	return dirs
}

// Git runs git in dir as kpt's e2e runner does: no diff options or config
// from the environment, so the user's Git settings never change a fixture.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_DIFF_OPTS=", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}
