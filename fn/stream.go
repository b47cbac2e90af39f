package main

import (
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/yamlwrite"
)

// execute is framework.Execute (read, process, reconcile the internal
// annotations, write) with three changes: the input is read by pkg/input
// (which never quotes a node and keeps a malformed item instead of failing
// the list), malformed items are left out of kyaml's annotation bookkeeping,
// and a wrapped ResourceList is written one item at a time by
// yamlwrite.WriteWrapped. kyaml encodes the whole list as a single
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
		if err := yamlwrite.WriteStream(out, rl.Items); err != nil {
			return err
		}
		return retErr
	}
	if err := yamlwrite.WriteWrapped(out, l.APIVersion, l.Kind, rl.Items, l.FunctionConfig, res); err != nil {
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
