package convert

import (
	"fmt"
	"maps"
	"slices"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// Source is the outgoing auth mode: "discovered" unless spec.outgoingAuth says.
func Source(v *toolhive.VirtualMCPServer) string {
	if o := v.Spec.OutgoingAuth; o != nil {
		return o.Source
	}
	return "discovered"
}

// outgoingAuth follows the two upstream builders (the converter's, and the
// controller's buildOutgoingAuthConfig): the converter's output is used in
// discovered mode and its errors are fatal; the controller's output replaces
// it in inline mode, where errors only exclude the backend. The controller
// path also runs in discovered mode, for its advisories. excluded lists
// backends whose strategy failed.
func (c *converter) outgoingAuth() (*vmcpconfig.OutgoingAuthConfig, map[string]bool, bool) {
	conv, ok := c.convertedOutgoing()
	if !ok {
		return nil, nil, false
	}
	ctrl, excluded, ok := c.controllerOutgoing()
	if !ok {
		return nil, nil, false
	}
	if Source(c.s.VMCP) == "inline" {
		return ctrl, excluded, true
	}
	return conv, excluded, true
}

// convertedOutgoing is the converter's builder (A).
func (c *converter) convertedOutgoing() (*vmcpconfig.OutgoingAuthConfig, bool) {
	o := c.s.VMCP.Spec.OutgoingAuth
	if o == nil {
		return &vmcpconfig.OutgoingAuthConfig{Source: "discovered"}, true
	}
	out := &vmcpconfig.OutgoingAuthConfig{Source: o.Source}
	if o.Default != nil {
		st, msg, rule := c.backendStrategy(*o.Default, false)
		if msg != "" {
			c.fail(results.Finding{Field: "spec.outgoingAuth.default", Rule: rule,
				Message: convertPrefix + "failed to convert outgoing auth: failed to convert default backend auth: " + msg})
			return nil, false
		}
		out.Default = st
	}
	// Sorted so the first failure reported is reproducible (upstream uses Go
	// map order).
	for _, k := range slices.Sorted(maps.Keys(o.Backends)) {
		st, msg, rule := c.backendStrategy(o.Backends[k], false)
		if msg != "" {
			c.fail(results.Finding{Field: "spec.outgoingAuth.backends." + k, Rule: rule,
				Message: convertPrefix + fmt.Sprintf("failed to convert outgoing auth: failed to convert backend auth for %s: %s", k, msg)})
			return nil, false
		}
		if out.Backends == nil {
			out.Backends = map[string]*vmcpconfig.BackendAuthStrategy{}
		}
		out.Backends[k] = st
	}
	return out, true
}

// controllerOutgoing is the controller's builder (B).
func (c *converter) controllerOutgoing() (*vmcpconfig.OutgoingAuthConfig, map[string]bool, bool) {
	v := c.s.VMCP
	o := v.Spec.OutgoingAuth
	out := &vmcpconfig.OutgoingAuthConfig{Source: Source(v), Backends: map[string]*vmcpconfig.BackendAuthStrategy{}}
	excluded := map[string]bool{}
	ok := map[string]bool{}
	advise := func(field, cond, reason, msg string) {
		c.warn(results.Finding{Field: field, Rule: results.OutgoingAuthConversionFailed, ConditionType: cond, Reason: reason, Message: msg})
	}
	if o != nil && o.Default != nil {
		st, msg, _ := c.backendStrategy(*o.Default, true)
		reason := "ConversionFailed"
		if msg == "" {
			var amb bool
			if msg, amb = c.injectSubjectProvider(st); msg != "" {
				msg = "failed to inject subject provider name: " + msg
				if amb {
					reason = "AmbiguousSubjectProvider"
				}
			}
		} else {
			msg = "failed to convert default auth config: " + msg
		}
		if msg != "" {
			advise("spec.outgoingAuth.default", "DefaultAuthConfig", reason, "Failed to convert default auth config: "+msg)
		} else {
			out.Default = st
		}
	}
	var backends map[string]toolhive.BackendAuthConfig
	if o != nil {
		backends = o.Backends
	}
	for _, w := range c.s.Workloads() {
		if w.ExternalAuthConfig == "" {
			continue
		}
		if _, overridden := backends[w.Name]; overridden {
			continue
		}
		st, msg, _ := c.externalStrategy(w.ExternalAuthConfig, true)
		reason := "ConversionFailed"
		if msg == "" {
			var amb bool
			if msg, amb = c.injectSubjectProvider(st); msg != "" && amb {
				reason = "AmbiguousSubjectProvider"
			}
		}
		if msg != "" {
			excluded[w.Name] = true
			advise("spec.groupRef.name", "DiscoveredAuthConfig-"+w.Name, reason,
				fmt.Sprintf("Failed to convert discovered auth config: %s (workload %s %s, MCPExternalAuthConfig %s)", msg, w.Kind, w.Name, w.ExternalAuthConfig))
			continue
		}
		out.Backends[w.Name] = st
		ok[w.Name] = true
	}
	for _, k := range slices.Sorted(maps.Keys(backends)) {
		st, msg, _ := c.backendStrategy(backends[k], true)
		reason := "ConversionFailed"
		if msg == "" {
			var amb bool
			if msg, amb = c.injectSubjectProvider(st); msg != "" {
				msg = "failed to inject subject provider name: " + msg
				if amb {
					reason = "AmbiguousSubjectProvider"
				}
			}
		} else {
			msg = "failed to convert backend auth config: " + msg
		}
		if msg != "" {
			if !ok[k] {
				excluded[k] = true
			}
			advise("spec.outgoingAuth.backends."+k, "BackendAuthConfig-"+k, reason, "Failed to convert backend auth config: "+msg)
			continue
		}
		out.Backends[k] = st
		ok[k] = true
		delete(excluded, k)
	}
	if len(out.Backends) == 0 {
		out.Backends = nil
	}
	return out, excluded, true
}

// backendStrategy converts one spec.outgoingAuth entry. It returns the error
// message (operator wording) and a rule tag on failure.
func (c *converter) backendStrategy(b toolhive.BackendAuthConfig, controller bool) (*vmcpconfig.BackendAuthStrategy, string, results.Rule) {
	switch b.Type {
	case "discovered":
		if controller {
			return &vmcpconfig.BackendAuthStrategy{Type: "discovered"}, "", results.Rule{}
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "unauthenticated"}, "", results.Rule{}
	case "externalAuthConfigRef":
		if b.ExternalAuthConfigRef == nil || b.ExternalAuthConfigRef.Name == "" {
			return nil, "externalAuthConfigRef type requires externalAuthConfigRef field", results.ExternalAuthRefMissing
		}
		return c.externalStrategy(b.ExternalAuthConfigRef.Name, controller)
	}
	return nil, fmt.Sprintf("unknown backend auth type: %s", b.Type), results.BackendAuthTypeUnknown
}

// externalStrategy converts an MCPExternalAuthConfig into a backend auth
// strategy, as the operator does.
func (c *converter) externalStrategy(name string, controller bool) (*vmcpconfig.BackendAuthStrategy, string, results.Rule) {
	e, found := c.s.Object(toolhive.KindMCPExternalAuthConfig, name)
	if !found {
		return nil, fmt.Sprintf("failed to get MCPExternalAuthConfig %s/%s: %s", c.s.Namespace, name, resolve.NotFound(toolhive.KindMCPExternalAuthConfig, name)) + "; add the MCPExternalAuthConfig to the input or fix the name" + c.s.WrongKindHint(toolhive.KindMCPExternalAuthConfig, name), results.ExternalAuthConfigNotFound
	}
	if e.Invalid {
		return nil, fmt.Sprintf("MCPExternalAuthConfig %s/%s is invalid; see its own error results", c.s.Namespace, name), results.ExternalAuthConfigInvalid
	}
	a := e.Obj.(*toolhive.MCPExternalAuthConfig)
	if controller {
		// The Valid condition its controller writes, whatever status the
		// input carries.
		if err := a.Validate(); err != nil {
			return nil, fmt.Sprintf("invalid (ValidationFailed): %s", err), results.ExternalAuthConfigInvalid
		}
	}
	sp := a.Spec
	switch sp.Type {
	case "tokenExchange":
		t := sp.TokenExchange
		if t == nil {
			return nil, "token exchange config is nil", results.ExternalAuthConfigInvalid
		}
		st := &vmcpconfig.TokenExchangeConfig{
			TokenURL: t.TokenURL, ClientID: t.ClientID, Audience: t.Audience,
			Scopes: cloneStrings(t.Scopes), SubjectTokenType: normalizeTokenType(t.SubjectTokenType),
			SubjectProviderName: t.SubjectProviderName,
		}
		if t.ClientSecretRef != nil {
			st.ClientSecretEnv = vmcpconfig.TokenExchangeSecretEnv(name)
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "token_exchange", TokenExchange: st}, "", results.Rule{}
	case "headerInjection":
		h := sp.HeaderInjection
		if h == nil {
			return nil, "header injection config is nil", results.ExternalAuthConfigInvalid
		}
		st := &vmcpconfig.HeaderInjectionConfig{HeaderName: h.HeaderName}
		if h.ValueSecretRef != nil {
			st.HeaderValueEnv = vmcpconfig.HeaderInjectionValueEnv(name)
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "header_injection", HeaderInjection: st}, "", results.Rule{}
	case "unauthenticated":
		return &vmcpconfig.BackendAuthStrategy{Type: "unauthenticated"}, "", results.Rule{}
	case "upstreamInject":
		u := sp.UpstreamInject
		if u == nil {
			return nil, "upstream inject config is nil", results.ExternalAuthConfigInvalid
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "upstream_inject", UpstreamInject: &vmcpconfig.UpstreamInjectConfig{ProviderName: u.ProviderName}}, "", results.Rule{}
	case "awsSts":
		s := sp.AWSSts
		if s == nil {
			return nil, "AWS STS config is nil", results.ExternalAuthConfigInvalid
		}
		st := &vmcpconfig.AWSStsConfig{
			Region: s.Region, Service: s.Service, FallbackRoleArn: s.FallbackRoleArn,
			RoleClaim: s.RoleClaim, SessionNameClaim: s.SessionNameClaim, SubjectProviderName: s.SubjectProviderName,
		}
		if s.SessionDuration != nil {
			d := *s.SessionDuration
			st.SessionDuration = &d
		}
		for _, m := range s.RoleMappings {
			rm := vmcpconfig.RoleMapping{Claim: m.Claim, Matcher: m.Matcher, RoleArn: m.RoleArn}
			if m.Priority != nil {
				p := int(*m.Priority)
				rm.Priority = &p
			}
			st.RoleMappings = append(st.RoleMappings, rm)
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "aws_sts", AWSSts: st}, "", results.Rule{}
	case "xaa":
		x := sp.XAA
		if x == nil {
			return nil, "XAA config is nil", results.ExternalAuthConfigInvalid
		}
		st := &vmcpconfig.XAAConfig{
			IdpTokenURL: x.IdpTokenURL, IdpClientID: x.IdpClientID, TargetTokenURL: x.TargetTokenURL,
			InsecureTargetTokenURL: x.InsecureTargetTokenURL, TargetClientID: x.TargetClientID,
			TargetAudience: x.TargetAudience, TargetResource: x.TargetResource, Scopes: cloneStrings(x.Scopes),
			SubjectProviderName: x.SubjectProviderName, SubjectTokenType: x.SubjectTokenType,
		}
		if controller {
			// Only the controller path names the XAA secret env vars.
			if x.IdpClientSecretRef != nil {
				st.IdpClientSecretEnv = vmcpconfig.XAAIdpSecretEnv(name)
			}
			if x.TargetClientSecretRef != nil {
				st.TargetClientSecretEnv = vmcpconfig.XAATargetSecretEnv(name)
			}
		}
		return &vmcpconfig.BackendAuthStrategy{Type: "xaa", XAA: st}, "", results.Rule{}
	case "obo":
		return nil, "failed to convert external auth config to strategy: vMCP OBO converter: on-behalf-of (OBO) external auth type requires an enterprise build" + supportedTypes, results.ExternalAuthTypeUnsupported
	}
	return nil, fmt.Sprintf("unsupported auth type: %s", sp.Type) + supportedTypes, results.ExternalAuthTypeUnsupported
}

// supportedTypes is the fix for an MCPExternalAuthConfig type vMCP cannot use.
const supportedTypes = "; vMCP outgoing auth supports MCPExternalAuthConfig types tokenExchange, headerInjection, unauthenticated, upstreamInject, awsSts and xaa (the embedded auth server is spec.authServerConfig)"

// normalizeTokenType expands the short subject token types to their URNs.
func normalizeTokenType(t string) string {
	switch t {
	case "access_token", "id_token", "jwt":
		return "urn:ietf:params:oauth:token-type:" + t
	}
	return t
}

// injectSubjectProvider defaults subjectProviderName to the first upstream of
// the embedded auth server (controller path only). The bool reports the
// ambiguous-xaa case.
func (c *converter) injectSubjectProvider(st *vmcpconfig.BackendAuthStrategy) (string, bool) {
	as := c.s.VMCP.Spec.AuthServerConfig
	if st == nil || as == nil || len(as.UpstreamProviders) == 0 {
		return "", false
	}
	first := upstreamName(as.UpstreamProviders[0].Name)
	switch {
	case st.TokenExchange != nil && st.Type == "token_exchange":
		if st.TokenExchange.SubjectProviderName == "" {
			st.TokenExchange.SubjectProviderName = first
		}
	case st.AWSSts != nil && st.Type == "aws_sts":
		if st.AWSSts.SubjectProviderName == "" {
			st.AWSSts.SubjectProviderName = first
		}
	case st.XAA != nil && st.Type == "xaa":
		if st.XAA.SubjectProviderName == "" {
			if len(as.UpstreamProviders) > 1 {
				return "SubjectProviderName must be set explicitly for xaa when more than one upstream is configured", true
			}
			st.XAA.SubjectProviderName = first
		}
	}
	return "", false
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
