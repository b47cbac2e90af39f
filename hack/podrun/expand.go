package main

import (
	"fmt"

	"sigs.k8s.io/kustomize/api/filters/refvar"
)

// expandRefs applies Kubernetes' $(NAME) substitution, used for env values,
// command, args and subPathExpr: "$(NAME)" becomes the value when lookup
// knows NAME and stays as written when it does not; "$$" is a literal "$";
// a "$" before anything else, or an unclosed "$(", is kept as is. kustomize
// carries the kubelet's expansion as refvar.DoReplacements.
func expandRefs(s string, lookup func(string) (string, bool)) string {
	out := refvar.DoReplacements(s, func(name string) any {
		if v, ok := lookup(name); ok {
			return v
		}
		return "$(" + name + ")"
	})
	return fmt.Sprint(out)
}

// orderedEnv is an environment that keeps first-definition order and lets
// a later definition replace an earlier value in place.
type orderedEnv struct {
	names  []string
	values map[string]string
}

func newOrderedEnv() *orderedEnv { return &orderedEnv{values: map[string]string{}} }

func (e *orderedEnv) set(name, value string) {
	if _, ok := e.values[name]; !ok {
		e.names = append(e.names, name)
	}
	e.values[name] = value
}

func (e *orderedEnv) get(name string) (string, bool) {
	v, ok := e.values[name]
	return v, ok
}

func (e *orderedEnv) list() []string {
	out := make([]string, 0, len(e.names))
	for _, n := range e.names {
		out = append(out, n+"="+e.values[n])
	}
	return out
}
