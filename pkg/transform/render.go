// Package transform is the render pipeline: decode the input items, index
// them, resolve each VirtualMCPServer's references, validate, convert and
// build its objects, and collect the results. It does no I/O.
package transform

import (
	"encoding/base64"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// defaultNamespace stands in for a missing metadata.namespace, as kubectl
// would apply the object to the default namespace.
const defaultNamespace = "default"

// namespaceOrDefault is the namespace an object is applied to.
func namespaceOrDefault(ns string) string {
	if ns == "" {
		return defaultNamespace
	}
	return ns
}

// server is one decoded VirtualMCPServer awaiting rendering.
type server struct {
	vmcp *toolhive.VirtualMCPServer
	node *yaml.RNode
	ref  results.Ref
	ns   string
	// invalid: decoding failed, nothing may be rendered.
	invalid bool
}

type pipeline struct {
	spec    fnconfig.Spec
	ix      *resolve.Index
	servers []*server
	rs      framework.Results
	// consumed lists the items that local-config marking applies to.
	consumed []*yaml.RNode
	// sources: see RenderSources.
	sources []results.Ref
	// items are the input items; inputs indexes them by identity, to find
	// what a generated object would replace.
	items  []*yaml.RNode
	inputs map[string][]int
	// nested indexes the objects inside v1 List items, by identity, to
	// where they are; a generated object never replaces one.
	nested map[string]string
}

func (p *pipeline) report(ref results.Ref, f results.Finding) {
	p.rs = append(p.rs, results.Result(ref, f))
}

// Render returns the items with the generated objects merged in, and the
// results. Items it does not own are returned untouched and in order.
func Render(items []*yaml.RNode, spec fnconfig.Spec) ([]*yaml.RNode, framework.Results) {
	return RenderSources(items, nil, spec)
}

func newPipeline(items []*yaml.RNode, sources []results.Ref, spec fnconfig.Spec) *pipeline {
	return &pipeline{spec: spec, ix: resolve.NewIndex(), sources: sources, items: items, inputs: map[string][]int{}, nested: map[string]string{}}
}

// RenderSources is Render with the file and index each item was read from,
// for the items whose annotations cannot say it (a malformed item); nil
// when the items carry the orchestrator's annotations.
func RenderSources(items []*yaml.RNode, sources []results.Ref, spec fnconfig.Spec) ([]*yaml.RNode, framework.Results) {
	p := newPipeline(items, sources, spec)
	for i, n := range items {
		p.decode(i, n)
		if id := identity(n); id != "" {
			p.inputs[id] = append(p.inputs[id], i)
		}
	}
	if len(p.servers) == 0 && !mentions(p.rs, toolhive.KindVirtualMCPServer) {
		p.report(results.Ref{}, results.Finding{Severity: results.Info, Rule: results.NoVirtualMCPServer,
			Message: "the input holds no VirtualMCPServer (toolhive.stacklok.dev/v1beta1 or v1alpha1); nothing to render"})
	}
	var generated []*yaml.RNode
	for _, s := range p.servers {
		generated = append(generated, p.render(s)...)
	}
	if spec.Mode == fnconfig.ModeValidate {
		return items, p.rs
	}
	if spec.MarkConsumedLocalConfig {
		for _, n := range p.consumed {
			_ = n.PipeE(yaml.SetAnnotation(filters.LocalConfigAnnotation, "true"))
		}
	}
	return merge(items, generated, p.inputs), p.rs
}

// mentions reports whether a result is about an object of kind (a server
// that could not even be decoded still is one).
func mentions(rs framework.Results, kind string) bool {
	for _, r := range rs {
		if r.ResourceRef != nil && r.ResourceRef.Kind == kind {
			return true
		}
	}
	return false
}

// merge replaces items that have the identity of a generated object in
// place and appends the rest, so that running the function on its own
// output changes nothing. render has refused any other case (conflicts):
// such an item is the only one of its identity, well-formed, and an
// earlier output for the same server.
func merge(items, generated []*yaml.RNode, inputs map[string][]int) []*yaml.RNode {
	out := append([]*yaml.RNode(nil), items...)
	for _, g := range generated {
		if idx := inputs[identity(g)]; len(idx) == 1 {
			i := idx[0]
			// Keep the orchestrator's path/index of the existing item.
			for _, k := range []string{kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.IdAnnotation, kioutil.LegacyIdAnnotation} {
				if v, ok := out[i].GetAnnotations()[k]; ok {
					_ = g.PipeE(yaml.SetAnnotation(k, v))
				}
			}
			out[i] = g
			continue
		}
		out = append(out, g)
	}
	return out
}

// identity is the group, kind, namespace (defaulted) and name of an item,
// read without kyaml's accessors (which a malformed item breaks).
func identity(n *yaml.RNode) string {
	o := input.Describe(n)
	if o.Kind == "" {
		return ""
	}
	group, _, found := strings.Cut(o.APIVersion, "/")
	if !found {
		group = ""
	}
	return group + "|" + o.Kind + "|" + namespaceOrDefault(o.Namespace) + "|" + o.Name
}

// decode indexes the input item at position i, reporting every decoding
// problem.
func (p *pipeline) decode(i int, n *yaml.RNode) {
	if prob := input.Malformed(n); prob != nil {
		// kyaml's accessors assume a well-formed object and panic or quote
		// the node otherwise: only what Describe reads safely is used.
		p.malformed(i, n, prob, "")
		return
	}
	ref := results.RefOf(n)
	if n.GetApiVersion() == "v1" && n.GetKind() == "List" {
		p.decodeList(i, n, ref)
		return
	}
	p.decodeObject(n, ref)
}

// decodeList reads the objects of a v1 List item as if they were items, as
// kubectl apply and kustomize do; results about them name the List's file.
// The List itself passes through as it came.
func (p *pipeline) decodeList(i int, list *yaml.RNode, listRef results.Ref) {
	entries, err := list.Pipe(yaml.Lookup("items"))
	if err != nil || entries == nil || entries.YNode().Kind != yaml.SequenceNode {
		return
	}
	for j, e := range entries.YNode().Content {
		n := yaml.NewRNode(e)
		label := fmt.Sprintf("items[%d] of List %s", j, listRef.Name)
		if prob := input.Malformed(n); prob != nil {
			p.malformed(i, n, prob, label)
			continue
		}
		if n.GetApiVersion() == "v1" && n.GetKind() == "List" {
			continue // Lists do not nest
		}
		ref := results.RefOf(n)
		ref.File, ref.Index = listRef.File, listRef.Index
		if id := identity(n); id != "" {
			if _, seen := p.nested[id]; !seen {
				p.nested[id] = label
			}
		}
		p.decodeObject(n, ref)
	}
}

// decodeObject indexes one well-formed object.
func (p *pipeline) decodeObject(n *yaml.RNode, ref results.Ref) {
	apiVersion, kind := n.GetApiVersion(), n.GetKind()
	ns := namespaceOrDefault(n.GetNamespace())
	metaInvalid := p.checkMetadata(n, ref)
	metaInvalid = p.checkNames(n, ref) || metaInvalid
	switch {
	case apiVersion == "v1" && kind == "Secret":
		if d, dup := p.ix.Secret(ns, n.GetName()); dup {
			p.duplicate(ref, kind, ns, d.Ref)
			return
		}
		p.ix.AddSecret(ns, n.GetName(), p.secretData(n, ref))
		return
	case apiVersion == "v1" && kind == "ConfigMap":
		if d, dup := p.ix.ConfigMap(ns, n.GetName()); dup {
			p.duplicate(ref, kind, ns, d.Ref)
			return
		}
		p.ix.AddConfigMap(ns, n.GetName(), &resolve.Data{Ref: ref, Values: bytesMap(n.GetDataMap()), Binary: p.binaryData(n, ref)})
		return
	case !toolhive.IsToolHive(apiVersion) || !slices.Contains(toolhive.Kinds(), kind):
		p.nearMiss(n, ref)
		return
	}
	m, err := n.Map()
	if err != nil {
		// kyaml appends the whole resource to the error; the result already names it.
		msg, _, _ := strings.Cut(err.Error(), " for the following resource")
		p.report(ref, results.Finding{Severity: results.Error, Rule: results.Malformed, Message: fmt.Sprintf("%s %s cannot be read: %s; fix its YAML", kind, n.GetName(), msg)})
		return
	}
	obj, fs, err := toolhive.Decode(kind, m, p.spec.Release().Version)
	if err != nil {
		return
	}
	invalid := metaInvalid
	for _, f := range fs {
		if f.Severity == results.Error {
			invalid = true
		}
		p.report(ref, f)
	}
	for _, f := range toolhive.MissingRequired(kind, m) {
		if f.Severity == results.Error {
			invalid = true
		}
		p.report(ref, f)
	}
	if toolhive.IsDeprecatedVersion(apiVersion) {
		p.report(ref, results.Finding{Severity: results.Warning, Rule: results.DeprecatedAPIVersion, Field: "apiVersion", CurrentValue: apiVersion,
			ProposedValue: toolhive.Group + "/" + toolhive.VersionV1Beta1,
			Message:       toolhive.Group + "/v1alpha1 is deprecated; use v1beta1 (the two are identical, change only apiVersion)"})
	}
	if obj.GetName() == "" {
		p.report(ref, results.Finding{Severity: results.Error, Rule: results.Schema, Field: "metadata.name", Message: kind + " has no metadata.name; every object needs a name"})
		return
	}
	obj.SetNamespace(ns)
	e := &resolve.Entry{Obj: obj, Ref: ref, Invalid: invalid}
	if p.spec.WorkloadStatus == fnconfig.WorkloadStatusDerive && !invalid {
		e.DerivedURL = p.deriveStatus(obj, ref)
	}
	if dup := p.ix.Add(kind, e); dup != nil {
		// Which copy is meant is ambiguous: fail closed, use neither.
		p.invalidate(dup)
		p.report(ref, results.Finding{Severity: results.Error, Rule: results.DuplicateObject, Field: "metadata.name", CurrentValue: obj.GetName(),
			Message: fmt.Sprintf("%s %s/%s appears twice in the input (first in %s); neither copy is used until one is removed or renamed", kind, ns, obj.GetName(), where(dup.Ref))})
		return
	}
	if kind == toolhive.KindVirtualMCPServer {
		s := &server{vmcp: obj.(*toolhive.VirtualMCPServer), node: n, ref: ref, ns: ns, invalid: invalid}
		if n.GetNamespace() == "" {
			p.report(ref, results.Finding{Severity: results.Warning, Rule: results.NamespaceMissing, Field: "metadata.namespace",
				ProposedValue: defaultNamespace,
				Message:       "VirtualMCPServer has no metadata.namespace; it is rendered for namespace default (VMCP_NAMESPACE, resource URL, key prefixes); set the namespace (for example with kustomize namespace:) so the output matches where it is applied"})
		}
		p.servers = append(p.servers, s)
	}
}

// malformed reports an item that is not a well-formed object. Whatever of
// its identity can be read names it; a ToolHive object is indexed as invalid
// so that what refers to it fails closed instead of finding nothing.
//
// label names an object inside a List item ("items[2] of List x").
func (p *pipeline) malformed(i int, n *yaml.RNode, prob *input.Problem, label string) {
	o := input.Describe(n)
	ref := results.RefOf(n)
	ref.Item = &i
	if i < len(p.sources) && p.sources[i].File != "" {
		ref.File, ref.Index = p.sources[i].File, p.sources[i].Index
	}
	what := fmt.Sprintf("items[%d]", i)
	if ref.File != "" {
		what = fmt.Sprintf("document %d of %s", ref.Index, ref.File)
	}
	if label != "" {
		what = label + ", " + what
	}
	if ref.Kind != "" && ref.Name != "" {
		what = fmt.Sprintf("%s %s (%s)", input.Printable(ref.Kind), input.Printable(ref.Name), what)
	}
	at := ""
	if prob.Line > 0 {
		at = fmt.Sprintf(" (line %d)", prob.Line)
	}
	p.report(ref, results.Finding{Severity: results.Error, Rule: results.Malformed, Field: prob.Field,
		Message: fmt.Sprintf("%s is not a well-formed Kubernetes object: %s%s", what, prob.Msg, at)})
	if !toolhive.IsToolHive(o.APIVersion) || o.Name == "" || !slices.Contains(toolhive.Kinds(), o.Kind) {
		return
	}
	stub, _, err := toolhive.Decode(o.Kind, map[string]any{"metadata": map[string]any{"name": o.Name}}, p.spec.Release().Version)
	if err != nil {
		return
	}
	stub.SetNamespace(namespaceOrDefault(o.Namespace))
	if dup := p.ix.Add(o.Kind, &resolve.Entry{Obj: stub, Ref: ref, Invalid: true, Malformed: true}); dup != nil {
		p.invalidate(dup)
	}
}

// invalidate marks an indexed object unusable, and its server if it is one.
func (p *pipeline) invalidate(e *resolve.Entry) {
	e.Invalid = true
	e.DerivedURL = ""
	for _, s := range p.servers {
		if s.vmcp == e.Obj {
			s.invalid = true
		}
	}
}

// duplicate reports a second Secret or ConfigMap of one name; the first is
// used (references cannot be marked ambiguous), and the error fails the run.
func (p *pipeline) duplicate(ref results.Ref, kind, ns string, first results.Ref) {
	p.report(ref, results.Finding{Severity: results.Error, Rule: results.DuplicateObject, Field: "metadata.name", CurrentValue: ref.Name,
		Message: fmt.Sprintf("%s %s/%s appears twice in the input (first in %s); only the first is read, remove or rename the other", kind, ns, ref.Name, where(first))})
}

func where(r results.Ref) string {
	if r.File != "" {
		return r.File + " #" + strconv.Itoa(r.Index)
	}
	return "the input"
}

// secretData reads a Secret's keys; values are kept only to measure and parse
// them (HMAC length, PEM type), never to print.
func (p *pipeline) secretData(n *yaml.RNode, ref results.Ref) *resolve.Data {
	d := &resolve.Data{Ref: ref, Values: map[string][]byte{}}
	for k, v := range n.GetDataMap() {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			p.report(ref, results.Finding{Severity: results.Error, Rule: results.SecretDataNotBase64, Field: "data." + k,
				Message: fmt.Sprintf("Secret %s key %q is not valid base64; use stringData for plain text", n.GetName(), k)})
			continue
		}
		d.Values[k] = b
	}
	if sd, err := n.Pipe(yaml.Lookup("stringData")); err == nil && sd != nil {
		_ = sd.VisitFields(func(f *yaml.MapNode) error {
			d.Values[f.Key.YNode().Value] = []byte(f.Value.YNode().Value)
			return nil
		})
	}
	return d
}

func (p *pipeline) binaryData(n *yaml.RNode, ref results.Ref) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range n.GetBinaryDataMap() {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			p.report(ref, results.Finding{Severity: results.Error, Rule: results.ConfigMapBinaryDataNotBase64, Field: "binaryData." + k,
				Message: fmt.Sprintf("ConfigMap %s binaryData key %q is not valid base64", n.GetName(), k)})
			continue
		}
		out[k] = b
	}
	return out
}

func bytesMap(m map[string]string) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}

// generatedPath is where kpt writes a server's generated objects: a file
// next to the VirtualMCPServer's own, kept inside the package (see
// safeGeneratedPath).
func generatedPath(s *server) (string, bool) {
	dir := ""
	if s.ref.File != "" {
		dir = path.Dir(s.ref.File)
	}
	return safeGeneratedPath(dir, s.vmcp.Name)
}

// safeGeneratedPath keeps the file kpt writes a server's objects to inside
// the package: a directory that is absolute or climbs out with ".." (from
// the server's own path annotation) falls back to the package root, and a
// name that is not a plain file name is made one; ok is false when either
// happened.
func safeGeneratedPath(dir, name string) (p string, ok bool) {
	clean := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, strings.ToLower(name)), ".-")
	if clean == "" {
		clean = "virtualmcpserver"
	}
	ok = clean == name
	file := clean + ".rendered.yaml"
	if dir == "" {
		return file, ok
	}
	d := path.Clean(dir)
	if path.IsAbs(d) || d == ".." || strings.HasPrefix(d, "../") {
		return file, false
	}
	return path.Join(d, file), ok
}
