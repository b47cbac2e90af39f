package yamlwrite

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// BlockWriter writes the common shape of a Kubernetes object (block mappings
// and sequences down to scalars, no comments or anchors) byte for byte as
// yaml.v3 lays it out with kyaml's settings (2-space indent, compact
// sequences, no line wrapping), without yaml.v3's per-event bookkeeping,
// which dominates the cost of writing. It decides only what is simple: a
// scalar that is not plain ASCII text is rendered by yaml.v3 itself (and
// cached), and Item reports false for anything else (comments, anchors,
// aliases, explicit collection tags, flow collections, complex keys,
// sequences of sequences), for the caller to hand the item to yaml.v3.
type BlockWriter struct {
	out              bytes.Buffer
	scratch, encoded bytes.Buffer
	scalars          map[scalarKey]string
}

type scalarKey struct {
	tag, value string
	style      yaml.Style
	inSeq      bool
}

// maxCachedScalar bounds the values kept in the cache; long ones (config
// documents) are unique per server and only rendered once.
const maxCachedScalar = 256

func NewBlockWriter() *BlockWriter { return &BlockWriter{scalars: map[scalarKey]string{}} }

// Item returns n written as an entry of a root-level block sequence ("- "
// at column 0), or false when n is not of the simple shape.
func (w *BlockWriter) Item(n *yaml.Node) ([]byte, bool) {
	w.out.Reset()
	if !w.sequence(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}, 0) {
		return nil, false
	}
	return w.out.Bytes(), true
}

// sequence writes a non-empty block sequence whose dashes are at column
// indent (compact: the same column as the parent key).
func (w *BlockWriter) sequence(n *yaml.Node, indent int) bool {
	for _, e := range n.Content {
		if !simple(e) {
			return false
		}
		w.spaces(indent)
		w.out.WriteByte('-')
		switch e.Kind {
		case yaml.ScalarNode:
			if !w.scalar(e, indent, true) {
				return false
			}
		case yaml.MappingNode:
			if len(e.Content) == 0 {
				w.out.WriteString(" {}\n")
				continue
			}
			w.out.WriteByte(' ')
			if !w.mapping(e, indent+2, true) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// mapping writes a non-empty block mapping with its keys at column indent;
// inline: the first key follows "- " on the current line.
func (w *BlockWriter) mapping(n *yaml.Node, indent int, inline bool) bool {
	if len(n.Content)%2 != 0 {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if i > 0 || !inline {
			w.spaces(indent)
		}
		// A key must be a simple key in plain style: at most 128
		// characters, else yaml.v3 writes a complex key.
		if !simple(k) || k.Kind != yaml.ScalarNode || len(k.Value) > 128 || !plainScalar(k) {
			return false
		}
		w.out.WriteString(k.Value)
		w.out.WriteByte(':')
		if !simple(v) {
			return false
		}
		switch v.Kind {
		case yaml.ScalarNode:
			if !w.scalar(v, indent, false) {
				return false
			}
		case yaml.MappingNode:
			if len(v.Content) == 0 {
				w.out.WriteString(" {}\n")
				continue
			}
			w.out.WriteByte('\n')
			if !w.mapping(v, indent+2, false) {
				return false
			}
		case yaml.SequenceNode:
			if len(v.Content) == 0 {
				w.out.WriteString(" []\n")
				continue
			}
			w.out.WriteByte('\n')
			if !w.sequence(v, indent) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// scalar writes a scalar after "key:" or "-", the line break included. A
// plain one is written as is; any other is rendered by yaml.v3 in the same
// position at column 0 and its continuation lines (block scalars,
// multi-line quoted strings) shifted to the real column, which keeps their
// relative indentation and so their value.
func (w *BlockWriter) scalar(v *yaml.Node, indent int, inSeq bool) bool {
	if plainScalar(v) {
		w.out.WriteByte(' ')
		w.out.WriteString(v.Value)
		w.out.WriteByte('\n')
		return true
	}
	key := scalarKey{tag: v.Tag, value: v.Value, style: v.Style, inSeq: inSeq}
	r, ok := w.scalars[key]
	if !ok {
		if r, ok = w.render(v, inSeq); !ok {
			return false
		}
		if len(v.Value) <= maxCachedScalar {
			w.scalars[key] = r
		}
	}
	first, rest, _ := strings.Cut(r, "\n")
	w.out.WriteString(first)
	w.out.WriteByte('\n')
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line != "" {
			w.spaces(indent)
			w.out.WriteString(line)
		}
		w.out.WriteByte('\n')
	}
	return true
}

// render has yaml.v3 write v as the value of a one-key mapping or the item
// of a one-item sequence, and returns what follows "k:" or "-".
func (w *BlockWriter) render(v *yaml.Node, inSeq bool) (string, bool) {
	s := &yaml.Node{Kind: yaml.ScalarNode, Tag: v.Tag, Value: v.Value, Style: v.Style}
	doc, prefix := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "k"}, s}}, "k:"
	if inSeq {
		doc, prefix = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{s}}, "-"
	}
	w.scratch.Reset()
	if err := EncodeDoc(&w.scratch, &w.encoded, doc); err != nil {
		return "", false
	}
	out := w.scratch.String()
	if !strings.HasPrefix(out, prefix) || !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n...\n") {
		return "", false
	}
	return out[len(prefix):], true
}

func (w *BlockWriter) spaces(n int) {
	for range n {
		w.out.WriteByte(' ')
	}
}

// simple reports a node without comments or anchor whose collection style
// and tag yaml.v3 would not write out (block, or flow when empty).
func simple(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return true
	case yaml.MappingNode:
		return (n.Tag == "" || n.Tag == "!!map") && (n.Style == 0 || n.Style == yaml.FlowStyle && len(n.Content) == 0)
	case yaml.SequenceNode:
		return (n.Tag == "" || n.Tag == "!!seq") && (n.Style == 0 || n.Style == yaml.FlowStyle && len(n.Content) == 0)
	}
	return false
}

// plainScalar reports a scalar yaml.v3 writes plain and untagged in block
// context: no style asked for, a tag that the value resolves to anyway, and
// printable ASCII that the emitter's analysis allows plain (no leading or
// trailing space, no indicator where it would be read as one). Anything
// else, including non-ASCII text, is left to yaml.v3.
func plainScalar(n *yaml.Node) bool {
	if n.Style != 0 || !blockPlain(n.Value) {
		return false
	}
	return n.Tag == "" || n.Tag == resolvedTag(n.Value)
}

func blockPlain(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	if len(s) >= 3 && (s[:3] == "---" || s[:3] == "...") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return false
		}
		blankNext := i+1 == len(s) || s[i+1] == ' '
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				return false
			case '?', ':', '-':
				if blankNext {
					return false
				}
			}
			continue
		}
		switch c {
		case ':':
			if blankNext {
				return false
			}
		case '#':
			if s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

// resolvedTag is the tag yaml.v3 reads a plain scalar as. Only a few first
// characters can make it anything but a string.
func resolvedTag(s string) string {
	if s != "" && strings.IndexByte("+-.0123456789yYnNtTfFoO~<", s[0]) < 0 {
		return "!!str"
	}
	return (&yaml.Node{Kind: yaml.ScalarNode, Value: s}).ShortTag()
}
