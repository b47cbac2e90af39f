package vmcpconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnvSuffix(t *testing.T) {
	for _, tc := range []struct{ in, want, reason string }{
		{"my.auth-cfg", "MY_AUTH_CFG", "'-' and '.' become '_'"},
		{"github", "GITHUB", "upper-cased"},
		{"a_b9", "A_B9", "digits and underscores kept"},
		{"x:y/z", "X_Y_Z", "any other character becomes '_'"},
		{"X-Tëst", "X_T_ST", "a multi-byte character becomes one '_', as the operator's regexp matches runes"},
	} {
		assert.Equal(t, tc.want, EnvSuffix(tc.in), tc.reason)
	}
}
