package authserver

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

func TestValidateAdmission(t *testing.T) {
	spiffeDomain := toolhive.SPIFFETrustDomainConfig{Name: "td", TrustDomain: "example.org", Methods: []string{"spiffe_jwt"},
		BundleSource: toolhive.SPIFFEBundleSource{Type: "workload_api", WorkloadAPI: &toolhive.SPIFFEBundleWorkloadAPI{}}}
	spiffeClient := toolhive.SPIFFEClientAuthConfig{TrustDomainRef: "td", PrincipalPattern: "spiffe://example.org/agent",
		ClientID: "agent", Methods: []string{"spiffe_jwt"}}
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig)
		filter *toolhive.AuthServerUpstreamFilter
		want   []string
	}{
		"valid": {reason: "the base config is admissible", mutate: func(*toolhive.EmbeddedAuthServerConfig) {}},
		"no grant family": {reason: "object-level rule",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.UpstreamProviders = nil },
			want:   []string{"at least one upstream provider or inbound grant family is required"}},
		"filter with one upstream": {reason: "spec-level rule",
			mutate: func(*toolhive.EmbeddedAuthServerConfig) {}, filter: &toolhive.AuthServerUpstreamFilter{},
			want: []string{"authServerUpstreamFilter requires at least two configured upstream providers"}},
		"spiffe consistent": {reason: "paired domains and clients pass every SPIFFE rule",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.SPIFFETrustDomains = []toolhive.SPIFFETrustDomainConfig{spiffeDomain}
				c.InboundGrants = &toolhive.InboundGrantsConfig{SPIFFEClientAuth: []toolhive.SPIFFEClientAuthConfig{spiffeClient}}
			}},
		"spiffe domain without client": {reason: "domains and clients come together",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.SPIFFETrustDomains = []toolhive.SPIFFETrustDomainConfig{spiffeDomain}
			},
			want: []string{"spiffeTrustDomains and inboundGrants.spiffeClientAuth must be configured together",
				"every SPIFFE trust domain must be referenced by a SPIFFE client"}},
		"spiffe client mismatches domain": {reason: "methods and trust domain must match the referenced domain",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				cl := spiffeClient
				cl.Methods = []string{"spiffe_x509"}
				cl.PrincipalPattern = "spiffe://other.org/../x"
				cl.ClientID = "synthetic:x"
				c.SPIFFETrustDomains = []toolhive.SPIFFETrustDomainConfig{spiffeDomain}
				c.InboundGrants = &toolhive.InboundGrantsConfig{SPIFFEClientAuth: []toolhive.SPIFFEClientAuthConfig{cl}}
			},
			want: []string{"spiffeClientAuth methods must be enabled by the referenced trust domain",
				"spiffeClientAuth principalPattern trust domain must match the referenced trust domain",
				"spiffeClientAuth clientId must not use the reserved synthetic: prefix",
				"principalPattern path must not contain . or .. segments"}},
		"force redirect without confidential": {reason: "the override needs confidential registration",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.ForceConfidentialRedirectURIs = []string{"https://app.example.com/cb"}
			},
			want: []string{"forceConfidentialRedirectUris requires allowConfidentialClientRegistration to be true"}},
		"trusted issuer legacy policy incomplete": {reason: "legacy RFC 8693 policy needs audience and clients",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com", ActorClaim: "sub",
					AllowPrivateIPs: true}}
			},
			want: []string{"actorClaim must name a readable claim; use client_id or a non-reserved claim such as azp, appid, or cid",
				"allowPrivateIPs requires jwksUrl to be set explicitly",
				"expectedAudience is required when legacy RFC 8693 policy is configured",
				"allowedDelegateClients is required when legacy RFC 8693 policy is configured"}},
		"wildcard with may act": {reason: "wildcard delegation cannot be combined with may_act or specific IDs",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com"}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{TokenExchange: &toolhive.TokenExchangeGrantConfig{
					IssuerPolicies: []toolhive.TokenExchangeIssuerPolicy{{IssuerRef: "corp", ExpectedAudience: "a",
						AllowedDelegateClients: []string{"*", "x"}, AllowMayAct: true}}}}
			},
			want: []string{`allowedDelegateClients must not combine the wildcard "*" with specific client IDs`,
				`allowMayAct must not be enabled when allowedDelegateClients contains the wildcard "*"`}},
		"jwt bearer policy problems": {reason: "age must be positive and subjects unique",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com"}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{JWTBearer: &toolhive.JWTBearerInboundConfig{
					IssuerPolicies: []toolhive.JWTBearerIssuerPolicy{
						{IssuerRef: "corp", MaxAssertionAge: "0s", SubjectBindings: []toolhive.SubjectBinding{{Subject: "a"}, {Subject: "a"}}},
						{IssuerRef: "corp", MaxAssertionAge: "1m"},
					}}}
			},
			want: []string{"jwtBearer issuerPolicies must not contain duplicate issuerRef values",
				"maxAssertionAge must be greater than zero", "subjectBindings must not contain duplicate subjects"}},
		"redis cluster without addr": {reason: "redis shape rules",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) { r.Addr = ""; r.ClusterMode = true })
			},
			want: []string{"exactly one of addr or sentinelConfig must be set", "clusterMode requires addr to be set"}},
		"upstream rules": {reason: "discriminator, DCR and probe interval rules",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{RegistrationProbeInterval: "30s"}
				c.UpstreamProviders = append(c.UpstreamProviders, u, toolhive.UpstreamProviderConfig{Name: "x", Type: "oidc"})
			},
			want: []string{"exactly one of clientId or dcrConfig must be set",
				"exactly one of discoveryUrl or registrationEndpoint must be set when dcrConfig is set",
				"registrationProbeInterval must be at least 1m",
				"type must be 'oidc' or 'oauth2'; oidcConfig must be set when type is 'oidc' and oauth2Config must be set when type is 'oauth2' (and the other must not be set)"}},
		"rate limit period": {reason: "refill period must be positive",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.RegistrationRateLimit = &toolhive.RegistrationRateLimitConfig{MaxTokens: 1, RefillPeriod: "0s"}
			},
			want: []string{"registrationRateLimit.refillPeriod must be positive"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			got := ValidateAdmission(cfg, tc.filter)
			assert.Equal(t, tc.want, nilIfEmpty(messages(got)), tc.reason)
			for _, f := range got {
				assert.Equal(t, ReasonAdmissionRuleViolated, f.Reason)
				assert.Empty(t, f.ConditionType)
			}
		})
	}
	assert.Equal(t, []string{"authServerUpstreamFilter requires authServerConfig to be set"},
		messages(ValidateAdmission(nil, &toolhive.AuthServerUpstreamFilter{})))
}
