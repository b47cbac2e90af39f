package yamlwrite

import (
	"bufio"
	"bytes"
	"io"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
)

// WriteStream writes items as a plain YAML stream, with kyaml's writer when
// it can handle every item (its output is the reference), else with the
// same settings item by item, leaving the others as they came.
func WriteStream(w io.Writer, items []*yaml.RNode) error {
	if !slices.ContainsFunc(items, func(n *yaml.RNode) bool { return !input.Annotatable(n) }) {
		return kio.ByteWriter{Writer: w, KeepReaderAnnotations: true}.Write(items)
	}
	enc := yaml.NewEncoder(w)
	enc.CompactSeqIndent()
	for _, n := range items {
		if input.Annotatable(n) {
			if err := yaml.ClearEmptyAnnotations(n); err != nil {
				return err
			}
		}
		doc := n.YNode()
		if doc.Kind != yaml.DocumentNode {
			doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}
		}
		if err := enc.Encode(doc); err != nil {
			return err
		}
	}
	return enc.Close()
}

// WriteWrapped writes the same bytes as kio.ByteWriter with WrappingKind set
// and KeepReaderAnnotations: each item is written as the only entry of a
// root-level sequence, which yaml.v3 lays out exactly as an entry of the
// items: list (compact sequence indent, 2 spaces), so the pieces concatenate
// into the document kyaml would have written. Items of the usual shape go
// through BlockWriter, the others through yaml.v3.
func WriteWrapped(w io.Writer, apiVersion, kind string, items []*yaml.RNode, fc, results *yaml.RNode) error {
	// kyaml drops empty metadata.annotations and metadata from a deep copy
	// of every item before it writes anything; the items are not used after
	// the write, so this does it in place and saves the copy. An item
	// whose annotations kyaml cannot edit is written as it came.
	for _, n := range items {
		if !input.Annotatable(n) {
			continue
		}
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	header := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "apiVersion"}, {Kind: yaml.ScalarNode, Value: apiVersion},
		{Kind: yaml.ScalarNode, Value: "kind"}, {Kind: yaml.ScalarNode, Value: kind},
	}}
	if err := EncodeDoc(bw, &buf, header); err != nil {
		return err
	}
	if len(items) == 0 {
		if _, err := bw.WriteString("items: []\n"); err != nil {
			return err
		}
	} else {
		if _, err := bw.WriteString("items:\n"); err != nil {
			return err
		}
		blocks := NewBlockWriter()
		for _, n := range items {
			if b, ok := blocks.Item(n.YNode()); ok {
				if _, err := bw.Write(b); err != nil {
					return err
				}
				continue
			}
			if err := EncodeDoc(bw, &buf, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}); err != nil {
				return err
			}
		}
	}
	for _, f := range []struct {
		key  string
		node *yaml.RNode
	}{{"functionConfig", fc}, {"results", results}} {
		if f.node == nil {
			continue
		}
		m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: f.key}, f.node.YNode()}}
		if err := EncodeDoc(bw, &buf, m); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// EncodeDoc encodes n as a document of its own (a fresh encoder, so no "---"
// separator) through buf.
func EncodeDoc(w io.Writer, buf *bytes.Buffer, n *yaml.Node) error {
	buf.Reset()
	enc := yaml.NewEncoder(buf)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
