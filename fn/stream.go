package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// execute is framework.Execute (read, process, reconcile the internal
// annotations, write) with one change: a wrapped ResourceList is written one
// item at a time by writeWrapped. kyaml encodes the whole list as a single
// YAML document, and yaml.v3 keeps every event of a document until its end,
// so that writer's time and memory grow with the output well beyond its size;
// the generated objects make the output several times the input.
func execute(p framework.ResourceListProcessor, in io.Reader, out io.Writer) error {
	rw := &kio.ByteReadWriter{Reader: in, Writer: out, KeepReaderAnnotations: true}
	rl := framework.ResourceList{}
	var err error
	if rl.Items, err = rw.Read(); err != nil {
		return fmt.Errorf("failed to read ResourceList input: %w", err)
	}
	rl.FunctionConfig = rw.FunctionConfig
	nodeAnnos, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
	if err != nil {
		return err
	}
	retErr := p.Process(&rl)
	if err := kio.ReconcileInternalAnnotations(rl.Items, nodeAnnos); err != nil {
		return err
	}
	if len(rl.Results) > 0 {
		b, err := yaml.Marshal(rl.Results)
		if err != nil {
			return err
		}
		if rw.Results, err = yaml.Parse(string(b)); err != nil {
			return err
		}
	}
	if rw.WrappingKind == "" {
		// A plain YAML stream is written back as kyaml writes it.
		if err := rw.Write(rl.Items); err != nil {
			return err
		}
		return retErr
	}
	if err := writeWrapped(out, rw.WrappingAPIVersion, rw.WrappingKind, rl.Items, rw.FunctionConfig, rw.Results); err != nil {
		return err
	}
	return retErr
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
	// the write, so this does it in place and saves the copy.
	for _, n := range items {
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
