package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// cli runs the command in-process, as main does.
func cli(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runCLI(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func goldenInput(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(dataDir(t), "golden", name, "input.yaml")
	_, err := os.Stat(p)
	require.NoError(t, err)
	return p
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func kinds(t *testing.T, stream string) []string {
	t.Helper()
	var ks []string
	for _, o := range parseDocs(t, []byte(stream)) {
		ks = append(ks, o["kind"].(string))
	}
	return ks
}

func TestHelpAndVersion(t *testing.T) {
	cases := map[string]struct {
		reason string
		args   []string
		want   []string
	}{
		"Help": {
			reason: "--help shows the usage line, the description, the examples of every orchestrator and the exit status",
			args:   []string{"--help"},
			want: []string{"Usage:\n  vmcp-render [FUNCTION_CONFIG INPUT...]", "renders ToolHive VirtualMCPServer resources offline",
				"Examples:", "kustomize build --enable-alpha-plugins --enable-exec", "kpt fn eval --image ghcr.io/vmcp-render/vmcp-render:v",
				"vmcp-render fn-config.yaml vmcp.yaml", "Exit status", "--version"},
		},
		"VersionDefault": {
			reason: "a build without -ldflags reports dev",
			args:   []string{"--version"},
			want:   []string{"vmcp-render version dev"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, _, code := cli(t, "", tc.args...)
			assert.Equal(t, 0, code, tc.reason)
			for _, w := range tc.want {
				assert.Contains(t, out, w, tc.reason)
			}
		})
	}
}

func TestVersionSetAtBuildTime(t *testing.T) {
	// The Makefile and the Dockerfile set the version with -ldflags -X.
	bin := filepath.Join(t.TempDir(), "vmcp-render")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v1.2.3-test", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	out, err := exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "vmcp-render version v1.2.3-test (ToolHive operator releases v0.62.0, v0.63.0; default v0.63.0)\n", string(out),
		"the version names the operator releases it renders for")
}

func TestStandalone(t *testing.T) {
	dir := t.TempDir()
	in := goldenInput(t, "pub-01-minimal-anonymous")
	inBytes, err := os.ReadFile(in)
	require.NoError(t, err)
	typed := writeFile(t, dir, "typed.yaml", "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: r}\nspec: {platform: kubernetes}\n")
	empty := writeFile(t, dir, "empty.yaml", "")
	local := writeFile(t, dir, "local.yaml", "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: r}\nspec: {markConsumedLocalConfig: true}\n")
	validate := writeFile(t, dir, "validate.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {mode: validate}\n")
	bad := writeFile(t, dir, "bad.yaml", "apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: r}\nspec: {vmcpImage: 'not an image'}\n")
	two := writeFile(t, dir, "two.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")

	rendered := []string{"ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"}
	cases := map[string]struct {
		reason    string
		args      []string
		stdin     string
		code      int
		wantKinds []string // kinds that must be in the output
		noKinds   []string // kinds that must not be
		stderr    []string
	}{
		"TypedConfig": {
			reason:    "config file then inputs: the inputs and every rendered object, as plain YAML",
			args:      []string{typed, in},
			wantKinds: append([]string{"VirtualMCPServer", "MCPGroup"}, rendered...),
			stderr:    []string{"[hmac-secret-absent] (" + in + ":"},
		},
		"EmptyConfigIsDefaults": {
			reason:    "an empty config file (or /dev/null) stands for the defaults",
			args:      []string{empty, in},
			wantKinds: rendered,
		},
		"DevNull": {
			reason:    "/dev/null is the documented way to say no config",
			args:      []string{os.DevNull, in},
			wantKinds: rendered,
		},
		"Stdin": {
			reason:    `"-" reads the input from stdin`,
			args:      []string{empty, "-"},
			stdin:     string(inBytes),
			wantKinds: rendered,
			stderr:    []string{"(-:"},
		},
		"LocalConfigDropped": {
			reason:    "with markConsumedLocalConfig the rendered VirtualMCPServer is left out, as kustomize would leave it out",
			args:      []string{local, in},
			wantKinds: append([]string{"MCPGroup"}, rendered...),
			noKinds:   []string{"VirtualMCPServer"},
		},
		"ValidateMode": {
			reason:    "validate mode prints the inputs only",
			args:      []string{validate, in},
			wantKinds: []string{"VirtualMCPServer", "MCPGroup"},
			noKinds:   []string{"Deployment"},
		},
		"BadConfig": {
			reason:  "a bad function config is an error with its field path, and nothing is rendered",
			args:    []string{bad, in},
			code:    1,
			noKinds: []string{"Deployment"},
			stderr:  []string{"error: VMCPRender r: spec.vmcpImage:", "[function-config]"},
		},
		"TwoConfigs": {
			reason: "a config file with several documents is most likely the inputs given first",
			args:   []string{two, in},
			code:   1,
			stderr: []string{"holds 2 documents"},
		},
		"MissingInput": {
			reason: "an unreadable input file is an error that names it",
			args:   []string{typed, filepath.Join(dir, "nope.yaml")},
			code:   1,
			stderr: []string{"vmcp-render: reading input:", "nope.yaml"},
		},
		"MissingConfig": {
			reason: "an unreadable config file is an error that names it",
			args:   []string{filepath.Join(dir, "nope.yaml"), in},
			code:   1,
			stderr: []string{"vmcp-render: reading the function config:"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.stdin, tc.args...)
			require.Equal(t, tc.code, code, "%s\nstderr: %s", tc.reason, errOut)
			for _, s := range tc.stderr {
				assert.Contains(t, errOut, s, tc.reason)
			}
			if tc.code != 0 && len(tc.noKinds) == 0 {
				return
			}
			assert.NotContains(t, out, "kind: ResourceList", "%s: standalone output is plain YAML", tc.reason)
			assert.NotContains(t, out, "config.kubernetes.io/path", "%s: no orchestrator annotations", tc.reason)
			assert.NotContains(t, out, "config.kubernetes.io/index", "%s: no orchestrator annotations", tc.reason)
			got := kinds(t, out)
			for _, k := range tc.wantKinds {
				assert.Contains(t, got, k, tc.reason)
			}
			for _, k := range tc.noKinds {
				assert.NotContains(t, got, k, tc.reason)
			}
		})
	}
}

func TestResourceListMode(t *testing.T) {
	in, err := os.ReadFile(goldenInput(t, "pub-01-minimal-anonymous"))
	require.NoError(t, err)
	withConfig := func(cfg string) string {
		rl := string(resourceList(t, in))
		return rl + "functionConfig:\n" + indent(cfg, "  ")
	}
	cases := map[string]struct {
		reason    string
		stdin     string
		code      int
		resultRef string // kind/name of the first result's resource
		field     string // field path of the first result
		rule      string
		wantKinds []string
		stderr    string
	}{
		"NoConfig": {
			reason:    "a ResourceList without functionConfig renders with the defaults",
			stdin:     string(resourceList(t, in)),
			wantKinds: []string{"Deployment", "VirtualMCPServer"},
		},
		"PlainStream": {
			reason:    "a plain YAML stream on stdin is accepted and answered with plain YAML",
			stdin:     string(in),
			wantKinds: []string{"Deployment"},
		},
		"UnknownField": {
			reason:    "an unknown config field is an error result on the config, at its path",
			stdin:     withConfig("apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: cfg}\nspec: {mood: validate}\n"),
			code:      1,
			resultRef: "VMCPRender/cfg", field: "spec.mood", rule: "function-config",
		},
		"BadEnum": {
			reason:    "a bad enum is an error result on the config, at its path",
			stdin:     withConfig("apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: cfg}\nspec: {absentSecrets: maybe}\n"),
			code:      1,
			resultRef: "VMCPRender/cfg", field: "spec.absentSecrets", rule: "function-config",
		},
		"BadImage": {
			reason:    "a bad image reference is an error result on the config, at its path",
			stdin:     withConfig("apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: cfg}\nspec: {vmcpImage: 'ghcr.io/x/y:'}\n"),
			code:      1,
			resultRef: "VMCPRender/cfg", field: "spec.vmcpImage", rule: "function-config",
		},
		"ConfigMapBadKey": {
			reason:    "a ConfigMap config (kpt fn eval -- k=v) with an unknown key is an error result on it",
			stdin:     withConfig("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {hmac: generate}\n"),
			code:      1,
			resultRef: "ConfigMap/function-input", field: "data.hmac", rule: "function-config",
		},
		"ConfigMapListValue": {
			reason:    "a ConfigMap config value of the wrong type (a list) is a function-config error, not ignored",
			stdin:     withConfig("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {defaultImagePullSecrets: [a, b]}\n"),
			code:      1,
			resultRef: "ConfigMap/function-input", field: "data.defaultImagePullSecrets", rule: "function-config",
		},
		"TypedConfigDuplicateKey": {
			reason:    "a VMCPRender setting given twice is ambiguous: a function-config error at that key",
			stdin:     withConfig("apiVersion: fn.vmcp-render.dev/v1alpha1\nkind: VMCPRender\nmetadata: {name: cfg}\nspec: {mode: render, mode: validate}\n"),
			code:      1,
			resultRef: "VMCPRender/cfg", field: "spec.mode", rule: "function-config",
		},
		"ConfigMapValidate": {
			reason:    "a ConfigMap config selects validate mode: no objects rendered",
			stdin:     withConfig("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {mode: validate}\n"),
			wantKinds: []string{"VirtualMCPServer"},
		},
		"Malformed": {
			reason: "unparseable input is an error with a message, not a silent exit 1",
			stdin:  "items: [",
			code:   1,
			stderr: "vmcp-render: cannot read the input: line 1: not valid YAML",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.stdin)
			require.Equal(t, tc.code, code, "%s\nstderr: %s", tc.reason, errOut)
			if tc.stderr != "" {
				assert.Contains(t, errOut, tc.stderr, tc.reason)
				return
			}
			if name == "PlainStream" {
				assert.NotContains(t, out, "kind: ResourceList", tc.reason)
				assert.Contains(t, kinds(t, out), "Deployment", tc.reason)
				return
			}
			o := parseOutput(t, []byte(out))
			var got []string
			for _, it := range o.items {
				got = append(got, it["kind"].(string))
			}
			for _, k := range tc.wantKinds {
				assert.Contains(t, got, k, tc.reason)
			}
			if tc.resultRef == "" {
				return
			}
			assert.NotContains(t, got, "Deployment", "%s: nothing is rendered with a bad config", tc.reason)
			require.NotEmpty(t, o.results, tc.reason)
			r := o.results[0]
			ref := r["resourceRef"].(map[string]any)
			assert.Equal(t, tc.resultRef, ref["kind"].(string)+"/"+ref["name"].(string), tc.reason)
			assert.Equal(t, "error", r["severity"], tc.reason)
			assert.Equal(t, tc.field, r["field"].(map[string]any)["path"], tc.reason)
			assert.Equal(t, tc.rule, r["tags"].(map[string]any)["rule"], tc.reason)
			assert.Contains(t, errOut, tc.field, "%s: the problem is on stderr too (kustomize never shows results)", tc.reason)
		})
	}
}

// TestNoSecretValuesInResults runs every golden input and checks that no
// Secret value, raw or base64, appears in the results or on stderr.
func TestNoSecretValuesInResults(t *testing.T) {
	dirs := testpaths.GoldenCases(t)
	require.NotEmpty(t, dirs)
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(d, "input.yaml"))
			require.NoError(t, err)
			var secrets []string
			for _, o := range parseDocs(t, in) {
				if o["kind"] != "Secret" {
					continue
				}
				for _, v := range asStrings(o["stringData"]) {
					secrets = append(secrets, v, base64.StdEncoding.EncodeToString([]byte(v)))
				}
				for _, v := range asStrings(o["data"]) {
					raw, _ := base64.StdEncoding.DecodeString(v)
					secrets = append(secrets, v, string(raw))
				}
			}
			out, errOut, _ := cli(t, string(resourceList(t, in)))
			o := parseOutput(t, []byte(out))
			resultsText := strings.Builder{}
			for _, r := range o.results {
				resultsText.WriteString(strings.ReplaceAll(strings.TrimSpace(toYAML(t, r)), "\n", " "))
			}
			for _, s := range secrets {
				if len(s) < 6 { // too short to be told apart from ordinary words
					continue
				}
				assert.NotContains(t, errOut, s, "a Secret value leaked to stderr")
				assert.NotContains(t, resultsText.String(), s, "a Secret value leaked to the results")
			}
		})
	}
}

func toYAML(t *testing.T, v any) string {
	t.Helper()
	b, err := sigsyaml.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func asStrings(v any) []string {
	m, _ := v.(map[string]any)
	var out []string
	for _, e := range m {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}
