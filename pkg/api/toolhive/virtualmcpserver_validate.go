package toolhive

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// Validate runs the operator's VirtualMCPServer.Validate() (on its v1beta1
// API type) and the CRD's admission (CEL) rules that a cluster enforces before the operator ever sees
// the object. All problems are returned, not just the first.
func (v *VirtualMCPServer) Validate() []results.Finding {
	var fs []results.Finding
	bad := func(field string, rule results.Rule, msg string, cur any) {
		fs = append(fs, results.Finding{Severity: results.Error, Field: field, Rule: rule, CurrentValue: cur, Message: msg,
			ConditionType: "Valid", Reason: "ValidationFailed"})
	}
	admission := func(field string, rule results.Rule, msg string, cur any) {
		fs = append(fs, results.Finding{Severity: results.Error, Field: field, Rule: rule, CurrentValue: cur,
			Message: msg + " (rejected by the VirtualMCPServer CRD at admission)"})
	}
	sp := v.Spec

	if sp.GroupRef == nil || sp.GroupRef.Name == "" {
		bad("spec.groupRef.name", results.GroupRefRequired, "spec.groupRef.name is required; name the MCPGroup whose workloads this server aggregates", nil)
	}
	if sp.IncomingAuth == nil {
		admission("spec.incomingAuth", results.IncomingAuthRequired, "spec.incomingAuth is required; set type: anonymous or type: oidc with an oidcConfigRef", nil)
	} else {
		ia := sp.IncomingAuth
		switch ia.Type {
		case "anonymous", "oidc":
		default:
			admission("spec.incomingAuth.type", results.IncomingAuthType, "spec.incomingAuth.type must be one of: anonymous, oidc", ia.Type)
		}
		if ia.Type == "oidc" && ia.OIDCConfigRef == nil {
			admission("spec.incomingAuth.oidcConfigRef", results.OIDCConfigRefRequired, "spec.incomingAuth.oidcConfigRef is required when type is oidc", nil)
		}
		if ia.OIDCConfigRef != nil && ia.OIDCConfigRef.Name == "" {
			admission("spec.incomingAuth.oidcConfigRef.name", results.OIDCConfigRefRequired, "spec.incomingAuth.oidcConfigRef.name must name an MCPOIDCConfig", nil)
		}
		if a := ia.AuthzConfig; a != nil {
			if (a.Type == "configMap") != (a.ConfigMap != nil) {
				admission("spec.incomingAuth.authzConfig.configMap", results.AuthzConfigShape, "configMap must be set when type is 'configMap', and must not be set otherwise", a.Type)
			}
			if (a.Type == "inline") != (a.Inline != nil) {
				admission("spec.incomingAuth.authzConfig.inline", results.AuthzConfigShape, "inline must be set when type is 'inline', and must not be set otherwise", a.Type)
			}
		}
	}

	if o := sp.OutgoingAuth; o != nil {
		switch o.Source {
		case "discovered", "inline":
		default:
			admission("spec.outgoingAuth.source", results.OutgoingAuthSource, "spec.outgoingAuth.source must be one of: discovered, inline", o.Source)
		}
		for _, k := range slices.Sorted(maps.Keys(o.Backends)) {
			b := o.Backends[k]
			f := "spec.outgoingAuth.backends." + k
			switch b.Type {
			case "":
				bad(f+".type", results.BackendAuthType, fmt.Sprintf("spec.outgoingAuth.backends[%s].type is required", k), nil)
			case "discovered":
			case "externalAuthConfigRef":
				if b.ExternalAuthConfigRef == nil {
					bad(f+".externalAuthConfigRef", results.BackendAuthRef, fmt.Sprintf("spec.outgoingAuth.backends[%s].externalAuthConfigRef is required when type is externalAuthConfigRef", k), nil)
				} else if b.ExternalAuthConfigRef.Name == "" {
					bad(f+".externalAuthConfigRef.name", results.BackendAuthRef, fmt.Sprintf("spec.outgoingAuth.backends[%s].externalAuthConfigRef.name is required", k), nil)
				}
			default:
				bad(f+".type", results.BackendAuthType, fmt.Sprintf("spec.outgoingAuth.backends[%s].type must be one of: discovered, externalAuthConfigRef", k), b.Type)
			}
		}
		if d := o.Default; d != nil && d.Type == "externalAuthConfigRef" && (d.ExternalAuthConfigRef == nil || d.ExternalAuthConfigRef.Name == "") {
			admission("spec.outgoingAuth.default.externalAuthConfigRef.name", results.BackendAuthRef, "spec.outgoingAuth.default.externalAuthConfigRef.name is required when type is externalAuthConfigRef", nil)
		}
	}

	switch sp.ServiceType {
	case "ClusterIP", "NodePort", "LoadBalancer":
	default:
		admission("spec.serviceType", results.ServiceType, "spec.serviceType must be one of: ClusterIP, NodePort, LoadBalancer", sp.ServiceType)
	}
	switch sp.SessionAffinity {
	case "ClientIP", "None":
	default:
		admission("spec.sessionAffinity", results.SessionAffinity, "spec.sessionAffinity must be one of: ClientIP, None", sp.SessionAffinity)
	}
	if sp.Replicas != nil && *sp.Replicas < 0 {
		admission("spec.replicas", results.Replicas, "spec.replicas must be >= 0", *sp.Replicas)
	}

	if ss := sp.SessionStorage; ss != nil {
		switch ss.Provider {
		case "memory", "redis":
		default:
			admission("spec.sessionStorage.provider", results.SessionStorage, "spec.sessionStorage.provider must be one of: memory, redis", ss.Provider)
		}
		if ss.Provider == "redis" && ss.Address == "" {
			admission("spec.sessionStorage.address", results.SessionStorage, "address is required when provider is redis", nil)
		}
		if t := ss.TLS; t != nil {
			if ss.Provider != "redis" {
				admission("spec.sessionStorage.tls", results.SessionStorage, "tls is only supported when provider is redis", nil)
			}
			if t.InsecureSkipVerify && t.CACertSecretRef != nil {
				admission("spec.sessionStorage.tls", results.SessionStorage, "tls.insecureSkipVerify disables certificate verification, so tls.caCertSecretRef would be ignored; set only one", nil)
			}
			if r := t.CACertSecretRef; r != nil && (r.Name == "" || r.Key == "") {
				admission("spec.sessionStorage.tls.caCertSecretRef", results.SessionStorage, "tls.caCertSecretRef requires a non-empty name and key", nil)
			}
		}
	}

	if sp.EmbeddingServerRef != nil && sp.EmbeddingServerRef.Name == "" {
		bad("spec.embeddingServerRef.name", results.EmbeddingServerRef, "spec.embeddingServerRef.name is required", nil)
	}
	// authServerUpstreamFilter without authServerConfig is checked (CEL and
	// the controller's filter check) by the authserver package.
	if ia := sp.IncomingAuth; ia != nil && ia.AuthzConfig != nil && ia.AuthzConfig.Inline != nil && ia.AuthzConfig.Inline.PrimaryUpstreamProvider != "" &&
		(sp.AuthServerConfig == nil || sp.AuthServerConfig.PrimaryUpstreamProvider == "") {
		// Event AuthzPrimaryUpstreamProviderDeprecated: the operator reads the
		// old location only when the new one is empty.
		fs = append(fs, results.Finding{Severity: results.Warning, Field: "spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider",
			CurrentValue: ia.AuthzConfig.Inline.PrimaryUpstreamProvider, Rule: results.AuthzPrimaryUpstreamProviderDeprecated, Reason: "AuthzPrimaryUpstreamProviderDeprecated",
			Message: "spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider is deprecated; move the value to spec.authServerConfig.primaryUpstreamProvider"})
	}

	if c := sp.Config; c != nil {
		fs = append(fs, validateConfig(v, c)...)
	}
	return fs
}

func validateConfig(v *VirtualMCPServer, c *vmcpconfig.Config) []results.Finding {
	var fs []results.Finding
	bad := func(field string, rule results.Rule, msg string, cur any) {
		fs = append(fs, results.Finding{Severity: results.Error, Field: field, Rule: rule, CurrentValue: cur, Message: msg,
			ConditionType: "Valid", Reason: "ValidationFailed"})
	}
	admission := func(field string, rule results.Rule, msg string) {
		fs = append(fs, results.Finding{Severity: results.Error, Field: field, Rule: rule, Message: msg + " (rejected by the VirtualMCPServer CRD at admission)"})
	}
	sp := v.Spec
	if a := c.Aggregation; a != nil {
		switch a.ConflictResolution {
		case "prefix", "priority", "manual":
		default:
			bad("spec.config.aggregation.conflictResolution", results.Aggregation, "config.aggregation.conflictResolution must be one of: prefix, priority, manual", a.ConflictResolution)
		}
		if a.ConflictResolution == "priority" && a.ConflictResolutionConfig != nil && len(a.ConflictResolutionConfig.PriorityOrder) == 0 {
			bad("spec.config.aggregation.conflictResolutionConfig.priorityOrder", results.Aggregation, "config.aggregation.conflictResolutionConfig.priorityOrder is required when conflictResolution is priority", nil)
		}
		for i, t := range a.Tools {
			if t == nil || t.Workload == "" {
				bad(fmt.Sprintf("spec.config.aggregation.tools[%d].workload", i), results.Aggregation, fmt.Sprintf("config.aggregation.tools[%d].workload is required", i), nil)
				continue
			}
			if t.ToolConfigRef != nil && t.ToolConfigRef.Name == "" {
				bad(fmt.Sprintf("spec.config.aggregation.tools[%d].toolConfigRef.name", i), results.Aggregation, fmt.Sprintf("config.aggregation.tools[%d].toolConfigRef.name is required when toolConfigRef is specified", i), nil)
			}
		}
	}
	// Inline composite tools, per tool in order: the duplicate check comes
	// first, and (as upstream) an empty name counts as a name.
	seen := map[string]bool{}
	for i, t := range c.CompositeTools {
		if seen[t.Name] {
			bad(fmt.Sprintf("spec.config.compositeTools[%d].name", i), results.CompositeToolDuplicate, fmt.Sprintf("spec.config.compositeTools[%d].name %q is duplicated", i, t.Name), t.Name)
			continue
		}
		seen[t.Name] = true
		if errs := vmcpconfig.ValidateCompositeTool(fmt.Sprintf("spec.config.compositeTools[%d]", i), &t); len(errs) > 0 {
			bad(fmt.Sprintf("spec.config.compositeTools[%d]", i), results.CompositeToolInvalid, "validation failed: "+strings.Join(errs, "; "), nil)
		}
	}
	if o := c.Optimizer; o != nil && sp.EmbeddingServerRef == nil && o.EmbeddingService == "" {
		bad("spec.config.optimizer", results.OptimizerNeedsEmbeddingService, "spec.config.optimizer requires an embedding service: set spec.embeddingServerRef (recommended) or spec.config.optimizer.embeddingService", nil)
	}
	if o := c.Optimizer; o != nil && sp.EmbeddingServerRef != nil && o.EmbeddingProvider == "openai" {
		admission("spec.config.optimizer.embeddingProvider", results.OptimizerProvider, "embeddingServerRef provisions a managed TEI server and cannot be combined with optimizer.embeddingProvider 'openai'; openai mode uses embeddingService directly")
	}
	if c.SessionStorage != nil && c.SessionStorage.TLS != nil {
		admission("spec.config.sessionStorage.tls", results.SessionStorage, "config.sessionStorage.tls is ignored by the operator; set sessionStorage.tls instead")
	}
	if rl := c.RateLimiting; rl != nil {
		if sp.SessionStorage == nil || sp.SessionStorage.Provider != "redis" {
			admission("spec.config.rateLimiting", results.RateLimiting, "config.rateLimiting requires sessionStorage with provider 'redis'")
		}
		oidc := sp.IncomingAuth != nil && sp.IncomingAuth.Type == "oidc"
		if rl.PerUser != nil && !oidc {
			admission("spec.config.rateLimiting.perUser", results.RateLimiting, "config.rateLimiting.perUser requires incomingAuth.type oidc")
		}
		if rl.Shared == nil && rl.PerUser == nil && len(rl.Tools) == 0 {
			admission("spec.config.rateLimiting", results.RateLimiting, "at least one of shared, perUser, or tools must be configured")
		}
		for i, t := range rl.Tools {
			if t.Shared == nil && t.PerUser == nil {
				admission(fmt.Sprintf("spec.config.rateLimiting.tools[%d]", i), results.RateLimiting, "at least one of shared or perUser must be configured")
			}
			if t.PerUser != nil && !oidc {
				admission(fmt.Sprintf("spec.config.rateLimiting.tools[%d].perUser", i), results.RateLimiting, "per-tool perUser rate limiting requires incomingAuth.type oidc")
			}
		}
	}
	if op := c.Operational; op != nil && op.FailureHandling != nil && op.FailureHandling.CircuitBreaker != nil {
		if t := op.FailureHandling.CircuitBreaker.Timeout; t != 0 && time.Duration(t) < time.Second {
			admission("spec.config.operational.failureHandling.circuitBreaker.timeout", results.CircuitBreaker, "timeout must be >= 1s")
		}
	}
	return fs
}
