package vmcpconfig

import (
	"cmp"
	"strings"
)

// The names the rendered config and the pod must agree on: env vars vMCP
// reads a secret from, and the paths files are mounted at. Kept in one place
// because config.yaml names them and the Deployment provides them
// (cmd/thv-operator/pkg/vmcpconfig/converter.go and
// cmd/thv-operator/controllers/virtualmcpserver_deployment.go).
const (
	// OIDCClientSecretEnv holds an inline MCPOIDCConfig's client secret.
	OIDCClientSecretEnv = "VMCP_OIDC_CLIENT_SECRET"
	// SessionHMACSecretEnv holds the session token binding secret.
	SessionHMACSecretEnv = "VMCP_SESSION_HMAC_SECRET"
	// SessionRedisCAPath is the session Redis TLS CA file.
	SessionRedisCAPath = "/etc/toolhive/session-redis-tls/ca.crt"
)

// OIDCCABundleDir is where an inline MCPOIDCConfig's CA bundle ConfigMap is
// mounted; the file inside is named after its key.
func OIDCCABundleDir(configMap string) string { return "/config/certs/" + configMap }

// OTelCABundleDir is where an MCPTelemetryConfig's CA bundle ConfigMap is
// mounted.
func OTelCABundleDir(configMap string) string { return "/config/certs/otel/" + configMap }

// CABundleKey is the key of a CA bundle ConfigMap reference (ca.crt when
// none is named); the mounted file has the same name.
func CABundleKey(key string) string { return cmp.Or(key, "ca.crt") }

// EntryCABundleDir is where an MCPServerEntry's CA bundle is mounted.
func EntryCABundleDir(entry string) string { return "/etc/toolhive/ca-bundles/" + entry }

// EnvSuffix turns an object name into an env var suffix the way the operator
// does: upper-case, '-' to '_', then anything outside [A-Z0-9_] to '_'
// ("my.auth-cfg" → "MY_AUTH_CFG").
func EnvSuffix(name string) string {
	// Per character, as the operator's [^A-Z0-9_] regexp replaces: a
	// multi-byte rune becomes one underscore.
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
}

// Env var names the operator gives outgoing-auth secrets.
func TokenExchangeSecretEnv(config string) string {
	return "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_" + EnvSuffix(config)
}

// HeaderInjectionValueEnv names the env var holding a header value.
func HeaderInjectionValueEnv(config string) string {
	return "TOOLHIVE_HEADER_INJECTION_VALUE_" + EnvSuffix(config)
}

// XAAIdpSecretEnv names the env var of an XAA IdP client secret.
func XAAIdpSecretEnv(config string) string {
	return "TOOLHIVE_XAA_IDP_CLIENT_SECRET_" + EnvSuffix(config)
}

// XAATargetSecretEnv names the env var of an XAA target client secret.
func XAATargetSecretEnv(config string) string {
	return "TOOLHIVE_XAA_TARGET_CLIENT_SECRET_" + EnvSuffix(config)
}
