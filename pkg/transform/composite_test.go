package transform

import "testing"

// TestCompositeToolValidation runs composite tools through the whole
// pipeline: what VirtualMCPServer.Validate() refuses is an error and
// nothing is rendered; what the operator accepts renders.
func TestCompositeToolValidation(t *testing.T) {
	const p = "spec.config.compositeTools[0]"
	cases := []badCase{
		{
			name:   "template-unknown-function",
			reason: "V6: an argument template calling a function vMCP does not define",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: search, description: d, steps: [{id: s, type: tool, tool: docs.search, arguments: {q: "{{ .params.q | upper }}"}}]}]`)
			},
			want: []want{errOn(p, "composite-tool-invalid",
				"validation failed: "+p+`.steps[0].arguments[q]: invalid template: invalid template syntax: template: validation:1: function "upper" not defined`)},
		},
		{
			name:   "skippable-step-without-default",
			reason: "V6: a conditional step whose output another step reads needs defaultResults",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: flow, description: d, steps: [
					{id: lookup, type: tool, tool: crm.find, condition: "{{ .params.known }}"},
					{id: mail, type: tool, tool: mail.send, arguments: {to: "{{ .steps.lookup.output.email }}"}, dependsOn: [lookup]}]}]`)
			},
			want: []want{errOn(p, "composite-tool-invalid",
				"validation failed: "+p+`.steps[lookup].defaultResults[email] is required: step "lookup" may be skipped and field "email" is referenced by step mail`)},
		},
		{
			name:   "elicitation-schema-invalid",
			reason: "V6: an elicitation schema that gojsonschema refuses",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: ask, description: d, steps: [{id: q, type: elicitation, message: "Proceed?", schema: {type: object, properties: {ok: {type: bool}}}}]}]`)
			},
			want: []want{errOn(p, "composite-tool-invalid",
				"validation failed: "+p+".steps[0].schema: invalid JSON Schema: invalid JSON Schema: has a primitive type that is NOT VALID -- given: /bool/")},
		},
		{
			name:   "valid-workflow",
			reason: "forEach, elicitation handlers, defaults and vMCP's template functions are all accepted",
			edit: func(f *fixture) {
				f.set("spec.config.compositeTools", `[{name: sweep, description: d,
					parameters: {type: object, properties: {repos: {type: array, items: {type: string}}}, required: [repos]},
					steps: [
					{id: confirm, type: elicitation, message: "Sweep {{ len .params.repos }} repos?", schema: {type: object, properties: {ok: {type: boolean}}}, onDecline: {action: skip_remaining}},
					{id: each, type: forEach, collection: "{{ .params.repos | json }}", itemVar: repo, maxParallel: 5, step: {tool: github.archive, arguments: {name: "{{ quote .repo }}"}}, dependsOn: [confirm]},
					{id: report, type: tool, tool: slack.post, condition: "{{ .steps.confirm.content.ok }}", onError: {action: continue}, defaultResults: {ts: ""}, dependsOn: [each]}],
					output: {properties: {ts: {type: string, description: message, value: "{{ .steps.report.output.ts }}"}}}}]`)
			},
			rendered: true,
		},
		{
			name:   "referenced-definition-not-revalidated",
			reason: "the operator copies a referenced definition without status as-is: a bad template there is not refused, only warned about (vMCP refuses it at start)",
			edit: func(f *fixture) {
				f.add(doc("VirtualMCPCompositeToolDefinition", "triage", `name: triage
description: t
steps: [{id: s, type: tool, tool: x.y, arguments: {q: "{{ .params.q | upper }}"}}]`))
				f.set("spec.config.compositeToolRefs", `[{name: triage}]`)
			},
			want: []want{warnOn("spec.config.compositeToolRefs[0].name", "composite-tool-ref-rejected-at-start",
				`VirtualMCPCompositeToolDefinition triage is rendered as the operator renders it, but vMCP v0.63.0 refuses it at start (the pod crash-loops): spec.steps[0].arguments[q]: invalid template`)},
			rendered: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runBadCase(t, tc) })
	}
}
