package main

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func ptr[T any](v T) *T { return &v }

// objects is the inventory the resolution tests read from.
const objects = `
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: ns}
data:
  token: c2VjcmV0          # "secret"
  pem: LS0tLS1CRUdJTg==    # "-----BEGIN"
stringData:
  plain: text
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ns}
data:
  level: debug
  "bad=key": x
binaryData:
  blob: aGk=               # "hi"
---
apiVersion: v1
kind: Secret
metadata: {name: nulls, namespace: ns}
data:
  raw: AGE=
---
apiVersion: v1
kind: Secret
metadata: {name: elsewhere, namespace: other}
data: {token: eA==}
`

func testInventory(t *testing.T) *inventory {
	t.Helper()
	inv := newInventory()
	require.NoError(t, inv.addStream([]byte(objects)))
	return inv
}

var testMeta = podMeta{name: "web-podrun-0", namespace: "ns", serviceAccount: "runner",
	labels: map[string]string{"app": "web"}, annotations: map[string]string{"team": "platform"}}

func TestResolveEnv(t *testing.T) {
	secretRef := func(name, key string, optional bool) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key, Optional: ptr(optional)}}
	}
	cmRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	field := func(p string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: p}}
	}
	cases := map[string]struct {
		reason  string
		env     []corev1.EnvVar
		envFrom []corev1.EnvFromSource
		want    map[string]string // checked names; "" with absent: unset
		absent  []string
		problem string // substring of the only problem, "" for none
	}{
		"plain value": {reason: "a literal value is passed as written",
			env: []corev1.EnvVar{{Name: "A", Value: "1"}}, want: map[string]string{"A": "1"}},
		"expansion of an earlier variable": {reason: "$(NAME) sees variables defined above it",
			env:  []corev1.EnvVar{{Name: "A", Value: "x"}, {Name: "B", Value: "$(A)-$(KUBERNETES_SERVICE_HOST)-$(LATER)-$$(A)"}, {Name: "LATER", Value: "z"}},
			want: map[string]string{"B": "x-127.0.0.1-$(LATER)-$(A)"}},
		"secretKeyRef": {reason: "the Secret's decoded value, stringData folded in",
			env:  []corev1.EnvVar{{Name: "T", ValueFrom: secretRef("creds", "token", false)}, {Name: "P", ValueFrom: secretRef("creds", "plain", false)}},
			want: map[string]string{"T": "secret", "P": "text"}},
		"missing Secret": {reason: "kubelet refuses the container; the error names the Secret",
			env:     []corev1.EnvVar{{Name: "T", ValueFrom: secretRef("absent", "token", false)}},
			problem: "env T: Secret ns/absent not found"},
		"missing key": {reason: "a Secret without the key is refused too, naming the key",
			env:     []corev1.EnvVar{{Name: "T", ValueFrom: secretRef("creds", "nope", false)}},
			problem: `env T: Secret ns/creds has no key "nope"`},
		"Secret in another namespace": {reason: "a pod only sees its own namespace",
			env:     []corev1.EnvVar{{Name: "T", ValueFrom: secretRef("elsewhere", "token", false)}},
			problem: "Secret ns/elsewhere not found"},
		"optional and missing": {reason: "an optional reference leaves the variable unset",
			env:    []corev1.EnvVar{{Name: "T", ValueFrom: secretRef("absent", "token", true)}, {Name: "U", ValueFrom: secretRef("creds", "nope", true)}},
			absent: []string{"T", "U"}},
		"NUL byte": {reason: "no process environment can carry it",
			env:     []corev1.EnvVar{{Name: "R", ValueFrom: secretRef("nulls", "raw", false)}},
			problem: "NUL byte"},
		"NUL byte through envFrom": {reason: "the same holds for envFrom",
			envFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "nulls"}}}},
			problem: `envFrom[0]: Secret ns/nulls key "raw"`},
		"configMapKeyRef": {reason: "data and binaryData are both readable",
			env:  []corev1.EnvVar{{Name: "L", ValueFrom: cmRef("settings", "level")}, {Name: "B", ValueFrom: cmRef("settings", "blob")}},
			want: map[string]string{"L": "debug", "B": "hi"}},
		"missing ConfigMap": {reason: "same rule as Secrets",
			env:     []corev1.EnvVar{{Name: "L", ValueFrom: cmRef("absent", "level")}},
			problem: "env L: ConfigMap ns/absent not found"},
		"fieldRefs": {reason: "the downward API fields env may use",
			env: []corev1.EnvVar{{Name: "N", ValueFrom: field("metadata.name")}, {Name: "NS", ValueFrom: field("metadata.namespace")},
				{Name: "APP", ValueFrom: field("metadata.labels['app']")}, {Name: "TEAM", ValueFrom: field("metadata.annotations['team']")},
				{Name: "SA", ValueFrom: field("spec.serviceAccountName")}, {Name: "IP", ValueFrom: field("status.podIP")}},
			want: map[string]string{"N": "web-podrun-0", "NS": "ns", "APP": "web", "TEAM": "platform", "SA": "runner", "IP": "127.0.0.1"}},
		"unknown fieldRef": {reason: "a path the API would reject is not guessed at",
			env:     []corev1.EnvVar{{Name: "X", ValueFrom: field("spec.containers")}},
			problem: `fieldRef "spec.containers"`},
		"envFrom with prefix, env overrides": {reason: "envFrom comes first, env wins, keys that cannot be names are skipped",
			envFrom: []corev1.EnvFromSource{{Prefix: "CM_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}},
			env:     []corev1.EnvVar{{Name: "CM_level", Value: "info"}},
			want:    map[string]string{"CM_level": "info", "CM_blob": "hi"},
			absent:  []string{"CM_bad=key"}},
		"envFrom missing Secret": {reason: "refused unless optional",
			envFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}}}},
			problem: "envFrom[0]: Secret ns/absent not found"},
		"container overrides a Service variable": {reason: "the container's own env wins over kubelet's Service variables",
			env:  []corev1.EnvVar{{Name: "KUBERNETES_SERVICE_HOST", Value: "api.local"}},
			want: map[string]string{"KUBERNETES_SERVICE_HOST": "api.local", "KUBERNETES_SERVICE_PORT": "1", "HOSTNAME": "web-podrun-0"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := &corev1.Container{Name: "app", Env: tc.env, EnvFrom: tc.envFrom}
			env, problems := resolveEnv(c, testInventory(t), testMeta, serviceEnv("127.0.0.1", 1))
			if tc.problem != "" {
				require.Len(t, problems, 1, tc.reason)
				assert.Contains(t, problems[0], tc.problem, tc.reason)
				return
			}
			require.Empty(t, problems, tc.reason)
			for k, v := range tc.want {
				got, ok := env.get(k)
				assert.True(t, ok, "%s: %s unset", tc.reason, k)
				assert.Equal(t, v, got, "%s: %s", tc.reason, k)
			}
			for _, k := range tc.absent {
				_, ok := env.get(k)
				assert.False(t, ok, "%s: %s should be unset", tc.reason, k)
			}
		})
	}
}

func TestExpandRefs(t *testing.T) {
	vars := map[string]string{"A": "x", "EMPTY": ""}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	cases := map[string]struct {
		reason, in, want string
	}{
		"no reference":     {"text without $ is untouched", "plain", "plain"},
		"known":            {"a defined name is replaced", "a$(A)b", "axb"},
		"empty value":      {"defined but empty still replaces", "[$(EMPTY)]", "[]"},
		"unknown":          {"an undefined name stays as written", "$(NOPE)", "$(NOPE)"},
		"escaped":          {"$$ is a literal $, so $$(A) is not a reference", "$$(A)", "$(A)"},
		"lone dollar":      {"$ before another character is kept", "$A and $", "$A and $"},
		"unclosed":         {"an unclosed $( is kept as written", "x$(A", "x$(A"},
		"first paren wins": {"the first ) closes: the name is 'A $(A', unknown", "$(A $(A)", "$(A $(A)"},
		"adjacent":         {"references next to each other", "$(A)$(A)", "xx"},
		"empty name":       {"$() names nothing", "$()", "$()"},
		"double then text": {"$$ followed by text", "$$A", "$A"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, expandRefs(tc.in, lookup), tc.reason)
		})
	}
}

func TestResolveVolume(t *testing.T) {
	items := func(kv ...corev1.KeyToPath) []corev1.KeyToPath { return kv }
	secretVol := func(name string, it []corev1.KeyToPath, mode *int32, optional bool) corev1.Volume {
		return corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: name, Items: it, DefaultMode: mode, Optional: ptr(optional)}}}
	}
	cmVol := func(name string, it []corev1.KeyToPath) corev1.Volume {
		return corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Items: it}}}
	}
	cases := map[string]struct {
		reason   string
		vol      corev1.Volume
		fsGroup  int64
		want     []volumeFile // Data compared as strings
		wantGID  int64
		wantDir  fs.FileMode
		writable bool
		problem  string
	}{
		"secret with items and defaultMode 0400, no fsGroup": {reason: "only the listed key, at its path, with defaultMode; root keeps the group",
			vol: secretVol("creds", items(corev1.KeyToPath{Key: "pem", Path: "keys/key-0.pem"}), ptr(int32(0o400)), false), fsGroup: -1,
			want: []volumeFile{{Path: "keys/key-0.pem", Data: []byte("-----BEGIN"), Mode: 0o400}}, wantGID: -1, wantDir: 0o755},
		"secret with fsGroup": {reason: "fsGroup owns the files and adds group read to 0400, as kubelet does",
			vol: secretVol("creds", items(corev1.KeyToPath{Key: "token", Path: "t"}), ptr(int32(0o400)), false), fsGroup: 1000,
			want: []volumeFile{{Path: "t", Data: []byte("secret"), Mode: 0o440}}, wantGID: 1000, wantDir: 0o755 | 0o550 | fs.ModeSetgid},
		"item mode over defaultMode": {reason: "an item's own mode wins",
			vol: secretVol("creds", items(corev1.KeyToPath{Key: "token", Path: "t", Mode: ptr(int32(0o600))}), ptr(int32(0o400)), false), fsGroup: -1,
			want: []volumeFile{{Path: "t", Data: []byte("secret"), Mode: 0o600}}, wantGID: -1, wantDir: 0o755},
		"every key, default mode": {reason: "without items every key is a file, mode 0644",
			vol: secretVol("creds", nil, nil, false), fsGroup: -1,
			want: []volumeFile{{Path: "pem", Data: []byte("-----BEGIN"), Mode: 0o644}, {Path: "plain", Data: []byte("text"), Mode: 0o644},
				{Path: "token", Data: []byte("secret"), Mode: 0o644}}, wantGID: -1, wantDir: 0o755},
		"configMap keys": {reason: "data and binaryData become files",
			vol: cmVol("settings", items(corev1.KeyToPath{Key: "level", Path: "level"}, corev1.KeyToPath{Key: "blob", Path: "b/blob"})), fsGroup: -1,
			want: []volumeFile{{Path: "level", Data: []byte("debug"), Mode: 0o644}, {Path: "b/blob", Data: []byte("hi"), Mode: 0o644}}, wantGID: -1, wantDir: 0o755},
		"missing Secret": {reason: "kubelet cannot mount it; the error names it",
			vol: secretVol("absent", nil, nil, false), fsGroup: -1, problem: "Secret ns/absent not found"},
		"missing key": {reason: "an item naming an absent key fails the mount",
			vol: secretVol("creds", items(corev1.KeyToPath{Key: "hmac", Path: "h"}), nil, false), fsGroup: -1, problem: `Secret ns/creds has no key "hmac"`},
		"optional Secret missing": {reason: "an optional volume is mounted empty",
			vol: secretVol("absent", nil, nil, true), fsGroup: -1, want: nil, wantGID: -1, wantDir: 0o755},
		"item path escaping": {reason: "the API refuses '..' in item paths",
			vol: secretVol("creds", items(corev1.KeyToPath{Key: "token", Path: "../t"}), nil, false), fsGroup: -1, problem: "must not contain '..'"},
		"emptyDir with fsGroup": {reason: "writable: group rw and setgid on the 0777 directory",
			vol: corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}, fsGroup: 7,
			wantGID: 7, wantDir: 0o777 | fs.ModeSetgid, writable: true},
		"unsupported type": {reason: "a hostPath is not faked silently",
			vol:     corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}},
			fsGroup: -1, problem: "not emulated"},
		"projected": {reason: "sources are merged with the projected defaultMode",
			vol: corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{DefaultMode: ptr(int32(0o440)),
				Sources: []corev1.VolumeProjection{
					{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Items: items(corev1.KeyToPath{Key: "token", Path: "token"})}},
					{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Items: items(corev1.KeyToPath{Key: "level", Path: "level"})}},
				}}}}, fsGroup: -1,
			want: []volumeFile{{Path: "token", Data: []byte("secret"), Mode: 0o440}, {Path: "level", Data: []byte("debug"), Mode: 0o440}}, wantGID: -1, wantDir: 0o755},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v, err := resolveVolume(tc.vol, "ns", testInventory(t), tc.fsGroup)
			if tc.problem != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.problem, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, v.Files, tc.reason)
			assert.Equal(t, tc.wantGID, v.GID, tc.reason)
			assert.Equal(t, tc.wantDir, v.DirMode, tc.reason)
			assert.Equal(t, tc.writable, v.Writable, tc.reason)
		})
	}
}

func TestResolveIdentity(t *testing.T) {
	cases := map[string]struct {
		reason      string
		pod         *corev1.PodSecurityContext
		ctr         *corev1.SecurityContext
		uid, gid    int64
		groups      []int64
		noNewPrivs  bool
		roRoot      bool
		problem     string
		noteAboutID bool
	}{
		"pod level": {reason: "the pod's runAsUser/runAsGroup, fsGroup as a supplementary group",
			pod: &corev1.PodSecurityContext{RunAsUser: ptr(int64(1000)), RunAsGroup: ptr(int64(1000)), FSGroup: ptr(int64(2000))},
			uid: 1000, gid: 1000, groups: []int64{2000}},
		"container wins": {reason: "container fields override the pod's",
			pod: &corev1.PodSecurityContext{RunAsUser: ptr(int64(1000)), RunAsGroup: ptr(int64(1000))},
			ctr: &corev1.SecurityContext{RunAsUser: ptr(int64(5)), RunAsGroup: ptr(int64(6)), AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true)},
			uid: 5, gid: 6, noNewPrivs: true, roRoot: true},
		"group defaults to 0": {reason: "a numeric user with no passwd entry gets group 0 from the runtime",
			pod: &corev1.PodSecurityContext{RunAsUser: ptr(int64(1000))}, uid: 1000, gid: 0},
		"supplemental and fsGroup": {reason: "both become supplementary groups, once each",
			pod: &corev1.PodSecurityContext{RunAsUser: ptr(int64(1)), SupplementalGroups: []int64{3, 4, 3}, FSGroup: ptr(int64(4))},
			uid: 1, groups: []int64{3, 4}},
		"escalation allowed by default": {reason: "no_new_privs only when allowPrivilegeEscalation is false",
			pod: &corev1.PodSecurityContext{RunAsUser: ptr(int64(1))}, ctr: &corev1.SecurityContext{}, uid: 1},
		"nonRoot with uid 0": {reason: "kubelet refuses a root container under runAsNonRoot",
			pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(0))}, problem: "runAsUser is 0"},
		"nonRoot without uid": {reason: "the image's user is unknown here, so it cannot be checked",
			pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)}, problem: "no runAsUser", noteAboutID: true},
		"no uid": {reason: "runs as root, with a note that the image user is unknown",
			noteAboutID: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			id, problems, notes := resolveIdentity(tc.pod, tc.ctr)
			if tc.problem != "" {
				require.Len(t, problems, 1, tc.reason)
				assert.Contains(t, problems[0], tc.problem, tc.reason)
			} else {
				assert.Empty(t, problems, tc.reason)
				assert.Equal(t, tc.uid, id.uid, tc.reason)
				assert.Equal(t, tc.gid, id.gid, tc.reason)
				assert.Equal(t, tc.groups, id.groups, tc.reason)
				assert.Equal(t, tc.noNewPrivs, id.noNewPrivs, tc.reason)
				assert.Equal(t, tc.roRoot, id.readOnlyRoot, tc.reason)
			}
			assert.Equal(t, tc.noteAboutID, len(notes) > 0, tc.reason)
		})
	}
}

// deploymentYAML is a small pod in the ToolHive operator's shape.
const deploymentYAML = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: runner
      securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
      containers:
      - name: sidecar
        image: other
      - name: vmcp
        image: vmcp:1
        args: [serve, --config=/etc/cfg/config.yaml, --host=0.0.0.0, --port=4483, --name=$(POD)]
        env:
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}
        readinessProbe: {httpGet: {path: /readyz, port: http}}
        volumeMounts:
        - {name: cfg, mountPath: /etc/cfg}
        - {name: key, mountPath: /etc/keys/key-0.pem, subPath: key-0.pem}
        - {name: scratch, mountPath: /scratch/$(POD), subPathExpr: "$(POD)"}
      volumes:
      - {name: cfg, configMap: {name: settings}}
      - {name: key, secret: {secretName: creds, defaultMode: 256, items: [{key: pem, path: key-0.pem}]}}
      - {name: scratch, emptyDir: {}}
      - {name: unmounted, secret: {secretName: creds}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: ns}
`

func TestResolvePod(t *testing.T) {
	cases := map[string]struct {
		reason   string
		edit     func(string) string
		problems []string // substrings, one per expected problem
		check    func(t *testing.T, p *pod)
	}{
		"the whole pod": {reason: "container by name, args expanded, probe path, token volume added last",
			check: func(t *testing.T, p *pod) {
				assert.Equal(t, "vmcp", p.Container)
				assert.Equal(t, "web-podrun-0", p.Name)
				assert.Equal(t, []string{"serve", "--config=/etc/cfg/config.yaml", "--host=0.0.0.0", "--port=4483", "--name=web-podrun-0"}, p.Args)
				assert.Equal(t, "/readyz", p.ReadinessPath)
				assert.Equal(t, []int64{1000}, p.Groups)
				require.Len(t, p.Mounts, 4)
				assert.Equal(t, mount{Volume: "scratch", Path: "/scratch/$(POD)", SubPath: "web-podrun-0"}, p.Mounts[2],
					"subPathExpr is expanded, mountPath is not")
				assert.Equal(t, serviceAccountDir, p.Mounts[3].Path)
				tok := p.volumeByName(p.Mounts[3].Volume)
				require.NotNil(t, tok)
				assert.Equal(t, int64(1000), tok.GID)
				key := p.volumeByName("key")
				require.NotNil(t, key)
				assert.Equal(t, fs.FileMode(0o440), key.Files[0].Mode, "0400 plus fsGroup's group read")
				assert.Len(t, p.Volumes, 5, "unmounted volumes are set up too")
			}},
		"missing Secret everywhere": {reason: "every reference kubelet would trip over is named, in env and volumes",
			edit: func(s string) string { return strings.ReplaceAll(s, "creds", "gone") },
			problems: []string{"env TOKEN: Secret ns/gone not found", "volume key: Secret ns/gone not found",
				"volume unmounted: Secret ns/gone not found"}},
		"missing ServiceAccount": {reason: "admission refuses a pod whose ServiceAccount does not exist",
			edit: func(s string) string {
				return strings.ReplaceAll(s, "serviceAccountName: runner", "serviceAccountName: ghost")
			},
			problems: []string{"ServiceAccount ns/ghost not found"}},
		"automount off": {reason: "no token volume when the pod opts out",
			edit: func(s string) string {
				return strings.Replace(s, "serviceAccountName: runner", "serviceAccountName: runner\n      automountServiceAccountToken: false", 1)
			},
			check: func(t *testing.T, p *pod) {
				for _, m := range p.Mounts {
					assert.NotEqual(t, serviceAccountDir, m.Path)
				}
			}},
		"mount without volume": {reason: "the API rejects a mount of an undefined volume",
			edit:     func(s string) string { return strings.Replace(s, "{name: cfg, mountPath", "{name: nope, mountPath", 1) },
			problems: []string{`volumeMount nope: the pod has no volume "nope"`}},
		"relative mountPath": {reason: "mount paths are absolute",
			edit:     func(s string) string { return strings.Replace(s, "mountPath: /etc/cfg}", "mountPath: etc/cfg}", 1) },
			problems: []string{`mountPath "etc/cfg" is not absolute`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			src := deploymentYAML
			if tc.edit != nil {
				src = tc.edit(src)
			}
			inv := testInventory(t)
			require.NoError(t, inv.addStream([]byte(src)))
			p, err := resolvePod(inv, resolveOptions{Container: "vmcp", APIHost: "127.0.0.1", APIPort: 1, ServiceAccountCA: []byte("ca")})
			if len(tc.problems) > 0 {
				var se *setupError
				require.ErrorAs(t, err, &se, tc.reason)
				require.Len(t, se.problems, len(tc.problems), "%s: %v", tc.reason, se.problems)
				for i, want := range tc.problems {
					assert.Contains(t, se.problems[i], want, tc.reason)
				}
				return
			}
			require.NoError(t, err, tc.reason)
			tc.check(t, p)
		})
	}
}

func TestFileAt(t *testing.T) {
	p := &pod{
		Volumes: []volume{
			{Name: "cfg", Files: []volumeFile{{Path: "config.yaml", Data: []byte("cfg")}, {Path: "sub/inner", Data: []byte("inner")}}},
			{Name: "key", Files: []volumeFile{{Path: "key-0.pem", Data: []byte("key")}}},
			{Name: "over", Files: []volumeFile{{Path: "config.yaml", Data: []byte("shadow")}}},
		},
		Mounts: []mount{
			{Volume: "cfg", Path: "/etc/cfg"},
			{Volume: "key", Path: "/etc/keys/key-0.pem", SubPath: "key-0.pem"},
			{Volume: "cfg", Path: "/opt/inner", SubPath: "sub"},
			{Volume: "over", Path: "/etc/cfg/nested"},
		},
	}
	cases := map[string]struct {
		reason, path string
		want         string
		found        bool
	}{
		"file in a directory mount": {"a key under the mount path", "/etc/cfg/config.yaml", "cfg", true},
		"subPath file mount":        {"the mount path is the file itself", "/etc/keys/key-0.pem", "key", true},
		"subPath directory":         {"a subPath names a directory inside the volume", "/opt/inner/inner", "inner", true},
		"nested later mount":        {"a later mount covers the earlier one", "/etc/cfg/nested/config.yaml", "shadow", true},
		"absent under a mount":      {"the mount hides whatever the host has there", "/etc/cfg/other", "", false},
		"outside every mount":       {"host files are not the pod's", "/etc/passwd", "", false},
		"unclean path":              {"paths are cleaned first", "/etc//cfg/./config.yaml", "cfg", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := p.fileAt(tc.path)
			assert.Equal(t, tc.found, ok, tc.reason)
			assert.Equal(t, tc.want, string(got), tc.reason)
		})
	}
}

func TestInventory(t *testing.T) {
	cases := map[string]struct {
		reason    string
		stream    string
		secretNS  string
		secret    string
		wantKey   string
		wantValue string
		wantErr   string
	}{
		"v1 List": {reason: "kubectl unpacks Lists; so does the harness",
			stream:   "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: a}, data: {k: dg==}}\n",
			secretNS: "a", secret: "s", wantKey: "k", wantValue: "v"},
		"no namespace": {reason: "an object without namespace is found from any pod namespace",
			stream:   "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n",
			secretNS: "whatever", secret: "s", wantKey: "k", wantValue: "v"},
		"stringData over data": {reason: "the API server lets stringData win",
			stream:   "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\ndata: {k: b2xk}\nstringData: {k: new}\n",
			secretNS: "a", secret: "s", wantKey: "k", wantValue: "new"},
		"JSON and empty documents": {reason: "JSON objects and empty documents are accepted",
			stream:   "---\n# nothing\n---\n{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\",\"namespace\":\"a\"},\"data\":{\"k\":\"dg==\"}}\n",
			secretNS: "a", secret: "s", wantKey: "k", wantValue: "v"},
		"bad base64": {reason: "a Secret whose data is not base64 is an error, with the document number",
			stream:  "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: '***'}\n",
			wantErr: "document 1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inv := newInventory()
			err := inv.addStream([]byte(tc.stream))
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			s, ok := inv.secret(tc.secretNS, tc.secret)
			require.True(t, ok, tc.reason)
			assert.Equal(t, tc.wantValue, string(s.Data[tc.wantKey]), tc.reason)
		})
	}
}

func TestProjectKeysStayInTheVolume(t *testing.T) {
	for _, key := range []string{"..", ".", "../../etc/x", "a/b", ""} {
		_, err := projectKeys("Secret", "ns", "s", map[string][]byte{key: []byte("v")}, true, nil, 0o400, false)
		assert.ErrorContains(t, err, "is not a file name", "key %q would be written outside the volume", key)
	}
	files, err := projectKeys("Secret", "ns", "s", map[string][]byte{"b": nil, "a.pem": nil}, true, nil, 0o400, false)
	require.NoError(t, err)
	require.Len(t, files, 2)
	assert.Equal(t, "a.pem", files[0].Path, "keys are files, in sorted order")
}
