package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These cover the sandbox's path logic; the mounts themselves need root
// and are exercised by the e2e suite.

func TestTopDir(t *testing.T) {
	cases := map[string]struct{ reason, in, want string }{
		"deep":  {"the first element is what gets covered", "/etc/toolhive/keys/k.pem", "/etc"},
		"top":   {"a top-level path is its own top", "/run", "/run"},
		"root":  {"/ has no element; the caller refuses it", "/", "/"},
		"clean": {"callers pass cleaned paths; a trailing slash still works", "/var/", "/var"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { assert.Equal(t, tc.want, topDir(tc.in), tc.reason) })
	}
}

func TestUnescapeMountinfo(t *testing.T) {
	cases := map[string]struct{ reason, in, want string }{
		"plain":     {"most mount points have no escapes", "/etc/resolv.conf", "/etc/resolv.conf"},
		"space":     {"\\040 is a space", `/mnt/my\040disk`, "/mnt/my disk"},
		"backslash": {"\\134 is a backslash", `/a\134b`, `/a\b`},
		"not octal": {"a backslash without three octal digits stays", `/a\9zz`, `/a\9zz`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { assert.Equal(t, tc.want, unescapeMountinfo(tc.in), tc.reason) })
	}
}

func TestRealPath(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")))
	cases := map[string]struct{ reason, in, want string }{
		"existing":        {"an existing path resolves to itself", dir + "/real/sub", dir + "/real/sub"},
		"through symlink": {"a symlinked prefix is followed, as /var/run to /run", dir + "/link/sub", dir + "/real/sub"},
		"missing tail":    {"the missing rest is appended to the resolved prefix", dir + "/link/new/file.pem", dir + "/real/new/file.pem"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := realPath(tc.in)
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestOverlayTopsRefusals(t *testing.T) {
	rt := t.TempDir()
	cases := map[string]struct{ reason, target, wantErr string }{
		"proc":        {"kernel filesystems are never covered", "/proc/x", "this harness can cover"},
		"missing top": {"a top-level directory the host lacks would have to be created on the host", "/podrun-no-such-top/x", "not a directory on this host"},
		"runtime dir": {"covering the runtime directory's top would hide the sandbox's own tmpfs", filepath.Join(rt, "x"), "hide the harness's runtime directory"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := overlayTops([]string{tc.target}, rt)
			require.Error(t, err, tc.reason)
			assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
		})
	}
	tops, err := overlayTops([]string{"/etc/a", "/etc/b", "/var/run/secrets/x"}, rt)
	require.NoError(t, err)
	run, err := realPath("/var/run")
	require.NoError(t, err)
	assert.Contains(t, tops, "/etc", "one overlay per top-level directory")
	assert.Contains(t, tops, topDir(run), "symlinks are resolved before the top is taken")
	assert.Len(t, tops, 2)
}
