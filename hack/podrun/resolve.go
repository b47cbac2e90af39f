package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Where kubelet mounts the service-account token, and what admission adds
// to every container unless the pod opts out.
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// imagePath stands in for the PATH an image's config sets.
const imagePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// pod is one container of a Deployment's pod, resolved the way kubelet
// would start it: everything the sandbox needs and nothing it must look up.
type pod struct {
	Namespace  string
	Name       string // a stand-in pod name (metadata.name, HOSTNAME)
	Deployment string
	Container  string
	Image      string
	Command    []string // the container's command; empty: the image entrypoint
	Args       []string
	Env        []string // NAME=VALUE
	WorkingDir string

	UID, GID   int64
	Groups     []int64 // supplementary groups: supplementalGroups and fsGroup
	NoNewPrivs bool    // allowPrivilegeEscalation: false

	ReadOnlyRoot bool
	Volumes      []volume
	Mounts       []mount

	ReadinessPath string
	Notes         []string // what the stand-in does differently from a node
}

// volume is the content kubelet would put in a pod volume.
type volume struct {
	Name     string
	Writable bool // emptyDir; secret, configMap and projected volumes are read-only
	DirMode  fs.FileMode
	GID      int64 // group owner of everything inside; -1 keeps root's
	Files    []volumeFile
}

type volumeFile struct {
	Path string // relative to the volume, slash separated
	Data []byte
	Mode fs.FileMode
}

// mount is one volumeMount of the container (plus the token mount that
// admission adds).
type mount struct {
	Volume   string
	Path     string
	SubPath  string
	ReadOnly bool
}

// resolveOptions are the facts of the node the pod runs on.
type resolveOptions struct {
	Deployment string
	Container  string // preferred container name; the first container otherwise
	APIHost    string // the in-cluster API address shown to the pod
	APIPort    int
	// ServiceAccountCA is ca.crt of the token volume.
	ServiceAccountCA []byte
}

// setupError lists why kubelet (or the API server) would not start the
// pod; the harness exits 2 on it.
type setupError struct{ problems []string }

func (e *setupError) Error() string {
	return "the pod cannot start:\n  " + strings.Join(e.problems, "\n  ")
}

// resolvePod turns a Deployment from inv into the pod kubelet would run.
func resolvePod(inv *inventory, opt resolveOptions) (*pod, error) {
	d, err := inv.deployment(opt.Deployment)
	if err != nil {
		return nil, err
	}
	spec := &d.Spec.Template.Spec
	if len(spec.Containers) == 0 {
		return nil, fmt.Errorf("the Deployment %s has no containers", d.Name)
	}
	c := &spec.Containers[0]
	for i := range spec.Containers {
		if spec.Containers[i].Name == opt.Container {
			c = &spec.Containers[i]
		}
	}
	ns := d.Namespace
	if ns == "" {
		ns = "default"
	}
	p := &pod{
		Namespace:  ns,
		Name:       d.Name + "-podrun-0",
		Deployment: d.Name,
		Container:  c.Name,
		Image:      c.Image,
		WorkingDir: c.WorkingDir,
	}
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	meta := podMeta{name: p.Name, namespace: ns, serviceAccount: spec.ServiceAccountName,
		labels: map[string]string{"pod-template-hash": "podrun"}, annotations: map[string]string{}}
	for k, v := range d.Spec.Template.Labels {
		meta.labels[k] = v
	}
	for k, v := range d.Spec.Template.Annotations {
		meta.annotations[k] = v
	}
	env, envProblems := resolveEnv(c, inv, meta, serviceEnv(opt.APIHost, opt.APIPort))
	problems = append(problems, envProblems...)
	p.Env = env.list()
	lookup := env.get
	for _, s := range c.Command {
		p.Command = append(p.Command, expandRefs(s, lookup))
	}
	for _, s := range c.Args {
		p.Args = append(p.Args, expandRefs(s, lookup))
	}

	id, idProblems, idNotes := resolveIdentity(spec.SecurityContext, c.SecurityContext)
	problems = append(problems, idProblems...)
	p.Notes = append(p.Notes, idNotes...)
	p.UID, p.GID, p.Groups, p.NoNewPrivs, p.ReadOnlyRoot = id.uid, id.gid, id.groups, id.noNewPrivs, id.readOnlyRoot

	// Every pod volume is set up, mounted or not: a missing Secret blocks
	// the pod even when no container mounts it.
	known := map[string]bool{}
	for _, v := range spec.Volumes {
		if known[v.Name] {
			add("volume %s: defined twice", v.Name)
			continue
		}
		known[v.Name] = true
		vol, err := resolveVolume(v, ns, inv, id.fsGroup)
		if err != nil {
			add("volume %s: %v", v.Name, err)
			continue
		}
		p.Volumes = append(p.Volumes, vol)
	}
	seenPath := map[string]bool{}
	for _, vm := range c.VolumeMounts {
		m, err := resolveMount(vm, known, lookup)
		if err != nil {
			add("volumeMount %s: %v", vm.Name, err)
			continue
		}
		if seenPath[m.Path] {
			add("volumeMount %s: mountPath %s is used twice", vm.Name, m.Path)
			continue
		}
		seenPath[m.Path] = true
		p.Mounts = append(p.Mounts, m)
	}

	if automountToken(spec, inv, ns, add) && !seenPath[serviceAccountDir] {
		tok := tokenVolume(ns, spec.ServiceAccountName, opt.ServiceAccountCA, id.fsGroup)
		p.Volumes = append(p.Volumes, tok)
		p.Mounts = append(p.Mounts, mount{Volume: tok.Name, Path: serviceAccountDir, ReadOnly: true})
	}

	p.ReadinessPath = probePath(c.ReadinessProbe)
	if p.ReadinessPath == "" {
		p.ReadinessPath = probePath(c.LivenessProbe)
	}
	if p.ReadinessPath == "" {
		p.ReadinessPath = "/health"
		p.Notes = append(p.Notes, "the container has no HTTP probe; readiness is GET /health")
	}
	if len(problems) > 0 {
		return nil, &setupError{problems}
	}
	return p, nil
}

func probePath(pr *corev1.Probe) string {
	if pr == nil || pr.HTTPGet == nil {
		return ""
	}
	if pr.HTTPGet.Path == "" {
		return "/"
	}
	return pr.HTTPGet.Path
}

// serviceEnv is what kubelet adds for the API server's Service.
func serviceEnv(host string, port int) *orderedEnv {
	e := newOrderedEnv()
	addr := fmt.Sprintf("%s:%d", host, port)
	e.set("KUBERNETES_SERVICE_HOST", host)
	e.set("KUBERNETES_SERVICE_PORT", fmt.Sprint(port))
	e.set("KUBERNETES_SERVICE_PORT_HTTPS", fmt.Sprint(port))
	e.set("KUBERNETES_PORT", "tcp://"+addr)
	return e
}

// podMeta is what fieldRef can read.
type podMeta struct {
	name, namespace, serviceAccount string
	labels, annotations             map[string]string
}

// fieldRefValue answers the downward-API field paths valid in env.
func fieldRefValue(fieldPath string, m podMeta) (string, error) {
	if k, ok := bracketKey(fieldPath, "metadata.labels"); ok {
		return m.labels[k], nil
	}
	if k, ok := bracketKey(fieldPath, "metadata.annotations"); ok {
		return m.annotations[k], nil
	}
	switch fieldPath {
	case "metadata.name":
		return m.name, nil
	case "metadata.namespace":
		return m.namespace, nil
	case "metadata.uid":
		return "00000000-0000-4000-8000-000000000000", nil
	case "spec.nodeName":
		return "localhost", nil
	case "spec.serviceAccountName":
		if m.serviceAccount == "" {
			return "default", nil
		}
		return m.serviceAccount, nil
	case "status.podIP", "status.podIPs", "status.hostIP", "status.hostIPs":
		// The pod shares the host's network here.
		return "127.0.0.1", nil
	}
	return "", fmt.Errorf("fieldRef %q is not a field the downward API offers to env", fieldPath)
}

// bracketKey reads KEY from PREFIX['KEY'].
func bracketKey(s, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(s, prefix+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

// resolveEnv builds the container's environment in kubelet's order: image
// defaults, then envFrom and env (each later entry overriding and able to
// refer to earlier ones with $(NAME)), with the Service variables filled in
// where the container does not set them.
func resolveEnv(c *corev1.Container, inv *inventory, m podMeta, svc *orderedEnv) (*orderedEnv, []string) {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	own := newOrderedEnv()

	for i, ef := range c.EnvFrom {
		var data map[string][]byte
		var from string
		switch {
		case ef.SecretRef != nil:
			s, ok := inv.secret(m.namespace, ef.SecretRef.Name)
			if !ok {
				if !isTrue(ef.SecretRef.Optional) {
					add("envFrom[%d]: Secret %s/%s not found", i, m.namespace, ef.SecretRef.Name)
				}
				continue
			}
			data, from = s.Data, "Secret "+m.namespace+"/"+ef.SecretRef.Name
		case ef.ConfigMapRef != nil:
			cm, ok := inv.configMap(m.namespace, ef.ConfigMapRef.Name)
			if !ok {
				if !isTrue(ef.ConfigMapRef.Optional) {
					add("envFrom[%d]: ConfigMap %s/%s not found", i, m.namespace, ef.ConfigMapRef.Name)
				}
				continue
			}
			data, from = configMapData(cm), "ConfigMap "+m.namespace+"/"+ef.ConfigMapRef.Name
		default:
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(data)) {
			// A key that cannot be a variable name is skipped, as kubelet does.
			if k == "" || strings.Contains(k, "=") {
				continue
			}
			if bytes.IndexByte(data[k], 0) >= 0 {
				add("envFrom[%d]: %s key %q holds a NUL byte, which no process environment can carry", i, from, k)
				continue
			}
			own.set(ef.Prefix+k, string(data[k]))
		}
	}

	lookup := func(name string) (string, bool) {
		if v, ok := own.get(name); ok {
			return v, true
		}
		return svc.get(name)
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			own.set(e.Name, expandRefs(e.Value, lookup))
			continue
		}
		v, err := envSource(e.ValueFrom, inv, m)
		if err != nil {
			add("env %s: %v", e.Name, err)
			continue
		}
		if v == nil {
			continue // an optional source that is absent
		}
		if bytes.IndexByte(v, 0) >= 0 {
			add("env %s: the value holds a NUL byte, which no process environment can carry", e.Name)
			continue
		}
		own.set(e.Name, string(v))
	}

	out := newOrderedEnv()
	out.set("PATH", imagePath)
	out.set("HOSTNAME", m.name)
	for _, n := range svc.names {
		out.set(n, svc.values[n])
	}
	for _, n := range own.names {
		out.set(n, own.values[n])
	}
	return out, problems
}

// envSource reads one valueFrom. A nil value with no error means an
// optional reference whose object or key is absent: the variable is unset.
func envSource(src *corev1.EnvVarSource, inv *inventory, m podMeta) ([]byte, error) {
	switch {
	case src.SecretKeyRef != nil:
		r := src.SecretKeyRef
		s, ok := inv.secret(m.namespace, r.Name)
		if !ok {
			return optionalMiss(r.Optional, "Secret %s/%s not found", m.namespace, r.Name)
		}
		v, ok := s.Data[r.Key]
		if !ok {
			return optionalMiss(r.Optional, "Secret %s/%s has no key %q", m.namespace, r.Name, r.Key)
		}
		return v, nil
	case src.ConfigMapKeyRef != nil:
		r := src.ConfigMapKeyRef
		cm, ok := inv.configMap(m.namespace, r.Name)
		if !ok {
			return optionalMiss(r.Optional, "ConfigMap %s/%s not found", m.namespace, r.Name)
		}
		v, ok := configMapData(cm)[r.Key]
		if !ok {
			return optionalMiss(r.Optional, "ConfigMap %s/%s has no key %q", m.namespace, r.Name, r.Key)
		}
		return v, nil
	case src.FieldRef != nil:
		v, err := fieldRefValue(src.FieldRef.FieldPath, m)
		return []byte(v), err
	case src.ResourceFieldRef != nil:
		return nil, fmt.Errorf("resourceFieldRef %s is not supported by this harness", src.ResourceFieldRef.Resource)
	}
	return nil, fmt.Errorf("valueFrom names no source")
}

func optionalMiss(optional *bool, format string, a ...any) ([]byte, error) {
	if isTrue(optional) {
		return nil, nil
	}
	return nil, fmt.Errorf(format, a...)
}

func isTrue(b *bool) bool { return b != nil && *b }

// identity is who the container process runs as.
type identity struct {
	uid, gid     int64
	groups       []int64
	fsGroup      int64 // -1: none
	noNewPrivs   bool
	readOnlyRoot bool
}

// resolveIdentity merges the pod's and the container's securityContext
// (the container's fields win).
func resolveIdentity(psc *corev1.PodSecurityContext, csc *corev1.SecurityContext) (identity, []string, []string) {
	id := identity{fsGroup: -1}
	var uid, gid *int64
	var nonRoot *bool
	if psc != nil {
		uid, gid, nonRoot = psc.RunAsUser, psc.RunAsGroup, psc.RunAsNonRoot
		if psc.FSGroup != nil {
			id.fsGroup = *psc.FSGroup
		}
		id.groups = append(id.groups, psc.SupplementalGroups...)
	}
	if csc != nil {
		if csc.RunAsUser != nil {
			uid = csc.RunAsUser
		}
		if csc.RunAsGroup != nil {
			gid = csc.RunAsGroup
		}
		if csc.RunAsNonRoot != nil {
			nonRoot = csc.RunAsNonRoot
		}
		id.noNewPrivs = csc.AllowPrivilegeEscalation != nil && !*csc.AllowPrivilegeEscalation
		id.readOnlyRoot = isTrue(csc.ReadOnlyRootFilesystem)
	}
	var problems, notes []string
	if uid != nil {
		id.uid = *uid
	} else {
		// The image's USER is unknown without the image.
		notes = append(notes, "no runAsUser: the image's user is unknown, the container runs as root")
	}
	if isTrue(nonRoot) && id.uid == 0 {
		if uid != nil {
			problems = append(problems, "runAsNonRoot is set but runAsUser is 0")
		} else {
			problems = append(problems, "runAsNonRoot is set but no runAsUser: set one, the image's user cannot be checked here")
		}
	}
	// A numeric user with no passwd entry gets group 0 from the runtime.
	if gid != nil {
		id.gid = *gid
	}
	if id.fsGroup >= 0 {
		id.groups = append(id.groups, id.fsGroup)
	}
	id.groups = uniqueIDs(id.groups)
	return id, problems, notes
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, v := range ids {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// automountToken reports whether admission adds the token volume: the
// pod's field, else the ServiceAccount's, else yes. A named
// ServiceAccount that does not exist keeps the pod from being created.
func automountToken(spec *corev1.PodSpec, inv *inventory, ns string, add func(string, ...any)) bool {
	name := spec.ServiceAccountName
	if name == "" {
		name = "default"
	}
	sa, found := inv.serviceAccount(ns, name)
	if !found && name != "default" {
		add("ServiceAccount %s/%s not found (the API server would not create the pod)", ns, name)
	}
	if spec.AutomountServiceAccountToken != nil {
		return *spec.AutomountServiceAccountToken
	}
	if found && sa.AutomountServiceAccountToken != nil {
		return *sa.AutomountServiceAccountToken
	}
	return true
}

// tokenVolume stands in for kube-api-access-*: a token nobody can verify,
// the given CA and the namespace.
func tokenVolume(ns, sa string, ca []byte, fsGroup int64) volume {
	if sa == "" {
		sa = "default"
	}
	v := volume{Name: "kube-api-access-podrun", DirMode: 0o755, GID: -1, Files: []volumeFile{
		{Path: "ca.crt", Data: ca, Mode: 0o644},
		{Path: "namespace", Data: []byte(ns), Mode: 0o644},
		{Path: "token", Data: []byte("podrun-token-" + ns + "-" + sa), Mode: 0o644},
	}}
	applyFSGroup(&v, fsGroup)
	return v
}

// resolveVolume returns a volume's content. Only the types a ToolHive pod
// uses are emulated; any other type is an error rather than a silent gap.
func resolveVolume(v corev1.Volume, ns string, inv *inventory, fsGroup int64) (volume, error) {
	out := volume{Name: v.Name, DirMode: 0o755, GID: -1}
	var err error
	switch {
	case v.Secret != nil:
		s := v.Secret
		var data map[string][]byte
		found := false
		if sec, ok := inv.secret(ns, s.SecretName); ok {
			data, found = sec.Data, true
		}
		out.Files, err = projectKeys("Secret", ns, s.SecretName, data, found, s.Items, modeOr(s.DefaultMode), isTrue(s.Optional))
	case v.ConfigMap != nil:
		c := v.ConfigMap
		var data map[string][]byte
		found := false
		if cm, ok := inv.configMap(ns, c.Name); ok {
			data, found = configMapData(cm), true
		}
		out.Files, err = projectKeys("ConfigMap", ns, c.Name, data, found, c.Items, modeOr(c.DefaultMode), isTrue(c.Optional))
	case v.Projected != nil:
		out.Files, err = projectSources(v.Projected, ns, inv)
	case v.EmptyDir != nil:
		out.Writable, out.DirMode = true, 0o777
	default:
		return out, fmt.Errorf("this volume type is not emulated (secret, configMap, projected and emptyDir are)")
	}
	if err != nil {
		return out, err
	}
	applyFSGroup(&out, fsGroup)
	return out, nil
}

func projectSources(p *corev1.ProjectedVolumeSource, ns string, inv *inventory) ([]volumeFile, error) {
	mode := modeOr(p.DefaultMode)
	var files []volumeFile
	for i, src := range p.Sources {
		var got []volumeFile
		var err error
		switch {
		case src.Secret != nil:
			s := src.Secret
			var data map[string][]byte
			found := false
			if sec, ok := inv.secret(ns, s.Name); ok {
				data, found = sec.Data, true
			}
			got, err = projectKeys("Secret", ns, s.Name, data, found, s.Items, mode, isTrue(s.Optional))
		case src.ConfigMap != nil:
			c := src.ConfigMap
			var data map[string][]byte
			found := false
			if cm, ok := inv.configMap(ns, c.Name); ok {
				data, found = configMapData(cm), true
			}
			got, err = projectKeys("ConfigMap", ns, c.Name, data, found, c.Items, mode, isTrue(c.Optional))
		default:
			err = fmt.Errorf("projected source %d: only secret and configMap sources are emulated", i)
		}
		if err != nil {
			return nil, err
		}
		files = append(files, got...)
	}
	return files, nil
}

// modeOr is a volume's defaultMode, 0644 when unset.
func modeOr(m *int32) fs.FileMode {
	if m == nil {
		return 0o644
	}
	return fs.FileMode(*m) & fs.ModePerm
}

// projectKeys lays out a Secret's or ConfigMap's keys as files: every key
// under its own name, or only the listed items at their paths with their
// modes. A missing object or item key fails the mount unless optional.
func projectKeys(kind, ns, name string, data map[string][]byte, found bool, items []corev1.KeyToPath, mode fs.FileMode, optional bool) ([]volumeFile, error) {
	if !found {
		if optional {
			return nil, nil
		}
		return nil, fmt.Errorf("%s %s/%s not found", kind, ns, name)
	}
	var files []volumeFile
	if len(items) == 0 {
		for _, k := range slices.Sorted(maps.Keys(data)) {
			// Each key becomes a file name: one that would leave the volume
			// (the API server refuses such keys) is not written.
			if k == "" || k == "." || k == ".." || strings.ContainsRune(k, '/') {
				return nil, fmt.Errorf("%s %s/%s: key %q is not a file name", kind, ns, name, k)
			}
			files = append(files, volumeFile{Path: k, Data: data[k], Mode: mode})
		}
		return files, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional {
				continue
			}
			return nil, fmt.Errorf("%s %s/%s has no key %q", kind, ns, name, it.Key)
		}
		if err := checkRelPath(it.Path); err != nil {
			return nil, fmt.Errorf("item %s: path %w", it.Key, err)
		}
		m := mode
		if it.Mode != nil {
			m = fs.FileMode(*it.Mode) & fs.ModePerm
		}
		files = append(files, volumeFile{Path: it.Path, Data: v, Mode: m})
	}
	return files, nil
}

// checkRelPath enforces the API's rule for item paths and subPaths:
// relative, and no ".." element.
func checkRelPath(p string) error {
	if p == "" {
		return fmt.Errorf("is empty")
	}
	if strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q must be relative", p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return fmt.Errorf("%q must not contain '..'", p)
		}
	}
	return nil
}

// applyFSGroup does what kubelet's volume ownership step does with an
// fsGroup: the group owns everything, files gain group read (and write
// on writable volumes), directories gain group search and setgid.
func applyFSGroup(v *volume, fsGroup int64) {
	if fsGroup < 0 {
		return
	}
	mask := fs.FileMode(0o440)
	if v.Writable {
		mask = 0o660
	}
	v.GID = fsGroup
	v.DirMode |= mask | 0o110 | fs.ModeSetgid
	for i := range v.Files {
		v.Files[i].Mode |= mask
	}
}

// resolveMount checks a volumeMount and expands its subPathExpr.
func resolveMount(vm corev1.VolumeMount, volumes map[string]bool, lookup func(string) (string, bool)) (mount, error) {
	m := mount{Volume: vm.Name, Path: vm.MountPath, SubPath: vm.SubPath, ReadOnly: vm.ReadOnly}
	if !volumes[vm.Name] {
		return m, fmt.Errorf("the pod has no volume %q", vm.Name)
	}
	if !path.IsAbs(vm.MountPath) {
		return m, fmt.Errorf("mountPath %q is not absolute", vm.MountPath)
	}
	m.Path = path.Clean(vm.MountPath)
	if vm.SubPathExpr != "" {
		if vm.SubPath != "" {
			return m, fmt.Errorf("subPath and subPathExpr are mutually exclusive")
		}
		m.SubPath = expandRefs(vm.SubPathExpr, lookup)
	}
	if m.SubPath != "" {
		if err := checkRelPath(m.SubPath); err != nil {
			return m, fmt.Errorf("subPath %w", err)
		}
		m.SubPath = path.Clean(m.SubPath)
	}
	return m, nil
}

// volumeByName finds a resolved volume.
func (p *pod) volumeByName(name string) *volume {
	for i := range p.Volumes {
		if p.Volumes[i].Name == name {
			return &p.Volumes[i]
		}
	}
	return nil
}

// fileAt is the content the container sees at an absolute path, looking
// through the mounts (a later mount covers an earlier one).
func (p *pod) fileAt(abs string) ([]byte, bool) {
	abs = path.Clean(abs)
	for i := len(p.Mounts) - 1; i >= 0; i-- {
		m := p.Mounts[i]
		var rel string
		switch {
		case abs == m.Path:
		case strings.HasPrefix(abs, m.Path+"/"):
			rel = abs[len(m.Path)+1:]
		default:
			continue
		}
		v := p.volumeByName(m.Volume)
		if v == nil {
			return nil, false
		}
		want := path.Join(m.SubPath, rel)
		for _, f := range v.Files {
			if path.Clean(f.Path) == want {
				return f.Data, true
			}
		}
		return nil, false
	}
	return nil, false
}
