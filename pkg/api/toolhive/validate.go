package toolhive

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// The checks each kind's own controller runs before it writes Valid (or the
// phase) into the object's status. Offline there is no such controller, so
// an object without status is judged by these, as the golden harness's
// controllers would have judged it. Messages are the operator's.

// Validate is what the MCPOIDCConfig controller checks: the sub-struct that
// matches type, then the inline issuer and JWKS URLs.
func (o *MCPOIDCConfig) Validate() error {
	sp := o.Spec
	if (sp.KubernetesServiceAccount == nil) == (sp.Type == "kubernetesServiceAccount") {
		return fmt.Errorf("kubernetesServiceAccount configuration must be set if and only if type is 'kubernetesServiceAccount'")
	}
	if (sp.Inline == nil) == (sp.Type == "inline") {
		return fmt.Errorf("inline configuration must be set if and only if type is 'inline'")
	}
	if sp.Type != "inline" {
		return nil
	}
	if err := validateIssuerURL(sp.Inline.Issuer, sp.Inline.InsecureAllowHTTP); err != nil {
		return err
	}
	return validateJWKSURL(sp.Inline.JwksURL, sp.Inline.InsecureAllowHTTP)
}

func validateIssuerURL(issuer string, insecure bool) error {
	if issuer == "" {
		return nil
	}
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		return fmt.Errorf("OIDC issuer URL %q is malformed: %w", issuer, err)
	case u.Scheme == "" || u.Host == "":
		return fmt.Errorf("OIDC issuer URL %q is malformed: missing scheme or host", issuer)
	case u.Scheme == "http" && !insecure:
		return fmt.Errorf("OIDC issuer URL %q uses HTTP scheme, which is insecure; use HTTPS or set insecureAllowHTTP: true for development only", issuer)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("OIDC issuer URL %q has unsupported scheme %q; must be http or https", issuer, u.Scheme)
	}
	return nil
}

func validateJWKSURL(raw string, insecure bool) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("JWKS URL is invalid: %w", err)
	case u.Scheme == "http" && !insecure:
		return fmt.Errorf("JWKS URL %q uses HTTP scheme, which is insecure; use HTTPS or set insecureAllowHTTP: true for development only", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("JWKS URL %q has unsupported scheme %q; must be http or https", raw, u.Scheme)
	case u.Host == "":
		return fmt.Errorf("JWKS URL must have a valid host")
	}
	return nil
}

// Validate is what the MCPExternalAuthConfig controller checks for the
// types a VirtualMCPServer can use: exactly the sub-struct of its type, and
// the awsSts, upstreamInject and xaa rules the CRD cannot express. The
// embeddedAuthServer type has rules of its own, checked where it is used.
func (c *MCPExternalAuthConfig) Validate() error {
	sp := c.Spec
	// The controller checks obo first, then the others in field order.
	mismatched := sp.configMismatches()
	if slices.Contains(mismatched, "obo") {
		return oneOfError("obo")
	}
	if len(mismatched) > 0 {
		return oneOfError(mismatched[0])
	}
	switch sp.Type {
	case "awsSts":
		return validateAWSSts(sp.AWSSts)
	case "upstreamInject":
		if sp.UpstreamInject.ProviderName == "" {
			return fmt.Errorf("upstreamInject requires a non-empty providerName")
		}
	case "tokenExchange", "headerInjection", "bearerToken", "unauthenticated", "obo", "xaa", "embeddedAuthServer":
	default:
		return fmt.Errorf("unsupported auth type: %s", sp.Type)
	}
	return nil
}

// configMismatches lists, in field order, the types whose sub-struct is set
// without being the type, or missing although it is: the CRD's one-of rules.
func (sp MCPExternalAuthConfigSpec) configMismatches() []string {
	var out []string
	for _, s := range []struct {
		typ string
		set bool
	}{
		{"tokenExchange", sp.TokenExchange != nil}, {"headerInjection", sp.HeaderInjection != nil},
		{"bearerToken", sp.BearerToken != nil}, {"embeddedAuthServer", sp.EmbeddedAuthServer != nil},
		{"awsSts", sp.AWSSts != nil}, {"upstreamInject", sp.UpstreamInject != nil},
		{"obo", sp.OBO != nil}, {"xaa", sp.XAA != nil},
	} {
		if s.set != (sp.Type == s.typ) {
			out = append(out, s.typ)
		}
	}
	return out
}

func oneOfError(typ string) error {
	return fmt.Errorf("%s configuration must be set if and only if type is '%s'", typ, typ)
}

func validateAWSSts(a *AWSStsConfig) error {
	if a.Region == "" {
		return fmt.Errorf("awsSts.region is required")
	}
	if a.FallbackRoleArn == "" && len(a.RoleMappings) == 0 {
		return fmt.Errorf("awsSts: at least one of fallbackRoleArn or roleMappings must be configured")
	}
	for i, m := range a.RoleMappings {
		switch {
		case m.RoleArn == "":
			return fmt.Errorf("awsSts.roleMappings[%d].roleArn is required", i)
		case m.Claim == "" && m.Matcher == "":
			return fmt.Errorf("awsSts.roleMappings[%d]: exactly one of claim or matcher must be set", i)
		case m.Claim != "" && m.Matcher != "":
			return fmt.Errorf("awsSts.roleMappings[%d]: claim and matcher are mutually exclusive", i)
		}
	}
	if d := a.SessionDuration; d != nil && (*d < 900 || *d > 43200) {
		return fmt.Errorf("awsSts.sessionDuration must be between 900 and 43200 seconds")
	}
	return nil
}

// Hosts and networks a remote MCP endpoint may never point at, and those
// allowed only with allowPrivateEndpoint (the operator's SSRF guard).
var (
	blockedNets     = cidrs("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "::/128", "::1/128", "fe80::/10")
	privateNets     = cidrs("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
	blockedHosts    = []string{"localhost", "kubernetes.default.svc.cluster.local", "kubernetes.default.svc", "kubernetes.default", "metadata.google.internal"}
	privateHostList = []string{"cluster.local"}
)

func cidrs(list ...string) []*net.IPNet {
	out := make([]*net.IPNet, len(list))
	for i, c := range list {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			panic(err) // constant input
		}
		out[i] = n
	}
	return out
}

// ValidateRemoteURL is the MCPServerEntry (and MCPRemoteProxy) controller's
// check of spec.remoteUrl.
func ValidateRemoteURL(raw string, allowPrivate bool) error {
	if raw == "" {
		return fmt.Errorf("remote URL must not be empty")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("remote URL is invalid: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("remote URL must use http or https scheme, got %q", u.Scheme)
	case u.Host == "":
		return fmt.Errorf("remote URL must have a valid host")
	}
	if err := hostAllowed(u.Hostname(), allowPrivate); err != nil {
		return fmt.Errorf("remote URL host is not allowed: %w", err)
	}
	return nil
}

func hostAllowed(host string, allowPrivate bool) error {
	if ip := net.ParseIP(host); ip != nil {
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		nets := blockedNets
		if !allowPrivate {
			nets = append(append([]*net.IPNet(nil), blockedNets...), privateNets...)
		}
		for _, n := range nets {
			if n.Contains(ip) {
				return fmt.Errorf("IP address %s falls within blocked range %s", host, n)
			}
		}
		return nil
	}
	names := blockedHosts
	if !allowPrivate {
		names = append(append([]string(nil), blockedHosts...), privateHostList...)
	}
	lower := strings.ToLower(host)
	for _, b := range names {
		if lower == b || strings.HasSuffix(lower, "."+b) {
			return fmt.Errorf("hostname %q matches blocked internal hostname %q", host, b)
		}
	}
	return nil
}

// admissionRules returns the CRD validation rules (x-kubernetes-validations)
// obj breaks, as the API server would refuse it at apply. The embedded auth
// server's own rules are checked where it is used (pkg/authserver).
func admissionRules(obj Object) []fieldError {
	var out []fieldError
	bad := func(path, msg string) {
		out = append(out, fieldError{Path: path, Message: msg + " (a CRD validation rule: the API server refuses the object)"})
	}
	caBundle := func(path string, cb *CABundleSource) {
		if cb != nil && (cb.ConfigMapRef == nil || cb.ConfigMapRef.Name == "") {
			bad(path, "configMapRef.name is required and must be non-empty")
		}
	}
	switch o := obj.(type) {
	case *MCPExternalAuthConfig:
		for _, typ := range o.Spec.configMismatches() {
			bad("spec", oneOfError(typ).Error())
		}
	case *MCPOIDCConfig:
		sp := o.Spec
		if (sp.KubernetesServiceAccount != nil) != (sp.Type == "kubernetesServiceAccount") {
			bad("spec", "kubernetesServiceAccount must be set when type is 'kubernetesServiceAccount', and must not be set otherwise")
		}
		if (sp.Inline != nil) != (sp.Type == "inline") {
			bad("spec", "inline must be set when type is 'inline', and must not be set otherwise")
		}
		if sp.Inline != nil {
			caBundle("spec.inline.caBundleRef", sp.Inline.CABundleRef)
		}
	case *MCPTelemetryConfig:
		if ot := o.Spec.OpenTelemetry; ot != nil {
			for _, h := range ot.SensitiveHeaders {
				if _, dup := ot.Headers[h.Name]; dup {
					bad("spec.openTelemetry", "a header name cannot appear in both headers and sensitiveHeaders")
					break
				}
			}
			caBundle("spec.openTelemetry.caBundleRef", ot.CABundleRef)
		}
	}
	return out
}

// Validate is what the MCPAuthzConfig controller checks before the Cedar
// engine sees the config: a registered backend type, a config, and for the
// HTTP PDP backend its connection and claim mapping. (Cedar policies are
// checked where the config is converted.)
func (a *MCPAuthzConfig) Validate() error {
	switch a.Spec.Type {
	case "":
		return fmt.Errorf("type must not be empty")
	case "cedarv1", "httpv1":
	default:
		return fmt.Errorf("type %q is not a registered authorizer backend (registered: [cedarv1 httpv1])", a.Spec.Type)
	}
	if len(a.Spec.Config.Raw) == 0 {
		return fmt.Errorf("config must not be empty")
	}
	if a.Spec.Type == "httpv1" {
		return ValidateHTTPPDP(a.Spec.Config.Raw)
	}
	return nil
}

// ValidateHTTPPDP checks an httpv1 authorizer's pdp options (the JSON under
// "pdp" of an authz document, or an MCPAuthzConfig's spec.config).
func ValidateHTTPPDP(raw []byte) error {
	var pdp *struct {
		HTTP *struct {
			URL string `json:"url"`
		} `json:"http"`
		ClaimMapping string `json:"claim_mapping"`
	}
	if err := json.Unmarshal(raw, &pdp); err != nil {
		return fmt.Errorf("failed to parse HTTP PDP configuration: %w", err)
	}
	switch {
	case pdp == nil:
		return fmt.Errorf("pdp configuration is required (missing 'pdp' field)")
	case pdp.HTTP == nil:
		return fmt.Errorf("http configuration is required")
	case pdp.HTTP.URL == "":
		return fmt.Errorf("http.url is required")
	case pdp.ClaimMapping == "":
		return fmt.Errorf("claim_mapping is required (valid values: mpe, standard)")
	case pdp.ClaimMapping != "mpe" && pdp.ClaimMapping != "standard":
		return fmt.Errorf("invalid claim_mapping %q (valid values: mpe, standard)", pdp.ClaimMapping)
	}
	return nil
}
