package transform

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/input"
)

// ns is the namespace of every fixture object.
const ns = "toolhive"

// fixture is a ResourceList under construction: a valid VirtualMCPServer
// "vmcp" (the one a case breaks), its MCPGroup, and a companion server
// "other-vmcp" in its own group that must render whatever happens to "vmcp".
type fixture struct {
	t     testing.TB
	items []*yaml.RNode
	// alone drops the companion server.
	alone bool
}

const baseDocs = `
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPGroup
metadata:
  name: team
  namespace: toolhive
spec:
  description: The team's tools
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: vmcp
  namespace: toolhive
spec:
  groupRef:
    name: team
  incomingAuth:
    type: anonymous
`

const companionDocs = `
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPGroup
metadata:
  name: other-team
  namespace: toolhive
spec:
  description: Another team's tools
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: other-vmcp
  namespace: toolhive
spec:
  groupRef:
    name: other-team
  incomingAuth:
    type: anonymous
`

func newFixture(t testing.TB) *fixture {
	f := &fixture{t: t}
	f.add(baseDocs)
	return f
}

// parseDocs reads a multi-document YAML string.
func parseDocs(t testing.TB, docs string) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(docs), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err, "fixture YAML:\n%s", docs)
	return nodes
}

// add appends documents.
func (f *fixture) add(docs string) { f.items = append(f.items, parseDocs(f.t, docs)...) }

// kindName is "Kind/name" of an item, or "" for a malformed one (kyaml's
// accessors panic on those).
func kindName(n *yaml.RNode) string {
	if input.Malformed(n) != nil {
		return ""
	}
	return n.GetKind() + "/" + n.GetName()
}

// find returns the item of kind and name.
func (f *fixture) find(kind, name string) *yaml.RNode {
	for _, n := range f.items {
		if kindName(n) == kind+"/"+name {
			return n
		}
	}
	f.t.Fatalf("fixture has no %s %s", kind, name)
	return nil
}

// server is the VirtualMCPServer under test.
func (f *fixture) server() *yaml.RNode { return f.find("VirtualMCPServer", "vmcp") }

// set sets a dotted path of the server to a YAML value.
func (f *fixture) set(path, value string) { setPath(f.t, f.server(), path, value) }

// del removes a dotted path of the server.
func (f *fixture) del(path string) { delPath(f.t, f.server(), path) }

// drop removes an item.
func (f *fixture) drop(kind, name string) {
	for i, n := range f.items {
		if kindName(n) == kind+"/"+name {
			f.items = append(f.items[:i], f.items[i+1:]...)
			return
		}
	}
	f.t.Fatalf("fixture has no %s %s", kind, name)
}

func setPath(t testing.TB, n *yaml.RNode, path, value string) {
	t.Helper()
	fields := strings.Split(path, ".")
	v, err := yaml.Parse(value)
	require.NoError(t, err, "value for %s", path)
	parent, err := n.Pipe(yaml.LookupCreate(yaml.MappingNode, fields[:len(fields)-1]...))
	require.NoError(t, err)
	require.NoError(t, parent.PipeE(yaml.SetField(fields[len(fields)-1], v)))
}

func delPath(t testing.TB, n *yaml.RNode, path string) {
	t.Helper()
	fields := strings.Split(path, ".")
	parent, err := n.Pipe(yaml.Lookup(fields[:len(fields)-1]...))
	require.NoError(t, err)
	require.NotNil(t, parent, "no %s", path)
	_, err = parent.Pipe(yaml.Clear(fields[len(fields)-1]))
	require.NoError(t, err)
}

// list returns the input items, annotated with a file path and index as
// kustomize and kpt do, so results can be checked for file.path.
func (f *fixture) list() []*yaml.RNode {
	items := f.items
	if !f.alone {
		items = append(append([]*yaml.RNode(nil), items...), parseDocs(f.t, companionDocs)...)
	}
	for i, n := range items {
		if input.Malformed(n) != nil {
			continue // kyaml cannot annotate it
		}
		require.NoError(f.t, n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, fileOf(n))))
		require.NoError(f.t, n.PipeE(yaml.SetAnnotation(kioutil.IndexAnnotation, strconv.Itoa(i))))
	}
	return items
}

// yamlString serialises items one document each (kio.ByteWriter refuses
// malformed items), the form the fuzz seeds and the leak test use.
func yamlString(t testing.TB, items []*yaml.RNode) string {
	t.Helper()
	var b bytes.Buffer
	for _, n := range items {
		s, err := n.String()
		require.NoError(t, err)
		b.WriteString("---\n")
		b.WriteString(s)
	}
	return b.String()
}

// fileOf is the file an item is said to come from.
func fileOf(n *yaml.RNode) string {
	return "in/" + strings.ToLower(n.GetKind()) + "-" + n.GetName() + ".yaml"
}

// secret is a Secret document with base64-encoded data.
func secret(name string, kv ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n", name, ns)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "  %s: %s\n", kv[i], base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return b.String()
}

// configMap is a ConfigMap document; values are written as literal blocks.
func configMap(name string, kv ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n", name, ns)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "  %s: |\n", kv[i])
		for _, l := range strings.Split(strings.TrimRight(kv[i+1], "\n"), "\n") {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	return b.String()
}

// doc is a ToolHive document of kind and name with a spec given as YAML.
func doc(kind, name, spec string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n", kind, name, ns)
	for _, l := range strings.Split(strings.Trim(spec, "\n"), "\n") {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	return b.String()
}

// render runs the pipeline on a copy of items, so callers can compare the
// input with the output.
func render(t testing.TB, items []*yaml.RNode, spec fnconfig.Spec) ([]*yaml.RNode, framework.Results) {
	t.Helper()
	copies := make([]*yaml.RNode, len(items))
	for i, n := range items {
		copies[i] = n.Copy()
	}
	return Render(copies, spec)
}

// goldenInputs reads every golden input.yaml (testdata/golden). A missing directory fails the test.
func goldenInputs(t testing.TB) map[string][]byte {
	t.Helper()
	dirs := testpaths.GoldenCases(t)
	out := map[string][]byte{}
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "input.yaml"))
		require.NoError(t, err)
		out[filepath.Base(d)] = b
	}
	return out
}
