package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/kptcheck"
	"github.com/vmcp-render/vmcp-render/internal/testpaths"
	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
)

// kptFile is the part of kpt's Kptfile (kpt.dev/v1) the examples use.
// Decoded strictly, so a misspelt field fails the test as kpt would fail.
type kptFile struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Info struct {
		Description string `json:"description,omitempty"`
	} `json:"info,omitempty"`
	Pipeline struct {
		Mutators   []kptFunction `json:"mutators,omitempty"`
		Validators []kptFunction `json:"validators,omitempty"`
	} `json:"pipeline"`
}

type kptFunction struct {
	Image      string            `json:"image,omitempty"`
	Exec       string            `json:"exec,omitempty"`
	ConfigPath string            `json:"configPath,omitempty"`
	ConfigMap  map[string]string `json:"configMap,omitempty"`
	Name       string            `json:"name,omitempty"`
}

// kptTestConfig is kpt's e2e test runner config (.expected/config.yaml).
type kptTestConfig struct {
	TestType  string `json:"testType,omitempty"`
	ExitCode  int    `json:"exitCode"`
	AllowExec bool   `json:"allowExec,omitempty"`
}

// catalogMetadata is the kpt function catalog's metadata.yaml.
type catalogMetadata struct {
	Image              string   `json:"image"`
	Description        string   `json:"description"`
	Tags               []string `json:"tags"`
	SourceURL          string   `json:"sourceURL"`
	ExamplePackageURLs []string `json:"examplePackageURLs"`
	Emails             []string `json:"emails"`
	License            string   `json:"license"`
}

func readKptfile(t *testing.T, dir string) kptFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "Kptfile"))
	require.NoError(t, err)
	var k kptFile
	require.NoError(t, sigsyaml.UnmarshalStrict(b, &k), "Kptfile of %s", dir)
	return k
}

// kptRender does what `kpt fn render` does with a one-mutator pipeline, with
// kyaml's package reader and writer (which kpt uses): read the package's
// resources (not the Kptfile, not the configPath file), annotate them with
// their path and index, run the function on the ResourceList, and write the
// items back to the files their path annotation names. It returns the
// function's results and exit code.
func kptRender(t *testing.T, dir string, fn kptFunction) (*yaml.RNode, int) {
	t.Helper()
	var fc *yaml.RNode
	switch {
	case fn.ConfigPath != "":
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(fn.ConfigPath)))
		require.NoError(t, err)
		fc = yaml.MustParse(string(b))
	case fn.ConfigMap != nil:
		fc = yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n")
		require.NoError(t, fc.LoadMapIntoConfigMapData(fn.ConfigMap))
	}

	rw := &kio.LocalPackageReadWriter{PackagePath: dir, PackageFileName: "Kptfile", PreserveSeqIndent: true, WrapBareSeqNode: true}
	all, err := rw.Read()
	require.NoError(t, err)
	var items []*yaml.RNode
	for _, n := range all {
		p, _, err := kioutil.GetFileAnnotations(n)
		require.NoError(t, err)
		if fn.ConfigPath != "" && p == fn.ConfigPath {
			continue // kpt leaves the configPath file out of the pipeline
		}
		items = append(items, n)
	}
	var in bytes.Buffer
	require.NoError(t, kio.ByteWriter{Writer: &in, KeepReaderAnnotations: true, FunctionConfig: fc,
		WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion}.Write(items))

	stdout, stderr, code := run(t, in.Bytes())
	t.Logf("function stderr:\n%s", stderr)
	rd := &kio.ByteReader{Reader: bytes.NewReader(stdout), OmitReaderAnnotations: true, WrapBareSeqNode: true}
	out, err := rd.Read()
	require.NoError(t, err)
	if code == 0 {
		require.NoError(t, kio.LocalPackageWriter{PackagePath: dir}.Write(out))
	}
	return rd.Results, code
}

// fnResultList is kpt's FunctionResultList (the file --results-dir writes),
// in kpt's field order.
type fnResultList struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	ExitCode int        `yaml:"exitCode"`
	Items    []fnResult `yaml:"items"`
}

type fnResult struct {
	Image    string           `yaml:"image,omitempty"`
	Exec     string           `yaml:"exec,omitempty"`
	ExitCode int              `yaml:"exitCode"`
	Results  []map[string]any `yaml:"results,omitempty"`
}

func resultList(t *testing.T, fn kptFunction, results *yaml.RNode, code int) []byte {
	t.Helper()
	item := fnResult{Image: fn.Image, Exec: fn.Exec, ExitCode: code}
	if results != nil {
		require.NoError(t, yamlv3.Unmarshal([]byte(results.MustString()), &item.Results))
	}
	l := fnResultList{APIVersion: "kpt.dev/v1", Kind: "FunctionResultList", ExitCode: code, Items: []fnResult{item}}
	l.Metadata.Name = "fnresults"
	var b bytes.Buffer
	enc := yamlv3.NewEncoder(&b)
	enc.SetIndent(2)
	require.NoError(t, enc.Encode(l))
	return b.Bytes()
}

// TestKptExamples checks each package under examples/kpt the way kpt's e2e
// runner checks a catalog example: render twice in a git copy, and compare
// the diff and the results with .expected. kptRender stands in for
// `kpt fn render` here (the image variant needs a container engine;
// TestKptRenderExecReal runs the exec package through the real kpt and
// agrees with it). UPDATE=1 rewrites .expected/diff.patch and
// .expected/results.yaml (review them).
func TestKptExamples(t *testing.T) {
	root := filepath.Join(repoRoot(t), "examples", "kpt")
	pkgs := map[string]struct {
		reason  string
		runtime func(t *testing.T, fn kptFunction)
	}{
		"render-image": {
			reason: "the container image variant, config from a VMCPRender file (configPath)",
			runtime: func(t *testing.T, fn kptFunction) {
				assert.Regexp(t, releaseImage, fn.Image)
				assert.Empty(t, fn.Exec)
				assert.NotEmpty(t, fn.ConfigPath)
			},
		},
		"render-exec": {
			reason: "the exec variant, config inline (configMap), as kpt fn eval -- key=value would pass it",
			runtime: func(t *testing.T, fn kptFunction) {
				assert.Equal(t, "vmcp-render", fn.Exec, "exec names the binary on PATH")
				assert.Empty(t, fn.Image)
				assert.NotEmpty(t, fn.ConfigMap)
			},
		},
	}
	for name, tc := range pkgs {
		t.Run(name, func(t *testing.T) {
			t.Log(tc.reason)
			src := filepath.Join(root, name)
			kf := readKptfile(t, src)
			assert.Equal(t, "kpt.dev/v1", kf.APIVersion)
			assert.Equal(t, "Kptfile", kf.Kind)
			assert.Equal(t, name, kf.Metadata.Name)
			require.Len(t, kf.Pipeline.Mutators, 1, "one mutator: vmcp-render")
			fn := kf.Pipeline.Mutators[0]
			tc.runtime(t, fn)

			var cfg kptTestConfig
			b, err := os.ReadFile(filepath.Join(src, ".expected", "config.yaml"))
			require.NoError(t, err)
			require.NoError(t, sigsyaml.UnmarshalStrict(b, &cfg))
			assert.Equal(t, "render", cfg.TestType)
			assert.Equal(t, fn.Exec != "", cfg.AllowExec, "kpt fn render needs --allow-exec exactly for exec functions")

			// The function config must be valid on its own.
			if fn.ConfigPath != "" {
				b, err := os.ReadFile(filepath.Join(src, fn.ConfigPath))
				require.NoError(t, err)
				_, probs := fnconfig.Load(yaml.MustParse(string(b)))
				assert.Empty(t, probs)
			}

			work := kptcheck.GitCopy(t, src)
			testpaths.Git(t, work, "rm", "-rq", ".expected")
			testpaths.Git(t, work, "commit", "-q", "-m", "without .expected")

			results, code := kptRender(t, work, fn)
			assert.Equal(t, cfg.ExitCode, code)
			testpaths.Git(t, work, "add", "--all")
			testpaths.Git(t, work, "commit", "-q", "--allow-empty", "-m", "render 1")
			diff := testpaths.Git(t, work, "diff", "HEAD~1", "HEAD")

			// kpt's runner renders twice: the second run must change nothing.
			_, code2 := kptRender(t, work, fn)
			assert.Equal(t, cfg.ExitCode, code2)
			assert.Empty(t, testpaths.Git(t, work, "status", "--porcelain"), "a second render changed the package")

			assert.Contains(t, diff, "+kind: Deployment", "the render adds the Deployment")
			gotResults := resultList(t, fn, results, code)

			exp := filepath.Join(src, ".expected")
			if os.Getenv("UPDATE") == "1" {
				require.NoError(t, os.WriteFile(filepath.Join(exp, "diff.patch"), []byte(diff), 0o644))
				require.NoError(t, os.WriteFile(filepath.Join(exp, "results.yaml"), gotResults, 0o644))
			}
			wantDiff, err := os.ReadFile(filepath.Join(exp, "diff.patch"))
			require.NoError(t, err, "UPDATE=1 go test ./fn -run TestKptExamples writes it")
			assert.Equal(t, string(wantDiff), diff, "the render differs from .expected/diff.patch")
			wantResults, err := os.ReadFile(filepath.Join(exp, "results.yaml"))
			require.NoError(t, err)
			assert.YAMLEq(t, string(wantResults), string(gotResults), "the results differ from .expected/results.yaml")
		})
	}
}

// TestKptCatalogMetadata checks examples/kpt/metadata.yaml has the kpt
// function catalog's shape and points at the examples that exist.
func TestKptCatalogMetadata(t *testing.T) {
	root := filepath.Join(repoRoot(t), "examples", "kpt")
	b, err := os.ReadFile(filepath.Join(root, "metadata.yaml"))
	require.NoError(t, err)
	var m catalogMetadata
	require.NoError(t, sigsyaml.UnmarshalStrict(b, &m))
	img := readKptfile(t, filepath.Join(root, "render-image")).Pipeline.Mutators[0].Image

	cases := map[string]struct {
		reason string
		ok     bool
	}{
		"Image":       {reason: "the catalog names the image without a tag; the example pins a tag of it", ok: m.Image != "" && !strings.Contains(m.Image, ":") && strings.HasPrefix(img, m.Image+":")},
		"Description": {reason: "a one-line description", ok: m.Description != "" && !strings.Contains(m.Description, "\n")},
		"Tags":        {reason: "tagged as a mutator and a validator", ok: assert.ObjectsAreEqual([]string{"mutator", "validator"}, m.Tags)},
		"SourceURL":   {reason: "source URL of the function", ok: strings.HasPrefix(m.SourceURL, "https://github.com/vmcp-render/vmcp-render")},
		"Emails":      {reason: "a contact", ok: len(m.Emails) > 0},
		"License":     {reason: "an SPDX license id", ok: m.License == "Apache-2.0"},
		"Examples": {reason: "every example package URL is a package here", ok: func() bool {
			if len(m.ExamplePackageURLs) != 2 {
				return false
			}
			for _, u := range m.ExamplePackageURLs {
				i := strings.Index(u, "/examples/kpt/")
				if i < 0 {
					return false
				}
				if _, err := os.Stat(filepath.Join(root, u[i+len("/examples/kpt/"):], "Kptfile")); err != nil {
					return false
				}
			}
			return true
		}()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.True(t, tc.ok, "%s\n%+v", tc.reason, m)
		})
	}
}
