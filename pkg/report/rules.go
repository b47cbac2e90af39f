package report

// Rule is a rule's entry in the README's results reference.
type Rule struct {
	// Severity as the reference gives it ("error", "warning (absentSecrets)").
	Severity string
	// Doc is the meaning and what to do, as Markdown.
	Doc string
}

// RuleDoc returns the reference entry of a rule.
func RuleDoc(name string) (Rule, bool) {
	r, ok := rules[name]
	return r, ok
}
