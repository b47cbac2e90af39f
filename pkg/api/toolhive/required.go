package toolhive

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// authServerRequired are the required properties of EmbeddedAuthServerConfig
// (spec.authServerConfig of a VirtualMCPServer, spec.embeddedAuthServer of an
// MCPExternalAuthConfig), relative to it.
var authServerRequired = []string{
	"delegateClients[].audiences",
	"delegateClients[].clientId",
	"delegateClients[].clientSecretRef",
	"delegateClients[].clientSecretRef.key",
	"delegateClients[].clientSecretRef.name",
	"delegateClients[].scopes",
	"hmacSecretRefs[].key",
	"hmacSecretRefs[].name",
	"inboundGrants.jwtBearer.issuerPolicies[].issuerRef",
	"inboundGrants.jwtBearer.issuerPolicies[].maxAssertionAge",
	"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings",
	"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings[].allowedResources",
	"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings[].subject",
	"inboundGrants.spiffeClientAuth[].audiences",
	"inboundGrants.spiffeClientAuth[].clientId",
	"inboundGrants.spiffeClientAuth[].methods",
	"inboundGrants.spiffeClientAuth[].principalPattern",
	"inboundGrants.spiffeClientAuth[].scopes",
	"inboundGrants.spiffeClientAuth[].trustDomainRef",
	"inboundGrants.tokenExchange.delegateClients[].audiences",
	"inboundGrants.tokenExchange.delegateClients[].clientId",
	"inboundGrants.tokenExchange.delegateClients[].clientSecretRef",
	"inboundGrants.tokenExchange.delegateClients[].clientSecretRef.key",
	"inboundGrants.tokenExchange.delegateClients[].clientSecretRef.name",
	"inboundGrants.tokenExchange.delegateClients[].scopes",
	"inboundGrants.tokenExchange.issuerPolicies[].allowedDelegateClients",
	"inboundGrants.tokenExchange.issuerPolicies[].expectedAudience",
	"inboundGrants.tokenExchange.issuerPolicies[].issuerRef",
	"issuer",
	"registrationRateLimit.maxTokens",
	"registrationRateLimit.refillPeriod",
	"signingKeySecretRefs[].key",
	"signingKeySecretRefs[].name",
	"spiffeTrustDomains[].bundleSource",
	"spiffeTrustDomains[].bundleSource.endpoint.profile",
	"spiffeTrustDomains[].bundleSource.endpoint.url",
	"spiffeTrustDomains[].bundleSource.file.configMapKey",
	"spiffeTrustDomains[].bundleSource.file.configMapName",
	"spiffeTrustDomains[].bundleSource.type",
	"spiffeTrustDomains[].methods",
	"spiffeTrustDomains[].name",
	"spiffeTrustDomains[].trustDomain",
	"storage.redis.aclUserConfig",
	"storage.redis.aclUserConfig.passwordSecretRef",
	"storage.redis.aclUserConfig.passwordSecretRef.key",
	"storage.redis.aclUserConfig.passwordSecretRef.name",
	"storage.redis.aclUserConfig.usernameSecretRef.key",
	"storage.redis.aclUserConfig.usernameSecretRef.name",
	"storage.redis.sentinelConfig.masterName",
	"storage.redis.sentinelConfig.sentinelService.name",
	"storage.redis.sentinelTls.caCertSecretRef.key",
	"storage.redis.sentinelTls.caCertSecretRef.name",
	"storage.redis.tls.caCertSecretRef.key",
	"storage.redis.tls.caCertSecretRef.name",
	"tlsListener.certificateSecretRef",
	"tlsListener.certificateSecretRef.key",
	"tlsListener.certificateSecretRef.name",
	"tlsListener.privateKeySecretRef",
	"tlsListener.privateKeySecretRef.key",
	"tlsListener.privateKeySecretRef.name",
	"trustedIssuers[].caBundleRef.configMapRef.key",
	"trustedIssuers[].issuerUrl",
	"trustedIssuers[].jwtBearerGrant.maxAssertionAge",
	"trustedIssuers[].jwtBearerGrant.subjectBindings",
	"trustedIssuers[].jwtBearerGrant.subjectBindings[].allowedResources",
	"trustedIssuers[].jwtBearerGrant.subjectBindings[].subject",
	"upstreamProviders[].name",
	"upstreamProviders[].oauth2Config.authorizationEndpoint",
	"upstreamProviders[].oauth2Config.caBundleRef.configMapRef.key",
	"upstreamProviders[].oauth2Config.clientSecretRef.key",
	"upstreamProviders[].oauth2Config.clientSecretRef.name",
	"upstreamProviders[].oauth2Config.dcrConfig.initialAccessTokenRef.key",
	"upstreamProviders[].oauth2Config.dcrConfig.initialAccessTokenRef.name",
	"upstreamProviders[].oauth2Config.identityFromToken.subjectPath",
	"upstreamProviders[].oauth2Config.tokenEndpoint",
	"upstreamProviders[].oauth2Config.tokenResponseMapping.accessTokenPath",
	"upstreamProviders[].oauth2Config.userInfo.endpointUrl",
	"upstreamProviders[].oidcConfig.caBundleRef.configMapRef.key",
	"upstreamProviders[].oidcConfig.clientSecretRef.key",
	"upstreamProviders[].oidcConfig.clientSecretRef.name",
	"upstreamProviders[].oidcConfig.dcrConfig.initialAccessTokenRef.key",
	"upstreamProviders[].oidcConfig.dcrConfig.initialAccessTokenRef.name",
	"upstreamProviders[].oidcConfig.issuerUrl",
	"upstreamProviders[].oidcConfig.userInfoOverride.endpointUrl",
	"upstreamProviders[].type",
}

// requiredPaths are the properties the ToolHive v0.62.0 CRDs (v1beta1; the same in v0.63.0) mark
// required and do not default, as schema paths ("[]" is every list item,
// "{}" every map value). The API server rejects an object that lacks one
// whose parent is present, so the operator never sees it.
var requiredPaths = map[string][]string{
	KindVirtualMCPServer: append([]string{
		"spec.authServerUpstreamFilter.rules",
		"spec.authServerUpstreamFilter.rules[].groups",
		"spec.authServerUpstreamFilter.rules[].upstreamProviders",
		"spec.config.aggregation.tools[].toolConfigRef.name",
		"spec.config.aggregation.tools[].workload",
		"spec.config.backends[].name",
		"spec.config.backends[].transport",
		"spec.config.backends[].url",
		"spec.config.compositeToolRefs[].name",
		"spec.config.compositeTools[].name",
		"spec.config.compositeTools[].output.properties",
		"spec.config.compositeTools[].output.properties{}.type",
		"spec.config.compositeTools[].steps",
		"spec.config.compositeTools[].steps[].id",
		"spec.config.incomingAuth.authz.type",
		"spec.config.incomingAuth.oidc.audience",
		"spec.config.incomingAuth.oidc.clientId",
		"spec.config.incomingAuth.oidc.issuer",
		"spec.config.incomingAuth.type",
		"spec.config.outgoingAuth.backends{}.awsSts.region",
		"spec.config.outgoingAuth.backends{}.awsSts.roleMappings[].roleArn",
		"spec.config.outgoingAuth.backends{}.headerInjection.headerName",
		"spec.config.outgoingAuth.backends{}.obo.tokenUrl",
		"spec.config.outgoingAuth.backends{}.tokenExchange.tokenUrl",
		"spec.config.outgoingAuth.backends{}.type",
		"spec.config.outgoingAuth.backends{}.upstreamInject.providerName",
		"spec.config.outgoingAuth.backends{}.xaa.idpTokenUrl",
		"spec.config.outgoingAuth.backends{}.xaa.targetAudience",
		"spec.config.outgoingAuth.backends{}.xaa.targetTokenUrl",
		"spec.config.outgoingAuth.default.awsSts.region",
		"spec.config.outgoingAuth.default.awsSts.roleMappings[].roleArn",
		"spec.config.outgoingAuth.default.headerInjection.headerName",
		"spec.config.outgoingAuth.default.obo.tokenUrl",
		"spec.config.outgoingAuth.default.tokenExchange.tokenUrl",
		"spec.config.outgoingAuth.default.type",
		"spec.config.outgoingAuth.default.upstreamInject.providerName",
		"spec.config.outgoingAuth.default.xaa.idpTokenUrl",
		"spec.config.outgoingAuth.default.xaa.targetAudience",
		"spec.config.outgoingAuth.default.xaa.targetTokenUrl",
		"spec.config.outgoingAuth.source",
		"spec.config.rateLimiting.perUser.maxTokens",
		"spec.config.rateLimiting.perUser.refillPeriod",
		"spec.config.rateLimiting.shared.maxTokens",
		"spec.config.rateLimiting.shared.refillPeriod",
		"spec.config.rateLimiting.tools[].name",
		"spec.config.rateLimiting.tools[].perUser.maxTokens",
		"spec.config.rateLimiting.tools[].perUser.refillPeriod",
		"spec.config.rateLimiting.tools[].shared.maxTokens",
		"spec.config.rateLimiting.tools[].shared.refillPeriod",
		"spec.config.sessionStorage.provider",
		"spec.embeddingServerRef.name",
		"spec.groupRef",
		"spec.groupRef.name",
		"spec.incomingAuth",
		"spec.incomingAuth.authzConfig.configMap.name",
		"spec.incomingAuth.authzConfig.inline.policies",
		"spec.incomingAuth.authzConfigRef.name",
		"spec.incomingAuth.oidcConfigRef.audience",
		"spec.incomingAuth.oidcConfigRef.name",
		"spec.incomingAuth.type",
		"spec.outgoingAuth.backends{}.externalAuthConfigRef.name",
		"spec.outgoingAuth.backends{}.type",
		"spec.outgoingAuth.default.externalAuthConfigRef.name",
		"spec.outgoingAuth.default.type",
		"spec.sessionStorage.passwordRef.key",
		"spec.sessionStorage.passwordRef.name",
		"spec.sessionStorage.provider",
		"spec.sessionStorage.tls.caCertSecretRef.key",
		"spec.sessionStorage.tls.caCertSecretRef.name",
		"spec.telemetryConfigRef.name",
	}, prefixedPaths("spec.authServerConfig", authServerRequired)...),
	KindMCPExternalAuthConfig: append([]string{
		"spec.awsSts.region",
		"spec.awsSts.roleMappings[].roleArn",
		"spec.bearerToken.tokenSecretRef",
		"spec.bearerToken.tokenSecretRef.key",
		"spec.bearerToken.tokenSecretRef.name",
		"spec.headerInjection.headerName",
		"spec.headerInjection.valueSecretRef",
		"spec.headerInjection.valueSecretRef.key",
		"spec.headerInjection.valueSecretRef.name",
		"spec.obo.clientSecretRef.key",
		"spec.obo.clientSecretRef.name",
		"spec.tokenExchange.audience",
		"spec.tokenExchange.clientSecretRef.key",
		"spec.tokenExchange.clientSecretRef.name",
		"spec.tokenExchange.tokenUrl",
		"spec.type",
		"spec.upstreamInject.providerName",
		"spec.xaa.idpClientSecretRef.key",
		"spec.xaa.idpClientSecretRef.name",
		"spec.xaa.idpTokenUrl",
		"spec.xaa.targetAudience",
		"spec.xaa.targetClientSecretRef.key",
		"spec.xaa.targetClientSecretRef.name",
		"spec.xaa.targetTokenUrl",
	}, prefixedPaths("spec.embeddedAuthServer", authServerRequired)...),
	KindMCPOIDCConfig: {
		"spec.inline.caBundleRef.configMapRef.key",
		"spec.inline.clientSecretRef.key",
		"spec.inline.clientSecretRef.name",
		"spec.inline.issuer",
		"spec.type",
	},
	KindMCPAuthzConfig: {
		"spec.config",
		"spec.type",
	},
	KindMCPTelemetryConfig: {
		"spec.openTelemetry.caBundleRef.configMapRef.key",
		"spec.openTelemetry.sensitiveHeaders[].name",
		"spec.openTelemetry.sensitiveHeaders[].secretKeyRef",
		"spec.openTelemetry.sensitiveHeaders[].secretKeyRef.key",
		"spec.openTelemetry.sensitiveHeaders[].secretKeyRef.name",
	},
	KindVirtualMCPCompositeToolDefinition: {
		"spec.name",
		"spec.output.properties",
		"spec.output.properties{}.type",
		"spec.steps",
		"spec.steps[].id",
	},
}

// coveredRequired are required paths that another check reports in the
// operator's own words (VirtualMCPServer.Validate(), admission rules, the
// authServerConfig issuer and TLS listener checks, the upstream filter
// check); reporting them
// twice would only add noise.
var coveredRequired = map[string]bool{
	"spec.groupRef":                                                                            true,
	"spec.groupRef.name":                                                                       true,
	"spec.incomingAuth":                                                                        true,
	"spec.incomingAuth.type":                                                                   true,
	"spec.incomingAuth.oidcConfigRef.name":                                                     true,
	"spec.embeddingServerRef.name":                                                             true,
	"spec.config.aggregation.tools[].workload":                                                 true,
	"spec.config.aggregation.tools[].toolConfigRef.name":                                       true,
	"spec.config.compositeTools[].name":                                                        true,
	"spec.config.compositeTools[].steps":                                                       true,
	"spec.config.compositeTools[].steps[].id":                                                  true,
	"spec.outgoingAuth.backends{}.type":                                                        true,
	"spec.outgoingAuth.backends{}.externalAuthConfigRef.name":                                  true,
	"spec.outgoingAuth.default.externalAuthConfigRef.name":                                     true,
	"spec.sessionStorage.provider":                                                             true,
	"spec.authServerUpstreamFilter.rules":                                                      true,
	"spec.authServerConfig.issuer":                                                             true,
	"spec.authServerConfig.tlsListener.certificateSecretRef":                                   true,
	"spec.authServerConfig.tlsListener.privateKeySecretRef":                                    true,
	"spec.authServerConfig.delegateClients[].clientSecretRef":                                  true,
	"spec.authServerConfig.delegateClients[].clientSecretRef.key":                              true,
	"spec.authServerConfig.delegateClients[].clientSecretRef.name":                             true,
	"spec.authServerConfig.inboundGrants.tokenExchange.delegateClients[].clientSecretRef":      true,
	"spec.authServerConfig.inboundGrants.tokenExchange.delegateClients[].clientSecretRef.key":  true,
	"spec.authServerConfig.inboundGrants.tokenExchange.delegateClients[].clientSecretRef.name": true,
}

func prefixedPaths(prefix string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = prefix + "." + p
	}
	return out
}

// MissingRequired reports the required properties obj lacks (after CRD
// defaulting, which fills every required property that has a default): an
// error, or a warning where the operator falls back to a value.
func MissingRequired(kind string, obj map[string]any) []results.Finding {
	var out []results.Finding
	for _, p := range requiredPaths[kind] {
		if kind == KindVirtualMCPServer && coveredRequired[p] {
			continue
		}
		for _, miss := range missing(obj, schemaSegments(p), "") {
			f := results.Finding{Severity: results.Error, Rule: results.Schema, Field: miss,
				Message: "required field is missing: the " + kind + " CRD requires it whenever its parent is set (the API server rejects the object); add it"}
			if strings.HasSuffix(p, "configMapRef.key") {
				// Objects stored before the key became required read ca.crt.
				f.Severity, f.Rule = results.Warning, results.RequiredFieldDefaulted
				f.Message = "required field is missing, defaulted: the " + kind + " CRD requires configMapRef.key (a new object without it is rejected at apply); the operator falls back to ca.crt: add key: ca.crt"
			}
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// splitSchemaPath turns "a.b[].c{}.d" into [a b [] c {} d].
func splitSchemaPath(p string) []string {
	var segs []string
	for _, part := range strings.Split(p, ".") {
		for _, suffix := range []string{"[]", "{}"} {
			if strings.HasSuffix(part, suffix) {
				segs = append(segs, strings.TrimSuffix(part, suffix), suffix)
				part = ""
			}
		}
		if part != "" {
			segs = append(segs, part)
		}
	}
	return segs
}

// segmentCache holds splitSchemaPath results: the same few hundred paths are
// split for every decoded object, which cost more than the check.
var segmentCache sync.Map

// schemaSegments is splitSchemaPath, cached; callers must not modify it.
func schemaSegments(p string) []string {
	if v, ok := segmentCache.Load(p); ok {
		return v.([]string)
	}
	segs := splitSchemaPath(p)
	segmentCache.Store(p, segs)
	return segs
}

// missing walks v along segs and returns the display paths where the last
// segment is absent (or null) under a present parent.
func missing(v any, segs []string, at string) []string {
	switch seg := segs[0]; seg {
	case "[]":
		items, _ := v.([]any)
		var out []string
		for i, it := range items {
			out = append(out, missing(it, segs[1:], at+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case "{}":
		m, _ := v.(map[string]any)
		var out []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, missing(m[k], segs[1:], join(at, k))...)
		}
		return out
	default:
		m, ok := v.(map[string]any)
		if !ok {
			return nil // a wrong type is reported by the decoder
		}
		child, present := m[seg]
		if len(segs) == 1 {
			if !present || child == nil {
				return []string{join(at, seg)}
			}
			return nil
		}
		if !present || child == nil {
			return nil
		}
		return missing(child, segs[1:], join(at, seg))
	}
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}
