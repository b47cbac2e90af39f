// Package report writes a run's results in the forms CI systems read: one
// text line each (what kustomize shows on stderr), GitHub workflow commands
// (annotations on the changed line of a pull request) and SARIF 2.1.0 (code
// scanning). Positions come from the caller: only a function that read the
// files itself (standalone mode) knows lines and columns.
package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// Formats.
const (
	FormatText   = "text"
	FormatGitHub = "github"
	FormatSARIF  = "sarif"
)

// Formats lists the supported formats.
var Formats = []string{FormatText, FormatGitHub, FormatSARIF}

// Located is a result with the source position of its field, 0 when
// unknown.
type Located struct {
	*framework.Result
	Line, Column int
}

// Text is the result as one line (the default format).
func Text(r Located) string {
	if r.Line > 0 && r.File != nil && r.File.Path != "" {
		return fmt.Sprintf("%s: %s (%s:%d:%d)", r.Severity, results.Message(r.Result), r.File.Path, r.Line, r.Column)
	}
	return results.Line(r.Result)
}

// GitHub is the result as a GitHub Actions workflow command
// (::error file=...,line=...,col=...,title=...::message).
func GitHub(r Located) string {
	level := "notice"
	switch r.Severity {
	case framework.Error:
		level = "error"
	case framework.Warning:
		level = "warning"
	}
	var props []string
	if r.File != nil && r.File.Path != "" {
		props = append(props, "file="+escapeProperty(r.File.Path))
		if r.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", r.Line), fmt.Sprintf("col=%d", r.Column))
		}
	}
	title := r.Tags["rule"]
	if title == "" {
		title = "vmcp-render"
	}
	props = append(props, "title="+escapeProperty(title))
	// The annotation shows the severity and the file itself.
	return "::" + level + " " + strings.Join(props, ",") + "::" + escapeData(results.Message(r.Result))
}

// escapeData and escapeProperty follow the runner's workflow command
// encoding (actions/toolkit, command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SARIF is the results as a SARIF 2.1.0 log: one run of vmcp-render, one
// reporting descriptor per rule that occurs (its text from the rule's
// declaration in pkg/results, which the README's reference repeats), one
// result per finding with its location.
func SARIF(rs []Located, version string) ([]byte, error) {
	rep := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("vmcp-render", "https://github.com/vmcp-render/vmcp-render")
	run.Tool.Driver.WithVersion(version)
	var ruleIDs []string
	for _, r := range rs {
		if id := ruleID(r); !slices.Contains(ruleIDs, id) {
			ruleIDs = append(ruleIDs, id)
		}
	}
	slices.Sort(ruleIDs)
	for _, id := range ruleIDs {
		d := run.AddRule(id)
		if rule, ok := results.Lookup(id); ok {
			d.WithDescription(firstSentence(rule.Doc())).WithMarkdownHelp(rule.Doc()).
				WithFullDescription(sarif.NewMultiformatMessageString().WithText(rule.Doc()))
		} else {
			d.WithDescription(id)
		}
	}
	for _, r := range rs {
		res := run.CreateResultForRule(ruleID(r)).
			WithLevel(level(r.Severity)).
			WithMessage(sarif.NewTextMessage(results.Message(r.Result)))
		if r.File != nil && r.File.Path != "" {
			region := sarif.NewRegion()
			if r.Line > 0 {
				region.WithStartLine(r.Line).WithStartColumn(r.Column)
			} else {
				region.WithStartLine(1)
			}
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(r.File.Path)).
				WithRegion(region)))
		}
	}
	rep.AddRun(run)
	if err := rep.Validate(); err != nil {
		return nil, fmt.Errorf("the SARIF log does not validate: %w", err)
	}
	return json.MarshalIndent(rep, "", "  ")
}

func ruleID(r Located) string {
	if id := r.Tags["rule"]; id != "" {
		return id
	}
	return "vmcp-render"
}

func level(s framework.Severity) string {
	switch s {
	case framework.Error:
		return "error"
	case framework.Warning:
		return "warning"
	}
	return "note"
}

// firstSentence is a rule's short description: its doc up to the first
// ": " or ". " outside inline code (the reference says what first, then
// what to do; a backquoted "type: x" is not a sentence's end).
func firstSentence(doc string) string {
	code := false
	for i := 0; i+1 < len(doc); i++ {
		switch {
		case doc[i] == '`':
			code = !code
		case !code && i > 0 && (doc[i] == '.' || doc[i] == ':') && doc[i+1] == ' ':
			return doc[:i]
		}
	}
	return strings.TrimSuffix(doc, ".")
}
