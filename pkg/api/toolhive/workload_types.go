package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The kinds below are not rendered; only the fields the operator reads for a
// VirtualMCPServer are modelled and they are decoded leniently (unknown fields
// ignored).

// MCPGroup groups MCP workloads; spec.groupRef of a VirtualMCPServer names one.
type MCPGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPGroupSpec   `json:"spec,omitempty"`
	Status MCPGroupStatus `json:"status,omitempty"`
}

// MCPGroupSpec: nothing in it is read.
type MCPGroupSpec struct{}

// MCPGroupStatus carries the readiness gate.
type MCPGroupStatus struct {
	Phase string `json:"phase,omitempty"`
}

// MCPServer is a container-based MCP workload.
type MCPServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPServerSpec  `json:"spec,omitempty"`
	Status WorkloadStatus `json:"status,omitempty"`
}

// MCPServerSpec holds the fields read for group membership, auth discovery
// and static backends.
type MCPServerSpec struct {
	GroupRef              *MCPGroupRef           `json:"groupRef,omitempty"`
	ExternalAuthConfigRef *ExternalAuthConfigRef `json:"externalAuthConfigRef,omitempty"`
	Transport             string                 `json:"transport,omitempty"`
	ProxyMode             string                 `json:"proxyMode,omitempty"`
	ProxyPort             int32                  `json:"proxyPort,omitempty"`
}

// WorkloadStatus is the status of MCPServer and MCPRemoteProxy as far as the
// operator reads it.
type WorkloadStatus struct {
	URL   string `json:"url,omitempty"`
	Phase string `json:"phase,omitempty"`
}

// MCPRemoteProxy proxies a remote MCP server.
type MCPRemoteProxy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPRemoteProxySpec `json:"spec,omitempty"`
	Status WorkloadStatus     `json:"status,omitempty"`
}

// MCPRemoteProxySpec holds the fields read for group membership, auth
// discovery and static backends.
type MCPRemoteProxySpec struct {
	RemoteURL             string                 `json:"remoteUrl,omitempty"`
	GroupRef              *MCPGroupRef           `json:"groupRef,omitempty"`
	ExternalAuthConfigRef *ExternalAuthConfigRef `json:"externalAuthConfigRef,omitempty"`
	Transport             string                 `json:"transport,omitempty"`
	ProxyPort             int32                  `json:"proxyPort,omitempty"`
}

// MCPServerEntry declares a remote MCP server that vMCP calls directly.
type MCPServerEntry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPServerEntrySpec   `json:"spec,omitempty"`
	Status MCPServerEntryStatus `json:"status,omitempty"`
}

// MCPServerEntrySpec holds the fields read for group membership, auth
// discovery, static backends, CA mounts and header forwarding.
type MCPServerEntrySpec struct {
	RemoteURL             string                 `json:"remoteUrl,omitempty"`
	Transport             string                 `json:"transport,omitempty"`
	GroupRef              *MCPGroupRef           `json:"groupRef,omitempty"`
	ExternalAuthConfigRef *ExternalAuthConfigRef `json:"externalAuthConfigRef,omitempty"`
	CABundleRef           *CABundleSource        `json:"caBundleRef,omitempty"`
	HeaderForward         *HeaderForwardConfig   `json:"headerForward,omitempty"`
	AllowPrivateEndpoint  bool                   `json:"allowPrivateEndpoint,omitempty"`
}

// HeaderForwardConfig adds headers to requests forwarded to the entry.
type HeaderForwardConfig struct {
	AddPlaintextHeaders  map[string]string  `json:"addPlaintextHeaders,omitempty"`
	AddHeadersFromSecret []HeaderFromSecret `json:"addHeadersFromSecret,omitempty"`
}

// HeaderFromSecret is a forwarded header whose value comes from a Secret.
type HeaderFromSecret struct {
	HeaderName     string        `json:"headerName"`
	ValueSecretRef *SecretKeyRef `json:"valueSecretRef,omitempty"`
}

// MCPServerEntryStatus carries the validity gate (phase Valid).
type MCPServerEntryStatus struct {
	Phase string `json:"phase,omitempty"`
}

// EmbeddingServer runs the embedding model used by the optimizer.
type EmbeddingServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   EmbeddingServerSpec   `json:"spec,omitempty"`
	Status EmbeddingServerStatus `json:"status,omitempty"`
}

// EmbeddingServerSpec holds the port used to derive its URL.
type EmbeddingServerSpec struct {
	Port int32 `json:"port,omitempty"`
}

// EmbeddingServerStatus carries the readiness gate and the URL.
type EmbeddingServerStatus struct {
	Phase         string `json:"phase,omitempty"`
	ReadyReplicas int32  `json:"readyReplicas,omitempty"`
	URL           string `json:"url,omitempty"`
}
