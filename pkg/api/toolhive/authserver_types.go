package toolhive

import corev1 "k8s.io/api/core/v1"

// SecretKeyRef names one key of a Secret in the CR's namespace.
type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// CABundleSource points at a PEM CA bundle held in a ConfigMap key.
type CABundleSource struct {
	ConfigMapRef *corev1.ConfigMapKeySelector `json:"configMapRef,omitempty"`
}

// EmbeddedAuthServerConfig is VirtualMCPServer.spec.authServerConfig and
// MCPExternalAuthConfig.spec.embeddedAuthServer (the same upstream Go type).
// Duration-like fields stay strings so an invalid value can be reported with
// its path instead of failing the whole decode.
type EmbeddedAuthServerConfig struct {
	Issuer                                    string                       `json:"issuer"`
	AuthorizationEndpointBaseURL              string                       `json:"authorizationEndpointBaseUrl,omitempty"`
	SigningKeySecretRefs                      []SecretKeyRef               `json:"signingKeySecretRefs,omitempty"`
	HmacSecretRefs                            []SecretKeyRef               `json:"hmacSecretRefs,omitempty"`
	TokenLifespans                            *TokenLifespanConfig         `json:"tokenLifespans,omitempty"`
	UpstreamProviders                         []UpstreamProviderConfig     `json:"upstreamProviders,omitempty"`
	PrimaryUpstreamProvider                   string                       `json:"primaryUpstreamProvider,omitempty"`
	BaselineClientScopes                      []string                     `json:"baselineClientScopes,omitempty"`
	Storage                                   *AuthServerStorageConfig     `json:"storage,omitempty"`
	DisableUpstreamTokenInjection             bool                         `json:"disableUpstreamTokenInjection,omitempty"`
	InsecureAllowHTTP                         bool                         `json:"insecureAllowHTTP,omitempty"`
	AllowConfidentialClientRegistration       bool                         `json:"allowConfidentialClientRegistration,omitempty"`
	AllowPrivateKeyJWTRegistration            bool                         `json:"allowPrivateKeyJWTRegistration,omitempty"`
	InsecureAllowConfidentialOverLoopbackHTTP bool                         `json:"insecureAllowConfidentialOverLoopbackHTTP,omitempty"`
	CIMD                                      *CIMDConfig                  `json:"cimd,omitempty"`
	TrustedIssuers                            []TrustedIssuerConfig        `json:"trustedIssuers,omitempty"`
	ForceConfidentialRedirectURIs             []string                     `json:"forceConfidentialRedirectUris,omitempty"`
	DelegateClients                           []DelegateClientConfig       `json:"delegateClients,omitempty"`
	SPIFFETrustDomains                        []SPIFFETrustDomainConfig    `json:"spiffeTrustDomains,omitempty"`
	InboundGrants                             *InboundGrantsConfig         `json:"inboundGrants,omitempty"`
	TLSListener                               *TLSListenerConfig           `json:"tlsListener,omitempty"`
	RegistrationRateLimit                     *RegistrationRateLimitConfig `json:"registrationRateLimit,omitempty"`
}

// TokenLifespanConfig holds Go duration strings copied verbatim into the RunConfig.
type TokenLifespanConfig struct {
	AccessTokenLifespan  string `json:"accessTokenLifespan,omitempty"`
	RefreshTokenLifespan string `json:"refreshTokenLifespan,omitempty"`
	AuthCodeLifespan     string `json:"authCodeLifespan,omitempty"`
}

// UpstreamProviderConfig is one upstream identity provider.
type UpstreamProviderConfig struct {
	Name         string                `json:"name"`
	Type         string                `json:"type"`
	OIDCConfig   *OIDCUpstreamConfig   `json:"oidcConfig,omitempty"`
	OAuth2Config *OAuth2UpstreamConfig `json:"oauth2Config,omitempty"`
}

// OIDCUpstreamConfig configures an OIDC upstream (discovery-based).
type OIDCUpstreamConfig struct {
	IssuerURL                     string             `json:"issuerUrl"`
	ClientID                      string             `json:"clientId,omitempty"`
	ClientSecretRef               *SecretKeyRef      `json:"clientSecretRef,omitempty"`
	RedirectURI                   string             `json:"redirectUri,omitempty"`
	Scopes                        []string           `json:"scopes,omitempty"`
	UserInfoOverride              *UserInfoConfig    `json:"userInfoOverride,omitempty"`
	AdditionalAuthorizationParams map[string]string  `json:"additionalAuthorizationParams,omitempty"`
	AdditionalTokenParams         map[string]string  `json:"additionalTokenParams,omitempty"`
	OmitScopeOnRefresh            bool               `json:"omitScopeOnRefresh,omitempty"`
	SubjectClaim                  string             `json:"subjectClaim,omitempty"`
	DCRConfig                     *DCRUpstreamConfig `json:"dcrConfig,omitempty"`
	CABundleRef                   *CABundleSource    `json:"caBundleRef,omitempty"`
	AllowPrivateIPs               bool               `json:"allowPrivateIPs,omitempty"`
}

// OAuth2UpstreamConfig configures a plain OAuth 2.0 upstream (explicit endpoints).
type OAuth2UpstreamConfig struct {
	AuthorizationEndpoint         string                      `json:"authorizationEndpoint"`
	TokenEndpoint                 string                      `json:"tokenEndpoint"`
	ClientID                      string                      `json:"clientId,omitempty"`
	ClientSecretRef               *SecretKeyRef               `json:"clientSecretRef,omitempty"`
	TokenEndpointAuthMethod       string                      `json:"tokenEndpointAuthMethod,omitempty"`
	RedirectURI                   string                      `json:"redirectUri,omitempty"`
	Scopes                        []string                    `json:"scopes,omitempty"`
	UserInfo                      *UserInfoConfig             `json:"userInfo,omitempty"`
	TokenResponseMapping          *TokenResponseMappingConfig `json:"tokenResponseMapping,omitempty"`
	IdentityFromToken             *IdentityFromTokenConfig    `json:"identityFromToken,omitempty"`
	AdditionalAuthorizationParams map[string]string           `json:"additionalAuthorizationParams,omitempty"`
	AdditionalTokenParams         map[string]string           `json:"additionalTokenParams,omitempty"`
	OmitScopeOnRefresh            bool                        `json:"omitScopeOnRefresh,omitempty"`
	DCRConfig                     *DCRUpstreamConfig          `json:"dcrConfig,omitempty"`
	CABundleRef                   *CABundleSource             `json:"caBundleRef,omitempty"`
	AllowPrivateIPs               bool                        `json:"allowPrivateIPs,omitempty"`
	InsecureAllowHTTP             bool                        `json:"insecureAllowHTTP,omitempty"`
}

// UserInfoConfig describes the upstream userinfo endpoint.
type UserInfoConfig struct {
	EndpointURL       string                `json:"endpointUrl"`
	HTTPMethod        string                `json:"httpMethod,omitempty"`
	AdditionalHeaders map[string]string     `json:"additionalHeaders,omitempty"`
	FieldMapping      *UserInfoFieldMapping `json:"fieldMapping,omitempty"`
}

// UserInfoFieldMapping lists userinfo claim names tried in order.
type UserInfoFieldMapping struct {
	SubjectFields []string `json:"subjectFields,omitempty"`
	NameFields    []string `json:"nameFields,omitempty"`
	EmailFields   []string `json:"emailFields,omitempty"`
}

// TokenResponseMappingConfig maps a non-standard token response.
type TokenResponseMappingConfig struct {
	AccessTokenPath  string `json:"accessTokenPath"`
	ScopePath        string `json:"scopePath,omitempty"`
	RefreshTokenPath string `json:"refreshTokenPath,omitempty"`
	ExpiresInPath    string `json:"expiresInPath,omitempty"`
}

// IdentityFromTokenConfig derives the identity from token-response fields.
type IdentityFromTokenConfig struct {
	SubjectPath string `json:"subjectPath"`
	NamePath    string `json:"namePath,omitempty"`
	EmailPath   string `json:"emailPath,omitempty"`
}

// DCRUpstreamConfig enables RFC 7591 dynamic client registration upstream.
type DCRUpstreamConfig struct {
	DiscoveryURL              string        `json:"discoveryUrl,omitempty"`
	RegistrationEndpoint      string        `json:"registrationEndpoint,omitempty"`
	InitialAccessTokenRef     *SecretKeyRef `json:"initialAccessTokenRef,omitempty"`
	RotationKey               string        `json:"rotationKey,omitempty"`
	RegistrationProbe         string        `json:"registrationProbe,omitempty"`
	RegistrationProbeInterval string        `json:"registrationProbeInterval,omitempty"`
	SoftwareID                string        `json:"softwareId,omitempty"`
	SoftwareStatement         string        `json:"softwareStatement,omitempty"`
}

// AuthServerStorageConfig selects the auth server's storage backend.
type AuthServerStorageConfig struct {
	Type          string              `json:"type,omitempty"`
	Redis         *RedisStorageConfig `json:"redis,omitempty"`
	MaxDCRClients *int32              `json:"maxDCRClients,omitempty"`
}

// RedisStorageConfig is Redis storage (standalone, cluster or Sentinel).
type RedisStorageConfig struct {
	Addr           string               `json:"addr,omitempty"`
	ClusterMode    bool                 `json:"clusterMode,omitempty"`
	SentinelConfig *RedisSentinelConfig `json:"sentinelConfig,omitempty"`
	ACLUserConfig  *RedisACLUserConfig  `json:"aclUserConfig,omitempty"`
	DialTimeout    string               `json:"dialTimeout,omitempty"`
	ReadTimeout    string               `json:"readTimeout,omitempty"`
	WriteTimeout   string               `json:"writeTimeout,omitempty"`
	TLS            *RedisTLSConfig      `json:"tls,omitempty"`
	SentinelTLS    *RedisTLSConfig      `json:"sentinelTls,omitempty"`
}

// RedisSentinelConfig locates the Sentinel quorum.
type RedisSentinelConfig struct {
	MasterName      string              `json:"masterName"`
	SentinelAddrs   []string            `json:"sentinelAddrs,omitempty"`
	SentinelService *SentinelServiceRef `json:"sentinelService,omitempty"`
	DB              int32               `json:"db,omitempty"`
}

// SentinelServiceRef names a Service used only to build a DNS address.
type SentinelServiceRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	Port      int32  `json:"port,omitempty"`
}

// RedisACLUserConfig holds the Redis ACL credentials references.
type RedisACLUserConfig struct {
	UsernameSecretRef *SecretKeyRef `json:"usernameSecretRef,omitempty"`
	PasswordSecretRef *SecretKeyRef `json:"passwordSecretRef,omitempty"`
}

// RedisTLSConfig configures TLS towards Redis or Sentinel.
type RedisTLSConfig struct {
	InsecureSkipVerify bool          `json:"insecureSkipVerify,omitempty"`
	CACertSecretRef    *SecretKeyRef `json:"caCertSecretRef,omitempty"`
}

// CIMDConfig enables OAuth Client ID Metadata Documents.
type CIMDConfig struct {
	Enabled          bool   `json:"enabled"`
	CacheMaxSize     int    `json:"cacheMaxSize,omitempty"`
	CacheFallbackTtl string `json:"cacheFallbackTtl,omitempty"`
}

// TrustedIssuerConfig is an external issuer whose tokens the auth server accepts.
type TrustedIssuerConfig struct {
	Name                   string                `json:"name,omitempty"`
	IssuerURL              string                `json:"issuerUrl"`
	ExpectedAudience       string                `json:"expectedAudience,omitempty"`
	JwksURL                string                `json:"jwksUrl,omitempty"`
	InsecureAllowHTTP      bool                  `json:"insecureAllowHTTP,omitempty"`
	AllowPrivateIPs        bool                  `json:"allowPrivateIPs,omitempty"`
	CABundleRef            *CABundleSource       `json:"caBundleRef,omitempty"`
	ActorClaim             string                `json:"actorClaim,omitempty"`
	AllowedActors          []string              `json:"allowedActors,omitempty"`
	ActorMatcher           string                `json:"actorMatcher,omitempty"`
	AllowedDelegateClients []string              `json:"allowedDelegateClients,omitempty"`
	AllowMayAct            bool                  `json:"allowMayAct,omitempty"`
	JWTBearerGrant         *JWTBearerGrantConfig `json:"jwtBearerGrant,omitempty"`
}

// JWTBearerGrantConfig enables the RFC 7523 JWT bearer grant for an issuer.
type JWTBearerGrantConfig struct {
	MaxAssertionAge   string           `json:"maxAssertionAge"`
	SubjectBindings   []SubjectBinding `json:"subjectBindings"`
	AcceptedAudiences []string         `json:"acceptedAudiences,omitempty"`
}

// SubjectBinding limits which resources a JWT-bearer subject may obtain tokens for.
type SubjectBinding struct {
	Subject          string   `json:"subject"`
	AllowedResources []string `json:"allowedResources"`
}

// DelegateClientConfig is a confidential client allowed to perform token exchange.
type DelegateClientConfig struct {
	ClientID        string        `json:"clientId"`
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`
	Scopes          []string      `json:"scopes"`
	Audiences       []string      `json:"audiences"`
}

// SPIFFETrustDomainConfig declares a SPIFFE trust domain and its bundle source.
type SPIFFETrustDomainConfig struct {
	Name         string             `json:"name"`
	TrustDomain  string             `json:"trustDomain"`
	Methods      []string           `json:"methods"`
	BundleSource SPIFFEBundleSource `json:"bundleSource"`
}

// SPIFFEBundleSource says where the trust bundle comes from.
type SPIFFEBundleSource struct {
	Type        string                   `json:"type"`
	Endpoint    *SPIFFEBundleEndpoint    `json:"endpoint,omitempty"`
	File        *SPIFFEBundleFile        `json:"file,omitempty"`
	WorkloadAPI *SPIFFEBundleWorkloadAPI `json:"workloadAPI,omitempty"`
}

// SPIFFEBundleEndpoint is a SPIFFE bundle endpoint.
type SPIFFEBundleEndpoint struct {
	URL     string `json:"url"`
	Profile string `json:"profile"`
}

// SPIFFEBundleFile is a bundle stored in a ConfigMap key.
type SPIFFEBundleFile struct {
	ConfigMapName string `json:"configMapName"`
	ConfigMapKey  string `json:"configMapKey"`
}

// SPIFFEBundleWorkloadAPI has no settings; its presence selects the Workload API.
type SPIFFEBundleWorkloadAPI struct{}

// InboundGrantsConfig is the grouped form of inbound grant configuration.
type InboundGrantsConfig struct {
	SPIFFEClientAuth []SPIFFEClientAuthConfig  `json:"spiffeClientAuth,omitempty"`
	TokenExchange    *TokenExchangeGrantConfig `json:"tokenExchange,omitempty"`
	JWTBearer        *JWTBearerInboundConfig   `json:"jwtBearer,omitempty"`
}

// SPIFFEClientAuthConfig maps SPIFFE workload identities to an OAuth client.
type SPIFFEClientAuthConfig struct {
	TrustDomainRef   string   `json:"trustDomainRef"`
	PrincipalPattern string   `json:"principalPattern"`
	ClientID         string   `json:"clientId"`
	Methods          []string `json:"methods"`
	Resources        []string `json:"resources,omitempty"`
	Audiences        []string `json:"audiences"`
	Scopes           []string `json:"scopes"`
}

// TokenExchangeGrantConfig configures RFC 8693 token exchange.
type TokenExchangeGrantConfig struct {
	DelegateClients []DelegateClientConfig      `json:"delegateClients,omitempty"`
	IssuerPolicies  []TokenExchangeIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// TokenExchangeIssuerPolicy is a per-trusted-issuer token exchange policy.
type TokenExchangeIssuerPolicy struct {
	IssuerRef              string   `json:"issuerRef"`
	ExpectedAudience       string   `json:"expectedAudience"`
	ActorClaim             string   `json:"actorClaim,omitempty"`
	AllowedActors          []string `json:"allowedActors,omitempty"`
	ActorMatcher           string   `json:"actorMatcher,omitempty"`
	AllowedDelegateClients []string `json:"allowedDelegateClients"`
	AllowMayAct            bool     `json:"allowMayAct,omitempty"`
}

// JWTBearerInboundConfig configures the RFC 7523 grant per trusted issuer.
type JWTBearerInboundConfig struct {
	IssuerPolicies []JWTBearerIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// JWTBearerIssuerPolicy is a per-trusted-issuer JWT bearer policy.
type JWTBearerIssuerPolicy struct {
	IssuerRef         string           `json:"issuerRef"`
	MaxAssertionAge   string           `json:"maxAssertionAge"`
	SubjectBindings   []SubjectBinding `json:"subjectBindings"`
	AcceptedAudiences []string         `json:"acceptedAudiences,omitempty"`
}

// TLSListenerConfig makes the auth server serve TLS itself.
type TLSListenerConfig struct {
	CertificateSecretRef *SecretKeyRef `json:"certificateSecretRef,omitempty"`
	PrivateKeySecretRef  *SecretKeyRef `json:"privateKeySecretRef,omitempty"`
}

// RegistrationRateLimitConfig is a token bucket for dynamic client registration.
type RegistrationRateLimitConfig struct {
	MaxTokens    int32  `json:"maxTokens"`
	RefillPeriod string `json:"refillPeriod"`
}

// AuthServerUpstreamFilter is spec.authServerUpstreamFilter: it selects upstreams
// per user from a claim.
type AuthServerUpstreamFilter struct {
	Claim            string               `json:"claim,omitempty"`
	Rules            []UpstreamFilterRule `json:"rules"`
	DefaultUpstreams []string             `json:"defaultUpstreams,omitempty"`
}

// UpstreamFilterRule maps claim groups to upstream provider names.
type UpstreamFilterRule struct {
	Groups            []string `json:"groups"`
	UpstreamProviders []string `json:"upstreamProviders"`
}
