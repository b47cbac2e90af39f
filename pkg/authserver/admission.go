package authserver

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// ValidateAdmission re-checks the CRD's x-kubernetes-validations (CEL) rules
// on spec.authServerConfig and spec.authServerUpstreamFilter (v1beta1
// VirtualMCPServer CRD, copied in testdata/crds).
// The API server would reject such an object before the operator saw it, so
// these findings carry no condition type; messages are the CRD's.
func ValidateAdmission(cfg *toolhive.EmbeddedAuthServerConfig, filter *toolhive.AuthServerUpstreamFilter) []results.Finding {
	a := &admission{}
	if filter != nil {
		if cfg == nil {
			a.fail("spec", "authServerUpstreamFilter requires authServerConfig to be set")
		} else if len(cfg.UpstreamProviders) < 2 {
			a.fail("spec", "authServerUpstreamFilter requires at least two configured upstream providers")
		}
	}
	if cfg == nil {
		return a.out
	}
	a.object(cfg)
	a.items(cfg)
	return a.out
}

type admission struct{ out []results.Finding }

func (a *admission) fail(field, msg string) {
	a.out = append(a.out, results.Finding{Severity: results.Error, Rule: results.AdmissionRuleViolated, Field: field, Message: msg, Reason: ReasonAdmissionRuleViolated})
}

func (a *admission) check(ok bool, field, msg string) {
	if !ok {
		a.fail(field, msg)
	}
}

var absoluteURLClientID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://.+`)

// reservedActorClaims cannot carry an actor identity.
var reservedActorClaims = []string{"sub", "iss", "aud", "exp", "iat", "nbf", "jti", "name", "email", "scope", "scp", "may_act"}

func countOf[T any](items []T, pred func(T) bool) int {
	n := 0
	for _, it := range items {
		if pred(it) {
			n++
		}
	}
	return n
}

// object holds the rules declared on the authServerConfig object itself.
func (a *admission) object(c *toolhive.EmbeddedAuthServerConfig) {
	const f = fieldAuthServerConfig
	g := c.InboundGrants
	var spiffeClients []toolhive.SPIFFEClientAuthConfig
	var teDelegates []toolhive.DelegateClientConfig
	if g != nil {
		spiffeClients = g.SPIFFEClientAuth
		if g.TokenExchange != nil {
			teDelegates = g.TokenExchange.DelegateClients
		}
	}

	a.check(len(c.UpstreamProviders) > 0 || len(c.DelegateClients) > 0 || hasJWTBearerIssuer(c) ||
		(g != nil && (g.TokenExchange != nil || g.JWTBearer != nil || len(spiffeClients) > 0)),
		f, "at least one upstream provider or inbound grant family is required")

	domains := c.SPIFFETrustDomains
	a.check((len(domains) > 0) == (len(spiffeClients) > 0),
		f, "spiffeTrustDomains and inboundGrants.spiffeClientAuth must be configured together")
	a.check(!slices.ContainsFunc(domains, func(d toolhive.SPIFFETrustDomainConfig) bool {
		return countOf(domains, func(o toolhive.SPIFFETrustDomainConfig) bool { return o.Name == d.Name }) != 1
	}), f, "spiffeTrustDomains must not contain duplicate names")
	a.check(!slices.ContainsFunc(domains, func(d toolhive.SPIFFETrustDomainConfig) bool {
		return countOf(domains, func(o toolhive.SPIFFETrustDomainConfig) bool { return o.TrustDomain == d.TrustDomain }) != 1
	}), f, "spiffeTrustDomains must not contain duplicate trust domains")
	a.check(!slices.ContainsFunc(domains, func(d toolhive.SPIFFETrustDomainConfig) bool {
		return !slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool { return cl.TrustDomainRef == d.Name })
	}), f, "every SPIFFE trust domain must be referenced by a SPIFFE client")
	domainByName := func(name string) *toolhive.SPIFFETrustDomainConfig {
		for i := range domains {
			if domains[i].Name == name {
				return &domains[i]
			}
		}
		return nil
	}
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		return domainByName(cl.TrustDomainRef) == nil
	}), f, "every SPIFFE client trustDomainRef must reference a declared trust domain")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		d := domainByName(cl.TrustDomainRef)
		return d != nil && slices.ContainsFunc(cl.Methods, func(m string) bool { return !slices.Contains(d.Methods, m) })
	}), f, "spiffeClientAuth methods must be enabled by the referenced trust domain")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		d := domainByName(cl.TrustDomainRef)
		return d != nil && !strings.HasPrefix(cl.PrincipalPattern, "spiffe://"+d.TrustDomain+"/")
	}), f, "spiffeClientAuth principalPattern trust domain must match the referenced trust domain")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		return countOf(spiffeClients, func(o toolhive.SPIFFEClientAuthConfig) bool { return o.ClientID == cl.ClientID }) != 1
	}), f, "spiffeClientAuth must not contain duplicate client IDs")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		return countOf(spiffeClients, func(o toolhive.SPIFFEClientAuthConfig) bool { return o.PrincipalPattern == cl.PrincipalPattern }) != 1
	}), f, "spiffeClientAuth must not contain duplicate principal patterns")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		return strings.HasPrefix(cl.ClientID, "synthetic:")
	}), f, "spiffeClientAuth clientId must not use the reserved synthetic: prefix")
	a.check(!slices.ContainsFunc(spiffeClients, func(cl toolhive.SPIFFEClientAuthConfig) bool {
		return absoluteURLClientID.MatchString(cl.ClientID)
	}), f, "spiffeClientAuth clientId must not be an absolute URL")

	confidential := c.AllowConfidentialClientRegistration || len(c.DelegateClients) > 0 || len(teDelegates) > 0
	a.check(!(c.InsecureAllowHTTP && confidential), f,
		"insecureAllowHTTP cannot be combined with confidential client registration or delegateClients; "+
			"client secrets would be issued or used in cleartext over an unauthenticated endpoint")
	a.check(len(c.ForceConfidentialRedirectURIs) == 0 || c.AllowConfidentialClientRegistration, f,
		"forceConfidentialRedirectUris requires allowConfidentialClientRegistration to be true")
	a.check(!strings.HasPrefix(c.Issuer, "http://") || c.InsecureAllowConfidentialOverLoopbackHTTP || !confidential, f,
		"confidential client registration or delegateClients with an HTTP issuer require "+
			"insecureAllowConfidentialOverLoopbackHTTP to be explicitly enabled; the issuer must still be loopback")

	issuers := c.TrustedIssuers
	if g != nil && g.TokenExchange != nil {
		a.check(len(c.DelegateClients) == 0 && !slices.ContainsFunc(issuers, func(t toolhive.TrustedIssuerConfig) bool {
			return t.ExpectedAudience != "" || t.ActorClaim != "" || t.AllowedActors != nil || t.ActorMatcher != "" ||
				t.AllowedDelegateClients != nil || t.AllowMayAct
		}), f, "canonical tokenExchange conflicts with legacy delegateClients or RFC 8693 trusted issuer policy")
	}
	if g != nil && g.JWTBearer != nil {
		a.check(!hasJWTBearerIssuer(c), f, "canonical jwtBearer conflicts with legacy jwtBearerGrant")
	}
	a.check(!slices.ContainsFunc(issuers, func(t toolhive.TrustedIssuerConfig) bool {
		return t.Name != "" && countOf(issuers, func(o toolhive.TrustedIssuerConfig) bool { return o.Name == t.Name }) != 1
	}), f, "trustedIssuers must not contain duplicate names")
	named := func(ref string) bool {
		return slices.ContainsFunc(issuers, func(t toolhive.TrustedIssuerConfig) bool { return t.Name != "" && t.Name == ref })
	}
	if g != nil && g.TokenExchange != nil {
		ps := g.TokenExchange.IssuerPolicies
		a.check(!slices.ContainsFunc(ps, func(p toolhive.TokenExchangeIssuerPolicy) bool { return !named(p.IssuerRef) }),
			f, "every tokenExchange issuerRef must reference a named trusted issuer")
		a.check(!slices.ContainsFunc(ps, func(p toolhive.TokenExchangeIssuerPolicy) bool {
			return countOf(ps, func(o toolhive.TokenExchangeIssuerPolicy) bool { return o.IssuerRef == p.IssuerRef }) != 1
		}), f, "tokenExchange issuerPolicies must not contain duplicate issuerRef values")
	}
	if g != nil && g.JWTBearer != nil {
		ps := g.JWTBearer.IssuerPolicies
		a.check(!slices.ContainsFunc(ps, func(p toolhive.JWTBearerIssuerPolicy) bool { return !named(p.IssuerRef) }),
			f, "every jwtBearer issuerRef must reference a named trusted issuer")
		a.check(!slices.ContainsFunc(ps, func(p toolhive.JWTBearerIssuerPolicy) bool {
			return countOf(ps, func(o toolhive.JWTBearerIssuerPolicy) bool { return o.IssuerRef == p.IssuerRef }) != 1
		}), f, "jwtBearer issuerPolicies must not contain duplicate issuerRef values")
	}
}

// positiveDuration mirrors CEL's duration(x) > duration('0s').
func positiveDuration(v string) bool {
	d, err := time.ParseDuration(v)
	return err == nil && d > 0
}

func uniqueSubjects(bs []toolhive.SubjectBinding) bool {
	return !slices.ContainsFunc(bs, func(b toolhive.SubjectBinding) bool {
		return countOf(bs, func(o toolhive.SubjectBinding) bool { return o.Subject == b.Subject }) != 1
	})
}

func (a *admission) delegateSecret(field string, clients []toolhive.DelegateClientConfig) {
	for i, d := range clients {
		r := d.ClientSecretRef
		a.check(r != nil && r.Name != "" && r.Key != "", fmt.Sprintf("%s[%d]", field, i),
			"clientSecretRef.name and clientSecretRef.key are required and must be non-empty")
	}
}

func (a *admission) actorPolicy(field string, allowed []string, mayAct bool, actorClaim string) {
	a.check(!slices.Contains(allowed, "*") || len(allowed) == 1, field,
		`allowedDelegateClients must not combine the wildcard "*" with specific client IDs`)
	a.check(!(mayAct && slices.Contains(allowed, "*")), field,
		`allowMayAct must not be enabled when allowedDelegateClients contains the wildcard "*"`)
	a.check(actorClaim == "" || !slices.Contains(reservedActorClaims, actorClaim), field,
		"actorClaim must name a readable claim; use client_id or a non-reserved claim such as azp, appid, or cid")
}

func (a *admission) caBundle(field string, ref *toolhive.CABundleSource) {
	if ref != nil {
		a.check(ref.ConfigMapRef != nil && ref.ConfigMapRef.Name != "", field, "configMapRef.name is required and must be non-empty")
	}
}

// items holds the rules declared on nested objects and list items.
func (a *admission) items(c *toolhive.EmbeddedAuthServerConfig) {
	const f = fieldAuthServerConfig
	a.delegateSecret(f+".delegateClients", c.DelegateClients)
	if g := c.InboundGrants; g != nil {
		if te := g.TokenExchange; te != nil {
			a.delegateSecret(f+".inboundGrants.tokenExchange.delegateClients", te.DelegateClients)
			for i, p := range te.IssuerPolicies {
				a.actorPolicy(fmt.Sprintf("%s.inboundGrants.tokenExchange.issuerPolicies[%d]", f, i),
					p.AllowedDelegateClients, p.AllowMayAct, p.ActorClaim)
			}
		}
		if jb := g.JWTBearer; jb != nil {
			for i, p := range jb.IssuerPolicies {
				field := fmt.Sprintf("%s.inboundGrants.jwtBearer.issuerPolicies[%d]", f, i)
				a.check(positiveDuration(p.MaxAssertionAge), field, "maxAssertionAge must be greater than zero")
				a.check(uniqueSubjects(p.SubjectBindings), field, "subjectBindings must not contain duplicate subjects")
			}
		}
		for i, cl := range g.SPIFFEClientAuth {
			a.check(!slices.ContainsFunc(strings.Split(cl.PrincipalPattern, "/"), func(s string) bool { return s == "." || s == ".." }),
				fmt.Sprintf("%s.inboundGrants.spiffeClientAuth[%d]", f, i), "principalPattern path must not contain . or .. segments")
		}
	}
	if r := c.RegistrationRateLimit; r != nil {
		a.check(positiveDuration(r.RefillPeriod), f+".registrationRateLimit", "registrationRateLimit.refillPeriod must be positive")
	}
	for i, d := range c.SPIFFETrustDomains {
		field := fmt.Sprintf("%s.spiffeTrustDomains[%d].bundleSource", f, i)
		bs := d.BundleSource
		a.check((bs.Type == "bundle_endpoint") == (bs.Endpoint != nil), field,
			"endpoint configuration must be set if and only if type is 'bundle_endpoint'")
		a.check((bs.Type == "file") == (bs.File != nil), field, "file configuration must be set if and only if type is 'file'")
		a.check((bs.Type == "workload_api") == (bs.WorkloadAPI != nil), field,
			"workloadAPI configuration must be set if and only if type is 'workload_api'")
		if bs.File != nil {
			k := bs.File.ConfigMapKey
			a.check(k != "." && !strings.HasPrefix(k, ".."), field+".file.configMapKey",
				"failed rule: self != '.' && !self.startsWith('..')")
		}
	}
	if s := c.Storage; s != nil && s.Redis != nil {
		a.check((s.Redis.Addr != "") != (s.Redis.SentinelConfig != nil), f+".storage.redis", "exactly one of addr or sentinelConfig must be set")
		a.check(!s.Redis.ClusterMode || s.Redis.Addr != "", f+".storage.redis", "clusterMode requires addr to be set")
	}
	for i := range c.TrustedIssuers {
		t := &c.TrustedIssuers[i]
		field := fmt.Sprintf("%s.trustedIssuers[%d]", f, i)
		a.actorPolicy(field, t.AllowedDelegateClients, t.AllowMayAct, t.ActorClaim)
		a.check(!t.AllowPrivateIPs || t.JwksURL != "", field, "allowPrivateIPs requires jwksUrl to be set explicitly")
		policy := t.ActorClaim != "" || t.ActorMatcher != "" || t.AllowMayAct || len(t.AllowedActors) > 0
		a.check(!(policy || len(t.AllowedDelegateClients) > 0) || t.ExpectedAudience != "", field,
			"expectedAudience is required when legacy RFC 8693 policy is configured")
		a.check(!(policy || t.ExpectedAudience != "") || len(t.AllowedDelegateClients) > 0, field,
			"allowedDelegateClients is required when legacy RFC 8693 policy is configured")
		a.caBundle(field+".caBundleRef", t.CABundleRef)
		if jb := t.JWTBearerGrant; jb != nil {
			a.check(positiveDuration(jb.MaxAssertionAge), field+".jwtBearerGrant", "maxAssertionAge must be greater than zero")
			a.check(uniqueSubjects(jb.SubjectBindings), field+".jwtBearerGrant", "subjectBindings must not contain duplicate subjects")
		}
	}
	for i := range c.UpstreamProviders {
		a.upstream(fmt.Sprintf("%s.upstreamProviders[%d]", f, i), &c.UpstreamProviders[i])
	}
}

func (a *admission) upstream(field string, p *toolhive.UpstreamProviderConfig) {
	ok := (p.Type == "oidc" && p.OIDCConfig != nil && p.OAuth2Config == nil) ||
		(p.Type == "oauth2" && p.OAuth2Config != nil && p.OIDCConfig == nil)
	a.check(ok, field, "type must be 'oidc' or 'oauth2'; oidcConfig must be set when type is 'oidc' and oauth2Config "+
		"must be set when type is 'oauth2' (and the other must not be set)")
	const secretWithDCR = "clientSecretRef must not be set when dcrConfig is set; the client_secret is obtained at runtime via Dynamic Client Registration"
	if o := p.OAuth2Config; o != nil {
		sub := field + ".oauth2Config"
		a.check((o.ClientID != "") != (o.DCRConfig != nil), sub, "exactly one of clientId or dcrConfig must be set")
		if o.DCRConfig != nil {
			a.check((o.DCRConfig.DiscoveryURL != "") != (o.DCRConfig.RegistrationEndpoint != ""), sub,
				"exactly one of discoveryUrl or registrationEndpoint must be set when dcrConfig is set")
		}
		a.check(o.DCRConfig == nil || o.ClientSecretRef == nil, sub, secretWithDCR)
		a.caBundle(sub+".caBundleRef", o.CABundleRef)
		a.dcr(sub+".dcrConfig", o.DCRConfig)
	}
	if o := p.OIDCConfig; o != nil {
		sub := field + ".oidcConfig"
		a.check((o.ClientID != "") != (o.DCRConfig != nil), sub, "exactly one of clientId or dcrConfig must be set")
		a.check(o.DCRConfig == nil || o.ClientSecretRef == nil, sub, secretWithDCR)
		a.caBundle(sub+".caBundleRef", o.CABundleRef)
		a.dcr(sub+".dcrConfig", o.DCRConfig)
	}
}

func (a *admission) dcr(field string, d *toolhive.DCRUpstreamConfig) {
	if d == nil {
		return
	}
	a.check(d.DiscoveryURL == "" || d.RegistrationEndpoint == "", field, "at most one of discoveryUrl or registrationEndpoint may be set")
	if d.RegistrationProbeInterval != "" {
		dur, err := time.ParseDuration(d.RegistrationProbeInterval)
		a.check(err == nil && dur >= time.Minute, field+".registrationProbeInterval", "registrationProbeInterval must be at least 1m")
	}
}
