package transform

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
)

// FuzzRender runs the whole pipeline on arbitrary bytes read as a
// ResourceList (or a plain YAML stream): whatever the input, Render must not
// panic, every result must have a severity and a message, and every input
// item must come back. Seeds are the golden inputs and the bad-input table.
// Crashers found by `go test -fuzz` land in testdata/fuzz/FuzzRender and
// then run as seeds with every `go test`.
func FuzzRender(f *testing.F) {
	for _, b := range goldenInputs(f) {
		f.Add(b)
	}
	for _, tc := range badCases() {
		fx := newFixture(f)
		tc.edit(fx)
		f.Add([]byte(yamlString(f, fx.list())))
	}
	f.Add([]byte(""))
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"))
	spec := fnconfig.Defaults()
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := (&kio.ByteReader{Reader: bytes.NewReader(data), OmitReaderAnnotations: true}).Read()
		if err != nil {
			return // not YAML: the reader's error is the function's answer
		}
		n := len(items)
		out, rs := Render(items, spec)
		if len(out) < n {
			t.Fatalf("%d input items, %d output items", n, len(out))
		}
		for _, r := range rs {
			if r.Severity == "" || r.Message == "" {
				t.Fatalf("result without severity or message: %+v", r)
			}
		}
	})
}
