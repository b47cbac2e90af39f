package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/internal/kptcheck"
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
// `kpt fn render --allow-exec` (with its .expected, which .krmignore keeps
// from the functions), checked as kpt's e2e runner checks a package.
func TestKptRenderExecReal(t *testing.T) {
	src := filepath.Join(repoRoot(t), "examples", "kpt", "render-exec")
	// exec: vmcp-render names the binary on PATH: the one built for the tests.
	path := "PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
	kptcheck.RealRender(t, kptBinary(t), src, []string{path}, "--allow-exec")
}
