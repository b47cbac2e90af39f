package input

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Position returns the source line and column (1-based) of the field at a
// result's dotted path (spec.config.compositeTools[1].name,
// metadata.annotations.config.kubernetes.io/path, resources.requests[cpu])
// in an item as it was read: the key of that field, or, when the field is
// absent and must be added, the key of its deepest present ancestor (the
// item's own first line when none is). Keys may hold dots: the longest key
// that fits the path is taken. 0, 0 when n has no positions (built in code).
func Position(n *yaml.RNode, path string) (line, col int) {
	if n == nil || n.YNode() == nil {
		return 0, 0
	}
	cur := root(n.YNode())
	line, col = firstKey(cur)
	rest := path
	for rest != "" {
		cur = deref(cur)
		switch cur.Kind {
		case yaml.MappingNode:
			key, value, remaining, ok := matchKey(cur, rest)
			if !ok {
				return line, col
			}
			line, col = key.Line, key.Column
			cur, rest = value, remaining
		case yaml.SequenceNode:
			i, remaining, ok := matchIndex(rest)
			if !ok || i >= len(cur.Content) {
				return line, col
			}
			cur, rest = cur.Content[i], remaining
			if cur.Line > 0 {
				line, col = cur.Line, cur.Column
			}
		default:
			return line, col
		}
	}
	return line, col
}

// firstKey is where an object starts: its first key, else the node.
func firstKey(n *yaml.Node) (int, int) {
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0].Line, n.Content[0].Column
	}
	return n.Line, n.Column
}

// matchKey finds the longest key of mapping m that starts path, followed by
// the end, a '.' or a '[' (or a "[key]" segment naming it).
func matchKey(m *yaml.Node, path string) (key, value *yaml.Node, rest string, ok bool) {
	if strings.HasPrefix(path, "[") {
		// resources.requests[cpu]: a map key written as an index.
		if end := strings.IndexByte(path, ']'); end > 0 {
			name := path[1:end]
			for i := 0; i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == name {
					return m.Content[i], m.Content[i+1], strings.TrimPrefix(path[end+1:], "."), true
				}
			}
		}
		return nil, nil, "", false
	}
	best := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if !strings.HasPrefix(path, k) || (len(path) > len(k) && path[len(k)] != '.' && path[len(k)] != '[') {
			continue
		}
		if best < 0 || len(k) > len(m.Content[best].Value) {
			best = i
		}
	}
	if best < 0 {
		return nil, nil, "", false
	}
	rest = strings.TrimPrefix(path[len(m.Content[best].Value):], ".")
	return m.Content[best], m.Content[best+1], rest, true
}

// matchIndex reads a leading "[i]".
func matchIndex(path string) (int, string, bool) {
	if !strings.HasPrefix(path, "[") {
		return 0, "", false
	}
	end := strings.IndexByte(path, ']')
	if end < 0 {
		return 0, "", false
	}
	i, err := strconv.Atoi(path[1:end])
	if err != nil || i < 0 {
		return 0, "", false
	}
	return i, strings.TrimPrefix(path[end+1:], "."), true
}
