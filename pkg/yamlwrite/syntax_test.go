package yamlwrite

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNumberSyntax checks the hand-written matchers against the regular
// expressions yaml.v2 uses, on every string of up to 6 characters over the
// characters that matter.
func TestNumberSyntax(t *testing.T) {
	float := regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	base60 := regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
	const alphabet = "05 9+-.:_e"
	var gen func(prefix string, n int)
	checked := 0
	gen = func(s string, n int) {
		checked++
		require.Equal(t, float.MatchString(s), yamlStyleFloat(s), "float %q", s)
		require.Equal(t, base60.MatchString(s), isBase60Float(s), "base 60 %q", s)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			gen(s+alphabet[i:i+1], n-1)
		}
	}
	gen("", 6)
	require.Greater(t, checked, 1000000)
}
