package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerfile is the parsed root Dockerfile: instructions with their
// continuation lines joined.
type dockerfile []string

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "Dockerfile"))
	require.NoError(t, err)
	defer f.Close()
	var out dockerfile
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	require.NoError(t, sc.Err())
	return out
}

// find returns the instructions starting with op whose text contains s.
func (d dockerfile) find(op, s string) []string {
	var out []string
	for _, in := range d {
		if strings.HasPrefix(in, op+" ") && strings.Contains(in, s) {
			out = append(out, in)
		}
	}
	return out
}

// buildAsImage builds the binary the image holds, with hack/image.sh
// --binary (what make image runs), into a temporary directory.
func buildAsImage(t *testing.T, goarch, version string) string {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(filepath.Join(repoRoot(t), "hack", "image.sh"), "--binary", goarch, version)
	cmd.Env = append(os.Environ(), "OUT_DIR="+out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "hack/image.sh --binary: %s", stderr.String())
	return filepath.Join(out, "linux_"+goarch, "vmcp-render")
}

func TestDockerfileShape(t *testing.T) {
	d := readDockerfile(t)
	cases := map[string]struct {
		reason string
		op     string
		want   string
		count  int
	}{
		"Scratch":      {reason: "an empty base: nothing to pull, no libc, no shell", op: "FROM", want: "scratch", count: 1},
		"OneStage":     {reason: "the binary is built outside (hack/image.sh), so building the image pulls nothing", op: "FROM", want: "", count: 1},
		"TargetArch":   {reason: "buildx and podman set TARGETARCH: one Dockerfile for every platform", op: "ARG", want: "TARGETARCH", count: 1},
		"BinaryCopied": {reason: "each platform's prebuilt binary lands at the entrypoint path", op: "COPY", want: "bin/linux_${TARGETARCH}/vmcp-render /usr/local/bin/vmcp-render", count: 1},
		"Users":        {reason: "kustomize runs the container as nobody: the image has a user database", op: "COPY", want: "hack/image/passwd /etc/passwd", count: 1},
		"NonrootUser":  {reason: "the image runs as a non-root user", op: "USER", want: "65532:65532", count: 1},
		"Entrypoint":   {reason: "the binary is the entrypoint", op: "ENTRYPOINT", want: `["/usr/local/bin/vmcp-render"]`, count: 1},
		"NoRun":        {reason: "scratch has no shell to RUN anything", op: "RUN", want: "", count: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Len(t, d.find(tc.op, tc.want), tc.count, "%s: want %d %s instruction(s) with %q", tc.reason, tc.count, tc.op, tc.want)
		})
	}
	passwd, err := os.ReadFile(filepath.Join(repoRoot(t), "hack", "image", "passwd"))
	require.NoError(t, err)
	assert.Contains(t, string(passwd), "nobody:x:65534:", "kustomize's --user nobody resolves")
	assert.Contains(t, string(passwd), ":65532:65532:", "the image's own user resolves")
}

// TestDockerfileBinary builds the binary exactly as the Dockerfile does and
// checks what the image promises: static, for the target architecture,
// versioned, and working as a non-root user with an empty environment, no
// network and a read-only working directory.
func TestDockerfileBinary(t *testing.T) {
	const version = "v0.0.0-dockerfile-test"
	bin := buildAsImage(t, runtime.GOARCH, version)

	t.Run("Static", func(t *testing.T) {
		for _, arch := range []struct {
			goarch  string
			machine elf.Machine
		}{{"amd64", elf.EM_X86_64}, {"arm64", elf.EM_AARCH64}} {
			b := bin
			if arch.goarch != runtime.GOARCH {
				b = buildAsImage(t, arch.goarch, version)
			}
			f, err := elf.Open(b)
			require.NoError(t, err)
			assert.Equal(t, arch.machine, f.Machine, "TARGETARCH=%s builds for that architecture", arch.goarch)
			for _, p := range f.Progs {
				assert.NotEqual(t, elf.PT_INTERP, p.Type, "%s: a static binary has no interpreter", arch.goarch)
				assert.NotEqual(t, elf.PT_DYNAMIC, p.Type, "%s: a static binary has no dynamic segment", arch.goarch)
			}
			assert.Nil(t, f.Section(".dynamic"), "%s: no dynamic section", arch.goarch)
			f.Close()
		}
	})

	// A read-only directory the unprivileged user can enter: it holds the
	// binary and is the working directory.
	ro, err := os.MkdirTemp("", "vmcp-render-ro")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.Chmod(ro, 0o755); _ = os.RemoveAll(ro) })
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	roBin := filepath.Join(ro, "vmcp-render")
	require.NoError(t, os.WriteFile(roBin, b, 0o555))
	require.NoError(t, os.Chmod(ro, 0o555))

	runRestricted := func(t *testing.T, stdin []byte, args ...string) ([]byte, []byte, int) {
		cmd := exec.Command(roBin, args...)
		cmd.Dir = ro
		cmd.Env = []string{} // nothing: no HOME, no PATH, no TMPDIR
		if os.Geteuid() == 0 {
			// As nobody, in a network namespace of its own (no interfaces up).
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
				Cloneflags: syscall.CLONE_NEWNET,
			}
		}
		return runCmd(t, cmd, stdin)
	}

	t.Run("ReadOnlyDirIsReadOnly", func(t *testing.T) {
		if os.Geteuid() != 0 {
			return
		}
		// Guard for the checks below: nobody really cannot write there.
		probe := exec.Command("/bin/sh", "-c", "touch x")
		probe.Dir = ro
		probe.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		assert.Error(t, probe.Run(), "nobody could write in the read-only directory")
	})

	t.Run("Version", func(t *testing.T) {
		out, _, code := runRestricted(t, nil, "--version")
		assert.Equal(t, 0, code)
		assert.Equal(t, "vmcp-render version "+version+" (ToolHive operator releases "+releases()+")\n", string(out))
	})

	t.Run("RendersGolden", func(t *testing.T) {
		dir := filepath.Join(dataDir(t), "golden", "pub-03-authserver-oidc-upstream")
		in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
		require.NoError(t, err)
		exp, err := os.ReadFile(filepath.Join(dir, "expected-v0.63.0.yaml")) // the default release
		require.NoError(t, err)
		stdout, stderr, code := runRestricted(t, resourceList(t, in))
		require.Equal(t, 0, code, "stderr:\n%s", stderr)
		got := map[string]map[string]any{}
		for _, o := range parseOutput(t, stdout).items {
			got[id(o)] = o
		}
		checked := 0
		for _, want := range parseDocs(t, exp) {
			kind, _ := want["kind"].(string)
			name, _ := want["metadata"].(map[string]any)["name"].(string)
			if strings.HasPrefix(kind, "Oracle") || (kind == "Secret" && strings.HasSuffix(name, "-hmac-secret")) {
				continue
			}
			g, ok := got[id(want)]
			if !assert.True(t, ok, "missing %s", id(want)) {
				continue
			}
			if kind == "ConfigMap" {
				assert.Empty(t, configMapDataDiff(want, g), id(want))
			}
			assert.Empty(t, firstDiff(id(want), comparable(want), comparable(g)))
			checked++
		}
		assert.GreaterOrEqual(t, checked, 6, "the case renders at least the six operator objects")
	})
}
