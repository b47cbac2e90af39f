package resolve

import (
	"testing"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

func TestNotFound(t *testing.T) {
	for _, tc := range []struct{ kind, want, reason string }{
		{toolhive.KindMCPOIDCConfig, `mcpoidcconfigs.toolhive.stacklok.dev "x" not found`, "plain plural"},
		{toolhive.KindMCPRemoteProxy, `mcpremoteproxies.toolhive.stacklok.dev "x" not found`, "y becomes ies"},
		{toolhive.KindMCPServerEntry, `mcpserverentries.toolhive.stacklok.dev "x" not found`, "y becomes ies"},
		{toolhive.KindVirtualMCPCompositeToolDefinition, `virtualmcpcompositetooldefinitions.toolhive.stacklok.dev "x" not found`, "long kind"},
		{"Secret", `secrets "x" not found`, "core kinds have no group"},
		{"ConfigMap", `configmaps "x" not found`, "core kinds have no group"},
	} {
		assert.Equal(t, tc.want, NotFound(tc.kind, "x"), tc.reason)
	}
}

func TestMembersOrder(t *testing.T) {
	ix := NewIndex()
	add := func(o toolhive.Object) {
		o.SetNamespace("ns")
		assert.Nil(t, ix.Add(o.GroupVersionKind().Kind, &Entry{Obj: o}))
	}
	g := &toolhive.MCPGroupRef{Name: "g"}
	add(&toolhive.MCPServerEntry{TypeMeta: metav1.TypeMeta{Kind: "MCPServerEntry"}, ObjectMeta: metav1.ObjectMeta{Name: "a-entry"}, Spec: toolhive.MCPServerEntrySpec{GroupRef: g}})
	add(&toolhive.MCPRemoteProxy{TypeMeta: metav1.TypeMeta{Kind: "MCPRemoteProxy"}, ObjectMeta: metav1.ObjectMeta{Name: "b-proxy"}, Spec: toolhive.MCPRemoteProxySpec{GroupRef: g}})
	add(&toolhive.MCPServer{TypeMeta: metav1.TypeMeta{Kind: "MCPServer"}, ObjectMeta: metav1.ObjectMeta{Name: "z-server"}, Spec: toolhive.MCPServerSpec{GroupRef: g}})
	add(&toolhive.MCPServer{TypeMeta: metav1.TypeMeta{Kind: "MCPServer"}, ObjectMeta: metav1.ObjectMeta{Name: "c-server"}, Spec: toolhive.MCPServerSpec{GroupRef: g}})
	add(&toolhive.MCPServer{TypeMeta: metav1.TypeMeta{Kind: "MCPServer"}, ObjectMeta: metav1.ObjectMeta{Name: "other"}, Spec: toolhive.MCPServerSpec{GroupRef: &toolhive.MCPGroupRef{Name: "h"}}})
	var names []string
	for _, e := range ix.Members("ns", "g") {
		names = append(names, e.Obj.GetName())
	}
	assert.Equal(t, []string{"c-server", "z-server", "b-proxy", "a-entry"}, names,
		"the operator lists MCPServers, then MCPRemoteProxies, then MCPServerEntries, each by name; other groups excluded")

	dup := &toolhive.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "c-server", Namespace: "ns"}}
	assert.NotNil(t, ix.Add("MCPServer", &Entry{Obj: dup}), "a second object with the same kind/namespace/name is reported, the first kept")
}
