package toolhive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

func dataDir(t *testing.T) string { return testpaths.Data(t) }

// crdPlurals maps each kind to its CRD file name part.
var crdPlurals = map[string]string{
	KindVirtualMCPServer:                  "virtualmcpservers",
	KindMCPExternalAuthConfig:             "mcpexternalauthconfigs",
	KindMCPOIDCConfig:                     "mcpoidcconfigs",
	KindMCPAuthzConfig:                    "mcpauthzconfigs",
	KindMCPTelemetryConfig:                "mcptelemetryconfigs",
	KindMCPToolConfig:                     "mcptoolconfigs",
	KindVirtualMCPCompositeToolDefinition: "virtualmcpcompositetooldefinitions",
	KindMCPGroup:                          "mcpgroups",
	KindMCPServer:                         "mcpservers",
	KindMCPRemoteProxy:                    "mcpremoteproxies",
	KindMCPServerEntry:                    "mcpserverentries",
	KindEmbeddingServer:                   "embeddingservers",
}

// crdSchema returns the openAPIV3Schema of a version of kind's CRD.
func crdSchema(t *testing.T, kind, version string) map[string]any {
	t.Helper()
	plural, ok := crdPlurals[kind]
	if !ok {
		t.Fatalf("no CRD known for %s", kind)
	}
	path := filepath.Join(dataDir(t), "crds", "toolhive.stacklok.dev_"+plural+".yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read CRD: %v", err)
	}
	var crd map[string]any
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	spec, _ := crd["spec"].(map[string]any)
	if spec["group"] != Group {
		t.Fatalf("%s: group %v", path, spec["group"])
	}
	names, _ := spec["names"].(map[string]any)
	if names["kind"] != kind {
		t.Fatalf("%s: kind %v, want %s", path, names["kind"], kind)
	}
	versions, _ := spec["versions"].([]any)
	for _, v := range versions {
		vm, _ := v.(map[string]any)
		if vm["name"] == version {
			sch, _ := vm["schema"].(map[string]any)
			root, _ := sch["openAPIV3Schema"].(map[string]any)
			if root == nil {
				t.Fatalf("%s %s: no schema", path, version)
			}
			return root
		}
	}
	t.Fatalf("%s: no version %s", path, version)
	return nil
}

// goldenDocs returns every YAML document of every golden input, keyed by
// case directory.
func goldenDocs(t *testing.T) map[string][]map[string]any {
	t.Helper()
	dirs := testpaths.GoldenCases(t)
	out := map[string][]map[string]any{}
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
		if err != nil {
			t.Fatalf("read golden input: %v", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
			if doc != nil {
				out[filepath.Base(dir)] = append(out[filepath.Base(dir)], doc)
			}
		}
	}
	return out
}

func prop(m map[string]any, key string) map[string]any {
	props, _ := m["properties"].(map[string]any)
	p, _ := props[key].(map[string]any)
	return p
}
