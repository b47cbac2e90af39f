package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/report"
)

// TestRulesGenerated keeps rules_gen.go equal to what hack/rulesgen makes
// of the README's results reference: one source for the rule docs.
func TestRulesGenerated(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testpaths.Root(t), "README.md"))
	require.NoError(t, err)
	want, err := generate(readme)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(testpaths.Root(t), "pkg", "report", "rules_gen.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "rules_gen.go is stale: run go run ./hack/rulesgen")
	_, ok := report.RuleDoc("malformed")
	assert.True(t, ok)
}
