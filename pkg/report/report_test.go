package report

import (
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

func located(sev framework.Severity, rule results.Rule, file string, line, col int, msg string) Located {
	r := results.Result(results.Ref{Kind: "VirtualMCPServer", Name: "x", Namespace: "ns", File: file},
		results.Finding{Severity: sev, Rule: rule, Field: "spec.a", Message: msg})
	return Located{Result: r, Line: line, Column: col}
}

func TestGitHub(t *testing.T) {
	cases := []struct {
		reason string
		in     Located
		want   string
	}{
		{"an error with a position", located(framework.Error, results.Schema, "a.yaml", 3, 5, "bad"),
			"::error file=a.yaml,line=3,col=5,title=schema::VirtualMCPServer ns/x: spec.a: bad [schema]"},
		{"a warning without a position keeps the file", located(framework.Warning, results.SecretAbsent, "a.yaml", 0, 0, "absent"),
			"::warning file=a.yaml,title=secret-absent::VirtualMCPServer ns/x: spec.a: absent [secret-absent]"},
		{"an info is a notice; properties and data are escaped", located(framework.Info, results.WorkloadStatusDerived, "dir,x:y.yaml", 1, 1, "50% done\nnext"),
			"::notice file=dir%2Cx%3Ay.yaml,line=1,col=1,title=workload-status-derived::VirtualMCPServer ns/x: spec.a: 50%25 done next [workload-status-derived]"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, GitHub(tc.in), tc.reason)
	}
}

// TestSARIFValidates: the log is SARIF 2.1.0 by the specification's JSON
// schema (go-sarif validates against it), read back the same.
func TestSARIFValidates(t *testing.T) {
	b, err := SARIF([]Located{
		located(framework.Error, results.Schema, "a.yaml", 3, 5, "bad"),
		located(framework.Info, results.NoVirtualMCPServer, "", 0, 0, "nothing"),
	}, "v1.2.3")
	require.NoError(t, err)
	rep, err := sarif.FromBytes(b)
	require.NoError(t, err)
	require.NoError(t, rep.Validate())
	require.Len(t, rep.Runs, 1)
	run := rep.Runs[0]
	assert.Equal(t, "vmcp-render", *run.Tool.Driver.Name)
	assert.Equal(t, "v1.2.3", *run.Tool.Driver.Version)
	require.Len(t, run.Tool.Driver.Rules, 2)
	assert.Equal(t, "no-virtualmcpserver", *run.Tool.Driver.Rules[0].ID)
	assert.NotEmpty(t, *run.Tool.Driver.Rules[1].ShortDescription.Text, "the rule's declared doc")
	require.Len(t, run.Results, 2)
	loc := run.Results[0].Locations[0].PhysicalLocation
	assert.Equal(t, "a.yaml", *loc.ArtifactLocation.URI)
	assert.Equal(t, 3, *loc.Region.StartLine)
	assert.Equal(t, 5, *loc.Region.StartColumn)
	assert.Equal(t, "error", run.Results[0].Level)
	assert.Empty(t, run.Results[1].Locations, "a result without a file has no location")
}

// TestShortDescriptions: every declared rule's SARIF short description is a
// whole first sentence: it never ends inside inline code.
func TestShortDescriptions(t *testing.T) {
	for _, r := range results.Rules() {
		d := firstSentence(r.Doc())
		assert.NotEmpty(t, d, r.Name())
		assert.Equal(t, 0, strings.Count(d, "`")%2, "%s: the short description %q cuts inline code", r.Name(), d)
		assert.True(t, strings.HasPrefix(r.Doc(), d), r.Name())
	}
	cases := []struct{ reason, doc, want string }{
		{"cut at the first colon", "the config is invalid: fix it.", "the config is invalid"},
		{"cut at the first full stop", "bad value. Use another.", "bad value"},
		{"a colon inside inline code is not an end", "`type: externalAuthConfigRef` needs a name: set it.", "`type: externalAuthConfigRef` needs a name"},
		{"a single sentence loses its full stop", "all fine.", "all fine"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, firstSentence(tc.doc), tc.reason)
	}
}
