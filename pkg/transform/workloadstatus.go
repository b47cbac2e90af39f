package transform

import (
	"fmt"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/status"
)

// deriveStatus gives an MCPServer, MCPRemoteProxy or EmbeddingServer that
// has no status in the input the one its controller writes once the
// workload runs (workloadStatus: derive), and returns the URL it derived,
// or "". Any status in the input wins: a dump from a cluster renders as that
// cluster is. A spec the controller cannot serve gets a warning, and the
// workload keeps no status (so it is skipped, as it would be).
func (p *pipeline) deriveStatus(obj toolhive.Object, ref results.Ref) string {
	var (
		u     string
		err   error
		field string
	)
	switch o := obj.(type) {
	case *toolhive.MCPServer:
		if o.Status.URL != "" || o.Status.Phase != "" {
			return ""
		}
		field = "spec"
		if u, err = status.MCPServerURL(o.Name, o.Namespace, o.Spec.Transport, o.Spec.ProxyMode, o.Spec.ProxyPort); err == nil {
			o.Status.URL, o.Status.Phase = u, status.PhaseReady
		}
	case *toolhive.MCPRemoteProxy:
		if o.Status.URL != "" || o.Status.Phase != "" {
			return ""
		}
		field = "spec.proxyPort"
		if u, err = status.RemoteProxyURL(o.Name, o.Namespace, o.Spec.ProxyPort); err == nil {
			o.Status.URL, o.Status.Phase = u, status.PhaseReady
		}
	case *toolhive.EmbeddingServer:
		st := &o.Status
		if st.URL != "" || st.Phase != "" || st.ReadyReplicas != 0 {
			return ""
		}
		field = "spec.port"
		if u, err = status.EmbeddingServerURL(o.Name, o.Namespace, o.Spec.Port); err == nil {
			st.URL, st.Phase, st.ReadyReplicas = u, status.PhaseReady, 1
		}
	default:
		return ""
	}
	if err != nil {
		p.report(ref, results.Finding{Severity: results.Warning, Rule: results.WorkloadStatusUnderivable, Field: field,
			Message: fmt.Sprintf("%s %s has no status in the input and its controller would not serve it: %s; fix the spec (the API server refuses it) or put its status in the input", ref.Kind, ref.Name, err)})
		return ""
	}
	if ref.Namespace == "" {
		// The URL names the namespace; without one it is default's.
		p.report(ref, results.Finding{Severity: results.Warning, Rule: results.NamespaceMissing, Field: "metadata.namespace", ProposedValue: defaultNamespace,
			Message: fmt.Sprintf("%s %s has no metadata.namespace; its status.url is derived for namespace default (%s); set the namespace (for example with kustomize namespace:) so the URL matches where it runs", ref.Kind, ref.Name, u)})
	}
	return u
}
