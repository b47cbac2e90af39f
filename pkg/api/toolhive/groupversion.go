// Package toolhive holds the ToolHive custom resources that a VirtualMCPServer
// render reads, their CRD structural defaults and a decoder that reports
// every schema problem with its field path.
//
// v1beta1 and v1alpha1 of group toolhive.stacklok.dev have identical schemas
// upstream (the v1alpha1 Go types wrap the v1beta1 spec and status), so one Go
// type serves both versions.
package toolhive

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the API group of every ToolHive kind.
const Group = "toolhive.stacklok.dev"

// Versions served by the CRDs (v0.62.0 and v0.63.0 ship the same). The
// operator always writes v1beta1.
const (
	VersionV1Beta1  = "v1beta1"
	VersionV1Alpha1 = "v1alpha1"
)

// APIVersion is the apiVersion the operator uses, e.g. in owner references.
const APIVersion = Group + "/" + VersionV1Beta1

// Kind names.
const (
	KindVirtualMCPServer                  = "VirtualMCPServer"
	KindMCPExternalAuthConfig             = "MCPExternalAuthConfig"
	KindMCPOIDCConfig                     = "MCPOIDCConfig"
	KindMCPAuthzConfig                    = "MCPAuthzConfig"
	KindMCPTelemetryConfig                = "MCPTelemetryConfig"
	KindMCPToolConfig                     = "MCPToolConfig"
	KindVirtualMCPCompositeToolDefinition = "VirtualMCPCompositeToolDefinition"
	KindMCPGroup                          = "MCPGroup"
	KindMCPServer                         = "MCPServer"
	KindMCPRemoteProxy                    = "MCPRemoteProxy"
	KindMCPServerEntry                    = "MCPServerEntry"
	KindEmbeddingServer                   = "EmbeddingServer"
)

// IsToolHive reports whether apiVersion is a served version of the ToolHive
// group (v1beta1 or the deprecated v1alpha1).
func IsToolHive(apiVersion string) bool {
	group, version, ok := strings.Cut(apiVersion, "/")
	return ok && group == Group && (version == VersionV1Beta1 || version == VersionV1Alpha1)
}

// IsDeprecatedVersion reports whether apiVersion is the deprecated
// toolhive.stacklok.dev/v1alpha1 (still served, warns on use).
func IsDeprecatedVersion(apiVersion string) bool {
	return apiVersion == Group+"/"+VersionV1Alpha1
}

// Object is implemented by every decoded kind.
type Object interface {
	metav1.Object
	GroupVersionKind() schema.GroupVersionKind
}
