package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/vmcp-render/vmcp-render/pkg/report"
)

// sentinel is planted in Secrets; it may appear in the output only where
// the input had it (the Secret passes through), never on stderr, in a
// result, or in anything generated.
const sentinel = "zq9-sentinel-7f3a-d00d"

var sentinel64 = base64.StdEncoding.EncodeToString([]byte(sentinel))

// Documents the hostile cases are made of.
const (
	hostileGroup  = "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPGroup\nmetadata: {name: team, namespace: toolhive}\nspec: {description: x}\n"
	hostileServer = "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\nmetadata: {name: good, namespace: toolhive}\nspec:\n  groupRef: {name: team}\n  incomingAuth: {type: anonymous}\n"
	// plantedSecret holds the sentinel in data (base64) and stringData.
	plantedSecret = "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: toolhive}\ndata:\n  token: " + "SENTINEL64" + "\nstringData:\n  password: SENTINEL\n"
)

func planted(doc string) string {
	return strings.NewReplacer("SENTINEL64", sentinel64, "SENTINEL", sentinel).Replace(doc)
}

// hostileItems are items that break one promise each (never leak, never
// drop the list for one item); each case puts one beside a valid server and
// the planted Secret.
var hostileItems = []struct {
	name, reason, doc string
	// rule and field of the error on the item.
	rule, field string
	// goodRenders: the valid server is still rendered.
	goodRenders bool
	// warning: the result is a warning and the run exits 0.
	warning bool
}{
	{"list-holding-secret", "an item that is itself a list holding a Secret: kyaml printed the Secret in its error",
		"- apiVersion: v1\n  kind: Secret\n  metadata: {name: inner}\n  data: {password: SENTINEL64}\n  stringData: {other: SENTINEL}\n", "malformed", "", true, false},
	{"metadata-string", "metadata: somestring aborted the run without a word about which item",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: somestring\n", "malformed", "metadata", true, false},
	{"secret-annotations-list", "a Secret whose annotations are a list, holding the sentinel",
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: other\n  annotations: [a]\nstringData: {k: SENTINEL}\n", "malformed", "metadata.annotations", true, false},
	{"secret-stringdata-twice", "a Secret's stringData given twice, with the sentinel in both",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: twice, namespace: toolhive}\nstringData: {password: SENTINEL}\nstringData: {password: SENTINEL}\n", "malformed", "stringData", true, false},
	{"secret-data-mapping", "a Secret data value that is a mapping holding the sentinel",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: good-hmac-secret, namespace: toolhive}\ndata:\n  hmac-secret: {inner: SENTINEL64}\n", "malformed", "data.hmac-secret", true, false},
	{"user-deployment", "the user's own Deployment named like the server: a conflict, the server is not rendered",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: good, namespace: toolhive}\nspec: {replicas: 1}\n", "object-conflict", "metadata.name", false, false},
	{"annotations-too-long", "a ConfigMap whose annotations pass 256 KiB",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: toolhive\n  annotations: {note: " + strings.Repeat("x", 257*1024) + "}\n", "annotations-invalid", "metadata.annotations", true, false},
	{"empty-object", "{} passed through silently", "{}\n", "malformed", "apiVersion", true, false},
	{"secret-name-path", "a Secret named like a path: the API server refuses it",
		"apiVersion: v1\nkind: Secret\nmetadata: {name: ../../tmp/pwned, namespace: toolhive}\nstringData: {k: SENTINEL}\n", "name-invalid", "metadata.name", true, false},
	{"server-dotted-name", "a VirtualMCPServer a.b whose Service vmcp-a.b the API server refuses",
		"apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\nmetadata: {name: a.b, namespace: toolhive}\nspec: {groupRef: {name: team}, incomingAuth: {type: anonymous}}\n", "derived-name-invalid", "metadata.name", true, false},
	{"near-miss-version", "toolhive.stacklok.dev/v1beta rendered nothing without a word: a warning, exit 0",
		"apiVersion: toolhive.stacklok.dev/v1beta\nkind: VirtualMCPServer\nmetadata: {name: typo, namespace: toolhive}\nspec: {groupRef: {name: team}}\n", "unknown-kind", "apiVersion", true, true},
	{"near-miss-kind", "VirtualMcpServer: a warning suggesting VirtualMCPServer, exit 0",
		"apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMcpServer\nmetadata: {name: typo, namespace: toolhive}\nspec: {groupRef: {name: team}}\n", "unknown-kind", "kind", true, true},
}

// nested indents a document's lines after the first by two spaces, so it
// can follow "- " (a list item) or "key:\n  " (a mapping value).
func nested(doc string) string {
	return strings.ReplaceAll(strings.TrimRight(doc, "\n"), "\n", "\n  ") + "\n"
}

// asResourceList wraps documents as the items of a ResourceList.
func asResourceList(docs ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, d := range docs {
		b.WriteString("- " + nested(d))
	}
	return b.String()
}

func asStream(docs ...string) string { return strings.Join(docs, "---\n") }

// assertNoLeak: the sentinel, raw or base64, is on stderr nowhere, in no
// result, and no more often in the output than in the input.
func assertNoLeak(t *testing.T, in, out, errOut string) {
	t.Helper()
	for _, s := range []string{sentinel, sentinel64} {
		require.NotContains(t, errOut, s, "a Secret value on stderr")
		require.LessOrEqual(t, strings.Count(out, s), strings.Count(in, s), "a Secret value copied into the output")
		if i := strings.Index(out, "\nresults:"); i >= 0 {
			require.NotContains(t, out[i:], s, "a Secret value in the results")
		}
	}
}

// outputItems returns the output's objects: a ResourceList's items or a stream's
// documents, as YAML nodes (a malformed item stays what it is).
func outputItems(t *testing.T, out string, wrapped bool) ([]*yaml.Node, []map[string]any) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(out))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "output is not YAML:\n%s", out)
		docs = append(docs, d.Content[0])
	}
	if !wrapped {
		return docs, nil
	}
	require.Len(t, docs, 1)
	var rl struct {
		Items   yaml.Node        `yaml:"items"`
		Results []map[string]any `yaml:"results"`
	}
	require.NoError(t, docs[0].Decode(&rl))
	return rl.Items.Content, rl.Results
}

func deploymentNamed(items []*yaml.Node, name string) bool {
	for _, it := range items {
		var o struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name string `yaml:"name"`
			} `yaml:"metadata"`
		}
		if it.Kind == yaml.MappingNode && it.Decode(&o) == nil && o.Kind == "Deployment" && o.Metadata.Name == name {
			return true
		}
	}
	return false
}

// TestHostileItems runs each hostile item in the three ways input arrives
// (a ResourceList on stdin, a plain stream on stdin, a file in standalone
// mode): exit 1, an error on that item, the valid server still rendered
// unless the item blocks it, every input item still in the output, and no
// Secret value anywhere it does not belong.
func TestHostileItems(t *testing.T) {
	for _, tc := range hostileItems {
		docs := []string{hostileGroup, hostileServer, planted(plantedSecret), planted(tc.doc)}
		for _, mode := range []string{"resourcelist", "stream", "standalone"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				var in, out, errOut string
				var code int
				switch mode {
				case "resourcelist":
					in = asResourceList(docs...)
					out, errOut, code = cli(t, in)
				case "stream":
					in = asStream(docs...)
					out, errOut, code = cli(t, in)
				case "standalone":
					in = asStream(docs...)
					dir := t.TempDir()
					f := writeFile(t, dir, "in.yaml", in)
					out, errOut, code = cli(t, "", os.DevNull, f)
				}
				severity, wantCode := "error", 1
				if tc.warning {
					severity, wantCode = "warning", 0
				}
				require.Equal(t, wantCode, code, "%s\nstderr: %s", tc.reason, errOut)
				assertNoLeak(t, in, out, errOut)
				assert.Contains(t, errOut, "["+tc.rule+"]", tc.reason)
				items, rs := outputItems(t, out, mode == "resourcelist")
				require.GreaterOrEqual(t, len(items), 4, "%s: every input item is still in the output", tc.reason)
				assert.Equal(t, tc.goodRenders, deploymentNamed(items[4:], "good"), "%s: the valid server is rendered", tc.reason)
				if mode != "resourcelist" {
					return
				}
				found := false
				for _, r := range rs {
					tags, _ := r["tags"].(map[string]any)
					field, _ := r["field"].(map[string]any)
					path, _ := field["path"].(string)
					if tags["rule"] == tc.rule && path == tc.field && r["severity"] == severity {
						found = true
						if tc.rule == "malformed" {
							assert.Equal(t, "3", tags["item"], "%s: tags.item is the item's position", tc.reason)
						}
					}
				}
				assert.True(t, found, "%s: no %s error at %q in %v", tc.reason, tc.rule, tc.field, rs)
			})
		}
	}
}

// TestHostileEnvelope: what is wrong with the input as a whole is refused
// with exit 1 and a one-line message naming the line, never the content;
// what is valid YAML is read.
func TestHostileEnvelope(t *testing.T) {
	secret := planted(plantedSecret)
	rl := asResourceList(hostileGroup, hostileServer, secret)
	cases := []struct {
		name, reason, stdin string
		// stderr is part of the message; "" means the input is read (exit 0).
		stderr string
	}{
		{"kind-misspelt", "kind: ResourceLizt was taken for a list of nothing, exit 0",
			strings.Replace(rl, "kind: ResourceList", "kind: ResourceLizt", 1), `kind "ResourceLizt"; a function's input is apiVersion config.kubernetes.io/v1`},
		{"apiVersion-unknown", "a ResourceList of a version no orchestrator sends",
			strings.Replace(rl, "config.kubernetes.io/v1", "config.kubernetes.io/v2", 1), `apiVersion "config.kubernetes.io/v2"`},
		{"two-resourcelists", "two ResourceList documents on stdin",
			rl + "---\n" + rl, "the input holds 2 ResourceList documents"},
		{"stray-separator-in-items", "a stray --- inside items: followed by a Secret, which kyaml printed",
			rl + "---\n" + "- " + nested(secret), "the input holds a ResourceList and 1 other YAML documents"},
		{"items-not-a-list", "items: \"not-a-list\" was taken for no items",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: \"not-a-list\"\n", "line 3: the ResourceList's items is not a list"},
		{"items-mapping-with-secret", "items: that is a mapping holding a Secret",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  " + nested(secret), "items is not a list"},
		{"items-twice", "items: given twice; which list is meant is ambiguous",
			rl + "items:\n- " + nested(secret), `two "items" keys`},
		{"functionConfig-scalar", "functionConfig that is not an object",
			rl + "functionConfig: " + sentinel + "\n", "functionConfig is not a mapping"},
		{"not-yaml", "unparseable input: the line, not the content",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {a: " + sentinel + "\n", "not valid YAML"},
		{"unknown-anchor", "yaml.v3 quotes an unknown alias's name, which can be anything (found by FuzzNoSecretLeak)",
			rl + "- *" + sentinel + "\n", "not valid YAML: unknown anchor ... referenced"},
		{"yaml-directive", "a %YAML directive is valid YAML and was refused",
			"%YAML 1.1\n---\n" + rl, ""},
		{"yaml-directive-stream", "a %YAML directive before a plain stream",
			"%YAML 1.1\n---\n" + asStream(hostileGroup, hostileServer, secret), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.stdin)
			assertNoLeak(t, tc.stdin, out, errOut)
			if tc.stderr == "" {
				require.Equal(t, 0, code, "%s\nstderr: %s", tc.reason, errOut)
				assert.Contains(t, out, "kind: Deployment", tc.reason)
				return
			}
			require.Equal(t, 1, code, "%s\nstderr: %s", tc.reason, errOut)
			assert.Empty(t, out, "%s: nothing is written for an input that cannot be read", tc.reason)
			assert.Contains(t, errOut, tc.stderr, tc.reason)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "%s: one line", tc.reason)
		})
	}
}

// TestStandaloneListDocument: a v1 List in a standalone file is read as its
// objects and stays one document, so a later document keeps its number in
// the file; an item that is an alias is named as such.
func TestStandaloneListDocument(t *testing.T) {
	dir := t.TempDir()
	list := "apiVersion: v1\nkind: List\nitems:\n- " + nested(hostileGroup)
	f := writeFile(t, dir, "in.yaml", asStream(list, hostileServer, "apiVersion: v1\nkind: ConfigMap\nmetadata: somestring\n"))
	out, errOut, code := cli(t, "", os.DevNull, f)
	require.Equal(t, 1, code, errOut)
	assert.Contains(t, errOut, "is not a well-formed Kubernetes object: metadata is a string, not a mapping", "the malformed third document is reported")
	assert.Contains(t, errOut, "document 2 of "+f, "documents keep their numbers in the file")
	assert.Contains(t, out, "kind: List", "the List is written back as it came")
	assert.Contains(t, out, "kind: Deployment", "the server, whose group is inside the List, renders")

	alias := asResourceList(hostileGroup, hostileServer) + "- *cm\n"
	alias = strings.Replace(alias, "items:\n", "items:\n- &cm {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: toolhive}}\n", 1)
	_, errOut, code = cli(t, alias)
	require.Equal(t, 1, code, errOut)
	assert.Contains(t, errOut, "the item is an alias (*cm) of another node, not an object; write the object out")
}

// TestHostileStandaloneFiles: standalone mode reads files; a function config
// or an input file that holds a list with a Secret is refused without
// printing it, and a ResourceList given as an input file is refused.
func TestHostileStandaloneFiles(t *testing.T) {
	dir := t.TempDir()
	listSecret := "- " + nested(planted(plantedSecret))
	good := writeFile(t, dir, "good.yaml", asStream(hostileGroup, hostileServer))
	cases := []struct {
		name, reason string
		args         []string
		stderr, file string
	}{
		{"config-is-list-of-secret", "the function config file is a list holding a Secret",
			[]string{writeFile(t, dir, "cfg.yaml", listSecret), good}, "is not an object", "cfg.yaml"},
		{"config-not-yaml", "the function config is not YAML",
			[]string{writeFile(t, dir, "cfg2.yaml", "a: ["+sentinel+"\n"), good}, "not valid YAML", "cfg2.yaml"},
		{"input-is-resourcelist", "a ResourceList among the input files is an envelope, not objects",
			[]string{os.DevNull, writeFile(t, dir, "rl.yaml", asResourceList(planted(plantedSecret)))}, "a ResourceList is an orchestrator's envelope", "rl.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var in bytes.Buffer
			for _, a := range tc.args {
				if b, err := os.ReadFile(a); err == nil {
					in.Write(b)
				}
			}
			out, errOut, code := cli(t, "", tc.args...)
			require.Equal(t, 1, code, tc.reason)
			assertNoLeak(t, in.String(), out, errOut)
			assert.Contains(t, errOut, tc.stderr, tc.reason)
			assert.Contains(t, errOut, filepath.Base(tc.file), "%s: the file is named", tc.reason)
		})
	}
}

// discardResults reports in text to nowhere (in-process runs).
func discardResults() *reporting {
	return &reporting{format: report.FormatText, stderr: io.Discard}
}
