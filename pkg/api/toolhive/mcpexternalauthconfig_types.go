package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPExternalAuthConfig holds how a workload (or vMCP) authenticates to a
// backend. Exactly the sub-struct named by spec.type is meaningful.
type MCPExternalAuthConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPExternalAuthConfigSpec `json:"spec,omitempty"`
	Status ConditionsStatus          `json:"status,omitempty"`
}

// MCPExternalAuthConfigSpec is every v1beta1 field of the spec.
type MCPExternalAuthConfigSpec struct {
	Type               string                    `json:"type"`
	TokenExchange      *TokenExchangeConfig      `json:"tokenExchange,omitempty"`
	HeaderInjection    *HeaderInjectionConfig    `json:"headerInjection,omitempty"`
	BearerToken        *BearerTokenConfig        `json:"bearerToken,omitempty"`
	EmbeddedAuthServer *EmbeddedAuthServerConfig `json:"embeddedAuthServer,omitempty"`
	AWSSts             *AWSStsConfig             `json:"awsSts,omitempty"`
	UpstreamInject     *UpstreamInjectConfig     `json:"upstreamInject,omitempty"`
	OBO                *OBOConfig                `json:"obo,omitempty"`
	XAA                *XAAConfig                `json:"xaa,omitempty"`
}

// TokenExchangeConfig is an RFC 8693 token exchange.
type TokenExchangeConfig struct {
	TokenURL                string        `json:"tokenUrl"`
	ClientID                string        `json:"clientId,omitempty"`
	ClientSecretRef         *SecretKeyRef `json:"clientSecretRef,omitempty"`
	Audience                string        `json:"audience"`
	Scopes                  []string      `json:"scopes,omitempty"`
	SubjectTokenType        string        `json:"subjectTokenType,omitempty"`
	ExternalTokenHeaderName string        `json:"externalTokenHeaderName,omitempty"`
	SubjectProviderName     string        `json:"subjectProviderName,omitempty"`
}

// HeaderInjectionConfig injects a header whose value comes from a Secret.
type HeaderInjectionConfig struct {
	HeaderName     string        `json:"headerName"`
	ValueSecretRef *SecretKeyRef `json:"valueSecretRef,omitempty"`
}

// BearerTokenConfig sends a static bearer token from a Secret.
type BearerTokenConfig struct {
	TokenSecretRef *SecretKeyRef `json:"tokenSecretRef,omitempty"`
}

// AWSStsConfig exchanges the caller's token for AWS credentials (SigV4).
type AWSStsConfig struct {
	Region              string        `json:"region"`
	Service             string        `json:"service,omitempty"`
	FallbackRoleArn     string        `json:"fallbackRoleArn,omitempty"`
	RoleMappings        []RoleMapping `json:"roleMappings,omitempty"`
	RoleClaim           string        `json:"roleClaim,omitempty"`
	SessionDuration     *int32        `json:"sessionDuration,omitempty"`
	SessionNameClaim    string        `json:"sessionNameClaim,omitempty"`
	SubjectProviderName string        `json:"subjectProviderName,omitempty"`
}

// RoleMapping maps a claim value (or CEL matcher) to an IAM role.
type RoleMapping struct {
	Claim    string `json:"claim,omitempty"`
	Matcher  string `json:"matcher,omitempty"`
	RoleArn  string `json:"roleArn"`
	Priority *int32 `json:"priority,omitempty"`
}

// UpstreamInjectConfig injects the token of an embedded auth server upstream.
type UpstreamInjectConfig struct {
	ProviderName string `json:"providerName"`
}

// OBOConfig is an Entra ID on-behalf-of exchange.
type OBOConfig struct {
	Authority                string        `json:"authority,omitempty"`
	TenantID                 string        `json:"tenantId,omitempty"`
	ClientID                 string        `json:"clientId,omitempty"`
	ClientSecretRef          *SecretKeyRef `json:"clientSecretRef,omitempty"`
	Audience                 string        `json:"audience,omitempty"`
	Scopes                   []string      `json:"scopes,omitempty"`
	CacheSkew                string        `json:"cacheSkew,omitempty"`
	SubjectTokenProviderName string        `json:"subjectTokenProviderName,omitempty"`
}

// XAAConfig is a cross-app access (ID-JAG) exchange.
type XAAConfig struct {
	IdpTokenURL            string        `json:"idpTokenUrl"`
	IdpClientID            string        `json:"idpClientId,omitempty"`
	IdpClientSecretRef     *SecretKeyRef `json:"idpClientSecretRef,omitempty"`
	TargetTokenURL         string        `json:"targetTokenUrl"`
	TargetClientID         string        `json:"targetClientId,omitempty"`
	TargetClientSecretRef  *SecretKeyRef `json:"targetClientSecretRef,omitempty"`
	TargetAudience         string        `json:"targetAudience"`
	TargetResource         string        `json:"targetResource,omitempty"`
	Scopes                 []string      `json:"scopes,omitempty"`
	SubjectTokenType       string        `json:"subjectTokenType,omitempty"`
	SubjectProviderName    string        `json:"subjectProviderName,omitempty"`
	InsecureTargetTokenURL bool          `json:"insecureTargetTokenUrl,omitempty"`
}

// ConditionsStatus is the status of the config kinds whose Valid condition
// the operator consults (MCPExternalAuthConfig, MCPOIDCConfig,
// MCPAuthzConfig).
type ConditionsStatus struct {
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}
