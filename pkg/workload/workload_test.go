package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func minimalParams() Params {
	return Params{
		Name:           "demo",
		Namespace:      "apps",
		Image:          "example.invalid/vmcp:test",
		Env:            baseEnv("demo", "apps"),
		ConfigData:     map[string]string{"config.yaml": "name: demo\n"},
		OutgoingSource: "discovered",
	}
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func envNames(env []corev1.EnvVar) []string {
	out := make([]string, len(env))
	for i, e := range env {
		out[i] = e.Name
	}
	return out
}

func vmcpContainer(t *testing.T, objs *Objects) corev1.Container {
	t.Helper()
	for _, c := range objs.Deployment.Spec.Template.Spec.Containers {
		if c.Name == "vmcp" {
			return c
		}
	}
	t.Fatal("no vmcp container")
	return corev1.Container{}
}

func TestImagePullSecrets(t *testing.T) {
	cases := map[string]struct {
		reason      string
		spec, defs  []string
		want        []string
		wantHash    string
		wantNoAnnot bool
	}{
		"single": {
			reason:   "The hash of [regcred] is the documented vector.",
			spec:     []string{"regcred"},
			want:     []string{"regcred"},
			wantHash: "f33e6761e4232e70764e8b2eefcd5347714f294303dc69e250338730bc333d21",
		},
		"merge and dedupe": {
			reason:   "Spec names first in order, then defaults; repeats and empty names dropped, first occurrence wins.",
			spec:     []string{"b", "a", "b"},
			defs:     []string{"a", "", "c"},
			want:     []string{"b", "a", "c"},
			wantHash: hexSHA(`[{"name":"a"},{"name":"b"},{"name":"c"}]`),
		},
		"empty spec name kept": {
			reason:   "The operator only de-duplicates spec names, so an empty one stays as {} on the pod and in the hash; only defaults drop empties.",
			spec:     []string{"", "regcred", ""},
			want:     []string{"", "regcred"},
			wantHash: hexSHA(`[{},{"name":"regcred"}]`),
		},
		"defaults only": {
			reason:   "Operator defaults apply without any spec names.",
			defs:     []string{"regcred"},
			want:     []string{"regcred"},
			wantHash: "f33e6761e4232e70764e8b2eefcd5347714f294303dc69e250338730bc333d21",
		},
		"none": {
			reason:      "No pull secrets: no annotation, nothing on pod or ServiceAccount.",
			wantNoAnnot: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			p.ImagePullSecrets, p.DefaultImagePullSecrets = tc.spec, tc.defs
			objs, err := Build(p)
			require.NoError(t, err)

			var want []corev1.LocalObjectReference
			for _, n := range tc.want {
				want = append(want, corev1.LocalObjectReference{Name: n})
			}
			assert.Equal(t, want, objs.Deployment.Spec.Template.Spec.ImagePullSecrets, tc.reason)
			assert.Equal(t, want, objs.ServiceAccount.ImagePullSecrets, tc.reason)

			got, ok := objs.Deployment.Annotations[ImagePullSecretsHashAnnotation]
			if tc.wantNoAnnot {
				assert.False(t, ok, tc.reason)
				return
			}
			assert.Equal(t, tc.wantHash, got, tc.reason)
		})
	}
}

func TestServiceAccountAndPlatform(t *testing.T) {
	cases := map[string]struct {
		reason   string
		mutate   func(*Params)
		wantSA   string
		wantRBAC bool
		wantIDs  bool
	}{
		"defaults": {
			reason:   "Operator-managed ServiceAccount, RBAC and fixed ids on Kubernetes.",
			mutate:   func(*Params) {},
			wantSA:   "demo-vmcp",
			wantRBAC: true,
			wantIDs:  true,
		},
		"custom service account": {
			reason:   "spec.serviceAccount skips SA/Role/RoleBinding and the pod runs as that account.",
			mutate:   func(p *Params) { sa := "custom"; p.ServiceAccount = &sa },
			wantSA:   "custom",
			wantRBAC: false,
			wantIDs:  true,
		},
		"empty service account": {
			reason:   "spec.serviceAccount: \"\" is set all the same: the operator tests the pointer, so no RBAC and no serviceAccountName.",
			mutate:   func(p *Params) { sa := ""; p.ServiceAccount = &sa },
			wantSA:   "",
			wantRBAC: false,
			wantIDs:  true,
		},
		"openshift": {
			reason:   "On OpenShift the SCC assigns runAsUser/runAsGroup/fsGroup, so they are omitted.",
			mutate:   func(p *Params) { p.OpenShift = true },
			wantSA:   "demo-vmcp",
			wantRBAC: true,
			wantIDs:  false,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			tc.mutate(&p)
			objs, err := Build(p)
			require.NoError(t, err)

			assert.Equal(t, tc.wantSA, objs.Deployment.Spec.Template.Spec.ServiceAccountName, tc.reason)
			assert.Equal(t, tc.wantRBAC, objs.ServiceAccount != nil, tc.reason)
			assert.Equal(t, tc.wantRBAC, objs.Role != nil, tc.reason)
			assert.Equal(t, tc.wantRBAC, objs.RoleBinding != nil, tc.reason)
			if tc.wantRBAC {
				assert.Len(t, objs.All(), 6, tc.reason)
				assert.Equal(t, "demo-vmcp", objs.RoleBinding.Subjects[0].Name, tc.reason)
				assert.Equal(t, "apps", objs.RoleBinding.Subjects[0].Namespace, tc.reason)
			} else {
				assert.Len(t, objs.All(), 3, tc.reason)
			}

			podSC := objs.Deployment.Spec.Template.Spec.SecurityContext
			cSC := vmcpContainer(t, objs).SecurityContext
			assert.Equal(t, tc.wantIDs, podSC.RunAsUser != nil, tc.reason)
			assert.Equal(t, tc.wantIDs, podSC.RunAsGroup != nil, tc.reason)
			assert.Equal(t, tc.wantIDs, podSC.FSGroup != nil, tc.reason)
			assert.Equal(t, tc.wantIDs, cSC.RunAsUser != nil, tc.reason)
			assert.Equal(t, tc.wantIDs, cSC.RunAsGroup != nil, tc.reason)
			// The hardening that does not depend on the platform stays.
			assert.True(t, *podSC.RunAsNonRoot, tc.reason)
			assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, podSC.SeccompProfile.Type, tc.reason)
			assert.False(t, *cSC.AllowPrivilegeEscalation, tc.reason)
			assert.True(t, *cSC.ReadOnlyRootFilesystem, tc.reason)
			assert.Equal(t, []corev1.Capability{"ALL"}, cSC.Capabilities.Drop, tc.reason)
		})
	}
}

func TestRequiredEnv(t *testing.T) {
	defaults := []string{"XDG_CONFIG_HOME", "HOME", "TOOLHIVE_RUNTIME", "UNSTRUCTURED_LOGS"}
	cases := map[string]struct {
		reason string
		extra  []corev1.EnvVar
		want   []string
		check  func(t *testing.T, env []corev1.EnvVar)
	}{
		"plain": {
			reason: "Defaults are appended in the operator's order after the caller's env vars.",
			want:   append([]string{"VMCP_NAME", "VMCP_NAMESPACE", "VMCP_SESSION_HMAC_SECRET"}, defaults...),
		},
		"already present": {
			reason: "A default already present by name is neither duplicated nor overwritten.",
			extra:  []corev1.EnvVar{literalEnv("HOME", "/custom")},
			want: []string{"VMCP_NAME", "VMCP_NAMESPACE", "VMCP_SESSION_HMAC_SECRET", "HOME",
				"XDG_CONFIG_HOME", "TOOLHIVE_RUNTIME", "UNSTRUCTURED_LOGS"},
			check: func(t *testing.T, env []corev1.EnvVar) {
				assert.Equal(t, "/custom", env[3].Value)
			},
		},
		"secret headers": {
			reason: "A TOOLHIVE_SECRET_* variable switches the secrets provider to environment, appended last.",
			extra:  []corev1.EnvVar{secretEnv("TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_ENTRY", "hdr", "key")},
			want: append(append([]string{"VMCP_NAME", "VMCP_NAMESPACE", "VMCP_SESSION_HMAC_SECRET",
				"TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_ENTRY"}, defaults...), "TOOLHIVE_SECRETS_PROVIDER"),
			check: func(t *testing.T, env []corev1.EnvVar) {
				assert.Equal(t, "environment", env[len(env)-1].Value)
			},
		},
		"lookalike prefix": {
			reason: "Names that merely resemble the prefix (no underscore after SECRET) do not switch the provider.",
			extra:  []corev1.EnvVar{literalEnv("TOOLHIVE_SECRETSTORE", "x")},
			want: append([]string{"VMCP_NAME", "VMCP_NAMESPACE", "VMCP_SESSION_HMAC_SECRET",
				"TOOLHIVE_SECRETSTORE"}, defaults...),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			p.Env = append(p.Env, tc.extra...)
			callerEnv := append([]corev1.EnvVar(nil), p.Env...)
			objs, err := Build(p)
			require.NoError(t, err)
			env := vmcpContainer(t, objs).Env
			assert.Equal(t, tc.want, envNames(env), tc.reason)
			assert.Equal(t, callerEnv, p.Env, "%s: caller's env must not change", tc.reason)
			if tc.check != nil {
				tc.check(t, env)
			}
		})
	}
}

func TestDeploymentFields(t *testing.T) {
	cases := map[string]struct {
		reason string
		mutate func(*Params)
		check  func(t *testing.T, objs *Objects)
	}{
		"replicas unset": {
			reason: "Unset replicas stay absent so an HPA can own the field.",
			mutate: func(*Params) {},
			check: func(t *testing.T, objs *Objects) {
				assert.Nil(t, objs.Deployment.Spec.Replicas)
			},
		},
		"replicas zero": {
			reason: "Zero replicas is a value, not absence.",
			mutate: func(p *Params) { p.Replicas = ptrTo(int32(0)) },
			check: func(t *testing.T, objs *Objects) {
				require.NotNil(t, objs.Deployment.Spec.Replicas)
				assert.Equal(t, int32(0), *objs.Deployment.Spec.Replicas)
			},
		},
		"debug": {
			reason: "logLevel debug appends --debug after the fixed args.",
			mutate: func(p *Params) { p.Debug = true },
			check: func(t *testing.T, objs *Objects) {
				args := vmcpContainer(t, objs).Args
				assert.Equal(t, "--debug", args[len(args)-1])
				assert.Len(t, args, 5)
			},
		},
		"ca checksum": {
			reason: "The auth-server CA checksum becomes a pod-template annotation next to the runconfig checksum.",
			mutate: func(p *Params) { p.AuthServerCAChecksum = "abc123" },
			check: func(t *testing.T, objs *Objects) {
				ann := objs.Deployment.Spec.Template.Annotations
				assert.Equal(t, "abc123", ann[AuthServerCAChecksumAnnotation])
				assert.Equal(t, objs.ConfigMap.Annotations[ContentChecksumAnnotation], ann[RunConfigChecksumAnnotation])
			},
		},
		"no ca checksum": {
			reason: "Without CA bundles there is no authserver-ca-checksum annotation.",
			mutate: func(*Params) {},
			check: func(t *testing.T, objs *Objects) {
				_, ok := objs.Deployment.Spec.Template.Annotations[AuthServerCAChecksumAnnotation]
				assert.False(t, ok)
				_, ok = objs.Deployment.Annotations[PodTemplateSpecHashAnnotation]
				assert.False(t, ok, "no podTemplateSpec, no hash")
			},
		},
		"empty image": {
			reason: "An empty image falls back to the operator's code default.",
			mutate: func(p *Params) { p.Image = "" },
			check: func(t *testing.T, objs *Objects) {
				assert.Equal(t, DefaultImage, vmcpContainer(t, objs).Image)
			},
		},
		"service settings": {
			reason: "Service type and affinity are taken from the params; empty ones get the CRD defaults.",
			mutate: func(p *Params) { p.ServiceType = "LoadBalancer" },
			check: func(t *testing.T, objs *Objects) {
				assert.Equal(t, corev1.ServiceTypeLoadBalancer, objs.Service.Spec.Type)
				assert.Equal(t, corev1.ServiceAffinityClientIP, objs.Service.Spec.SessionAffinity)
				assert.Equal(t, "vmcp-demo", objs.Service.Name)
			},
		},
		"volumes prepended": {
			reason: "The vmcp-config volume and mount come first, the caller's volumes follow in order.",
			mutate: func(p *Params) {
				v, m := authServerKeyVolume("authserver-signing-key-0", "keys", "k", "key-0.pem", "/etc/toolhive/authserver/keys")
				p.Volumes, p.VolumeMounts = []corev1.Volume{v}, []corev1.VolumeMount{m}
			},
			check: func(t *testing.T, objs *Objects) {
				spec := objs.Deployment.Spec.Template.Spec
				require.Len(t, spec.Volumes, 2)
				assert.Equal(t, "vmcp-config", spec.Volumes[0].Name)
				assert.Equal(t, "demo-vmcp-config", spec.Volumes[0].ConfigMap.Name)
				assert.Equal(t, "authserver-signing-key-0", spec.Volumes[1].Name)
				mounts := vmcpContainer(t, objs).VolumeMounts
				assert.Equal(t, []string{"vmcp-config", "authserver-signing-key-0"}, []string{mounts[0].Name, mounts[1].Name})
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			tc.mutate(&p)
			objs, err := Build(p)
			require.NoError(t, err, tc.reason)
			t.Log(tc.reason)
			tc.check(t, objs)
		})
	}
}

func TestPodVolumesHashIgnoresOrder(t *testing.T) {
	a, am := authServerKeyVolume("authserver-hmac-secret-0", "h", "k", "hmac-0", "/etc/toolhive/authserver/hmac")
	b, bm := authServerKeyVolume("authserver-signing-key-0", "s", "k", "key-0.pem", "/etc/toolhive/authserver/keys")
	cases := map[string]struct {
		reason string
		vols   []corev1.Volume
		mounts []corev1.VolumeMount
		same   bool
	}{
		"reordered": {
			reason: "The hash sorts volumes and mounts first, so order does not matter.",
			vols:   []corev1.Volume{b, a},
			mounts: []corev1.VolumeMount{bm, am},
			same:   true,
		},
		"changed": {
			reason: "Dropping a volume changes the hash.",
			vols:   []corev1.Volume{a},
			mounts: []corev1.VolumeMount{am},
			same:   false,
		},
	}
	base, err := podVolumesHash([]corev1.Volume{a, b}, []corev1.VolumeMount{am, bm})
	require.NoError(t, err)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := podVolumesHash(tc.vols, tc.mounts)
			require.NoError(t, err)
			assert.Equal(t, tc.same, got == base, tc.reason)
		})
	}
}

func TestContentChecksum(t *testing.T) {
	labels := map[string]string{"l2": "b", "l1": "a"}
	cases := map[string]struct {
		reason string
		data   map[string]string
		want   string
	}{
		"sorted keys": {
			reason: "Data keys sorted (authserver-config.yaml before config.yaml), then labels sorted, no separators.",
			data:   map[string]string{"config.yaml": "C", "authserver-config.yaml": "A"},
			want:   hexSHA("authserver-config.yamlAconfig.yamlC" + "l1a" + "l2b"),
		},
		"data only key": {
			reason: "A single data key is hashed the same way.",
			data:   map[string]string{"config.yaml": "C"},
			want:   hexSHA("config.yamlC" + "l1a" + "l2b"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, ContentChecksum(tc.data, labels), tc.reason)
		})
	}
}

func TestPodTemplateSpecMerge(t *testing.T) {
	cases := map[string]struct {
		reason string
		raw    string
		check  func(t *testing.T, objs *Objects)
	}{
		"sidecar toleration resources": {
			reason: "A sidecar and a toleration are added; the vmcp container's resources are overridden key by key.",
			raw: `{"spec":{"containers":[{"name":"vmcp","resources":{"limits":{"memory":"1Gi"}}},` +
				`{"name":"proxy","image":"example.invalid/proxy:1"}],` +
				`"tolerations":[{"key":"dedicated","operator":"Equal","value":"mcp","effect":"NoSchedule"}]}}`,
			check: func(t *testing.T, objs *Objects) {
				spec := objs.Deployment.Spec.Template.Spec
				names := []string{}
				for _, c := range spec.Containers {
					names = append(names, c.Name)
				}
				assert.ElementsMatch(t, []string{"vmcp", "proxy"}, names)
				require.Len(t, spec.Tolerations, 1)
				assert.Equal(t, "dedicated", spec.Tolerations[0].Key)
				res := vmcpContainer(t, objs).Resources
				assert.True(t, res.Limits.Memory().Equal(resource.MustParse("1Gi")))
				assert.True(t, res.Limits.Cpu().Equal(resource.MustParse("500m")), "untouched limit kept")
				assert.True(t, res.Requests.Memory().Equal(resource.MustParse("128Mi")), "untouched request kept")
				// Operator-generated parts survive the merge.
				assert.Equal(t, "example.invalid/vmcp:test", vmcpContainer(t, objs).Image)
				assert.Equal(t, "demo-vmcp", spec.ServiceAccountName)
			},
		},
		"extra env first": {
			reason: "An env var that exists only in the patch has no position in the original list, " +
				"so apimachinery puts it first.",
			raw: `{"spec":{"containers":[{"name":"vmcp","env":[{"name":"EXTRA","value":"1"}]}]}}`,
			check: func(t *testing.T, objs *Objects) {
				env := vmcpContainer(t, objs).Env
				assert.Equal(t, []string{"EXTRA", "VMCP_NAME", "VMCP_NAMESPACE", "VMCP_SESSION_HMAC_SECRET",
					"XDG_CONFIG_HOME", "HOME", "TOOLHIVE_RUNTIME", "UNSTRUCTURED_LOGS"}, envNames(env))
			},
		},
		"extra env after patched item": {
			reason: "A patch-only env var follows the preceding patch item, which keeps its place and gets the new value.",
			raw:    `{"spec":{"containers":[{"name":"vmcp","env":[{"name":"HOME","value":"/home/vmcp"},{"name":"EXTRA","value":"1"}]}]}}`,
			check: func(t *testing.T, objs *Objects) {
				env := vmcpContainer(t, objs).Env
				names := envNames(env)
				home := indexOf(names, "HOME")
				require.GreaterOrEqual(t, home, 0)
				assert.Equal(t, "/home/vmcp", env[home].Value)
				assert.Equal(t, home+1, indexOf(names, "EXTRA"))
				assert.Len(t, env, 8)
			},
		},
		"labels and annotations": {
			reason: "Template metadata maps merge key-wise; operator labels and the checksum stay.",
			raw:    `{"metadata":{"labels":{"team":"a"},"annotations":{"note":"x"}}}`,
			check: func(t *testing.T, objs *Objects) {
				md := objs.Deployment.Spec.Template.ObjectMeta
				assert.Equal(t, "a", md.Labels["team"])
				assert.Equal(t, "demo", md.Labels["toolhive-name"])
				assert.Equal(t, "x", md.Annotations["note"])
				assert.NotEmpty(t, md.Annotations[RunConfigChecksumAnnotation])
				// The selector is not affected by template labels.
				assert.NotContains(t, objs.Deployment.Spec.Selector.MatchLabels, "team")
			},
		},
		"volumes hash is pre-merge": {
			reason: "podvolumes-hash covers only controller-generated volumes, so a patched volume does not change it.",
			raw: `{"spec":{"volumes":[{"name":"scratch","emptyDir":{}}],` +
				`"containers":[{"name":"vmcp","volumeMounts":[{"name":"scratch","mountPath":"/scratch"}]}]}}`,
			check: func(t *testing.T, objs *Objects) {
				plain, err := Build(minimalParams())
				require.NoError(t, err)
				assert.Equal(t, plain.Deployment.Annotations[PodVolumesHashAnnotation],
					objs.Deployment.Annotations[PodVolumesHashAnnotation])
				assert.Len(t, objs.Deployment.Spec.Template.Spec.Volumes, 2)
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			p.PodTemplateSpec = []byte(tc.raw)
			objs, err := Build(p)
			require.NoError(t, err, tc.reason)
			_, ok := objs.Deployment.Annotations[PodTemplateSpecHashAnnotation]
			assert.True(t, ok, "%s: podtemplatespec-hash annotation", tc.reason)
			t.Log(tc.reason)
			tc.check(t, objs)
		})
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func TestPodTemplateSpecHash(t *testing.T) {
	cases := map[string]struct {
		reason string
		raw    string
		want   string
	}{
		"empty object": {
			reason: "{} is set (non-empty raw) and hashes as the canonical {}.",
			raw:    `{}`,
			want:   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
		},
		"canonical form": {
			reason: "Whitespace and key order of the input do not matter: keys are sorted, no spaces.",
			raw:    "{ \"spec\": {\"nodeSelector\": {\"b\": \"2\", \"a\": \"1\"}} }",
			want:   hexSHA(`{"spec":{"nodeSelector":{"a":"1","b":"2"}}}`),
		},
		"numbers": {
			reason: "Numbers go through float64 and back, which keeps small integers unchanged.",
			raw:    `{"spec":{"terminationGracePeriodSeconds":60}}`,
			want:   hexSHA(`{"spec":{"terminationGracePeriodSeconds":60}}`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := minimalParams()
			p.PodTemplateSpec = []byte(tc.raw)
			objs, err := Build(p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, objs.Deployment.Annotations[PodTemplateSpecHashAnnotation], tc.reason)
		})
	}
}

func TestParsePodTemplateSpec(t *testing.T) {
	cases := map[string]struct {
		reason  string
		raw     string
		wantErr string
	}{
		"empty": {
			reason: "No podTemplateSpec is valid.",
		},
		"valid": {
			reason: "A well-formed template parses.",
			raw:    `{"spec":{"nodeSelector":{"a":"b"}}}`,
		},
		"wrong shape": {
			reason:  "containers must be a list: the operator's wording wraps the JSON error.",
			raw:     `{"spec":{"containers":"x"}}`,
			wantErr: "failed to unmarshal PodTemplateSpec: json: cannot unmarshal string",
		},
		"not json": {
			reason:  "Invalid JSON is reported the same way.",
			raw:     `not json`,
			wantErr: "failed to unmarshal PodTemplateSpec: invalid character",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ParsePodTemplateSpec([]byte(tc.raw))
			if tc.wantErr == "" {
				assert.NoError(t, err, tc.reason)
				return
			}
			require.Error(t, err, tc.reason)
			assert.True(t, strings.HasPrefix(err.Error(), tc.wantErr), "%s: got %q", tc.reason, err)

			msg := PodTemplateSpecConditionMessage(err)
			assert.True(t, strings.HasPrefix(msg, "Failed to parse PodTemplateSpec: failed to unmarshal PodTemplateSpec: "), tc.reason)
			assert.True(t, strings.HasSuffix(msg, ". Deployment blocked until fixed."), tc.reason)

			// Build refuses the same input and names the podTemplateSpec.
			p := minimalParams()
			p.PodTemplateSpec = []byte(tc.raw)
			objs, berr := Build(p)
			assert.Nil(t, objs, tc.reason)
			require.Error(t, berr, tc.reason)
			assert.Contains(t, berr.Error(), "PodTemplateSpec", tc.reason)
		})
	}
}

func TestToUnstructured(t *testing.T) {
	p := minimalParams()
	p.Replicas = ptrTo(int32(2))
	objs, err := Build(p)
	require.NoError(t, err)

	cases := map[string]struct {
		reason string
		obj    any
		kind   string
	}{
		"deployment": {reason: "No status, no null creationTimestamp (top level or template).", obj: objs.Deployment, kind: "Deployment"},
		"service":    {reason: "Empty Service status is dropped.", obj: objs.Service, kind: "Service"},
		"configmap":  {reason: "ConfigMap keeps apiVersion/kind and data.", obj: objs.ConfigMap, kind: "ConfigMap"},
		"role":       {reason: "Role keeps its rules.", obj: objs.Role, kind: "Role"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := ToUnstructured(tc.obj)
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.kind, u["kind"], tc.reason)
			assert.NotEmpty(t, u["apiVersion"], tc.reason)
			assert.NotContains(t, u, "status", tc.reason)
			md := u["metadata"].(map[string]any)
			assert.NotContains(t, md, "creationTimestamp", tc.reason)
			assert.NotContains(t, md, "ownerReferences", tc.reason)

			again, err := ToUnstructured(tc.obj)
			require.NoError(t, err)
			assert.Equal(t, u, again, "%s: deterministic", tc.reason)
		})
	}

	u, err := ToUnstructured(objs.Deployment)
	require.NoError(t, err)
	spec := u["spec"].(map[string]any)
	assert.Equal(t, int64(2), spec["replicas"], "integers are int64, not float64")
	tmd := spec["template"].(map[string]any)["metadata"].(map[string]any)
	assert.NotContains(t, tmd, "creationTimestamp")
}

func TestBuildDoesNotAliasParams(t *testing.T) {
	p := minimalParams()
	objs, err := Build(p)
	require.NoError(t, err)
	objs.ConfigMap.Data["config.yaml"] = "changed"
	objs.Deployment.Spec.Template.Labels["x"] = "y"
	assert.Equal(t, "name: demo\n", p.ConfigData["config.yaml"], "ConfigMap data is a copy")
	assert.NotContains(t, objs.Deployment.Labels, "x", "labels maps are not shared")
	assert.NotContains(t, objs.Service.Spec.Selector, "x", "labels maps are not shared")
}

func BenchmarkBuild(b *testing.B) {
	p := minimalParams()
	v, m := authServerKeyVolume("authserver-signing-key-0", "keys", "k", "key-0.pem", "/etc/toolhive/authserver/keys")
	p.Volumes, p.VolumeMounts = []corev1.Volume{v}, []corev1.VolumeMount{m}
	p.ImagePullSecrets = []string{"regcred"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildWithPodTemplateSpec(b *testing.B) {
	p := minimalParams()
	p.PodTemplateSpec = []byte(`{"spec":{"containers":[{"name":"vmcp","env":[{"name":"EXTRA","value":"1"}]}]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(p); err != nil {
			b.Fatal(err)
		}
	}
}
