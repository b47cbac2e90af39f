package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRuleFromReason(t *testing.T) {
	cases := []struct{ reason, in, want string }{
		{"plain words", "AuthzUpstreamAutoSelected", "authz-upstream-auto-selected"},
		{"an acronym ends where the next word starts", "CABundleConfigMapNotFound", "ca-bundle-config-map-not-found"},
		{"a long acronym", "HMACSecretTooShort", "hmac-secret-too-short"},
		{"a two-letter prefix stays one word", "OAuth2UpstreamWithoutUserInfo", "oauth2-upstream-without-user-info"},
		{"a trailing acronym", "InvalidPEM", "invalid-pem"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, RuleFromReason(tc.in), tc.reason)
	}
}
