package authserver

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// Condition types and reasons the operator writes for these checks.
const (
	CondAuthServerConfigValidated     = "AuthServerConfigValidated"
	CondIdentitySynthesized           = "IdentitySynthesized"
	CondAuthzUpstreamSelectionWarning = "AuthzUpstreamSelectionWarning"
	CondDeprecatedInboundGrant        = "DeprecatedInboundGrantConfiguration"

	ReasonAuthServerConfigInvalid         = "AuthServerConfigInvalid"
	ReasonAuthzPrimaryRequiresAuthServer  = "AuthzPrimaryProviderRequiresAuthServer"
	ReasonAuthzRequiresUpstream           = "AuthzRequiresUpstream"
	ReasonAuthzUpstreamUnknown            = "AuthzUpstreamUnknown"
	ReasonAuthzUpstreamAutoSelected       = "AuthzUpstreamAutoSelected"
	ReasonOAuth2UpstreamWithoutUserInfo   = "OAuth2UpstreamWithoutUserInfo"
	ReasonLegacyInboundGrantFields        = "LegacyInboundGrantFields"
	ReasonCABundleConfigMapNotFound       = "CABundleConfigMapNotFound"
	ReasonAdmissionRuleViolated           = "AdmissionRuleViolated"
	ReasonHMACSecretTooShort              = "HMACSecretTooShort"
	ReasonSigningKeyNotPrivateKey         = "SigningKeyNotPrivateKey"
	fieldAuthServerConfig                 = "spec.authServerConfig"
	fieldUpstreamFilter                   = "spec.authServerUpstreamFilter"
	fieldInlinePrimaryUpstreamProvider    = "spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider"
	fieldAuthServerPrimaryUpstreamProvide = "spec.authServerConfig.primaryUpstreamProvider"
)

// invalid is an AuthServerConfigValidated failure: the operator's message
// (or, for the offline-only checks, ours) under the rule of the check.
func invalid(rule results.Rule, field, msg string) results.Finding {
	return results.Finding{Severity: results.Error, Rule: rule, Field: field, Message: msg,
		Reason: ReasonAuthServerConfigInvalid, ConditionType: CondAuthServerConfigValidated}
}

// reserved parameters: the operator refuses them in an upstream's
// additionalAuthorizationParams / additionalTokenParams.
var (
	reservedAuthorizationParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state",
		"code_challenge", "code_challenge_method", "nonce"}
	reservedTokenParams = []string{"grant_type", "code", "redirect_uri", "client_id", "client_secret",
		"code_verifier", "refresh_token", "scope", "client_assertion", "client_assertion_type"}
)

// ValidateSpec runs the controller's inline authServerConfig checks
// (cmd/thv-operator/controllers/virtualmcpserver_controller.go): issuer, TLS
// listener, inbound grants, http issuer, something to authenticate with,
// reserved parameters. The operator stops at the first; all are returned
// here, in order.
func ValidateSpec(cfg *toolhive.EmbeddedAuthServerConfig) []results.Finding {
	if cfg == nil {
		return nil
	}
	var out []results.Finding
	if cfg.Issuer == "" {
		out = append(out, invalid(results.AuthServerConfigInvalid, fieldAuthServerConfig+".issuer", "spec.authServerConfig.issuer is required"))
	}
	if err := validateTLSListener(cfg); err != nil {
		out = append(out, invalid(results.AuthServerConfigInvalid, fieldAuthServerConfig+".tlsListener", "spec.authServerConfig: "+err.Error()))
	}
	if err := validateInboundGrants(cfg); err != nil {
		out = append(out, invalid(results.AuthServerConfigInvalid, fieldAuthServerConfig, "spec.authServerConfig: "+err.Error()))
	}
	if u, err := url.Parse(cfg.Issuer); err == nil && u.Scheme == "http" && !isLoopback(u.Host) && !cfg.InsecureAllowHTTP {
		out = append(out, invalid(results.AuthServerConfigInvalid, fieldAuthServerConfig+".issuer", fmt.Sprintf(
			"spec.authServerConfig.issuer %q uses http:// with a non-localhost host; set spec.authServerConfig.insecureAllowHTTP: true "+
				"to allow this for trusted in-cluster deployments, or use https:// for production deployments", cfg.Issuer)))
	}
	if len(cfg.UpstreamProviders) == 0 && len(cfg.DelegateClients) == 0 && cfg.InboundGrants == nil && !hasJWTBearerIssuer(cfg) {
		out = append(out, invalid(results.AuthServerConfigInvalid, fieldAuthServerConfig+".upstreamProviders",
			"spec.authServerConfig requires at least one upstream provider unless delegateClients, inboundGrants, "+
				"or a trustedIssuer with jwtBearerGrant is configured"))
	}
	for i := range cfg.UpstreamProviders {
		out = append(out, validateExtraParams(i, &cfg.UpstreamProviders[i])...)
	}
	return out
}

func hasJWTBearerIssuer(cfg *toolhive.EmbeddedAuthServerConfig) bool {
	return slices.ContainsFunc(cfg.TrustedIssuers, func(t toolhive.TrustedIssuerConfig) bool { return t.JWTBearerGrant != nil })
}

func validateExtraParams(i int, p *toolhive.UpstreamProviderConfig) []results.Finding {
	// Like the operator, read the params of whichever config is set.
	var authz, token map[string]string
	switch {
	case p.OIDCConfig != nil:
		authz, token = p.OIDCConfig.AdditionalAuthorizationParams, p.OIDCConfig.AdditionalTokenParams
	case p.OAuth2Config != nil:
		authz, token = p.OAuth2Config.AdditionalAuthorizationParams, p.OAuth2Config.AdditionalTokenParams
	}
	prefix := fmt.Sprintf("spec.authServerConfig.upstreamProviders[%d]", i)
	var out []results.Finding
	for _, k := range slices.Sorted(maps.Keys(authz)) {
		if slices.Contains(reservedAuthorizationParams, k) {
			out = append(out, invalid(results.AuthServerConfigInvalid, prefix+".additionalAuthorizationParams", fmt.Sprintf(
				"%s.additionalAuthorizationParams: reserved parameter %q is managed by the framework and cannot be overridden", prefix, k)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(token)) {
		if slices.Contains(reservedTokenParams, k) {
			out = append(out, invalid(results.AuthServerConfigInvalid, prefix+".additionalTokenParams", fmt.Sprintf(
				"%s.additionalTokenParams: reserved token parameter %q is managed by the framework and cannot be overridden", prefix, k)))
		}
	}
	if v, ok := token["resource"]; ok {
		if u, err := url.Parse(v); v == "" || err != nil || !u.IsAbs() {
			out = append(out, invalid(results.AuthServerConfigInvalid, prefix+".additionalTokenParams", fmt.Sprintf(
				"%s.additionalTokenParams: parameter \"resource\" must be a non-empty absolute URI", prefix)))
		}
	}
	return out
}

// ValidateCABundles checks every auth-server CA bundle reference as the
// controller does: its shape, the ConfigMap, the key and the PEM content.
// getConfigMap looks a ConfigMap up by name in namespace.
func ValidateCABundles(cfg *toolhive.EmbeddedAuthServerConfig, namespace string,
	getConfigMap func(name string) (*corev1.ConfigMap, bool)) []results.Finding {
	if cfg == nil {
		return nil
	}
	upstreams, issuers := caRefs(cfg)
	var out []results.Finding
	for _, r := range append(upstreams, issuers...) {
		if r.ref.ConfigMapRef != nil && r.ref.ConfigMapRef.Name != "" && refShapeError(r.ref) == nil {
			if _, ok := getConfigMap(r.ref.ConfigMapRef.Name); !ok {
				out = append(out, results.Finding{Severity: results.Error, Rule: results.CABundleConfigMapNotFound, Field: r.field,
					Message: fmt.Sprintf("failed to get CA bundle ConfigMap %q in namespace %q: configmaps %q not found",
						r.ref.ConfigMapRef.Name, namespace, r.ref.ConfigMapRef.Name),
					Reason: ReasonCABundleConfigMapNotFound})
				continue
			}
		}
		lookup := func(name, key string) ([]byte, bool) {
			cm, ok := getConfigMap(name)
			if !ok {
				return nil, false
			}
			if v, ok := cm.Data[key]; ok {
				return []byte(v), true
			}
			v, ok := cm.BinaryData[key]
			return v, ok
		}
		if _, err := resolveBundle(r, lookup); err != nil {
			out = append(out, invalid(results.CABundleInvalid, r.field, err.Error()))
		}
	}
	return out
}

// ValidateUpstreamFilter runs the controller's checks on
// spec.authServerUpstreamFilter: it needs authServerConfig, then the
// invariants of upstreamfilter's NewGroupBasedFilter.
func ValidateUpstreamFilter(filter *toolhive.AuthServerUpstreamFilter, cfg *toolhive.EmbeddedAuthServerConfig) []results.Finding {
	if filter == nil {
		return nil
	}
	if cfg == nil {
		return []results.Finding{invalid(results.UpstreamFilterInvalid, fieldUpstreamFilter, "spec.authServerUpstreamFilter requires spec.authServerConfig to be set")}
	}
	if err := groupFilterError(filter, cfg.UpstreamProviders); err != nil {
		return []results.Finding{invalid(results.UpstreamFilterInvalid, fieldUpstreamFilter, "spec.authServerUpstreamFilter: "+err.Error())}
	}
	return nil
}

func groupFilterError(f *toolhive.AuthServerUpstreamFilter, providers []toolhive.UpstreamProviderConfig) error {
	if len(providers) < 2 {
		return fmt.Errorf("group-based upstream filter requires at least two configured upstreams, got %d", len(providers))
	}
	if len(f.Rules) == 0 {
		return errors.New("group-based upstream filter requires at least one rule")
	}
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.Name
	}
	for i, r := range f.Rules {
		if len(r.Groups) == 0 {
			return fmt.Errorf("rules[%d]: groups must not be empty", i)
		}
		if err := distinctNonEmpty(r.Groups); err != nil {
			return fmt.Errorf("rules[%d]: groups %w", i, err)
		}
		if len(r.UpstreamProviders) == 0 {
			return fmt.Errorf("rules[%d]: upstreamProviders must not be empty", i)
		}
		if err := upstreamRefs(fmt.Sprintf("rules[%d].upstreamProviders", i), r.UpstreamProviders, names); err != nil {
			return err
		}
	}
	return upstreamRefs("defaultUpstreams", f.DefaultUpstreams, names)
}

func distinctNonEmpty(values []string) error {
	seen := map[string]bool{}
	for _, v := range values {
		if v == "" {
			return errors.New("must not contain empty values")
		}
		if seen[v] {
			return errors.New("must not contain duplicate values")
		}
		seen[v] = true
	}
	return nil
}

func upstreamRefs(field string, refs, names []string) error {
	if err := distinctNonEmpty(refs); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	for _, r := range refs {
		if r == names[0] {
			return fmt.Errorf("%s: must not reference the mandatory first upstream %q", field, names[0])
		}
		if !slices.Contains(names, r) {
			return fmt.Errorf("%s: %q is not a configured upstream", field, r)
		}
	}
	return nil
}

// AuthzInput is what the authz/upstream coherence checks need from incoming auth.
type AuthzInput struct {
	// AuthzConfigSet is true when spec.incomingAuth.authzConfig (not authzConfigRef) is set.
	AuthzConfigSet bool
	// InlinePrimaryUpstreamProvider is the deprecated
	// spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider.
	InlinePrimaryUpstreamProvider string
}

// ValidateAuthzCoherence runs the controller's authz/upstream coherence
// checks (AuthServerConfigValidated, AuthzUpstreamSelectionWarning). The
// explicit provider is
// authServerConfig.primaryUpstreamProvider, else the deprecated inline one.
// Like the operator, nothing is checked without an inline authzConfig.
func ValidateAuthzCoherence(cfg *toolhive.EmbeddedAuthServerConfig, in AuthzInput) []results.Finding {
	if !in.AuthzConfigSet {
		return nil
	}
	primary, field := in.InlinePrimaryUpstreamProvider, fieldInlinePrimaryUpstreamProvider
	if cfg != nil && cfg.PrimaryUpstreamProvider != "" {
		primary, field = cfg.PrimaryUpstreamProvider, fieldAuthServerPrimaryUpstreamProvide
	}
	withReason := func(rule results.Rule, reason, f, msg string) results.Finding {
		return results.Finding{Severity: results.Error, Rule: rule, Field: f, Message: msg, Reason: reason, ConditionType: CondAuthServerConfigValidated}
	}
	if cfg == nil {
		if primary == "" {
			return nil
		}
		return []results.Finding{withReason(results.AuthzPrimaryProviderRequiresAuthServer, ReasonAuthzPrimaryRequiresAuthServer, field, fmt.Sprintf(
			"primaryUpstreamProvider=%q is set but spec.authServerConfig is not configured. The field names an upstream IDP "+
				"on the embedded auth server, which is required for it to take effect. Remove primaryUpstreamProvider, "+
				"or configure spec.authServerConfig with an upstream of that name.", primary))}
	}
	if len(cfg.UpstreamProviders) == 0 {
		return []results.Finding{withReason(results.AuthzRequiresUpstream, ReasonAuthzRequiresUpstream, fieldAuthServerConfig+".upstreamProviders",
			"spec.authServerConfig is set but has no upstream providers, and spec.incomingAuth.authzConfig references claims. "+
				"Grant-only token issuance does not create the provenance-bound upstream-token entries Cedar needs to select "+
				"upstream-derived claims. Configure spec.authServerConfig.upstreamProviders with at least one upstream IDP, "+
				"or remove authServerConfig if clients will present IdP tokens directly.")}
	}
	if primary != "" {
		if !slices.ContainsFunc(cfg.UpstreamProviders, func(p toolhive.UpstreamProviderConfig) bool { return p.Name == primary }) {
			return []results.Finding{withReason(results.AuthzUpstreamUnknown, ReasonAuthzUpstreamUnknown, field, fmt.Sprintf(
				"primaryUpstreamProvider=%q does not match any upstream declared on spec.authServerConfig.upstreamProviders. "+
					"Set primaryUpstreamProvider to one of the configured upstream names, or leave it empty to default to "+
					"the first upstream.", primary))}
		}
		return nil
	}
	if len(cfg.UpstreamProviders) > 1 {
		return []results.Finding{{Severity: results.Warning, Rule: results.AuthzUpstreamAutoSelected, Field: fieldAuthServerConfig + ".upstreamProviders",
			Reason: ReasonAuthzUpstreamAutoSelected, ConditionType: CondAuthzUpstreamSelectionWarning,
			Message: fmt.Sprintf("multiple upstreamProviders configured; Cedar policies will evaluate claims from the first "+
				"upstream (%q). If another upstream should be authoritative, set "+
				"spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider explicitly, or remove or reorder the list.",
				cfg.UpstreamProviders[0].Name)}}
	}
	return nil
}

// IdentitySynthesis is the IdentitySynthesized advisory: OAuth2 upstreams with
// neither userInfo nor identityFromToken.
func IdentitySynthesis(cfg *toolhive.EmbeddedAuthServerConfig) []results.Finding {
	if cfg == nil {
		return nil
	}
	var names []string
	for _, p := range cfg.UpstreamProviders {
		if p.Type == "oauth2" && p.OAuth2Config != nil && p.OAuth2Config.UserInfo == nil && p.OAuth2Config.IdentityFromToken == nil {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	return []results.Finding{{Severity: results.Warning, Rule: results.OAuth2UpstreamWithoutUserInfo, Field: fieldAuthServerConfig + ".upstreamProviders",
		Reason: ReasonOAuth2UpstreamWithoutUserInfo, ConditionType: CondIdentitySynthesized,
		Message: fmt.Sprintf("OAuth2 upstream(s) %v have no userInfo configured; the embedded auth server will synthesize "+
			"a non-PII subject from the access token (no Name/Email claims). If a userInfo endpoint exists for these "+
			"upstreams, configure it to resolve real identity.", names)}}
}

// DeprecatedInboundGrantFields is the DeprecatedInboundGrantConfiguration
// advisory, the first thing a reconcile writes, for legacy inbound grant
// fields; nil when only canonical fields are used.
func DeprecatedInboundGrantFields(cfg *toolhive.EmbeddedAuthServerConfig) []results.Finding {
	if cfg == nil {
		return nil
	}
	const p = fieldAuthServerConfig
	var pairs []string
	for i := range cfg.TrustedIssuers {
		ti := &cfg.TrustedIssuers[i]
		if hasLegacyTokenExchangePolicy(ti) {
			pairs = append(pairs, fmt.Sprintf("%s.trustedIssuers[%d] -> %s.inboundGrants.tokenExchange.issuerPolicies", p, i, p))
		}
		if ti.JWTBearerGrant != nil {
			pairs = append(pairs, fmt.Sprintf("%s.trustedIssuers[%d].jwtBearerGrant -> %s.inboundGrants.jwtBearer.issuerPolicies", p, i, p))
		}
	}
	if len(cfg.DelegateClients) > 0 {
		pairs = append(pairs, fmt.Sprintf("%s.delegateClients -> %s.inboundGrants.tokenExchange.delegateClients", p, p))
	}
	if len(pairs) == 0 {
		return nil
	}
	return []results.Finding{{Severity: results.Warning, Rule: results.LegacyInboundGrantFields, Field: p, Reason: ReasonLegacyInboundGrantFields,
		ConditionType: CondDeprecatedInboundGrant,
		Message:       "Deprecated inbound grant fields are configured: " + strings.Join(pairs, ", ")}}
}

// BuildErrorFinding turns a Build error into the operator's message for an
// InvalidEmbeddedAuthServerConfigError (or, with legacy delegateClients, its
// "invalid delegate clients" one).
func BuildErrorFinding(cfg *toolhive.EmbeddedAuthServerConfig, err error) results.Finding {
	if cfg != nil && len(cfg.DelegateClients) > 0 {
		return invalid(results.AuthServerConfigInvalid, errorField(err), "invalid delegate clients in spec.authServerConfig: "+err.Error())
	}
	return invalid(results.AuthServerConfigInvalid, errorField(err),
		"failed to create vmcp Config from VirtualMCPServer: failed to convert auth server config: "+err.Error())
}

// DefaultStrategyKey names the default outgoing strategy in IntegrationInput.UpstreamInject.
const DefaultStrategyKey = "<default-strategy>"

// IntegrationInput is the part of the final vMCP config that
// ValidateAuthServerIntegration looks at.
type IntegrationInput struct {
	IncomingAuthType string // "oidc", "anonymous", ...
	HasOIDC          bool   // incomingAuth.oidc present
	OIDCIssuer       string
	OIDCAudience     string
	// UpstreamInject maps each outgoing backend (DefaultStrategyKey for the
	// default) using an upstream_inject strategy to its providerName.
	UpstreamInject map[string]string
}

// ValidateAuthServerIntegration is vMCP's ValidateAuthServerIntegration
// (pkg/vmcp/config/validator.go): the first failing rule, as
// "invalid auth server integration: <e>". rc is nil without authServerConfig.
func ValidateAuthServerIntegration(rc *RunConfig, in IntegrationInput) []results.Finding {
	if err := integrationError(rc, in); err != nil {
		return []results.Finding{invalid(results.AuthServerIntegration, fieldAuthServerConfig, "invalid auth server integration: "+err.Error())}
	}
	return nil
}

func integrationError(rc *RunConfig, in IntegrationInput) error {
	if rc == nil {
		if len(in.UpstreamInject) > 0 {
			return errors.New("upstream_inject requires an embedded auth server (authServer must be configured)")
		}
		return nil
	}
	if rc.Issuer == "" {
		return errors.New("auth server issuer is required")
	}
	if len(rc.Upstreams) == 0 {
		norm, err := normalizeGrants(rc)
		if err != nil {
			return fmt.Errorf("auth server inbound grants are invalid: %w", err)
		}
		jwt := slices.ContainsFunc(norm.trustedIssuers, func(t TrustedIssuer) bool { return t.JWTBearerGrant != nil })
		if len(norm.delegateClients) == 0 && !jwt {
			return errors.New("auth server requires at least one upstream unless delegate clients or a trusted issuer with JWT bearer grant is configured")
		}
	}
	if len(rc.AllowedAudiences) == 0 {
		return errors.New("auth server requires at least one allowed audience (MCP clients must send RFC 8707 resource parameter)")
	}
	if in.IncomingAuthType != "oidc" || !in.HasOIDC {
		return errors.New("embedded auth server requires OIDC incoming auth")
	}
	names := make([]string, len(rc.Upstreams))
	for i, u := range rc.Upstreams {
		names[i] = u.Name
		if names[i] == "" {
			names[i] = "default"
		}
	}
	for _, backend := range slices.Sorted(maps.Keys(in.UpstreamInject)) {
		provider := in.UpstreamInject[backend]
		resolved := provider
		if resolved == "" {
			resolved = "default"
		}
		if !slices.Contains(names, resolved) {
			return fmt.Errorf("backend %q: upstream_inject providerName %q not found in auth server upstreams", backend, provider)
		}
	}
	if rc.Issuer != in.OIDCIssuer {
		return fmt.Errorf("auth server issuer mismatch: auth server issuer %q != incomingAuth.oidc.issuer %q", rc.Issuer, in.OIDCIssuer)
	}
	if in.OIDCAudience != "" && !slices.Contains(rc.AllowedAudiences, in.OIDCAudience) {
		return fmt.Errorf("incomingAuth.oidc.audience %q not in auth server's allowed audiences %v", in.OIDCAudience, rc.AllowedAudiences)
	}
	return nil
}
