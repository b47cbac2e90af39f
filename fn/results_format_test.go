package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// positionsInput has problems at known places: a wrong enum (line 17), a
// missing required field (under spec, line 24), a bad reference in a
// flow-style mapping (line 35, column 46), each in a later document of one
// file.
const positionsInput = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPGroup
metadata: {name: team, namespace: toolhive}
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: enum
  namespace: toolhive
spec:
  groupRef: {name: team}
  incomingAuth:
    type: anonymous
  config:
    operational:
      failureHandling:
        partialFailureMode: sometimes
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: required
  namespace: toolhive
spec:
  incomingAuth:
    type: anonymous
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: reference
  namespace: toolhive
spec:
  groupRef: {name: team}
  incomingAuth: {type: oidc, oidcConfigRef: {name: missing, audience: x}}
`

var positionCases = []struct {
	reason, rule  string
	line, column  int
	server, field string
}{
	{"a wrong enum: the key of the value", "schema", 17, 9, "enum", "spec.config.operational.failureHandling.partialFailureMode"},
	{"a missing required field: its deepest present ancestor (spec), in the third document", "group-ref-required", 24, 1, "required", "spec.groupRef.name"},
	{"a bad reference in a flow-style mapping: the key's column", "oidc-config-not-found", 35, 46, "reference", "spec.incomingAuth.oidcConfigRef.name"},
}

// TestResultPositions runs standalone mode on a file with errors at known
// lines and checks line and column in the three formats.
func TestResultPositions(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "servers.yaml"), []byte(positionsInput), 0o644))
	t.Chdir(dir)

	_, text, code := cli(t, "", os.DevNull, "servers.yaml")
	require.Equal(t, 1, code)
	_, gh, code := cli(t, "", "--results-format", "github", os.DevNull, "servers.yaml")
	require.Equal(t, 1, code)
	_, sarifText, code := cli(t, "", "--results-format", "sarif", "--results-file", "results.sarif", os.DevNull, "servers.yaml")
	require.Equal(t, 1, code)
	assert.Equal(t, text, sarifText, "with sarif the text lines stay on stderr")
	b, err := os.ReadFile("results.sarif")
	require.NoError(t, err)
	rep, err := sarif.FromBytes(b)
	require.NoError(t, err)
	require.NoError(t, rep.Validate(), "the log is valid SARIF 2.1.0")

	for _, tc := range positionCases {
		assert.Contains(t, text, fmt.Sprintf("[%s] (servers.yaml:%d:%d)", tc.rule, tc.line, tc.column), "text: %s", tc.reason)
		assert.Contains(t, gh, fmt.Sprintf("::error file=servers.yaml,line=%d,col=%d,title=%s::VirtualMCPServer toolhive/%s: %s:", tc.line, tc.column, tc.rule, tc.server, tc.field), "github: %s", tc.reason)
		found := false
		for _, r := range rep.Runs[0].Results {
			if *r.RuleID != tc.rule || !strings.Contains(*r.Message.Text, "toolhive/"+tc.server+":") {
				continue
			}
			found = true
			loc := r.Locations[0].PhysicalLocation
			assert.Equal(t, "servers.yaml", *loc.ArtifactLocation.URI, "sarif: %s", tc.reason)
			assert.Equal(t, tc.line, *loc.Region.StartLine, "sarif: %s", tc.reason)
			assert.Equal(t, tc.column, *loc.Region.StartColumn, "sarif: %s", tc.reason)
			assert.Equal(t, "error", r.Level, "sarif: %s", tc.reason)
		}
		assert.True(t, found, "sarif: no %s result for %s", tc.rule, tc.server)
	}
}

// TestResultsFormatKRM: in KRM mode there are no source lines; the formats
// still work with the file and no line, and stdout is the same.
func TestResultsFormatKRM(t *testing.T) {
	dir := t.TempDir()
	in := asResourceList(hostileGroup, hostileServer, "apiVersion: v1\nkind: ConfigMap\nmetadata: somestring\n")
	out1, _, code1 := cli(t, in)
	out2, gh, code2 := cli(t, in, "--results-format", "github", "--results-file", filepath.Join(dir, "gh.txt"))
	assert.Equal(t, 1, code1)
	assert.Equal(t, code1, code2, "the exit code does not depend on the format")
	assert.Equal(t, out1, out2, "stdout does not depend on the format")
	assert.Contains(t, gh, "::error title=malformed::")
	b, err := os.ReadFile(filepath.Join(dir, "gh.txt"))
	require.NoError(t, err)
	assert.Equal(t, gh, string(b), "--results-file gets the same lines")
}

// TestResultsFormatUsage: a bad format, sarif without a file, or a file that
// cannot be written is a usage error (exit 2: the command line is wrong, no
// input was read), and leaves no file behind.
func TestResultsFormatUsage(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.yaml", hostileGroup+"---\n"+hostileServer)
	cases := []struct {
		reason string
		args   []string
		stderr string
	}{
		{"an unknown format", []string{"--results-format", "xml", os.DevNull, in}, `--results-format "xml": use one of text, github, sarif`},
		{"sarif needs a file", []string{"--results-format", "sarif", os.DevNull, in}, "--results-format sarif needs --results-file PATH"},
		{"a file in a directory that does not exist", []string{"--results-format", "sarif", "--results-file", filepath.Join(dir, "nope", "r.sarif"), os.DevNull, in}, "cannot be written"},
		{"an unknown flag", []string{"--results-fromat", "sarif", os.DevNull, in}, "unknown flag"},
	}
	for _, tc := range cases {
		out, errOut, code := cli(t, "", tc.args...)
		assert.Equal(t, 2, code, tc.reason)
		assert.Empty(t, out, "%s: nothing is rendered", tc.reason)
		assert.True(t, strings.HasPrefix(errOut, "vmcp-render: usage: "), "%s: %s", tc.reason, errOut)
		assert.Contains(t, errOut, tc.stderr, tc.reason)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no results file (or temporary file) is left behind: %v", entries)
}
