// Package testpaths finds, for tests, the repository root and the shared
// reference data beside it (../shared: golden cases, CRDs, test tools), and
// copies example trees into scratch directories. A missing directory fails
// the test: reference checks are never skipped.
package testpaths

import (
	"os"
	"path/filepath"
	"testing"
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

// Shared is ../shared beside the repository root; CI lays it there too.
func Shared(t testing.TB) string {
	t.Helper()
	s := filepath.Join(filepath.Dir(Root(t)), "shared")
	if fi, err := os.Stat(filepath.Join(s, "golden")); err != nil || !fi.IsDir() {
		t.Fatalf("the shared reference data must be at %s (golden cases, CRDs, tools): %v", s, err)
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
