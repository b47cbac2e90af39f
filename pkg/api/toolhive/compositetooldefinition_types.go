package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// VirtualMCPCompositeToolDefinition is a composite tool shared between
// VirtualMCPServers through spec.config.compositeToolRefs. Its spec is a
// vMCP CompositeToolConfig, copied as-is into config.yaml.
type VirtualMCPCompositeToolDefinition struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   vmcpconfig.CompositeToolConfig          `json:"spec,omitempty"`
	Status VirtualMCPCompositeToolDefinitionStatus `json:"status,omitempty"`
}

// VirtualMCPCompositeToolDefinitionStatus: a definition whose
// validationStatus is Invalid is refused by the operator.
type VirtualMCPCompositeToolDefinitionStatus struct {
	ValidationStatus string   `json:"validationStatus,omitempty"`
	ValidationErrors []string `json:"validationErrors,omitempty"`
}
