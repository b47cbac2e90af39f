package toolhive

import "strings"

// Default is one CRD structural default. Path is dotted from the object root;
// a segment ending in "[]" walks every list item and one ending in "{}" walks
// every map value. Like the API server, Value is set only when the parent of
// the last segment exists (as an object) and the field is absent or null.
type Default struct {
	Path  string
	Value any
}

// Defaults returns the structural defaults of the v1beta1 schema of kind, in
// a stable order. Unknown kinds have none. The status defaults are included:
// the API server applies them whenever a status object is present.
//
// Left out on purpose: EmbeddingServer spec.image (a container image
// reference; it is never read when rendering a VirtualMCPServer). No default
// lies inside an opaque x-kubernetes-preserve-unknown-fields subtree, so none
// is skipped for that reason.
func Defaults(kind string) []Default {
	switch kind {
	case KindVirtualMCPServer:
		return concat(
			prefixed("spec.authServerConfig", embeddedAuthServerDefaults()),
			[]Default{
				{"spec.imagePullSecrets[].name", ""},
				{"spec.incomingAuth.authzConfig.configMap.key", "authz.json"},
				{"spec.incomingAuth.authzConfig.inline.entitiesJson", "[]"},
				{"spec.incomingAuth.authzConfig.type", "configMap"},
				{"spec.outgoingAuth.source", "discovered"},
				{"spec.serviceType", "ClusterIP"},
				{"spec.sessionAffinity", "ClientIP"},
				{"spec.sessionStorage.db", int64(0)},
			},
			prefixed("spec.config", vmcpConfigDefaults()),
			[]Default{{"status.phase", "Pending"}},
		)
	case KindMCPExternalAuthConfig:
		return concat(
			[]Default{
				{"spec.awsSts.roleClaim", "groups"},
				{"spec.awsSts.service", "aws-mcp"},
				{"spec.awsSts.sessionDuration", int64(3600)},
				{"spec.awsSts.sessionNameClaim", "sub"},
			},
			prefixed("spec.embeddedAuthServer", embeddedAuthServerDefaults()),
		)
	case KindMCPOIDCConfig:
		return []Default{
			{"spec.inline.caBundleRef.configMapRef.name", ""},
			{"spec.inline.insecureAllowHTTP", false},
			{"spec.inline.jwksAllowPrivateIP", false},
			{"spec.inline.protectedResourceAllowPrivateIP", false},
			{"spec.kubernetesServiceAccount.issuer", "https://kubernetes.default.svc"},
		}
	case KindMCPTelemetryConfig:
		return []Default{
			{"spec.openTelemetry.caBundleRef.configMapRef.name", ""},
			{"spec.openTelemetry.enabled", false},
			{"spec.openTelemetry.insecure", false},
			{"spec.openTelemetry.metrics.enabled", false},
			{"spec.openTelemetry.tracing.enabled", false},
			{"spec.openTelemetry.tracing.samplingRate", "0.05"},
			{"spec.openTelemetry.useLegacyAttributes", true},
			{"spec.prometheus.enabled", false},
		}
	case KindVirtualMCPCompositeToolDefinition:
		return prefixed("spec", compositeToolDefaults())
	case KindMCPGroup:
		return []Default{{"status.phase", "Pending"}}
	case KindMCPServer:
		return []Default{
			{"spec.audit.enabled", false},
			{"spec.authServerRef.kind", KindMCPExternalAuthConfig},
			{"spec.authzConfig.configMap.key", "authz.json"},
			{"spec.authzConfig.inline.entitiesJson", "[]"},
			{"spec.authzConfig.type", "configMap"},
			{"spec.permissionProfile.type", "builtin"},
			{"spec.proxyMode", "streamable-http"},
			{"spec.proxyPort", int64(8080)},
			{"spec.resourceOverrides.proxyDeployment.imagePullSecrets[].name", ""},
			{"spec.sessionAffinity", "ClientIP"},
			{"spec.sessionStorage.db", int64(0)},
			{"spec.transport", "stdio"},
			{"spec.trustProxyHeaders", false},
			{"spec.volumes[].readOnly", false},
		}
	case KindMCPRemoteProxy:
		return []Default{
			{"spec.allowPrivateEndpoint", false},
			{"spec.audit.enabled", false},
			{"spec.authServerRef.kind", KindMCPExternalAuthConfig},
			{"spec.authzConfig.configMap.key", "authz.json"},
			{"spec.authzConfig.inline.entitiesJson", "[]"},
			{"spec.authzConfig.type", "configMap"},
			{"spec.proxyPort", int64(8080)},
			{"spec.resourceOverrides.proxyDeployment.imagePullSecrets[].name", ""},
			{"spec.sessionAffinity", "ClientIP"},
			{"spec.sessionStorage.db", int64(0)},
			{"spec.transport", "streamable-http"},
			{"spec.trustProxyHeaders", false},
		}
	case KindMCPServerEntry:
		return []Default{
			{"spec.allowPrivateEndpoint", false},
			{"spec.caBundleRef.configMapRef.name", ""},
			{"status.phase", "Pending"},
		}
	case KindEmbeddingServer:
		return []Default{
			{"spec.imagePullPolicy", "IfNotPresent"},
			{"spec.model", "BAAI/bge-small-en-v1.5"},
			{"spec.modelCache.accessMode", "ReadWriteOnce"},
			{"spec.modelCache.enabled", true},
			{"spec.modelCache.size", "10Gi"},
			{"spec.port", int64(8080)},
			{"spec.replicas", int64(1)},
		}
	}
	// MCPAuthzConfig and MCPToolConfig declare no defaults.
	return nil
}

// embeddedAuthServerDefaults are relative to an EmbeddedAuthServerConfig
// (VirtualMCPServer spec.authServerConfig, MCPExternalAuthConfig
// spec.embeddedAuthServer: same schema).
func embeddedAuthServerDefaults() []Default {
	return []Default{
		{"allowConfidentialClientRegistration", false},
		{"allowPrivateKeyJWTRegistration", false},
		{"cimd.enabled", false},
		{"disableUpstreamTokenInjection", false},
		{"insecureAllowConfidentialOverLoopbackHTTP", false},
		{"insecureAllowHTTP", false},
		{"storage.redis.dialTimeout", "5s"},
		{"storage.redis.readTimeout", "3s"},
		{"storage.redis.sentinelConfig.db", int64(0)},
		{"storage.redis.sentinelConfig.sentinelService.port", int64(26379)},
		{"storage.redis.writeTimeout", "3s"},
		{"storage.type", "memory"},
		{"trustedIssuers[].allowMayAct", false},
		{"trustedIssuers[].caBundleRef.configMapRef.name", ""},
		{"upstreamProviders[].oauth2Config.caBundleRef.configMapRef.name", ""},
		{"upstreamProviders[].oidcConfig.caBundleRef.configMapRef.name", ""},
	}
}

// vmcpConfigDefaults are relative to VirtualMCPServer spec.config.
func vmcpConfigDefaults() []Default {
	return concat(
		[]Default{
			{"aggregation.conflictResolution", "prefix"},
			{"aggregation.conflictResolutionConfig.prefixFormat", "{workload}_"},
			{"audit.detectApplicationErrors", true},
			{"audit.enabled", false},
			{"audit.includeRequestData", false},
			{"audit.includeResponseData", false},
			{"audit.maxDataSize", int64(1024)},
			{"audit.maxDelegationDepth", int64(10)},
			{"codeMode.parallelMaxConcurrency", int64(10)},
			{"codeMode.stepLimit", int64(100000)},
			{"codeMode.toolCallTimeout", "30s"},
		},
		prefixed("compositeTools[]", compositeToolDefaults()),
		[]Default{
			{"operational.failureHandling.circuitBreaker.enabled", false},
			{"operational.failureHandling.circuitBreaker.failureThreshold", int64(5)},
			{"operational.failureHandling.circuitBreaker.timeout", "60s"},
			{"operational.failureHandling.healthCheckInterval", "30s"},
			{"operational.failureHandling.healthCheckTimeout", "10s"},
			{"operational.failureHandling.partialFailureMode", "fail"},
			{"operational.failureHandling.statusReportingInterval", "30s"},
			{"operational.failureHandling.unhealthyThreshold", int64(3)},
			{"operational.timeouts.default", "30s"},
			{"optimizer.embeddingProvider", "tei"},
			{"optimizer.embeddingServiceTimeout", "30s"},
			{"sessionStorage.db", int64(0)},
			{"telemetry.enablePrometheusMetricsPath", false},
			{"telemetry.insecure", false},
			{"telemetry.metricsEnabled", false},
			{"telemetry.samplingRate", "0.05"},
			{"telemetry.tracingEnabled", false},
			{"telemetry.useLegacyAttributes", true},
		},
	)
}

// compositeToolDefaults are relative to a CompositeToolConfig (an item of
// spec.config.compositeTools, or a VirtualMCPCompositeToolDefinition spec).
// Nested forEach steps (steps[].step) are free-form in the schema, so they
// get no defaults.
func compositeToolDefaults() []Default {
	return []Default{
		{"steps[].onCancel.action", "abort"},
		{"steps[].onDecline.action", "abort"},
		{"steps[].onError.action", "abort"},
		{"steps[].type", "tool"},
	}
}

func prefixed(prefix string, ds []Default) []Default {
	out := make([]Default, len(ds))
	for i, d := range ds {
		out[i] = Default{Path: prefix + "." + d.Path, Value: d.Value}
	}
	return out
}

func concat(parts ...[]Default) []Default {
	var out []Default
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ApplyDefaults returns a deep copy of obj with the CRD defaults of kind
// applied. obj is not modified. Values that are not JSON-like
// (map[string]any, []any, scalars) are normalised as in Decode.
func ApplyDefaults(kind string, obj map[string]any) map[string]any {
	n := &normalizer{}
	doc, _ := n.value(obj, "").(map[string]any)
	if doc == nil {
		doc = map[string]any{}
	}
	applyDefaults(kind, doc)
	return doc
}

// applyDefaults sets the defaults of kind in doc, in place.
func applyDefaults(kind string, doc map[string]any) {
	for _, d := range Defaults(kind) {
		setDefault(doc, strings.Split(d.Path, "."), d.Value)
	}
}

func setDefault(node any, segs []string, value any) {
	m, ok := node.(map[string]any)
	if !ok || len(segs) == 0 {
		// An absent, null or wrongly typed parent gets no default, as with
		// the API server (nulls are pruned there before defaulting).
		return
	}
	seg := segs[0]
	if len(segs) == 1 {
		if v, found := m[seg]; !found || v == nil {
			m[seg] = value
		}
		return
	}
	switch {
	case strings.HasSuffix(seg, "[]"):
		if items, ok := m[strings.TrimSuffix(seg, "[]")].([]any); ok {
			for _, item := range items {
				setDefault(item, segs[1:], value)
			}
		}
	case strings.HasSuffix(seg, "{}"):
		if values, ok := m[strings.TrimSuffix(seg, "{}")].(map[string]any); ok {
			for _, v := range values {
				setDefault(v, segs[1:], value)
			}
		}
	default:
		setDefault(m[seg], segs[1:], value)
	}
}
