package authserver

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

// Input carries what the operator's BuildAuthServerRunConfig receives. The
// incoming-OIDC values come from the resolved incoming auth, as the converter
// (cmd/thv-operator/pkg/vmcpconfig/converter.go) passes them: the
// caller sets AllowedAudiences to [resource] (nil when there is no OIDC block
// or no resource), ScopesSupported to its scopes and ResourceURL to resource.
type Input struct {
	Namespace        string
	Name             string
	Config           *toolhive.EmbeddedAuthServerConfig
	UpstreamFilter   *toolhive.AuthServerUpstreamFilter
	AllowedAudiences []string
	ScopesSupported  []string
	ResourceURL      string
}

// Build converts spec.authServerConfig into the RunConfig. It returns nil, nil
// when there is no authServerConfig. Error texts are the operator's
// InvalidEmbeddedAuthServerConfigError texts; wrap them with BuildErrorFinding.
func Build(in Input) (*RunConfig, error) {
	cfg := in.Config
	if cfg == nil {
		return nil, nil
	}
	if err := validateTLSListener(cfg); err != nil {
		return nil, err
	}
	if err := validateInboundGrants(cfg); err != nil {
		return nil, err
	}
	grants, err := buildInboundGrants(cfg.InboundGrants)
	if err != nil {
		return nil, err
	}

	rc := &RunConfig{
		SchemaVersion:                SchemaVersion,
		Issuer:                       cfg.Issuer,
		AuthorizationEndpointBaseURL: cfg.AuthorizationEndpointBaseURL,
		AllowedAudiences:             in.AllowedAudiences,
		ScopesSupported:              in.ScopesSupported,
		BaselineClientScopes:         cfg.BaselineClientScopes,
		InboundGrants:                grants,
		SPIFFETrustDomains:           buildSPIFFETrustDomains(cfg.SPIFFETrustDomains),
	}
	if cfg.TLSListener != nil {
		rc.TLSListener = &TLSListenerRunConfig{
			CertFile: tlsDir + "/" + tlsCertFile,
			KeyFile:  tlsDir + "/" + tlsKeyFile,
		}
	}
	if len(cfg.DelegateClients) > 0 {
		if rc.DelegateClients, err = buildDelegateClients(cfg.DelegateClients); err != nil {
			return nil, err
		}
	}
	if len(cfg.TrustedIssuers) > 0 {
		if rc.TrustedIssuers, err = buildTrustedIssuers(cfg.TrustedIssuers); err != nil {
			return nil, err
		}
	}
	buildSecretFiles(rc, cfg)

	rc.Upstreams = make([]UpstreamRunConfig, 0, len(cfg.UpstreamProviders))
	for i := range cfg.UpstreamProviders {
		p := &cfg.UpstreamProviders[i]
		up, err := buildUpstream(p, i, in.ResourceURL)
		if err != nil {
			return nil, fmt.Errorf("upstream %q: %w", p.Name, err)
		}
		rc.Upstreams = append(rc.Upstreams, up)
	}

	if rc.Storage, err = buildStorage(in.Namespace, in.Name, cfg.Storage); err != nil {
		return nil, fmt.Errorf("failed to build storage config: %w", err)
	}

	rc.DisableUpstreamTokenInjection = cfg.DisableUpstreamTokenInjection
	rc.InsecureAllowHTTP = cfg.InsecureAllowHTTP
	rc.AllowConfidentialClientRegistration = cfg.AllowConfidentialClientRegistration
	rc.AllowPrivateKeyJWTRegistration = cfg.AllowPrivateKeyJWTRegistration
	rc.ForceConfidentialRedirectURIs = cfg.ForceConfidentialRedirectURIs
	rc.InsecureAllowConfidentialOverLoopbackHTTP = cfg.InsecureAllowConfidentialOverLoopbackHTTP
	if cfg.CIMD != nil && cfg.CIMD.Enabled {
		rc.CIMD = &CIMDRunConfig{
			Enabled:          true,
			CacheMaxSize:     cfg.CIMD.CacheMaxSize,
			CacheFallbackTTL: cfg.CIMD.CacheFallbackTtl,
		}
	}
	if rc.RegistrationRateLimit, err = buildRateLimit(cfg.RegistrationRateLimit); err != nil {
		return nil, err
	}

	if err := validateDelegationConfig(rc); err != nil {
		return nil, fmt.Errorf("invalid embedded auth server delegate clients or trusted issuers: %w", err)
	}

	rc.UpstreamFilter = buildUpstreamFilter(in.UpstreamFilter)
	return rc, nil
}

func buildSecretFiles(rc *RunConfig, cfg *toolhive.EmbeddedAuthServerConfig) {
	if len(cfg.SigningKeySecretRefs) > 0 {
		sk := &SigningKeyRunConfig{KeyDir: keysDir, SigningKeyFile: keyFileName(0)}
		for i := 1; i < len(cfg.SigningKeySecretRefs); i++ {
			sk.FallbackKeyFiles = append(sk.FallbackKeyFiles, keyFileName(i))
		}
		rc.SigningKeyConfig = sk
	}
	for i := range cfg.HmacSecretRefs {
		rc.HMACSecretFiles = append(rc.HMACSecretFiles, hmacDir+"/"+hmacFileName(i))
	}
	if tl := cfg.TokenLifespans; tl != nil {
		rc.TokenLifespans = &TokenLifespanRunConfig{
			AccessTokenLifespan:  tl.AccessTokenLifespan,
			RefreshTokenLifespan: tl.RefreshTokenLifespan,
			AuthCodeLifespan:     tl.AuthCodeLifespan,
		}
	}
}

// goDuration re-renders a CRD duration the way metav1.Duration does
// (Go's time.Duration.String, so "5m" becomes "5m0s").
func goDuration(field, v string) (string, time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return "", 0, fmt.Errorf("%s: invalid duration %q: %w", field, v, err)
	}
	return d.String(), d, nil
}

func buildUpstream(p *toolhive.UpstreamProviderConfig, index int, resourceURL string) (UpstreamRunConfig, error) {
	up := UpstreamRunConfig{Name: p.Name, Type: p.Type}
	clientEnv := UpstreamClientSecretEnv(p.Name)
	dcrEnv := UpstreamDCRTokenEnv(p.Name)
	switch p.Type {
	case "oidc":
		if p.OIDCConfig == nil {
			return up, nil
		}
		oc, err := buildOIDCUpstream(p.OIDCConfig, clientEnv, dcrEnv, index, resourceURL)
		if err != nil {
			return up, err
		}
		up.OIDCConfig = oc
	case "oauth2":
		if p.OAuth2Config == nil {
			return up, nil
		}
		oc, err := buildOAuth2Upstream(p.OAuth2Config, clientEnv, dcrEnv, index, resourceURL)
		if err != nil {
			return up, err
		}
		up.OAuth2Config = oc
	}
	return up, nil
}

func redirectURI(explicit, resourceURL string) string {
	if explicit == "" && resourceURL != "" {
		return strings.TrimRight(resourceURL, "/") + "/oauth/callback"
	}
	return explicit
}

func buildOIDCUpstream(c *toolhive.OIDCUpstreamConfig, clientEnv, dcrEnv string, index int, resourceURL string) (*OIDCUpstreamRunConfig, error) {
	if err := validateOIDCDCR(c); err != nil {
		return nil, err
	}
	rc := &OIDCUpstreamRunConfig{
		IssuerURL:                     c.IssuerURL,
		ClientID:                      c.ClientID,
		RedirectURI:                   redirectURI(c.RedirectURI, resourceURL),
		Scopes:                        c.Scopes,
		UserInfoOverride:              buildUserInfo(c.UserInfoOverride),
		AdditionalAuthorizationParams: c.AdditionalAuthorizationParams,
		AdditionalTokenParams:         c.AdditionalTokenParams,
		OmitScopeOnRefresh:            c.OmitScopeOnRefresh,
		SubjectClaim:                  c.SubjectClaim,
		AllowPrivateIPs:               c.AllowPrivateIPs,
	}
	if c.ClientSecretRef != nil {
		rc.ClientSecretEnvVar = clientEnv
	}
	if c.CABundleRef != nil {
		rc.CAFilePath = upstreamCAPath(index)
	}
	if c.DCRConfig != nil {
		dcr, err := buildDCR("oidcConfig.dcrConfig", c.DCRConfig, dcrEnv)
		if err != nil {
			return nil, err
		}
		rc.DCRConfig = dcr
	}
	return rc, nil
}

func buildOAuth2Upstream(c *toolhive.OAuth2UpstreamConfig, clientEnv, dcrEnv string, index int, resourceURL string) (*OAuth2UpstreamRunConfig, error) {
	if err := validateOAuth2DCR(c); err != nil {
		return nil, err
	}
	rc := &OAuth2UpstreamRunConfig{
		AuthorizationEndpoint:         c.AuthorizationEndpoint,
		TokenEndpoint:                 c.TokenEndpoint,
		ClientID:                      c.ClientID,
		TokenEndpointAuthMethod:       c.TokenEndpointAuthMethod,
		RedirectURI:                   redirectURI(c.RedirectURI, resourceURL),
		Scopes:                        c.Scopes,
		UserInfo:                      buildUserInfo(c.UserInfo),
		AdditionalAuthorizationParams: c.AdditionalAuthorizationParams,
		AdditionalTokenParams:         c.AdditionalTokenParams,
		OmitScopeOnRefresh:            c.OmitScopeOnRefresh,
		AllowPrivateIPs:               c.AllowPrivateIPs,
		InsecureAllowHTTP:             c.InsecureAllowHTTP,
	}
	if c.ClientSecretRef != nil {
		rc.ClientSecretEnvVar = clientEnv
	}
	if c.CABundleRef != nil {
		rc.CAFilePath = upstreamCAPath(index)
	}
	if m := c.TokenResponseMapping; m != nil {
		rc.TokenResponseMapping = &TokenResponseMappingRunConfig{
			AccessTokenPath:  m.AccessTokenPath,
			ScopePath:        m.ScopePath,
			RefreshTokenPath: m.RefreshTokenPath,
			ExpiresInPath:    m.ExpiresInPath,
		}
	}
	if t := c.IdentityFromToken; t != nil {
		rc.IdentityFromToken = &IdentityFromTokenRunConfig{
			SubjectPath: t.SubjectPath,
			NamePath:    t.NamePath,
			EmailPath:   t.EmailPath,
		}
	}
	if c.DCRConfig != nil {
		dcr, err := buildDCR("oauth2Config.dcrConfig", c.DCRConfig, dcrEnv)
		if err != nil {
			return nil, err
		}
		rc.DCRConfig = dcr
	}
	return rc, nil
}

func buildDCR(field string, d *toolhive.DCRUpstreamConfig, tokenEnv string) (*DCRUpstreamConfig, error) {
	rc := &DCRUpstreamConfig{
		DiscoveryURL:         d.DiscoveryURL,
		RegistrationEndpoint: d.RegistrationEndpoint,
		RotationKey:          d.RotationKey,
		RegistrationProbe:    d.RegistrationProbe,
		SoftwareID:           d.SoftwareID,
		SoftwareStatement:    d.SoftwareStatement,
	}
	if d.RegistrationProbeInterval != "" {
		s, _, err := goDuration(field+".registrationProbeInterval", d.RegistrationProbeInterval)
		if err != nil {
			return nil, err
		}
		rc.RegistrationProbeInterval = s
	}
	if d.InitialAccessTokenRef != nil {
		rc.InitialAccessTokenEnvVar = tokenEnv
	}
	return rc, nil
}

func buildUserInfo(u *toolhive.UserInfoConfig) *UserInfoRunConfig {
	if u == nil {
		return nil
	}
	rc := &UserInfoRunConfig{
		EndpointURL:       u.EndpointURL,
		HTTPMethod:        u.HTTPMethod,
		AdditionalHeaders: u.AdditionalHeaders,
	}
	if m := u.FieldMapping; m != nil {
		rc.FieldMapping = &UserInfoFieldMappingRunConfig{
			SubjectFields: m.SubjectFields,
			NameFields:    m.NameFields,
			EmailFields:   m.EmailFields,
		}
	}
	return rc
}

// DCR length caps mirror the CRD MaxLength markers.
const (
	maxDCRURLLength            = 2048
	maxSoftwareStatementLength = 16384
)

func validateOIDCDCR(c *toolhive.OIDCUpstreamConfig) error {
	hasDCR := c.DCRConfig != nil
	if (c.ClientID != "") == hasDCR {
		return errors.New("oidcConfig: exactly one of clientId or dcrConfig must be set")
	}
	if !hasDCR {
		return nil
	}
	if c.ClientSecretRef != nil {
		return errors.New("oidcConfig: clientSecretRef must not be set when dcrConfig is set; " +
			"the client_secret is obtained at runtime via Dynamic Client Registration")
	}
	if c.DCRConfig.DiscoveryURL != "" && c.DCRConfig.RegistrationEndpoint != "" {
		return errors.New("oidcConfig.dcrConfig: at most one of discoveryUrl or registrationEndpoint may be set")
	}
	return dcrLengths("oidcConfig.dcrConfig", c.DCRConfig)
}

func validateOAuth2DCR(c *toolhive.OAuth2UpstreamConfig) error {
	hasDCR := c.DCRConfig != nil
	if (c.ClientID != "") == hasDCR {
		return errors.New("oauth2Config: exactly one of clientId or dcrConfig must be set")
	}
	if !hasDCR {
		return nil
	}
	if c.ClientSecretRef != nil {
		return errors.New("oauth2Config: clientSecretRef must not be set when dcrConfig is set; " +
			"the client_secret is obtained at runtime via Dynamic Client Registration")
	}
	if (c.DCRConfig.DiscoveryURL != "") == (c.DCRConfig.RegistrationEndpoint != "") {
		return errors.New("oauth2Config.dcrConfig: exactly one of discoveryUrl or registrationEndpoint must be set")
	}
	return dcrLengths("oauth2Config.dcrConfig", c.DCRConfig)
}

func dcrLengths(prefix string, d *toolhive.DCRUpstreamConfig) error {
	if l := len(d.DiscoveryURL); l > maxDCRURLLength {
		return fmt.Errorf("%s.discoveryUrl: length %d exceeds maximum %d", prefix, l, maxDCRURLLength)
	}
	if l := len(d.RegistrationEndpoint); l > maxDCRURLLength {
		return fmt.Errorf("%s.registrationEndpoint: length %d exceeds maximum %d", prefix, l, maxDCRURLLength)
	}
	if l := len(d.SoftwareStatement); l > maxSoftwareStatementLength {
		return fmt.Errorf("%s.softwareStatement: length %d exceeds maximum %d", prefix, l, maxSoftwareStatementLength)
	}
	return nil
}

func buildStorage(namespace, name string, s *toolhive.AuthServerStorageConfig) (*StorageRunConfig, error) {
	if s == nil {
		return nil, nil
	}
	var maxClients *int
	if s.MaxDCRClients != nil {
		n := int(*s.MaxDCRClients)
		maxClients = &n
	}
	switch s.Type {
	case "memory", "":
		// An empty type only reaches us if defaults were not applied; memory is the CRD default.
		if maxClients == nil {
			return nil, nil
		}
		return &StorageRunConfig{Type: "memory", MaxDCRClients: maxClients}, nil
	case "redis":
	default:
		return nil, fmt.Errorf("unsupported storage type: %s", s.Type)
	}

	r := s.Redis
	if r == nil {
		return nil, errors.New("redis config is required when storage type is redis")
	}
	if r.Addr != "" && r.SentinelConfig != nil {
		return nil, errors.New("addr and sentinelConfig are mutually exclusive for Redis storage")
	}
	if r.Addr == "" && r.SentinelConfig == nil {
		return nil, errors.New("one of addr (standalone or cluster) or sentinelConfig (Sentinel) is required for Redis storage")
	}
	if r.ACLUserConfig == nil || r.ACLUserConfig.PasswordSecretRef == nil {
		return nil, errors.New("ACL user config is required for Redis storage")
	}
	acl := &ACLUserRunConfig{PasswordEnvVar: EnvRedisPassword}
	if r.ACLUserConfig.UsernameSecretRef != nil {
		acl.UsernameEnvVar = EnvRedisUsername
	}
	rc := &RedisRunConfig{
		Addr:          r.Addr,
		ClusterMode:   r.ClusterMode,
		AuthType:      "aclUser",
		ACLUserConfig: acl,
		KeyPrefix:     KeyPrefix(namespace, name),
		DialTimeout:   r.DialTimeout,
		ReadTimeout:   r.ReadTimeout,
		WriteTimeout:  r.WriteTimeout,
		TLS:           buildRedisTLS(r.TLS, caFileName),
	}
	if sc := r.SentinelConfig; sc != nil {
		addrs, err := sentinelAddrs(sc, namespace)
		if err != nil {
			return nil, fmt.Errorf("failed to resolve sentinel addresses: %w", err)
		}
		rc.SentinelConfig = &SentinelRunConfig{
			MasterName:    sc.MasterName,
			SentinelAddrs: addrs,
			DB:            int(sc.DB),
		}
		rc.SentinelTLS = buildRedisTLS(r.SentinelTLS, sentinelCAFile)
	}
	return &StorageRunConfig{Type: "redis", RedisConfig: rc, MaxDCRClients: maxClients}, nil
}

func buildRedisTLS(t *toolhive.RedisTLSConfig, file string) *RedisTLSRunConfig {
	if t == nil {
		return nil
	}
	rc := &RedisTLSRunConfig{InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CACertSecretRef != nil {
		rc.CACertFile = redisTLSDir + "/" + file
	}
	return rc
}

func sentinelAddrs(sc *toolhive.RedisSentinelConfig, namespace string) ([]string, error) {
	if len(sc.SentinelAddrs) > 0 {
		return sc.SentinelAddrs, nil
	}
	svc := sc.SentinelService
	if svc == nil {
		return nil, errors.New("either sentinelAddrs or sentinelService must be specified")
	}
	ns := svc.Namespace
	if ns == "" {
		ns = namespace
	}
	port := svc.Port
	if port == 0 {
		port = defaultSentinelPort
	}
	return []string{fmt.Sprintf("%s.%s.svc.cluster.local:%d", svc.Name, ns, port)}, nil
}

func buildRateLimit(r *toolhive.RegistrationRateLimitConfig) (*RegistrationRateLimitRunConfig, error) {
	if r == nil {
		return nil, nil
	}
	if r.MaxTokens < 1 {
		return nil, fmt.Errorf("registrationRateLimit.maxTokens must be >= 1, got %d", r.MaxTokens)
	}
	_, d, err := goDuration("registrationRateLimit.refillPeriod", r.RefillPeriod)
	if err != nil {
		return nil, err
	}
	if d <= 0 {
		return nil, fmt.Errorf("registrationRateLimit.refillPeriod must be positive, got %s", d)
	}
	return &RegistrationRateLimitRunConfig{
		RequestsPerSecond: float64(r.MaxTokens) / d.Seconds(),
		Burst:             int(r.MaxTokens),
	}, nil
}

func buildDelegateClients(clients []toolhive.DelegateClientConfig) ([]DelegateClientRunConfig, error) {
	out := make([]DelegateClientRunConfig, len(clients))
	for i, c := range clients {
		ref := c.ClientSecretRef
		if ref == nil || ref.Name == "" || ref.Key == "" {
			return nil, fmt.Errorf("delegateClients[%d].clientSecretRef.name and clientSecretRef.key are required", i)
		}
		out[i] = DelegateClientRunConfig{
			ClientID:           c.ClientID,
			ClientSecretEnvVar: DelegateClientSecretEnv(i),
			Scopes:             slices.Clone(c.Scopes),
			Audiences:          slices.Clone(c.Audiences),
		}
	}
	return out, nil
}

func buildSubjectBindings(in []toolhive.SubjectBinding) []JWTBearerSubjectBinding {
	out := make([]JWTBearerSubjectBinding, len(in))
	for i, b := range in {
		out[i] = JWTBearerSubjectBinding{Subject: b.Subject, AllowedResources: slices.Clone(b.AllowedResources)}
	}
	return out
}

func buildTrustedIssuers(issuers []toolhive.TrustedIssuerConfig) ([]TrustedIssuer, error) {
	out := make([]TrustedIssuer, len(issuers))
	for i, ti := range issuers {
		out[i] = TrustedIssuer{
			Name:                   ti.Name,
			IssuerURL:              ti.IssuerURL,
			ExpectedAudience:       ti.ExpectedAudience,
			JWKSURL:                ti.JwksURL,
			InsecureAllowHTTP:      ti.InsecureAllowHTTP,
			AllowPrivateIPs:        ti.AllowPrivateIPs,
			ActorClaim:             ti.ActorClaim,
			AllowedActors:          slices.Clone(ti.AllowedActors),
			ActorMatcher:           ti.ActorMatcher,
			AllowedDelegateClients: slices.Clone(ti.AllowedDelegateClients),
			AllowMayAct:            ti.AllowMayAct,
		}
		if ti.CABundleRef != nil {
			out[i].CAFilePath = issuerCAPath(i)
		}
		if g := ti.JWTBearerGrant; g != nil {
			if g.MaxAssertionAge == "" {
				return nil, fmt.Errorf("trustedIssuers[%d].jwtBearerGrant.maxAssertionAge is required", i)
			}
			age, _, err := goDuration(fmt.Sprintf("trustedIssuers[%d].jwtBearerGrant.maxAssertionAge", i), g.MaxAssertionAge)
			if err != nil {
				return nil, err
			}
			out[i].JWTBearerGrant = &JWTBearerGrantPolicy{
				MaxAssertionAge:   age,
				SubjectBindings:   buildSubjectBindings(g.SubjectBindings),
				AcceptedAudiences: slices.Clone(g.AcceptedAudiences),
			}
		}
	}
	return out, nil
}

func buildInboundGrants(g *toolhive.InboundGrantsConfig) (*InboundGrantsRunConfig, error) {
	if g == nil {
		return nil, nil
	}
	out := &InboundGrantsRunConfig{}
	for _, c := range g.SPIFFEClientAuth {
		out.SPIFFEClientAuth = append(out.SPIFFEClientAuth, SPIFFEClientAuthRunConfig{
			TrustDomainRef:   c.TrustDomainRef,
			PrincipalPattern: c.PrincipalPattern,
			ClientID:         c.ClientID,
			Methods:          slices.Clone(c.Methods),
			Resources:        slices.Clone(c.Resources),
			Audiences:        slices.Clone(c.Audiences),
			Scopes:           slices.Clone(c.Scopes),
			GrantTypes:       []string{tokenExchangeGrant},
		})
	}
	if te := g.TokenExchange; te != nil {
		clients, err := buildDelegateClients(te.DelegateClients)
		if err != nil {
			return nil, err
		}
		out.TokenExchange = &TokenExchangeInboundGrantRunConfig{DelegateClients: clients}
		for _, p := range te.IssuerPolicies {
			out.TokenExchange.IssuerPolicies = append(out.TokenExchange.IssuerPolicies, TokenExchangeIssuerPolicyRunConfig{
				IssuerRef:              p.IssuerRef,
				ExpectedAudience:       p.ExpectedAudience,
				ActorClaim:             p.ActorClaim,
				AllowedActors:          slices.Clone(p.AllowedActors),
				ActorMatcher:           p.ActorMatcher,
				AllowedDelegateClients: slices.Clone(p.AllowedDelegateClients),
				AllowMayAct:            p.AllowMayAct,
			})
		}
	}
	if jb := g.JWTBearer; jb != nil {
		out.JWTBearer = &JWTBearerInboundGrantRunConfig{}
		for i, p := range jb.IssuerPolicies {
			if p.MaxAssertionAge == "" {
				return nil, fmt.Errorf("jwtBearer.issuerPolicies[%d].maxAssertionAge is required", i)
			}
			age, _, err := goDuration(fmt.Sprintf("jwtBearer.issuerPolicies[%d].maxAssertionAge", i), p.MaxAssertionAge)
			if err != nil {
				return nil, err
			}
			out.JWTBearer.IssuerPolicies = append(out.JWTBearer.IssuerPolicies, JWTBearerIssuerPolicyRunConfig{
				IssuerRef:         p.IssuerRef,
				MaxAssertionAge:   age,
				SubjectBindings:   buildSubjectBindings(p.SubjectBindings),
				AcceptedAudiences: slices.Clone(p.AcceptedAudiences),
			})
		}
	}
	return out, nil
}

func buildSPIFFETrustDomains(domains []toolhive.SPIFFETrustDomainConfig) []SPIFFETrustDomainRunConfig {
	if len(domains) == 0 {
		return nil
	}
	out := make([]SPIFFETrustDomainRunConfig, len(domains))
	for i, d := range domains {
		src := SPIFFEBundleSourceRunConfig{Type: d.BundleSource.Type}
		if e := d.BundleSource.Endpoint; e != nil {
			src.Endpoint = &SPIFFEBundleEndpointSourceRunConfig{URL: e.URL, Profile: e.Profile}
		}
		if d.BundleSource.File != nil {
			src.File = &SPIFFEFileBundleSourceRunConfig{Path: spiffeBundlePath(i)}
		}
		if d.BundleSource.WorkloadAPI != nil {
			src.WorkloadAPI = &SPIFFEWorkloadAPIBundleSourceRunConfig{}
		}
		out[i] = SPIFFETrustDomainRunConfig{
			Name:         d.Name,
			TrustDomain:  d.TrustDomain,
			Methods:      slices.Clone(d.Methods),
			BundleSource: src,
		}
	}
	return out
}

func buildUpstreamFilter(f *toolhive.AuthServerUpstreamFilter) *GroupBasedFilterConfig {
	if f == nil {
		return nil
	}
	out := &GroupBasedFilterConfig{
		Claim:            f.Claim,
		Rules:            make([]GroupRule, len(f.Rules)),
		DefaultUpstreams: slices.Clone(f.DefaultUpstreams),
	}
	for i, r := range f.Rules {
		out.Rules[i] = GroupRule{Groups: slices.Clone(r.Groups), UpstreamProviders: slices.Clone(r.UpstreamProviders)}
	}
	return out
}
