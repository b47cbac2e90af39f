package convert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// telemetry is the operator's NormalizeMCPTelemetryConfig;
// spec.config.telemetry is never used.
func (c *converter) telemetry() *vmcpconfig.TelemetryConfig {
	ref := c.s.VMCP.Spec.TelemetryConfigRef
	if ref == nil {
		if c.s.VMCP.Spec.Config != nil && c.s.VMCP.Spec.Config.Telemetry != nil {
			c.warn(results.Finding{Field: "spec.config.telemetry", Rule: results.InlineTelemetryIgnored, Reason: "InlineTelemetryIgnored",
				Message: "spec.config.telemetry is ignored by the operator; set spec.telemetryConfigRef to an MCPTelemetryConfig. Without that, GET /metrics is not registered and returns HTTP 406 from the MCP streamable handler."})
		}
		return nil
	}
	tc := c.TelemetryConfig()
	if tc == nil {
		return nil
	}
	out := &vmcpconfig.TelemetryConfig{ServiceName: ref.ServiceName}
	if out.ServiceName == "" {
		out.ServiceName = c.s.Name()
	}
	if o := tc.Spec.OpenTelemetry; o != nil && o.Enabled {
		ep := strings.TrimPrefix(o.Endpoint, "https://")
		out.Endpoint = strings.TrimPrefix(ep, "http://")
		out.Insecure = o.Insecure
		if len(o.Headers) > 0 {
			out.Headers = copyMap(o.Headers)
		}
		if len(o.ResourceAttributes) > 0 {
			out.CustomAttributes = copyMap(o.ResourceAttributes)
		}
		out.UseLegacyAttributes = o.UseLegacyAttributes
		if t := o.Tracing; t != nil {
			out.TracingEnabled = t.Enabled
			if f, err := strconv.ParseFloat(t.SamplingRate, 64); err == nil {
				f = max(0, min(1, f))
				out.SamplingRate = strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
		if m := o.Metrics; m != nil {
			out.MetricsEnabled = m.Enabled
		}
	}
	if p := tc.Spec.Prometheus; p != nil {
		out.EnablePrometheusMetricsPath = p.Enabled
		if p.MetricsOnTransportPort != nil {
			v := *p.MetricsOnTransportPort
			out.MetricsOnTransportPort = &v
		}
	}
	return out
}

// TelemetryConfig is the resolved MCPTelemetryConfig (nil when the reference
// is unset or failed; failures are reported once, by the validation step).
func (c *converter) TelemetryConfig() *toolhive.MCPTelemetryConfig {
	ref := c.s.VMCP.Spec.TelemetryConfigRef
	if ref == nil {
		return nil
	}
	e, ok := c.s.Object(toolhive.KindMCPTelemetryConfig, ref.Name)
	if !ok || e.Invalid {
		return nil
	}
	return e.Obj.(*toolhive.MCPTelemetryConfig)
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// audit names the component after the server whenever an audit block exists
// (even with enabled: false, as the operator does).
func (c *converter) audit(cfg *vmcpconfig.Config) {
	if cfg.Audit != nil && cfg.Audit.Component == "" {
		cfg.Audit.Component = c.s.Name()
	}
}

// sessionStorage is always rebuilt from spec.sessionStorage or the global
// default Redis (TOOLHIVE_DEFAULT_REDIS_*), as the converter does;
// spec.config.sessionStorage is ignored.
func (c *converter) sessionStorage() *vmcpconfig.SessionStorageConfig {
	ss := c.s.VMCP.Spec.SessionStorage
	if ss != nil && ss.Provider == "redis" {
		out := &vmcpconfig.SessionStorageConfig{Provider: "redis", Address: ss.Address, KeyPrefix: ss.KeyPrefix}
		if ss.DB != nil {
			out.DB = *ss.DB
		}
		if t := ss.TLS; t != nil {
			out.TLS = &vmcpconfig.RedisTLSConfig{InsecureSkipVerify: t.InsecureSkipVerify}
			if t.CACertSecretRef != nil {
				out.TLS.CACertFile = vmcpconfig.SessionRedisCAPath
			}
		}
		return out
	}
	r := c.spec.DefaultRedis
	if r == nil || r.Addr == "" {
		return nil
	}
	out := &vmcpconfig.SessionStorageConfig{Provider: "redis", Address: r.Addr}
	if t := r.TLS; t != nil && t.Enabled {
		out.TLS = &vmcpconfig.RedisTLSConfig{}
		if t.CASecretName != "" {
			out.TLS.CACertFile = vmcpconfig.SessionRedisCAPath
		}
	}
	return out
}

// optimizer fills the embedding service URL from the EmbeddingServer status;
// with embeddingServerRef and no optimizer it starts from the empty one
// VirtualMCPServer.Validate() adds.
func (c *converter) optimizer(cfg *vmcpconfig.Config) {
	ref := c.s.VMCP.Spec.EmbeddingServerRef
	if ref == nil {
		if cfg.Optimizer != nil && cfg.Optimizer.EmbeddingService != "" {
			c.warn(results.Finding{Field: "spec.config.optimizer.embeddingService", Rule: results.EmbeddingServiceManual, Reason: "EmbeddingServiceManual",
				Message: "spec.config.optimizer.embeddingService is set manually; spec.embeddingServerRef is the recommended way to provision the embedding service"})
		}
		return
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = &vmcpconfig.OptimizerConfig{}
	}
	e, ok := c.s.Object(toolhive.KindEmbeddingServer, ref.Name)
	if !ok || e.Invalid {
		return
	}
	es := e.Obj.(*toolhive.EmbeddingServer)
	if es.Status.URL == "" {
		return
	}
	if cfg.Optimizer.EmbeddingService != "" && cfg.Optimizer.EmbeddingService != es.Status.URL {
		c.warn(results.Finding{Field: "spec.config.optimizer.embeddingService", CurrentValue: cfg.Optimizer.EmbeddingService, ProposedValue: es.Status.URL,
			Rule: results.EmbeddingServiceOverridden, Reason: "EmbeddingServiceOverridden",
			Message: fmt.Sprintf("spec.config.optimizer.embeddingService is overridden by the URL of EmbeddingServer %s (%s); remove the manual value", ref.Name, es.Status.URL)})
	}
	cfg.Optimizer.EmbeddingService = es.Status.URL
}
