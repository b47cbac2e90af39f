package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// FuzzResourceList feeds arbitrary bytes to the function's own stdin path
// (execute: read the ResourceList, load the function config, render, write):
// any input must give output or an error, never a panic. Seeds are the
// golden inputs, wrapped and plain, and hand-made edge cases.
func FuzzResourceList(f *testing.F) {
	root := filepath.Join(sharedDir(f), "golden")
	dirs, err := filepath.Glob(filepath.Join(root, "pub-*"))
	require.NoError(f, err)
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "input.yaml"))
		require.NoError(f, err)
		f.Add(b)
		f.Add(resourceList(f, b))
	}
	for _, s := range []string{
		"",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- - a\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: [x]\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data: {mode: nope, absentSecrets: error}\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: fn.vmcp-render.dev/v1alpha1\n  kind: VMCPRender\n  spec: {hmacSecret: [1]}\n",
		"kind: ResourceList\nitems: {a: b}\n",
		"{{{",
		"- - -\n",
	} {
		f.Add([]byte(s))
	}
	p := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return process(rl, nil, io.Discard)
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = execute(p, bytes.NewReader(data), io.Discard)
	})
}
