package transform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/authserver"
	"github.com/vmcp-render/vmcp-render/pkg/podspec"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
)

// checkTelemetry checks spec.telemetryConfigRef: the MCPTelemetryConfig
// must exist and pass its own Validate().
func (p *pipeline) checkTelemetry(rs *resolve.Server) []results.Finding {
	ref := rs.VMCP.Spec.TelemetryConfigRef
	if ref == nil {
		return nil
	}
	const field = "spec.telemetryConfigRef.name"
	e, ok := rs.Object(toolhive.KindMCPTelemetryConfig, ref.Name)
	if !ok {
		return []results.Finding{{Field: field, CurrentValue: ref.Name, Rule: results.TelemetryConfigNotFound,
			ConditionType: "TelemetryConfigRefValidated", Reason: "TelemetryConfigRefNotFound",
			Message: fmt.Sprintf("MCPTelemetryConfig %s not found; add it to the input or fix spec.telemetryConfigRef.name", ref.Name) + rs.WrongKindHint(toolhive.KindMCPTelemetryConfig, ref.Name)}}
	}
	if e.Invalid {
		return []results.Finding{{Field: field, CurrentValue: ref.Name, Rule: results.TelemetryConfigInvalid,
			ConditionType: "TelemetryConfigRefValidated", Reason: "TelemetryConfigRefInvalid",
			Message: fmt.Sprintf("MCPTelemetryConfig %s is invalid: see its own error results", ref.Name)}}
	}
	if msg := validateTelemetry(e.Obj.(*toolhive.MCPTelemetryConfig)); msg != "" {
		return []results.Finding{{Field: field, CurrentValue: ref.Name, Rule: results.TelemetryConfigInvalid,
			ConditionType: "TelemetryConfigRefValidated", Reason: "TelemetryConfigRefInvalid",
			Message: fmt.Sprintf("MCPTelemetryConfig %s is invalid: %s", ref.Name, msg)}}
	}
	return nil
}

// validateTelemetry is MCPTelemetryConfig.Validate(); the first problem wins.
func validateTelemetry(tc *toolhive.MCPTelemetryConfig) string {
	o := tc.Spec.OpenTelemetry
	if o == nil {
		return ""
	}
	tracing := o.Tracing != nil && o.Tracing.Enabled
	metrics := o.Metrics != nil && o.Metrics.Enabled
	if o.Endpoint != "" && !tracing && !metrics {
		return "endpoint requires at least one of tracing or metrics to be enabled"
	}
	for i, h := range o.SensitiveHeaders {
		switch {
		case h.Name == "":
			return fmt.Sprintf("openTelemetry.sensitiveHeaders[%d].name must not be empty", i)
		case h.SecretKeyRef == nil || h.SecretKeyRef.Name == "":
			return fmt.Sprintf("openTelemetry.sensitiveHeaders[%d].secretKeyRef.name must not be empty", i)
		case h.SecretKeyRef.Key == "":
			return fmt.Sprintf("openTelemetry.sensitiveHeaders[%d].secretKeyRef.key must not be empty", i)
		}
		if _, dup := o.Headers[h.Name]; dup {
			return fmt.Sprintf("header %q appears in both headers and sensitiveHeaders", h.Name)
		}
	}
	if cb := o.CABundleRef; cb != nil {
		switch {
		case o.Insecure:
			return "openTelemetry.caBundleRef cannot be specified when insecure is true; they are mutually exclusive"
		case cb.ConfigMapRef == nil:
			return "openTelemetry.caBundleRef.configMapRef must be specified"
		case cb.ConfigMapRef.Name == "":
			return "openTelemetry.caBundleRef.configMapRef.name must not be empty"
		case len(cb.ConfigMapRef.Name) > 48:
			return fmt.Sprintf("openTelemetry.caBundleRef.configMapRef.name %q is too long (%d chars); maximum is 48", cb.ConfigMapRef.Name, len(cb.ConfigMapRef.Name))
		}
	}
	return ""
}

// offlineConfigChecks warns about what the operator renders but the vMCP
// of the release rejects at start (docs/operator-parity.md).
func offlineConfigChecks(cfg *vmcpconfig.Config, vmcp string) []results.Finding {
	var out []results.Finding
	if o := cfg.OutgoingAuth; o != nil && o.Source == "inline" {
		if o.Default != nil && o.Default.Type == "discovered" {
			out = append(out, results.Finding{Severity: results.Warning, Field: "spec.outgoingAuth.default.type", CurrentValue: "discovered",
				Rule:    results.InlineDiscoveredStrategy,
				Message: "in inline mode the operator writes strategy type discovered, which vMCP " + vmcp + " rejects at start (the pod crash-loops); use an externalAuthConfigRef to an MCPExternalAuthConfig of type unauthenticated instead"})
		}
		for _, k := range slices.Sorted(maps.Keys(o.Backends)) {
			if b := o.Backends[k]; b != nil && b.Type == "discovered" {
				out = append(out, results.Finding{Severity: results.Warning, Field: "spec.outgoingAuth.backends." + k + ".type", CurrentValue: "discovered",
					Rule:    results.InlineDiscoveredStrategy,
					Message: fmt.Sprintf("in inline mode backend %s gets strategy type discovered, which vMCP %s rejects at start (the pod crash-loops); reference an MCPExternalAuthConfig of type unauthenticated instead", k, vmcp)})
			}
		}
	}
	for _, b := range cfg.Backends {
		if b.CABundlePath != "" && b.Type != "entry" {
			out = append(out, results.Finding{Severity: results.Warning, Field: "spec.groupRef.name", Rule: results.StaticEntryWithoutType,
				Message: fmt.Sprintf("static backend %s has caBundlePath but no type: entry (the operator never sets it), which vMCP %s rejects at start; drop the MCPServerEntry's caBundleRef or use discovered mode", b.Name, vmcp)})
		}
	}
	return out
}

// podRef is one Secret or ConfigMap key the pod needs.
type podRef struct {
	kind, name, key string
	// via says what in the pod uses it (env var or volume).
	via   string
	field string
}

// keyMissingRule and absentRule are the rules for a missing key of the
// referenced Secret or ConfigMap, and for the object missing from the input.
func (r podRef) keyMissingRule() results.Rule {
	if r.kind == "ConfigMap" {
		return results.ConfigMapKeyMissing
	}
	return results.SecretKeyMissing
}

func (r podRef) absentRule() results.Rule {
	if r.kind == "ConfigMap" {
		return results.ConfigMapAbsent
	}
	return results.SecretAbsent
}

// checkPodReferences checks every Secret and ConfigMap key the pod uses
// against the input: a present object without the key is an error (kubelet
// would refuse to start the pod); an absent object follows absentSecrets.
func (p *pipeline) checkPodReferences(rs *resolve.Server, pod *podspec.Pod, params workload.Params) []results.Finding {
	var refs []podRef
	hmac := workload.HMACSecretName(rs.Name())
	for _, e := range pod.Env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		s := e.ValueFrom.SecretKeyRef
		if s.Name == hmac {
			continue // handled by hmacSecret with its own advice
		}
		refs = append(refs, podRef{"Secret", s.Name, s.Key, "env " + e.Name, pod.EnvField(e.Name)})
	}
	for _, v := range pod.Volumes {
		field := pod.VolumeField(v.Name)
		switch {
		case v.Secret != nil:
			for _, it := range v.Secret.Items {
				refs = append(refs, podRef{"Secret", v.Secret.SecretName, it.Key, "volume " + v.Name, field})
			}
		case v.ConfigMap != nil:
			for _, it := range v.ConfigMap.Items {
				refs = append(refs, podRef{"ConfigMap", v.ConfigMap.Name, it.Key, "volume " + v.Name, field})
			}
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					for _, it := range src.Secret.Items {
						refs = append(refs, podRef{"Secret", src.Secret.Name, it.Key, "volume " + v.Name, field})
					}
				}
			}
		}
	}
	// The Secrets the operator reads itself were checked before conversion.
	var podOnly []podRef
	for _, r := range refs {
		if operatorSecretUse(rs, r) == "" {
			podOnly = append(podOnly, r)
		}
	}
	return p.checkRefs(rs, podOnly)
}

// checkOperatorSecrets checks the two Secrets the operator reads itself
// before it renders anything: the MCPOIDCConfig client
// secret and the legacy delegate clients. It runs before conversion, so a
// missing one is reported even when a later step fails too.
func (p *pipeline) checkOperatorSecrets(rs *resolve.Server) []results.Finding {
	var refs []podRef
	v := rs.VMCP
	if ia := v.Spec.IncomingAuth; ia != nil && ia.Type == "oidc" && ia.OIDCConfigRef != nil {
		if e, ok := rs.Object(toolhive.KindMCPOIDCConfig, ia.OIDCConfigRef.Name); ok && !e.Invalid {
			if in := e.Obj.(*toolhive.MCPOIDCConfig).Spec.Inline; in != nil && in.ClientSecretRef != nil {
				refs = append(refs, podRef{"Secret", in.ClientSecretRef.Name, in.ClientSecretRef.Key, "env " + vmcpconfig.OIDCClientSecretEnv, "spec.incomingAuth.oidcConfigRef.name"})
			}
		}
	}
	if as := v.Spec.AuthServerConfig; as != nil && (as.InboundGrants == nil || as.InboundGrants.TokenExchange == nil) {
		for i, dc := range as.DelegateClients {
			if dc.ClientSecretRef != nil {
				refs = append(refs, podRef{"Secret", dc.ClientSecretRef.Name, dc.ClientSecretRef.Key, "env " + authserver.DelegateClientSecretEnv(i),
					fmt.Sprintf("spec.authServerConfig.delegateClients[%d].clientSecretRef", i)})
			}
		}
	}
	return p.checkRefs(rs, refs)
}

// checkRefs looks each reference up in the input: a present object without
// the key is an error (the kubelet would not start the pod); an absent one
// follows absentSecrets, except the Secrets the operator reads itself.
func (p *pipeline) checkRefs(rs *resolve.Server, refs []podRef) []results.Finding {
	var out []results.Finding
	seen := map[string]bool{}
	for _, r := range refs {
		id := r.kind + "/" + r.name + "/" + r.key + "/" + r.via
		if seen[id] {
			continue
		}
		seen[id] = true
		var d *resolve.Data
		var ok bool
		if r.kind == "Secret" {
			d, ok = rs.Secret(r.name)
		} else {
			d, ok = rs.ConfigMap(r.name)
		}
		op := operatorSecretUse(rs, r)
		if !ok {
			if op != "" {
				out = append(out, p.operatorSecretAbsent(rs, r, op))
			} else if f, report := p.absent(r); report {
				out = append(out, p.caBundleCondition(rs, r, f, "CABundleRefNotFound",
					fmt.Sprintf("CA bundle ConfigMap '%s' not found in namespace '%s'", r.name, rs.Namespace)))
			}
			continue
		}
		if _, has := d.Get(r.key); !has {
			f := results.Finding{Severity: results.Error, Field: r.field, Rule: r.keyMissingRule(),
				Message: fmt.Sprintf("%s %s has no key %q, which the pod needs for %s; the kubelet would not start the pod. Add the key or fix the reference", r.kind, r.name, r.key, r.via)}
			if op != "" {
				// The operator checks these two itself (AuthConfigured).
				f.ConditionType, f.Reason = "AuthConfigured", "AuthInvalid"
				f.Message = fmt.Sprintf("Authentication configuration is invalid: %s secret %s/%s is missing key %q; %s", op, rs.Namespace, r.name, r.key, f.Message)
			}
			out = append(out, p.caBundleCondition(rs, r, f, "CABundleRefInvalid", fmt.Sprintf("Key '%s' not found in ConfigMap '%s'", r.key, r.name)))
		}
	}
	return out
}

// caBundleCondition gives a finding about the ConfigMap of an inline
// MCPOIDCConfig's caBundleRef the tags and wording of the advisory
// condition CABundleRefValidated, on releases that report it
// (controllers/virtualmcpserver_cabundle.go): one result per problem.
func (p *pipeline) caBundleCondition(rs *resolve.Server, r podRef, f results.Finding, reason, msg string) results.Finding {
	if !p.spec.Release().CABundleRefCondition || r.kind != "ConfigMap" || !strings.HasPrefix(r.via, "volume "+podspec.OIDCCABundleVolumePrefix) {
		return f
	}
	f.ConditionType, f.Reason = "CABundleRefValidated", reason
	f.Message += fmt.Sprintf(" (the operator %s reports CABundleRefValidated=False: %s)", p.spec.Release().Version, msg)
	return f
}

// operatorSecretUse names, in the operator's AuthConfigured wording, the
// Secrets the operator reads itself before it renders (the OIDC client secret
// and the legacy delegate clients), or returns "" for every other reference.
func operatorSecretUse(rs *resolve.Server, r podRef) string {
	if r.kind != "Secret" {
		return ""
	}
	env := strings.TrimPrefix(r.via, "env ")
	if env == vmcpconfig.OIDCClientSecretEnv {
		return "MCPOIDCConfig OIDC client secret"
	}
	as := rs.VMCP.Spec.AuthServerConfig
	if as == nil || as.InboundGrants != nil && as.InboundGrants.TokenExchange != nil {
		return "" // canonical delegate clients are read by the pod only
	}
	for i, dc := range as.DelegateClients {
		if env == authserver.DelegateClientSecretEnv(i) {
			return fmt.Sprintf("delegate client %q", dc.ClientID)
		}
	}
	return ""
}

// operatorSecretAbsent reports such a Secret that is not in the input. The
// operator reads it before rendering and fails the reconcile without it, so
// this is an error whatever absentSecrets says, except that ignore (Secrets
// managed elsewhere, checked by the user) makes it a warning.
func (p *pipeline) operatorSecretAbsent(rs *resolve.Server, r podRef, use string) results.Finding {
	sev := results.Error
	if p.spec.AbsentSecrets == fnconfig.AbsentIgnore {
		sev = results.Warning
	}
	return results.Finding{Severity: sev, Field: r.field, Rule: results.OperatorSecretAbsent,
		ConditionType: "AuthConfigured", Reason: "AuthInvalid",
		Message: fmt.Sprintf("Authentication configuration is invalid: failed to get %s secret %s/%s: secrets %q not found; the operator reads this Secret (key %q, for %s) before it renders anything: add it to the input (absentSecrets: ignore makes this a warning when it is managed outside the input)",
			use, rs.Namespace, r.name, r.name, r.key, r.via)}
}

func (p *pipeline) absent(r podRef) (results.Finding, bool) {
	sev := results.Warning
	switch p.spec.AbsentSecrets {
	case fnconfig.AbsentIgnore:
		return results.Finding{}, false
	case fnconfig.AbsentError:
		sev = results.Error
	}
	return results.Finding{Severity: sev, Field: r.field, Rule: r.absentRule(),
		Message: fmt.Sprintf("%s %s (key %q, for %s) is not in the input; make sure it exists in the namespace before the pod starts (set absentSecrets: ignore if Secrets are managed outside this input)", r.kind, r.name, r.key, r.via)}, true
}

// sharedWorkloadNames warns when workloads of different kinds in the group
// share a name: vMCP and spec.outgoingAuth.backends identify backends by
// name only, so one of them is shadowed. The operator does not check this.
func sharedWorkloadNames(rs *resolve.Server) []results.Finding {
	kinds := map[string][]string{}
	var names []string
	for _, w := range rs.Workloads() {
		if len(kinds[w.Name]) == 0 {
			names = append(names, w.Name)
		}
		kinds[w.Name] = append(kinds[w.Name], w.Kind)
	}
	var out []results.Finding
	for _, n := range names {
		if ks := kinds[n]; len(ks) > 1 {
			out = append(out, results.Finding{Severity: results.Warning, Field: "spec.groupRef.name", CurrentValue: rs.Group(), Rule: results.WorkloadNameShared,
				Message: fmt.Sprintf("%s named %s in group %s share a name; vMCP identifies backends by name, so one shadows the other: rename one", strings.Join(ks, " and "), n, rs.Group())})
		}
	}
	return out
}
