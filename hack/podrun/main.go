// Command podrun boots the real vMCP binary the way kubelet would run the
// Deployment of a rendered VirtualMCPServer, with no cluster, and checks
// that the server answers like an OAuth-protected MCP endpoint. The e2e
// suite (test/e2e) runs it; see usage below for the contract.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"
)

const usage = `usage: podrun [options] RENDERED.yaml [MORE.yaml ...]

Runs the vMCP container of the Deployment in RENDERED.yaml as kubelet would,
without a cluster, then checks the running server. MORE.yaml files hold the
Secrets, ConfigMaps and ServiceAccounts the pod references.

Like kubelet it resolves the container's env (value with $(VAR), envFrom,
secretKeyRef, configMapKeyRef, fieldRef), lays out every volume (secret and
configMap with items, defaultMode and item modes, projected, emptyDir, the
service-account token) with fsGroup ownership, mounts them at their paths,
and runs vMCP as the pod's runAsUser/runAsGroup with fsGroup and
supplementalGroups, no_new_privs and a read-only root as the securityContext
says. It all happens in a private mount namespace: the host's directories
are covered by overlays on tmpfs, so nothing is written to the host. vMCP
listens on 127.0.0.1 and a free port (--host/--port are rewritten) and sees
an in-cluster API at 127.0.0.1:1, which refuses connections.

Once the readiness probe path answers 200 it prints one line per check:
  PASS|FAIL openid-configuration: ...     GET /.well-known/openid-configuration is 200 with a jwks_uri
  PASS|FAIL jwks: ...                     the JWKS is 200 and holds the mounted signing key
  PASS|FAIL oauth-protected-resource: ... the RFC 9728 metadata is 200
  PASS|FAIL mcp-unauthenticated: ...      POST /mcp without a token is 401 with a Bearer challenge
or "FAIL readiness: ..." when vMCP never became ready (its log goes to stderr).

Exit status: 0 every check passed; 1 a check failed or vMCP never became
ready; 2 usage or setup error, including a pod kubelet would refuse (a
missing Secret, ConfigMap or key is named).

Needs root and Linux (mount namespace, overlayfs, tmpfs), except --dry-run.

Options (before or after the files):
`

// Exit statuses of the contract above.
const (
	exitPass  = 0
	exitFail  = 1
	exitSetup = 2
)

// The in-cluster API the pod is shown: a loopback port nothing listens
// on, so vMCP's status reporting fails fast and vMCP carries on.
const (
	fakeAPIHost = "127.0.0.1"
	fakeAPIPort = 1
)

type options struct {
	vmcp         string
	deployment   string
	container    string
	port         int
	readyTimeout time.Duration
	mcpPath      string
	logPath      string
	oidcStubs    []string
	dryRun       bool
	files        []string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == sandboxArg {
		sandboxMain()
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// seconds reads "20" as 20s, and any Go duration.
type seconds struct{ d *time.Duration }

func (s seconds) String() string {
	if s.d == nil {
		return ""
	}
	return s.d.String()
}

func (s seconds) Set(v string) error {
	if n, err := strconv.Atoi(v); err == nil {
		*s.d = time.Duration(n) * time.Second
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want seconds or a duration such as 90s")
	}
	*s.d = d
	return nil
}

type listFlag struct{ l *[]string }

func (f listFlag) String() string     { return "" }
func (f listFlag) Set(v string) error { *f.l = append(*f.l, v); return nil }

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	o := &options{readyTimeout: 60 * time.Second}
	fs := flag.NewFlagSet("podrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.vmcp, "vmcp", os.Getenv("VMCP_BIN"), "the vMCP binary (default $VMCP_BIN, else vmcp on PATH)")
	fs.StringVar(&o.deployment, "deployment", "", "the Deployment to run (default: the first)")
	fs.StringVar(&o.container, "container", "vmcp", "the container to run (the first when none has this name)")
	fs.IntVar(&o.port, "port", 0, "listen port (default: a free loopback port)")
	fs.Var(seconds{&o.readyTimeout}, "ready-timeout", "how long to wait for readiness, in seconds or as a Go `duration`")
	fs.StringVar(&o.mcpPath, "mcp-path", "/mcp", "the MCP endpoint path")
	fs.StringVar(&o.logPath, "log", "", "write vMCP's output to this file and keep it (default: a temporary file)")
	fs.Var(listFlag{&o.oidcStubs}, "oidc-stub", "serve a stub OIDC issuer http://`HOST:PORT` (discovery and an empty JWKS) while vMCP runs;\n"+
		"an upstream of type oidc is discovered at start, so point its issuer at one (repeatable)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "resolve the pod, print what would run, and stop (no root needed)")
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		o.files = append(o.files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(o.files) == 0 {
		fs.Usage()
		return nil, errors.New("no manifests given")
	}
	if !strings.HasPrefix(o.mcpPath, "/") {
		return nil, fmt.Errorf("--mcp-path %q must start with /", o.mcpPath)
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "podrun: "+format+"\n", a...) }
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	if err != nil {
		say("%v (see --help)", err)
		return exitSetup
	}

	inv := newInventory()
	for _, f := range o.files {
		if err := inv.readFile(f); err != nil {
			say("reading manifests: %v", err)
			return exitSetup
		}
	}
	ca, err := throwawayCA()
	if err != nil {
		say("making the token volume's CA: %v", err)
		return exitSetup
	}
	p, err := resolvePod(inv, resolveOptions{Deployment: o.deployment, Container: o.container,
		APIHost: fakeAPIHost, APIPort: fakeAPIPort, ServiceAccountCA: ca})
	if err != nil {
		say("%v", err)
		return exitSetup
	}
	port := o.port
	if port == 0 {
		if port, err = freePort(); err != nil {
			say("finding a free port: %v", err)
			return exitSetup
		}
	}
	argv, err := vmcpArgv(p, port)
	if err != nil {
		say("%v", err)
		return exitSetup
	}
	bin, err := findVMCP(o.vmcp)
	if err != nil {
		say("%v", err)
		return exitSetup
	}
	signingKey, err := mountedSigningKey(p, configFlag(argv))
	if err != nil {
		say("%v", err)
		return exitSetup
	}
	describe(stderr, p, bin, argv)
	if o.dryRun {
		return exitPass
	}
	if os.Geteuid() != 0 {
		say("running the pod needs root (a private mount namespace with overlays); run as root, or use --dry-run")
		return exitSetup
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	work, err := os.MkdirTemp("", "podrun-")
	if err != nil {
		say("%v", err)
		return exitSetup
	}
	defer os.RemoveAll(work)
	// The pod's user must reach the vMCP binary bound below work; the
	// directory can be searched but not listed.
	rt := filepath.Join(work, "rt")
	if err := os.Chmod(work, 0o711); err != nil {
		say("%v", err)
		return exitSetup
	}
	if err := os.Mkdir(rt, 0o755); err != nil {
		say("%v", err)
		return exitSetup
	}
	logPath := o.logPath
	if logPath == "" {
		logPath = filepath.Join(work, "vmcp.log")
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		say("vMCP log: %v", err)
		return exitSetup
	}
	defer logFile.Close()
	showLog := func() {
		fmt.Fprintln(stderr, "----- vMCP output (last 40 lines) -----")
		fmt.Fprint(stderr, tail(logPath, 40))
		fmt.Fprintln(stderr, "-----")
	}

	for _, addr := range o.oidcStubs {
		srv, err := startOIDCStub(addr)
		if err != nil {
			say("OIDC stub on %s: %v", addr, err)
			return exitSetup
		}
		defer srv.Close()
		say("OIDC stub issuer http://%s", addr)
	}

	started := time.Now()
	cmd, err := startSandbox(&sandboxPlan{RuntimeDir: rt, Binary: bin, Argv: argv, Pod: p}, logFile)
	if err != nil {
		say("setting up the pod: %v", err)
		return exitSetup
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	defer stopProcess(cmd, exited, say)
	say("vMCP pid %d, output in %s", cmd.Process.Pid, logPath)

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitReady(ctx, base+p.ReadinessPath, o.readyTimeout, exited); err != nil {
		fmt.Fprintf(stdout, "FAIL readiness: GET %s: %v\n", p.ReadinessPath, err)
		if cmd.ProcessState != nil {
			say("vMCP %s", cmd.ProcessState)
		}
		showLog()
		return exitFail
	}
	say("ready: GET %s answered 200 after %.1fs", p.ReadinessPath, time.Since(started).Seconds())

	c := &checker{base: base, mcpPath: o.mcpPath, signingKey: signingKey, client: &http.Client{Timeout: 10 * time.Second}}
	failed := false
	for _, r := range c.run(ctx) {
		fmt.Fprintln(stdout, r)
		failed = failed || !r.ok
	}
	if failed {
		showLog()
		return exitFail
	}
	return exitPass
}

// vmcpArgv is the argv vMCP gets: the container's command (which must be
// the vmcp entrypoint) or the image's, then the args with the listen
// address moved to loopback and port.
func vmcpArgv(p *pod, port int) ([]string, error) {
	args := p.Args
	if len(p.Command) > 0 {
		if path.Base(p.Command[0]) != "vmcp" {
			return nil, fmt.Errorf("container %s runs %q; only the vmcp entrypoint can be run here", p.Container, p.Command[0])
		}
		args = append(append([]string{}, p.Command[1:]...), p.Args...)
	}
	return append([]string{"vmcp"}, listenOn(args, "127.0.0.1", port)...), nil
}

// listenOn rewrites --host and --port (as "--x=v" or "--x v"), adding them
// when absent.
func listenOn(args []string, host string, port int) []string {
	var out []string
	sawHost, sawPort := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--host" || a == "--port":
			i++ // drop the separate value
			fallthrough
		case strings.HasPrefix(a, "--host=") || strings.HasPrefix(a, "--port="):
			if strings.HasPrefix(a, "--host") {
				out, sawHost = append(out, "--host="+host), true
			} else {
				out, sawPort = append(out, "--port="+strconv.Itoa(port)), true
			}
		default:
			out = append(out, a)
		}
	}
	if !sawHost {
		out = append(out, "--host="+host)
	}
	if !sawPort {
		out = append(out, "--port="+strconv.Itoa(port))
	}
	return out
}

// configFlag is the --config (or -c) value of argv.
func configFlag(argv []string) string {
	for i, a := range argv {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			return v
		}
		if (a == "--config" || a == "-c") && i+1 < len(argv) {
			return argv[i+1]
		}
	}
	return ""
}

// mountedSigningKey is the PEM key vMCP's auth server signs with: vMCP
// reads authserver-config.yaml beside its config file, and that names the
// key file. nil when there is no auth server config or no key file (vMCP
// then makes its own key).
func mountedSigningKey(p *pod, configPath string) ([]byte, error) {
	if configPath == "" {
		return nil, nil
	}
	asPath := path.Join(path.Dir(configPath), "authserver-config.yaml")
	data, ok := p.fileAt(asPath)
	if !ok {
		return nil, nil
	}
	var cfg struct {
		SigningKeyConfig *struct {
			KeyDir         string `json:"key_dir"`
			SigningKeyFile string `json:"signing_key_file"`
		} `json:"signing_key_config"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s in the pod: %w", asPath, err)
	}
	if cfg.SigningKeyConfig == nil || cfg.SigningKeyConfig.SigningKeyFile == "" {
		return nil, nil
	}
	kp := cfg.SigningKeyConfig.SigningKeyFile
	if !path.IsAbs(kp) {
		kp = path.Join(cfg.SigningKeyConfig.KeyDir, kp)
	}
	key, ok := p.fileAt(kp)
	if !ok {
		return nil, fmt.Errorf("%s names the signing key %s, which no volume of the pod provides", asPath, kp)
	}
	return key, nil
}

func findVMCP(flagValue string) (string, error) {
	bin := flagValue
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("vmcp"); err != nil {
			return "", errors.New("no vMCP binary: pass --vmcp PATH or set VMCP_BIN")
		}
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("the vMCP binary %s is missing or not executable", abs)
	}
	return abs, nil
}

// describe prints what will run; env values are left out, they may be secret.
func describe(w io.Writer, p *pod, bin string, argv []string) {
	fmt.Fprintf(w, "podrun: Deployment %s/%s, container %s (%s), binary %s\n", p.Namespace, p.Deployment, p.Container, p.Image, bin)
	fmt.Fprintf(w, "podrun: argv %q\n", argv)
	var names []string
	for _, e := range p.Env {
		n, _, _ := strings.Cut(e, "=")
		names = append(names, n)
	}
	fmt.Fprintf(w, "podrun: env %s\n", strings.Join(names, " "))
	fmt.Fprintf(w, "podrun: uid %d gid %d groups %v, no_new_privs %t, read-only root %t\n", p.UID, p.GID, p.Groups, p.NoNewPrivs, p.ReadOnlyRoot)
	for _, m := range p.Mounts {
		v := p.volumeByName(m.Volume)
		ro := "rw"
		if m.ReadOnly || !v.Writable {
			ro = "ro"
		}
		where := m.Path
		if m.SubPath != "" {
			where += " (subPath " + m.SubPath + ")"
		}
		var files []string
		for _, f := range v.Files {
			if m.SubPath == "" || f.Path == m.SubPath || strings.HasPrefix(f.Path, m.SubPath+"/") {
				files = append(files, fmt.Sprintf("%s %04o", f.Path, f.Mode.Perm()))
			}
		}
		group := "root"
		if v.GID >= 0 {
			group = strconv.FormatInt(v.GID, 10)
		}
		fmt.Fprintf(w, "podrun: mount %s %s <- volume %s, group %s: %s\n", ro, where, v.Name, group, strings.Join(files, ", "))
	}
	fmt.Fprintf(w, "podrun: readiness GET %s\n", p.ReadinessPath)
	for _, n := range p.Notes {
		fmt.Fprintf(w, "podrun: note: %s\n", n)
	}
}

// stopProcess ends vMCP as kubelet would: SIGTERM, then SIGKILL after a grace period.
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}, say func(string, ...any)) {
	select {
	case <-exited:
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		say("vMCP ignored SIGTERM for 10s; killing it")
		_ = cmd.Process.Kill()
		<-exited
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(file string, n int) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)\n", file, err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	s := strings.Join(lines, "")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// throwawayCA is a self-signed certificate for the token volume's ca.crt:
// client-go only has to parse it, nothing is ever verified against it.
func throwawayCA() ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "podrun fake cluster CA"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// startOIDCStub serves an OIDC discovery document and an empty JWKS for
// issuer http://addr, enough for an oidc upstream's discovery at start.
func startOIDCStub(addr string) (*http.Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	issuer := "http://" + addr
	discovery := fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"userinfo_endpoint":%q,"jwks_uri":%q,`+
		`"response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256","ES256"],`+
		`"scopes_supported":["openid","profile","email","offline_access"],"code_challenge_methods_supported":["S256"],`+
		`"grant_types_supported":["authorization_code","refresh_token"]}`,
		issuer, issuer+"/authorize", issuer+"/token", issuer+"/userinfo", issuer+"/jwks")
	mux := http.NewServeMux()
	serve := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}
	}
	mux.HandleFunc("/.well-known/openid-configuration", serve(discovery))
	mux.HandleFunc("/jwks", serve(`{"keys":[]}`))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return srv, nil
}
