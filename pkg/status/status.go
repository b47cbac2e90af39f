// Package status derives the status the ToolHive controllers write for the
// workloads a VirtualMCPServer reads (MCPServer, MCPRemoteProxy,
// EmbeddingServer) from their spec, for inputs kept in Git, which hold no
// status. Each controller computes it from the spec alone once the workload
// runs; this is that steady state.
package status

import (
	"fmt"
	"net/url"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// Phases the controllers write for a running workload.
const (
	PhaseReady = "Ready"
)

// defaultPort is every controller's proxy/service port default (the CRDs'
// proxyPort and port default, GetProxyPort/GetPort fallbacks).
const defaultPort = 8080

// host is the in-cluster DNS name of a Service.
func host(service, namespace string) string {
	return fmt.Sprintf("%s.%s.svc.cluster.local", service, namespace)
}

func port(p int32) (int32, error) {
	switch {
	case p == 0:
		return defaultPort, nil
	case len(validation.IsValidPortNum(int(p))) > 0:
		return 0, fmt.Errorf("port %d is outside 1-65535 (the API server refuses it)", p)
	}
	return p, nil
}

// MCPServerURL is the status.url the MCPServer controller writes
// (cmd/thv-operator/controllers/mcpserver_controller.go with
// pkg/transport/url.go GenerateMCPServerURL): the proxy Service
// mcp-<name>-proxy on proxyPort, path /mcp for streamable HTTP and
// /sse#<name> for SSE; a stdio server is served through its proxyMode.
func MCPServerURL(name, namespace, transport, proxyMode string, proxyPort int32) (string, error) {
	p, err := port(proxyPort)
	if err != nil {
		return "", err
	}
	base := fmt.Sprintf("http://%s:%d", host("mcp-"+name+"-proxy", namespace), p)
	sse := base + "/sse#" + url.PathEscape(name)
	switch transport {
	case "stdio":
		switch proxyMode {
		case "", "streamable-http":
			return base + "/mcp", nil
		case "sse":
			return sse, nil
		}
		return "", fmt.Errorf("proxyMode %q is not one the controller serves (sse, streamable-http)", proxyMode)
	case "sse":
		return sse, nil
	case "streamable-http":
		return base + "/mcp", nil
	}
	return "", fmt.Errorf("transport %q is not one the controller serves (stdio, sse, streamable-http)", transport)
}

// RemoteProxyURL is the status.url the MCPRemoteProxy controller writes
// (mcpremoteproxy_controller.go createProxyServiceURL): the Service
// mcp-<name>-remote-proxy on proxyPort, no path, whatever the transport.
func RemoteProxyURL(name, namespace string, proxyPort int32) (string, error) {
	p, err := port(proxyPort)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("http://%s:%d", host("mcp-"+name+"-remote-proxy", namespace), p), nil
}

// EmbeddingServerURL is the status.url the EmbeddingServer controller
// writes (embeddingserver_controller.go updateEmbeddingServerStatus): the
// Service named after the object, on spec.port, no path.
func EmbeddingServerURL(name, namespace string, servicePort int32) (string, error) {
	p, err := port(servicePort)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("http://%s:%d", host(name, namespace), p), nil
}

// Derived is the info result that says a workload a server uses had no
// status in the input and is taken as running at url.
func Derived(field, kind, name, url string) results.Finding {
	return results.Finding{Severity: results.Info, Rule: results.WorkloadStatusDerived, Field: field, CurrentValue: url,
		Message: fmt.Sprintf("%s %s has no status in the input: it is taken as running at %s, the status.url its controller writes once it runs (workloadStatus: derive; put its status in the input, or set workloadStatus: input, to use what a cluster reports)", kind, name, url)}
}
