package transform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// checkMetadata applies the API server's checks of metadata that every
// object gets, whatever its kind, and reports whether any failed. The
// annotations the orchestrator adds to track items are left out: kustomize
// and kpt remove them before anything is applied.
func (p *pipeline) checkMetadata(n *yaml.RNode, ref results.Ref) bool {
	anns := n.GetAnnotations()
	maps.DeleteFunc(anns, func(k, _ string) bool { return input.IsOrchestratorAnnotation(k) })
	errs := apivalidation.ValidateAnnotations(anns, field.NewPath("metadata", "annotations"))
	for _, e := range errs {
		var msg string
		if e.Type == field.ErrorTypeTooLong {
			msg = fmt.Sprintf("the annotations of %s %s total %d bytes (keys and values), over the API server's limit of %d bytes (256 KiB); move large content to a ConfigMap",
				ref.Kind, ref.Name, totalSize(anns), apivalidation.TotalAnnotationSizeLimitB)
		} else {
			msg = fmt.Sprintf("annotation key %q is invalid: %s", input.Printable(fmt.Sprint(e.BadValue)), e.Detail)
		}
		p.report(ref, results.Finding{Severity: results.Error, Rule: results.AnnotationsInvalid, Field: e.Field, Message: msg + "; the API server refuses the object"})
	}
	return len(errs) > 0
}

func totalSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

// otherToolHiveKinds are kinds of the ToolHive group that a render does not
// read (their CRDs ship with the operator), so they pass without a word.
var otherToolHiveKinds = []string{"MCPRegistry", "MCPWebhookConfig"}

// nearMiss warns about an object that looks meant for ToolHive but that the
// function does not read: a version the CRDs do not serve, a kind of the
// group spelt otherwise, or a known kind in another group. It would render
// nothing without a word.
func (p *pipeline) nearMiss(n *yaml.RNode, ref results.Ref) {
	apiVersion, kind := n.GetApiVersion(), n.GetKind()
	group, version, _ := strings.Cut(apiVersion, "/")
	known := append(toolhive.Kinds(), otherToolHiveKinds...)
	suggestKind := closest(kind, known)
	served := toolhive.Group + "/" + toolhive.VersionV1Beta1
	var f results.Finding
	switch {
	case group == toolhive.Group && version != toolhive.VersionV1Beta1 && version != toolhive.VersionV1Alpha1:
		f = results.Finding{Field: "apiVersion", CurrentValue: apiVersion, ProposedValue: served,
			Message: fmt.Sprintf("apiVersion %s is not served by the ToolHive CRDs (%s, deprecated %s/%s); this object is not read: use %s",
				input.Printable(apiVersion), served, toolhive.Group, toolhive.VersionV1Alpha1, served)}
	case group == toolhive.Group && !slices.Contains(known, kind):
		f = results.Finding{Field: "kind", CurrentValue: kind,
			Message: fmt.Sprintf("kind %s is not a kind of %s; this object is not read", input.Printable(kind), toolhive.Group)}
		if suggestKind != "" {
			f.ProposedValue = suggestKind
			f.Message += "; did you mean " + suggestKind + "?"
		}
	case group != toolhive.Group && strings.Contains(strings.ToLower(group), "toolhive") && suggestKind != "":
		f = results.Finding{Field: "apiVersion", CurrentValue: apiVersion, ProposedValue: served,
			Message: fmt.Sprintf("%s is a ToolHive kind, but apiVersion %s is not of group %s; this object is not read: use %s",
				suggestKind, input.Printable(apiVersion), toolhive.Group, served)}
	default:
		return
	}
	f.Severity, f.Rule = results.Warning, results.UnknownKind
	p.report(ref, f)
}

// closest returns the known kind s is most likely a misspelling of: equal
// but for case, or within a small edit distance; "" when none is close.
func closest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if strings.EqualFold(s, k) {
			return k
		}
		if d := distance(strings.ToLower(s), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance, bounded: long inputs are not
// compared (a kind is short).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
