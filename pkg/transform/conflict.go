package transform

import (
	"fmt"
	"reflect"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
)

// conflicts returns a finding for every input item that has the identity of
// one of the objects generated for s but is not recognisably an earlier
// output for s. Such an item is the user's own object: replacing it would
// lose it silently, and applying both would have one overwrite the other.
//
// file is where this render writes the generated objects.
func (p *pipeline) conflicts(s *server, generated []*yaml.RNode, file string) []results.Finding {
	var out []results.Finding
	for _, g := range generated {
		id := identity(g)
		if where, ok := p.nested[id]; ok {
			out = append(out, results.Finding{Severity: results.Error, Rule: results.ObjectConflict, Field: "metadata.name", CurrentValue: s.vmcp.Name,
				Message: fmt.Sprintf("the %s %s/%s this VirtualMCPServer renders is already in the input, inside a List (%s), where it cannot be replaced; remove it from the List or rename the VirtualMCPServer",
					g.GetKind(), g.GetNamespace(), g.GetName(), where)})
			continue
		}
		idx := p.inputs[id]
		if len(idx) == 0 {
			continue
		}
		i := idx[0]
		item := p.items[i]
		if len(idx) > 1 {
			// Which one an earlier output is, is ambiguous: fail closed.
			ref := results.RefOf(item)
			out = append(out, results.Finding{Severity: results.Error, Rule: results.ObjectConflict, Field: "metadata.name", CurrentValue: s.vmcp.Name,
				Message: fmt.Sprintf("the %s %s/%s this VirtualMCPServer renders is in the input %d times (first %s); keep at most one, an earlier output of this function",
					g.GetKind(), g.GetNamespace(), g.GetName(), len(idx), whereItem(ref, i))})
			continue
		}
		if previousOutput(s, item, g, file) {
			continue
		}
		ref := results.RefOf(item)
		out = append(out, results.Finding{Severity: results.Error, Rule: results.ObjectConflict, Field: "metadata.name", CurrentValue: s.vmcp.Name,
			Message: fmt.Sprintf("the %s %s/%s this VirtualMCPServer renders would replace the input's own %s %s/%s (%s), which is not an earlier output of this function for it; rename the VirtualMCPServer or that object",
				g.GetKind(), g.GetNamespace(), g.GetName(), input.Printable(ref.Kind), input.Printable(namespaceOrDefault(ref.Namespace)), input.Printable(ref.Name), whereItem(ref, i))})
	}
	return out
}

// previousOutput reports whether item is an earlier output for s that a new
// render may replace: it sits in the file this function writes for s (kpt
// keeps that path), or it carries the labels the operator puts on that
// object for s, or, for the unlabelled ServiceAccount, Role and RoleBinding,
// it is what the operator creates apart from what the spec changes (pull
// secrets, the Role's rules for the outgoing source).
func previousOutput(s *server, item, g *yaml.RNode, file string) bool {
	if input.Malformed(item) != nil {
		return false // never ours; and kyaml's accessors would fail on it
	}
	if f := input.Describe(item).File; f != "" && f == file {
		return true
	}
	kind := g.GetKind()
	switch kind {
	case "ServiceAccount":
		return sameApartFrom(item, g, "imagePullSecrets")
	case "Role":
		return sameApartFrom(item, g, "rules") && operatorRules(item)
	case "RoleBinding":
		return sameApartFrom(item, g)
	}
	return workload.HasOperatorLabels(kind, s.vmcp.Name, item.GetLabels())
}

// sameApartFrom compares two objects without the orchestrator's annotations
// and the top-level fields named.
func sameApartFrom(a, b *yaml.RNode, fields ...string) bool {
	ma, mb := plainObject(a, fields), plainObject(b, fields)
	return ma != nil && mb != nil && reflect.DeepEqual(ma, mb)
}

// plainObject is n as a map, without the fields named and the
// orchestrator's annotations, its namespace defaulted.
func plainObject(n *yaml.RNode, fields []string) map[string]any {
	m, err := n.Map()
	if err != nil {
		return nil
	}
	for _, f := range fields {
		delete(m, f)
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		if anns, ok := md["annotations"].(map[string]any); ok {
			for k := range anns {
				if input.IsOrchestratorAnnotation(k) {
					delete(anns, k)
				}
			}
			if len(anns) == 0 {
				delete(md, "annotations")
			}
		}
		ns, _ := md["namespace"].(string)
		md["namespace"] = namespaceOrDefault(ns)
	}
	return m
}

// operatorRules: the Role's rules are one of the operator's rule sets.
func operatorRules(role *yaml.RNode) bool {
	r, err := role.Pipe(yaml.Lookup("rules"))
	if err != nil || r == nil {
		return false
	}
	s, err := r.String()
	if err != nil {
		return false
	}
	var rules []rbacv1.PolicyRule
	if err := sigsyaml.UnmarshalStrict([]byte(s), &rules); err != nil {
		return false
	}
	for _, want := range workload.RoleRules() {
		if reflect.DeepEqual(rules, want) {
			return true
		}
	}
	return false
}

// whereItem names where an input item is: its file, else its position.
func whereItem(ref results.Ref, i int) string {
	if ref.File != "" {
		return where(ref)
	}
	return fmt.Sprintf("items[%d]", i)
}
