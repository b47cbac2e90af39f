package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// FuzzResourceList feeds arbitrary bytes to the function's own stdin path
// (execute: read the ResourceList, load the function config, render, write):
// any input must give output or an error, never a panic. Seeds are the
// golden inputs, wrapped and plain, and hand-made edge cases.
func FuzzResourceList(f *testing.F) {
	for _, d := range testpaths.GoldenCases(f) {
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
		return process(rl, nil, discardResults())
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = execute(p, bytes.NewReader(data), io.Discard)
	})
}

// FuzzNoSecretLeak runs fuzzed input with a sentinel planted in Secrets, as
// a ResourceList or stream on stdin and as a standalone file: whenever the
// sentinel (raw or base64) sits only in Secret data or stringData values,
// it must appear neither on stderr nor in a result, and no more often in
// the output than in the input (the Secret passes through; nothing else
// may copy it). Inputs where the fuzzer moved it elsewhere (a name, a kind,
// a comment) are skipped: those are not Secret values.
func FuzzNoSecretLeak(f *testing.F) {
	secret := planted(plantedSecret)
	for _, it := range hostileItems {
		if len(it.doc) > 4096 {
			continue // keep seeds small, so mutations stay fast
		}
		f.Add([]byte(asResourceList(hostileGroup, hostileServer, secret, planted(it.doc))))
		f.Add([]byte(asStream(hostileGroup, hostileServer, secret, planted(it.doc))))
	}
	rl := asResourceList(hostileGroup, hostileServer, secret)
	for _, s := range []string{
		rl + "---\n" + rl,
		rl + "---\n- " + nested(secret),
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  " + nested(secret),
		"%YAML 1.1\n---\n" + rl,
		rl + "- *" + sentinel + "\n",
		rl + "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fn}\n  data: {hmacSecret: " + sentinel + "}\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	file := filepath.Join(dir, "in.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if !onlyInSecretValues(data) {
			return
		}
		in := string(data)
		var out, errb bytes.Buffer
		runCLI(nil, bytes.NewReader(data), &out, &errb)
		assertNoLeak(t, in, out.String(), errb.String())

		require.NoError(t, os.WriteFile(file, data, 0o600))
		out.Reset()
		errb.Reset()
		runCLI([]string{os.DevNull, file}, strings.NewReader(""), &out, &errb)
		assertNoLeak(t, in, out.String(), errb.String())
	})
}

// onlyInSecretValues reports whether every occurrence of the sentinel (raw
// or base64) in data is inside a value under data or stringData of an
// object of kind Secret, at any depth (a Secret inside a list counts). An
// input that is not YAML counts: nothing of it may be echoed at all.
func onlyInSecretValues(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	inValues := map[string]int{}
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return true
		}
		countSecretValues(&d, inValues)
	}
	for _, s := range []string{sentinel, sentinel64} {
		if strings.Count(string(data), s) != inValues[s] {
			return false
		}
	}
	return true
}

func countSecretValues(n *yaml.Node, counts map[string]int) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		isSecret := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "kind" && n.Content[i+1].Value == "Secret" {
				isSecret = true
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if isSecret && (k.Value == "data" || k.Value == "stringData") && v.Kind == yaml.MappingNode {
				for j := 1; j < len(v.Content); j += 2 {
					if s := v.Content[j]; s.Kind == yaml.ScalarNode && s.HeadComment == "" && s.LineComment == "" && s.FootComment == "" {
						for _, x := range []string{sentinel, sentinel64} {
							counts[x] += strings.Count(s.Value, x)
						}
					}
				}
				continue
			}
			countSecretValues(v, counts)
		}
		return
	}
	for _, c := range n.Content {
		countSecretValues(c, counts)
	}
}
