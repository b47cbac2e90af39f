package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// MCPAuthzConfig is a shared authorization configuration referenced from
// spec.incomingAuth.authzConfigRef.
type MCPAuthzConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPAuthzConfigSpec `json:"spec,omitempty"`
	Status ConditionsStatus   `json:"status,omitempty"`
}

// MCPAuthzConfigSpec is every v1beta1 field of the spec.
type MCPAuthzConfigSpec struct {
	Type string `json:"type"`
	// Config is free-form (x-kubernetes-preserve-unknown-fields); the raw JSON
	// is kept because the operator wraps it verbatim into an authz document.
	Config runtime.RawExtension `json:"config"`
}
