package resolve

import (
	"fmt"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// Server is one VirtualMCPServer with lookups scoped to its namespace (every
// reference is by name in the same namespace).
type Server struct {
	VMCP *toolhive.VirtualMCPServer
	Ref  results.Ref
	// Namespace is the namespace used for lookups and derived names.
	Namespace string
	ix        *Index
}

// Server scopes the index to one VirtualMCPServer.
func (ix *Index) Server(v *toolhive.VirtualMCPServer, ref results.Ref, ns string) *Server {
	return &Server{VMCP: v, Ref: ref, Namespace: ns, ix: ix}
}

// Name is the VirtualMCPServer's name.
func (s *Server) Name() string { return s.VMCP.Name }

// Object looks up a ToolHive object of kind by name.
func (s *Server) Object(kind, name string) (*Entry, bool) { return s.ix.Get(kind, s.Namespace, name) }

// Secret looks up a Secret by name.
func (s *Server) Secret(name string) (*Data, bool) { return s.ix.Secret(s.Namespace, name) }

// ConfigMap looks up a ConfigMap by name.
func (s *Server) ConfigMap(name string) (*Data, bool) { return s.ix.ConfigMap(s.Namespace, name) }

// Group returns the referenced MCPGroup's name ("" when unset).
func (s *Server) Group() string {
	if g := s.VMCP.Spec.GroupRef; g != nil {
		return g.Name
	}
	return ""
}

// Workload is a member of the server's group, in the shape the operator's
// workload discovery uses.
type Workload struct {
	Kind string
	Name string
	// ExternalAuthConfig names the workload's MCPExternalAuthConfig, if any.
	ExternalAuthConfig string
	Annotations        map[string]string
	// URL is status.url (MCPServer, MCPRemoteProxy) or spec.remoteUrl (entry).
	URL string
	// Phase is status.phase.
	Phase string
	// Transport is what the operator lists: MCPServer proxyMode, else transport.
	Transport string
	// RemoteURL is spec.remoteUrl of proxies and entries.
	RemoteURL string
	// Entry is set for MCPServerEntry members (CA bundle, header forwarding).
	Entry *toolhive.MCPServerEntry
	// StatusDerived: the status (URL, phase) was derived from the spec.
	StatusDerived bool
}

// Workloads lists the group's members in the operator's order.
func (s *Server) Workloads() []Workload {
	es := s.ix.Members(s.Namespace, s.Group())
	out := make([]Workload, 0, len(es))
	for _, e := range es {
		if e.Invalid {
			continue
		}
		w := Workload{Name: e.Obj.GetName(), Annotations: e.Obj.GetAnnotations(), StatusDerived: e.DerivedURL != ""}
		switch o := e.Obj.(type) {
		case *toolhive.MCPServer:
			w.Kind = toolhive.KindMCPServer
			w.ExternalAuthConfig = refName(o.Spec.ExternalAuthConfigRef)
			w.URL, w.Phase = o.Status.URL, o.Status.Phase
			w.Transport = o.Spec.ProxyMode
			if w.Transport == "" {
				w.Transport = o.Spec.Transport
			}
		case *toolhive.MCPRemoteProxy:
			w.Kind = toolhive.KindMCPRemoteProxy
			w.ExternalAuthConfig = refName(o.Spec.ExternalAuthConfigRef)
			w.URL, w.Phase = o.Status.URL, o.Status.Phase
			w.Transport = o.Spec.Transport
			w.RemoteURL = o.Spec.RemoteURL
		case *toolhive.MCPServerEntry:
			w.Kind = toolhive.KindMCPServerEntry
			w.ExternalAuthConfig = refName(o.Spec.ExternalAuthConfigRef)
			w.URL, w.Phase = o.Spec.RemoteURL, o.Status.Phase
			w.Transport = o.Spec.Transport
			w.RemoteURL = o.Spec.RemoteURL
			w.Entry = o
		}
		out = append(out, w)
	}
	return out
}

func refName(r *toolhive.ExternalAuthConfigRef) string {
	if r == nil {
		return ""
	}
	return r.Name
}

// WorkloadType is the operator's workload_type metadata value.
func (w Workload) WorkloadType() string {
	switch w.Kind {
	case toolhive.KindMCPServer:
		return "mcp_server"
	case toolhive.KindMCPRemoteProxy:
		return "remote_proxy"
	}
	return "server_entry"
}

// UserAnnotations are the annotations the operator copies into backend
// metadata: all but the Kubernetes-reserved prefixes.
func (w Workload) UserAnnotations() map[string]string {
	out := map[string]string{}
	for k, v := range w.Annotations {
		if strings.HasPrefix(k, "kubectl.kubernetes.io/") || strings.HasPrefix(k, "kubernetes.io/") ||
			strings.HasPrefix(k, "deployment.kubernetes.io/") || strings.HasPrefix(k, "k8s.io/") ||
			input.IsOrchestratorAnnotation(k) {
			continue
		}
		out[k] = v
	}
	return out
}

// WrongKindHint explains a failed lookup of kind/name when objects of other
// kinds carry that name (a reference to the wrong kind), e.g. "; an
// MCPAuthzConfig named corp exists, but this reference needs an
// MCPOIDCConfig". It is "" when no other object has the name.
func (s *Server) WrongKindHint(kind, name string) string {
	var others []string
	for _, k := range toolhive.Kinds() {
		if k == kind {
			continue
		}
		if _, ok := s.Object(k, name); ok {
			others = append(others, article(k)+" "+k)
		}
	}
	if _, ok := s.Secret(name); ok && kind != "Secret" {
		others = append(others, "a Secret")
	}
	if _, ok := s.ConfigMap(name); ok && kind != "ConfigMap" {
		others = append(others, "a ConfigMap")
	}
	if len(others) == 0 {
		return ""
	}
	return fmt.Sprintf("; %s named %s exists, but this reference needs %s %s", strings.Join(others, " and "), name, article(kind), kind)
}

// article is the indefinite article of a kind name as it is read aloud
// ("an MCPGroup", "an EmbeddingServer", "a Secret").
func article(kind string) string {
	if strings.HasPrefix(kind, "MCP") || strings.ContainsAny(kind[:min(1, len(kind))], "AEIOU") {
		return "an"
	}
	return "a"
}
