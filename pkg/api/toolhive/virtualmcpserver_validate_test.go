package toolhive

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// TestValidateCompositeTools covers the inline composite-tool checks of
// VirtualMCPServer.Validate() as Validate reports them: the
// duplicate check first, then the tool's own validation, one finding per tool.
func TestValidateCompositeTools(t *testing.T) {
	valid := "{name: a, description: d, steps: [{id: s, type: tool, tool: w.t}]}"
	cases := []struct {
		reason string
		tools  string
		// want maps field to the exact message; every composite finding must be listed.
		want map[string]string
	}{
		{
			reason: "valid tools give no finding",
			tools:  "[" + valid + ", {name: b, description: d, steps: [{id: s, type: tool, tool: w.t}]}]",
			want:   map[string]string{},
		},
		{
			reason: "a duplicate name is reported instead of the tool's own problems",
			tools:  "[" + valid + ", {name: a, steps: []}]",
			want:   map[string]string{"spec.config.compositeTools[1].name": `spec.config.compositeTools[1].name "a" is duplicated`},
		},
		{
			reason: "an empty name counts as a name for duplicates, as upstream",
			tools:  "[{name: '', description: d, steps: [{id: s, type: tool, tool: w.t}]}, {name: '', description: d, steps: [{id: s, type: tool, tool: w.t}]}]",
			want: map[string]string{
				"spec.config.compositeTools[0]":      "validation failed: spec.config.compositeTools[0].name is required",
				"spec.config.compositeTools[1].name": `spec.config.compositeTools[1].name "" is duplicated`,
			},
		},
		{
			reason: "each invalid tool has its own finding, with its own index",
			tools:  "[" + valid + ", {name: b, description: d, steps: [{id: s, type: tool, tool: 'w t'}]}]",
			want:   map[string]string{"spec.config.compositeTools[1]": "validation failed: spec.config.compositeTools[1].steps[0].tool must be a valid tool name"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			var tools []vmcpconfig.CompositeToolConfig
			require.NoError(t, yaml.Unmarshal([]byte(tc.tools), &tools))
			v := &VirtualMCPServer{Spec: VirtualMCPServerSpec{
				GroupRef: &MCPGroupRef{Name: "g"}, IncomingAuth: &IncomingAuthConfig{Type: "anonymous"},
				ServiceType: "ClusterIP", SessionAffinity: "ClientIP",
				Config: &vmcpconfig.Config{CompositeTools: tools},
			}}
			got := map[string]string{}
			for _, f := range v.Validate() {
				if strings.HasPrefix(f.Field, "spec.config.compositeTools") {
					assert.Equal(t, "Valid", f.ConditionType)
					assert.Equal(t, "ValidationFailed", f.Reason)
					got[f.Field] = f.Message
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
