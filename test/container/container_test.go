//go:build container

// Package container runs the function's image for real: through kustomize
// as a container function and through `kpt fn render`, with podman as the
// engine (make container-check runs it under hack/podman.sh, after make
// image). Nothing is imitated here: if the engine cannot run, the tests fail.
package container

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/internal/kptcheck"
	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	require.NotEmpty(t, v, "%s is not set: run make container-check", name)
	return v
}

func run(t *testing.T, dir string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "%s %v", name, args)
	}
	return out.String(), errb.String(), code
}

// TestImage: the image starts as a non-root user, with no network, as
// nobody too (kustomize's --user nobody), and reports its operator releases.
func TestImage(t *testing.T) {
	image := env(t, "IMAGE")
	out, _, code := run(t, "", "podman", "image", "inspect", "--format", "{{json .Config}}", image)
	require.Equal(t, 0, code)
	var cfg struct {
		User       string
		Entrypoint []string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &cfg))
	assert.Equal(t, "65532:65532", cfg.User, "a non-root user")
	assert.Equal(t, []string{"/usr/local/bin/vmcp-render"}, cfg.Entrypoint)
	for _, user := range []string{"", "nobody"} {
		args := []string{"run", "--rm", "--network", "none", "--read-only"}
		if user != "" {
			args = append(args, "--user", user)
		}
		out, errOut, code := run(t, "", "podman", append(args, image, "--version")...)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "ToolHive operator releases v0.62.0, v0.63.0", "user %q", user)
	}
}

// TestKustomizeContainerExample: kustomize runs the image (docker run, the
// shim runs podman) without --enable-exec, and prints exactly what the exec
// example prints.
func TestKustomizeContainerExample(t *testing.T) {
	root := testpaths.Root(t)
	out, errOut, code := run(t, root, env(t, "KUSTOMIZE"), "build", "--enable-alpha-plugins", "examples/kustomization-container")
	require.Equal(t, 0, code, "kustomize build failed:\n%s", errOut)
	want, err := os.ReadFile(filepath.Join(root, "examples", "kustomization", "expected", "output.yaml"))
	require.NoError(t, err)
	assert.Equal(t, string(want), out, "the container example renders what the exec example renders")
	assert.Contains(t, errOut, "[secret-absent]", "the function's results reach kustomize's stderr")
}

// TestKptRenderImage: the image package through the real `kpt fn render`
// (KRM_FN_RUNTIME=podman), checked as kpt's e2e runner checks a package.
func TestKptRenderImage(t *testing.T) {
	kpt := env(t, "KPT")
	require.Equal(t, "podman", os.Getenv("KRM_FN_RUNTIME"), "kpt must run the function with podman (hack/podman.sh sets it)")
	kptcheck.RealRender(t, kpt, filepath.Join(testpaths.Root(t), "examples", "kpt", "render-image"), nil)
}
