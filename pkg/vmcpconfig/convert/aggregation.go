package convert

import (
	"fmt"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

const defaultPrefixFormat = "{workload}_"

// aggregation copies spec.config.aggregation field by field and merges the
// referenced MCPToolConfigs (cmd/thv-operator/pkg/vmcpconfig/converter.go).
func (c *converter) aggregation(in *vmcpconfig.AggregationConfig) (*vmcpconfig.AggregationConfig, bool) {
	if in == nil {
		return &vmcpconfig.AggregationConfig{
			ConflictResolution:       "prefix",
			ConflictResolutionConfig: &vmcpconfig.ConflictResolutionConfig{PrefixFormat: defaultPrefixFormat},
		}, true
	}
	out := &vmcpconfig.AggregationConfig{
		ConflictResolution:    in.ConflictResolution,
		ExcludeAllTools:       in.ExcludeAllTools,
		DefaultToolVisibility: in.DefaultToolVisibility,
	}
	if out.ConflictResolution == "" {
		out.ConflictResolution = "prefix"
	}
	switch {
	case in.ConflictResolutionConfig != nil:
		out.ConflictResolutionConfig = &vmcpconfig.ConflictResolutionConfig{
			PrefixFormat:  in.ConflictResolutionConfig.PrefixFormat,
			PriorityOrder: cloneStrings(in.ConflictResolutionConfig.PriorityOrder),
		}
	case out.ConflictResolution == "prefix":
		out.ConflictResolutionConfig = &vmcpconfig.ConflictResolutionConfig{PrefixFormat: defaultPrefixFormat}
	default:
		out.ConflictResolutionConfig = &vmcpconfig.ConflictResolutionConfig{}
	}
	for i, t := range in.Tools {
		if t == nil {
			continue
		}
		wt := &vmcpconfig.WorkloadToolConfig{Workload: t.Workload, Filter: cloneStrings(t.Filter), ExcludeAll: t.ExcludeAll}
		for name, o := range t.Overrides {
			if o == nil {
				continue
			}
			if wt.Overrides == nil {
				wt.Overrides = map[string]*vmcpconfig.ToolOverride{}
			}
			cp := *o
			wt.Overrides[name] = &cp
		}
		if t.ToolConfigRef != nil {
			if !c.mergeToolConfig(wt, t.ToolConfigRef.Name, i) {
				return nil, false
			}
		}
		out.Tools = append(out.Tools, wt)
	}
	return out, true
}

// mergeToolConfig merges an MCPToolConfig: the inline filter wins when set,
// inline overrides win per tool (the CRD docs say the inline fields are
// ignored; the operator merges).
func (c *converter) mergeToolConfig(wt *vmcpconfig.WorkloadToolConfig, name string, i int) bool {
	e, ok := c.s.Object(toolhive.KindMCPToolConfig, name)
	if !ok || e.Invalid {
		why := resolve.NotFound(toolhive.KindMCPToolConfig, name) + c.s.WrongKindHint(toolhive.KindMCPToolConfig, name)
		if ok {
			why = "it is invalid; see its own error results"
		}
		c.fail(results.Finding{Field: fmt.Sprintf("spec.config.aggregation.tools[%d].toolConfigRef.name", i), CurrentValue: name, Rule: results.ToolConfigNotFound,
			Message: convertPrefix + fmt.Sprintf("failed to convert aggregation config: MCPToolConfig resolution failed for %q: failed to get MCPToolConfig %s/%s: %s", name, c.s.Namespace, name, why)})
		return false
	}
	tc := e.Obj.(*toolhive.MCPToolConfig)
	if len(wt.Filter) == 0 {
		wt.Filter = cloneStrings(tc.Spec.ToolsFilter)
	}
	for tool, o := range tc.Spec.ToolsOverride {
		if _, inline := wt.Overrides[tool]; inline {
			continue
		}
		if wt.Overrides == nil {
			wt.Overrides = map[string]*vmcpconfig.ToolOverride{}
		}
		ov := &vmcpconfig.ToolOverride{Name: o.Name, Description: o.Description}
		if a := o.Annotations; a != nil {
			ov.Annotations = &vmcpconfig.ToolAnnotationsOverride{
				Title: a.Title, ReadOnlyHint: a.ReadOnlyHint, DestructiveHint: a.DestructiveHint,
				IdempotentHint: a.IdempotentHint, OpenWorldHint: a.OpenWorldHint,
			}
		}
		wt.Overrides[tool] = ov
	}
	return true
}

// compositeTools appends the referenced definitions to the inline tools and
// rejects duplicate names across both, as the converter does.
func (c *converter) compositeTools(inline []vmcpconfig.CompositeToolConfig, refs []vmcpconfig.CompositeToolRef) ([]vmcpconfig.CompositeToolConfig, bool) {
	out := append([]vmcpconfig.CompositeToolConfig(nil), inline...)
	for i, r := range refs {
		e, ok := c.s.Object(toolhive.KindVirtualMCPCompositeToolDefinition, r.Name)
		field := fmt.Sprintf("spec.config.compositeToolRefs[%d].name", i)
		if !ok {
			c.fail(results.Finding{Field: field, CurrentValue: r.Name, Rule: results.CompositeToolRefNotFound,
				ConditionType: "CompositeToolRefsValidated", Reason: "CompositeToolRefNotFound",
				Message: fmt.Sprintf("Referenced VirtualMCPCompositeToolDefinition %s not found; add it to the input or remove the reference", r.Name) + c.s.WrongKindHint(toolhive.KindVirtualMCPCompositeToolDefinition, r.Name)})
			return nil, false
		}
		d := e.Obj.(*toolhive.VirtualMCPCompositeToolDefinition)
		if e.Invalid || d.Status.ValidationStatus == "Invalid" {
			msg := fmt.Sprintf("Referenced VirtualMCPCompositeToolDefinition %s is invalid", r.Name)
			if len(d.Status.ValidationErrors) > 0 {
				msg += ": " + joinSemicolon(d.Status.ValidationErrors)
			}
			c.fail(results.Finding{Field: field, CurrentValue: r.Name, Rule: results.CompositeToolRefInvalid,
				ConditionType: "CompositeToolRefsValidated", Reason: "CompositeToolRefInvalid", Message: msg})
			return nil, false
		}
		if d.Status.ValidationStatus == "" {
			// The operator has no controller for definitions (v0.62.0 and
			// v0.63.0), so it copies one without status as it is; vMCP
			// checks it at start.
			if errs := vmcpconfig.ValidateCompositeTool("spec", &d.Spec); len(errs) > 0 {
				c.warn(results.Finding{Field: field, CurrentValue: r.Name, Rule: results.CompositeToolRefRejectedAtStart,
					Message: fmt.Sprintf("VirtualMCPCompositeToolDefinition %s is rendered as the operator renders it, but vMCP %s refuses it at start (the pod crash-loops): %s; fix the definition", r.Name, c.spec.Release().Version, joinSemicolon(errs))})
			}
		}
		out = append(out, d.Spec)
	}
	seen := map[string]bool{}
	for _, t := range out {
		if seen[t.Name] {
			c.fail(results.Finding{Field: "spec.config.compositeToolRefs", CurrentValue: t.Name, Rule: results.CompositeToolDuplicate,
				Message: convertPrefix + fmt.Sprintf("failed to convert composite tools: invalid composite tools: duplicate composite tool name: %q; rename the inline tool or drop the reference", t.Name)})
			return nil, false
		}
		seen[t.Name] = true
	}
	if len(out) == 0 {
		return nil, true
	}
	return out, true
}

func joinSemicolon(s []string) string {
	out := ""
	for i, e := range s {
		if i > 0 {
			out += "; "
		}
		out += e
	}
	return out
}
