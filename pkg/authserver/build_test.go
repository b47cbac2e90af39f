package authserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

const testIssuer = "https://auth.example.com"

func ref(name, key string) *toolhive.SecretKeyRef {
	return &toolhive.SecretKeyRef{Name: name, Key: key}
}

func int32p(v int32) *int32 { return &v }

// baseConfig is a minimal valid authServerConfig: one OIDC upstream.
func baseConfig() *toolhive.EmbeddedAuthServerConfig {
	return &toolhive.EmbeddedAuthServerConfig{
		Issuer: testIssuer,
		UpstreamProviders: []toolhive.UpstreamProviderConfig{{
			Name: "okta", Type: "oidc",
			OIDCConfig: &toolhive.OIDCUpstreamConfig{IssuerURL: "https://idp.example.com", ClientID: "cid"},
		}},
	}
}

func oauth2Upstream(name string) toolhive.UpstreamProviderConfig {
	return toolhive.UpstreamProviderConfig{Name: name, Type: "oauth2", OAuth2Config: &toolhive.OAuth2UpstreamConfig{
		AuthorizationEndpoint: "https://gh.example.com/authorize", TokenEndpoint: "https://gh.example.com/token", ClientID: "gh",
		UserInfo: &toolhive.UserInfoConfig{EndpointURL: "https://gh.example.com/user"},
	}}
}

func baseInput(cfg *toolhive.EmbeddedAuthServerConfig) Input {
	return Input{Namespace: "ns", Name: "v", Config: cfg,
		AllowedAudiences: []string{"https://mcp.example.com/v"}, ResourceURL: "https://mcp.example.com/v"}
}

func redisStorage(mut func(*toolhive.RedisStorageConfig)) *toolhive.AuthServerStorageConfig {
	r := &toolhive.RedisStorageConfig{Addr: "redis:6379",
		ACLUserConfig: &toolhive.RedisACLUserConfig{PasswordSecretRef: ref("redis", "password")}}
	if mut != nil {
		mut(r)
	}
	return &toolhive.AuthServerStorageConfig{Type: "redis", Redis: r}
}

func legacyDelegate(id string) toolhive.DelegateClientConfig {
	return toolhive.DelegateClientConfig{ClientID: id, ClientSecretRef: ref("dc", "secret"),
		Scopes: []string{"openid"}, Audiences: []string{"https://mcp.example.com/v"}}
}

func TestBuildErrors(t *testing.T) {
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig)
		want   string
	}{
		"oauth2 clientId and dcrConfig": {
			reason: "ValidateOAuth2DCRConfig requires exactly one credential source",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{DiscoveryURL: "https://gh.example.com/.well-known"}
				c.UpstreamProviders = append(c.UpstreamProviders, u)
			},
			want: `upstream "gh": oauth2Config: exactly one of clientId or dcrConfig must be set`,
		},
		"oauth2 neither clientId nor dcrConfig": {
			reason: "an OAuth2 upstream without credentials cannot register",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.ClientID = ""
				c.UpstreamProviders = []toolhive.UpstreamProviderConfig{u}
			},
			want: `upstream "gh": oauth2Config: exactly one of clientId or dcrConfig must be set`,
		},
		"oauth2 dcr with clientSecretRef": {
			reason: "DCR obtains the secret at runtime",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.ClientID = ""
				u.OAuth2Config.ClientSecretRef = ref("s", "k")
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{RegistrationEndpoint: "https://gh.example.com/register"}
				c.UpstreamProviders = []toolhive.UpstreamProviderConfig{u}
			},
			want: `upstream "gh": oauth2Config: clientSecretRef must not be set when dcrConfig is set; the client_secret is obtained at runtime via Dynamic Client Registration`,
		},
		"oauth2 dcr without endpoint": {
			reason: "OAuth2 has no issuer to derive discovery from",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.ClientID = ""
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{}
				c.UpstreamProviders = []toolhive.UpstreamProviderConfig{u}
			},
			want: `upstream "gh": oauth2Config.dcrConfig: exactly one of discoveryUrl or registrationEndpoint must be set`,
		},
		"oidc dcr with both endpoints": {
			reason: "OIDC allows at most one DCR endpoint selector",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				o := c.UpstreamProviders[0].OIDCConfig
				o.ClientID = ""
				o.DCRConfig = &toolhive.DCRUpstreamConfig{DiscoveryURL: "https://a.example.com/d", RegistrationEndpoint: "https://a.example.com/r"}
			},
			want: `upstream "okta": oidcConfig.dcrConfig: at most one of discoveryUrl or registrationEndpoint may be set`,
		},
		"oidc dcr software statement too long": {
			reason: "length caps mirror the CRD MaxLength markers",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				o := c.UpstreamProviders[0].OIDCConfig
				o.ClientID = ""
				o.DCRConfig = &toolhive.DCRUpstreamConfig{SoftwareStatement: string(make([]byte, 16385))}
			},
			want: `upstream "okta": oidcConfig.dcrConfig.softwareStatement: length 16385 exceeds maximum 16384`,
		},
		"redis without redis block": {
			reason: "storage type redis needs its connection block",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = &toolhive.AuthServerStorageConfig{Type: "redis"}
			},
			want: "failed to build storage config: redis config is required when storage type is redis",
		},
		"redis addr and sentinel": {
			reason: "standalone/cluster and Sentinel are exclusive",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.SentinelConfig = &toolhive.RedisSentinelConfig{MasterName: "m", SentinelAddrs: []string{"s:26379"}}
				})
			},
			want: "failed to build storage config: addr and sentinelConfig are mutually exclusive for Redis storage",
		},
		"redis neither addr nor sentinel": {
			reason: "one connection mode is required",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) { r.Addr = "" })
			},
			want: "failed to build storage config: one of addr (standalone or cluster) or sentinelConfig (Sentinel) is required for Redis storage",
		},
		"redis without password ref": {
			reason: "ACL auth is the only Redis auth type",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.ACLUserConfig = &toolhive.RedisACLUserConfig{UsernameSecretRef: ref("u", "u")}
				})
			},
			want: "failed to build storage config: ACL user config is required for Redis storage",
		},
		"unknown storage type": {
			reason: "only memory and redis exist",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = &toolhive.AuthServerStorageConfig{Type: "etcd"}
			},
			want: "failed to build storage config: unsupported storage type: etcd",
		},
		"sentinel without addresses or service": {
			reason: "Sentinel needs static addresses or a Service to derive one",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.Addr = ""
					r.SentinelConfig = &toolhive.RedisSentinelConfig{MasterName: "m"}
				})
			},
			want: "failed to build storage config: failed to resolve sentinel addresses: either sentinelAddrs or sentinelService must be specified",
		},
		"rate limit zero tokens": {
			reason: "a bucket needs at least one token",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.RegistrationRateLimit = &toolhive.RegistrationRateLimitConfig{MaxTokens: 0, RefillPeriod: "1m"}
			},
			want: "registrationRateLimit.maxTokens must be >= 1, got 0",
		},
		"rate limit zero period": {
			reason: "requests_per_second divides by the period",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.RegistrationRateLimit = &toolhive.RegistrationRateLimitConfig{MaxTokens: 5, RefillPeriod: "0s"}
			},
			want: "registrationRateLimit.refillPeriod must be positive, got 0s",
		},
		"legacy delegate client without secret key": {
			reason: "delegate clients are confidential",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				d := legacyDelegate("agent")
				d.ClientSecretRef.Key = ""
				c.DelegateClients = []toolhive.DelegateClientConfig{d}
			},
			want: "delegateClients[0].clientSecretRef.name and clientSecretRef.key are required",
		},
		"spiffe x509 without tls listener": {
			reason: "X.509 client auth needs the auth server to terminate TLS",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.InboundGrants = &toolhive.InboundGrantsConfig{SPIFFEClientAuth: []toolhive.SPIFFEClientAuthConfig{{
					TrustDomainRef: "td", PrincipalPattern: "spiffe://example.org/a", ClientID: "a", Methods: []string{"spiffe_x509"},
				}}}
			},
			want: "tlsListener is required when SPIFFE X.509 client authentication is configured",
		},
		"tls listener missing key ref": {
			reason: "both certificate and key are needed",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TLSListener = &toolhive.TLSListenerConfig{CertificateSecretRef: ref("tls", "tls.crt")}
			},
			want: "tlsListener.certificateSecretRef and tlsListener.privateKeySecretRef are required",
		},
		"tls listener empty key name": {
			reason: "a ref with an empty name cannot be mounted",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TLSListener = &toolhive.TLSListenerConfig{CertificateSecretRef: ref("tls", "tls.crt"), PrivateKeySecretRef: ref("", "tls.key")}
			},
			want: "tlsListener.privateKeySecretRef.name and tlsListener.privateKeySecretRef.key are required",
		},
		"duplicate trusted issuer url": {
			reason: "issuer URLs key the runtime's issuer table",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://a.example.com"}, {IssuerURL: "https://a.example.com"}}
			},
			want: "trustedIssuers[1].issuerUrl duplicates trustedIssuers[0].issuerUrl",
		},
		"canonical token exchange with legacy delegate clients": {
			reason: "legacy and canonical RFC 8693 declarations cannot be mixed",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("agent")}
				c.InboundGrants = &toolhive.InboundGrantsConfig{TokenExchange: &toolhive.TokenExchangeGrantConfig{}}
			},
			want: "inboundGrants.tokenExchange conflicts with legacy delegateClients or RFC 8693 policy in trustedIssuers",
		},
		"canonical jwt bearer with legacy grant": {
			reason: "legacy and canonical RFC 7523 declarations cannot be mixed",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com",
					JWTBearerGrant: &toolhive.JWTBearerGrantConfig{MaxAssertionAge: "5m"}}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{JWTBearer: &toolhive.JWTBearerInboundConfig{}}
			},
			want: "inboundGrants.jwtBearer conflicts with legacy trustedIssuers[*].jwtBearerGrant",
		},
		"issuer ref to unnamed issuer": {
			reason: "policies bind to trusted issuers by name",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com"}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{JWTBearer: &toolhive.JWTBearerInboundConfig{
					IssuerPolicies: []toolhive.JWTBearerIssuerPolicy{{IssuerRef: "corp", MaxAssertionAge: "5m"}}}}
			},
			want: `inboundGrants.jwtBearer.issuerPolicies[0].issuerRef references unknown or unnamed trusted issuer "corp"`,
		},
		"insecure http with delegate clients": {
			reason: "client secrets must not travel in cleartext",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.InsecureAllowHTTP = true
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("agent")}
			},
			want: "insecureAllowHTTP cannot be combined with confidential client registration or delegateClients; " +
				"client secrets would be issued or used in cleartext over an unauthenticated endpoint",
		},
		"spiffe trust domain": {
			reason: "this build always rejects SPIFFE client authentication",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.SPIFFETrustDomains = []toolhive.SPIFFETrustDomainConfig{{Name: "td", TrustDomain: "example.org",
					Methods: []string{"spiffe_jwt"}, BundleSource: toolhive.SPIFFEBundleSource{Type: "workload_api",
						WorkloadAPI: &toolhive.SPIFFEBundleWorkloadAPI{}}}}
			},
			want: "invalid embedded auth server delegate clients or trusted issuers: spiffe_trust_domains: SPIFFE client authentication is not yet enforced by this build",
		},
		"delegate client scope not supported": {
			reason: "without scopes_supported the default scope set bounds delegate clients",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				d := legacyDelegate("agent")
				d.Scopes = []string{"admin"}
				c.DelegateClients = []toolhive.DelegateClientConfig{d}
			},
			want: `invalid embedded auth server delegate clients or trusted issuers: delegate_clients[agent].scopes: scope "admin" is not in scopes_supported`,
		},
		"delegate client audience not allowed": {
			reason: "delegate audiences must be a subset of allowed_audiences",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				d := legacyDelegate("agent")
				d.Audiences = []string{"https://other.example.com"}
				c.DelegateClients = []toolhive.DelegateClientConfig{d}
			},
			want: `invalid embedded auth server delegate clients or trusted issuers: delegate_clients: client_id "agent": audience "https://other.example.com" is not in allowed_audiences`,
		},
		"trusted issuer is own issuer": {
			reason: "self-issued tokens are handled separately",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: testIssuer, ExpectedAudience: "a", AllowedDelegateClients: []string{"*"}}}
			},
			want: `invalid embedded auth server delegate clients or trusted issuers: trusted_issuers: issuer_url "https://auth.example.com": ` +
				"must not equal the authorization server's own issuer; self-issued tokens are already handled separately",
		},
		"trusted issuer over http": {
			reason: "external issuers need https unless insecureAllowHTTP",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "http://corp.example.com", ExpectedAudience: "a", AllowedDelegateClients: []string{"*"}}}
			},
			want: `invalid embedded auth server delegate clients or trusted issuers: trusted_issuers: issuer_url "http://corp.example.com": ` +
				"http scheme is only allowed for localhost, use https for corp.example.com",
		},
		"trusted issuer private ips without jwks": {
			reason: "discovery must not pick the private target",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com", AllowPrivateIPs: true,
					JWTBearerGrant: &toolhive.JWTBearerGrantConfig{MaxAssertionAge: "5m"}}}
			},
			want: `invalid embedded auth server delegate clients or trusted issuers: trusted_issuers: issuer_url "https://corp.example.com": ` +
				"allow_private_ips requires jwks_url to be set explicitly; otherwise OIDC discovery — fetched from the external issuer — would choose the private target",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			rc, err := Build(baseInput(cfg))
			require.Error(t, err, tc.reason)
			assert.Nil(t, rc)
			assert.Equal(t, tc.want, err.Error(), tc.reason)
		})
	}
}

func TestBuildOutput(t *testing.T) {
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig, *Input)
		check  func(*testing.T, *RunConfig)
	}{
		"redirect defaults to resource with trailing slash trimmed": {
			reason: "redirect_uri = TrimRight(resourceURL, \"/\") + /oauth/callback",
			mutate: func(_ *toolhive.EmbeddedAuthServerConfig, in *Input) { in.ResourceURL = "https://mcp.example.com/x//" },
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, "https://mcp.example.com/x/oauth/callback", rc.Upstreams[0].OIDCConfig.RedirectURI)
			},
		},
		"explicit redirect wins": {
			reason: "a provider redirectUri is never overridden",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.UpstreamProviders[0].OIDCConfig.RedirectURI = "https://cb.example.com/cb"
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, "https://cb.example.com/cb", rc.Upstreams[0].OIDCConfig.RedirectURI)
			},
		},
		"no resource no redirect": {
			reason: "without a resource URL there is nothing to default from",
			mutate: func(_ *toolhive.EmbeddedAuthServerConfig, in *Input) { in.ResourceURL = ""; in.AllowedAudiences = nil },
			check: func(t *testing.T, rc *RunConfig) {
				assert.Empty(t, rc.Upstreams[0].OIDCConfig.RedirectURI)
				assert.Nil(t, rc.AllowedAudiences, "marshals as []")
			},
		},
		"secret env names from hyphenated provider names": {
			reason: "<P> is the name uppercased with - replaced by _",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				u := oauth2Upstream("corp-sso")
				u.OAuth2Config.ClientID = ""
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{DiscoveryURL: "https://sso.example.com/.well-known/x",
					InitialAccessTokenRef: ref("iat", "token"), RegistrationProbeInterval: "5m", RotationKey: "k1", RegistrationProbe: "none"}
				c.UpstreamProviders = append(c.UpstreamProviders, u)
				c.UpstreamProviders[0].OIDCConfig.ClientSecretRef = ref("okta", "secret")
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, "TOOLHIVE_UPSTREAM_CLIENT_SECRET_OKTA", rc.Upstreams[0].OIDCConfig.ClientSecretEnvVar)
				dcr := rc.Upstreams[1].OAuth2Config.DCRConfig
				require.NotNil(t, dcr)
				assert.Equal(t, "TOOLHIVE_UPSTREAM_DCR_INITIAL_ACCESS_TOKEN_CORP_SSO", dcr.InitialAccessTokenEnvVar)
				assert.Equal(t, "5m0s", dcr.RegistrationProbeInterval, "Go duration string like metav1.Duration")
				assert.Equal(t, "k1", dcr.RotationKey)
				assert.Empty(t, rc.Upstreams[1].OAuth2Config.ClientSecretEnvVar)
			},
		},
		"ca bundle paths use list index": {
			reason: "paths match the authserver-upstream-ca-<i> mounts",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				u := oauth2Upstream("gh")
				u.OAuth2Config.CABundleRef = &toolhive.CABundleSource{ConfigMapRef: &corev1.ConfigMapKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "ca"}}}
				c.UpstreamProviders = append(c.UpstreamProviders, u)
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Empty(t, rc.Upstreams[0].OIDCConfig.CAFilePath)
				assert.Equal(t, "/etc/toolhive/authserver/upstream-ca/1/ca.crt", rc.Upstreams[1].OAuth2Config.CAFilePath)
			},
		},
		"type-mismatched config yields name and type only": {
			reason: "the builder does not reject a provider whose matching config is nil",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.UpstreamProviders[0].Type = "oauth2"
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, UpstreamRunConfig{Name: "okta", Type: "oauth2"}, rc.Upstreams[0])
			},
		},
		"memory storage with max clients": {
			reason: "memory is rendered only to carry maxDCRClients",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.Storage = &toolhive.AuthServerStorageConfig{Type: "memory", MaxDCRClients: int32p(50)}
			},
			check: func(t *testing.T, rc *RunConfig) {
				require.NotNil(t, rc.Storage)
				assert.Equal(t, "memory", rc.Storage.Type)
				assert.Equal(t, 50, *rc.Storage.MaxDCRClients)
				assert.Nil(t, rc.Storage.RedisConfig)
			},
		},
		"memory storage without max clients": {
			reason: "plain memory storage is the runtime default and omitted",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.Storage = &toolhive.AuthServerStorageConfig{Type: "memory"}
			},
			check: func(t *testing.T, rc *RunConfig) { assert.Nil(t, rc.Storage) },
		},
		"sentinel service with namespace and port": {
			reason: "sentinel_addrs is the Service DNS name",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.Addr = ""
					r.SentinelConfig = &toolhive.RedisSentinelConfig{MasterName: "m", DB: 2,
						SentinelService: &toolhive.SentinelServiceRef{Name: "sent", Namespace: "redis", Port: 5000}}
					r.SentinelTLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("sca", "ca")}
					r.TLS = &toolhive.RedisTLSConfig{InsecureSkipVerify: true}
				})
			},
			check: func(t *testing.T, rc *RunConfig) {
				r := rc.Storage.RedisConfig
				assert.Equal(t, []string{"sent.redis.svc.cluster.local:5000"}, r.SentinelConfig.SentinelAddrs)
				assert.Equal(t, 2, r.SentinelConfig.DB)
				assert.Equal(t, "/etc/toolhive/authserver/redis-tls/sentinel-ca.crt", r.SentinelTLS.CACertFile)
				assert.Equal(t, &RedisTLSRunConfig{InsecureSkipVerify: true}, r.TLS)
				assert.Equal(t, "thv:auth:{ns:v}:", r.KeyPrefix)
				assert.Equal(t, "", r.ACLUserConfig.UsernameEnvVar)
			},
		},
		"sentinel service defaults": {
			reason: "namespace defaults to the CR's, port to 26379",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.Addr = ""
					r.SentinelConfig = &toolhive.RedisSentinelConfig{MasterName: "m", SentinelService: &toolhive.SentinelServiceRef{Name: "sent"}}
				})
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, []string{"sent.ns.svc.cluster.local:26379"}, rc.Storage.RedisConfig.SentinelConfig.SentinelAddrs)
			},
		},
		"standalone redis tls and no sentinel tls": {
			reason: "sentinel_tls only exists with sentinelConfig",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.ClusterMode = true
					r.TLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("ca", "ca.crt")}
					r.SentinelTLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("sca", "ca")}
					r.ACLUserConfig.UsernameSecretRef = ref("u", "u")
				})
				c.Storage.MaxDCRClients = int32p(7)
			},
			check: func(t *testing.T, rc *RunConfig) {
				r := rc.Storage.RedisConfig
				assert.True(t, r.ClusterMode)
				assert.Equal(t, "/etc/toolhive/authserver/redis-tls/ca.crt", r.TLS.CACertFile)
				assert.Nil(t, r.SentinelTLS)
				assert.Equal(t, EnvRedisUsername, r.ACLUserConfig.UsernameEnvVar)
				assert.Equal(t, 7, *rc.Storage.MaxDCRClients)
			},
		},
		"rate limit as requests per second": {
			reason: "requests_per_second = maxTokens / refillPeriod seconds",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.RegistrationRateLimit = &toolhive.RegistrationRateLimitConfig{MaxTokens: 10, RefillPeriod: "1m"}
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, &RegistrationRateLimitRunConfig{RequestsPerSecond: 10.0 / 60, Burst: 10}, rc.RegistrationRateLimit)
			},
		},
		"cimd only when enabled": {
			reason: "a disabled cimd block is dropped",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.CIMD = &toolhive.CIMDConfig{Enabled: false, CacheMaxSize: 3}
			},
			check: func(t *testing.T, rc *RunConfig) { assert.Nil(t, rc.CIMD) },
		},
		"legacy trusted issuer with jwt bearer grant": {
			reason: "legacy fields are copied and durations re-rendered",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com",
					JwksURL: "https://corp.example.com/jwks", CABundleRef: &toolhive.CABundleSource{},
					JWTBearerGrant: &toolhive.JWTBearerGrantConfig{MaxAssertionAge: "90s",
						SubjectBindings: []toolhive.SubjectBinding{{Subject: "svc", AllowedResources: []string{"https://mcp.example.com/v"}}}}}}
			},
			check: func(t *testing.T, rc *RunConfig) {
				require.Len(t, rc.TrustedIssuers, 1)
				ti := rc.TrustedIssuers[0]
				assert.Equal(t, "/etc/toolhive/authserver/issuer-ca/0/ca.crt", ti.CAFilePath)
				assert.Equal(t, "1m30s", ti.JWTBearerGrant.MaxAssertionAge)
				assert.Equal(t, "svc", ti.JWTBearerGrant.SubjectBindings[0].Subject)
			},
		},
		"canonical inbound grants": {
			reason: "canonical delegate clients get index-based env names; SPIFFE-free grants build",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{Name: "corp", IssuerURL: "https://corp.example.com"}}
				c.InboundGrants = &toolhive.InboundGrantsConfig{
					TokenExchange: &toolhive.TokenExchangeGrantConfig{
						DelegateClients: []toolhive.DelegateClientConfig{legacyDelegate("a"), legacyDelegate("b")},
						IssuerPolicies: []toolhive.TokenExchangeIssuerPolicy{{IssuerRef: "corp", ExpectedAudience: "vmcp",
							AllowedDelegateClients: []string{"a"}}},
					},
					JWTBearer: &toolhive.JWTBearerInboundConfig{IssuerPolicies: []toolhive.JWTBearerIssuerPolicy{{
						IssuerRef: "corp", MaxAssertionAge: "10m",
						SubjectBindings: []toolhive.SubjectBinding{{Subject: "s", AllowedResources: []string{"https://mcp.example.com/v"}}}}}},
				}
			},
			check: func(t *testing.T, rc *RunConfig) {
				te := rc.InboundGrants.TokenExchange
				assert.Equal(t, []string{"TOOLHIVE_DELEGATE_CLIENT_SECRET_0", "TOOLHIVE_DELEGATE_CLIENT_SECRET_1"},
					[]string{te.DelegateClients[0].ClientSecretEnvVar, te.DelegateClients[1].ClientSecretEnvVar})
				assert.Equal(t, "vmcp", te.IssuerPolicies[0].ExpectedAudience)
				assert.Equal(t, "10m0s", rc.InboundGrants.JWTBearer.IssuerPolicies[0].MaxAssertionAge)
				assert.Nil(t, rc.DelegateClients, "legacy list stays empty")
				assert.Empty(t, rc.TrustedIssuers[0].ExpectedAudience, "policies are not folded into the serialised issuers")
			},
		},
		"upstream filter camelCase": {
			reason: "upstream_filter copies the CR filter",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, in *Input) {
				c.UpstreamProviders = append(c.UpstreamProviders, oauth2Upstream("gh"))
				in.UpstreamFilter = &toolhive.AuthServerUpstreamFilter{Rules: []toolhive.UpstreamFilterRule{
					{Groups: []string{"eng"}, UpstreamProviders: []string{"gh"}}}}
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, &GroupBasedFilterConfig{Rules: []GroupRule{{Groups: []string{"eng"}, UpstreamProviders: []string{"gh"}}}},
					rc.UpstreamFilter)
			},
		},
		"token lifespans and flags": {
			reason: "strings and booleans are copied verbatim",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig, _ *Input) {
				c.TokenLifespans = &toolhive.TokenLifespanConfig{AuthCodeLifespan: "5m"}
				c.DisableUpstreamTokenInjection = true
				c.AllowPrivateKeyJWTRegistration = true
				c.AuthorizationEndpointBaseURL = "https://login.example.com"
				c.BaselineClientScopes = []string{"openid"}
			},
			check: func(t *testing.T, rc *RunConfig) {
				assert.Equal(t, &TokenLifespanRunConfig{AuthCodeLifespan: "5m"}, rc.TokenLifespans)
				assert.True(t, rc.DisableUpstreamTokenInjection)
				assert.True(t, rc.AllowPrivateKeyJWTRegistration)
				assert.Equal(t, "https://login.example.com", rc.AuthorizationEndpointBaseURL)
				assert.Equal(t, []string{"openid"}, rc.BaselineClientScopes)
				assert.Nil(t, rc.SigningKeyConfig, "no keys: the runtime generates an ephemeral one")
				assert.Empty(t, rc.DelegationTokenLifespan)
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			in := baseInput(cfg)
			tc.mutate(cfg, &in)
			rc, err := Build(in)
			require.NoError(t, err, tc.reason)
			tc.check(t, rc)
		})
	}
}

func TestBuildNilConfig(t *testing.T) {
	rc, err := Build(Input{Namespace: "ns", Name: "v"})
	assert.NoError(t, err)
	assert.Nil(t, rc, "no authServerConfig means no authserver-config.yaml")
}

// TestMarshalShapes pins yaml.v3 renderings the operator's output depends on.
func TestMarshalShapes(t *testing.T) {
	cases := map[string]struct {
		reason string
		rc     RunConfig
		want   string
	}{
		"empty lists without omitempty": {
			reason: "upstreams and allowed_audiences always render",
			rc:     RunConfig{SchemaVersion: SchemaVersion, Issuer: testIssuer},
			want:   "schema_version: v0.1.0\nissuer: https://auth.example.com\nupstreams: []\nallowed_audiences: []\n",
		},
		"float and camelCase filter": {
			reason: "requests_per_second uses 'g' formatting; upstream_filter keys stay camelCase",
			rc: RunConfig{SchemaVersion: SchemaVersion, Issuer: testIssuer,
				UpstreamFilter:        &GroupBasedFilterConfig{Rules: []GroupRule{{Groups: []string{"a"}, UpstreamProviders: []string{"b"}}}, DefaultUpstreams: []string{"b"}},
				RegistrationRateLimit: &RegistrationRateLimitRunConfig{RequestsPerSecond: 10.0 / 60, Burst: 10}},
			want: "schema_version: v0.1.0\nissuer: https://auth.example.com\nupstreams: []\nupstream_filter:\n    rules:\n        - groups:\n            - a\n          upstreamProviders:\n            - b\n    defaultUpstreams:\n        - b\nallowed_audiences: []\nregistration_rate_limit:\n    requests_per_second: 0.16666666666666666\n    burst: 10\n",
		},
		"workload api bundle source": {
			reason: "an empty struct pointer renders as {}",
			rc: RunConfig{SchemaVersion: SchemaVersion, Issuer: testIssuer, SPIFFETrustDomains: []SPIFFETrustDomainRunConfig{{
				Name: "td", TrustDomain: "example.org", Methods: []string{"spiffe_jwt"},
				BundleSource: SPIFFEBundleSourceRunConfig{Type: "workload_api", WorkloadAPI: &SPIFFEWorkloadAPIBundleSourceRunConfig{}}}}},
			want: "schema_version: v0.1.0\nissuer: https://auth.example.com\nupstreams: []\nallowed_audiences: []\nspiffe_trust_domains:\n    - name: td\n      trust_domain: example.org\n      methods:\n        - spiffe_jwt\n      bundle_source:\n        type: workload_api\n        workload_api: {}\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := yamlv3.Marshal(&tc.rc)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(out), tc.reason)
		})
	}
}
