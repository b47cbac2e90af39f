package input

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Origin is what can be read safely from any item: its identity when the
// fields are strings, and the orchestrator's path and index annotations.
type Origin struct {
	APIVersion, Kind, Namespace, Name string
	File                              string
	// Index is the file index annotation, 0 when absent.
	Index int
}

// Describe reads n's Origin without kyaml's accessors, which fail on a
// malformed item.
func Describe(n *yaml.RNode) Origin {
	var o Origin
	if n == nil || n.YNode() == nil {
		return o
	}
	r := root(n.YNode())
	str := func(m *yaml.Node, k string) string {
		if v := field(m, k); isString(v) {
			return v.Value
		}
		return ""
	}
	o.APIVersion, o.Kind = str(r, "apiVersion"), str(r, "kind")
	md := deref(field(r, "metadata"))
	o.Namespace, o.Name = str(md, "namespace"), str(md, "name")
	anns := deref(field(md, "annotations"))
	o.File = str(anns, kioutil.PathAnnotation)
	if o.File == "" {
		o.File = str(anns, kioutil.LegacyPathAnnotation)
	}
	idx := str(anns, kioutil.IndexAnnotation)
	if idx == "" {
		idx = str(anns, kioutil.LegacyIndexAnnotation)
	}
	if i, err := strconv.Atoi(idx); err == nil {
		o.Index = i
	}
	return o
}

// Annotatable reports whether kyaml can edit n's annotations: a mapping
// whose metadata and metadata.annotations are mappings or absent. A
// malformed item may still be (its problem lies elsewhere).
func Annotatable(n *yaml.RNode) bool {
	if n == nil || n.YNode() == nil {
		return false
	}
	r := root(n.YNode())
	if r.Kind != yaml.MappingNode {
		return false
	}
	md := field(r, "metadata")
	if isNull(md) {
		return true
	}
	anns := field(md, "annotations")
	return md.Kind == yaml.MappingNode && (isNull(anns) || anns.Kind == yaml.MappingNode)
}

// IsOrchestratorAnnotation reports the annotations kpt and kustomize add to
// items to track them (path, index, id, ...); kustomize and kpt remove them
// before anything is applied, and a cluster object never carries them.
func IsOrchestratorAnnotation(k string) bool {
	return strings.HasPrefix(k, "internal.config.kubernetes.io/") || strings.HasPrefix(k, "config.kubernetes.io/") ||
		k == "config.k8s.io/id" || strings.HasPrefix(k, "kustomize.config.k8s.io/")
}
