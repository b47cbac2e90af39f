// Package authserver renders the embedded authorization server of a
// VirtualMCPServer: the authserver-config.yaml RunConfig, the pod volumes and
// env vars that carry its secrets, and the checks the operator runs on it.
//
// The structs below mirror the operator's serialised types field for field
// (order, yaml names, omitempty) so that go.yaml.in/yaml/v3 Marshal yields
// the same bytes as the operator.
package authserver

// SchemaVersion is the RunConfig schema version the operator writes.
const SchemaVersion = "v0.1.0"

// RunConfig is the content of authserver-config.yaml.
type RunConfig struct {
	SchemaVersion                             string                          `yaml:"schema_version"`
	Issuer                                    string                          `yaml:"issuer"`
	AuthorizationEndpointBaseURL              string                          `yaml:"authorization_endpoint_base_url,omitempty"`
	SigningKeyConfig                          *SigningKeyRunConfig            `yaml:"signing_key_config,omitempty"`
	HMACSecretFiles                           []string                        `yaml:"hmac_secret_files,omitempty"`
	TokenLifespans                            *TokenLifespanRunConfig         `yaml:"token_lifespans,omitempty"`
	DelegationTokenLifespan                   string                          `yaml:"delegation_token_lifespan,omitempty"`
	Upstreams                                 []UpstreamRunConfig             `yaml:"upstreams"`
	UpstreamFilter                            *GroupBasedFilterConfig         `yaml:"upstream_filter,omitempty"`
	ScopesSupported                           []string                        `yaml:"scopes_supported,omitempty"`
	BaselineClientScopes                      []string                        `yaml:"baseline_client_scopes,omitempty"`
	AllowedAudiences                          []string                        `yaml:"allowed_audiences"`
	Storage                                   *StorageRunConfig               `yaml:"storage,omitempty"`
	DisableUpstreamTokenInjection             bool                            `yaml:"disable_upstream_token_injection,omitempty"`
	CIMD                                      *CIMDRunConfig                  `yaml:"cimd,omitempty"`
	InsecureAllowHTTP                         bool                            `yaml:"insecure_allow_http,omitempty"`
	TrustedIssuers                            []TrustedIssuer                 `yaml:"trusted_issuers,omitempty"`
	AllowConfidentialClientRegistration       bool                            `yaml:"allow_confidential_client_registration,omitempty"`
	AllowPrivateKeyJWTRegistration            bool                            `yaml:"allow_private_key_jwt_registration,omitempty"`
	DeviceFlowEnabled                         bool                            `yaml:"device_flow_enabled,omitempty"`
	ForceConfidentialRedirectURIs             []string                        `yaml:"force_confidential_redirect_uris,omitempty"`
	InsecureAllowConfidentialOverLoopbackHTTP bool                            `yaml:"insecure_allow_confidential_over_loopback_http,omitempty"`
	DelegateClients                           []DelegateClientRunConfig       `yaml:"delegate_clients,omitempty"`
	SPIFFETrustDomains                        []SPIFFETrustDomainRunConfig    `yaml:"spiffe_trust_domains,omitempty"`
	InboundGrants                             *InboundGrantsRunConfig         `yaml:"inbound_grants,omitempty"`
	TLSListener                               *TLSListenerRunConfig           `yaml:"tls_listener,omitempty"`
	RegistrationRateLimit                     *RegistrationRateLimitRunConfig `yaml:"registration_rate_limit,omitempty"`
}

// TLSListenerRunConfig points the auth server at its listener certificate.
type TLSListenerRunConfig struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// RegistrationRateLimitRunConfig is the DCR token bucket.
type RegistrationRateLimitRunConfig struct {
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	Burst             int     `yaml:"burst"`
}

// DelegateClientRunConfig is a statically declared confidential client.
type DelegateClientRunConfig struct {
	ClientID                    string                       `yaml:"client_id"`
	TokenEndpointAuthMethod     string                       `yaml:"token_endpoint_auth_method,omitempty"`
	JWKSFile                    string                       `yaml:"jwks_file,omitempty"`
	TokenEndpointAuthSigningAlg string                       `yaml:"token_endpoint_auth_signing_alg,omitempty"`
	GrantTypes                  []string                     `yaml:"grant_types,omitempty"`
	RedirectURIs                []string                     `yaml:"redirect_uris,omitempty"`
	ClientSecretFile            string                       `yaml:"client_secret_file,omitempty"`
	ClientSecretEnvVar          string                       `yaml:"client_secret_env_var,omitempty"`
	Scopes                      []string                     `yaml:"scopes"`
	Audiences                   []string                     `yaml:"audiences"`
	TokenExchange               *DelegateClientTokenExchange `yaml:"token_exchange,omitempty"`
}

// DelegateClientTokenExchange is never produced by the operator; it exists so
// the model matches the upstream type.
type DelegateClientTokenExchange struct {
	SelfIssuedSubjectTokens string                               `yaml:"self_issued_subject_tokens"`
	AllowedSourceClients    []string                             `yaml:"allowed_source_clients,omitempty"`
	SubjectTokenAudiences   []string                             `yaml:"subject_token_audiences,omitempty"`
	ExchangeRefreshTokens   *DelegateClientExchangeRefreshTokens `yaml:"exchange_refresh_tokens,omitempty"`
}

// DelegateClientExchangeRefreshTokens bounds exchanged refresh tokens.
type DelegateClientExchangeRefreshTokens struct {
	IDJAGMaxLifetime        string `yaml:"id_jag_max_lifetime,omitempty"`
	RefreshTokenMaxLifetime string `yaml:"refresh_token_max_lifetime,omitempty"`
}

// SigningKeyRunConfig locates the mounted signing keys.
type SigningKeyRunConfig struct {
	KeyDir           string   `yaml:"key_dir,omitempty"`
	SigningKeyFile   string   `yaml:"signing_key_file,omitempty"`
	FallbackKeyFiles []string `yaml:"fallback_key_files,omitempty"`
}

// TokenLifespanRunConfig holds Go duration strings.
type TokenLifespanRunConfig struct {
	AccessTokenLifespan  string `yaml:"access_token_lifespan,omitempty"`
	RefreshTokenLifespan string `yaml:"refresh_token_lifespan,omitempty"`
	AuthCodeLifespan     string `yaml:"auth_code_lifespan,omitempty"`
}

// UpstreamRunConfig is one upstream identity provider.
type UpstreamRunConfig struct {
	Name         string                   `yaml:"name,omitempty"`
	DisplayName  string                   `yaml:"display_name,omitempty"`
	Type         string                   `yaml:"type"`
	OIDCConfig   *OIDCUpstreamRunConfig   `yaml:"oidc_config,omitempty"`
	OAuth2Config *OAuth2UpstreamRunConfig `yaml:"oauth2_config,omitempty"`
}

// OIDCUpstreamRunConfig is an OIDC upstream.
type OIDCUpstreamRunConfig struct {
	IssuerURL                     string             `yaml:"issuer_url"`
	ClientID                      string             `yaml:"client_id"`
	ClientSecretFile              string             `yaml:"client_secret_file,omitempty"`
	ClientSecretEnvVar            string             `yaml:"client_secret_env_var,omitempty"`
	RedirectURI                   string             `yaml:"redirect_uri,omitempty"`
	Scopes                        []string           `yaml:"scopes,omitempty"`
	UserInfoOverride              *UserInfoRunConfig `yaml:"userinfo_override,omitempty"`
	AdditionalAuthorizationParams map[string]string  `yaml:"additional_authorization_params,omitempty"`
	AdditionalTokenParams         map[string]string  `yaml:"additional_token_params,omitempty"`
	OmitScopeOnRefresh            bool               `yaml:"omit_scope_on_refresh,omitempty"`
	SubjectClaim                  string             `yaml:"subject_claim,omitempty"`
	DCRConfig                     *DCRUpstreamConfig `yaml:"dcr_config,omitempty"`
	CAFilePath                    string             `yaml:"ca_file_path,omitempty"`
	AllowPrivateIPs               bool               `yaml:"allow_private_ips,omitempty"`
	InsecureAllowHTTP             bool               `yaml:"insecure_allow_http,omitempty"`
}

// OAuth2UpstreamRunConfig is a plain OAuth 2.0 upstream.
type OAuth2UpstreamRunConfig struct {
	AuthorizationEndpoint         string                         `yaml:"authorization_endpoint"`
	TokenEndpoint                 string                         `yaml:"token_endpoint"`
	ClientID                      string                         `yaml:"client_id"`
	ClientSecretFile              string                         `yaml:"client_secret_file,omitempty"`
	ClientSecretEnvVar            string                         `yaml:"client_secret_env_var,omitempty"`
	TokenEndpointAuthMethod       string                         `yaml:"token_endpoint_auth_method,omitempty"`
	RedirectURI                   string                         `yaml:"redirect_uri,omitempty"`
	Scopes                        []string                       `yaml:"scopes,omitempty"`
	UserInfo                      *UserInfoRunConfig             `yaml:"userinfo,omitempty"`
	TokenResponseMapping          *TokenResponseMappingRunConfig `yaml:"token_response_mapping,omitempty"`
	IdentityFromToken             *IdentityFromTokenRunConfig    `yaml:"identity_from_token,omitempty"`
	AdditionalAuthorizationParams map[string]string              `yaml:"additional_authorization_params,omitempty"`
	AdditionalTokenParams         map[string]string              `yaml:"additional_token_params,omitempty"`
	OmitScopeOnRefresh            bool                           `yaml:"omit_scope_on_refresh,omitempty"`
	DCRConfig                     *DCRUpstreamConfig             `yaml:"dcr_config,omitempty"`
	CAFilePath                    string                         `yaml:"ca_file_path,omitempty"`
	AllowPrivateIPs               bool                           `yaml:"allow_private_ips,omitempty"`
	InsecureAllowHTTP             bool                           `yaml:"insecure_allow_http,omitempty"`
}

// DCRUpstreamConfig is RFC 7591 registration against an upstream.
type DCRUpstreamConfig struct {
	DiscoveryURL              string `yaml:"discovery_url,omitempty"`
	RegistrationEndpoint      string `yaml:"registration_endpoint,omitempty"`
	RotationKey               string `yaml:"rotation_key,omitempty"`
	RegistrationProbe         string `yaml:"registration_probe,omitempty"`
	RegistrationProbeInterval string `yaml:"registration_probe_interval,omitempty"`
	InitialAccessTokenFile    string `yaml:"initial_access_token_file,omitempty"`
	InitialAccessTokenEnvVar  string `yaml:"initial_access_token_env_var,omitempty"`
	SoftwareID                string `yaml:"software_id,omitempty"`
	SoftwareStatement         string `yaml:"software_statement,omitempty"`
}

// UserInfoRunConfig is the upstream userinfo endpoint.
type UserInfoRunConfig struct {
	EndpointURL       string                         `yaml:"endpoint_url"`
	HTTPMethod        string                         `yaml:"http_method,omitempty"`
	AdditionalHeaders map[string]string              `yaml:"additional_headers,omitempty"`
	FieldMapping      *UserInfoFieldMappingRunConfig `yaml:"field_mapping,omitempty"`
}

// UserInfoFieldMappingRunConfig lists claim names tried in order.
type UserInfoFieldMappingRunConfig struct {
	SubjectFields []string `yaml:"subject_fields,omitempty"`
	NameFields    []string `yaml:"name_fields,omitempty"`
	EmailFields   []string `yaml:"email_fields,omitempty"`
}

// TokenResponseMappingRunConfig maps a non-standard token response.
type TokenResponseMappingRunConfig struct {
	AccessTokenPath  string `yaml:"access_token_path"`
	ScopePath        string `yaml:"scope_path,omitempty"`
	RefreshTokenPath string `yaml:"refresh_token_path,omitempty"`
	ExpiresInPath    string `yaml:"expires_in_path,omitempty"`
}

// IdentityFromTokenRunConfig reads identity from the token response.
type IdentityFromTokenRunConfig struct {
	SubjectPath string `yaml:"subject_path"`
	NamePath    string `yaml:"name_path,omitempty"`
	EmailPath   string `yaml:"email_path,omitempty"`
}

// CIMDRunConfig enables client ID metadata documents.
type CIMDRunConfig struct {
	Enabled          bool   `yaml:"enabled"`
	CacheMaxSize     int    `yaml:"cache_max_size,omitempty"`
	CacheFallbackTTL string `yaml:"cache_fallback_ttl,omitempty"`
}

// InboundGrantsRunConfig is the canonical inbound grant configuration.
type InboundGrantsRunConfig struct {
	SPIFFEClientAuth []SPIFFEClientAuthRunConfig         `yaml:"spiffe_client_auth,omitempty"`
	TokenExchange    *TokenExchangeInboundGrantRunConfig `yaml:"token_exchange,omitempty"`
	JWTBearer        *JWTBearerInboundGrantRunConfig     `yaml:"jwt_bearer,omitempty"`
}

// SPIFFEClientAuthRunConfig maps SPIFFE identities to a client.
type SPIFFEClientAuthRunConfig struct {
	TrustDomainRef   string   `yaml:"trust_domain_ref"`
	PrincipalPattern string   `yaml:"principal_pattern"`
	ClientID         string   `yaml:"client_id"`
	Methods          []string `yaml:"methods"`
	Resources        []string `yaml:"resources,omitempty"`
	Audiences        []string `yaml:"audiences"`
	Scopes           []string `yaml:"scopes"`
	GrantTypes       []string `yaml:"grant_types"`
}

// SPIFFETrustDomainRunConfig is a declared SPIFFE trust domain.
type SPIFFETrustDomainRunConfig struct {
	Name         string                      `yaml:"name"`
	TrustDomain  string                      `yaml:"trust_domain"`
	Methods      []string                    `yaml:"methods"`
	BundleSource SPIFFEBundleSourceRunConfig `yaml:"bundle_source"`
}

// SPIFFEBundleSourceRunConfig says where a trust bundle comes from.
type SPIFFEBundleSourceRunConfig struct {
	Type        string                                  `yaml:"type"`
	Endpoint    *SPIFFEBundleEndpointSourceRunConfig    `yaml:"endpoint,omitempty"`
	File        *SPIFFEFileBundleSourceRunConfig        `yaml:"file,omitempty"`
	WorkloadAPI *SPIFFEWorkloadAPIBundleSourceRunConfig `yaml:"workload_api,omitempty"`
}

// SPIFFEBundleEndpointSourceRunConfig is a bundle endpoint.
type SPIFFEBundleEndpointSourceRunConfig struct {
	URL     string `yaml:"url"`
	Profile string `yaml:"profile"`
}

// SPIFFEFileBundleSourceRunConfig is a mounted bundle file.
type SPIFFEFileBundleSourceRunConfig struct {
	Path string `yaml:"path"`
}

// SPIFFEWorkloadAPIBundleSourceRunConfig has no settings.
type SPIFFEWorkloadAPIBundleSourceRunConfig struct{}

// TokenExchangeInboundGrantRunConfig configures RFC 8693 token exchange.
type TokenExchangeInboundGrantRunConfig struct {
	DelegateClients []DelegateClientRunConfig            `yaml:"delegate_clients,omitempty"`
	IssuerPolicies  []TokenExchangeIssuerPolicyRunConfig `yaml:"issuer_policies,omitempty"`
}

// TokenExchangeIssuerPolicyRunConfig binds RFC 8693 policy to a trusted issuer.
type TokenExchangeIssuerPolicyRunConfig struct {
	IssuerRef              string   `yaml:"issuer_ref"`
	ExpectedAudience       string   `yaml:"expected_audience"`
	ActorClaim             string   `yaml:"actor_claim,omitempty"`
	AllowedActors          []string `yaml:"allowed_actors,omitempty"`
	ActorMatcher           string   `yaml:"actor_matcher,omitempty"`
	AllowedDelegateClients []string `yaml:"allowed_delegate_clients"`
	AllowMayAct            bool     `yaml:"allow_may_act,omitempty"`
}

// JWTBearerInboundGrantRunConfig configures the RFC 7523 grant.
type JWTBearerInboundGrantRunConfig struct {
	IssuerPolicies []JWTBearerIssuerPolicyRunConfig `yaml:"issuer_policies,omitempty"`
}

// JWTBearerIssuerPolicyRunConfig binds RFC 7523 policy to a trusted issuer.
type JWTBearerIssuerPolicyRunConfig struct {
	IssuerRef         string                    `yaml:"issuer_ref"`
	MaxAssertionAge   string                    `yaml:"max_assertion_age"`
	SubjectBindings   []JWTBearerSubjectBinding `yaml:"subject_bindings"`
	AcceptedAudiences []string                  `yaml:"accepted_audiences,omitempty"`
}

// StorageRunConfig selects the storage backend.
type StorageRunConfig struct {
	Type          string          `yaml:"type,omitempty"`
	RedisConfig   *RedisRunConfig `yaml:"redis_config,omitempty"`
	MaxDCRClients *int            `yaml:"max_dcr_clients,omitempty"`
}

// RedisRunConfig is Redis storage.
type RedisRunConfig struct {
	Addr           string             `yaml:"addr,omitempty"`
	ClusterMode    bool               `yaml:"cluster_mode,omitempty"`
	SentinelConfig *SentinelRunConfig `yaml:"sentinel_config,omitempty"`
	AuthType       string             `yaml:"auth_type"`
	ACLUserConfig  *ACLUserRunConfig  `yaml:"acl_user_config,omitempty"`
	KeyPrefix      string             `yaml:"key_prefix"`
	DialTimeout    string             `yaml:"dial_timeout,omitempty"`
	ReadTimeout    string             `yaml:"read_timeout,omitempty"`
	WriteTimeout   string             `yaml:"write_timeout,omitempty"`
	TLS            *RedisTLSRunConfig `yaml:"tls,omitempty"`
	SentinelTLS    *RedisTLSRunConfig `yaml:"sentinel_tls,omitempty"`
}

// SentinelRunConfig locates the Sentinel quorum.
type SentinelRunConfig struct {
	MasterName    string   `yaml:"master_name"`
	SentinelAddrs []string `yaml:"sentinel_addrs"`
	DB            int      `yaml:"db,omitempty"`
}

// ACLUserRunConfig names the env vars holding Redis ACL credentials.
type ACLUserRunConfig struct {
	UsernameEnvVar string `yaml:"username_env_var"`
	PasswordEnvVar string `yaml:"password_env_var"`
}

// RedisTLSRunConfig configures TLS towards Redis.
type RedisTLSRunConfig struct {
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify,omitempty"`
	CACertFile         string `yaml:"ca_cert_file,omitempty"`
}

// TrustedIssuer is an external issuer whose tokens are accepted.
type TrustedIssuer struct {
	Name                   string                `yaml:"name,omitempty"`
	IssuerURL              string                `yaml:"issuer_url"`
	ExpectedAudience       string                `yaml:"expected_audience"`
	JWKSURL                string                `yaml:"jwks_url,omitempty"`
	InsecureAllowHTTP      bool                  `yaml:"insecure_allow_http,omitempty"`
	AllowPrivateIPs        bool                  `yaml:"allow_private_ips,omitempty"`
	CAFilePath             string                `yaml:"ca_file_path,omitempty"`
	ActorClaim             string                `yaml:"actor_claim,omitempty"`
	AllowedActors          []string              `yaml:"allowed_actors,omitempty"`
	ActorMatcher           string                `yaml:"actor_matcher,omitempty"`
	AllowedDelegateClients []string              `yaml:"allowed_delegate_clients,omitempty"`
	AllowMayAct            bool                  `yaml:"allow_may_act,omitempty"`
	JWTBearerGrant         *JWTBearerGrantPolicy `yaml:"jwt_bearer_grant,omitempty"`
}

// JWTBearerGrantPolicy is the legacy per-issuer RFC 7523 policy.
type JWTBearerGrantPolicy struct {
	MaxAssertionAge   string                    `yaml:"max_assertion_age"`
	SubjectBindings   []JWTBearerSubjectBinding `yaml:"subject_bindings"`
	AcceptedAudiences []string                  `yaml:"accepted_audiences,omitempty"`
}

// JWTBearerSubjectBinding limits the resources a subject may obtain.
type JWTBearerSubjectBinding struct {
	Subject          string   `yaml:"subject"`
	AllowedResources []string `yaml:"allowed_resources"`
}

// GroupBasedFilterConfig is upstream_filter; its keys are camelCase upstream too.
type GroupBasedFilterConfig struct {
	Claim            string      `yaml:"claim,omitempty"`
	Rules            []GroupRule `yaml:"rules"`
	DefaultUpstreams []string    `yaml:"defaultUpstreams,omitempty"`
}

// GroupRule maps claim groups to upstream names.
type GroupRule struct {
	Groups            []string `yaml:"groups"`
	UpstreamProviders []string `yaml:"upstreamProviders"`
}
