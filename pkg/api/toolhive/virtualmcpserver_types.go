package toolhive

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// VirtualMCPServer aggregates the MCP workloads of an MCPGroup behind one
// vMCP endpoint. It is the only kind that is rendered.
type VirtualMCPServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   VirtualMCPServerSpec   `json:"spec,omitempty"`
	Status VirtualMCPServerStatus `json:"status,omitempty"`
}

// VirtualMCPServerSpec is spec of a VirtualMCPServer (every v1beta1 field).
type VirtualMCPServerSpec struct {
	IncomingAuth             *IncomingAuthConfig           `json:"incomingAuth"`
	OutgoingAuth             *OutgoingAuthConfig           `json:"outgoingAuth,omitempty"`
	ServiceType              string                        `json:"serviceType,omitempty"`
	SessionAffinity          string                        `json:"sessionAffinity,omitempty"`
	ServiceAccount           *string                       `json:"serviceAccount,omitempty"`
	PodTemplateSpec          *runtime.RawExtension         `json:"podTemplateSpec,omitempty"`
	GroupRef                 *MCPGroupRef                  `json:"groupRef"`
	Config                   *vmcpconfig.Config            `json:"config,omitempty"`
	TelemetryConfigRef       *MCPTelemetryConfigReference  `json:"telemetryConfigRef,omitempty"`
	EmbeddingServerRef       *EmbeddingServerRef           `json:"embeddingServerRef,omitempty"`
	AuthServerConfig         *EmbeddedAuthServerConfig     `json:"authServerConfig,omitempty"`
	AuthServerUpstreamFilter *AuthServerUpstreamFilter     `json:"authServerUpstreamFilter,omitempty"`
	Replicas                 *int32                        `json:"replicas,omitempty"`
	SessionStorage           *SessionStorageConfig         `json:"sessionStorage,omitempty"`
	ImagePullSecrets         []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	PassthroughHeaders       []string                      `json:"passthroughHeaders,omitempty"`
}

// VirtualMCPServerStatus keeps only what the operator reads back.
type VirtualMCPServerStatus struct {
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// IncomingAuthConfig is spec.incomingAuth: how clients authenticate to vMCP.
type IncomingAuthConfig struct {
	Type           string                   `json:"type"`
	OIDCConfigRef  *MCPOIDCConfigReference  `json:"oidcConfigRef,omitempty"`
	AuthzConfig    *AuthzConfigRef          `json:"authzConfig,omitempty"`
	AuthzConfigRef *MCPAuthzConfigReference `json:"authzConfigRef,omitempty"`
}

// MCPOIDCConfigReference names an MCPOIDCConfig and carries the per-server
// overrides (audience, scopes, resource URL).
type MCPOIDCConfigReference struct {
	Name        string   `json:"name"`
	Audience    string   `json:"audience"`
	Scopes      []string `json:"scopes,omitempty"`
	ResourceURL string   `json:"resourceUrl,omitempty"`
}

// AuthzConfigRef is spec.incomingAuth.authzConfig: Cedar policies inline or
// from a ConfigMap.
type AuthzConfigRef struct {
	Type            string             `json:"type"`
	ConfigMap       *ConfigMapAuthzRef `json:"configMap,omitempty"`
	Inline          *InlineAuthzConfig `json:"inline,omitempty"`
	GroupClaimName  string             `json:"groupClaimName,omitempty"`
	RoleClaimName   string             `json:"roleClaimName,omitempty"`
	GroupEntityType string             `json:"groupEntityType,omitempty"`
}

// ConfigMapAuthzRef names the ConfigMap key holding an authz config file.
type ConfigMapAuthzRef struct {
	Name string `json:"name"`
	Key  string `json:"key,omitempty"`
}

// InlineAuthzConfig holds Cedar policies in the CR.
type InlineAuthzConfig struct {
	Policies     []string `json:"policies"`
	EntitiesJSON string   `json:"entitiesJson,omitempty"`
	// PrimaryUpstreamProvider is deprecated upstream in favour of
	// spec.authServerConfig.primaryUpstreamProvider, but still read.
	PrimaryUpstreamProvider string `json:"primaryUpstreamProvider,omitempty"`
}

// MCPAuthzConfigReference names an MCPAuthzConfig.
type MCPAuthzConfigReference struct {
	Name string `json:"name"`
}

// OutgoingAuthConfig is spec.outgoingAuth: how vMCP authenticates to backends.
type OutgoingAuthConfig struct {
	Source   string                       `json:"source,omitempty"`
	Default  *BackendAuthConfig           `json:"default,omitempty"`
	Backends map[string]BackendAuthConfig `json:"backends,omitempty"`
}

// BackendAuthConfig is the auth of one backend (or the default).
type BackendAuthConfig struct {
	Type                  string                 `json:"type"`
	ExternalAuthConfigRef *ExternalAuthConfigRef `json:"externalAuthConfigRef,omitempty"`
}

// ExternalAuthConfigRef names an MCPExternalAuthConfig.
type ExternalAuthConfigRef struct {
	Name string `json:"name"`
}

// MCPGroupRef names an MCPGroup.
type MCPGroupRef struct {
	Name string `json:"name"`
}

// MCPTelemetryConfigReference names an MCPTelemetryConfig and optionally
// overrides the service name.
type MCPTelemetryConfigReference struct {
	Name        string `json:"name"`
	ServiceName string `json:"serviceName,omitempty"`
}

// EmbeddingServerRef names an EmbeddingServer.
type EmbeddingServerRef struct {
	Name string `json:"name"`
}

// SessionStorageConfig is spec.sessionStorage (Redis-backed sessions).
type SessionStorageConfig struct {
	Provider    string                   `json:"provider"`
	Address     string                   `json:"address,omitempty"`
	DB          *int32                   `json:"db,omitempty"`
	KeyPrefix   string                   `json:"keyPrefix,omitempty"`
	PasswordRef *SecretKeyRef            `json:"passwordRef,omitempty"`
	TLS         *SessionStorageTLSConfig `json:"tls,omitempty"`
}

// SessionStorageTLSConfig is spec.sessionStorage.tls.
type SessionStorageTLSConfig struct {
	InsecureSkipVerify bool          `json:"insecureSkipVerify,omitempty"`
	CACertSecretRef    *SecretKeyRef `json:"caCertSecretRef,omitempty"`
}
