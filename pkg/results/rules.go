package results

import (
	"slices"
	"sort"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// Rule is one check the function reports, declared once in this file: its
// stable kebab-case name (the result's tags.rule), its usual severity, one
// line of what it means and what to do (the README's results reference says
// the same; a test keeps the two equal), and the operator status conditions
// it mirrors, if any. Only this file makes rules, so a finding cannot carry a
// rule that is not declared here.
type Rule struct{ d *ruleDecl }

type ruleDecl struct {
	name       string
	severity   framework.Severity
	doc        string
	conditions []string
}

// IsZero reports the zero Rule: a finding that names no rule.
func (r Rule) IsZero() bool { return r.d == nil }

// Name is the rule's tag; "" for the zero Rule (no rule).
func (r Rule) Name() string {
	if r.d == nil {
		return ""
	}
	return r.d.name
}

// Severity is the rule's usual severity; a finding may say otherwise (an
// absent Secret is an error or a warning as absentSecrets says).
func (r Rule) Severity() framework.Severity {
	if r.d == nil {
		return ""
	}
	return r.d.severity
}

// Doc is what the rule means and what to do, as Markdown.
func (r Rule) Doc() string {
	if r.d == nil {
		return ""
	}
	return r.d.doc
}

// Conditions are the operator status condition types the rule's findings
// carry when the operator reports the same problem (none for checks only
// this function makes).
func (r Rule) Conditions() []string {
	if r.d == nil {
		return nil
	}
	return slices.Clone(r.d.conditions)
}

// declared holds the rules in declaration order (a test checks that no name
// is declared twice).
var declared []Rule

func declare(name string, severity framework.Severity, doc string, conditions ...string) Rule {
	r := Rule{&ruleDecl{name: name, severity: severity, doc: doc, conditions: conditions}}
	declared = append(declared, r)
	return r
}

// Lookup finds a declared rule by name.
func Lookup(name string) (Rule, bool) {
	for _, r := range declared {
		if r.Name() == name {
			return r, true
		}
	}
	return Rule{}, false
}

// Rules lists every declared rule, by name.
func Rules() []Rule {
	out := slices.Clone(declared)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// The rules, grouped as the README's results reference groups them.
var (
	FunctionConfig                         = declare("function-config", Error, "the function config is invalid (unknown field, wrong type, bad enum, bad image reference, inconsistent `defaultRedis`): fix the field named in `field.path`.")
	Malformed                              = declare("malformed", Error, "an input item is not a well-formed object (not a mapping; no string `apiVersion` or `kind`; `metadata`, its labels or annotations not mappings of strings; a key given twice anywhere; a core Secret's or ConfigMap's `data`/`stringData`/`binaryData` value that is not a string; `metadata` written as an alias; a v1 List whose `items` is not a list) or cannot be read as its kind. The result names the item by kind and name when they can be read, its file, and `tags.item`, its position in the input (ResourceList `items`, or the documents of the stream); `field.path` is the offending key. The other items are still rendered; a server that references the item fails closed.")
	AnnotationsInvalid                     = declare("annotations-invalid", Error, "an object's annotations break the API server's rules: more than 256 KiB of keys and values in total, or a key that is not a qualified name. The orchestrator's own `config.kubernetes.io/*` tracking annotations are left out. A server with this error is not rendered.")
	UnknownKind                            = declare("unknown-kind", Warning, "an object that looks meant for ToolHive is not read: a version of `toolhive.stacklok.dev` the CRDs do not serve (`v1beta`), a kind of the group spelt otherwise (`VirtualMcpServer`), or a ToolHive kind in another group (`toolhive.stacklok.io`). `field.proposedValue` has the fix.")
	NameInvalid                            = declare("name-invalid", Error, "`metadata.name` breaks the API server's rule for its kind (a DNS-1123 subdomain for ToolHive kinds, Secrets, ConfigMaps and Deployments; a DNS-1035 label for a Service; a path segment for RBAC and unknown kinds), or `metadata.namespace` is not a DNS-1123 label. Checked with apimachinery's validation helpers. A server with it is not rendered; a referenced object with it cannot be used.")
	DerivedNameInvalid                     = declare("derived-name-invalid", Error, "a name the operator derives is refused although the name it comes from is valid: the Service `vmcp-<name>` must be a DNS-1035 label (so server names of at most 58 characters without `.` work), `<name>-vmcp-config`, `<name>-vmcp`, `<name>-hmac-secret` must be subdomains, the label `app.kubernetes.io/instance: <name>` a label value; or a volume or env var built from a referenced object's name (`oidc-ca-bundle-<configmap>` must be a DNS-1123 label). `field.path` is the field the name comes from.")
	GeneratedPathUnsafe                    = declare("generated-path-unsafe", Info, "the file the rendered objects would go to beside the server (its path annotation and name) would leave the package (absolute, `..`) or not be a plain file name: they go to `<name>.rendered.yaml` at the package root instead.")
	ObjectConflict                         = declare("object-conflict", Error, "an object the server renders (`<name>`, `<name>-vmcp-config`, `<name>-vmcp`, `vmcp-<name>`, `<name>-hmac-secret`) is already in the input and is not an earlier output of this function for that server: rename one of the two. The server is not rendered. See [Re-running on the output](#re-running-on-the-output).")
	Schema                                 = declare("schema", Error, "a ToolHive object breaks its CRD (the same in v0.62.0 and v0.63.0): unknown field, wrong type, missing required field, a value outside an enum, a pattern, a length or a count, a repeated key in a list-type map or set (what the API server would refuse at admission), or no `metadata.name`. Fix the field; an invalid server is not rendered.")
	FieldIgnored                           = declare("field-ignored", Warning, "a field the operator drops (unknown in an embedded object it reads leniently): remove it or fix its spelling.")
	RequiredFieldDefaulted                 = declare("required-field-defaulted", Warning, "a required field is missing and takes the value the operator would use: set it explicitly.")
	DeprecatedAPIVersion                   = declare("deprecated-api-version", Warning, "`toolhive.stacklok.dev/v1alpha1`: change `apiVersion` to `v1beta1` (the schemas are identical).")
	DuplicateObject                        = declare("duplicate-object", Error, "two input objects with the same kind, namespace and name: remove one.")
	NamespaceMissing                       = declare("namespace-missing", Warning, "the object has no namespace and is rendered for `default`: set one (kustomize `namespace:`).")
	SecretDataNotBase64                    = declare("secret-data-not-base64", Error, "a Secret's `data` value is not base64: use `stringData` or encode it.")
	ConfigMapBinaryDataNotBase64           = declare("configmap-binarydata-not-base64", Error, "a ConfigMap's `binaryData` value is not base64.")
	NoVirtualMCPServer                     = declare("no-virtualmcpserver", Info, "nothing to render in this input.")
	NotRendered                            = declare("not-rendered", Error, "summary on a server that got no objects: fix the other errors on it.")
	Internal                               = declare("internal", Error, "a bug in vmcp-render: please report it with the input.")
	GroupRefRequired                       = declare("group-ref-required", Error, "`spec.groupRef.name` is required.", "Valid")
	IncomingAuthRequired                   = declare("incoming-auth-required", Error, "`spec.incomingAuth` is required: `type: anonymous`, or `type: oidc` with an `oidcConfigRef`.")
	IncomingAuthType                       = declare("incoming-auth-type", Error, "`spec.incomingAuth.type` must be `anonymous` or `oidc`.")
	OIDCConfigRefRequired                  = declare("oidc-config-ref-required", Error, "`type: oidc` needs `oidcConfigRef.name`.")
	AuthzConfigShape                       = declare("authz-config-shape", Error, "`authzConfig.configMap` / `inline` must match `authzConfig.type`.")
	AuthzPrimaryUpstreamProviderDeprecated = declare("authz-primary-upstream-provider-deprecated", Warning, "move `incomingAuth.authzConfig.inline.primaryUpstreamProvider` to `spec.authServerConfig.primaryUpstreamProvider`.")
	OutgoingAuthSource                     = declare("outgoing-auth-source", Error, "`spec.outgoingAuth.source` must be `discovered` or `inline`.")
	BackendAuthType                        = declare("backend-auth-type", Error, "a backend's auth `type` is missing or not `discovered` / `externalAuthConfigRef`.", "Valid")
	BackendAuthRef                         = declare("backend-auth-ref", Error, "`type: externalAuthConfigRef` needs `externalAuthConfigRef.name`.", "Valid")
	ServiceType                            = declare("service-type", Error, "`spec.serviceType` must be `ClusterIP`, `NodePort` or `LoadBalancer`.")
	SessionAffinity                        = declare("session-affinity", Error, "`spec.sessionAffinity` must be `ClientIP` or `None`.")
	Replicas                               = declare("replicas", Error, "`spec.replicas` must be >= 0.")
	SessionStorage                         = declare("session-storage", Error, "`spec.sessionStorage`: provider `memory` or `redis`; `redis` needs `address`; `tls` only with `redis`.")
	SessionStorageMissingForReplicas       = declare("session-storage-missing-for-replicas", Warning, "more than one replica without Redis session storage: sessions break across pods; configure `spec.sessionStorage` (or `defaultRedis`).", "SessionStorageWarning")
	EmbeddingServerRef                     = declare("embedding-server-ref", Error, "`spec.embeddingServerRef.name` is required when the ref is set.", "Valid")
	OptimizerNeedsEmbeddingService         = declare("optimizer-needs-embedding-service", Error, "the optimizer needs `spec.embeddingServerRef` or `config.optimizer.embeddingService`.", "Valid")
	OptimizerProvider                      = declare("optimizer-provider", Error, "`embeddingServerRef` cannot be combined with `embeddingProvider: openai`.")
	Aggregation                            = declare("aggregation", Error, "`config.aggregation`: bad `conflictResolution`, missing `priorityOrder`, or a tool without `workload`.", "Valid")
	CompositeToolDuplicate                 = declare("composite-tool-duplicate", Error, "two composite tools (inline or referenced) with the same name: rename one.", "Valid")
	CompositeToolInvalid                   = declare("composite-tool-invalid", Error, "a composite tool's steps are invalid (see the message).", "Valid")
	RateLimiting                           = declare("rate-limiting", Error, "`config.rateLimiting` needs Redis session storage; `perUser` needs OIDC; configure at least one limit.")
	CircuitBreaker                         = declare("circuit-breaker", Error, "`failureHandling.circuitBreaker.timeout` must be >= 1s.")
	PodTemplateSpecInvalid                 = declare("pod-template-spec-invalid", Error, "`spec.podTemplateSpec` is not a valid PodTemplateSpec, or the pod template it merges into is one the API server or the kubelet refuses: requests above limits (compared as quantities), a volume with two sources (a volume named like one of the operator's, such as `vmcp-config`, merges into it), invalid container, port, volume or env var names (the API server's relaxed env rule: printable ASCII without `=`), a container port outside 1–65535, invalid nodeSelector or label keys and values, `runAsNonRoot` with `runAsUser: 0` (from the pod or the container), a name given twice in one of the lists the operator's strategic merge keys by name (it silently keeps one). `field.path` points into `spec.podTemplateSpec`.", "PodTemplateSpecValid")
	GroupNotFound                          = declare("group-not-found", Error, "the `MCPGroup` is not in the input: add it or fix `spec.groupRef.name`.", "GroupRefValidated")
	OIDCConfigNotFound                     = declare("oidc-config-not-found", Error, "the `MCPOIDCConfig` is not in the input.", "OIDCConfigRefValidated")
	OIDCConfigInvalid                      = declare("oidc-config-invalid", Error, "the `MCPOIDCConfig` is invalid (see its own results) or not usable here.", "OIDCConfigRefValidated")
	AuthzConfigNotFound                    = declare("authz-config-not-found", Error, "the `MCPAuthzConfig` of `authzConfigRef` is not in the input.", "AuthzConfigRefValidated")
	AuthzConfigRefInvalid                  = declare("authz-config-ref-invalid", Error, "the `MCPAuthzConfig` is invalid.", "AuthzConfigRefValidated")
	AuthzConfigMapInvalid                  = declare("authz-configmap-invalid", Error, "the authorization ConfigMap is missing, lacks the key, or is not a Cedar config.", "AuthConfigured")
	AuthzInvalid                           = declare("authz-invalid", Error, "the inline authorization config is invalid.")
	AuthzMutuallyExclusive                 = declare("authz-mutually-exclusive", Error, "set `authzConfig` or `authzConfigRef`, not both.")
	TelemetryConfigNotFound                = declare("telemetry-config-not-found", Error, "the `MCPTelemetryConfig` is not in the input.", "TelemetryConfigRefValidated")
	TelemetryConfigInvalid                 = declare("telemetry-config-invalid", Error, "the `MCPTelemetryConfig` is invalid.", "TelemetryConfigRefValidated")
	InlineTelemetryIgnored                 = declare("inline-telemetry-ignored", Warning, "`spec.config.telemetry` is ignored because `telemetryConfigRef` is set: remove one.")
	ToolConfigNotFound                     = declare("tool-config-not-found", Error, "an `MCPToolConfig` of `config.aggregation.tools` is not in the input.")
	CompositeToolRefNotFound               = declare("composite-tool-ref-not-found", Error, "a `VirtualMCPCompositeToolDefinition` of `compositeToolRefs` is not in the input.", "CompositeToolRefsValidated")
	CompositeToolRefInvalid                = declare("composite-tool-ref-invalid", Error, "that definition is invalid.", "CompositeToolRefsValidated")
	CompositeToolRefRejectedAtStart        = declare("composite-tool-ref-rejected-at-start", Warning, "a referenced `VirtualMCPCompositeToolDefinition` without status is copied into `config.yaml` as the operator does (neither release has a controller that validates definitions), but vMCP refuses it at start: fix the definition (the message says what).")
	EmbeddingServerNotFound                = declare("embedding-server-not-found", Error, "the `EmbeddingServer` is not in the input.", "EmbeddingServerReady")
	EmbeddingServerNotReady                = declare("embedding-server-not-ready", Error, "the `EmbeddingServer`'s status in the input is not ready (or, with `workloadStatus: input`, it has none): the operator waits for it.", "EmbeddingServerReady")
	EmbeddingServerInvalid                 = declare("embedding-server-invalid", Error, "the referenced `EmbeddingServer` is in the input but cannot be used: malformed, breaking its CRD, or there twice. Fix it (see its own errors).")
	EmbeddingServerFailed                  = declare("embedding-server-failed", Error, "the `EmbeddingServer`'s status says `Failed`.")
	EmbeddingServiceManual                 = declare("embedding-service-manual", Warning, "`config.optimizer.embeddingService` is set by hand.")
	EmbeddingServiceOverridden             = declare("embedding-service-overridden", Warning, "`embeddingServerRef` overrides `config.optimizer.embeddingService`.")
	ExternalAuthConfigNotFound             = declare("external-auth-config-not-found", Error, "an `MCPExternalAuthConfig` named by outgoing auth is not in the input.")
	ExternalAuthConfigInvalid              = declare("external-auth-config-invalid", Error, "that `MCPExternalAuthConfig` is invalid or incomplete for its type.")
	ExternalAuthRefMissing                 = declare("external-auth-ref-missing", Error, "`type: externalAuthConfigRef` without the ref.")
	ExternalAuthTypeUnsupported            = declare("external-auth-type-unsupported", Error, "an external auth type vMCP cannot use (for example on-behalf-of, which needs an enterprise build).")
	BackendAuthTypeUnknown                 = declare("backend-auth-type-unknown", Error, "a backend auth type the converter does not know.")
	OutgoingAuthConversionFailed           = declare("outgoing-auth-conversion-failed", Warning, "in discovered mode a backend's auth could not be converted; vMCP leaves that backend out.", "DefaultAuthConfig", "DiscoveredAuthConfig-fetch")
	InlineDiscoveredStrategy               = declare("inline-discovered-strategy", Warning, "inline mode with a `discovered` strategy, which vMCP (v0.62.0 and v0.63.0) rejects at start: use an `MCPExternalAuthConfig` of type `unauthenticated`.")
	StaticModeNoBackends                   = declare("static-mode-no-backends", Error, "inline (static) mode and no backend has a `status.url` (in the input, or derived with `workloadStatus: derive`): add MCPServers or MCPRemoteProxies to the group.")
	StaticBackendSkipped                   = declare("static-backend-skipped", Warning, "a group member without `status.url` (none in the input with `workloadStatus: input`, or none derivable), or not ready, is left out of the static backend list.")
	WorkloadNameShared                     = declare("workload-name-shared", Warning, "two workloads of different kinds in the group (say an MCPServer and an MCPServerEntry) share a name; vMCP identifies backends by name, so one shadows the other: rename one.")
	StaticEntryWithoutType                 = declare("static-entry-without-type", Warning, "an `MCPServerEntry` backend gets a CA bundle but no `type: entry` (as the operator writes it).")
	ConversionFailed                       = declare("conversion-failed", Error, "the operator's conversion of `spec` to `config.yaml` fails: see the message.")
	SecretAbsent                           = declare("secret-absent", Warning, "a Secret or ConfigMap the pod mounts or reads is not in the input: create it in the cluster before the pod starts; `absentSecrets: ignore` silences this, `error` makes it fail.")
	ConfigMapAbsent                        = declare("configmap-absent", Warning, "a Secret or ConfigMap the pod mounts or reads is not in the input: create it in the cluster before the pod starts; `absentSecrets: ignore` silences this, `error` makes it fail.", "CABundleRefValidated")
	OperatorSecretAbsent                   = declare("operator-secret-absent", Error, "the MCPOIDCConfig client Secret or a legacy `authServerConfig.delegateClients` Secret is not in the input; the operator reads these two before it renders anything and fails the reconcile without them (condition `AuthConfigured`): add the Secret to the input.", "AuthConfigured")
	WorkloadStatusDerived                  = declare("workload-status-derived", Info, "a backend (static mode) or the EmbeddingServer a server uses has no status in the input and is taken as running at the URL its controller writes (`workloadStatus: derive`); the message names the object and the URL.")
	WorkloadStatusUnderivable              = declare("workload-status-underivable", Warning, "an `MCPServer`, `MCPRemoteProxy` or `EmbeddingServer` without status whose spec its controller cannot serve (an unknown transport or proxy mode, a port outside 1–65535): no status is derived, so it is skipped like a workload that never ran.")
	SecretKeyMissing                       = declare("secret-key-missing", Error, "the Secret or ConfigMap is in the input but lacks the key: the kubelet would not start the pod.", "AuthConfigured")
	ConfigMapKeyMissing                    = declare("configmap-key-missing", Error, "the Secret or ConfigMap is in the input but lacks the key: the kubelet would not start the pod.", "CABundleRefValidated")
	AuthServerConfigInvalid                = declare("auth-server-config-invalid", Error, "`spec.authServerConfig` is invalid (see the message).", "AuthServerConfigValidated")
	AdmissionRuleViolated                  = declare("admission-rule-violated", Error, "`spec.authServerConfig` breaks a CRD admission rule.")
	CABundleInvalid                        = declare("ca-bundle-invalid", Error, "a CA bundle reference is malformed or its ConfigMap is not in the input.", "AuthServerConfigValidated")
	CABundleConfigMapNotFound              = declare("ca-bundle-config-map-not-found", Error, "a CA bundle reference is malformed or its ConfigMap is not in the input.")
	UpstreamFilterInvalid                  = declare("upstream-filter-invalid", Error, "`spec.authServerUpstreamFilter` names no upstream or is inconsistent.", "AuthServerConfigValidated")
	AuthzRequiresUpstream                  = declare("authz-requires-upstream", Error, "Cedar authorization and the auth server's upstreams disagree: name an existing upstream in `primaryUpstreamProvider`, or configure the auth server.", "AuthServerConfigValidated")
	AuthzUpstreamUnknown                   = declare("authz-upstream-unknown", Error, "Cedar authorization and the auth server's upstreams disagree: name an existing upstream in `primaryUpstreamProvider`, or configure the auth server.", "AuthServerConfigValidated")
	AuthzPrimaryProviderRequiresAuthServer = declare("authz-primary-provider-requires-auth-server", Error, "Cedar authorization and the auth server's upstreams disagree: name an existing upstream in `primaryUpstreamProvider`, or configure the auth server.", "AuthServerConfigValidated")
	AuthzUpstreamAutoSelected              = declare("authz-upstream-auto-selected", Warning, "several upstreams and no `primaryUpstreamProvider`: the first one is used for Cedar claims.", "AuthzUpstreamSelectionWarning")
	OAuth2UpstreamWithoutUserInfo          = declare("oauth2-upstream-without-user-info", Warning, "an OAuth2 upstream without `userInfo`: users get a synthetic subject and no name or email; configure `userInfo` if the provider has one.", "IdentitySynthesized")
	LegacyInboundGrantFields               = declare("legacy-inbound-grant-fields", Warning, "legacy inbound grant fields: move them to `inboundGrants`.", "DeprecatedInboundGrantConfiguration")
	AuthServerIntegration                  = declare("auth-server-integration", Error, "the auth server and incoming auth do not fit together (see the message).")
	IssuerMismatch                         = declare("issuer-mismatch", Error, "the `MCPOIDCConfig` issuer must be the auth server's issuer (vMCP validates the tokens it issues).", "AuthServerConfigValidated")
	AudienceMismatch                       = declare("audience-mismatch", Error, "the OIDC audience must be the resource URL the auth server issues tokens for.", "AuthServerConfigValidated")
	AuthServerRequiresOIDC                 = declare("auth-server-requires-oidc", Error, "with `spec.authServerConfig`, `spec.incomingAuth` must be `type: oidc`.", "AuthServerConfigValidated")
	UpstreamInjectRequiresAuthServer       = declare("upstream-inject-requires-auth-server", Error, "an `upstreamInject` external auth needs the auth server and one of its upstreams.", "AuthServerConfigValidated")
	UpstreamInjectProviderUnknown          = declare("upstream-inject-provider-unknown", Error, "an `upstreamInject` external auth needs the auth server and one of its upstreams.", "AuthServerConfigValidated")
	HMACSecretTooShort                     = declare("hmac-secret-too-short", Error, "an HMAC secret in the input is shorter than 32 bytes: vMCP would exit at start.")
	SigningKeyNotPrivateKey                = declare("signing-key-not-private-key", Warning, "a signing key in the input is not a PEM RSA, EC or PKCS#8 private key.")
	HMACSecretAbsent                       = declare("hmac-secret-absent", Warning, "`<name>-hmac-secret` (session HMAC, which the operator generates) is not in the input. Where the operator reconciles the server it creates the Secret itself; to apply the rendered objects without the operator, create it once (the message has the command), or set `hmacSecret: generate`.")
	HMACSecretInvalid                      = declare("hmac-secret-invalid", Warning, "the `<name>-hmac-secret` in the input is unusable (see the message).")
	HMACSecretNotOwned                     = declare("hmac-secret-not-owned", Info, "a `<name>-hmac-secret` is in the input: right for applying the rendered objects without the operator, but the operator refuses a Secret of that name it did not create, so leave it out where the operator runs (not reported with `markConsumedLocalConfig: true`).")
	HMACSecretGenerated                    = declare("hmac-secret-generated", Warning, "`hmacSecret: generate` emitted a random Secret: the output changes on every run.")
	HMACSecretGenerate                     = declare("hmac-secret-generate", Error, "the random HMAC secret could not be generated.")
)
