// Package argocdreal tests examples/argocd against Argo CD's own code rather
// than an emulation of its plugin contract. The plugin sidecar is Argo CD's
// cmp-server command serving the unmodified plugin.yaml as uid 999, with
// kustomize and the function in /usr/local/bin of a private mount namespace,
// as examples/argocd/Dockerfile builds it; the caller is the repo server's
// manifest generation, run in process by cmd/argocdreal against file:// git
// repositories.
//
// Run it through hack/argocd-real.sh (make argocd-real), which pins the Go
// toolchain and passes the inputs:
//
//	VMCP_RENDER  the static function binary (make build)
//	KUSTOMIZE    kustomize at the version the Dockerfile pins (make kustomize)
//	PLUGIN_YAML  optional: another plugin config to serve
package argocdreal_test

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const (
	argocdModule = "github.com/argoproj/argo-cd/v3"
	// Argo CD runs plugin sidecars as this user; so does the Dockerfile.
	sidecarUID = 999
	// The app of examples/argocd, as application.yaml names it.
	appPath = "examples/argocd/app"
	// How long the sidecar gets to create its socket, and to exit on SIGTERM
	// before it is killed (it does not exit on SIGTERM: see stop).
	startTimeout = 20 * time.Second
	termGrace    = time.Second
)

// object is one Kubernetes object as decoded JSON.
type object = map[string]any

// inputs are what the test takes from outside test/argocdreal.
type inputs struct {
	root       string // the project checkout
	vmcpRender string
	kustomize  string
	pluginYAML string
	pluginName string // metadata.name of the plugin: its socket is NAME.sock
}

func readInputs(t *testing.T) inputs {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("must run as root: the sidecar is started as uid 999 in a private mount namespace (run hack/argocd-real.sh as root)")
	}
	for _, tool := range []string{"git", "bash", "unshare", "setpriv", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH (Debian: git, bash, util-linux, mount); hack/argocd-real.sh installs it", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	in := inputs{
		root:       root,
		vmcpRender: executableFromEnv(t, "VMCP_RENDER", "run 'make build' and set VMCP_RENDER=bin/vmcp-render"),
		kustomize:  executableFromEnv(t, "KUSTOMIZE", "run 'make kustomize' and set KUSTOMIZE=$(go env GOPATH)/bin/kustomize"),
		pluginYAML: os.Getenv("PLUGIN_YAML"),
	}
	if in.pluginYAML == "" {
		in.pluginYAML = filepath.Join(root, "examples", "argocd", "plugin.yaml")
	} else {
		t.Logf("serving PLUGIN_YAML=%s instead of examples/argocd/plugin.yaml", in.pluginYAML)
	}

	// The image copies the function from its release image, which holds
	// nothing but the binary: a dynamically linked one would not start there.
	if f, err := elf.Open(in.vmcpRender); err != nil {
		t.Fatalf("VMCP_RENDER=%s is not an ELF binary: %v", in.vmcpRender, err)
	} else {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Fatalf("VMCP_RENDER=%s is dynamically linked; the sidecar needs it static (make build uses CGO_ENABLED=0)", in.vmcpRender)
			}
		}
		f.Close()
	}
	if out, err := exec.Command(in.vmcpRender, "--version").CombinedOutput(); err != nil {
		t.Fatalf("VMCP_RENDER=%s --version failed: %v\n%s", in.vmcpRender, err, out)
	}

	// The sidecar must hold the kustomize the Dockerfile pins.
	pinned := dockerfileArg(t, filepath.Join(root, "examples", "argocd", "Dockerfile"), "KUSTOMIZE_VERSION")
	out, err := exec.Command(in.kustomize, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("KUSTOMIZE=%s version failed: %v\n%s", in.kustomize, err, out)
	}
	if !strings.Contains(string(out), pinned) {
		t.Fatalf("KUSTOMIZE=%s is %q, but examples/argocd/Dockerfile pins kustomize %s (make kustomize)",
			in.kustomize, strings.TrimSpace(string(out)), pinned)
	}

	raw, err := os.ReadFile(in.pluginYAML)
	if err != nil {
		t.Fatalf("plugin config: %v", err)
	}
	var plugin struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &plugin); err != nil || plugin.Kind != "ConfigManagementPlugin" || plugin.Metadata.Name == "" {
		t.Fatalf("%s is not a ConfigManagementPlugin with a name (err: %v)", in.pluginYAML, err)
	}
	in.pluginName = plugin.Metadata.Name
	return in
}

// executableFromEnv is the absolute path of the executable the variable names.
func executableFromEnv(t *testing.T, name, how string) string {
	t.Helper()
	p := os.Getenv(name)
	if p == "" {
		t.Fatalf("%s is not set: %s (hack/argocd-real.sh sets it)", name, how)
	}
	p, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file: %s", name, p, how)
	}
	return p
}

func dockerfileArg(t *testing.T, path, name string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ARG\s+` + name + `=(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s has no ARG %s=...", path, name)
	}
	return string(m[1])
}

// rig is one run's work directory, driver and running sidecar.
type rig struct {
	in      inputs
	work    string // everything of this run; uid 999 must be able to enter it
	binDir  string // the repo server's extra PATH: driver, git-verify-wrapper.sh, kustomize
	driver  string
	sockDir string
	logPath string // the sidecar's stdout and stderr

	cmd     *exec.Cmd
	exited  chan struct{}
	stopped sync.Once
}

func newRig(t *testing.T, in inputs) *rig {
	t.Helper()
	work, err := os.MkdirTemp("", "argocdreal-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(work, 0o755); err != nil { // MkdirTemp makes it 0700
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(work); err != nil {
			t.Errorf("removing %s: %v", work, err)
		}
	})
	r := &rig{in: in, work: work, binDir: filepath.Join(work, "bin")}
	r.driver = filepath.Join(r.binDir, "argocdreal")
	mkdirs(t, r.binDir)
	r.build(t)
	r.startSidecar(t)
	return r
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		// Explicit modes: MkdirAll's are masked by the umask.
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// build compiles cmd/argocdreal with the Argo CD version go.mod requires
// stamped in, and puts beside it what the repo server runs from PATH.
func (r *rig) build(t *testing.T) {
	t.Helper()
	// go mod download fetches the module if needed and says where it is.
	out, err := exec.Command("go", "mod", "download", "-json", argocdModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v\n%s", argocdModule, err, stderrOf(err))
	}
	var mod struct{ Version, Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download -json %s said %q (%v)", argocdModule, out, err)
	}

	start := time.Now()
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X "+argocdModule+"/common.version="+strings.TrimPrefix(mod.Version, "v"),
		"-o", r.driver, "./cmd/argocdreal")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/argocdreal (Argo CD %s): %v\n%s", mod.Version, err, out)
	}
	t.Logf("built cmd/argocdreal against Argo CD %s in %s", mod.Version, time.Since(start).Round(time.Second))

	// The repo server runs git-verify-wrapper.sh on every checkout; without
	// it each one fails with a bare "permission denied". The module cache
	// holds it read-only, so it is copied with an executable mode.
	copyFile(t, filepath.Join(mod.Dir, "hack", "git-verify-wrapper.sh"), filepath.Join(r.binDir, "git-verify-wrapper.sh"), 0o755)
	// An app that no plugin claims is built by the repo server's own kustomize.
	copyFile(t, r.in.kustomize, filepath.Join(r.binDir, "kustomize"), 0o755)
}

func copyFile(t *testing.T, from, to string, mode fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(to, mode); err != nil { // WriteFile's mode is masked by umask
		t.Fatal(err)
	}
}

// startSidecar lays the sidecar out as the image and Argo CD's pod spec do,
// and starts the cmp server in it.
func (r *rig) startSidecar(t *testing.T) {
	t.Helper()
	sc := filepath.Join(r.work, "sidecar")
	usrLocalBin := filepath.Join(sc, "usr-local-bin") // bound onto /usr/local/bin
	serverDir := filepath.Join(sc, "var-run-argocd")  // where Argo CD's init container puts the server
	configDir := filepath.Join(sc, "config")          // /home/argocd/cmp-server/config
	r.sockDir = filepath.Join(sc, "plugins")          // /home/argocd/cmp-server/plugins
	tmp := filepath.Join(sc, "tmp")
	home := filepath.Join(sc, "home")
	mkdirs(t, usrLocalBin, serverDir, configDir, r.sockDir, tmp, home)

	copyFile(t, r.in.kustomize, filepath.Join(usrLocalBin, "kustomize"), 0o755)
	copyFile(t, r.in.vmcpRender, filepath.Join(usrLocalBin, "vmcp-render"), 0o755)
	copyFile(t, r.driver, filepath.Join(serverDir, "argocd-cmp-server"), 0o755)
	copyFile(t, r.in.pluginYAML, filepath.Join(configDir, "plugin.yaml"), 0o644)
	for _, d := range []string{r.sockDir, tmp, home} {
		if err := os.Chown(d, sidecarUID, sidecarUID); err != nil {
			t.Fatal(err)
		}
	}
	reachable(t, sc)

	logFile, err := os.Create(filepath.Join(r.work, "sidecar.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the child holds its own descriptor
	r.logPath = logFile.Name()

	// unshare gives the server a mount namespace of its own; inside it,
	// /usr/local/bin becomes the image's; setpriv then drops to uid 999 and
	// execs the server with the sidecar's environment only. Every step
	// execs, so the server keeps the pid (and process group) started here,
	// and --pdeathsig kills it should this test process die first.
	const inNamespace = `mount --bind "$1" /usr/local/bin && shift && exec setpriv "$@"`
	r.cmd = exec.Command("unshare", "--mount", "--propagation", "private", "--",
		"bash", "-c", inNamespace, "sidecar", usrLocalBin,
		"--reuid="+strconv.Itoa(sidecarUID), "--regid="+strconv.Itoa(sidecarUID), "--clear-groups", "--pdeathsig=KILL", "--",
		"env", "-i",
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME="+home, "TMPDIR="+tmp,
		"ARGOCD_PLUGINSOCKFILEPATH="+r.sockDir, "ARGOCD_CMP_WORKDIR="+tmp,
		filepath.Join(serverDir, "argocd-cmp-server"), "--config-dir-path", configDir, "--logformat", "text")
	r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting the sidecar: %v", err)
	}
	r.exited = make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() { r.stop(t) })

	sock := filepath.Join(r.sockDir, r.in.pluginName+".sock")
	deadline := time.Now().Add(startTimeout)
	for {
		if st, err := os.Stat(sock); err == nil && st.Mode()&fs.ModeSocket != 0 {
			break
		}
		select {
		case <-r.exited:
			t.Fatalf("the cmp server exited before creating %s (%v); its log:\n%s", sock, r.cmd.ProcessState, r.logSince(0))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cmp server made no socket %s in %s; its log:\n%s", sock, startTimeout, r.logSince(0))
		}
	}
	t.Logf("cmp server up as uid %d, plugin %q at %s", sidecarUID, r.in.pluginName, sock)
}

// reachable fails the test when uid 999 could not enter dir: a parent
// without search permission for others (TMPDIR under /root, say).
func reachable(t *testing.T, dir string) {
	t.Helper()
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			t.Fatalf("uid %d cannot enter %s (mode %v): set TMPDIR to a directory everyone can enter", sidecarUID, d, st.Mode().Perm())
		}
		if d == "/" {
			return
		}
	}
}

// stop ends the sidecar. argocd-cmp-server does not exit on SIGTERM (it
// only removes its socket), as in a pod, where the kubelet's SIGKILL ends
// it: so SIGTERM, a short grace, then SIGKILL to the whole process group.
// It then checks that nothing of this run is left running.
func (r *rig) stop(t *testing.T) {
	r.stopped.Do(func() {
		pgid := r.cmd.Process.Pid
		select {
		case <-r.exited: // it died by itself; its group may not
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		default:
			r.terminate(t, pgid)
		}
		// Plugin commands run in process groups of their own; one still
		// running would show up here.
		for _, pid := range processesUnder(r.work) {
			t.Errorf("process %d of this run was still running after the sidecar stopped; killing it", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

func (r *rig) terminate(t *testing.T, pgid int) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-r.exited:
		t.Logf("cmp server exited on SIGTERM")
	case <-time.After(termGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		select {
		case <-r.exited:
			t.Logf("cmp server ignored SIGTERM, as it does in a pod; killed it after %s", termGrace)
		case <-time.After(10 * time.Second):
			t.Errorf("cmp server (pid %d) still running 10s after SIGKILL", pgid)
		}
	}
}

// processesUnder lists the processes whose command line or working
// directory is inside dir.
func processesUnder(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if bytes.Contains(cmdline, []byte(dir)) || cwd == dir || strings.HasPrefix(cwd, dir+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// logSince is the sidecar's log from byte offset on.
func (r *rig) logSince(offset int64) string {
	b, err := os.ReadFile(r.logPath)
	if err != nil {
		return fmt.Sprintf("(no sidecar log: %v)", err)
	}
	if offset > int64(len(b)) {
		offset = int64(len(b))
	}
	return string(b[offset:])
}

func (r *rig) logSize() int64 {
	st, err := os.Stat(r.logPath)
	if err != nil {
		return 0
	}
	return st.Size()
}

// generation is one GenerateManifest through the driver.
type generation struct {
	SourceType string   `json:"sourceType"`
	Revision   string   `json:"revision"`
	Manifests  []string `json:"manifests"`
	Error      string   `json:"error"`

	driverLog  string // the repo server's own log
	sidecarLog string // what the sidecar logged meanwhile
}

// explain is appended to failure messages: what both sides logged.
func (g generation) explain() string {
	var b strings.Builder
	if s := strings.TrimSpace(g.driverLog); s != "" {
		b.WriteString("\n--- repo server log (tail) ---\n" + tail(s, 25))
	}
	if s := strings.TrimSpace(withoutGRPCNoise(g.sidecarLog)); s != "" {
		b.WriteString("\n--- sidecar log during the call, without successful gRPC calls (tail) ---\n" + tail(s, 30))
	}
	return b.String()
}

// withoutGRPCNoise drops the sidecar's per-call lines of calls that went
// well; what the plugin's commands did stays.
func withoutGRPCNoise(log string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, `msg="started call"`) || strings.Contains(l, "grpc.code=OK") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[… %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// generate asks the repo server for the manifests of path in repo; plugin
// is the Application's spec.source.plugin.name ("" to let Argo CD detect).
func (r *rig) generate(t *testing.T, repo, path, plugin string) generation {
	t.Helper()
	tmp := filepath.Join(r.work, "reposerver-tmp")
	mkdirs(t, tmp)
	args := []string{"generate", "-repo", repo, "-path", path}
	if plugin != "" {
		args = append(args, "-plugin", plugin)
	}
	cmd := exec.Command(r.driver, args...)
	cmd.Env = append(os.Environ(),
		"PATH="+r.binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"ARGOCD_PLUGINSOCKFILEPATH="+r.sockDir,
		"TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	offset := r.logSize()
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Round(time.Millisecond)

	var g generation
	g.driverLog = stderr.String()
	g.sidecarLog = r.logSince(offset)
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running the driver: %v", err)
	}
	if code != 0 && code != 3 {
		t.Fatalf("the driver failed (exit %d) on %s%s", code, path, g.explain())
	}
	if jerr := json.Unmarshal(stdout.Bytes(), &g); jerr != nil {
		t.Fatalf("the driver's answer is not JSON (%v): %q%s", jerr, stdout.String(), g.explain())
	}
	if (code == 3) != (g.Error != "") {
		t.Fatalf("the driver exited %d with error %q", code, g.Error)
	}
	t.Logf("GenerateManifest %s (plugin %q): %s, %d manifests, %s", path, plugin, g.outcome(), len(g.Manifests), elapsed)
	return g
}

func (g generation) outcome() string {
	if g.Error != "" {
		return "refused"
	}
	return "source type " + g.SourceType
}

// objects decodes the manifests, keyed by apiVersion/kind/namespace/name.
func (g generation) objects(t *testing.T) map[string]object {
	t.Helper()
	out := map[string]object{}
	for i, m := range g.Manifests {
		var o object
		if err := json.Unmarshal([]byte(m), &o); err != nil {
			t.Fatalf("manifest %d is not a JSON object: %v\n%s", i, err, m)
		}
		addObject(t, out, o, fmt.Sprintf("manifest %d", i))
	}
	return out
}

// yamlObjects decodes a YAML stream the same way (YAML to JSON to maps),
// so numbers and the like compare equal to the manifests'.
func yamlObjects(t *testing.T, path string) map[string]object {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]object{}
	dec := utilyaml.NewYAMLOrJSONDecoder(bufio.NewReader(f), 4096)
	for i := 0; ; i++ {
		var o object
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s, document %d: %v", path, i, err)
		}
		if o != nil {
			addObject(t, out, o, fmt.Sprintf("%s document %d", path, i))
		}
	}
}

func objectKey(o object) string {
	md, _ := o["metadata"].(map[string]any)
	return fmt.Sprintf("%v/%v/%v/%v", o["apiVersion"], o["kind"], md["namespace"], md["name"])
}

func addObject(t *testing.T, into map[string]object, o object, where string) {
	t.Helper()
	k := objectKey(o)
	if _, dup := into[k]; dup {
		t.Fatalf("%s: %s appears twice", where, k)
	}
	into[k] = o
}

// fixture commits a copy of examples/argocd (edited by change, if given)
// to a fresh git repository and returns its directory.
func (r *rig) fixture(t *testing.T, name string, change func(app string)) string {
	t.Helper()
	repo := filepath.Join(r.work, "repos", name)
	if err := os.CopyFS(filepath.Join(repo, "examples", "argocd"), os.DirFS(filepath.Join(r.in.root, "examples", "argocd"))); err != nil {
		t.Fatalf("copying examples/argocd: %v", err)
	}
	if change != nil {
		change(filepath.Join(repo, appPath))
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main", "-c", "user.name=argocdreal",
			"-c", "user.email=argocdreal@localhost", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), repo, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", name)
	return repo
}

func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	after := edit(string(b))
	if after == string(b) {
		t.Fatalf("the fixture edit changed nothing in %s: has the example changed?", path)
	}
	if err := os.WriteFile(path, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
}

// addUnknownField gives the VirtualMCPServer spec a misspelt field.
func addUnknownField(t *testing.T) func(app string) {
	return func(app string) {
		editFile(t, filepath.Join(app, "vmcp.yaml"), func(s string) string {
			i := strings.Index(s, "kind: VirtualMCPServer\n")
			if i < 0 {
				return s
			}
			j := strings.Index(s[i:], "\nspec:\n")
			if j < 0 {
				return s
			}
			at := i + j + len("\nspec:\n")
			return s[:at] + "  replicass: 2\n" + s[at:]
		})
	}
}

// withoutFunction turns the app into a plain kustomization of the same
// resources, with no VMCPRender function config.
func withoutFunction(t *testing.T) func(app string) {
	return func(app string) {
		if err := os.Remove(filepath.Join(app, "vmcp-render.yaml")); err != nil {
			t.Fatal(err)
		}
		editFile(t, filepath.Join(app, "kustomization.yaml"), func(s string) string {
			return regexp.MustCompile(`(?m)^transformers:\n(  - .*\n)+`).ReplaceAllString(s, "")
		})
	}
}

func kinds(objs map[string]object) map[string]int {
	n := map[string]int{}
	for _, o := range objs {
		n[fmt.Sprint(o["kind"])]++
	}
	return n
}

// generateRuns counts the plugin's generate command in a sidecar log.
func generateRuns(log string) int { return strings.Count(log, "kustomize build") }

func TestPlugin(t *testing.T) {
	in := readInputs(t)
	r := newRig(t, in)
	expected := yamlObjects(t, filepath.Join(in.root, "examples", "kustomization", "expected", "output.yaml"))
	good := r.fixture(t, "good", nil)

	t.Run("good app renders the expected objects", func(t *testing.T) {
		g := r.generate(t, good, appPath, in.pluginName)
		if g.Error != "" {
			t.Fatalf("Argo CD refused the app: %s%s", g.Error, g.explain())
		}
		if g.SourceType != "Plugin" {
			t.Errorf("source type %q, want Plugin", g.SourceType)
		}
		if d := cmp.Diff(expected, g.objects(t)); d != "" {
			t.Errorf("the manifests differ from examples/kustomization/expected/output.yaml (-want +got):\n%s%s", d, g.explain())
		}
		// On success the function's warnings reach only the sidecar's log.
		if !strings.Contains(g.sidecarLog, "[secret-absent]") {
			t.Errorf("the function's [secret-absent] warning is not in the sidecar's log%s", g.explain())
		}
	})

	t.Run("broken app fails with the function's message", func(t *testing.T) {
		g := r.generate(t, r.fixture(t, "broken", addUnknownField(t)), appPath, in.pluginName)
		if g.Error == "" {
			t.Fatalf("Argo CD rendered an app with spec.replicass (%d manifests)%s", len(g.Manifests), g.explain())
		}
		var lacks []string
		for _, want := range []string{"[schema]", "spec.replicass: unknown field"} {
			if !strings.Contains(g.Error, want) {
				lacks = append(lacks, strconv.Quote(want))
			}
		}
		if len(lacks) > 0 {
			t.Errorf("Argo CD's error lacks the function's message (%s):\n%s%s", strings.Join(lacks, ", "), g.Error, g.explain())
		}
		if len(g.Manifests) > 0 {
			t.Errorf("a failed generation returned %d manifests", len(g.Manifests))
		}
		if len(lacks) == 0 {
			t.Logf("the error an Application would show:\n%s", g.Error)
		}
	})

	t.Run("discovery", func(t *testing.T) {
		// plugin.yaml's discover rule: a *.yaml or *.yml file in the app
		// directory with a line 'kind: VMCPRender'.
		t.Run("the example app is claimed without naming the plugin", func(t *testing.T) {
			g := r.generate(t, good, appPath, "")
			if g.Error != "" {
				t.Fatalf("Argo CD refused the app: %s%s", g.Error, g.explain())
			}
			if g.SourceType != "Plugin" {
				t.Fatalf("source type %q: the plugin did not claim the app, want Plugin%s", g.SourceType, g.explain())
			}
			if d := cmp.Diff(expected, g.objects(t)); d != "" {
				t.Errorf("the manifests differ from the expected output (-want +got):\n%s", d)
			}
		})

		plain := r.fixture(t, "plain", withoutFunction(t))
		t.Run("a kustomization without VMCPRender is left to Argo CD's kustomize", func(t *testing.T) {
			g := r.generate(t, plain, appPath, "")
			if g.Error != "" {
				t.Fatalf("Argo CD refused the app: %s%s", g.Error, g.explain())
			}
			if g.SourceType != "Kustomize" {
				t.Errorf("source type %q, want Kustomize (Argo CD's own, as no plugin matches)%s", g.SourceType, g.explain())
			}
			if n := generateRuns(g.sidecarLog); n > 0 {
				t.Errorf("the sidecar ran its generate command %d times for an app it should not claim%s", n, g.explain())
			}
			k := kinds(g.objects(t))
			if k["VirtualMCPServer"] != 1 || k["Deployment"] != 0 {
				t.Errorf("want the VirtualMCPServer as written and no rendered Deployment, got kinds %v", k)
			}
			// The discover command answers "no" with empty output and exit
			// 0; a non-zero exit would be logged by Argo CD as a failed find
			// command on every refresh of every app.
			if strings.Contains(g.sidecarLog, "level=error") {
				t.Errorf("the sidecar logged an error for an app it does not claim (the discover command must answer no with exit 0):\n%s", grepLines(g.sidecarLog, "level=error"))
			}
		})

		t.Run("naming the plugin on such an app fails", func(t *testing.T) {
			g := r.generate(t, plain, appPath, in.pluginName)
			want := fmt.Sprintf("could not find cmp-server plugin with name %q supporting the given repository", in.pluginName)
			if !strings.Contains(g.Error, want) {
				t.Errorf("want Argo CD's error %q, got error %q and %d manifests%s", want, g.Error, len(g.Manifests), g.explain())
			}
			t.Logf("the error an Application would show:\n%s", g.Error)
		})
	})

	r.stop(t)
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// stderrOf is the stderr an *exec.ExitError captured, if any.
func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
