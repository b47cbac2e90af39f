package vmcpconfig

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/xeipuuv/gojsonschema"
)

// This file is vMCP's ValidateCompositeToolConfig (pkg/vmcp/config,
// v0.62.0), which the operator runs on every inline composite tool in
// VirtualMCPServer.Validate(). The messages are upstream's, word for
// word. Upstream collects the tool-level problems (name, description, steps,
// timeout, parameters, steps, defaultResults) but stops at the first problem
// inside the parameters and inside the steps. Where upstream iterates a Go map
// (arguments, output properties, template references, the cycle search) the
// first offender is random; we take sorted or declaration order instead.

const (
	stepTypeTool        = "tool"
	stepTypeElicitation = "elicitation"
	stepTypeForEach     = "forEach"

	// Hard caps of forEach steps.
	maxForEachParallel   = 50
	maxForEachIterations = 1000
)

var (
	toolReferenceRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)
	goIdentifierRe  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// ValidateCompositeTool checks a composite tool definition the way vMCP's
// ValidateCompositeToolConfig does. It returns the problems that upstream
// joins into "validation failed: <e1>; <e2>…", or nil when the tool is valid.
func ValidateCompositeTool(path string, t *CompositeToolConfig) []string {
	var errs []string
	add := func(msg string) {
		if msg != "" {
			errs = append(errs, msg)
		}
	}
	if t.Name == "" {
		add(path + ".name is required")
	}
	if t.Description == "" {
		add(path + ".description is required")
	}
	if len(t.Steps) == 0 {
		add(path + ".steps must have at least one step")
	}
	if t.Timeout < 0 {
		add(path + ".timeout cannot be negative")
	}
	add(validateParameters(path, t.Parameters))
	if len(t.Steps) > 0 {
		add(validateWorkflowSteps(path+".steps", t.Steps))
		add(validateDefaultResults(path+".steps", t.Steps, t.Output))
	}
	return errs
}

// validateParameters requires a JSON Schema of type object that compiles.
func validateParameters(path string, params JSONMap) string {
	if len(params) == 0 {
		return ""
	}
	typ, ok := params["type"]
	if !ok {
		return path + ".parameters: must have 'type' field (should be 'object' for JSON Schema)"
	}
	s, ok := typ.(string)
	if !ok {
		return path + ".parameters: 'type' field must be a string"
	}
	if s != "object" {
		return fmt.Sprintf("%s.parameters: 'type' must be 'object' (got '%s')", path, s)
	}
	if err := jsonSchemaError(params); err != nil {
		// Upstream wraps the compiler error twice.
		return fmt.Sprintf("%s.parameters: invalid JSON Schema: invalid JSON Schema: %v", path, err)
	}
	return ""
}

// validateWorkflowSteps: ids first, then each step, then cycles.
func validateWorkflowSteps(path string, steps []WorkflowStepConfig) string {
	ids := map[string]bool{}
	for i, s := range steps {
		if s.ID == "" {
			return fmt.Sprintf("%s[%d].id is required", path, i)
		}
		if ids[s.ID] {
			return fmt.Sprintf("%s[%d].id %q is duplicated", path, i, s.ID)
		}
		ids[s.ID] = true
	}
	for i := range steps {
		if msg := validateWorkflowStep(path, i, &steps[i], ids); msg != "" {
			return msg
		}
	}
	if id := dependencyCycle(steps); id != "" {
		return fmt.Sprintf("%s: dependency cycle detected involving step %q", path, id)
	}
	return ""
}

func validateWorkflowStep(path string, i int, s *WorkflowStepConfig, ids map[string]bool) string {
	if msg := validateStepType(path, i, s); msg != "" {
		return msg
	}
	if msg := validateStepTemplates(path, i, s); msg != "" {
		return msg
	}
	for _, d := range s.DependsOn {
		if !ids[d] {
			return fmt.Sprintf("%s[%d].dependsOn references unknown step %q", path, i, d)
		}
	}
	if e := s.OnError; e != nil && e.Action != "" {
		switch e.Action {
		case "abort", "continue", "retry":
		default:
			return fmt.Sprintf("%s[%d].onError.action must be one of: abort, continue, retry", path, i)
		}
		if e.Action == "retry" && e.RetryCount < 1 {
			return fmt.Sprintf("%s[%d].onError.retryCount must be at least 1 when action is retry", path, i)
		}
	}
	if stepType(s.Type) == stepTypeElicitation {
		if msg := validateElicitationHandler(path, i, "onDecline", s.OnDecline); msg != "" {
			return msg
		}
		if msg := validateElicitationHandler(path, i, "onCancel", s.OnCancel); msg != "" {
			return msg
		}
	}
	return ""
}

// stepType applies the default: a step without a type is a tool call.
func stepType(t string) string {
	if t == "" {
		return stepTypeTool
	}
	return t
}

func validateStepType(path string, i int, s *WorkflowStepConfig) string {
	// Only reachable without the CRD default (type: tool), e.g. in the vmcp binary.
	if s.Type == "" && s.Tool != "" && s.Message != "" {
		return fmt.Sprintf("%s[%d] cannot have both tool and message fields - use explicit type to clarify intent", path, i)
	}
	switch stepType(s.Type) {
	case stepTypeTool:
		if s.Tool == "" {
			return fmt.Sprintf("%s[%d].tool is required when type is tool", path, i)
		}
		if !toolReferenceRe.MatchString(s.Tool) {
			return fmt.Sprintf("%s[%d].tool must be a valid tool name", path, i)
		}
	case stepTypeElicitation:
		if s.Message == "" {
			return fmt.Sprintf("%s[%d].message is required when type is elicitation", path, i)
		}
	case stepTypeForEach:
		return validateForEachStep(path, i, s)
	default:
		return fmt.Sprintf("%s[%d].type must be one of: tool, elicitation, forEach", path, i)
	}
	return ""
}

func validateForEachStep(path string, i int, s *WorkflowStepConfig) string {
	switch {
	case s.Tool != "":
		return fmt.Sprintf("%s[%d]: forEach step must not have 'tool' field", path, i)
	case s.Message != "":
		return fmt.Sprintf("%s[%d]: forEach step must not have 'message' field", path, i)
	case s.Collection == "":
		return fmt.Sprintf("%s[%d].collection is required for forEach steps", path, i)
	}
	if err := validateTemplate(s.Collection); err != nil {
		return fmt.Sprintf("%s[%d].collection: invalid template: %v", path, i, err)
	}
	in := s.Step
	if in == nil {
		return fmt.Sprintf("%s[%d].step is required for forEach steps", path, i)
	}
	// The inner step is schemaless in the CRD, so it gets no type default.
	if t := stepType(in.Type); t != stepTypeTool {
		return fmt.Sprintf("%s[%d].step.type must be 'tool' (got %q); only tool inner steps are supported", path, i, t)
	}
	if in.Tool == "" {
		return fmt.Sprintf("%s[%d].step.tool is required for tool inner steps", path, i)
	}
	if !toolReferenceRe.MatchString(in.Tool) {
		return fmt.Sprintf("%s[%d].step.tool must be a valid tool name", path, i)
	}
	if k, err := invalidArgument(in.Arguments); err != nil {
		return fmt.Sprintf("%s[%d].step.arguments[%s]: invalid template: %v", path, i, k, err)
	}
	if s.ItemVar != "" {
		if !goIdentifierRe.MatchString(s.ItemVar) {
			return fmt.Sprintf("%s[%d].itemVar must be a valid Go identifier (got %q)", path, i, s.ItemVar)
		}
		if s.ItemVar == "index" {
			return fmt.Sprintf("%s[%d].itemVar cannot be 'index' (reserved)", path, i)
		}
	}
	switch {
	case s.MaxParallel < 0:
		return fmt.Sprintf("%s[%d].maxParallel must be non-negative", path, i)
	case s.MaxParallel > maxForEachParallel:
		return fmt.Sprintf("%s[%d].maxParallel must be <= %d (got %d)", path, i, maxForEachParallel, s.MaxParallel)
	case s.MaxIterations < 0:
		return fmt.Sprintf("%s[%d].maxIterations must be non-negative", path, i)
	case s.MaxIterations > maxForEachIterations:
		return fmt.Sprintf("%s[%d].maxIterations must be <= %d (got %d)", path, i, maxForEachIterations, s.MaxIterations)
	}
	return ""
}

// invalidArgument returns the first string argument (in key order) that is
// not a valid template. Non-string arguments are passed through untouched.
func invalidArgument(args JSONMap) (string, error) {
	for _, k := range slices.Sorted(maps.Keys(args)) {
		if s, ok := args[k].(string); ok {
			if err := validateTemplate(s); err != nil {
				return k, err
			}
		}
	}
	return "", nil
}

func validateStepTemplates(path string, i int, s *WorkflowStepConfig) string {
	if k, err := invalidArgument(s.Arguments); err != nil {
		return fmt.Sprintf("%s[%d].arguments[%s]: invalid template: %v", path, i, k, err)
	}
	if s.Condition != "" {
		if err := validateTemplate(s.Condition); err != nil {
			return fmt.Sprintf("%s[%d].condition: invalid template: %v", path, i, err)
		}
	}
	if s.Message != "" {
		if err := validateTemplate(s.Message); err != nil {
			return fmt.Sprintf("%s[%d].message: invalid template: %v", path, i, err)
		}
	}
	// Checked for any step type, not only elicitation.
	if len(s.Schema) > 0 {
		if err := jsonSchemaError(s.Schema); err != nil {
			return fmt.Sprintf("%s[%d].schema: invalid JSON Schema: invalid JSON Schema: %v", path, i, err)
		}
	}
	return ""
}

func validateElicitationHandler(path string, i int, name string, h *ElicitationResponseConfig) string {
	if h == nil {
		return ""
	}
	switch h.Action {
	case "":
		// The CRD defaults the action to abort, so this needs a raw config.
		return fmt.Sprintf("%s[%d].%s.action is required", path, i, name)
	case "abort", "continue", "skip_remaining":
		return ""
	}
	return fmt.Sprintf("%s[%d].%s.action must be one of: abort, continue, skip_remaining", path, i, name)
}

// dependencyCycle returns the step whose depth-first search finds a dependsOn
// cycle, or "". Upstream starts the search from the steps in map order; we
// start from them in declaration order.
func dependencyCycle(steps []WorkflowStepConfig) string {
	deps := map[string][]string{}
	for _, s := range steps {
		deps[s.ID] = s.DependsOn
	}
	visited, onStack := map[string]bool{}, map[string]bool{}
	var cyclic func(string) bool
	cyclic = func(id string) bool {
		visited[id], onStack[id] = true, true
		for _, d := range deps[id] {
			if !visited[d] {
				if cyclic(d) {
					return true
				}
			} else if onStack[d] {
				return true
			}
		}
		onStack[id] = false
		return false
	}
	for _, s := range steps {
		if !visited[s.ID] && cyclic(s.ID) {
			return s.ID
		}
	}
	return ""
}

// stepFieldRef is a {{.steps.<step>.output.<field>}} reference.
type stepFieldRef struct{ step, field string }

// validateDefaultResults requires defaultResults[<field>] on every step that
// may be skipped (it has a condition, or onError.action continue) for each
// of its output fields that a step or the output references.
func validateDefaultResults(path string, steps []WorkflowStepConfig, out *OutputConfig) string {
	skippable := map[string]bool{}
	for _, s := range steps {
		if s.Condition != "" || (s.OnError != nil && s.OnError.Action == "continue") {
			skippable[s.ID] = true
		}
	}
	if len(skippable) == 0 {
		return ""
	}
	// Keyed by id like upstream: with duplicate ids the last step wins.
	defaults := map[string]map[string]bool{}
	for _, s := range steps {
		if skippable[s.ID] {
			fields := map[string]bool{}
			for k := range s.DefaultResults {
				fields[k] = true
			}
			defaults[s.ID] = fields
		}
	}
	missing := func(r stepFieldRef) bool {
		fields, skippable := defaults[r.step]
		return skippable && !fields[r.field]
	}
	for _, s := range steps {
		refs, err := stepRefsOfStep(&s)
		if err != nil {
			// Templates are parsed again here, so a bad one is reported twice.
			return fmt.Sprintf("failed to extract step references from step %s: %v", s.ID, err)
		}
		for _, r := range refs {
			if missing(r) {
				return fmt.Sprintf("%s[%s].defaultResults[%s] is required: step %q may be skipped and field %q is referenced by step %s",
					path, r.step, r.field, r.step, r.field, s.ID)
			}
		}
	}
	if out != nil {
		refs, err := stepRefsOfOutput(out.Properties)
		if err != nil {
			return fmt.Sprintf("failed to extract step references from output: %v", err)
		}
		for _, r := range refs {
			if missing(r) {
				return fmt.Sprintf("%s[%s].defaultResults[%s] is required: step %q may be skipped and field %q is referenced by output",
					path, r.step, r.field, r.step, r.field)
			}
		}
	}
	return ""
}

// stepRefsOfStep reads the condition, the string arguments and the message
// (not a forEach step's collection or inner step).
func stepRefsOfStep(s *WorkflowStepConfig) ([]stepFieldRef, error) {
	var refs []stepFieldRef
	if s.Condition != "" {
		r, err := stepRefsOfTemplate(s.Condition)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r...)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Arguments)) {
		if v, ok := s.Arguments[k].(string); ok {
			r, err := stepRefsOfTemplate(v)
			if err != nil {
				return nil, err
			}
			refs = append(refs, r...)
		}
	}
	if s.Message != "" {
		r, err := stepRefsOfTemplate(s.Message)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r...)
	}
	return uniqueRefs(refs), nil
}

func stepRefsOfOutput(props map[string]OutputProperty) ([]stepFieldRef, error) {
	var refs []stepFieldRef
	for _, k := range slices.Sorted(maps.Keys(props)) {
		p := props[k]
		if p.Value != "" {
			r, err := stepRefsOfTemplate(p.Value)
			if err != nil {
				return nil, err
			}
			refs = append(refs, r...)
		}
		if len(p.Properties) > 0 {
			r, err := stepRefsOfOutput(p.Properties)
			if err != nil {
				return nil, err
			}
			refs = append(refs, r...)
		}
	}
	return uniqueRefs(refs), nil
}

// stepRefsOfTemplate returns the .steps.<id>.output.<field> references of a
// template. The parse error is returned bare (template name "extract"), as
// upstream's templates.ExtractReferences does.
func stepRefsOfTemplate(s string) ([]stepFieldRef, error) {
	t, err := template.New("extract").Funcs(templateFuncs).Parse(s)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, tt := range t.Templates() {
		if tt.Root != nil {
			fieldRefs(tt.Root, seen)
		}
	}
	var refs []stepFieldRef
	for _, ref := range slices.Sorted(maps.Keys(seen)) {
		if !strings.HasPrefix(ref, ".steps.") {
			continue
		}
		parts := strings.SplitN(ref, ".", 6)
		if len(parts) >= 5 && parts[3] == "output" {
			refs = append(refs, stepFieldRef{step: parts[2], field: parts[4]})
		}
	}
	return uniqueRefs(refs), nil
}

// fieldRefs collects field paths (".a.b") the way upstream's reference
// walker does: fields and chains in actions, pipelines, if/range/with and
// template calls; variables ($x.a) are not followed.
func fieldRefs(n parse.Node, seen map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				fieldRefs(c, seen)
			}
		}
	case *parse.ActionNode:
		fieldRefs(n.Pipe, seen)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			fieldRefs(c, seen)
		}
		for _, v := range n.Decl {
			fieldRefs(v, seen)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			fieldRefs(a, seen)
		}
	case *parse.FieldNode:
		seen["."+strings.Join(n.Ident, ".")] = true
	case *parse.ChainNode:
		fieldRefs(n.Node, seen)
		if len(n.Field) > 0 {
			seen["."+strings.Join(n.Field, ".")] = true
		}
	case *parse.IfNode:
		branchRefs(&n.BranchNode, seen)
	case *parse.RangeNode:
		branchRefs(&n.BranchNode, seen)
	case *parse.WithNode:
		branchRefs(&n.BranchNode, seen)
	case *parse.TemplateNode:
		fieldRefs(n.Pipe, seen)
	}
}

// branchRefs walks what if, range and with share: the pipeline and both lists.
func branchRefs(b *parse.BranchNode, seen map[string]bool) {
	fieldRefs(b.Pipe, seen)
	fieldRefs(b.List, seen)
	if b.ElseList != nil {
		fieldRefs(b.ElseList, seen)
	}
}

func uniqueRefs(refs []stepFieldRef) []stepFieldRef {
	seen := map[stepFieldRef]bool{}
	out := make([]stepFieldRef, 0, len(refs))
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// templateFuncs names the functions vMCP adds to text/template (json, quote,
// fromJson): parsing only checks that a called function exists, so the
// bodies here are placeholders.
var templateFuncs = template.FuncMap{
	"json":     func(v any) (string, error) { return "", nil },
	"quote":    func(s string) string { return s },
	"fromJson": func(s string) (any, error) { return nil, nil },
}

// validateTemplate parses like upstream's ValidateTemplate (template name
// "validation", same functions).
func validateTemplate(s string) error {
	if _, err := template.New("validation").Funcs(templateFuncs).Parse(s); err != nil {
		return fmt.Errorf("invalid template syntax: %w", err)
	}
	return nil
}

// jsonSchemaError compiles schema with gojsonschema, the library (and
// version) the operator uses, by validating {} against it; nil means the
// operator accepts it. A schema that refers to another document ($ref to an
// http or file URL) is accepted unread: the operator would fetch it, a
// function must not reach the network or the disk.
func jsonSchemaError(schema map[string]any) (err error) {
	if hasRemoteRef(schema) {
		return nil
	}
	b, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	defer func() {
		// gojsonschema v1.2.0 panics on a few malformed schemas; so would
		// the operator's reconcile.
		if r := recover(); r != nil {
			err = fmt.Errorf("the schema makes the operator's JSON Schema compiler panic (%v); fix the schema", r)
		}
	}()
	_, err = gojsonschema.Validate(gojsonschema.NewBytesLoader(b), gojsonschema.NewStringLoader("{}"))
	return err
}

// hasRemoteRef reports a $ref anywhere in v that names another document.
func hasRemoteRef(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if ref, ok := e.(string); ok && k == "$ref" {
				if u, err := url.Parse(ref); err == nil && u.Scheme != "" {
					return true
				}
			}
			if hasRemoteRef(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasRemoteRef(e) {
				return true
			}
		}
	}
	return false
}
