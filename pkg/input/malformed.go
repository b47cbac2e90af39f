package input

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Problem says why an item is not a well-formed Kubernetes object. Its
// message names keys and kinds of YAML nodes, never values.
type Problem struct {
	// Field is the dotted path of the offending key inside the item, "" for
	// the item itself.
	Field string
	// Line is the item's 1-based line in the input, 0 when unknown.
	Line int
	Msg  string
}

// Malformed says why n is not a well-formed object, or nil. Well-formed is
// what both the API server and kyaml's accessors need: a mapping without
// duplicate keys, with string apiVersion and kind; metadata, its labels and
// annotations mappings of scalars; a core Secret's or ConfigMap's data,
// stringData and binaryData mappings of strings. kyaml's accessors panic or
// fail on anything else, quoting the node in their error.
func Malformed(n *yaml.RNode) *Problem {
	if n == nil || n.YNode() == nil {
		return &Problem{Msg: "the item is empty"}
	}
	r := root(n.YNode())
	bad := func(field string, at *yaml.Node, format string, args ...any) *Problem {
		return &Problem{Field: field, Line: at.Line, Msg: fmt.Sprintf(format, args...)}
	}
	if r.Kind == yaml.AliasNode {
		return bad("", r, "the item is an alias (*%s) of another node, not an object; write the object out", Printable(r.Value))
	}
	if r.Kind != yaml.MappingNode {
		return bad("", r, "the item is %s, not an object (a YAML mapping); check the indentation and for a stray '-'", nodeKind(r))
	}
	if p := duplicateKey(r, ""); p != nil {
		return p
	}
	for _, k := range []string{"apiVersion", "kind"} {
		v := field(r, k)
		if v.Kind == 0 || v.Tag == yaml.NodeTagNull || (v.Kind == yaml.ScalarNode && v.Value == "") {
			return bad(k, r, "the item has no %s; every Kubernetes object needs apiVersion and kind", k)
		}
		if !isString(v) {
			return bad(k, v, "%s is %s, not a string", k, nodeKind(v))
		}
	}
	md := field(r, "metadata")
	if isNull(md) {
		return nil
	}
	if md.Kind == yaml.AliasNode {
		// kyaml's accessors do not follow an alias: the name would be lost.
		return bad("metadata", md, "metadata is an alias (*%s) of another node; write the mapping out", Printable(md.Value))
	}
	if md.Kind != yaml.MappingNode {
		return bad("metadata", md, "metadata is %s, not a mapping", nodeKind(md))
	}
	for _, k := range []string{"name", "namespace", "generateName"} {
		if v := field(md, k); !isNull(v) && v.Kind != yaml.ScalarNode {
			return bad("metadata."+k, v, "metadata.%s is %s, not a string", k, nodeKind(v))
		}
	}
	for _, k := range []string{"labels", "annotations"} {
		if p := stringMap(md, k, "metadata.", false); p != nil {
			return p
		}
	}
	if p := mismatchedAnnotations(md); p != nil {
		return p
	}
	if field(r, "apiVersion").Value == "v1" {
		switch field(r, "kind").Value {
		case "List":
			// Its objects are read one by one (as kubectl apply does).
			if v := field(r, "items"); !isNull(v) && deref(v).Kind != yaml.SequenceNode {
				return bad("items", v, "the items of a List are %s, not a list", nodeKind(v))
			}
		case "Secret", "ConfigMap":
			for _, k := range []string{"data", "stringData", "binaryData"} {
				if p := stringMap(r, k, "", true); p != nil {
					return p
				}
			}
		}
	}
	return nil
}

// stringMap checks that m[key], when present, is a mapping of scalars;
// strict: of strings (a Secret's or ConfigMap's values, which the API server
// decodes into strings or bytes and refuses as numbers or booleans).
func stringMap(m *yaml.Node, key, prefix string, strict bool) *Problem {
	v := field(m, key)
	if isNull(v) {
		return nil
	}
	v = deref(v)
	if v.Kind != yaml.MappingNode {
		return &Problem{Field: prefix + key, Line: v.Line, Msg: fmt.Sprintf("%s%s is %s, not a mapping", prefix, key, nodeKind(v))}
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], deref(v.Content[i+1])
		path := prefix + key + "." + k.Value
		switch {
		case val.Kind != yaml.ScalarNode:
			return &Problem{Field: path, Line: val.Line, Msg: fmt.Sprintf("the value of %s is %s, not a string", path, nodeKind(val))}
		case strict && !isString(val) && val.Tag != yaml.NodeTagNull && val.Tag != "!!binary":
			return &Problem{Field: path, Line: val.Line, Msg: fmt.Sprintf("the value of %s is %s, not a string; quote it", path, nodeKind(val))}
		}
	}
	return nil
}

// mismatchedAnnotations: kyaml refuses an item whose legacy and internal
// path, index or id annotations differ, since it cannot tell which is meant.
func mismatchedAnnotations(md *yaml.Node) *Problem {
	anns := deref(field(md, "annotations"))
	for _, pair := range [][2]string{
		{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation},
		{kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation},
		{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation},
	} {
		a, b := field(anns, pair[0]), field(anns, pair[1])
		if a.Value != "" && b.Value != "" && a.Value != b.Value {
			return &Problem{Field: "metadata.annotations." + pair[0], Line: a.Line,
				Msg: fmt.Sprintf("annotations %s and %s differ; remove one of them", pair[0], pair[1])}
		}
	}
	return nil
}

// duplicateKey finds a key that appears twice in one mapping, at any depth.
// The API server refuses such YAML ("mapping key already defined"); kyaml
// would silently use one of the two.
func duplicateKey(n *yaml.Node, path string) *Problem {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				if first, dup := seen[k.Value]; dup {
					p := join(path, Printable(k.Value))
					return &Problem{Field: p, Line: k.Line, Msg: fmt.Sprintf("the key %s appears twice in one mapping (lines %d and %d); the API server refuses it, keep one", p, first, k.Line)}
				}
				seen[k.Value] = k.Line
			}
			if p := duplicateKey(n.Content[i+1], join(path, Printable(k.Value))); p != nil {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p := duplicateKey(c, path+"["+strconv.Itoa(i)+"]"); p != nil {
				return p
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// isString: a string scalar; a node built in code may carry no tag.
func isString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == yaml.NodeTagString || n.Tag == "")
}

func isNull(n *yaml.Node) bool { return n.Kind == 0 || n.Tag == yaml.NodeTagNull }

// deref follows an alias to what it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// nodeKind names what a node is, for messages.
func nodeKind(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case yaml.NodeTagString:
			return "a string"
		case yaml.NodeTagInt, yaml.NodeTagFloat:
			return "a number"
		case yaml.NodeTagBool:
			return "a boolean"
		case yaml.NodeTagNull:
			return "null"
		}
		return "a scalar"
	}
	return "empty"
}
