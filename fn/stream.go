package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
)

// execute is framework.Execute (read, process, reconcile the internal
// annotations, write) with one change: a wrapped ResourceList is written one
// item at a time by writeWrapped. kyaml encodes the whole list as a single
// YAML document, and yaml.v3 keeps every event of a document until its end,
// so that writer's time and memory grow with the output well beyond its size;
// the generated objects make the output several times the input.
func execute(p framework.ResourceListProcessor, in io.Reader, out io.Writer) error {
	b, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("reading the input: %w", err)
	}
	// Our reader, not kyaml's: kyaml's quotes the node it fails on (a
	// Secret, possibly) and fails the whole list for one bad item.
	l, err := input.Read(b, input.Options{IndexAnnotations: true})
	if err != nil {
		return err
	}
	rl := framework.ResourceList{Items: l.Items, FunctionConfig: l.FunctionConfig}
	// kyaml's annotation bookkeeping needs well-formed items; the others
	// pass through untouched and get a malformed result from the processor.
	bad := malformedItems(rl.Items)
	nodeAnnos, err := kio.PreprocessResourcesForInternalAnnotationMigration(wellFormed(rl.Items, bad))
	if err != nil {
		return err
	}
	retErr := p.Process(&rl)
	if err := kio.ReconcileInternalAnnotations(wellFormed(rl.Items, bad), nodeAnnos); err != nil {
		return err
	}
	res := l.Results
	if len(rl.Results) > 0 {
		b, err := yaml.Marshal(rl.Results)
		if err != nil {
			return err
		}
		if res, err = yaml.Parse(string(b)); err != nil {
			return err
		}
	}
	if l.Kind == "" {
		// A plain YAML stream is written back as kyaml writes it.
		if err := writeStream(out, rl.Items); err != nil {
			return err
		}
		return retErr
	}
	if err := writeWrapped(out, l.APIVersion, l.Kind, rl.Items, l.FunctionConfig, res); err != nil {
		return err
	}
	return retErr
}

// malformedItems returns the items that are not well-formed objects (the
// check walks each item once; generated objects are well-formed).
func malformedItems(items []*yaml.RNode) map[*yaml.RNode]bool {
	bad := map[*yaml.RNode]bool{}
	for _, n := range items {
		if input.Malformed(n) != nil {
			bad[n] = true
		}
	}
	return bad
}

// wellFormed returns the items kyaml's accessors can handle.
func wellFormed(items []*yaml.RNode, bad map[*yaml.RNode]bool) []*yaml.RNode {
	if len(bad) == 0 {
		return items
	}
	out := make([]*yaml.RNode, 0, len(items))
	for _, n := range items {
		if !bad[n] {
			out = append(out, n)
		}
	}
	return out
}

// writeStream writes items as a plain YAML stream, with kyaml's writer when
// it can handle every item (its output is the reference), else with the
// same settings item by item, leaving the others as they came.
func writeStream(w io.Writer, items []*yaml.RNode) error {
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

// writeWrapped writes the same bytes as kio.ByteWriter with WrappingKind set
// and KeepReaderAnnotations: each item is written as the only entry of a
// root-level sequence, which yaml.v3 lays out exactly as an entry of the
// items: list (compact sequence indent, 2 spaces), so the pieces concatenate
// into the document kyaml would have written. Items of the usual shape go
// through blockWriter, the others through yaml.v3.
func writeWrapped(w io.Writer, apiVersion, kind string, items []*yaml.RNode, fc, results *yaml.RNode) error {
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
	if err := encodeDoc(bw, &buf, header); err != nil {
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
		blocks := newBlockWriter()
		for _, n := range items {
			if b, ok := blocks.item(n.YNode()); ok {
				if _, err := bw.Write(b); err != nil {
					return err
				}
				continue
			}
			if err := encodeDoc(bw, &buf, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.YNode()}}); err != nil {
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
		if err := encodeDoc(bw, &buf, m); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// encodeDoc encodes n as a document of its own (a fresh encoder, so no "---"
// separator) through buf.
func encodeDoc(w io.Writer, buf *bytes.Buffer, n *yaml.Node) error {
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
