package convert

import (
	"fmt"
	"sort"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/status"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// staticBackends lists the group's workloads as static backends for inline mode
// (cmd/thv-operator/controllers/virtualmcpserver_vmcpconfig.go). A workload the
// operator would skip is skipped here too, with a warning that says why.
func (c *converter) staticBackends(excluded map[string]bool) ([]vmcpconfig.StaticBackendConfig, bool) {
	var out []vmcpconfig.StaticBackendConfig
	skip := func(w resolve.Workload, why string) {
		c.warn(results.Finding{Field: "spec.groupRef.name", Rule: results.StaticBackendSkipped,
			Message: fmt.Sprintf("%s %s is not listed as a static backend: %s", w.Kind, w.Name, why)})
	}
	// The operator looks transports and entry CA bundles up by workload
	// name alone (buildTransportMap, buildCABundlePathMap in
	// cmd/thv-operator/controllers): filled in list order (MCPServers,
	// MCPRemoteProxies, MCPServerEntries), the last of a name wins, and every
	// backend of that name reads it. An MCPRemoteProxy and an MCPServerEntry
	// both named slack are both listed with the entry's transport.
	workloads := c.s.Workloads()
	transport, caPath := map[string]string{}, map[string]string{}
	for _, w := range workloads {
		if w.Transport != "" {
			transport[w.Name] = w.Transport
		}
		if w.Entry != nil && w.Entry.Spec.CABundleRef != nil && w.Entry.Spec.CABundleRef.ConfigMapRef != nil {
			caPath[w.Name] = vmcpconfig.EntryCABundleDir(w.Name) + "/" + vmcpconfig.CABundleKey(w.Entry.Spec.CABundleRef.ConfigMapRef.Key)
		}
	}
	for _, w := range workloads {
		if w.ExternalAuthConfig != "" && !c.workloadAuthUsable(w) {
			skip(w, fmt.Sprintf("its MCPExternalAuthConfig %s cannot be resolved", w.ExternalAuthConfig))
			continue
		}
		b := vmcpconfig.StaticBackendConfig{Name: w.Name, URL: w.URL, Transport: transport[w.Name], CABundlePath: caPath[w.Name]}
		switch w.Kind {
		case toolhive.KindMCPServer, toolhive.KindMCPRemoteProxy:
			if w.URL == "" {
				skip(w, "it has no status.url (the operator lists only workloads whose controller published a URL); add status.url to the input")
				continue
			}
		case toolhive.KindMCPServerEntry:
			// The phase its controller writes, whatever the input says.
			if why := c.entryFailure(w.Entry); why != "" {
				skip(w, "its controller would mark it Failed: "+why)
				continue
			}
			if cb := w.Entry.Spec.CABundleRef; cb != nil && cb.ConfigMapRef != nil {
				key := vmcpconfig.CABundleKey(cb.ConfigMapRef.Key)
				if cm, ok := c.s.ConfigMap(cb.ConfigMapRef.Name); ok {
					// Discovery reads data only, never binaryData.
					if _, ok := cm.Values[key]; !ok {
						skip(w, fmt.Sprintf("its CA bundle ConfigMap %s has no key %q", cb.ConfigMapRef.Name, key))
						continue
					}
				}
			}
		}
		if excluded[w.Name] {
			skip(w, "its outgoing auth strategy failed to convert")
			continue
		}
		if b.URL == "" || b.Transport == "" {
			skip(w, "it has no URL or no transport")
			continue
		}
		md := w.UserAnnotations()
		md["tool_type"] = "mcp"
		md["workload_type"] = w.WorkloadType()
		md["namespace"] = c.s.Namespace
		md["group"] = c.s.Group()
		if w.Kind != toolhive.KindMCPServer && w.RemoteURL != "" {
			md["remote_url"] = w.RemoteURL
		}
		b.Metadata = md
		out = append(out, b)
		if w.StatusDerived {
			c.out.Findings = append(c.out.Findings, status.Derived("spec.groupRef.name", w.Kind, w.Name, w.URL))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		c.fail(results.Finding{Field: "spec.groupRef.name", CurrentValue: c.s.Group(), Rule: results.StaticModeNoBackends,
			Message: fmt.Sprintf("static mode requires at least one backend with valid transport ([sse streamable-http]), but none were discovered in group %s; add workloads with status.url to the group, or use spec.outgoingAuth.source: discovered", c.s.Group())})
		return nil, false
	}
	return out, true
}

// entryFailure is why the MCPServerEntry controller would set phase Failed
// on an entry, or "". Its group and auth reference are the server's own
// checks; header Secrets absent from the input follow absentSecrets, as
// everywhere (Secrets often live outside Git).
func (c *converter) entryFailure(e *toolhive.MCPServerEntry) string {
	if err := toolhive.ValidateRemoteURL(e.Spec.RemoteURL, e.Spec.AllowPrivateEndpoint); err != nil {
		return err.Error() + " (spec.remoteUrl; set spec.allowPrivateEndpoint: true for a private or in-cluster endpoint)"
	}
	if cb := e.Spec.CABundleRef; cb != nil && cb.ConfigMapRef != nil {
		if _, ok := c.s.ConfigMap(cb.ConfigMapRef.Name); !ok {
			return fmt.Sprintf("Referenced CA bundle ConfigMap not found (ConfigMap %s; add it to the input)", cb.ConfigMapRef.Name)
		}
	}
	return ""
}

// workloadAuthUsable mirrors static-mode discovery, which reads the
// workload's auth secret: a config that does not convert, or a Secret that
// is present without the key, makes the operator skip the backend. A Secret
// absent from the input is not held against it (Secrets often live outside Git).
func (c *converter) workloadAuthUsable(w resolve.Workload) bool {
	e, ok := c.s.Object(toolhive.KindMCPExternalAuthConfig, w.ExternalAuthConfig)
	if !ok || e.Invalid {
		return false
	}
	a := e.Obj.(*toolhive.MCPExternalAuthConfig)
	switch a.Spec.Type {
	case "bearerToken", "embeddedAuthServer", "obo":
		return false
	}
	for _, ref := range SecretRefs(a) {
		if d, ok := c.s.Secret(ref.Name); ok {
			// Discovery needs the key; an empty value is accepted.
			if _, ok := d.Values[ref.Key]; !ok {
				return false
			}
		}
	}
	return true
}

// SecretRefs lists the Secret references of an MCPExternalAuthConfig that the
// pod gets as env vars.
func SecretRefs(a *toolhive.MCPExternalAuthConfig) []toolhive.SecretKeyRef {
	var out []toolhive.SecretKeyRef
	add := func(r *toolhive.SecretKeyRef) {
		if r != nil {
			out = append(out, *r)
		}
	}
	s := a.Spec
	switch s.Type {
	case "tokenExchange":
		if s.TokenExchange != nil {
			add(s.TokenExchange.ClientSecretRef)
		}
	case "headerInjection":
		if s.HeaderInjection != nil {
			add(s.HeaderInjection.ValueSecretRef)
		}
	case "xaa":
		if s.XAA != nil {
			add(s.XAA.IdpClientSecretRef)
			add(s.XAA.TargetClientSecretRef)
		}
	}
	return out
}
