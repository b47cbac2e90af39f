package transform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/authserver"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// integrationFindings turns the ValidateAuthServerIntegration failure
// (pkg/vmcp/config/validator.go) into a result on the field the user has to
// change, with a stable rule and the fix. The operator's message is kept as the
// prefix.
func integrationFindings(out []results.Finding, rs *resolve.Server, cfg *vmcpconfig.Config, rc *authserver.RunConfig, ii authserver.IntegrationInput) []results.Finding {
	for i := range out {
		f := &out[i]
		msg := f.Message
		var oidc *vmcpconfig.OIDCConfig
		if cfg.IncomingAuth != nil {
			oidc = cfg.IncomingAuth.OIDC
		}
		switch {
		case strings.Contains(msg, "auth server issuer mismatch"):
			f.Rule, f.Field, f.CurrentValue = results.IssuerMismatch, "spec.authServerConfig.issuer", rc.Issuer
			f.Message += fmt.Sprintf("; vMCP validates the tokens its embedded auth server issues, so the issuer of MCPOIDCConfig %s must be %q: change one of the two so they match",
				oidcRefName(rs), rc.Issuer)
		case strings.Contains(msg, "incomingAuth.oidc.audience"):
			f.Rule, f.Field, f.CurrentValue = results.AudienceMismatch, "spec.incomingAuth.oidcConfigRef.audience", ii.OIDCAudience
			if oidc != nil {
				f.ProposedValue = oidc.Resource
				f.Message += fmt.Sprintf("; the auth server issues tokens for the resource URL %s (spec.incomingAuth.oidcConfigRef.resourceUrl, which defaults to the in-cluster URL): set audience to %q, or set resourceUrl to the audience",
					oidc.Resource, oidc.Resource)
			}
		case strings.Contains(msg, "requires at least one allowed audience"), strings.Contains(msg, "requires OIDC incoming auth"):
			f.Rule, f.Field, f.CurrentValue, f.ProposedValue = results.AuthServerRequiresOIDC, "spec.incomingAuth.type", ii.IncomingAuthType, "oidc"
			f.Message += fmt.Sprintf("; with spec.authServerConfig, set spec.incomingAuth to type oidc with an oidcConfigRef to an MCPOIDCConfig whose issuer is %q, or remove spec.authServerConfig", rc.Issuer)
		case strings.Contains(msg, "upstream_inject requires an embedded auth server"):
			f.Rule, f.Field = results.UpstreamInjectRequiresAuthServer, upstreamInjectField(rs, firstKey(ii.UpstreamInject))
			f.Message += "; configure spec.authServerConfig with the upstream the MCPExternalAuthConfig names, or use another outgoing auth type"
		case strings.Contains(msg, "upstream_inject providerName"):
			backend, provider := injectOffender(rc, ii)
			f.Rule, f.Field, f.CurrentValue = results.UpstreamInjectProviderUnknown, upstreamInjectField(rs, backend), provider
			f.Message += fmt.Sprintf("; set upstreamInject.providerName of the MCPExternalAuthConfig to one of the auth server's upstreams %v", upstreamNames(rc))
		}
	}
	return out
}

func oidcRefName(rs *resolve.Server) string {
	if ia := rs.VMCP.Spec.IncomingAuth; ia != nil && ia.OIDCConfigRef != nil {
		return ia.OIDCConfigRef.Name
	}
	return ""
}

// upstreamInjectField is where an outgoing strategy comes from: the default,
// a spec.outgoingAuth.backends entry, or a workload of the group.
func upstreamInjectField(rs *resolve.Server, backend string) string {
	if backend == authserver.DefaultStrategyKey {
		return "spec.outgoingAuth.default"
	}
	if o := rs.VMCP.Spec.OutgoingAuth; o != nil {
		if _, ok := o.Backends[backend]; ok {
			return "spec.outgoingAuth.backends." + backend
		}
	}
	return "spec.groupRef.name"
}

func firstKey(m map[string]string) string {
	if ks := slices.Sorted(maps.Keys(m)); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

func upstreamNames(rc *authserver.RunConfig) []string {
	names := make([]string, 0, len(rc.Upstreams))
	for _, u := range rc.Upstreams {
		n := u.Name
		if n == "" {
			n = "default"
		}
		names = append(names, n)
	}
	return names
}

// injectOffender is the first upstream_inject strategy, in sorted order,
// whose provider is not an upstream (the one the check reports).
func injectOffender(rc *authserver.RunConfig, ii authserver.IntegrationInput) (string, string) {
	names := upstreamNames(rc)
	for _, backend := range slices.Sorted(maps.Keys(ii.UpstreamInject)) {
		p := ii.UpstreamInject[backend]
		resolved := p
		if resolved == "" {
			resolved = "default"
		}
		found := false
		for _, n := range names {
			found = found || n == resolved
		}
		if !found {
			return backend, p
		}
	}
	return "", ""
}
