package authserver

import (
	"fmt"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

// Mount points and env names shared by the RunConfig and the pod wiring; the
// two must agree or the auth server cannot find its secrets.
const (
	keysDir        = "/etc/toolhive/authserver/keys"
	hmacDir        = "/etc/toolhive/authserver/hmac"
	tlsDir         = "/etc/toolhive/authserver/tls"
	redisTLSDir    = "/etc/toolhive/authserver/redis-tls"
	upstreamCADir  = "/etc/toolhive/authserver/upstream-ca"
	issuerCADir    = "/etc/toolhive/authserver/issuer-ca"
	spiffeDir      = "/etc/toolhive/authserver/spiffe-bundles"
	caFileName     = "ca.crt"
	sentinelCAFile = "sentinel-ca.crt"
	tlsCertFile    = "tls.crt"
	tlsKeyFile     = "tls.key"
	spiffeBundle   = "bundle.json"

	// EnvRedisUsername and EnvRedisPassword carry the Redis ACL credentials.
	EnvRedisUsername = "TOOLHIVE_AUTH_SERVER_REDIS_USERNAME"
	EnvRedisPassword = "TOOLHIVE_AUTH_SERVER_REDIS_PASSWORD"

	envUpstreamClientSecret = "TOOLHIVE_UPSTREAM_CLIENT_SECRET_"
	envUpstreamDCRToken     = "TOOLHIVE_UPSTREAM_DCR_INITIAL_ACCESS_TOKEN_"
	envDelegateClientSecret = "TOOLHIVE_DELEGATE_CLIENT_SECRET_"

	defaultSentinelPort = 26379

	// CAChecksumAnnotation is the pod-template annotation that rolls the pod
	// when a referenced CA bundle changes.
	CAChecksumAnnotation = "toolhive.stacklok.dev/authserver-ca-checksum"

	// tokenExchangeGrant is the only grant a SPIFFE client may use.
	tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
)

func keyFileName(i int) string    { return fmt.Sprintf("key-%d.pem", i) }
func hmacFileName(i int) string   { return fmt.Sprintf("hmac-%d", i) }
func upstreamCAPath(i int) string { return fmt.Sprintf("%s/%d/%s", upstreamCADir, i, caFileName) }
func issuerCAPath(i int) string   { return fmt.Sprintf("%s/%d/%s", issuerCADir, i, caFileName) }
func spiffeBundlePath(i int) string {
	return fmt.Sprintf("%s/%d/%s", spiffeDir, i, spiffeBundle)
}

// envSuffix turns an upstream name ([a-z0-9-]) into an env-var suffix.
func envSuffix(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// UpstreamClientSecretEnv is the env var holding an upstream's client secret.
func UpstreamClientSecretEnv(provider string) string {
	return envUpstreamClientSecret + envSuffix(provider)
}

// UpstreamDCRTokenEnv is the env var holding an upstream's DCR initial access token.
func UpstreamDCRTokenEnv(provider string) string {
	return envUpstreamDCRToken + envSuffix(provider)
}

// DelegateClientSecretEnv is indexed by list position so client IDs never
// shape env names.
func DelegateClientSecretEnv(i int) string {
	return fmt.Sprintf("%s%d", envDelegateClientSecret, i)
}

// KeyPrefix is the Redis key prefix isolating one VirtualMCPServer.
func KeyPrefix(namespace, name string) string {
	return fmt.Sprintf("thv:auth:{%s:%s}:", namespace, name)
}

// providerSecretRefs returns the client-secret and DCR-token refs of the
// type-matched config only, as the operator does.
func providerSecretRefs(p *toolhive.UpstreamProviderConfig) (client, dcrToken *toolhive.SecretKeyRef) {
	switch p.Type {
	case "oidc":
		if c := p.OIDCConfig; c != nil {
			client = c.ClientSecretRef
			if c.DCRConfig != nil {
				dcrToken = c.DCRConfig.InitialAccessTokenRef
			}
		}
	case "oauth2":
		if c := p.OAuth2Config; c != nil {
			client = c.ClientSecretRef
			if c.DCRConfig != nil {
				dcrToken = c.DCRConfig.InitialAccessTokenRef
			}
		}
	}
	return client, dcrToken
}

// providerCABundle returns the type-matched caBundleRef.
func providerCABundle(p *toolhive.UpstreamProviderConfig) *toolhive.CABundleSource {
	switch p.Type {
	case "oidc":
		if p.OIDCConfig != nil {
			return p.OIDCConfig.CABundleRef
		}
	case "oauth2":
		if p.OAuth2Config != nil {
			return p.OAuth2Config.CABundleRef
		}
	}
	return nil
}

// effectiveDelegateClients is the list whose secrets are mounted: canonical
// inboundGrants.tokenExchange wins over the legacy field.
func effectiveDelegateClients(cfg *toolhive.EmbeddedAuthServerConfig) []toolhive.DelegateClientConfig {
	if cfg.InboundGrants != nil && cfg.InboundGrants.TokenExchange != nil {
		return cfg.InboundGrants.TokenExchange.DelegateClients
	}
	return cfg.DelegateClients
}
