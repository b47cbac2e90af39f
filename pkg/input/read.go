// Package input reads what an orchestrator or a user hands the function, a
// ResourceList or a plain YAML stream, without trusting it. Its errors name a
// line and a position, never the content: a Secret may be anywhere in the
// input, and errors end up in CI logs and Argo CD's UI. An item that is not a
// well-formed object does not stop the read; Malformed says what is wrong
// with it, for the caller to report on that item alone.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The envelopes the function accepts. kustomize and kpt send a
// config.kubernetes.io/v1 ResourceList (v1alpha1 before kustomize v4); a
// single v1 List document is unwrapped as kyaml's reader does.
const (
	ResourceListKind = kio.ResourceListKind
	listKind         = "List"
	krmGroup         = "config.kubernetes.io/"
)

var resourceListVersions = []string{krmGroup + "v1", krmGroup + "v1alpha1"}

// List is the function's input.
type List struct {
	// APIVersion and Kind of the envelope; both empty for a plain stream.
	APIVersion, Kind string
	Items            []*yaml.RNode
	FunctionConfig   *yaml.RNode
	// Results are those of an earlier function, written back unless this
	// one has its own.
	Results *yaml.RNode
}

// Error is an input the function cannot read at all. Its message never
// quotes the input.
type Error struct {
	// Line is 1-based, 0 when unknown.
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("cannot read the input: line %d: %s", e.Line, e.Msg)
	}
	return "cannot read the input: " + e.Msg
}

// Options say how a plain stream's documents are annotated.
type Options struct {
	// IndexAnnotations sets config.kubernetes.io/index (and its internal
	// twin) on each well-formed document of a plain stream, as kyaml's
	// reader does for the function framework.
	IndexAnnotations bool
}

// Read reads a ResourceList, a single v1 List, or a plain stream of YAML
// documents.
func Read(b []byte, opt Options) (*List, error) {
	docs, err := documents(b)
	if err != nil {
		return nil, err
	}
	var envelopes []int
	for i, d := range docs {
		if isEnvelope(d) {
			envelopes = append(envelopes, i)
		}
	}
	switch {
	case len(envelopes) == 1 && len(docs) == 1:
		return unwrap(docs[0])
	case len(envelopes) > 1:
		return nil, &Error{Line: docs[envelopes[1]].Line, Msg: fmt.Sprintf("the input holds %d ResourceList documents; an orchestrator sends exactly one", len(envelopes))}
	case len(envelopes) == 1:
		return nil, &Error{Line: docs[envelopes[0]].Line, Msg: fmt.Sprintf("the input holds a ResourceList and %d other YAML documents; send either one ResourceList or a plain stream of objects", len(docs)-1)}
	}
	l := &List{}
	for i, d := range docs {
		n := yaml.NewRNode(d)
		if opt.IndexAnnotations && Malformed(n) == nil {
			if err := annotate(n, i); err != nil {
				return nil, &Error{Line: d.Line, Msg: fmt.Sprintf("document %d: %s", i, sanitize(err))}
			}
		}
		l.Items = append(l.Items, n)
	}
	return l, nil
}

// ReadStream reads a plain stream of documents (a file in standalone mode);
// a ResourceList there is an error. A v1 List stays one document: the
// render reads its objects (as kubectl apply does) and it is written back
// as it came, so document numbers stay those of the file.
func ReadStream(b []byte) ([]*yaml.RNode, error) {
	docs, err := documents(b)
	if err != nil {
		return nil, err
	}
	var out []*yaml.RNode
	for _, d := range docs {
		if isEnvelope(d) && field(d, "kind").Value != listKind {
			return nil, &Error{Line: d.Line, Msg: "a ResourceList is an orchestrator's envelope, not an object; give the objects themselves"}
		}
		out = append(out, yaml.NewRNode(d))
	}
	return out, nil
}

// ReadDocuments returns every non-empty document of b as it is, without
// unwrapping any envelope.
func ReadDocuments(b []byte) ([]*yaml.RNode, error) {
	docs, err := documents(b)
	if err != nil {
		return nil, err
	}
	out := make([]*yaml.RNode, len(docs))
	for i, d := range docs {
		out[i] = yaml.NewRNode(d)
	}
	return out, nil
}

// documents decodes every YAML document of b and returns their roots,
// skipping empty ones. yaml.v3's decoder handles directives (%YAML 1.1) and
// separators itself.
func documents(b []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))))
	var out []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, syntaxError(err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == yaml.NodeTagNull {
			continue
		}
		// The document node keeps its head/foot comments, as kyaml's reader.
		out = append(out, &doc)
	}
}

// syntaxError turns a yaml.v3 parse error ("yaml: line 3: did not find
// expected ',' or ']'") into an Error. The parser's messages are fixed
// texts that quote single tokens at most; a longer quoted part is dropped
// all the same, in case a future message quotes the input.
func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, tail
			}
		}
	}
	msg, _, _ = strings.Cut(msg, "\n")
	msg = quoted.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= 5 && q[0] == '\'' && q[len(q)-1] == '\'' {
			return q // a token: "did not find expected ',' or ']'"
		}
		return "..." // content: "unknown anchor '<name>' referenced"
	})
	return &Error{Line: line, Msg: "not valid YAML: " + msg}
}

// quoted is a quoted part of a message, shortest first so that tokens
// pair up.
var quoted = regexp.MustCompile("'[^']{0,3}'|'[^']*'?|\"[^\"]*\"?|`[^`]*`?")

// sanitize keeps an error's text up to the first quote or newline: kyaml and
// yaml.v3 append the node they failed on ("node contents: ..."), and any of
// it could be a Secret.
func sanitize(err error) string {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\n\"'`"); i >= 0 {
		msg = strings.TrimRight(msg[:i], " :")
	}
	msg, _, _ = strings.Cut(msg, ": node contents")
	return msg
}

func root(d *yaml.Node) *yaml.Node {
	if d.Kind == yaml.DocumentNode && len(d.Content) > 0 {
		return d.Content[0]
	}
	return d
}

// field returns the value of key in mapping m, or an empty node.
func field(m *yaml.Node, key string) *yaml.Node {
	m = root(m)
	if m.Kind != yaml.MappingNode {
		return &yaml.Node{}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return &yaml.Node{}
}

// isEnvelope: a ResourceList whatever its spelling of apiVersion or kind
// (so that a typo fails instead of passing as one object), or a single v1
// List as kyaml unwraps it.
func isEnvelope(d *yaml.Node) bool {
	r := root(d)
	if r.Kind != yaml.MappingNode {
		return false
	}
	apiVersion, kind := field(r, "apiVersion").Value, field(r, "kind").Value
	if kind == ResourceListKind || strings.HasPrefix(apiVersion, krmGroup) {
		return true
	}
	return kind == listKind && apiVersion == "v1" && field(r, "items").Kind != 0
}

// unwrap checks the envelope and returns its items.
func unwrap(d *yaml.Node) (*List, error) {
	r := root(d)
	seen := map[string]int{}
	for i := 0; i+1 < len(r.Content); i += 2 {
		k := r.Content[i]
		if prev, dup := seen[k.Value]; dup {
			return nil, &Error{Line: k.Line, Msg: fmt.Sprintf("the ResourceList has two %q keys (lines %d and %d); which one is meant is ambiguous", k.Value, prev, k.Line)}
		}
		seen[k.Value] = k.Line
	}
	l := &List{APIVersion: field(r, "apiVersion").Value, Kind: field(r, "kind").Value}
	if l.Kind == listKind && l.APIVersion == "v1" {
		// kubectl's List: kept as kyaml keeps it.
	} else if l.Kind != ResourceListKind || !slices.Contains(resourceListVersions, l.APIVersion) {
		return nil, &Error{Line: r.Line, Msg: fmt.Sprintf("the envelope is apiVersion %q, kind %q; a function's input is apiVersion %s, kind %s",
			Printable(l.APIVersion), Printable(l.Kind), strings.Join(resourceListVersions, " or "), ResourceListKind)}
	}
	items := field(r, "items")
	switch {
	case items.Kind == yaml.SequenceNode:
		for _, it := range items.Content {
			l.Items = append(l.Items, yaml.NewRNode(it))
		}
	case items.Kind == 0 || items.Tag == yaml.NodeTagNull:
		// No items (kyaml accepts a missing or null list).
	default:
		return nil, &Error{Line: items.Line, Msg: "the ResourceList's items is not a list; it must be a YAML sequence of objects"}
	}
	if fc := field(r, "functionConfig"); fc.Kind != 0 && fc.Tag != yaml.NodeTagNull {
		if fc.Kind != yaml.MappingNode {
			return nil, &Error{Line: fc.Line, Msg: "the ResourceList's functionConfig is not a mapping; it must be one object"}
		}
		l.FunctionConfig = yaml.NewRNode(fc)
	}
	if res := field(r, "results"); res.Kind != 0 {
		l.Results = yaml.NewRNode(res)
	}
	return l, nil
}

// Printable keeps a value from the input short, valid UTF-8 and on one
// line for a message. Only for values that are never secret (kinds, keys,
// names).
func Printable(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s), "?")
}

// annotate sets the index annotations kyaml's reader sets on a plain
// stream's documents, after copying legacy annotations to the internal ones.
func annotate(n *yaml.RNode, i int) error {
	if err := kioutil.CopyLegacyAnnotations(n); err != nil {
		return err
	}
	// In kyaml's order: sorted by key, so the legacy key first.
	for _, k := range []string{kioutil.LegacyIndexAnnotation, kioutil.IndexAnnotation} {
		if err := n.PipeE(yaml.SetAnnotation(k, strconv.Itoa(i))); err != nil {
			return err
		}
	}
	return nil
}
