package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPToolConfig filters and overrides the tools of a workload; referenced
// from spec.config.aggregation.tools[].toolConfigRef.
type MCPToolConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPToolConfigSpec   `json:"spec,omitempty"`
	Status MCPToolConfigStatus `json:"status,omitempty"`
}

// MCPToolConfigSpec is every v1beta1 field of the spec.
type MCPToolConfigSpec struct {
	ToolsFilter   []string                `json:"toolsFilter,omitempty"`
	ToolsOverride map[string]ToolOverride `json:"toolsOverride,omitempty"`
}

// ToolOverride renames or re-describes one tool.
type ToolOverride struct {
	Name        string                   `json:"name,omitempty"`
	Description string                   `json:"description,omitempty"`
	Annotations *ToolAnnotationsOverride `json:"annotations,omitempty"`
}

// ToolAnnotationsOverride overrides MCP tool annotations; nil means "keep".
type ToolAnnotationsOverride struct {
	Title           *string `json:"title,omitempty"`
	ReadOnlyHint    *bool   `json:"readOnlyHint,omitempty"`
	DestructiveHint *bool   `json:"destructiveHint,omitempty"`
	IdempotentHint  *bool   `json:"idempotentHint,omitempty"`
	OpenWorldHint   *bool   `json:"openWorldHint,omitempty"`
}

// MCPToolConfigStatus: the operator reads nothing from it.
type MCPToolConfigStatus struct{}
