//go:build e2e

// Package e2e boots the real vMCP of the default operator release (v0.63.0) on what the example kustomization
// renders, and checks that the function refuses input the real server would
// refuse. hack/e2e.sh runs it (make e2e); it needs root, kustomize and the
// vMCP binary, and fails when any of them is missing. The pod harness is the
// project's own hack/podrun, built by the suite.
package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

// The checks this suite reports, in order. A check that never ran (an
// earlier step failed) counts as failed in the summary.
const (
	checkOpenID        = "openid-configuration"
	checkJWKS          = "jwks"
	checkProtectedRes  = "oauth-protected-resource"
	checkMCPUnauth     = "mcp-unauthenticated"
	checkShortHMAC     = "function-rejects-short-hmac"
	checkVMCPShortHMAC = "vmcp-refuses-short-hmac"
)

var checkOrder = []string{checkOpenID, checkJWKS, checkProtectedRes, checkMCPUnauth, checkShortHMAC, checkVMCPShortHMAC}

// outcome holds PASS or FAIL per check; TestMain prints the summary.
var outcome = map[string]bool{}

func record(name string, ok bool) { outcome[name] = ok }

func TestMain(m *testing.M) {
	code := m.Run()
	if podRunDir != "" {
		_ = os.RemoveAll(podRunDir)
	}
	passed, failed := 0, 0
	for _, name := range checkOrder {
		ok, ran := outcome[name]
		switch {
		case !ran:
			failed++
			fmt.Printf("e2e check %s: FAIL (not run)\n", name)
		case ok:
			passed++
			fmt.Printf("e2e check %s: PASS\n", name)
		default:
			failed++
			fmt.Printf("e2e check %s: FAIL\n", name)
		}
	}
	fmt.Printf("e2e: %d passed, %d failed\n", passed, failed)
	if failed > 0 && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// env is what the suite runs: all of it must exist.
type env struct {
	root, example, kustomize, vmcp, render, podRun string
}

func loadEnv(t *testing.T) env {
	t.Helper()
	root := repoRoot(t)
	e := env{
		root:      root,
		example:   filepath.Join(root, "examples", "kustomization"),
		kustomize: os.Getenv("E2E_KUSTOMIZE"),
		vmcp:      os.Getenv("E2E_VMCP"),
		render:    filepath.Join(root, "bin", "vmcp-render"),
		podRun:    buildPodRun(t, root),
	}
	for what, p := range map[string]string{
		"E2E_KUSTOMIZE (the kustomize binary)": e.kustomize,
		"E2E_VMCP (the vMCP v0.63.0 binary)":   e.vmcp,
		"bin/vmcp-render (run make build)":     e.render,
		"hack/podrun (the pod harness)":        e.podRun,
	} {
		if p == "" {
			t.Fatalf("%s is not set; run the suite through hack/e2e.sh", what)
		}
		if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
			t.Fatalf("%s: %s is missing or not executable (%v)", what, p, err)
		}
	}
	return e
}

func repoRoot(t *testing.T) string { return testpaths.Root(t) }

// The pod harness is built once per run, from this checkout.
var (
	podRunOnce sync.Once
	podRunDir  string
	podRunBin  string
	podRunErr  error
)

// buildPodRun builds hack/podrun (it boots vMCP as kubelet would and
// prints one PASS/FAIL line per check) and returns the binary.
func buildPodRun(t *testing.T, root string) string {
	t.Helper()
	podRunOnce.Do(func() {
		if podRunDir, podRunErr = os.MkdirTemp("", "e2e-podrun-"); podRunErr != nil {
			return
		}
		podRunBin = filepath.Join(podRunDir, "podrun")
		cmd := exec.Command("go", "build", "-o", podRunBin, "./hack/podrun")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			podRunErr = fmt.Errorf("go build ./hack/podrun: %v\n%s", err, out)
		}
	})
	if podRunErr != nil {
		t.Fatalf("building the pod harness: %v", podRunErr)
	}
	return podRunBin
}

// TestExampleBootsRealVMCP renders the example exactly as a user would and
// boots vMCP from the rendered Deployment with freshly generated Secrets.
func TestExampleBootsRealVMCP(t *testing.T) {
	e := loadEnv(t)
	work := t.TempDir()

	rendered, stderr, err := kustomizeBuild(e, e.example)
	if err != nil {
		t.Fatalf("kustomize build of the example failed: %v\n%s", err, stderr)
	}
	vs := virtualMCPServer(t, rendered)
	secrets := generateSecrets(t, vs, 32)
	renderedFile := writeFile(t, work, "rendered.yaml", rendered)
	secretsFile := writeFile(t, work, "secrets.yaml", []byte(secrets.manifests()))

	out, logs, code := runCmd(exec.Command(e.podRun, "--vmcp", e.vmcp, renderedFile, secretsFile))
	lines := checkLines(out)
	if code != 0 {
		t.Logf("podrun exited %d\nstdout:\n%s\nstderr:\n%s", code, out, logs)
	}
	for _, name := range checkOrder[:4] {
		t.Run(name, func(t *testing.T) {
			line, ok := lines[name]
			record(name, ok && strings.HasPrefix(line, "PASS"))
			switch {
			case !ok:
				t.Errorf("podrun printed no %s line (exit %d)", name, code)
			case !strings.HasPrefix(line, "PASS"):
				t.Errorf("%s", line)
			default:
				t.Log(line)
			}
		})
	}
	if code != 0 {
		t.Errorf("podrun exited %d, want 0", code)
	}
}

// TestShortHMACSecret: an auth server HMAC secret under 32 bytes makes vMCP
// exit at start, so when that Secret is in the input the function must fail
// before anything is deployed: exit 1, an error result at the HMAC ref, and
// no Deployment for the server. A second check shows that vMCP does refuse it.
func TestShortHMACSecret(t *testing.T) {
	e := loadEnv(t)
	work := t.TempDir()
	const short = 16

	dir := copyExample(t, e, work)
	input, stderr, err := kustomizeBuild(e, dir)
	if err != nil {
		t.Fatalf("kustomize build of the example without the function failed: %v\n%s", err, stderr)
	}
	vs := virtualMCPServer(t, input)
	secrets := generateSecrets(t, vs, short)
	if len(vs.Spec.AuthServerConfig.HMACSecretRefs) == 0 {
		t.Fatal("the example has no spec.authServerConfig.hmacSecretRefs")
	}
	ref := vs.Spec.AuthServerConfig.HMACSecretRefs[0]
	shortValue := secrets.value(ref.Name, ref.Key)

	t.Run(checkShortHMAC, func(t *testing.T) {
		defer func() { record(checkShortHMAC, !t.Failed()) }()
		t.Run("function", func(t *testing.T) {
			rl := resourceList(t, append(input, []byte("---\n"+secrets.manifests())...), functionConfig(t, e))
			out, errOut, code := runCmdStdin(exec.Command(e.render), rl)
			if code != 1 {
				t.Errorf("exit code %d, want 1\nstderr:\n%s", code, errOut)
			}
			items, results := readResourceList(t, out)
			var hit *framework.Result
			for _, r := range results {
				if r.Severity == framework.Error && r.Field != nil &&
					r.Field.Path == "spec.authServerConfig.hmacSecretRefs[0]" &&
					r.ResourceRef != nil && r.ResourceRef.Kind == "VirtualMCPServer" && r.ResourceRef.Name == vs.Metadata.Name {
					hit = r
				}
			}
			if hit == nil {
				t.Errorf("no error result for VirtualMCPServer %s at spec.authServerConfig.hmacSecretRefs[0]; results:\n%s", vs.Metadata.Name, resultsText(results))
			} else if !strings.Contains(hit.Message, ref.Name) {
				t.Errorf("the error result does not name Secret %s: %s", ref.Name, hit.Message)
			}
			for _, it := range items {
				if it.GetKind() == "Deployment" {
					t.Errorf("Deployment %s/%s emitted for an invalid server", it.GetNamespace(), it.GetName())
				}
			}
			noSecret(t, shortValue, errOut, []byte(resultsText(results)))
		})
		t.Run("kustomize", func(t *testing.T) {
			withSecrets(t, dir, secrets.manifests(), true, e.render)
			out, errOut, err := kustomizeBuild(e, dir)
			if err == nil {
				t.Errorf("kustomize build succeeded, want a failure from the function")
			}
			if len(bytes.TrimSpace(out)) != 0 {
				// Only names: the stream holds the generated Secrets.
				t.Errorf("kustomize printed objects although the function failed: %s", objectNames(out))
			}
			if !regexp.MustCompile(`(?m)^error: VirtualMCPServer [^ ]*` + regexp.QuoteMeta(vs.Metadata.Name) + `: spec\.authServerConfig\.hmacSecretRefs\[0\]: .*` + regexp.QuoteMeta(ref.Name)).Match(errOut) {
				t.Errorf("kustomize's stderr has no error line for hmacSecretRefs[0]:\n%s", errOut)
			}
			noSecret(t, shortValue, errOut)
		})
	})

	// The rule above mirrors vMCP: the example rendered with valid Secrets
	// must not become ready with a short HMAC secret.
	t.Run(checkVMCPShortHMAC, func(t *testing.T) {
		defer func() { record(checkVMCPShortHMAC, !t.Failed()) }()
		rendered, stderr, err := kustomizeBuild(e, e.example)
		if err != nil {
			t.Fatalf("kustomize build of the example failed: %v\n%s", err, stderr)
		}
		renderedFile := writeFile(t, work, "rendered.yaml", rendered)
		secretsFile := writeFile(t, work, "secrets-short.yaml", []byte(secrets.manifests()))
		out, logs, code := runCmd(exec.Command(e.podRun, "--vmcp", e.vmcp, "--ready-timeout", "20s", renderedFile, secretsFile))
		if code != 1 {
			t.Errorf("podrun exited %d with a %d-byte HMAC secret, want 1 (vMCP never ready)\nstdout:\n%s\nstderr:\n%s", code, short, out, logs)
		}
		if bytes.Contains(out, []byte("PASS")) {
			t.Errorf("a check passed with a short HMAC secret:\n%s", out)
		}
		// podrun shows vMCP's output when it never became ready.
		if !bytes.Contains(logs, []byte("HMAC secret")) || !bytes.Contains(logs, []byte("at least 32 bytes")) {
			t.Errorf("vMCP did not fail for the HMAC secret; podrun stderr:\n%s", logs)
		}
	})
}

// --- Secrets -------------------------------------------------------------

// vmcpServer is the part of a VirtualMCPServer that names Secrets.
type vmcpServer struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		AuthServerConfig struct {
			SigningKeySecretRefs []secretRef `json:"signingKeySecretRefs"`
			HMACSecretRefs       []secretRef `json:"hmacSecretRefs"`
			UpstreamProviders    []struct {
				OAuth2Config *struct {
					ClientSecretRef *secretRef `json:"clientSecretRef"`
				} `json:"oauth2Config"`
				OIDCConfig *struct {
					ClientSecretRef *secretRef `json:"clientSecretRef"`
				} `json:"oidcConfig"`
			} `json:"upstreamProviders"`
		} `json:"authServerConfig"`
	} `json:"spec"`
}

type secretRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// secretSet is the Secrets of one namespace: name → key → value.
type secretSet struct {
	namespace string
	data      map[string]map[string][]byte
}

func (s *secretSet) put(name, key string, v []byte) {
	if s.data[name] == nil {
		s.data[name] = map[string][]byte{}
	}
	s.data[name][key] = v
}

func (s *secretSet) value(name, key string) []byte { return s.data[name][key] }

// manifests writes the Secrets as YAML, sorted so runs are comparable.
func (s *secretSet) manifests() string {
	names := make([]string, 0, len(s.data))
	for n := range s.data {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\ndata:\n", n, s.namespace)
		keys := make([]string, 0, len(s.data[n]))
		for k := range s.data[n] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", k, base64.StdEncoding.EncodeToString(s.data[n][k]))
		}
	}
	return b.String()
}

// generateSecrets makes fresh values for every Secret the server references:
// a P-256 signing key per signing key ref, hmacLen random bytes for the first
// auth server HMAC ref (32 for the others), random client secrets, and the
// session HMAC Secret <name>-hmac-secret the operator would generate.
func generateSecrets(t *testing.T, vs vmcpServer, hmacLen int) *secretSet {
	t.Helper()
	s := &secretSet{namespace: vs.Metadata.Namespace, data: map[string]map[string][]byte{}}
	as := vs.Spec.AuthServerConfig
	for _, r := range as.SigningKeySecretRefs {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		s.put(r.Name, r.Key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	for i, r := range as.HMACSecretRefs {
		n := 32
		if i == 0 {
			n = hmacLen
		}
		s.put(r.Name, r.Key, randomText(t, n))
	}
	for _, u := range as.UpstreamProviders {
		if u.OAuth2Config != nil && u.OAuth2Config.ClientSecretRef != nil {
			s.put(u.OAuth2Config.ClientSecretRef.Name, u.OAuth2Config.ClientSecretRef.Key, randomText(t, 40))
		}
		if u.OIDCConfig != nil && u.OIDCConfig.ClientSecretRef != nil {
			s.put(u.OIDCConfig.ClientSecretRef.Name, u.OIDCConfig.ClientSecretRef.Key, randomText(t, 40))
		}
	}
	// The operator stores base64 of 32 random bytes under hmac-secret.
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	s.put(vs.Metadata.Name+"-hmac-secret", "hmac-secret", []byte(base64.StdEncoding.EncodeToString(raw)))
	return s
}

// randomText is n printable random bytes (no whitespace, so trimming
// readers see all of them).
func randomText(t *testing.T, n int) []byte {
	t.Helper()
	raw := make([]byte, n)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return []byte(base64.RawURLEncoding.EncodeToString(raw)[:n])
}

// noSecret fails when a secret value (raw or base64) shows up in an output.
func noSecret(t *testing.T, value []byte, outputs ...[]byte) {
	t.Helper()
	enc := []byte(base64.StdEncoding.EncodeToString(value))
	for _, o := range outputs {
		if bytes.Contains(o, value) || bytes.Contains(o, enc) {
			t.Errorf("a secret value appears in the function's messages")
		}
	}
}

// --- kustomize and the function -----------------------------------------

func kustomizeBuild(e env, dir string) ([]byte, []byte, error) {
	cmd := exec.Command(e.kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.Bytes(), errb.Bytes(), err
}

// copyExample copies the example's top-level files into work/example and
// drops its transformers, so kustomize build yields the function's input.
func copyExample(t *testing.T, e env, work string) string {
	t.Helper()
	dir := filepath.Join(work, "example")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(e.example)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(en.Name(), ".yaml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(e.example, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, en.Name(), b)
	}
	editKustomization(t, dir, func(k *yaml.RNode) error {
		return k.PipeE(yaml.Clear("transformers"))
	})
	return dir
}

// withSecrets adds secrets.yaml to the copied kustomization and, when
// transform is set, restores the function with an absolute exec path.
func withSecrets(t *testing.T, dir, secrets string, transform bool, render string) {
	t.Helper()
	writeFile(t, dir, "secrets.yaml", []byte(secrets))
	if transform {
		fc, err := yaml.ReadFile(filepath.Join(dir, "vmcp-render.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := fc.PipeE(yaml.SetAnnotation("config.kubernetes.io/function", "exec:\n  path: "+render+"\n")); err != nil {
			t.Fatal(err)
		}
		if err := yaml.WriteFile(fc, filepath.Join(dir, "vmcp-render.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	editKustomization(t, dir, func(k *yaml.RNode) error {
		if err := k.PipeE(yaml.LookupCreate(yaml.SequenceNode, "resources"), yaml.Append(yaml.NewScalarRNode("secrets.yaml").YNode())); err != nil {
			return err
		}
		if transform {
			return k.PipeE(yaml.LookupCreate(yaml.SequenceNode, "transformers"), yaml.Append(yaml.NewScalarRNode("vmcp-render.yaml").YNode()))
		}
		return nil
	})
}

func editKustomization(t *testing.T, dir string, edit func(*yaml.RNode) error) {
	t.Helper()
	p := filepath.Join(dir, "kustomization.yaml")
	k, err := yaml.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := edit(k); err != nil {
		t.Fatal(err)
	}
	if err := yaml.WriteFile(k, p); err != nil {
		t.Fatal(err)
	}
}

// functionConfig is the example's VMCPRender, as kustomize would pass it.
func functionConfig(t *testing.T, e env) *yaml.RNode {
	t.Helper()
	fc, err := yaml.ReadFile(filepath.Join(e.example, "vmcp-render.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func resourceList(t *testing.T, docs []byte, fc *yaml.RNode) []byte {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(docs), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := kio.ByteWriter{Writer: &b, WrappingKind: kio.ResourceListKind, WrappingAPIVersion: kio.ResourceListAPIVersion, FunctionConfig: fc}
	if err := w.Write(items); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readResourceList(t *testing.T, out []byte) ([]*yaml.RNode, []*framework.Result) {
	t.Helper()
	r := &kio.ByteReader{Reader: bytes.NewReader(out), OmitReaderAnnotations: true}
	items, err := r.Read()
	if err != nil {
		t.Fatalf("the function's output is not a ResourceList: %v\n%s", err, out)
	}
	var results []*framework.Result
	if r.Results != nil {
		s, err := r.Results.String()
		if err != nil {
			t.Fatal(err)
		}
		if err := sigsyaml.Unmarshal([]byte(s), &results); err != nil {
			t.Fatalf("results: %v", err)
		}
	}
	return items, results
}

func resultsText(rs []*framework.Result) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func objectNames(stream []byte) string {
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	names := make([]string, 0, len(items))
	for _, it := range items {
		names = append(names, it.GetKind()+" "+it.GetNamespace()+"/"+it.GetName())
	}
	return strings.Join(names, ", ")
}

// virtualMCPServer finds the single VirtualMCPServer in a YAML stream.
func virtualMCPServer(t *testing.T, stream []byte) vmcpServer {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	var found []vmcpServer
	for _, it := range items {
		if it.GetKind() != "VirtualMCPServer" {
			continue
		}
		b, err := it.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var vs vmcpServer
		if err := sigsyaml.Unmarshal(b, &vs); err != nil {
			t.Fatal(err)
		}
		found = append(found, vs)
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one VirtualMCPServer in the example, found %d", len(found))
	}
	if found[0].Metadata.Namespace == "" {
		t.Fatal("the VirtualMCPServer has no namespace; the kustomization must set namespace:")
	}
	return found[0]
}

// --- processes and files --------------------------------------------------

var checkLine = regexp.MustCompile(`^(PASS|FAIL) ([a-z-]+):`)

// checkLines maps each podrun check name to its line.
func checkLines(out []byte) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if sm := checkLine.FindStringSubmatch(l); sm != nil {
			m[sm[2]] = l
		}
	}
	return m
}

func runCmd(cmd *exec.Cmd) ([]byte, []byte, int) { return runCmdStdin(cmd, nil) }

func runCmdStdin(cmd *exec.Cmd, stdin []byte) ([]byte, []byte, int) {
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.Bytes(), errb.Bytes(), ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(&errb, "\n%s: %v", cmd.Path, err)
		return out.Bytes(), errb.Bytes(), -1
	}
	return out.Bytes(), errb.Bytes(), 0
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
