// Package resolve indexes the decoded input objects once, by kind, namespace
// and name, and resolves a VirtualMCPServer's references against it. Every
// lookup is a map access, so rendering N servers costs O(N).
package resolve

import (
	"fmt"
	"sort"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// Entry is one indexed object and where it came from.
type Entry struct {
	Obj toolhive.Object
	Ref results.Ref
	// Invalid marks an object that failed to decode; references to it are
	// reported instead of silently using a half-decoded object.
	Invalid bool
	// DerivedURL is set when the object had no status in the input and got
	// the one its controller writes (workloadStatus: derive): its URL.
	DerivedURL string
	// Malformed marks a stand-in for an item that is not a well-formed
	// object: the API server would refuse it, so the operator would find
	// nothing where it is referenced.
	Malformed bool
}

// Data is the content of a Secret or ConfigMap. Values are decoded bytes; for
// Secrets they are only ever measured or parsed, never printed.
type Data struct {
	Ref    results.Ref
	Values map[string][]byte
	// Binary holds ConfigMap binaryData keys (CA bundles may live there).
	Binary map[string][]byte
}

// Get returns a key from data, else from binaryData.
func (d *Data) Get(key string) ([]byte, bool) {
	if v, ok := d.Values[key]; ok {
		return v, true
	}
	v, ok := d.Binary[key]
	return v, ok
}

type key struct{ kind, ns, name string }

// Index holds every decoded input by kind/namespace/name.
type Index struct {
	objs       map[key]*Entry
	secrets    map[key]*Data
	configMaps map[key]*Data
	// members lists workloads by namespace and group, in the operator's
	// list order: MCPServers, MCPRemoteProxies, MCPServerEntries, each by name.
	members map[key][]*Entry
	sorted  bool
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{
		objs:       map[key]*Entry{},
		secrets:    map[key]*Data{},
		configMaps: map[key]*Data{},
		members:    map[key][]*Entry{},
	}
}

// Add indexes a decoded ToolHive object. A later duplicate of the same
// kind/namespace/name is returned as the previous entry so the caller can
// report it; the first one wins.
func (ix *Index) Add(kind string, e *Entry) (dup *Entry) {
	k := key{kind, e.Obj.GetNamespace(), e.Obj.GetName()}
	if prev, ok := ix.objs[k]; ok {
		return prev
	}
	ix.objs[k] = e
	if g := groupOf(e.Obj); g != "" {
		gk := key{"", k.ns, g}
		ix.members[gk] = append(ix.members[gk], e)
		ix.sorted = false
	}
	return nil
}

// AddSecret indexes a Secret's data.
func (ix *Index) AddSecret(ns, name string, d *Data) { ix.secrets[key{"Secret", ns, name}] = d }

// AddConfigMap indexes a ConfigMap's data.
func (ix *Index) AddConfigMap(ns, name string, d *Data) {
	ix.configMaps[key{"ConfigMap", ns, name}] = d
}

// Get returns an indexed object.
func (ix *Index) Get(kind, ns, name string) (*Entry, bool) {
	e, ok := ix.objs[key{kind, ns, name}]
	return e, ok
}

// Secret returns an indexed Secret.
func (ix *Index) Secret(ns, name string) (*Data, bool) {
	d, ok := ix.secrets[key{"Secret", ns, name}]
	return d, ok
}

// ConfigMap returns an indexed ConfigMap.
func (ix *Index) ConfigMap(ns, name string) (*Data, bool) {
	d, ok := ix.configMaps[key{"ConfigMap", ns, name}]
	return d, ok
}

// Members returns the workloads of a group in the operator's list order.
func (ix *Index) Members(ns, group string) []*Entry {
	if !ix.sorted {
		for _, l := range ix.members {
			sort.SliceStable(l, func(i, j int) bool {
				ki, kj := kindRank(l[i].Obj), kindRank(l[j].Obj)
				if ki != kj {
					return ki < kj
				}
				return l[i].Obj.GetName() < l[j].Obj.GetName()
			})
		}
		ix.sorted = true
	}
	return ix.members[key{"", ns, group}]
}

func kindRank(o toolhive.Object) int {
	switch o.(type) {
	case *toolhive.MCPServer:
		return 0
	case *toolhive.MCPRemoteProxy:
		return 1
	default:
		return 2
	}
}

func groupOf(o toolhive.Object) string {
	var g *toolhive.MCPGroupRef
	switch w := o.(type) {
	case *toolhive.MCPServer:
		g = w.Spec.GroupRef
	case *toolhive.MCPRemoteProxy:
		g = w.Spec.GroupRef
	case *toolhive.MCPServerEntry:
		g = w.Spec.GroupRef
	}
	if g == nil {
		return ""
	}
	return g.Name
}

// NotFound is the apimachinery "not found" error text the operator embeds in
// its messages: `<plural>.<group> "<name>" not found`.
func NotFound(kind, name string) string {
	switch kind {
	case "Secret":
		return fmt.Sprintf("secrets %q not found", name)
	case "ConfigMap":
		return fmt.Sprintf("configmaps %q not found", name)
	}
	return fmt.Sprintf("%s.%s %q not found", plural(kind), toolhive.Group, name)
}

func plural(kind string) string {
	switch kind {
	case toolhive.KindVirtualMCPCompositeToolDefinition:
		return "virtualmcpcompositetooldefinitions"
	}
	b := []byte(kind)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	s := string(b)
	if len(s) > 1 && s[len(s)-1] == 'y' {
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}
