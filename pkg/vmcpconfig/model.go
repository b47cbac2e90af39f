// Package vmcpconfig holds the vMCP server configuration (config.yaml) and its
// conversion from a resolved VirtualMCPServer.
//
// The structs mirror the vMCP v0.62.0 config types (unchanged in v0.63.0): the same field order, yaml
// names and omitempty rules, so that go.yaml.in/yaml/v3 writes the same bytes
// as the operator. The json tags let the same structs decode
// VirtualMCPServer.spec.config, whose CRD schema is this config. vMCP's own
// checks of a composite tool (validate_composite.go) live beside the types.
package vmcpconfig

// Config is the whole config.yaml document.
type Config struct {
	Name               string                `json:"name,omitempty" yaml:"name,omitempty"`
	GroupRef           string                `json:"groupRef,omitempty" yaml:"groupRef,omitempty"`
	Backends           []StaticBackendConfig `json:"backends,omitempty" yaml:"backends,omitempty"`
	IncomingAuth       *IncomingAuthConfig   `json:"incomingAuth,omitempty" yaml:"incomingAuth,omitempty"`
	OutgoingAuth       *OutgoingAuthConfig   `json:"outgoingAuth,omitempty" yaml:"outgoingAuth,omitempty"`
	Aggregation        *AggregationConfig    `json:"aggregation,omitempty" yaml:"aggregation,omitempty"`
	CompositeTools     []CompositeToolConfig `json:"compositeTools,omitempty" yaml:"compositeTools,omitempty"`
	CompositeToolRefs  []CompositeToolRef    `json:"compositeToolRefs,omitempty" yaml:"compositeToolRefs,omitempty"`
	Operational        *OperationalConfig    `json:"operational,omitempty" yaml:"operational,omitempty"`
	Metadata           map[string]string     `json:"metadata,omitempty" yaml:"metadata,omitempty"`
	Telemetry          *TelemetryConfig      `json:"telemetry,omitempty" yaml:"telemetry,omitempty"`
	Audit              *AuditConfig          `json:"audit,omitempty" yaml:"audit,omitempty"`
	Optimizer          *OptimizerConfig      `json:"optimizer,omitempty" yaml:"optimizer,omitempty"`
	CodeMode           *CodeModeConfig       `json:"codeMode,omitempty" yaml:"codeMode,omitempty"`
	SessionStorage     *SessionStorageConfig `json:"sessionStorage,omitempty" yaml:"sessionStorage,omitempty"`
	RateLimiting       *RateLimitConfig      `json:"rateLimiting,omitempty" yaml:"rateLimiting,omitempty"`
	PassthroughHeaders []string              `json:"passthroughHeaders,omitempty" yaml:"passthroughHeaders,omitempty"`
}

// IncomingAuthConfig is how clients authenticate to vMCP.
type IncomingAuthConfig struct {
	Type  string       `json:"type" yaml:"type"`
	OIDC  *OIDCConfig  `json:"oidc,omitempty" yaml:"oidc,omitempty"`
	Authz *AuthzConfig `json:"authz,omitempty" yaml:"authz,omitempty"`
}

// OIDCConfig is the resolved incoming OIDC validation settings.
type OIDCConfig struct {
	Issuer                          string   `json:"issuer" yaml:"issuer"`
	ClientID                        string   `json:"clientId" yaml:"clientId"`
	ClientSecretEnv                 string   `json:"clientSecretEnv,omitempty" yaml:"clientSecretEnv,omitempty"`
	Audience                        string   `json:"audience" yaml:"audience"`
	Resource                        string   `json:"resource,omitempty" yaml:"resource,omitempty"`
	JwksURL                         string   `json:"jwksUrl,omitempty" yaml:"jwksUrl,omitempty"`
	IntrospectionURL                string   `json:"introspectionUrl,omitempty" yaml:"introspectionUrl,omitempty"`
	Scopes                          []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	ProtectedResourceAllowPrivateIP bool     `json:"protectedResourceAllowPrivateIp,omitempty" yaml:"protectedResourceAllowPrivateIp,omitempty"`
	JwksAllowPrivateIP              bool     `json:"jwksAllowPrivateIp,omitempty" yaml:"jwksAllowPrivateIp,omitempty"`
	InsecureAllowHTTP               bool     `json:"insecureAllowHttp,omitempty" yaml:"insecureAllowHttp,omitempty"`
	CABundlePath                    string   `json:"caBundlePath,omitempty" yaml:"caBundlePath,omitempty"`
}

// AuthzConfig is the Cedar authorization of incoming requests.
type AuthzConfig struct {
	Type                    string   `json:"type" yaml:"type"`
	Policies                []string `json:"policies,omitempty" yaml:"policies,omitempty"`
	EntitiesJSON            string   `json:"entitiesJson,omitempty" yaml:"entitiesJson,omitempty"`
	PrimaryUpstreamProvider string   `json:"primaryUpstreamProvider,omitempty" yaml:"primaryUpstreamProvider,omitempty"`
	GroupClaimName          string   `json:"groupClaimName,omitempty" yaml:"groupClaimName,omitempty"`
	RoleClaimName           string   `json:"roleClaimName,omitempty" yaml:"roleClaimName,omitempty"`
	GroupEntityType         string   `json:"groupEntityType,omitempty" yaml:"groupEntityType,omitempty"`
}

// StaticBackendConfig is one backend of static (inline) mode.
type StaticBackendConfig struct {
	Name         string            `json:"name" yaml:"name"`
	URL          string            `json:"url" yaml:"url"`
	Transport    string            `json:"transport" yaml:"transport"`
	Type         string            `json:"type,omitempty" yaml:"type,omitempty"`
	CABundlePath string            `json:"caBundlePath,omitempty" yaml:"caBundlePath,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty" yaml:"metadata,omitempty"`
}

// OutgoingAuthConfig is how vMCP authenticates to backends.
type OutgoingAuthConfig struct {
	Source   string                          `json:"source" yaml:"source"`
	Default  *BackendAuthStrategy            `json:"default,omitempty" yaml:"default,omitempty"`
	Backends map[string]*BackendAuthStrategy `json:"backends,omitempty" yaml:"backends,omitempty"`
}

// BackendAuthStrategy is one outgoing auth strategy.
type BackendAuthStrategy struct {
	Type            string                 `json:"type" yaml:"type"`
	HeaderInjection *HeaderInjectionConfig `json:"headerInjection,omitempty" yaml:"headerInjection,omitempty"`
	TokenExchange   *TokenExchangeConfig   `json:"tokenExchange,omitempty" yaml:"tokenExchange,omitempty"`
	UpstreamInject  *UpstreamInjectConfig  `json:"upstreamInject,omitempty" yaml:"upstreamInject,omitempty"`
	AWSSts          *AWSStsConfig          `json:"awsSts,omitempty" yaml:"awsSts,omitempty"`
	OBO             *OBOConfig             `json:"obo,omitempty" yaml:"obo,omitempty"`
	XAA             *XAAConfig             `json:"xaa,omitempty" yaml:"xaa,omitempty"`
}

// HeaderInjectionConfig injects a static header; the value comes from an env var.
type HeaderInjectionConfig struct {
	HeaderName     string `json:"headerName" yaml:"headerName"`
	HeaderValue    string `json:"headerValue,omitempty" yaml:"headerValue,omitempty"`
	HeaderValueEnv string `json:"headerValueEnv,omitempty" yaml:"headerValueEnv,omitempty"`
}

// TokenExchangeConfig is RFC 8693 token exchange.
type TokenExchangeConfig struct {
	TokenURL            string   `json:"tokenUrl" yaml:"tokenUrl"`
	ClientID            string   `json:"clientId,omitempty" yaml:"clientId,omitempty"`
	ClientSecret        string   `json:"clientSecret,omitempty" yaml:"clientSecret,omitempty"`
	ClientSecretEnv     string   `json:"clientSecretEnv,omitempty" yaml:"clientSecretEnv,omitempty"`
	Audience            string   `json:"audience,omitempty" yaml:"audience,omitempty"`
	Scopes              []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	SubjectTokenType    string   `json:"subjectTokenType,omitempty" yaml:"subjectTokenType,omitempty"`
	SubjectProviderName string   `json:"subjectProviderName,omitempty" yaml:"subjectProviderName,omitempty"`
}

// UpstreamInjectConfig forwards the token of an embedded auth server upstream.
type UpstreamInjectConfig struct {
	ProviderName string `json:"providerName" yaml:"providerName"`
}

// RoleMapping maps a claim to an AWS role.
type RoleMapping struct {
	Claim    string `json:"claim,omitempty" yaml:"claim,omitempty"`
	Matcher  string `json:"matcher,omitempty" yaml:"matcher,omitempty"`
	RoleArn  string `json:"roleArn" yaml:"roleArn"`
	Priority *int   `json:"priority,omitempty" yaml:"priority,omitempty"`
}

// OBOConfig is on-behalf-of token exchange (enterprise builds only).
type OBOConfig struct {
	TokenURL                 string   `json:"tokenUrl" yaml:"tokenUrl"`
	ClientID                 string   `json:"clientId,omitempty" yaml:"clientId,omitempty"`
	ClientSecret             string   `json:"clientSecret,omitempty" yaml:"clientSecret,omitempty"`
	ClientSecretEnv          string   `json:"clientSecretEnv,omitempty" yaml:"clientSecretEnv,omitempty"`
	Audience                 string   `json:"audience,omitempty" yaml:"audience,omitempty"`
	Scopes                   []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	SubjectTokenProviderName string   `json:"subjectTokenProviderName,omitempty" yaml:"subjectTokenProviderName,omitempty"`
	CacheSkewSeconds         *int32   `json:"cacheSkewSeconds,omitempty" yaml:"cacheSkewSeconds,omitempty"`
}

// AWSStsConfig exchanges the caller's token for AWS credentials.
type AWSStsConfig struct {
	Region              string        `json:"region" yaml:"region"`
	Service             string        `json:"service,omitempty" yaml:"service,omitempty"`
	FallbackRoleArn     string        `json:"fallbackRoleArn,omitempty" yaml:"fallbackRoleArn,omitempty"`
	RoleMappings        []RoleMapping `json:"roleMappings,omitempty" yaml:"roleMappings,omitempty"`
	RoleClaim           string        `json:"roleClaim,omitempty" yaml:"roleClaim,omitempty"`
	SessionDuration     *int32        `json:"sessionDuration,omitempty" yaml:"sessionDuration,omitempty"`
	SessionNameClaim    string        `json:"sessionNameClaim,omitempty" yaml:"sessionNameClaim,omitempty"`
	SubjectProviderName string        `json:"subjectProviderName,omitempty" yaml:"subjectProviderName,omitempty"`
}

// XAAConfig is cross-app access (ID-JAG) token exchange.
type XAAConfig struct {
	IdpTokenURL            string   `json:"idpTokenUrl" yaml:"idpTokenUrl"`
	IdpClientID            string   `json:"idpClientId,omitempty" yaml:"idpClientId,omitempty"`
	IdpClientSecret        string   `json:"idpClientSecret,omitempty" yaml:"idpClientSecret,omitempty"`
	IdpClientSecretEnv     string   `json:"idpClientSecretEnv,omitempty" yaml:"idpClientSecretEnv,omitempty"`
	TargetTokenURL         string   `json:"targetTokenUrl" yaml:"targetTokenUrl"`
	InsecureTargetTokenURL bool     `json:"insecureTargetTokenUrl,omitempty" yaml:"insecureTargetTokenUrl,omitempty"`
	TargetClientID         string   `json:"targetClientId,omitempty" yaml:"targetClientId,omitempty"`
	TargetClientSecret     string   `json:"targetClientSecret,omitempty" yaml:"targetClientSecret,omitempty"`
	TargetClientSecretEnv  string   `json:"targetClientSecretEnv,omitempty" yaml:"targetClientSecretEnv,omitempty"`
	TargetAudience         string   `json:"targetAudience" yaml:"targetAudience"`
	TargetResource         string   `json:"targetResource,omitempty" yaml:"targetResource,omitempty"`
	Scopes                 []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
	SubjectProviderName    string   `json:"subjectProviderName,omitempty" yaml:"subjectProviderName,omitempty"`
	SubjectTokenType       string   `json:"subjectTokenType,omitempty" yaml:"subjectTokenType,omitempty"`
}

// AggregationConfig controls how backend tools are merged.
type AggregationConfig struct {
	ConflictResolution       string                    `json:"conflictResolution" yaml:"conflictResolution"`
	ConflictResolutionConfig *ConflictResolutionConfig `json:"conflictResolutionConfig,omitempty" yaml:"conflictResolutionConfig,omitempty"`
	Tools                    []*WorkloadToolConfig     `json:"tools,omitempty" yaml:"tools,omitempty"`
	ExcludeAllTools          bool                      `json:"excludeAllTools,omitempty" yaml:"excludeAllTools,omitempty"`
	DefaultToolVisibility    string                    `json:"defaultToolVisibility,omitempty" yaml:"defaultToolVisibility,omitempty"`
}

// ConflictResolutionConfig configures the conflict resolution strategy.
type ConflictResolutionConfig struct {
	PrefixFormat  string   `json:"prefixFormat,omitempty" yaml:"prefixFormat,omitempty"`
	PriorityOrder []string `json:"priorityOrder,omitempty" yaml:"priorityOrder,omitempty"`
}

// WorkloadToolConfig filters and overrides the tools of one workload.
type WorkloadToolConfig struct {
	Workload      string                   `json:"workload" yaml:"workload"`
	ToolConfigRef *ToolConfigRef           `json:"toolConfigRef,omitempty" yaml:"toolConfigRef,omitempty"`
	Filter        []string                 `json:"filter,omitempty" yaml:"filter,omitempty"`
	Overrides     map[string]*ToolOverride `json:"overrides,omitempty" yaml:"overrides,omitempty"`
	ExcludeAll    bool                     `json:"excludeAll,omitempty" yaml:"excludeAll,omitempty"`
}

// ToolConfigRef names an MCPToolConfig.
type ToolConfigRef struct {
	Name string `json:"name" yaml:"name"`
}

// ToolAnnotationsOverride overrides MCP tool annotations.
type ToolAnnotationsOverride struct {
	Title           *string `json:"title,omitempty" yaml:"title,omitempty"`
	ReadOnlyHint    *bool   `json:"readOnlyHint,omitempty" yaml:"readOnlyHint,omitempty"`
	DestructiveHint *bool   `json:"destructiveHint,omitempty" yaml:"destructiveHint,omitempty"`
	IdempotentHint  *bool   `json:"idempotentHint,omitempty" yaml:"idempotentHint,omitempty"`
	OpenWorldHint   *bool   `json:"openWorldHint,omitempty" yaml:"openWorldHint,omitempty"`
}

// ToolOverride renames or re-describes a tool.
type ToolOverride struct {
	Name        string                   `json:"name,omitempty" yaml:"name,omitempty"`
	Description string                   `json:"description,omitempty" yaml:"description,omitempty"`
	Annotations *ToolAnnotationsOverride `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// OperationalConfig holds timeouts and failure handling.
type OperationalConfig struct {
	LogLevel        string                 `json:"logLevel,omitempty" yaml:"logLevel,omitempty"`
	Timeouts        *TimeoutConfig         `json:"timeouts,omitempty" yaml:"timeouts,omitempty"`
	FailureHandling *FailureHandlingConfig `json:"failureHandling,omitempty" yaml:"failureHandling,omitempty"`
	ListChanged     *ListChangedConfig     `json:"listChanged,omitempty" yaml:"listChanged,omitempty"`
}

// ListChangedConfig controls list_changed notifications.
type ListChangedConfig struct {
	Enabled           *bool    `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	DisabledWorkloads []string `json:"disabledWorkloads,omitempty" yaml:"disabledWorkloads,omitempty"`
}

// TimeoutConfig holds request timeouts.
type TimeoutConfig struct {
	Default     Duration            `json:"default,omitempty" yaml:"default,omitempty"`
	PerWorkload map[string]Duration `json:"perWorkload,omitempty" yaml:"perWorkload,omitempty"`
	BackendInit Duration            `json:"backendInit,omitempty" yaml:"backendInit,omitempty"`
}

// FailureHandlingConfig holds health checks and the circuit breaker.
type FailureHandlingConfig struct {
	HealthCheckInterval     Duration              `json:"healthCheckInterval,omitempty" yaml:"healthCheckInterval,omitempty"`
	UnhealthyThreshold      int                   `json:"unhealthyThreshold,omitempty" yaml:"unhealthyThreshold,omitempty"`
	HealthCheckTimeout      Duration              `json:"healthCheckTimeout,omitempty" yaml:"healthCheckTimeout,omitempty"`
	StatusReportingInterval Duration              `json:"statusReportingInterval,omitempty" yaml:"statusReportingInterval,omitempty"`
	PartialFailureMode      string                `json:"partialFailureMode,omitempty" yaml:"partialFailureMode,omitempty"`
	CircuitBreaker          *CircuitBreakerConfig `json:"circuitBreaker,omitempty" yaml:"circuitBreaker,omitempty"`
}

// CircuitBreakerConfig configures the per-backend circuit breaker.
type CircuitBreakerConfig struct {
	Enabled          bool     `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	FailureThreshold int      `json:"failureThreshold,omitempty" yaml:"failureThreshold,omitempty"`
	Timeout          Duration `json:"timeout,omitempty" yaml:"timeout,omitempty"`
}

// CompositeToolConfig is a workflow exposed as one tool.
type CompositeToolConfig struct {
	Name        string                   `json:"name" yaml:"name"`
	Description string                   `json:"description,omitempty" yaml:"description,omitempty"`
	Parameters  JSONMap                  `json:"parameters,omitempty" yaml:"parameters,omitempty"`
	Timeout     Duration                 `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	Steps       []WorkflowStepConfig     `json:"steps" yaml:"steps"`
	Output      *OutputConfig            `json:"output,omitempty" yaml:"output,omitempty"`
	Annotations *ToolAnnotationsOverride `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// CompositeToolRef names a VirtualMCPCompositeToolDefinition.
type CompositeToolRef struct {
	Name string `json:"name" yaml:"name"`
}

// WorkflowStepConfig is one step of a composite tool.
type WorkflowStepConfig struct {
	ID             string                     `json:"id" yaml:"id"`
	Type           string                     `json:"type,omitempty" yaml:"type,omitempty"`
	Tool           string                     `json:"tool,omitempty" yaml:"tool,omitempty"`
	Arguments      JSONMap                    `json:"arguments,omitempty" yaml:"arguments,omitempty"`
	Condition      string                     `json:"condition,omitempty" yaml:"condition,omitempty"`
	DependsOn      []string                   `json:"dependsOn,omitempty" yaml:"dependsOn,omitempty"`
	OnError        *StepErrorHandling         `json:"onError,omitempty" yaml:"onError,omitempty"`
	Message        string                     `json:"message,omitempty" yaml:"message,omitempty"`
	Schema         JSONMap                    `json:"schema,omitempty" yaml:"schema,omitempty"`
	Timeout        Duration                   `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	OnDecline      *ElicitationResponseConfig `json:"onDecline,omitempty" yaml:"onDecline,omitempty"`
	OnCancel       *ElicitationResponseConfig `json:"onCancel,omitempty" yaml:"onCancel,omitempty"`
	DefaultResults JSONMap                    `json:"defaultResults,omitempty" yaml:"defaultResults,omitempty"`
	Collection     string                     `json:"collection,omitempty" yaml:"collection,omitempty"`
	ItemVar        string                     `json:"itemVar,omitempty" yaml:"itemVar,omitempty"`
	MaxParallel    int                        `json:"maxParallel,omitempty" yaml:"maxParallel,omitempty"`
	MaxIterations  int                        `json:"maxIterations,omitempty" yaml:"maxIterations,omitempty"`
	Step           *WorkflowStepConfig        `json:"step,omitempty" yaml:"step,omitempty"`
}

// StepErrorHandling says what a failed step does.
type StepErrorHandling struct {
	Action     string   `json:"action,omitempty" yaml:"action,omitempty"`
	RetryCount int      `json:"retryCount,omitempty" yaml:"retryCount,omitempty"`
	RetryDelay Duration `json:"retryDelay,omitempty" yaml:"retryDelay,omitempty"`
}

// ElicitationResponseConfig says what a declined or cancelled elicitation does.
type ElicitationResponseConfig struct {
	Action string `json:"action,omitempty" yaml:"action,omitempty"`
}

// OutputConfig shapes a composite tool's structured output.
type OutputConfig struct {
	Properties map[string]OutputProperty `json:"properties" yaml:"properties"`
	Required   []string                  `json:"required,omitempty" yaml:"required,omitempty"`
}

// OutputProperty is one output field.
type OutputProperty struct {
	Type        string                    `json:"type" yaml:"type"`
	Description string                    `json:"description" yaml:"description"`
	Value       string                    `json:"value,omitempty" yaml:"value,omitempty"`
	Properties  map[string]OutputProperty `json:"properties,omitempty" yaml:"properties,omitempty"`
	Default     JSONValue                 `json:"default,omitempty" yaml:"default,omitempty"`
}

// OptimizerConfig configures semantic tool search.
type OptimizerConfig struct {
	EmbeddingService          string            `json:"embeddingService,omitempty" yaml:"embeddingService,omitempty"`
	EmbeddingServiceTimeout   Duration          `json:"embeddingServiceTimeout,omitempty" yaml:"embeddingServiceTimeout,omitempty"`
	EmbeddingProvider         string            `json:"embeddingProvider,omitempty" yaml:"embeddingProvider,omitempty"`
	EmbeddingModel            string            `json:"embeddingModel,omitempty" yaml:"embeddingModel,omitempty"`
	EmbeddingHeaders          map[string]string `json:"embeddingHeaders,omitempty" yaml:"embeddingHeaders,omitempty"`
	MaxToolsToReturn          int               `json:"maxToolsToReturn,omitempty" yaml:"maxToolsToReturn,omitempty"`
	HybridSearchSemanticRatio string            `json:"hybridSearchSemanticRatio,omitempty" yaml:"hybridSearchSemanticRatio,omitempty"`
	SemanticDistanceThreshold string            `json:"semanticDistanceThreshold,omitempty" yaml:"semanticDistanceThreshold,omitempty"`
}

// CodeModeConfig configures code mode.
type CodeModeConfig struct {
	Enabled                bool     `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	StepLimit              int64    `json:"stepLimit,omitempty" yaml:"stepLimit,omitempty"`
	ParallelMaxConcurrency int      `json:"parallelMaxConcurrency,omitempty" yaml:"parallelMaxConcurrency,omitempty"`
	ToolCallTimeout        Duration `json:"toolCallTimeout,omitempty" yaml:"toolCallTimeout,omitempty"`
}

// SessionStorageConfig is where sessions live.
type SessionStorageConfig struct {
	Provider  string          `json:"provider" yaml:"provider"`
	Address   string          `json:"address,omitempty" yaml:"address,omitempty"`
	DB        int32           `json:"db,omitempty" yaml:"db,omitempty"`
	KeyPrefix string          `json:"keyPrefix,omitempty" yaml:"keyPrefix,omitempty"`
	TLS       *RedisTLSConfig `json:"tls,omitempty" yaml:"tls,omitempty"`
}

// RedisTLSConfig is TLS to Redis.
type RedisTLSConfig struct {
	InsecureSkipVerify bool   `json:"insecureSkipVerify,omitempty" yaml:"insecureSkipVerify,omitempty"`
	CACertFile         string `json:"caCertFile,omitempty" yaml:"caCertFile,omitempty"`
}

// TelemetryConfig is the OpenTelemetry and Prometheus setup.
type TelemetryConfig struct {
	Endpoint                    string            `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	ServiceName                 string            `json:"serviceName,omitempty" yaml:"serviceName,omitempty"`
	ServiceVersion              string            `json:"serviceVersion,omitempty" yaml:"serviceVersion,omitempty"`
	TracingEnabled              bool              `json:"tracingEnabled" yaml:"tracingEnabled"`
	MetricsEnabled              bool              `json:"metricsEnabled" yaml:"metricsEnabled"`
	SamplingRate                string            `json:"samplingRate,omitempty" yaml:"samplingRate,omitempty"`
	Headers                     map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	Insecure                    bool              `json:"insecure,omitempty" yaml:"insecure,omitempty"`
	EnablePrometheusMetricsPath bool              `json:"enablePrometheusMetricsPath,omitempty" yaml:"enablePrometheusMetricsPath,omitempty"`
	PrometheusPort              int               `json:"prometheusPort,omitempty" yaml:"prometheusPort,omitempty"`
	MetricsOnTransportPort      *bool             `json:"metricsOnTransportPort,omitempty" yaml:"metricsOnTransportPort,omitempty"`
	EnvironmentVariables        []string          `json:"environmentVariables,omitempty" yaml:"environmentVariables,omitempty"`
	CustomAttributes            map[string]string `json:"customAttributes,omitempty" yaml:"customAttributes,omitempty"`
	UseLegacyAttributes         bool              `json:"useLegacyAttributes" yaml:"useLegacyAttributes"`
	CACertPath                  string            `json:"caCertPath,omitempty" yaml:"caCertPath,omitempty"`
}

// AuditConfig is request auditing.
type AuditConfig struct {
	Enabled                 bool     `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	Component               string   `json:"component,omitempty" yaml:"component,omitempty"`
	EventTypes              []string `json:"eventTypes,omitempty" yaml:"eventTypes,omitempty"`
	ExcludeEventTypes       []string `json:"excludeEventTypes,omitempty" yaml:"excludeEventTypes,omitempty"`
	IncludeRequestData      bool     `json:"includeRequestData,omitempty" yaml:"includeRequestData,omitempty"`
	IncludeResponseData     bool     `json:"includeResponseData,omitempty" yaml:"includeResponseData,omitempty"`
	DetectApplicationErrors *bool    `json:"detectApplicationErrors,omitempty" yaml:"detectApplicationErrors,omitempty"`
	MaxDataSize             int      `json:"maxDataSize,omitempty" yaml:"maxDataSize,omitempty"`
	MaxDelegationDepth      *int     `json:"maxDelegationDepth,omitempty" yaml:"maxDelegationDepth,omitempty"`
	LogFile                 string   `json:"logFile,omitempty" yaml:"logFile,omitempty"`
}

// RateLimitConfig is token-bucket rate limiting.
type RateLimitConfig struct {
	Shared  *RateLimitBucket      `json:"shared,omitempty" yaml:"shared,omitempty"`
	PerUser *RateLimitBucket      `json:"perUser,omitempty" yaml:"perUser,omitempty"`
	Tools   []ToolRateLimitConfig `json:"tools,omitempty" yaml:"tools,omitempty"`
}

// RateLimitBucket is one token bucket.
type RateLimitBucket struct {
	MaxTokens    int32        `json:"maxTokens" yaml:"maxTokens"`
	RefillPeriod MetaDuration `json:"refillPeriod" yaml:"refillPeriod"`
}

// ToolRateLimitConfig limits one tool.
type ToolRateLimitConfig struct {
	Name    string           `json:"name" yaml:"name"`
	Shared  *RateLimitBucket `json:"shared,omitempty" yaml:"shared,omitempty"`
	PerUser *RateLimitBucket `json:"perUser,omitempty" yaml:"perUser,omitempty"`
}
