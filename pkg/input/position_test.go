package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestPosition(t *testing.T) {
	const doc = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: VirtualMCPServer
metadata:
  name: v
  annotations:
    config.kubernetes.io/path: a.yaml
spec:
  config:
    compositeTools:
    - name: first
    - name: second
  podTemplateSpec:
    spec:
      containers:
      - name: vmcp
        resources:
          requests: {cpu: 100m}
`
	n, err := yaml.Parse(doc)
	require.NoError(t, err)
	cases := []struct {
		reason, path string
		line, col    int
	}{
		{"a plain key", "spec.config", 8, 3},
		{"a list entry by index, then its key", "spec.config.compositeTools[1].name", 11, 7},
		{"a key holding dots is matched whole", "metadata.annotations.config.kubernetes.io/path", 6, 5},
		{"a map key in brackets", "spec.podTemplateSpec.spec.containers[0].resources.requests[cpu]", 17, 22},
		{"an index past the list's end stops at the list", "spec.config.compositeTools[5].name", 9, 5},
		{"an absent field points at its deepest present ancestor", "spec.config.aggregation.tools", 8, 3},
		{"the empty path is the item's first key", "", 1, 1},
	}
	for _, tc := range cases {
		line, col := Position(n, tc.path)
		assert.Equal(t, []int{tc.line, tc.col}, []int{line, col}, tc.reason)
	}
	line, col := Position(yaml.NewMapRNode(nil), "spec")
	assert.Equal(t, []int{0, 0}, []int{line, col}, "a node built in code has no position")
}
