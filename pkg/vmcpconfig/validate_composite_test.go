package vmcpconfig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

const inline0 = "spec.config.compositeTools[0]"

// compositeTool decodes a CompositeToolConfig from YAML the way the pipeline
// does (YAML to JSON, numbers as float64).
func compositeTool(t *testing.T, doc string) CompositeToolConfig {
	t.Helper()
	var ct CompositeToolConfig
	require.NoError(t, yaml.Unmarshal([]byte(doc), &ct))
	return ct
}

// withSteps is a valid tool around the given steps (YAML list items).
func withSteps(steps string) string {
	return "name: t\ndescription: d\nsteps:\n" + steps
}

// withParams is a valid one-step tool with the given parameters (YAML flow).
func withParams(params string) string {
	return withSteps("- {id: a, type: tool, tool: w.t}") + "\nparameters: " + params
}

// schemaErr is the message upstream builds for a parameters schema that
// gojsonschema refuses.
func schemaErr(e string) string {
	return "validation failed: " + inline0 + ".parameters: invalid JSON Schema: invalid JSON Schema: " + e
}

// The expected messages were checked against v0.62.0's
// ValidateCompositeToolConfig (with gojsonschema v1.2.0) on the same input.
func TestValidateCompositeTool(t *testing.T) {
	cases := map[string]struct {
		reason string
		path   string // default inline0
		tool   string
		// want is the whole message ("" = valid); contains a distinctive part.
		want, contains string
	}{
		// --- valid tools ------------------------------------------------
		"valid-golden-pub-10": {
			reason: "the tools of golden pub-10 pass",
			tool: `
name: triage_incident
description: Fetch the alert, look up the owning service and open a ticket
timeout: 5m
parameters: {type: object, properties: {alert_id: {type: string, description: id}}, required: [alert_id]}
steps:
- {id: alert, type: tool, tool: pagerduty__get_alert, arguments: {id: "{{.params.alert_id}}"}}
- {id: owner, type: tool, tool: catalog__lookup_service, arguments: {service: "{{.steps.alert.output.service}}"}, dependsOn: [alert]}
- id: ticket
  type: tool
  tool: jira__create_issue
  arguments: {project: OPS, summary: "Incident {{.params.alert_id}} for {{.steps.owner.output.team}}"}
  dependsOn: [owner]
  onError: {action: retry, retryCount: 2, retryDelay: 10s}
`,
		},
		"valid-elicitation-condition": {
			reason: "a condition on .steps.<id>.content (not .output) needs no defaultResults",
			tool: withSteps(`
- {id: confirm, type: elicitation, message: "Roll back {{.params.deployment}}?", schema: {type: object, properties: {confirmed: {type: boolean}}, required: [confirmed]}, timeout: 2m, onDecline: {action: skip_remaining}, onCancel: {action: abort}}
- {id: rollback, type: tool, tool: argocd__rollback, arguments: {app: "{{.params.deployment}}"}, condition: "{{.steps.confirm.content.confirmed}}", dependsOn: [confirm]}
`),
		},
		"valid-template-funcs": {
			reason: "json, quote and fromJson are the functions vMCP adds to templates",
			tool:   withSteps(`- {id: a, type: tool, tool: w.t, arguments: {x: "{{ .params.x | json }}", y: "{{ quote .params.y }}", z: "{{ (fromJson .params.z).a }}", n: 5, nested: {k: "{{ not parsed"}}}`),
		},
		"valid-foreach": {
			reason: "forEach at its limits, with a tool inner step without type",
			tool:   withSteps(`- {id: each, type: forEach, collection: "{{ .params.repos }}", itemVar: repo, maxParallel: 50, maxIterations: 1000, step: {tool: github.get_repo, arguments: {name: "{{ .repo }}"}}}`),
		},
		"valid-default-results": {
			reason: "a skippable step with defaults for the fields others read",
			tool: withSteps(`
- {id: a, type: tool, tool: w.t, condition: "{{ .params.go }}", defaultResults: {text: ""}}
- {id: b, type: tool, tool: w.t, onError: {action: continue}, defaultResults: {count: 0}}
- {id: c, type: tool, tool: w.t, arguments: {v: "{{ .steps.a.output.text }}", w: "{{ .steps.b.output.count }}"}, dependsOn: [a, b]}
`),
		},
		"valid-diamond": {
			reason: "shared dependencies are not a cycle",
			tool:   withSteps("- {id: a, type: tool, tool: w.t}\n- {id: b, type: tool, tool: w.t, dependsOn: [a]}\n- {id: c, type: tool, tool: w.t, dependsOn: [a, b]}"),
		},
		"valid-schema-refs": {
			reason: "local $ref into definitions resolves",
			tool:   withParams(`{type: object, properties: {a: {$ref: "#/definitions/x"}, b: {$ref: "#"}}, definitions: {x: {type: string, minLength: 1.0}}}`),
		},
		"valid-schema-remote-ref": {
			reason: "a $ref to another document is accepted unread: the operator would fetch it, an offline function never does",
			tool:   withParams(`{type: object, properties: {a: {$ref: "https://schemas.example.com/a.json"}, b: {items: [{$ref: "file:///etc/b.json"}]}}}`),
		},
		"valid-empty-parameters": {
			reason: "an empty parameters map is skipped",
			tool:   withParams(`{}`),
		},
		"valid-on-error-without-action": {
			reason: "onError without action defaults to abort",
			tool:   withSteps("- {id: a, type: tool, tool: w.t, onError: {}}"),
		},

		// --- tool level: problems are collected ----------------------------
		"required-fields": {
			reason: "name, description and steps are collected into one message",
			tool:   "name: ''\nsteps: []",
			want:   "validation failed: " + inline0 + ".name is required; " + inline0 + ".description is required; " + inline0 + ".steps must have at least one step",
		},
		"negative-timeout": {
			reason: "a negative workflow timeout",
			tool:   withSteps("- {id: a, type: tool, tool: w.t}") + "\ntimeout: -1s",
			want:   "validation failed: " + inline0 + ".timeout cannot be negative",
		},
		"definition-prefix": {
			reason: "a VirtualMCPCompositeToolDefinition is validated with the prefix spec",
			path:   "spec",
			tool:   "name: t\nsteps: [{id: a, type: tool, tool: w.t}]",
			want:   "validation failed: spec.description is required",
		},
		"collected-across-stages": {
			reason: "the first step problem and the defaultResults problem are both reported",
			tool:   withSteps("- {id: a, type: tool, tool: bad tool, onError: {action: continue}}\n- {id: b, type: tool, tool: w.t, arguments: {v: '{{ .steps.a.output.z }}'}}"),
			want: "validation failed: " + inline0 + ".steps[0].tool must be a valid tool name; " +
				inline0 + `.steps[a].defaultResults[z] is required: step "a" may be skipped and field "z" is referenced by step b`,
		},

		// --- parameters -----------------------------------------------
		"params-no-type":    {reason: "parameters without type", tool: withParams(`{properties: {}}`), want: "validation failed: " + inline0 + ".parameters: must have 'type' field (should be 'object' for JSON Schema)"},
		"params-type-int":   {reason: "type that is not a string", tool: withParams(`{type: 1}`), want: "validation failed: " + inline0 + ".parameters: 'type' field must be a string"},
		"params-type-array": {reason: "type other than object", tool: withParams(`{type: array}`), want: "validation failed: " + inline0 + ".parameters: 'type' must be 'object' (got 'array')"},
		"params-bad-type": {
			reason: "a property with an unknown JSON type",
			tool:   withParams(`{type: object, properties: {a: {type: text}}}`),
			want:   schemaErr("has a primitive type that is NOT VALID -- given: /text/ Expected valid values are:[array boolean integer number null object string]"),
		},
		"params-dup-type":          {reason: "a type list with a repeat", tool: withParams(`{type: object, properties: {a: {type: [string, string]}}}`), want: schemaErr("string type is duplicated")},
		"params-type-object":       {reason: "type that is neither a string nor a list", tool: withParams(`{type: object, properties: {a: {type: {}}}}`), want: schemaErr("Invalid type. Expected: string/array of strings, given: type")},
		"params-properties-string": {reason: "properties that is not an object", tool: withParams(`{type: object, properties: x}`), want: schemaErr("properties must be of type object")},
		"params-property-string":   {reason: "a property schema that is a string", tool: withParams(`{type: object, properties: {a: x}}`), want: schemaErr("Expected: valid schema, given: Invalid JSON")},
		"params-required-string":   {reason: "required that is not a list", tool: withParams(`{type: object, required: a}`), want: schemaErr("required must be of an array")},
		"params-required-dup":      {reason: "required with a repeat", tool: withParams(`{type: object, required: [a, a]}`), want: schemaErr("required items must be unique")},
		"params-required-number":   {reason: "required with a number", tool: withParams(`{type: object, required: [1]}`), want: schemaErr("required items must be string")},
		"params-min-length":        {reason: "negative minLength", tool: withParams(`{type: object, properties: {a: {type: string, minLength: -1}}}`), want: schemaErr("minLength must be greater than or equal to 0")},
		"params-min-length-float":  {reason: "fractional minLength", tool: withParams(`{type: object, properties: {a: {type: string, minLength: 1.5}}}`), want: schemaErr("minLength must be of an integer")},
		"params-length-order":      {reason: "minLength above maxLength", tool: withParams(`{type: object, properties: {a: {type: string, minLength: 5, maxLength: 2}}}`), want: schemaErr("minLength cannot be greater than maxLength")},
		"params-pattern":           {reason: "a pattern that is not a Go regexp", tool: withParams(`{type: object, properties: {a: {type: string, pattern: "("}}}`), want: schemaErr("pattern must be a valid regex")},
		"params-enum-dup":          {reason: "enum values equal as JSON numbers", tool: withParams(`{type: object, properties: {a: {enum: [1, 1.0]}}}`), want: schemaErr("enum items must be unique")},
		"params-exclusive-min":     {reason: "boolean exclusiveMinimum without minimum (default hybrid draft)", tool: withParams(`{type: object, properties: {a: {type: number, exclusiveMinimum: true}}}`), want: schemaErr("exclusiveMinimum cannot be used without minimum")},
		"params-draft4-exclusive":  {reason: "draft-04 wants a boolean exclusiveMinimum", tool: withParams(`{$schema: "http://json-schema.org/draft-04/schema#", type: object, properties: {a: {exclusiveMinimum: 3}}}`), want: schemaErr("Invalid type. Expected: boolean, given: exclusiveMinimum")},
		"params-draft4-boolean":    {reason: "draft-04 has no boolean schemas", tool: withParams(`{$schema: "http://json-schema.org/draft-04/schema#", type: object, properties: {a: true}}`), want: schemaErr("Expected: valid schema, given: Invalid JSON")},
		"params-allof":             {reason: "a bad allOf is reported as anyOf, as upstream does", tool: withParams(`{type: object, allOf: x}`), want: schemaErr("anyOf must be of an array")},
		"params-multiple-of":       {reason: "multipleOf zero", tool: withParams(`{type: object, multipleOf: 0}`), want: schemaErr("multipleOf must be strictly greater than 0")},
		"params-additional":        {reason: "additionalProperties that is neither a boolean nor a schema", tool: withParams(`{type: object, additionalProperties: "no"}`), want: schemaErr("Invalid type. Expected: boolean/valid schema, given: additionalProperties")},
		"params-pattern-props":     {reason: "a patternProperties key that is not a regexp", tool: withParams(`{type: object, patternProperties: {"(": {}}}`), want: schemaErr("Invalid regex pattern '('")},
		"params-dependency":        {reason: "a dependency that is a string", tool: withParams(`{type: object, dependencies: {a: b}}`), want: schemaErr("dependency must be of type schema or array of strings")},
		"params-items":             {reason: "items that is a number", tool: withParams(`{type: object, properties: {a: {type: array, items: 5}}}`), want: schemaErr("Invalid type. Expected: valid schema/array of schemas, given: items")},
		"params-title":             {reason: "a title that is not a string", tool: withParams(`{type: object, title: 5}`), want: schemaErr("Invalid type. Expected: string, given: title")},
		"params-schema-keyword":    {reason: "$schema that is not a string", tool: withParams(`{$schema: 5, type: object}`), want: schemaErr("$schema must be of type string")},
		"params-ref-missing":       {reason: "a local $ref to nothing", tool: withParams(`{type: object, properties: {a: {$ref: "#/definitions/missing"}}}`), want: schemaErr("Object has no key 'definitions'")},
		"params-ref-relative":      {reason: "a relative $ref is not canonical", tool: withParams(`{type: object, properties: {a: {$ref: other.json}}}`), want: schemaErr("Reference /other.json must be canonical")},
		"params-ref-target":        {reason: "a $ref target is compiled too", tool: withParams(`{type: object, properties: {a: {$ref: "#/definitions/x"}}, definitions: {x: {type: bad}}}`), contains: "given: /bad/"},
		"params-ref-siblings": {
			reason:   "siblings of a $ref are only compiled when the reference was already followed (definitions come before properties)",
			tool:     withParams(`{type: object, properties: {b: {$ref: "#/definitions/x", type: bad}}, definitions: {x: {type: string}, y: {$ref: "#/definitions/x"}}}`),
			contains: "given: /bad/",
		},
		"params-ref-siblings-first": {
			reason: "the first $ref hides its siblings",
			tool:   withParams(`{type: object, properties: {a: {$ref: "#/definitions/x", type: bad}}, definitions: {x: {type: string}}}`),
		},
		"params-definitions-bool": {
			reason:   "definitions: true panics upstream; refused here",
			tool:     withParams(`{type: object, definitions: true}`),
			contains: "panic",
		},

		// --- step ids and types ------------------------------------------
		"step-id-missing":   {reason: "a step without id", tool: withSteps("- {type: tool, tool: w.t}"), want: "validation failed: " + inline0 + ".steps[0].id is required"},
		"step-id-dup":       {reason: "two steps with one id", tool: withSteps("- {id: a, type: tool, tool: w.t}\n- {id: a, type: tool, tool: w.t}"), want: "validation failed: " + inline0 + `.steps[1].id "a" is duplicated`},
		"step-tool-message": {reason: "tool and message without a type (only without the CRD default)", tool: withSteps("- {id: a, tool: w.t, message: m}"), want: "validation failed: " + inline0 + ".steps[0] cannot have both tool and message fields - use explicit type to clarify intent"},
		"step-type":         {reason: "an unknown step type", tool: withSteps("- {id: a, type: bogus}"), want: "validation failed: " + inline0 + ".steps[0].type must be one of: tool, elicitation, forEach"},
		"step-no-tool":      {reason: "a tool step without tool", tool: withSteps("- {id: a, type: tool}"), want: "validation failed: " + inline0 + ".steps[0].tool is required when type is tool"},
		"step-bad-tool":     {reason: "a tool reference with a slash", tool: withSteps("- {id: a, type: tool, tool: w/t}"), want: "validation failed: " + inline0 + ".steps[0].tool must be a valid tool name"},
		"step-no-message":   {reason: "an elicitation without message", tool: withSteps("- {id: a, type: elicitation}"), want: "validation failed: " + inline0 + ".steps[0].message is required when type is elicitation"},
		"first-step-error": {
			reason: "only the first failing step is reported",
			tool:   withSteps("- {id: a, type: tool}\n- {id: b, type: bogus}"),
			want:   "validation failed: " + inline0 + ".steps[0].tool is required when type is tool",
		},

		// --- templates and schemas -----------------------------------------
		"arg-unknown-func": {
			reason: "a function vMCP does not define",
			tool:   withSteps(`- {id: a, type: tool, tool: w.t, arguments: {q: "{{ .params.q | upper }}"}}`),
			want:   "validation failed: " + inline0 + `.steps[0].arguments[q]: invalid template: invalid template syntax: template: validation:1: function "upper" not defined`,
		},
		"arg-sorted": {
			reason: "with two bad arguments upstream reports one at random (map order); we report the first in key order",
			tool:   withSteps(`- {id: a, type: tool, tool: w.t, arguments: {z: "{{ end }}", b: "{{ .x "}}`),
			want:   "validation failed: " + inline0 + ".steps[0].arguments[b]: invalid template: invalid template syntax: template: validation:1: unclosed action",
		},
		"message-template": {
			reason: "an unclosed action in an elicitation message",
			tool:   withSteps(`- {id: a, type: elicitation, message: "hi {{ .params.x "}`),
			want:   "validation failed: " + inline0 + ".steps[0].message: invalid template: invalid template syntax: template: validation:1: unclosed action",
		},
		"condition-template": {
			reason: "a bad condition makes the step skippable, so its references are extracted again and fail again",
			tool:   withSteps(`- {id: a, type: tool, tool: w.t, condition: "{{ if }}"}`),
			want: "validation failed: " + inline0 + ".steps[0].condition: invalid template: invalid template syntax: template: validation:1: missing value for if; " +
				"failed to extract step references from step a: template: extract:1: missing value for if",
		},
		"elicitation-schema": {
			reason: "an elicitation schema with an unknown type",
			tool:   withSteps(`- {id: a, type: elicitation, message: m, schema: {properties: {ok: {type: bool}}}}`),
			want:   "validation failed: " + inline0 + ".steps[0].schema: invalid JSON Schema: invalid JSON Schema: has a primitive type that is NOT VALID -- given: /bool/ Expected valid values are:[array boolean integer number null object string]",
		},
		"tool-step-schema": {
			reason: "a schema is compiled on any step type",
			tool:   withSteps(`- {id: a, type: tool, tool: w.t, schema: {required: x}}`),
			want:   "validation failed: " + inline0 + ".steps[0].schema: invalid JSON Schema: invalid JSON Schema: required must be of an array",
		},

		// --- dependencies, error handling, elicitation handlers ----------------
		"depends-unknown": {reason: "dependsOn an unknown step", tool: withSteps("- {id: a, type: tool, tool: w.t, dependsOn: [ghost]}"), want: "validation failed: " + inline0 + `.steps[0].dependsOn references unknown step "ghost"`},
		"depends-self":    {reason: "a step that depends on itself", tool: withSteps("- {id: a, type: tool, tool: w.t, dependsOn: [a]}"), want: "validation failed: " + inline0 + `.steps: dependency cycle detected involving step "a"`},
		"depends-cycle": {
			reason: "upstream starts the cycle search in map order (b or c); we start in step order",
			tool:   withSteps("- {id: a, type: tool, tool: w.t}\n- {id: b, type: tool, tool: w.t, dependsOn: [c]}\n- {id: c, type: tool, tool: w.t, dependsOn: [b]}"),
			want:   "validation failed: " + inline0 + `.steps: dependency cycle detected involving step "b"`,
		},
		"on-error-action":      {reason: "an unknown onError action", tool: withSteps("- {id: a, type: tool, tool: w.t, onError: {action: explode}}"), want: "validation failed: " + inline0 + ".steps[0].onError.action must be one of: abort, continue, retry"},
		"retry-count":          {reason: "retry without retryCount", tool: withSteps("- {id: a, type: tool, tool: w.t, onError: {action: retry}}"), want: "validation failed: " + inline0 + ".steps[0].onError.retryCount must be at least 1 when action is retry"},
		"on-decline-empty":     {reason: "onDecline without action (only without the CRD default)", tool: withSteps("- {id: a, type: elicitation, message: m, onDecline: {}}"), want: "validation failed: " + inline0 + ".steps[0].onDecline.action is required"},
		"on-cancel-action":     {reason: "an unknown onCancel action", tool: withSteps("- {id: a, type: elicitation, message: m, onCancel: {action: nope}}"), want: "validation failed: " + inline0 + ".steps[0].onCancel.action must be one of: abort, continue, skip_remaining"},
		"on-decline-tool-step": {reason: "handlers are only checked on elicitation steps", tool: withSteps("- {id: a, type: tool, tool: w.t, onDecline: {action: nope}}")},

		// --- forEach ----------------------------------------------------
		"foreach-tool":         {reason: "forEach with a tool", tool: withSteps("- {id: a, type: forEach, tool: w.t}"), want: "validation failed: " + inline0 + ".steps[0]: forEach step must not have 'tool' field"},
		"foreach-message":      {reason: "forEach with a message", tool: withSteps("- {id: a, type: forEach, message: m}"), want: "validation failed: " + inline0 + ".steps[0]: forEach step must not have 'message' field"},
		"foreach-collection":   {reason: "forEach without collection", tool: withSteps("- {id: a, type: forEach}"), want: "validation failed: " + inline0 + ".steps[0].collection is required for forEach steps"},
		"foreach-collection-t": {reason: "a bad collection template", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x "}`), want: "validation failed: " + inline0 + ".steps[0].collection: invalid template: invalid template syntax: template: validation:1: unclosed action"},
		"foreach-no-step":      {reason: "forEach without inner step", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}"}`), want: "validation failed: " + inline0 + ".steps[0].step is required for forEach steps"},
		"foreach-inner-type":   {reason: "an elicitation inner step", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {type: elicitation}}`), want: "validation failed: " + inline0 + `.steps[0].step.type must be 'tool' (got "elicitation"); only tool inner steps are supported`},
		"foreach-inner-tool":   {reason: "an inner step without tool", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {}}`), want: "validation failed: " + inline0 + ".steps[0].step.tool is required for tool inner steps"},
		"foreach-inner-args": {
			reason: "inner step arguments are templates too",
			tool:   withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t, arguments: {x: "{{ .item | nope }}"}}}`),
			want:   "validation failed: " + inline0 + `.steps[0].step.arguments[x]: invalid template: invalid template syntax: template: validation:1: function "nope" not defined`,
		},
		"foreach-item-var":   {reason: "itemVar that is not an identifier", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t}, itemVar: 1x}`), want: "validation failed: " + inline0 + `.steps[0].itemVar must be a valid Go identifier (got "1x")`},
		"foreach-item-index": {reason: "itemVar index is reserved", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t}, itemVar: index}`), want: "validation failed: " + inline0 + ".steps[0].itemVar cannot be 'index' (reserved)"},
		"foreach-parallel":   {reason: "maxParallel above the cap", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t}, maxParallel: 51}`), want: "validation failed: " + inline0 + ".steps[0].maxParallel must be <= 50 (got 51)"},
		"foreach-parallel-n": {reason: "negative maxParallel", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t}, maxParallel: -1}`), want: "validation failed: " + inline0 + ".steps[0].maxParallel must be non-negative"},
		"foreach-iterations": {reason: "maxIterations above the cap", tool: withSteps(`- {id: a, type: forEach, collection: "{{ .x }}", step: {tool: w.t}, maxIterations: 1001}`), want: "validation failed: " + inline0 + ".steps[0].maxIterations must be <= 1000 (got 1001)"},

		// --- defaultResults -----------------------------------------------
		"default-by-step": {
			reason: "a conditional step's output field read by a later step needs a default",
			tool:   withSteps("- {id: a, type: tool, tool: w.t, condition: '{{ .params.x }}'}\n- {id: b, type: tool, tool: w.t, arguments: {v: '{{ .steps.a.output.text }}'}}"),
			want:   "validation failed: " + inline0 + `.steps[a].defaultResults[text] is required: step "a" may be skipped and field "text" is referenced by step b`,
		},
		"default-by-continue": {
			reason: "onError continue makes a step skippable; conditions are read too",
			tool:   withSteps("- {id: a, type: tool, tool: w.t, onError: {action: continue}}\n- {id: b, type: tool, tool: w.t, condition: '{{ .steps.a.output.ok }}'}"),
			want:   "validation failed: " + inline0 + `.steps[a].defaultResults[ok] is required: step "a" may be skipped and field "ok" is referenced by step b`,
		},
		"default-by-output": {
			reason: "nested output properties are read",
			tool: withSteps("- {id: a, type: tool, tool: w.t, onError: {action: continue}}") +
				"\noutput: {properties: {r: {type: object, description: x, properties: {n: {type: string, description: y, value: '{{ .steps.a.output.n }}'}}}}}",
			want: "validation failed: " + inline0 + `.steps[a].defaultResults[n] is required: step "a" may be skipped and field "n" is referenced by output`,
		},
		"default-output-template": {
			reason: "output templates are only parsed when some step is skippable",
			tool: withSteps("- {id: a, type: tool, tool: w.t, onError: {action: continue}}") +
				"\noutput: {properties: {r: {type: string, description: x, value: '{{ .steps.a.output.r '}}}",
			want: "validation failed: failed to extract step references from output: template: extract:1: unclosed action",
		},
		"default-output-template-unread": {
			reason: "without a skippable step a bad output template passes",
			tool:   withSteps("- {id: a, type: tool, tool: w.t}") + "\noutput: {properties: {r: {type: string, description: x, value: '{{ .steps.a.output.r '}}}",
		},
		"default-not-output": {
			reason: "only .steps.<id>.output.<field> references need defaults",
			tool:   withSteps("- {id: a, type: tool, tool: w.t, onError: {action: continue}}\n- {id: b, type: tool, tool: w.t, arguments: {s: '{{ .steps.a.status }}', o: '{{ .steps.a.output }}', v: '{{ $.steps.a.output.x }}'}}"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = inline0
			}
			ct := compositeTool(t, tc.tool)
			errs := ValidateCompositeTool(path, &ct)
			got := ""
			if len(errs) > 0 {
				got = "validation failed: " + strings.Join(errs, "; ")
			}
			switch {
			case tc.contains != "":
				assert.Contains(t, got, tc.contains, tc.reason)
			default:
				assert.Equal(t, tc.want, got, tc.reason)
			}
		})
	}
}
