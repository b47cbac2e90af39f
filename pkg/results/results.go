// Package results turns findings about input objects into KRM function
// results: severity, message, the resource and field at fault, the file it
// came from, and stable tags that tools can filter on.
package results

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
)

// Severities, re-exported so callers need not import the framework.
const (
	Error   = framework.Error
	Warning = framework.Warning
	Info    = framework.Info
)

// Ref identifies the object a result is about and where it was read from.
type Ref struct {
	APIVersion, Kind, Namespace, Name string
	// File and Index come from the orchestrator's path/index annotations.
	File  string
	Index int
	// Item is the position in the input list (ResourceList items, or the
	// documents of a stream) of an item that cannot be told by its identity
	// (a malformed one); it becomes the result's "item" tag.
	Item *int
}

// RefOf reads the identity and file annotations of an input item. It reads
// what it can of a malformed item too, never failing.
func RefOf(n *yaml.RNode) Ref {
	o := input.Describe(n)
	return Ref{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, File: o.File, Index: o.Index}
}

// Finding is one problem: what rule it breaks, where, and what to do.
type Finding struct {
	Severity framework.Severity
	// Rule is the declared check the finding breaks (rules.go).
	Rule Rule
	// Field is the dotted path inside the object (e.g. spec.incomingAuth.type).
	Field         string
	CurrentValue  any
	ProposedValue any
	Message       string
	// ConditionType and Reason name the operator status condition, when the
	// operator reports the same problem.
	ConditionType, Reason string
}

// Result builds the KRM result of a finding about ref.
func Result(ref Ref, f Finding) *framework.Result {
	r := &framework.Result{
		Message:  f.Message,
		Severity: f.Severity,
		Tags:     map[string]string{},
	}
	if r.Severity == "" {
		r.Severity = Error
	}
	if ref.Kind != "" || ref.Name != "" {
		r.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: ref.APIVersion, Kind: ref.Kind},
			NameMeta: yaml.NameMeta{Name: ref.Name, Namespace: ref.Namespace},
		}
	}
	if f.Field != "" {
		r.Field = &framework.Field{Path: f.Field, CurrentValue: f.CurrentValue, ProposedValue: f.ProposedValue}
	}
	if ref.File != "" {
		r.File = &framework.File{Path: ref.File, Index: ref.Index}
	}
	if name := f.Rule.Name(); name != "" {
		r.Tags["rule"] = name
	}
	if ref.Item != nil {
		r.Tags["item"] = strconv.Itoa(*ref.Item)
	}
	if f.ConditionType != "" {
		r.Tags["conditionType"] = f.ConditionType
	}
	if f.Reason != "" {
		r.Tags["reason"] = f.Reason
	}
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	return r
}

// Sort orders results deterministically: errors first, then by resource,
// field, rule and message, so output does not depend on map iteration.
func Sort(rs framework.Results) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := rank(a.Severity), rank(b.Severity); ra != rb {
			return ra < rb
		}
		return key(a) < key(b)
	})
}

func rank(s framework.Severity) int {
	switch s {
	case framework.Error:
		return 0
	case framework.Warning:
		return 1
	default:
		return 2
	}
}

func key(r *framework.Result) string {
	var b strings.Builder
	if r.ResourceRef != nil {
		fmt.Fprintf(&b, "%s/%s/%s/%s", r.ResourceRef.Namespace, r.ResourceRef.Kind, r.ResourceRef.Name, r.ResourceRef.APIVersion)
	}
	b.WriteByte(0)
	if r.Field != nil {
		b.WriteString(r.Field.Path)
	}
	b.WriteByte(0)
	b.WriteString(r.Tags["rule"])
	b.WriteByte(0)
	b.WriteString(r.Message)
	return b.String()
}

// HasErrors reports whether any result is an error.
func HasErrors(rs framework.Results) bool {
	for _, r := range rs {
		if r.Severity == framework.Error {
			return true
		}
	}
	return false
}

// Line renders a result as one line for stderr, since kustomize never shows
// the results field: "error: VirtualMCPServer toolhive/x: spec.a: message
// [rule] (file)".
func Line(r *framework.Result) string {
	l := string(r.Severity) + ": " + Message(r)
	if r.File != nil && r.File.Path != "" {
		l += " (" + r.File.Path + ")"
	}
	return l
}

// Message is a result's line without its severity and file, for formats
// that carry those apart: "VirtualMCPServer toolhive/x: spec.a: message
// [rule]".
func Message(r *framework.Result) string {
	var b strings.Builder
	if r.ResourceRef != nil {
		b.WriteString(r.ResourceRef.Kind)
		if r.ResourceRef.Name != "" {
			b.WriteByte(' ')
			if r.ResourceRef.Namespace != "" {
				b.WriteString(r.ResourceRef.Namespace)
				b.WriteByte('/')
			}
			b.WriteString(r.ResourceRef.Name)
		}
		b.WriteString(": ")
	}
	if r.Field != nil && r.Field.Path != "" {
		b.WriteString(r.Field.Path)
		b.WriteString(": ")
	}
	b.WriteString(strings.ReplaceAll(r.Message, "\n", " "))
	if rule := r.Tags["rule"]; rule != "" {
		fmt.Fprintf(&b, " [%s]", rule)
	}
	return b.String()
}
