package main

import (
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenOn(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     []string
		want   []string
	}{
		"equals form": {"the operator's form: both values replaced in place",
			[]string{"serve", "--config=/c", "--host=0.0.0.0", "--port=4483"},
			[]string{"serve", "--config=/c", "--host=127.0.0.1", "--port=9"}},
		"separate values": {"a flag and its value as two arguments become one",
			[]string{"serve", "--host", "0.0.0.0", "--port", "4483", "--x"},
			[]string{"serve", "--host=127.0.0.1", "--port=9", "--x"}},
		"absent": {"vMCP's defaults would listen elsewhere, so both are added",
			[]string{"serve"}, []string{"serve", "--host=127.0.0.1", "--port=9"}},
		"look-alikes": {"--hostname is another flag and stays",
			[]string{"--hostname=h", "--port=1"}, []string{"--hostname=h", "--port=9", "--host=127.0.0.1"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, listenOn(tc.in, "127.0.0.1", 9), tc.reason)
		})
	}
}

func TestVMCPArgv(t *testing.T) {
	cases := map[string]struct {
		reason        string
		command, args []string
		want          []string
		wantErr       string
	}{
		"image entrypoint": {reason: "no command: the args go to the image's vmcp",
			args: []string{"serve"}, want: []string{"vmcp", "serve", "--host=127.0.0.1", "--port=9"}},
		"explicit vmcp command": {reason: "the command's own arguments come before args",
			command: []string{"/ko-app/vmcp", "serve"}, args: []string{"--config=/c"},
			want: []string{"vmcp", "serve", "--config=/c", "--host=127.0.0.1", "--port=9"}},
		"another program": {reason: "only vMCP can stand in for the image",
			command: []string{"/bin/sh", "-c", "x"}, wantErr: `runs "/bin/sh"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := vmcpArgv(&pod{Container: "vmcp", Command: tc.command, Args: tc.args}, 9)
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestConfigFlag(t *testing.T) {
	cases := map[string]struct {
		reason string
		argv   []string
		want   string
	}{
		"equals":   {"--config=PATH", []string{"vmcp", "serve", "--config=/etc/c/config.yaml"}, "/etc/c/config.yaml"},
		"spaced":   {"--config PATH", []string{"vmcp", "--config", "/a.yaml"}, "/a.yaml"},
		"short":    {"-c PATH", []string{"vmcp", "-c", "/b.yaml"}, "/b.yaml"},
		"missing":  {"no config flag: no auth server config to look for", []string{"vmcp", "serve"}, ""},
		"dangling": {"a trailing flag without value is ignored", []string{"vmcp", "--config"}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, configFlag(tc.argv), tc.reason)
		})
	}
}

func TestMountedSigningKey(t *testing.T) {
	asConfig := func(body string) volume {
		return volume{Name: "cfg", Files: []volumeFile{{Path: "authserver-config.yaml", Data: []byte(body)}}}
	}
	key := volume{Name: "key", Files: []volumeFile{{Path: "key-0.pem", Data: []byte("PEM")}}}
	mounts := []mount{{Volume: "cfg", Path: "/etc/vmcp-config"}, {Volume: "key", Path: "/etc/keys/key-0.pem", SubPath: "key-0.pem"}}
	cases := map[string]struct {
		reason  string
		cfg     string
		config  string
		want    string
		wantErr string
	}{
		"relative to key_dir": {reason: "signing_key_file is joined to key_dir",
			cfg: "signing_key_config:\n  key_dir: /etc/keys\n  signing_key_file: key-0.pem\n", config: "/etc/vmcp-config/config.yaml", want: "PEM"},
		"absolute file": {reason: "an absolute signing_key_file stands alone",
			cfg: "signing_key_config:\n  key_dir: /nowhere\n  signing_key_file: /etc/keys/key-0.pem\n", config: "/etc/vmcp-config/config.yaml", want: "PEM"},
		"no key configured": {reason: "vMCP makes its own key; the JWKS only has to hold one",
			cfg: "issuer: x\n", config: "/etc/vmcp-config/config.yaml"},
		"no auth server config": {reason: "authserver-config.yaml is looked up beside --config only",
			cfg: "signing_key_config: {signing_key_file: /etc/keys/key-0.pem}\n", config: "/elsewhere/config.yaml"},
		"key not mounted": {reason: "a key file no volume provides is a setup error",
			cfg: "signing_key_config: {signing_key_file: /etc/other.pem}\n", config: "/etc/vmcp-config/config.yaml", wantErr: "no volume of the pod provides"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := &pod{Volumes: []volume{asConfig(tc.cfg), key}, Mounts: mounts}
			got, err := mountedSigningKey(p, tc.config)
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, string(got), tc.reason)
		})
	}
}

func TestParseArgs(t *testing.T) {
	cases := map[string]struct {
		reason  string
		args    []string
		files   []string
		timeout time.Duration
		wantErr string
	}{
		"flags after files": {reason: "options may follow the manifests",
			args: []string{"r.yaml", "--ready-timeout", "20", "s.yaml"}, files: []string{"r.yaml", "s.yaml"}, timeout: 20 * time.Second},
		"duration": {reason: "a Go duration works too",
			args: []string{"--ready-timeout=1m", "r.yaml"}, files: []string{"r.yaml"}, timeout: time.Minute},
		"default timeout": {reason: "60 seconds unless told",
			args: []string{"r.yaml"}, files: []string{"r.yaml"}, timeout: time.Minute},
		"no files":      {reason: "the rendered manifests are required", args: []string{"--dry-run"}, wantErr: "no manifests"},
		"bad timeout":   {reason: "garbage is refused", args: []string{"--ready-timeout", "soon", "r.yaml"}, wantErr: "ready-timeout"},
		"bad mcp path":  {reason: "the MCP path is absolute", args: []string{"--mcp-path", "mcp", "r.yaml"}, wantErr: "must start with /"},
		"unknown flags": {reason: "typos are not ignored", args: []string{"--vmpc", "x", "r.yaml"}, wantErr: "vmpc"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, err := parseArgs(tc.args, io.Discard)
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.files, o.files, tc.reason)
			assert.Equal(t, tc.timeout, o.readyTimeout, tc.reason)
		})
	}
}

func TestOIDCStub(t *testing.T) {
	port, err := freePort()
	require.NoError(t, err)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	srv, err := startOIDCStub(addr)
	require.NoError(t, err)
	defer srv.Close()
	cases := map[string]struct {
		reason, path, want string
	}{
		"discovery": {"an oidc upstream is discovered at start; the issuer must be the stub's own URL",
			"/.well-known/openid-configuration", `"issuer":"http://` + addr + `"`},
		"jwks": {"the advertised JWKS answers, empty", "/jwks", `{"keys":[]}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := http.Get("http://" + addr + tc.path)
			require.NoError(t, err, tc.reason)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusOK, resp.StatusCode, tc.reason)
			assert.Contains(t, string(body), tc.want, tc.reason)
		})
	}
}
