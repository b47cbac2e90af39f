package results

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesDeclaredOnce(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	require.NotEmpty(t, Rules())
	for _, r := range Rules() {
		assert.False(t, seen[r.Name()], "rule %s is declared twice", r.Name())
		seen[r.Name()] = true
		assert.Regexp(t, kebab, r.Name(), "rule names are stable kebab-case tags")
		assert.Contains(t, []any{Error, Warning, Info}, r.Severity(), "rule %s: a KRM severity", r.Name())
		assert.NotEmpty(t, r.Doc(), "rule %s says what it means and what to do", r.Name())
		got, ok := Lookup(r.Name())
		assert.True(t, ok && got == r, "Lookup finds rule %s", r.Name())
	}
	_, ok := Lookup("no-such-rule")
	assert.False(t, ok, "an undeclared name is not found")
	assert.True(t, Rule{}.IsZero(), "the zero Rule is no rule")
	assert.Empty(t, Rule{}.Name())
}

func TestResultTagsTheRule(t *testing.T) {
	r := Result(Ref{Kind: "VirtualMCPServer", Name: "x"}, Finding{Rule: SecretAbsent, Message: "m"})
	assert.Equal(t, "secret-absent", r.Tags["rule"], "the rule's name is the result's tag")
	r = Result(Ref{Kind: "VirtualMCPServer", Name: "x"}, Finding{Message: "m"})
	assert.NotContains(t, r.Tags, "rule", "a finding without a rule has no rule tag")
}
