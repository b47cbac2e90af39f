package authserver

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

// validateTLSListener is the operator's ValidateTLSListener, without the
// "spec.authServerConfig: " prefix.
func validateTLSListener(cfg *toolhive.EmbeddedAuthServerConfig) error {
	if l := cfg.TLSListener; l != nil {
		if l.CertificateSecretRef == nil || l.PrivateKeySecretRef == nil {
			return errors.New("tlsListener.certificateSecretRef and tlsListener.privateKeySecretRef are required")
		}
		for _, r := range []struct {
			field string
			ref   *toolhive.SecretKeyRef
		}{{"certificateSecretRef", l.CertificateSecretRef}, {"privateKeySecretRef", l.PrivateKeySecretRef}} {
			if r.ref.Name == "" || r.ref.Key == "" {
				return fmt.Errorf("tlsListener.%s.name and tlsListener.%s.key are required", r.field, r.field)
			}
		}
	}
	if cfg.InboundGrants != nil && cfg.TLSListener == nil {
		for _, c := range cfg.InboundGrants.SPIFFEClientAuth {
			if slices.Contains(c.Methods, "spiffe_x509") {
				return errors.New("tlsListener is required when SPIFFE X.509 client authentication is configured")
			}
		}
	}
	return nil
}

func hasLegacyTokenExchangePolicy(ti *toolhive.TrustedIssuerConfig) bool {
	return ti.ExpectedAudience != "" || ti.ActorClaim != "" || len(ti.AllowedActors) > 0 ||
		ti.ActorMatcher != "" || len(ti.AllowedDelegateClients) > 0 || ti.AllowMayAct
}

// validateInboundGrants is the CRD-level ValidateInboundGrants:
// it folds legacy and canonical grant declarations and checks the transport
// of confidential clients. Messages use the CRD's camelCase paths.
func validateInboundGrants(cfg *toolhive.EmbeddedAuthServerConfig) error {
	byName := map[string]int{}
	byURL := map[string]int{}
	legacyTE := len(cfg.DelegateClients) > 0
	legacyJWT := false
	for i := range cfg.TrustedIssuers {
		ti := &cfg.TrustedIssuers[i]
		if prev, ok := byURL[ti.IssuerURL]; ok {
			return fmt.Errorf("trustedIssuers[%d].issuerUrl duplicates trustedIssuers[%d].issuerUrl", i, prev)
		}
		byURL[ti.IssuerURL] = i
		if ti.Name != "" {
			if prev, ok := byName[ti.Name]; ok {
				return fmt.Errorf("trustedIssuers[%d].name duplicates trustedIssuers[%d].name %q", i, prev, ti.Name)
			}
			byName[ti.Name] = i
		}
		legacyTE = legacyTE || hasLegacyTokenExchangePolicy(ti)
		legacyJWT = legacyJWT || ti.JWTBearerGrant != nil
	}

	if g := cfg.InboundGrants; g != nil {
		if g.TokenExchange != nil {
			if legacyTE {
				return errors.New("inboundGrants.tokenExchange conflicts with legacy delegateClients or RFC 8693 policy in trustedIssuers")
			}
			refs := make([]string, len(g.TokenExchange.IssuerPolicies))
			for i, p := range g.TokenExchange.IssuerPolicies {
				refs[i] = p.IssuerRef
			}
			if err := resolveIssuerRefs("inboundGrants.tokenExchange.issuerPolicies", refs, byName); err != nil {
				return err
			}
		}
		if g.JWTBearer != nil {
			if legacyJWT {
				return errors.New("inboundGrants.jwtBearer conflicts with legacy trustedIssuers[*].jwtBearerGrant")
			}
			refs := make([]string, len(g.JWTBearer.IssuerPolicies))
			for i, p := range g.JWTBearer.IssuerPolicies {
				refs[i] = p.IssuerRef
			}
			if err := resolveIssuerRefs("inboundGrants.jwtBearer.issuerPolicies", refs, byName); err != nil {
				return err
			}
			for i, p := range g.JWTBearer.IssuerPolicies {
				if p.MaxAssertionAge == "" {
					return fmt.Errorf("inboundGrants.jwtBearer.issuerPolicies[%d].maxAssertionAge is required", i)
				}
			}
		}
	}

	confidential := cfg.AllowConfidentialClientRegistration || len(effectiveDelegateClients(cfg)) > 0
	if confidential {
		if cfg.InsecureAllowHTTP {
			return errors.New("insecureAllowHTTP cannot be combined with confidential client registration or delegateClients; " +
				"client secrets would be issued or used in cleartext over an unauthenticated endpoint")
		}
		if strings.HasPrefix(cfg.Issuer, "http://") && !cfg.InsecureAllowConfidentialOverLoopbackHTTP {
			return errors.New("confidential client registration or delegateClients with an HTTP issuer require " +
				"insecureAllowConfidentialOverLoopbackHTTP to be explicitly enabled; the issuer must still be loopback")
		}
	}
	return nil
}

func resolveIssuerRefs(path string, refs []string, byName map[string]int) error {
	seen := map[string]int{}
	for i, ref := range refs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if ref == "" {
			return fmt.Errorf("%s.issuerRef is required", p)
		}
		if prev, ok := seen[ref]; ok {
			return fmt.Errorf("%s.issuerRef duplicates issuer policy [%d] for %q", p, prev, ref)
		}
		seen[ref] = i
		if _, ok := byName[ref]; !ok {
			return fmt.Errorf("%s.issuerRef references unknown or unnamed trusted issuer %q", p, ref)
		}
	}
	return nil
}

// normalizedGrants is the runtime's effective view after folding canonical
// inbound grants onto the trusted issuers.
type normalizedGrants struct {
	delegateClients []DelegateClientRunConfig
	trustedIssuers  []TrustedIssuer
	jwtBearer       bool
	// jwtSource is where each issuer's JWT-bearer policy was written in
	// spec.authServerConfig (the canonical or the legacy form), by issuer.
	jwtSource map[int]string
}

// normalizeGrants mirrors the runtime's NormalizeInboundGrants on a RunConfig;
// its messages use the RunConfig's snake_case keys.
func normalizeGrants(rc *RunConfig) (*normalizedGrants, error) {
	out := &normalizedGrants{
		delegateClients: slices.Clone(rc.DelegateClients),
		trustedIssuers:  slices.Clone(rc.TrustedIssuers),
		jwtSource:       map[int]string{},
	}
	byName := map[string]int{}
	byURL := map[string]int{}
	legacyTE := len(rc.DelegateClients) > 0
	for i, ti := range out.trustedIssuers {
		if prev, ok := byURL[ti.IssuerURL]; ok {
			return nil, fmt.Errorf("trusted_issuers[%d].issuer_url duplicates trusted_issuers[%d].issuer_url (configured more than once)", i, prev)
		}
		byURL[ti.IssuerURL] = i
		if ti.Name != "" {
			if prev, ok := byName[ti.Name]; ok {
				return nil, fmt.Errorf("trusted_issuers[%d].name duplicates trusted_issuers[%d].name %q", i, prev, ti.Name)
			}
			byName[ti.Name] = i
		}
		if ti.ExpectedAudience != "" || ti.ActorClaim != "" || len(ti.AllowedActors) > 0 ||
			ti.ActorMatcher != "" || len(ti.AllowedDelegateClients) > 0 || ti.AllowMayAct {
			legacyTE = true
		}
		if ti.JWTBearerGrant != nil {
			out.jwtBearer = true
			out.jwtSource[i] = fmt.Sprintf("trustedIssuers[%d].jwtBearerGrant", i)
		}
	}
	g := rc.InboundGrants
	if g == nil {
		return out, nil
	}
	if te := g.TokenExchange; te != nil {
		if legacyTE {
			return nil, errors.New("inbound_grants.token_exchange conflicts with legacy delegate_clients or RFC 8693 policy in trusted_issuers")
		}
		out.delegateClients = slices.Clone(te.DelegateClients)
		for i, p := range te.IssuerPolicies {
			idx, ok := byName[p.IssuerRef]
			if !ok {
				return nil, fmt.Errorf("inbound_grants.token_exchange.issuer_policies[%d].issuer_ref references unknown or unnamed trusted issuer %q", i, p.IssuerRef)
			}
			ti := &out.trustedIssuers[idx]
			ti.ExpectedAudience = p.ExpectedAudience
			ti.ActorClaim = p.ActorClaim
			ti.AllowedActors = slices.Clone(p.AllowedActors)
			ti.ActorMatcher = p.ActorMatcher
			ti.AllowedDelegateClients = slices.Clone(p.AllowedDelegateClients)
			ti.AllowMayAct = p.AllowMayAct
		}
	}
	if jb := g.JWTBearer; jb != nil {
		if out.jwtBearer {
			return nil, errors.New("inbound_grants.jwt_bearer conflicts with legacy trusted_issuers[*].jwt_bearer_grant")
		}
		for i, p := range jb.IssuerPolicies {
			idx, ok := byName[p.IssuerRef]
			if !ok {
				return nil, fmt.Errorf("inbound_grants.jwt_bearer.issuer_policies[%d].issuer_ref references unknown or unnamed trusted issuer %q", i, p.IssuerRef)
			}
			out.trustedIssuers[idx].JWTBearerGrant = &JWTBearerGrantPolicy{
				MaxAssertionAge:   p.MaxAssertionAge,
				SubjectBindings:   p.SubjectBindings,
				AcceptedAudiences: p.AcceptedAudiences,
			}
			out.jwtSource[idx] = fmt.Sprintf("inboundGrants.jwtBearer.issuerPolicies[%d]", i)
			out.jwtBearer = true
		}
	}
	return out, nil
}

// defaultScopes is what the auth server advertises when scopes_supported is empty.
var defaultScopes = []string{"openid", "profile", "email", "offline_access"}

// validateDelegationConfig is the reduced RunConfig.Validate the operator runs
// at the end of BuildAuthServerRunConfig
// (cmd/thv-operator/pkg/controllerutil/authserver.go). It sees only issuer,
// audiences, scopes, the HTTP flags, delegate clients, trusted issuers, inbound
// grants and SPIFFE domains.
func validateDelegationConfig(rc *RunConfig) error {
	if len(rc.DelegateClients) == 0 && len(rc.TrustedIssuers) == 0 && rc.InboundGrants == nil &&
		len(rc.SPIFFETrustDomains) == 0 {
		return nil
	}
	if len(rc.SPIFFETrustDomains) > 0 {
		return errors.New("spiffe_trust_domains: SPIFFE client authentication is not yet enforced by this build")
	}
	norm, err := normalizeGrants(rc)
	if err != nil {
		return err
	}
	for _, aud := range rc.AllowedAudiences {
		if aud == "" {
			return errors.New("allowed_audiences must not contain an empty audience")
		}
		if err := validateAudienceURI(aud); err != nil {
			return fmt.Errorf("allowed_audiences contains invalid audience %q: %w", aud, err)
		}
	}
	if err := validateDelegateClients(norm.delegateClients, rc.ScopesSupported, rc.AllowedAudiences); err != nil {
		return err
	}
	if err := validateTrustedIssuers(norm, rc.Issuer, rc.AllowedAudiences); err != nil {
		return err
	}
	if len(norm.delegateClients) > 0 {
		if rc.InsecureAllowHTTP {
			return errors.New("allow_confidential_client_registration cannot be combined with insecure_allow_http: " +
				"confidential clients would send secrets over cleartext HTTP")
		}
		if u, err := url.Parse(rc.Issuer); err == nil && u.Scheme == "http" && isLoopback(u.Hostname()) &&
			!rc.InsecureAllowConfidentialOverLoopbackHTTP {
			return fmt.Errorf("allow_confidential_client_registration cannot be combined with a plain-HTTP loopback issuer (%q) unless "+
				"insecure_allow_confidential_over_loopback_http is set: confidential clients would send secrets over cleartext HTTP", rc.Issuer)
		}
	}
	return nil
}

func validateAudienceURI(aud string) error {
	u, err := url.Parse(aud)
	if err != nil {
		return fmt.Errorf("invalid URI: %w", err)
	}
	if !u.IsAbs() {
		return errors.New("must be an absolute URI")
	}
	if u.Fragment != "" {
		return errors.New("must not contain a fragment")
	}
	return nil
}

func validateDelegateClients(clients []DelegateClientRunConfig, scopesSupported, audiences []string) error {
	scopes := scopesSupported
	if len(scopes) == 0 {
		scopes = defaultScopes
	}
	seen := map[string]bool{}
	for _, c := range clients {
		if c.ClientID == "" {
			return errors.New("delegate_clients: client_id is required")
		}
		if seen[c.ClientID] {
			return fmt.Errorf("delegate_clients: duplicate client_id %q", c.ClientID)
		}
		seen[c.ClientID] = true
		if c.ClientSecretFile == "" && c.ClientSecretEnvVar == "" {
			return fmt.Errorf("delegate_clients: client_id %q: client_secret_file or client_secret_env_var is required", c.ClientID)
		}
		if len(c.Scopes) == 0 {
			return fmt.Errorf("delegate_clients: client_id %q: scopes is required", c.ClientID)
		}
		for _, s := range c.Scopes {
			if !slices.Contains(scopes, s) {
				return fmt.Errorf("delegate_clients[%s].scopes: scope %q is not in scopes_supported", c.ClientID, s)
			}
		}
		if len(c.Audiences) == 0 {
			return fmt.Errorf("delegate_clients: client_id %q: audiences is required", c.ClientID)
		}
		for _, a := range c.Audiences {
			if !slices.Contains(audiences, a) {
				return fmt.Errorf("delegate_clients: client_id %q: audience %q is not in allowed_audiences", c.ClientID, a)
			}
		}
	}
	return nil
}

// validateTrustedIssuers checks each issuer's endpoints, then, once all
// pass, that every resource a JWT-bearer subject binding allows is one of
// the auth server's allowed audiences (pkg/authserver/config.go upstream:
// exact string comparison, after the structural checks of every issuer).
// The canonical inbound_grants.jwt_bearer form arrives here normalised into
// the issuers, so both forms give the same error.
func validateTrustedIssuers(norm *normalizedGrants, self string, audiences []string) error {
	issuers := norm.trustedIssuers
	for _, ti := range issuers {
		if err := validateTrustedIssuerURL(ti.IssuerURL, ti.InsecureAllowHTTP); err != nil {
			return fmt.Errorf("trusted_issuers: issuer_url %q: %w", ti.IssuerURL, err)
		}
		if ti.AllowPrivateIPs && ti.JWKSURL == "" {
			return fmt.Errorf("trusted_issuers: issuer_url %q: allow_private_ips requires jwks_url to be set explicitly; "+
				"otherwise OIDC discovery — fetched from the external issuer — would choose the private target", ti.IssuerURL)
		}
		if ti.JWKSURL != "" {
			if err := validateJWKSURL(ti.JWKSURL, ti.InsecureAllowHTTP, ti.AllowPrivateIPs); err != nil {
				return fmt.Errorf("trusted_issuers: jwks_url %q: %w", ti.JWKSURL, err)
			}
		}
		if ti.IssuerURL == self {
			return fmt.Errorf("trusted_issuers: issuer_url %q: must not equal the authorization server's own issuer; "+
				"self-issued tokens are already handled separately", ti.IssuerURL)
		}
	}
	for i, ti := range issuers {
		if ti.JWTBearerGrant == nil {
			continue
		}
		for j, b := range ti.JWTBearerGrant.SubjectBindings {
			for k, r := range b.AllowedResources {
				if !slices.Contains(audiences, r) {
					return &fieldError{field: fmt.Sprintf("%s.subjectBindings[%d].allowedResources[%d]", norm.jwtSource[i], j, k),
						err: fmt.Errorf("trusted_issuers: issuer_url %q: jwt_bearer_grant subject %q resource %q is not in allowed_audiences", ti.IssuerURL, b.Subject, r)}
				}
			}
		}
	}
	return nil
}

func validateTrustedIssuerURL(issuer string, insecureAllowHTTP bool) error {
	if issuer == "" {
		return errors.New("issuer is required")
	}
	u, err := url.Parse(issuer)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	switch {
	case u.Scheme == "":
		return errors.New("scheme is required")
	case u.Host == "":
		return errors.New("host is required")
	case u.RawQuery != "":
		return errors.New("must not contain query component")
	case u.Fragment != "":
		return errors.New("must not contain fragment component")
	case u.User != nil:
		return errors.New("must not contain userinfo (credentials in the URL)")
	}
	if u.Scheme != "https" {
		if u.Scheme != "http" {
			return errors.New("scheme must be https (or http for localhost)")
		}
		if !insecureAllowHTTP {
			return fmt.Errorf("http scheme is only allowed for localhost, use https for %s", u.Hostname())
		}
	}
	return nil
}

func validateJWKSURL(raw string, insecureAllowHTTP, allowPrivateIPs bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "https" && !insecureAllowHTTP {
		return fmt.Errorf("must use HTTPS, got %q", u.Scheme)
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && !allowPrivateIPs &&
		(ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
		return errors.New("must not point to a private or loopback address")
	}
	return nil
}

// isLoopback matches the hosts the operator treats as local: localhost,
// 127.0.0.0/8 and ::1.
func isLoopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fieldError is a builder error that knows the field of
// spec.authServerConfig it is about; its text is the operator's.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// errorField is the field under spec.authServerConfig an error is about.
func errorField(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fieldAuthServerConfig + "." + fe.field
	}
	return fieldAuthServerConfig
}
