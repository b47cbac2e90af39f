package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPOIDCConfig is a shared OIDC provider configuration referenced from
// spec.incomingAuth.oidcConfigRef.
type MCPOIDCConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPOIDCConfigSpec `json:"spec,omitempty"`
	Status ConditionsStatus  `json:"status,omitempty"`
}

// MCPOIDCConfigSpec is every v1beta1 field of the spec.
type MCPOIDCConfigSpec struct {
	Type                     string                              `json:"type"`
	KubernetesServiceAccount *KubernetesServiceAccountOIDCConfig `json:"kubernetesServiceAccount,omitempty"`
	Inline                   *InlineOIDCSharedConfig             `json:"inline,omitempty"`
}

// KubernetesServiceAccountOIDCConfig validates Kubernetes service account
// tokens.
type KubernetesServiceAccountOIDCConfig struct {
	ServiceAccount   string `json:"serviceAccount,omitempty"`
	Namespace        string `json:"namespace,omitempty"`
	Issuer           string `json:"issuer,omitempty"`
	JwksURL          string `json:"jwksUrl,omitempty"`
	IntrospectionURL string `json:"introspectionUrl,omitempty"`
	// UseClusterAuth nil means true upstream, so presence matters.
	UseClusterAuth *bool `json:"useClusterAuth,omitempty"`
}

// InlineOIDCSharedConfig is an OIDC provider given field by field.
type InlineOIDCSharedConfig struct {
	Issuer                          string          `json:"issuer"`
	ClientID                        string          `json:"clientId,omitempty"`
	ClientSecretRef                 *SecretKeyRef   `json:"clientSecretRef,omitempty"`
	CABundleRef                     *CABundleSource `json:"caBundleRef,omitempty"`
	JwksURL                         string          `json:"jwksUrl,omitempty"`
	IntrospectionURL                string          `json:"introspectionUrl,omitempty"`
	JwksAuthTokenPath               string          `json:"jwksAuthTokenPath,omitempty"`
	JwksAllowPrivateIP              bool            `json:"jwksAllowPrivateIP,omitempty"`
	ProtectedResourceAllowPrivateIP bool            `json:"protectedResourceAllowPrivateIP,omitempty"`
	InsecureAllowHTTP               bool            `json:"insecureAllowHTTP,omitempty"`
}
