// Package convert turns a resolved VirtualMCPServer into the vMCP config
// (config.yaml), following the operator's converter and controller step by step
// (cmd/thv-operator/pkg/vmcpconfig/converter.go,
// cmd/thv-operator/controllers/virtualmcpserver_vmcpconfig.go), and reports
// what the operator would report.
package convert

import (
	"encoding/json"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// Prefix of every converter error, as the operator words it.
const convertPrefix = "failed to create vmcp Config from VirtualMCPServer: "

// Output is the converted config and what the pod needs to know about it.
type Output struct {
	Config *vmcpconfig.Config
	// Findings are advisories (warnings) and, when Failed, the error that
	// stopped the conversion.
	Findings []results.Finding
	// Failed is true when an error stopped the conversion: nothing may be
	// rendered for the server.
	Failed bool
	// UpstreamInject lists upstream_inject strategies by backend name
	// ("<default-strategy>" for the default) for the auth server checks.
	UpstreamInject map[string]string
}

type converter struct {
	s    *resolve.Server
	spec fnconfig.Spec
	out  *Output
}

func (c *converter) fail(f results.Finding) {
	f.Severity = results.Error
	if f.Rule.IsZero() {
		f.Rule = results.ConversionFailed
	}
	c.out.Findings = append(c.out.Findings, f)
	c.out.Failed = true
}

func (c *converter) warn(f results.Finding) {
	f.Severity = results.Warning
	c.out.Findings = append(c.out.Findings, f)
}

// Convert builds config.yaml for s. The upstream names are the embedded auth
// server's upstream provider names ("" → "default"), in order.
func Convert(s *resolve.Server, spec fnconfig.Spec) *Output {
	c := &converter{s: s, spec: spec, out: &Output{}}
	v := s.VMCP
	cfg := &vmcpconfig.Config{}
	if v.Spec.Config != nil {
		// The operator starts from a deep copy of spec.config.
		var err error
		if cfg, err = deepCopy(v.Spec.Config); err != nil {
			c.fail(results.Finding{Field: "spec.config", Rule: results.Internal, Message: "cannot copy spec.config: " + err.Error()})
			return c.out
		}
	}
	cfg.Name = v.Name
	cfg.GroupRef = s.Group()

	if v.Spec.IncomingAuth != nil {
		ia, ok := c.incomingAuth()
		if !ok {
			return c.out
		}
		cfg.IncomingAuth = ia
	}

	outgoing, excluded, ok := c.outgoingAuth()
	if !ok {
		return c.out
	}
	cfg.OutgoingAuth = outgoing

	agg, ok := c.aggregation(cfg.Aggregation)
	if !ok {
		return c.out
	}
	cfg.Aggregation = agg

	tools, ok := c.compositeTools(cfg.CompositeTools, cfg.CompositeToolRefs)
	if !ok {
		return c.out
	}
	cfg.CompositeTools = tools

	cfg.Operational = vmcpconfig.EnsureOperationalDefaults(cfg.Operational)
	cfg.Telemetry = c.telemetry()
	c.audit(cfg)
	cfg.SessionStorage = c.sessionStorage()
	if len(v.Spec.PassthroughHeaders) > 0 {
		cfg.PassthroughHeaders = append([]string(nil), v.Spec.PassthroughHeaders...)
	}

	// Controller-side steps after the converter: static backends, optimizer
	// URL, the config validator.
	if outgoing.Source == "inline" {
		backends, ok := c.staticBackends(excluded)
		if !ok {
			return c.out
		}
		cfg.Backends = backends
	}
	c.optimizer(cfg)
	if cfg.Name == "" {
		c.fail(results.Finding{Field: "metadata.name", Message: "invalid vmcp Config: name is required"})
		return c.out
	}
	if cfg.GroupRef == "" {
		c.fail(results.Finding{Field: "spec.groupRef.name", Message: "invalid vmcp Config: groupRef is required"})
		return c.out
	}
	c.out.Config = cfg
	c.out.UpstreamInject = upstreamInjects(cfg.OutgoingAuth)
	return c.out
}

// upstreamInjects lists the upstream_inject strategies of the final config.
func upstreamInjects(o *vmcpconfig.OutgoingAuthConfig) map[string]string {
	m := map[string]string{}
	if o == nil {
		return m
	}
	if o.Default != nil && o.Default.UpstreamInject != nil && o.Default.Type == "upstream_inject" {
		m["<default-strategy>"] = o.Default.UpstreamInject.ProviderName
	}
	for k, b := range o.Backends {
		if b != nil && b.Type == "upstream_inject" && b.UpstreamInject != nil {
			m[k] = b.UpstreamInject.ProviderName
		}
	}
	return m
}

// deepCopy copies through JSON, the form spec.config was decoded from.
func deepCopy(c *vmcpconfig.Config) (*vmcpconfig.Config, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	out := &vmcpconfig.Config{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}
