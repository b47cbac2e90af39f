package cmpemu

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"k8s.io/apimachinery/pkg/runtime"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// sidecarBinPath is where the sidecar image installs its tools.
const sidecarBinPath = "/usr/local/bin"

// SidecarEnv is the environment of a cmp server in a container of a Debian
// based image running as a uid with no passwd entry: the image's PATH, and
// HOME=/ as the container runtime sets it. The plugin commands get this plus
// the request's variables (cmpserver/plugin/plugin.go generateManifest:
// append(os.Environ(), environ(envEntries)...)).
var SidecarEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/",
}

// Sidecar is one plugin sidecar: the cmp server with its plugin.yaml.
type Sidecar struct {
	Config *PluginConfig
	// BinDir is mounted at /usr/local/bin for the plugin's commands.
	BinDir string
	// UID and GID the commands run as; the cmp server's files are theirs.
	UID, GID int
	// Env is the cmp server's own environment (SidecarEnv when nil).
	Env []string
	// WorkDir is ARGOCD_CMP_WORKDIR: requests are unpacked in
	// WorkDir/_cmp_server/<uuid> (common/common.go GetCMPWorkDir). It must be
	// reachable by UID.
	WorkDir string
	// Log receives the cmp server's log, where the commands' stderr ends up.
	Log io.Writer

	mu sync.Mutex
}

// appStream is what the repo server streams to the sidecar for each call:
// metadata, then the repository as a tarball (util/cmp/stream.go).
type appStream struct {
	appRelPath string
	env        []EnvEntry
	tgz        []byte
}

func (s *Sidecar) env() []string {
	if s.Env == nil {
		return SidecarEnv
	}
	return s.Env
}

// logf writes one log line, logrus's text format without the time: message,
// then the fields sorted by name.
func (s *Sidecar) logf(level, msg string, fields ...string) {
	if s.Log == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "level=%s msg=%s", level, logValue(msg))
	type kv struct{ k, v string }
	var kvs []kv
	for i := 0; i+1 < len(fields); i += 2 {
		kvs = append(kvs, kv{fields[i], fields[i+1]})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].k < kvs[j].k })
	for _, f := range kvs {
		fmt.Fprintf(&b, " %s=%s", f.k, logValue(f.v))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.Log, b.String())
}

func logValue(v string) string {
	if v != "" && !strings.ContainsFunc(v, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-._/@^+", r))
	}) {
		return v
	}
	return strconv.Quote(v)
}

// receive unpacks a request into a fresh work directory and returns it with
// a cleanup (plugin.go getTempDirMustCleanup, util/cmp/stream.go
// ReceiveRepoStream).
func (s *Sidecar) receive(st appStream) (string, func(), error) {
	base := filepath.Join(s.WorkDir, "_cmp_server")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", nil, err
	}
	if err := os.Chown(base, s.UID, s.GID); err != nil {
		return "", nil, err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", nil, err
	}
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
	h := hex.EncodeToString(id)
	dir := filepath.Join(base, h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("error creating temp dir: %w", err)
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	if err := os.Chown(dir, s.UID, s.GID); err != nil {
		cleanup()
		return "", nil, err
	}
	if err := unpackRepo(dir, st.tgz, s.Config.Spec.PreserveFileMode, s.UID, s.GID); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("error decompressing tgz file: %w", err)
	}
	return dir, cleanup, nil
}

func (s *Sidecar) commandEnv(entries []EnvEntry) []string {
	env := append([]string{}, s.env()...)
	for _, e := range entries {
		if e.Name != "" {
			env = append(env, e.Name+"="+e.Value)
		}
	}
	return env
}

// matchRepository answers whether the plugin wants the app, and whether it
// has discovery at all (plugin.go matchRepositoryGeneric, matchRepository).
func (s *Sidecar) matchRepository(ctx context.Context, st appStream) (supported, discovery bool, err error) {
	workDir, cleanup, err := s.receive(st)
	if err != nil {
		return false, false, fmt.Errorf("match repository error receiving stream: %w", err)
	}
	defer cleanup()
	appPath := filepath.Join(workDir, st.appRelPath)
	d := s.Config.Spec.Discover
	switch {
	case d.FileName != "":
		pattern := filepath.Join(appPath, d.FileName)
		m, err := filepath.Glob(pattern)
		if err != nil {
			return false, true, fmt.Errorf("match repository error: %w", fmt.Errorf("error finding filename match for pattern %q: %w", pattern, err))
		}
		return len(m) > 0, true, nil
	case d.Find.Glob != "":
		return false, true, errors.New("cmpemu: discover.find.glob is not emulated (Argo CD matches it with github.com/mattn/go-zglob)")
	case len(d.Find.Command.Command) > 0:
		out, err := s.runCommand(ctx, d.Find.Command, appPath, s.commandEnv(st.env))
		if err != nil {
			return false, true, fmt.Errorf("match repository error: %w", fmt.Errorf("error running find command: %w", err))
		}
		return out != "", true, nil
	}
	return false, false, nil
}

// generateManifest runs init and generate in the app directory and splits
// generate's stdout into manifests (plugin.go generateManifestGeneric,
// generateManifest).
func (s *Sidecar) generateManifest(ctx context.Context, st appStream) ([]string, error) {
	workDir, cleanup, err := s.receive(st)
	if err != nil {
		return nil, fmt.Errorf("generate manifest error receiving stream: %w", err)
	}
	defer cleanup()
	appPath := filepath.Clean(filepath.Join(workDir, st.appRelPath))
	if !strings.HasPrefix(appPath, workDir) {
		return nil, errors.New("illegal appPath: out of workDir bound")
	}
	if deadline, ok := ctx.Deadline(); ok {
		s.logf("info", fmt.Sprintf("Generating manifests with deadline %v from now", time.Until(deadline).Round(time.Millisecond)))
	}
	env := s.commandEnv(st.env)
	if len(s.Config.Spec.Init.Command) > 0 {
		if _, err := s.runCommand(ctx, s.Config.Spec.Init, appPath, env); err != nil {
			return nil, fmt.Errorf("error generating manifests: %w", err)
		}
	}
	out, err := s.runCommand(ctx, s.Config.Spec.Generate, appPath, env)
	if err != nil {
		return nil, fmt.Errorf("error generating manifests: %w", err)
	}
	manifests, err := splitYAMLToString([]byte(out))
	if err != nil {
		return nil, fmt.Errorf("error generating manifests: %w", err)
	}
	return manifests, nil
}

// splitYAMLToString cuts a YAML or JSON stream into documents, dropping
// empty and null ones (gitops-engine pkg/utils/kube/kube.go
// SplitYAMLToString, same decoder).
func splitYAMLToString(b []byte) ([]string, error) {
	d := kubeyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var out []string
	for {
		var ext runtime.RawExtension
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, fmt.Errorf("failed to unmarshal manifest: %w", err)
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		out = append(out, string(raw))
	}
}

// CmdError is a failed plugin command as the cmp server reports it
// (plugin.go CmdError): the command quoted for the log, the wait error, and
// stderr with surrounding space trimmed and its newlines kept.
type CmdError struct {
	Args   string
	Stderr string
	Cause  error
}

func (e *CmdError) Error() string {
	s := fmt.Sprintf("`%v` failed %v", e.Args, e.Cause)
	if e.Stderr != "" {
		s = fmt.Sprintf("%s: %s", s, e.Stderr)
	}
	return s
}

// ArgsToLog joins a command line, Go-quoting each argument that holds white
// space and writing an empty one as "" (util/exec/exec.go
// GetCommandArgsToLog). A multi-line bash -c script thus shows as one
// quoted string with \n in it.
func ArgsToLog(argv []string) string {
	out := make([]string, 0, len(argv))
	for _, a := range argv {
		switch {
		case a == "":
			out = append(out, `""`)
		case strings.IndexFunc(a, unicode.IsSpace) >= 0:
			out = append(out, strconv.Quote(a))
		default:
			out = append(out, a)
		}
	}
	return strings.Join(out, " ")
}

// lookPath resolves a command name the way exec.Command does in the cmp
// server, on the sidecar's file system: its PATH, with /usr/local/bin being
// BinDir. A name with a slash is left to the kernel.
func (s *Sidecar) lookPath(name string) error {
	if strings.Contains(name, "/") {
		return nil
	}
	path := ""
	for _, e := range s.env() {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if filepath.Clean(dir) == sidecarBinPath {
			dir = s.BinDir
		}
		fi, err := os.Stat(filepath.Join(dir, name))
		if err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return nil
		}
	}
	return &exec.Error{Name: name, Err: exec.ErrNotFound}
}

// sidecarCommand starts argv as the sidecar would, in a private mount
// namespace where /usr/local/bin is BinDir, as UID/GID, with env only. The
// wrapper (unshare, bash, setpriv) execs in place, so the pid, the process
// group and the exit status are the command's own. bash exports PWD and
// SHLVL; they are dropped unless the sidecar's environment has them.
func (s *Sidecar) sidecarCommand(ctx context.Context, argv []string, dir string, env []string) (*exec.Cmd, error) {
	if s.BinDir == "" {
		return nil, errors.New("cmpemu: Sidecar.BinDir is empty")
	}
	tools := map[string]string{}
	for _, t := range []string{"unshare", "bash", "env", "setpriv"} {
		p, err := exec.LookPath(t)
		if err != nil {
			return nil, fmt.Errorf("cmpemu: %s is needed to place the sidecar's /usr/local/bin (util-linux, bash, coreutils): %w", t, err)
		}
		tools[t] = p
	}
	var unset []string
	for _, v := range []string{"PWD", "SHLVL"} {
		if !hasVar(env, v) {
			unset = append(unset, "-u", v)
		}
	}
	script := `mount --bind "$1" ` + sidecarBinPath + ` || { echo "cmpemu: cannot bind $1 at ` + sidecarBinPath + ` (a mount namespace needs root)" >&2; exit 125; }
shift; exec "$@"`
	args := []string{"--mount", "--propagation", "private", "--", tools["bash"], "-c", script, "cmp-sidecar", s.BinDir, tools["env"]}
	args = append(args, unset...)
	args = append(args, tools["setpriv"], "--reuid", strconv.Itoa(s.UID), "--regid", strconv.Itoa(s.GID), "--clear-groups", "--")
	cmd := exec.CommandContext(ctx, tools["unshare"], append(args, argv...)...)
	cmd.Env = env
	cmd.Dir = dir
	return cmd, nil
}

func hasVar(env []string, name string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, name+"=") {
			return true
		}
	}
	return false
}

// runCommand is plugin.go runCommand: stdout and stderr captured; when the
// request's deadline passes, SIGTERM to the process group, SIGKILL 5 s
// later (exec.CommandContext kills the process itself too); a failure is a
// CmdError; on success stderr goes to the log only. Stdout loses one
// trailing newline.
func (s *Sidecar) runCommand(ctx context.Context, c Command, dir string, env []string) (string, error) {
	if len(c.Command) == 0 {
		return "", errors.New("Command is empty")
	}
	argv := c.argv()
	if err := s.lookPath(argv[0]); err != nil {
		return "", err
	}
	cmd, err := s.sidecarCommand(ctx, argv, dir, env)
	if err != nil {
		return "", err
	}
	idb := make([]byte, 3)
	if _, err := rand.Read(idb); err != nil {
		return "", err
	}
	execID := hex.EncodeToString(idb)[:5]
	args := ArgsToLog(argv)
	s.logf("info", args, "dir", dir, "execID", execID)

	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	// Argo CD's watcher outlives the command; this one stops with it, so it
	// never signals a process group that has been reused.
	done := make(chan struct{})
	go func(pid int) {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}(cmd.Process.Pid)
	err = cmd.Wait()
	close(done)

	output := stdout.String()
	if err != nil {
		ce := &CmdError{Args: args, Stderr: strings.TrimSpace(stderr.String()), Cause: errors.New(err.Error())}
		s.logf("error", ce.Error(), "execID", execID)
		return strings.TrimSuffix(output, "\n"), ce
	}
	fields := []string{"execID", execID, "stderr", stderr.String(), "command", fmt.Sprint(c)}
	if output == "" {
		s.logf("warning", "Plugin command returned zero output", fields...)
	} else {
		s.logf("info", "Plugin command successful", fields...)
	}
	return strings.TrimSuffix(output, "\n"), nil
}
