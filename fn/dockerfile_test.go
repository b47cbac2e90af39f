package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// buildAsDockerfile runs the Dockerfile's go build instruction with /bin/sh,
// as docker does with a shell-form RUN, from the repository root (the build
// stage's WORKDIR holds the same go.mod, go.sum, fn and pkg).
func buildAsDockerfile(t *testing.T, d dockerfile, goarch, version string) string {
	t.Helper()
	runs := d.find("RUN", "go build")
	require.Len(t, runs, 1, "the Dockerfile must have one go build RUN")
	out := t.TempDir()
	script := strings.ReplaceAll(strings.TrimPrefix(runs[0], "RUN "), "/out/", out+"/")
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "TARGETOS=linux", "TARGETARCH="+goarch, "VERSION="+version)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "go build as in the Dockerfile: %s", stderr.String())
	return filepath.Join(out, "vmcp-render")
}

func TestDockerfileShape(t *testing.T) {
	d := readDockerfile(t)
	gomod, err := os.ReadFile(filepath.Join(repoRoot(t), "go.mod"))
	require.NoError(t, err)
	goDirective := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	require.NotNil(t, goDirective)

	cases := map[string]struct {
		reason string
		op     string
		want   string
		count  int
	}{
		"BuilderOnBuildPlatform": {reason: "the toolchain runs natively and cross-compiles (multi-arch without emulation)",
			op: "FROM", want: "--platform=$BUILDPLATFORM golang:${GO_VERSION} AS build", count: 1},
		"GoVersionMatchesGoMod": {reason: "the image builds with the Go release go.mod names",
			op: "ARG", want: "GO_VERSION=" + string(goDirective[1]), count: 1},
		"TargetArgs":    {reason: "TARGETOS and TARGETARCH come from buildx", op: "ARG", want: "TARGET", count: 2},
		"VersionArg":    {reason: "the version is a build argument", op: "ARG", want: " VERSION=", count: 1},
		"Static":        {reason: "CGO off: a static binary", op: "RUN", want: "CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath", count: 1},
		"VersionLdflag": {reason: "--version reports the release", op: "RUN", want: "-X main.version=${VERSION}", count: 1},
		"DistrolessNonroot": {reason: "a distroless static nonroot runtime image",
			op: "FROM", want: "gcr.io/distroless/static-debian12:nonroot", count: 1},
		"NonrootUser":  {reason: "the image runs as a non-root user", op: "USER", want: "65532:65532", count: 1},
		"Entrypoint":   {reason: "the binary is the entrypoint", op: "ENTRYPOINT", want: `["/usr/local/bin/vmcp-render"]`, count: 1},
		"BinaryCopied": {reason: "the binary lands at the entrypoint path", op: "COPY", want: "/out/vmcp-render /usr/local/bin/vmcp-render", count: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Len(t, d.find(tc.op, tc.want), tc.count, "%s: want %d %s instruction(s) with %q", tc.reason, tc.count, tc.op, tc.want)
		})
	}
	assert.Empty(t, d.find("FROM", ":latest"), "no floating base image tags")
}

// TestDockerfileBinary builds the binary exactly as the Dockerfile does and
// checks what the image promises: static, for the target architecture,
// versioned, and working as a non-root user with an empty environment, no
// network and a read-only working directory.
func TestDockerfileBinary(t *testing.T) {
	d := readDockerfile(t)
	const version = "v0.0.0-dockerfile-test"
	bin := buildAsDockerfile(t, d, runtime.GOARCH, version)

	t.Run("Static", func(t *testing.T) {
		for _, arch := range []struct {
			goarch  string
			machine elf.Machine
		}{{"amd64", elf.EM_X86_64}, {"arm64", elf.EM_AARCH64}} {
			b := bin
			if arch.goarch != runtime.GOARCH {
				b = buildAsDockerfile(t, d, arch.goarch, version)
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
		dir := filepath.Join(sharedDir(t), "golden", "pub-03-authserver-oidc-upstream")
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
