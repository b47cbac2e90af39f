package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

const (
	planFD   = 3
	statusFD = 4
)

// startSandbox starts vMCP in a private mount namespace with its output
// on log. It returns once vMCP is exec'd, or with the reason it was not.
func startSandbox(sp *sandboxPlan, log *os.File) (*exec.Cmd, error) {
	planR, planW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer statusR.Close()
	cmd := exec.Command("/proc/self/exe", sandboxArg)
	cmd.Env = []string{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.ExtraFiles = []*os.File{planR, statusW} // fds 3 and 4
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	err = cmd.Start()
	planR.Close()
	statusW.Close()
	if err != nil {
		planW.Close()
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	encErr := json.NewEncoder(planW).Encode(sp)
	planW.Close()
	msg, _ := io.ReadAll(statusR)
	if len(msg) > 0 || encErr != nil {
		_ = cmd.Wait()
		if len(msg) == 0 {
			msg = []byte(encErr.Error())
		}
		return nil, errors.New(string(msg))
	}
	return cmd, nil
}

// sandboxMain runs inside the new mount namespace; it returns only on failure.
func sandboxMain() {
	status := os.NewFile(statusFD, "status")
	err := runSandbox()
	fmt.Fprintf(status, "%v", err)
	os.Exit(2)
}

func runSandbox() error {
	// no_new_privs is a thread attribute: set it on the thread that execs.
	runtime.LockOSThread()
	syscall.CloseOnExec(statusFD)
	planFile := os.NewFile(planFD, "plan")
	var sp sandboxPlan
	err := json.NewDecoder(planFile).Decode(&sp)
	planFile.Close()
	if err != nil {
		return fmt.Errorf("reading the plan: %w", err)
	}
	p := sp.Pod
	syscall.Umask(0) // modes below are meant exactly

	rt := sp.RuntimeDir
	if err := syscall.Mount("podrun", rt, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("mounting a tmpfs on %s: %w", rt, err)
	}
	bin := filepath.Join(rt, "bin", "vmcp")
	if err := bindFile(sp.Binary, bin); err != nil {
		return fmt.Errorf("binding the vMCP binary: %w", err)
	}

	var targets []string
	for _, m := range p.Mounts {
		targets = append(targets, m.Path)
	}
	tops, err := overlayTops(targets, rt)
	if err != nil {
		return err
	}
	for i, top := range tops {
		if err := overlayTop(top, filepath.Join(rt, "ovl", strconv.Itoa(i))); err != nil {
			return err
		}
	}
	if err := mountVolumes(p, filepath.Join(rt, "vol"), tops); err != nil {
		return err
	}
	if p.ReadOnlyRoot {
		// Per-mount flags: only this namespace's view turns read-only.
		for _, m := range append([]string{"/"}, tops...) {
			if err := remountReadOnly(m); err != nil {
				return fmt.Errorf("readOnlyRootFilesystem: %w", err)
			}
		}
	}

	groups := make([]int, len(p.Groups))
	for i, g := range p.Groups {
		groups[i] = int(g)
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("setgroups %v: %w", groups, err)
	}
	if err := syscall.Setgid(int(p.GID)); err != nil {
		return fmt.Errorf("setgid %d: %w", p.GID, err)
	}
	if err := syscall.Setuid(int(p.UID)); err != nil {
		return fmt.Errorf("setuid %d: %w", p.UID, err)
	}
	if p.NoNewPrivs {
		const prSetNoNewPrivs = 38
		if _, _, errno := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); errno != 0 {
			return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", errno)
		}
	}
	wd := p.WorkingDir
	if wd == "" {
		wd = "/"
	}
	if err := os.Chdir(wd); err != nil {
		return fmt.Errorf("workingDir as uid %d: %w", p.UID, err)
	}
	syscall.Umask(0o022)
	if err := syscall.Exec(bin, sp.Argv, p.Env); err != nil {
		return fmt.Errorf("exec %s as uid %d gid %d: %w", sp.Binary, p.UID, p.GID, err)
	}
	return nil
}

// bindFile bind-mounts the host file src at dst, creating dst's parents.
func bindFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	f.Close()
	return syscall.Mount(src, dst, "", syscall.MS_BIND, "")
}

// realPath resolves the symlinks of the part of p that exists; the rest is
// appended as written.
func realPath(p string) (string, error) {
	p = filepath.Clean(p)
	rest := ""
	for q := p; ; q = filepath.Dir(q) {
		if r, err := filepath.EvalSymlinks(q); err == nil {
			return filepath.Join(r, rest), nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if q == "/" {
			return "", fmt.Errorf("cannot resolve %s", p)
		}
		rest = filepath.Join(filepath.Base(q), rest)
	}
}

// topDir is the first element of an absolute path: "/etc" for "/etc/a/b".
func topDir(abs string) string {
	el, _, _ := strings.Cut(strings.TrimPrefix(abs, "/"), "/")
	return "/" + el
}

// overlayTops lists the host's top-level directories that must be covered
// so every mount path can be created without touching the host.
func overlayTops(targets []string, runtimeDir string) ([]string, error) {
	var tops []string
	seen := map[string]bool{}
	rtReal, err := realPath(runtimeDir)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		real, err := realPath(t)
		if err != nil {
			return nil, err
		}
		top := topDir(real)
		if seen[top] {
			continue
		}
		seen[top] = true
		switch top {
		case "/", "/proc", "/sys", "/dev":
			return nil, fmt.Errorf("mount path %s: %s is not a directory this harness can cover", t, top)
		}
		fi, err := os.Lstat(top)
		if err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("mount path %s: %s is not a directory on this host, and creating it would touch the host", t, top)
		}
		if rtReal == top || strings.HasPrefix(rtReal, top+"/") {
			return nil, fmt.Errorf("mount path %s: covering %s would hide the harness's runtime directory %s; set TMPDIR elsewhere", t, top, runtimeDir)
		}
		if strings.ContainsAny(top, ",:\\") || strings.ContainsAny(runtimeDir, ",:\\") {
			return nil, fmt.Errorf("%s or %s holds a character overlay options cannot carry", top, runtimeDir)
		}
		tops = append(tops, top)
	}
	sort.Strings(tops)
	return tops, nil
}

// overlayTop covers the host directory top with a writable overlay whose
// upper layer lives on the sandbox's tmpfs. Mounts below top (a
// container runtime's /etc/resolv.conf, say) are moved aside first and
// put back on top, so the covered directory still shows them.
func overlayTop(top, scratch string) error {
	subs, err := submountsOf(top)
	if err != nil {
		return err
	}
	type parked struct{ orig, tmp string }
	var moved []parked
	for i, s := range subs {
		tmp := filepath.Join(scratch, "keep", strconv.Itoa(i))
		if err := makeMountpointLike(s, tmp); err != nil {
			return err
		}
		if err := syscall.Mount(s, tmp, "", syscall.MS_MOVE, ""); err != nil {
			return fmt.Errorf("moving the mount %s aside: %w", s, err)
		}
		moved = append(moved, parked{s, tmp})
	}
	upper, work := filepath.Join(scratch, "upper"), filepath.Join(scratch, "work")
	for _, d := range []string{upper, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// The merged directory takes the upper layer's owner and mode.
	var st syscall.Stat_t
	if err := syscall.Stat(top, &st); err != nil {
		return err
	}
	if err := os.Chown(upper, int(st.Uid), int(st.Gid)); err != nil {
		return err
	}
	if err := syscall.Chmod(upper, st.Mode&0o7777); err != nil {
		return err
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", top, upper, work)
	if err := syscall.Mount("podrun", top, "overlay", 0, opts); err != nil {
		return fmt.Errorf("overlay on %s (%s): %w", top, opts, err)
	}
	for _, m := range moved {
		if err := makeMountpointLike(m.tmp, m.orig); err != nil {
			return err
		}
		if err := syscall.Mount(m.tmp, m.orig, "", syscall.MS_MOVE, ""); err != nil {
			return fmt.Errorf("putting the mount %s back: %w", m.orig, err)
		}
	}
	return nil
}

// submountsOf lists the outermost mount points strictly below dir.
func submountsOf(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var all []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if strings.HasPrefix(mp, dir+"/") {
			all = append(all, mp)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.Strings(all)
	var outer []string
	for _, mp := range all {
		if len(outer) > 0 && (mp == outer[len(outer)-1] || strings.HasPrefix(mp, outer[len(outer)-1]+"/")) {
			continue // moves along with its parent mount
		}
		outer = append(outer, mp)
	}
	return outer, nil
}

// unescapeMountinfo undoes the octal escapes (\040 for a space) of mountinfo.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// makeMountpointLike creates dst as a directory or an empty file, as like is.
func makeMountpointLike(like, dst string) error {
	fi, err := os.Stat(like)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return os.MkdirAll(dst, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// mountVolumes writes every volume on the sandbox's tmpfs, then binds each
// volumeMount in order, as kubelet and the runtime do. Read-only volume
// types and readOnly mounts become read-only mounts.
func mountVolumes(p *pod, volRoot string, tops []string) error {
	dirs := map[string]string{}
	for i, v := range p.Volumes {
		dir := filepath.Join(volRoot, strconv.Itoa(i))
		if err := writeVolume(v, dir); err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
		dirs[v.Name] = dir
	}
	covered := map[string]bool{}
	for _, t := range tops {
		covered[t] = true
	}
	for _, m := range p.Mounts {
		v := p.volumeByName(m.Volume)
		src := filepath.Join(dirs[m.Volume], filepath.FromSlash(m.SubPath))
		_, err := os.Stat(src)
		if errors.Is(err, fs.ErrNotExist) {
			// A subPath that names nothing becomes an empty directory.
			err = os.MkdirAll(src, v.DirMode.Perm())
		}
		if err != nil {
			return fmt.Errorf("volumeMount %s: %w", m.Path, err)
		}
		// Refuse to create anything outside the covered directories.
		real, err := realPath(m.Path)
		if err != nil {
			return err
		}
		if !covered[topDir(real)] {
			return fmt.Errorf("volumeMount %s resolves to %s, outside the covered directories %v", m.Path, real, tops)
		}
		if err := makeMountpointLike(src, m.Path); err != nil {
			return fmt.Errorf("volumeMount %s: creating the mount point: %w", m.Path, err)
		}
		if err := syscall.Mount(src, m.Path, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("volumeMount %s: bind: %w", m.Path, err)
		}
		if m.ReadOnly || !v.Writable {
			if err := remountReadOnly(m.Path); err != nil {
				return fmt.Errorf("volumeMount %s: %w", m.Path, err)
			}
		}
	}
	return nil
}

func remountReadOnly(target string) error {
	flags := uintptr(syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_RDONLY)
	if err := syscall.Mount("", target, "", flags, ""); err != nil {
		return fmt.Errorf("remounting %s read-only: %w", target, err)
	}
	return nil
}

// writeVolume lays out one volume's files under dir with their modes and
// group, the directories with the volume's directory mode.
func writeVolume(v volume, dir string) error {
	mkdir := func(d string) error {
		if err := os.Mkdir(d, 0); err != nil {
			return err
		}
		return own(d, v.DirMode, v.GID)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	if err := mkdir(dir); err != nil {
		return err
	}
	for _, f := range v.Files {
		dst := filepath.Join(dir, filepath.FromSlash(path.Clean(f.Path)))
		// Parent directories inside the volume, outermost first.
		var missing []string
		for d := filepath.Dir(dst); d != dir; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil {
				break
			}
			missing = append([]string{d}, missing...)
		}
		for _, d := range missing {
			if err := mkdir(d); err != nil {
				return err
			}
		}
		if err := os.WriteFile(dst, f.Data, 0); err != nil {
			return err
		}
		if err := own(dst, f.Mode, v.GID); err != nil {
			return err
		}
	}
	return nil
}

func own(p string, mode fs.FileMode, gid int64) error {
	if gid >= 0 {
		if err := os.Lchown(p, 0, int(gid)); err != nil {
			return err
		}
	}
	// After chown, which clears setgid.
	return os.Chmod(p, mode)
}
