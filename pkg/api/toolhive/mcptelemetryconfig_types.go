package toolhive

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPTelemetryConfig is a shared telemetry configuration referenced from
// spec.telemetryConfigRef.
type MCPTelemetryConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   MCPTelemetryConfigSpec   `json:"spec,omitempty"`
	Status MCPTelemetryConfigStatus `json:"status,omitempty"`
}

// MCPTelemetryConfigSpec is every v1beta1 field of the spec.
type MCPTelemetryConfigSpec struct {
	OpenTelemetry *MCPTelemetryOTelConfig `json:"openTelemetry,omitempty"`
	Prometheus    *PrometheusConfig       `json:"prometheus,omitempty"`
}

// MCPTelemetryOTelConfig is spec.openTelemetry.
type MCPTelemetryOTelConfig struct {
	Enabled             bool                        `json:"enabled,omitempty"`
	Endpoint            string                      `json:"endpoint,omitempty"`
	Insecure            bool                        `json:"insecure,omitempty"`
	Headers             map[string]string           `json:"headers,omitempty"`
	SensitiveHeaders    []SensitiveHeader           `json:"sensitiveHeaders,omitempty"`
	ResourceAttributes  map[string]string           `json:"resourceAttributes,omitempty"`
	Metrics             *OpenTelemetryMetricsConfig `json:"metrics,omitempty"`
	Tracing             *OpenTelemetryTracingConfig `json:"tracing,omitempty"`
	UseLegacyAttributes bool                        `json:"useLegacyAttributes,omitempty"`
	CABundleRef         *CABundleSource             `json:"caBundleRef,omitempty"`
}

// SensitiveHeader is an OTLP header whose value comes from a Secret.
type SensitiveHeader struct {
	Name         string        `json:"name"`
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef,omitempty"`
}

// OpenTelemetryMetricsConfig is spec.openTelemetry.metrics.
type OpenTelemetryMetricsConfig struct {
	Enabled bool `json:"enabled,omitempty"`
}

// OpenTelemetryTracingConfig is spec.openTelemetry.tracing.
type OpenTelemetryTracingConfig struct {
	Enabled      bool   `json:"enabled,omitempty"`
	SamplingRate string `json:"samplingRate,omitempty"`
}

// PrometheusConfig is spec.prometheus.
type PrometheusConfig struct {
	Enabled bool `json:"enabled,omitempty"`
	// MetricsOnTransportPort is copied only when set, so presence matters.
	MetricsOnTransportPort *bool `json:"metricsOnTransportPort,omitempty"`
}

// MCPTelemetryConfigStatus: the operator reads nothing from it.
type MCPTelemetryConfigStatus struct{}
