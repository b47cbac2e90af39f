package authserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

func messages(fs []results.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

// Case names in this file start with the id of the operator check they
// exercise (A, F, Z, X...; see badCases in pkg/transform/badinput_test.go).
func TestValidateSpec(t *testing.T) {
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig)
		want   []string
		field  string
	}{
		"valid": {
			reason: "the base config passes every check",
			mutate: func(*toolhive.EmbeddedAuthServerConfig) {},
		},
		"A1 missing issuer": {
			reason: "the issuer is required",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.Issuer = "" },
			want:   []string{"spec.authServerConfig.issuer is required"},
			field:  "spec.authServerConfig.issuer",
		},
		"A2 tls listener": {
			reason: "ValidateTLSListener messages carry the spec.authServerConfig prefix",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TLSListener = &toolhive.TLSListenerConfig{PrivateKeySecretRef: ref("k", "k")}
			},
			want:  []string{"spec.authServerConfig: tlsListener.certificateSecretRef and tlsListener.privateKeySecretRef are required"},
			field: "spec.authServerConfig.tlsListener",
		},
		"A3 inbound grants": {
			reason: "ValidateInboundGrants resolves issuer refs",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.InboundGrants = &toolhive.InboundGrantsConfig{TokenExchange: &toolhive.TokenExchangeGrantConfig{
					IssuerPolicies: []toolhive.TokenExchangeIssuerPolicy{{IssuerRef: "nope"}}}}
			},
			want: []string{`spec.authServerConfig: inboundGrants.tokenExchange.issuerPolicies[0].issuerRef references unknown or unnamed trusted issuer "nope"`},
		},
		"A3 jwt bearer max age": {
			reason: "maxAssertionAge is required on canonical JWT-bearer policies",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com"}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{JWTBearer: &toolhive.JWTBearerInboundConfig{
					IssuerPolicies: []toolhive.JWTBearerIssuerPolicy{{IssuerRef: "corp"}}}}
			},
			want: []string{"spec.authServerConfig: inboundGrants.jwtBearer.issuerPolicies[0].maxAssertionAge is required"},
		},
		"A3 loopback http issuer with delegate clients": {
			reason: "confidential clients over an HTTP issuer need the explicit loopback opt-in",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Issuer = "http://localhost:8080"
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a")}
			},
			want: []string{"spec.authServerConfig: confidential client registration or delegateClients with an HTTP issuer require " +
				"insecureAllowConfidentialOverLoopbackHTTP to be explicitly enabled; the issuer must still be loopback"},
		},
		"A4 http issuer": {
			reason: "http:// needs a loopback host or insecureAllowHTTP",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.Issuer = "http://auth.corp" },
			want: []string{`spec.authServerConfig.issuer "http://auth.corp" uses http:// with a non-localhost host; set ` +
				"spec.authServerConfig.insecureAllowHTTP: true to allow this for trusted in-cluster deployments, or use https:// for production deployments"},
		},
		"A4 localhost accepted": {
			reason: "loopback hosts may use http",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.Issuer = "http://localhost:8080" },
		},
		"A4 127.0.0.2 accepted": {
			reason: "all of 127/8 is loopback",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.Issuer = "http://127.0.0.2:8080" },
		},
		"A4 insecureAllowHTTP": {
			reason: "the explicit opt-in allows any host",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.Issuer = "http://auth.corp"; c.InsecureAllowHTTP = true },
		},
		"A5 nothing to authenticate with": {
			reason: "no upstream and no grant family",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) { c.UpstreamProviders = nil },
			want: []string{"spec.authServerConfig requires at least one upstream provider unless delegateClients, inboundGrants, " +
				"or a trustedIssuer with jwtBearerGrant is configured"},
		},
		"A5 jwt bearer issuer suffices": {
			reason: "a JWT-bearer trusted issuer is a grant family",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders = nil
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com",
					JWTBearerGrant: &toolhive.JWTBearerGrantConfig{MaxAssertionAge: "5m"}}}
			},
		},
		"A6 reserved params sorted": {
			reason: "reserved keys are reported in sorted order",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.AdditionalAuthorizationParams = map[string]string{"state": "x", "access_type": "offline", "scope": "y"}
				c.UpstreamProviders[0].OIDCConfig.AdditionalTokenParams = map[string]string{"client_assertion": "x", "resource": "not-a-uri"}
			},
			want: []string{
				`spec.authServerConfig.upstreamProviders[0].additionalAuthorizationParams: reserved parameter "scope" is managed by the framework and cannot be overridden`,
				`spec.authServerConfig.upstreamProviders[0].additionalAuthorizationParams: reserved parameter "state" is managed by the framework and cannot be overridden`,
				`spec.authServerConfig.upstreamProviders[0].additionalTokenParams: reserved token parameter "client_assertion" is managed by the framework and cannot be overridden`,
				`spec.authServerConfig.upstreamProviders[0].additionalTokenParams: parameter "resource" must be a non-empty absolute URI`,
			},
		},
		"A6 resource token param accepted": {
			reason: "an absolute resource URI is the point of the feature",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.AdditionalTokenParams = map[string]string{"resource": "https://api.example.com"}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			got := ValidateSpec(cfg)
			assert.Equal(t, tc.want, nilIfEmpty(messages(got)), tc.reason)
			for _, f := range got {
				assert.Equal(t, results.Error, f.Severity)
				assert.Equal(t, ReasonAuthServerConfigInvalid, f.Reason)
				assert.Equal(t, CondAuthServerConfigValidated, f.ConditionType)
			}
			if tc.field != "" {
				assert.Equal(t, tc.field, got[0].Field)
			}
		})
	}
	assert.Nil(t, ValidateSpec(nil))
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// testCertPEM makes a throwaway self-signed certificate.
func testCertPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func cmSelector(name, key string) *toolhive.CABundleSource {
	return &toolhive.CABundleSource{ConfigMapRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
}

func TestValidateCertificatePEM(t *testing.T) {
	cert := testCertPEM(t)
	cases := map[string]struct {
		reason string
		data   []byte
		want   string
	}{
		"one cert":       {reason: "a single CERTIFICATE block", data: cert},
		"bundle":         {reason: "several blocks with whitespace between", data: append(append(append([]byte{}, cert...), '\n'), cert...)},
		"empty":          {reason: "whitespace only", data: []byte(" \n"), want: "certificate data is empty"},
		"not pem":        {reason: "plain text", data: []byte("hello"), want: "contains non-PEM certificate data"},
		"trailing junk":  {reason: "garbage after a valid block", data: append(append([]byte{}, cert...), []byte("junk")...), want: "contains non-PEM certificate data"},
		"wrong type":     {reason: "a key is not a CA", data: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), want: `contains PEM block of type "PRIVATE KEY", expected CERTIFICATE`},
		"bad cert bytes": {reason: "the DER must parse", data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}), want: "contains an invalid certificate: "},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ValidateCertificatePEM(tc.data)
			if tc.want == "" {
				assert.NoError(t, err, tc.reason)
				return
			}
			require.Error(t, err, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%s: got %q", tc.reason, err.Error())
		})
	}
}

func TestValidateCABundles(t *testing.T) {
	cert := testCertPEM(t)
	cms := map[string]*corev1.ConfigMap{
		"good":   {Data: map[string]string{"ca.crt": string(cert), "other": "x"}},
		"binary": {BinaryData: map[string][]byte{"bundle.pem": cert}},
		"bad":    {Data: map[string]string{"ca.crt": "nope"}},
	}
	get := func(name string) (*corev1.ConfigMap, bool) { cm, ok := cms[name]; return cm, ok }
	optional := true
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig)
		want   []string
	}{
		"default key from data": {
			reason: "key defaults to ca.crt",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = cmSelector("good", "")
			},
		},
		"binaryData key": {
			reason: "binaryData is read when data lacks the key",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com", CABundleRef: cmSelector("binary", "bundle.pem")}}
			},
		},
		"missing configMapRef": {
			reason: "caBundleRef needs a ConfigMap",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = &toolhive.CABundleSource{}
			},
			want: []string{`invalid CA bundle: upstreamProviders[0] ("okta") caBundleRef: configMapRef must be specified in caBundleRef`},
		},
		"optional ref": {
			reason: "an optional CA would silently drop trust",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				r := cmSelector("good", "")
				r.ConfigMapRef.Optional = &optional
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = r
			},
			want: []string{`invalid CA bundle: upstreamProviders[0] ("okta") caBundleRef: caBundleRef.configMapRef.optional must be false or omitted`},
		},
		"missing key and bad content": {
			reason: "key lookups and PEM validation name the ConfigMap and key",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = cmSelector("good", "nokey")
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com", CABundleRef: cmSelector("bad", "")}}
			},
			want: []string{
				`invalid CA bundle: upstreamProviders[0] ("okta") caBundleRef: CA bundle ConfigMap "good" does not contain key "nokey" in data or binaryData`,
				`invalid CA bundle: trustedIssuers[0] ("https://corp.example.com") caBundleRef: CA bundle ConfigMap "bad" key "ca.crt" is invalid: contains non-PEM certificate data`,
			},
		},
		"configmap absent": {
			reason: "a missing ConfigMap is the operator's fetch error",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = cmSelector("ghost", "")
			},
			want: []string{`failed to get CA bundle ConfigMap "ghost" in namespace "ns": configmaps "ghost" not found`},
		},
		"mismatched config ignored": {
			reason: "only the type-matched config's caBundleRef counts",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.Type = "oidc"
				u.OIDCConfig = &toolhive.OIDCUpstreamConfig{IssuerURL: "https://x.example.com", ClientID: "x"}
				u.OAuth2Config.CABundleRef = cmSelector("ghost", "")
				c.UpstreamProviders = append(c.UpstreamProviders, u)
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			got := ValidateCABundles(cfg, "ns", get)
			assert.Equal(t, tc.want, nilIfEmpty(messages(got)), tc.reason)
		})
	}
}

func TestCAChecksum(t *testing.T) {
	certA, certB := testCertPEM(t), testCertPEM(t)
	data := map[string][]byte{"a/ca.crt": certA, "b/ca.crt": certB}
	lookup := func(cm, key string) ([]byte, bool) { v, ok := data[cm+"/"+key]; return v, ok }
	sum := func(parts ...[]byte) string {
		h := sha256.New()
		for _, p := range parts {
			h.Write(p)
		}
		return hex.EncodeToString(h.Sum(nil))
	}

	cfg := baseConfig()
	cfg.UpstreamProviders[0].OIDCConfig.CABundleRef = cmSelector("a", "")
	got, err := CAChecksum(cfg, lookup)
	require.NoError(t, err)
	assert.Equal(t, sum(certA, []byte{0}), got, "upstream bundles are followed by a NUL byte")

	cfg.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://x.example.com", CABundleRef: cmSelector("b", "")}}
	got, err = CAChecksum(cfg, lookup)
	require.NoError(t, err)
	assert.Equal(t, sum(certA, []byte{0}, []byte("trustedIssuers\x00"), certB, []byte{0}), got,
		"issuer bundles come after a one-time marker")

	cfg.UpstreamProviders[0].OIDCConfig.CABundleRef = nil
	got, err = CAChecksum(cfg, lookup)
	require.NoError(t, err)
	assert.Equal(t, sum([]byte("trustedIssuers\x00"), certB, []byte{0}), got, "marker is written even without upstream bundles")

	data["b/ca.crt"] = []byte("garbage")
	_, err = CAChecksum(cfg, lookup)
	require.Error(t, err, "invalid PEM blocks the checksum")
	assert.Equal(t, `invalid CA bundle: trustedIssuers[0] ("https://x.example.com") caBundleRef: CA bundle ConfigMap "b" key "ca.crt" is invalid: contains non-PEM certificate data`, err.Error())
}

func TestValidateUpstreamFilter(t *testing.T) {
	two := func() *toolhive.EmbeddedAuthServerConfig {
		c := baseConfig()
		c.UpstreamProviders = append(c.UpstreamProviders, oauth2Upstream("gh"), oauth2Upstream("gl"))
		return c
	}
	rule := func(groups, ups []string) toolhive.UpstreamFilterRule {
		return toolhive.UpstreamFilterRule{Groups: groups, UpstreamProviders: ups}
	}
	cases := map[string]struct {
		reason string
		cfg    *toolhive.EmbeddedAuthServerConfig
		filter *toolhive.AuthServerUpstreamFilter
		want   string
	}{
		"valid": {reason: "non-first upstreams only", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"eng"}, []string{"gh"})}, DefaultUpstreams: []string{"gl"}}},
		"F1 no auth server": {reason: "the filter needs an auth server", filter: &toolhive.AuthServerUpstreamFilter{},
			want: "spec.authServerUpstreamFilter requires spec.authServerConfig to be set"},
		"one upstream": {reason: "a single upstream has nothing to filter", cfg: baseConfig(), filter: &toolhive.AuthServerUpstreamFilter{},
			want: "spec.authServerUpstreamFilter: group-based upstream filter requires at least two configured upstreams, got 1"},
		"no rules": {reason: "rules are required", cfg: two(), filter: &toolhive.AuthServerUpstreamFilter{},
			want: "spec.authServerUpstreamFilter: group-based upstream filter requires at least one rule"},
		"empty groups": {reason: "a rule must match something", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule(nil, []string{"gh"})}},
			want:   "spec.authServerUpstreamFilter: rules[0]: groups must not be empty"},
		"duplicate groups": {reason: "group lists are sets", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"a", "a"}, []string{"gh"})}},
			want:   "spec.authServerUpstreamFilter: rules[0]: groups must not contain duplicate values"},
		"empty providers": {reason: "a rule selects upstreams", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"a"}, nil)}},
			want:   "spec.authServerUpstreamFilter: rules[0]: upstreamProviders must not be empty"},
		"first upstream": {reason: "the first upstream is mandatory and cannot be filtered", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"a"}, []string{"okta"})}},
			want:   `spec.authServerUpstreamFilter: rules[0].upstreamProviders: must not reference the mandatory first upstream "okta"`},
		"unknown default": {reason: "names must exist", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"a"}, []string{"gh"})}, DefaultUpstreams: []string{"bb"}},
			want:   `spec.authServerUpstreamFilter: defaultUpstreams: "bb" is not a configured upstream`},
		"empty default value": {reason: "empty names are rejected", cfg: two(),
			filter: &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{rule([]string{"a"}, []string{"gh"})}, DefaultUpstreams: []string{""}},
			want:   "spec.authServerUpstreamFilter: defaultUpstreams: must not contain empty values"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateUpstreamFilter(tc.filter, tc.cfg)
			if tc.want == "" {
				assert.Empty(t, got, tc.reason)
				return
			}
			require.Len(t, got, 1, tc.reason)
			assert.Equal(t, tc.want, got[0].Message, tc.reason)
			assert.Equal(t, "spec.authServerUpstreamFilter", got[0].Field)
		})
	}
	assert.Nil(t, ValidateUpstreamFilter(nil, nil), "no filter, nothing to check")
}

func TestValidateAuthzCoherence(t *testing.T) {
	cases := map[string]struct {
		reason   string
		cfg      *toolhive.EmbeddedAuthServerConfig
		in       AuthzInput
		severity framework.Severity
		reasonID string
		contains string
	}{
		"no authz": {reason: "without inline authz nothing is checked", cfg: nil,
			in: AuthzInput{InlinePrimaryUpstreamProvider: "x"}},
		"Z1 primary without auth server": {reason: "the provider names an upstream of a missing auth server", cfg: nil,
			in: AuthzInput{AuthzConfigSet: true, InlinePrimaryUpstreamProvider: "okta"}, severity: results.Error,
			reasonID: ReasonAuthzPrimaryRequiresAuthServer, contains: `primaryUpstreamProvider="okta" is set but spec.authServerConfig is not configured.`},
		"authz without auth server": {reason: "plain authz needs no auth server", cfg: nil, in: AuthzInput{AuthzConfigSet: true}},
		"Z2 no upstreams": {reason: "Cedar claims need upstream tokens",
			cfg: &toolhive.EmbeddedAuthServerConfig{Issuer: testIssuer}, in: AuthzInput{AuthzConfigSet: true},
			severity: results.Error, reasonID: ReasonAuthzRequiresUpstream, contains: "spec.authServerConfig is set but has no upstream providers"},
		"Z3 unknown primary": {reason: "the explicit provider must exist",
			cfg: func() *toolhive.EmbeddedAuthServerConfig {
				c := baseConfig()
				c.PrimaryUpstreamProvider = "gh"
				return c
			}(),
			in: AuthzInput{AuthzConfigSet: true}, severity: results.Error, reasonID: ReasonAuthzUpstreamUnknown,
			contains: `primaryUpstreamProvider="gh" does not match any upstream declared on spec.authServerConfig.upstreamProviders.`},
		"known primary": {reason: "an existing name is fine even with several upstreams",
			cfg: func() *toolhive.EmbeddedAuthServerConfig {
				c := baseConfig()
				c.UpstreamProviders = append(c.UpstreamProviders, oauth2Upstream("gh"))
				return c
			}(),
			in: AuthzInput{AuthzConfigSet: true, InlinePrimaryUpstreamProvider: "gh"}},
		"Z4 auto selected": {reason: "several upstreams without an explicit provider warn",
			cfg: func() *toolhive.EmbeddedAuthServerConfig {
				c := baseConfig()
				c.UpstreamProviders = append(c.UpstreamProviders, oauth2Upstream("gh"))
				return c
			}(),
			in: AuthzInput{AuthzConfigSet: true}, severity: results.Warning, reasonID: ReasonAuthzUpstreamAutoSelected,
			contains: `Cedar policies will evaluate claims from the first upstream ("okta")`},
		"single upstream": {reason: "one upstream is unambiguous", cfg: baseConfig(), in: AuthzInput{AuthzConfigSet: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateAuthzCoherence(tc.cfg, tc.in)
			if tc.severity == "" {
				assert.Empty(t, got, tc.reason)
				return
			}
			require.Len(t, got, 1, tc.reason)
			assert.Equal(t, tc.severity, got[0].Severity)
			assert.Equal(t, tc.reasonID, got[0].Reason)
			assert.Contains(t, got[0].Message, tc.contains)
		})
	}
}

func TestIdentitySynthesis(t *testing.T) {
	cfg := baseConfig()
	noInfo := func(name string) toolhive.UpstreamProviderConfig {
		u := oauth2Upstream(name)
		u.OAuth2Config.UserInfo = nil
		return u
	}
	withToken := noInfo("tok")
	withToken.OAuth2Config.IdentityFromToken = &toolhive.IdentityFromTokenConfig{SubjectPath: "id"}
	cfg.UpstreamProviders = append(cfg.UpstreamProviders, noInfo("zeta"), oauth2Upstream("gh"), withToken, noInfo("alpha"))
	got := IdentitySynthesis(cfg)
	require.Len(t, got, 1, "OAuth2 upstreams without userInfo or identityFromToken are reported once")
	assert.Equal(t, "OAuth2 upstream(s) [alpha zeta] have no userInfo configured; the embedded auth server will synthesize a "+
		"non-PII subject from the access token (no Name/Email claims). If a userInfo endpoint exists for these upstreams, "+
		"configure it to resolve real identity.", got[0].Message, "names sorted, Go %v formatting")
	assert.Equal(t, results.Warning, got[0].Severity)
	assert.Empty(t, IdentitySynthesis(baseConfig()), "OIDC upstreams always have an ID-token subject")
}

func TestDeprecatedInboundGrantFields(t *testing.T) {
	cfg := baseConfig()
	assert.Empty(t, DeprecatedInboundGrantFields(cfg), "canonical-only config")
	cfg.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a")}
	cfg.TrustedIssuers = []toolhive.TrustedIssuerConfig{
		{IssuerURL: "https://a.example.com", ExpectedAudience: "x", AllowedDelegateClients: []string{"a"}},
		{IssuerURL: "https://b.example.com", JWTBearerGrant: &toolhive.JWTBearerGrantConfig{MaxAssertionAge: "1m"}},
	}
	got := DeprecatedInboundGrantFields(cfg)
	require.Len(t, got, 1)
	assert.Equal(t, "Deprecated inbound grant fields are configured: "+
		"spec.authServerConfig.trustedIssuers[0] -> spec.authServerConfig.inboundGrants.tokenExchange.issuerPolicies, "+
		"spec.authServerConfig.trustedIssuers[1].jwtBearerGrant -> spec.authServerConfig.inboundGrants.jwtBearer.issuerPolicies, "+
		"spec.authServerConfig.delegateClients -> spec.authServerConfig.inboundGrants.tokenExchange.delegateClients", got[0].Message)
	assert.Equal(t, ReasonLegacyInboundGrantFields, got[0].Reason)
	assert.Equal(t, results.Warning, got[0].Severity)
}

func TestBuildErrorFinding(t *testing.T) {
	err := errors.New("registrationRateLimit.maxTokens must be >= 1, got 0")
	x2 := BuildErrorFinding(baseConfig(), err)
	assert.Equal(t, "failed to create vmcp Config from VirtualMCPServer: failed to convert auth server config: "+err.Error(), x2.Message,
		"the builder-error message without legacy delegate clients")
	cfg := baseConfig()
	cfg.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a")}
	x3 := BuildErrorFinding(cfg, err)
	assert.Equal(t, "invalid delegate clients in spec.authServerConfig: "+err.Error(), x3.Message, "the invalid-delegate-clients message with legacy delegate clients")
	assert.Equal(t, CondAuthServerConfigValidated, x3.ConditionType)
}

func TestValidateAuthServerIntegration(t *testing.T) {
	built := func(mut func(*toolhive.EmbeddedAuthServerConfig)) *RunConfig {
		cfg := baseConfig()
		if mut != nil {
			mut(cfg)
		}
		rc, err := Build(baseInput(cfg))
		require.NoError(t, err)
		return rc
	}
	oidc := IntegrationInput{IncomingAuthType: "oidc", HasOIDC: true, OIDCIssuer: testIssuer, OIDCAudience: "https://mcp.example.com/v"}
	with := func(f func(*IntegrationInput)) IntegrationInput { in := oidc; f(&in); return in }
	cases := map[string]struct {
		reason string
		rc     *RunConfig
		in     IntegrationInput
		want   string
	}{
		"valid":                 {reason: "issuer and audience agree", rc: built(nil), in: oidc},
		"no auth server at all": {reason: "rule 1", in: IntegrationInput{IncomingAuthType: "anonymous"}},
		"inject without auth server": {reason: "rule 2", in: IntegrationInput{UpstreamInject: map[string]string{DefaultStrategyKey: "gh"}},
			want: "upstream_inject requires an embedded auth server (authServer must be configured)"},
		"empty issuer": {reason: "rule 3 issuer", rc: &RunConfig{}, in: oidc, want: "auth server issuer is required"},
		"no upstreams no grants": {reason: "rule 3 upstreams",
			rc: &RunConfig{Issuer: testIssuer, AllowedAudiences: []string{"a"}}, in: oidc,
			want: "auth server requires at least one upstream unless delegate clients or a trusted issuer with JWT bearer grant is configured"},
		"no upstreams with canonical jwt bearer": {reason: "normalised grants count",
			rc: &RunConfig{Issuer: testIssuer, AllowedAudiences: []string{"https://mcp.example.com/v"},
				TrustedIssuers: []TrustedIssuer{{Name: "corp", IssuerURL: "https://corp.example.com"}},
				InboundGrants: &InboundGrantsRunConfig{JWTBearer: &JWTBearerInboundGrantRunConfig{
					IssuerPolicies: []JWTBearerIssuerPolicyRunConfig{{IssuerRef: "corp", MaxAssertionAge: "1m0s"}}}}},
			in: oidc},
		"no upstreams bad grants": {reason: "normalisation errors are wrapped",
			rc: &RunConfig{Issuer: testIssuer, InboundGrants: &InboundGrantsRunConfig{JWTBearer: &JWTBearerInboundGrantRunConfig{
				IssuerPolicies: []JWTBearerIssuerPolicyRunConfig{{IssuerRef: "ghost"}}}}}, in: oidc,
			want: `auth server inbound grants are invalid: inbound_grants.jwt_bearer.issuer_policies[0].issuer_ref references unknown or unnamed trusted issuer "ghost"`},
		"no audience": {reason: "rule 3 audiences (pub-13)", rc: &RunConfig{Issuer: testIssuer, Upstreams: []UpstreamRunConfig{{Name: "x"}}},
			in:   IntegrationInput{IncomingAuthType: "anonymous"},
			want: "auth server requires at least one allowed audience (MCP clients must send RFC 8707 resource parameter)"},
		"anonymous with audiences": {reason: "rule 4", rc: built(nil), in: with(func(i *IntegrationInput) { i.IncomingAuthType = "anonymous" }),
			want: "embedded auth server requires OIDC incoming auth"},
		"unknown inject provider": {reason: "rule 5, sorted with the default first", rc: built(nil),
			in: with(func(i *IntegrationInput) {
				i.UpstreamInject = map[string]string{"zeta": "nope", DefaultStrategyKey: "gh"}
			}),
			want: `backend "<default-strategy>": upstream_inject providerName "gh" not found in auth server upstreams`},
		"empty inject provider means default": {reason: `"" resolves to "default"`, rc: built(nil),
			in:   with(func(i *IntegrationInput) { i.UpstreamInject = map[string]string{"b": ""} }),
			want: `backend "b": upstream_inject providerName "" not found in auth server upstreams`},
		"issuer mismatch": {reason: "rule 6", rc: built(nil), in: with(func(i *IntegrationInput) { i.OIDCIssuer = "https://other" }),
			want: `auth server issuer mismatch: auth server issuer "https://auth.example.com" != incomingAuth.oidc.issuer "https://other"`},
		"audience mismatch": {reason: "rule 7", rc: built(nil), in: with(func(i *IntegrationInput) { i.OIDCAudience = "x" }),
			want: `incomingAuth.oidc.audience "x" not in auth server's allowed audiences [https://mcp.example.com/v]`},
		"empty audience": {reason: "rule 7 only checks a set audience", rc: built(nil), in: with(func(i *IntegrationInput) { i.OIDCAudience = "" })},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateAuthServerIntegration(tc.rc, tc.in)
			if tc.want == "" {
				assert.Empty(t, got, tc.reason)
				return
			}
			require.Len(t, got, 1, tc.reason)
			assert.Equal(t, "invalid auth server integration: "+tc.want, got[0].Message, tc.reason)
		})
	}
}

func TestCheckSecretMaterial(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	require.NoError(t, err)
	const shortHMAC = "too-short-secret-value"
	secrets := map[string][]byte{
		"keys/rsa":   pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}),
		"keys/ec":    pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}),
		"keys/pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		"keys/cert":  testCertPEM(t),
		"keys/junk":  []byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"),
		"hmac/long":  []byte(strings.Repeat("k", 32) + "\n"),
		"hmac/short": []byte(shortHMAC + "\n"),
	}
	lookup := func(name, key string) ([]byte, bool) { v, ok := secrets[name+"/"+key]; return v, ok }
	cases := map[string]struct {
		reason  string
		signing []string
		hmac    []string
		want    []string // reasons in order
	}{
		"valid keys":          {reason: "RSA, EC and PKCS#8 keys load", signing: []string{"rsa", "ec", "pkcs8"}, hmac: []string{"long"}},
		"absent":              {reason: "the caller reports absent Secrets", signing: []string{"missing"}, hmac: []string{"missing"}},
		"certificate as key":  {reason: "a certificate is not a private key", signing: []string{"cert"}, want: []string{ReasonSigningKeyNotPrivateKey}},
		"undecodable key DER": {reason: "the block must parse", signing: []string{"junk"}, want: []string{ReasonSigningKeyNotPrivateKey}},
		"short hmac":          {reason: "the auth server needs 32 bytes", hmac: []string{"long", "short"}, want: []string{ReasonHMACSecretTooShort}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			for _, k := range tc.signing {
				cfg.SigningKeySecretRefs = append(cfg.SigningKeySecretRefs, toolhive.SecretKeyRef{Name: "keys", Key: k})
			}
			for _, k := range tc.hmac {
				cfg.HmacSecretRefs = append(cfg.HmacSecretRefs, toolhive.SecretKeyRef{Name: "hmac", Key: k})
			}
			got := CheckSecretMaterial(cfg, lookup)
			var reasons []string
			for _, f := range got {
				reasons = append(reasons, f.Reason)
				assert.Empty(t, f.ConditionType, "offline-only checks write no operator condition")
				for _, v := range secrets {
					assert.NotContains(t, f.Message, strings.TrimSpace(string(v)), "secret bytes never leak")
				}
			}
			assert.Equal(t, tc.want, reasons, tc.reason)
		})
	}
	got := CheckSecretMaterial(&toolhive.EmbeddedAuthServerConfig{HmacSecretRefs: []toolhive.SecretKeyRef{{Name: "hmac", Key: "short"}}}, lookup)
	require.Len(t, got, 1)
	assert.Equal(t, results.Error, got[0].Severity)
	assert.Equal(t, "spec.authServerConfig.hmacSecretRefs[0]", got[0].Field)
	assert.Contains(t, got[0].Message, "is 22 bytes")
	assert.NotContains(t, got[0].Message, shortHMAC)
}
