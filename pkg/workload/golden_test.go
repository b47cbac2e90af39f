package workload

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/internal/testpaths"
)

func dataDir(t testing.TB) string { return testpaths.Data(t) }

// goldenObjects reads a golden case's expected.yaml and returns the objects
// the function must produce: Oracle* documents and the random HMAC Secret are
// left out.
func goldenObjects(t testing.TB, caseDir string) []map[string]any {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dataDir(t), "golden", caseDir+"*", "expected.yaml"))
	require.NoError(t, err)
	require.Len(t, matches, 1, "golden case %s", caseDir)
	raw, err := os.ReadFile(matches[0])
	require.NoError(t, err)

	var out []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if doc == nil {
			continue
		}
		switch doc["kind"] {
		case "OracleStatus", "OracleError", "Secret":
			continue
		}
		out = append(out, doc)
	}
	require.NotEmpty(t, out)
	return out
}

func objectKey(m map[string]any) string {
	md, _ := m["metadata"].(map[string]any)
	return m["kind"].(string) + "/" + md["name"].(string)
}

func findGolden(t testing.TB, objs []map[string]any, kind string) map[string]any {
	t.Helper()
	for _, o := range objs {
		if o["kind"] == kind {
			return o
		}
	}
	t.Fatalf("golden has no %s", kind)
	return nil
}

// goldenConfigData returns the golden ConfigMap's data: conversion is another
// package's job, the checksum over it is ours.
func goldenConfigData(t testing.TB, objs []map[string]any) map[string]string {
	t.Helper()
	data := findGolden(t, objs, "ConfigMap")["data"].(map[string]any)
	out := make(map[string]string, len(data))
	for k, v := range data {
		out[k] = v.(string)
	}
	return out
}

// normalize makes a golden document and a generated object comparable:
// JSON round trip (one number type), no ownerReferences (deliberately not
// emitted), and empty maps treated as absent.
func normalize(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	if md, ok := out["metadata"].(map[string]any); ok {
		delete(md, "ownerReferences")
	}
	return pruneEmpty(out)
}

func pruneEmpty(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			c := pruneEmpty(child)
			if m, ok := c.(map[string]any); ok && len(m) == 0 {
				delete(t, k)
				continue
			}
			t[k] = c
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = pruneEmpty(child)
		}
		return t
	default:
		return v
	}
}

func literalEnv(name, value string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, Value: value}
}

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret},
			Key:                  key,
		},
	}}
}

// baseEnv is the name, namespace and HMAC env the caller always builds.
func baseEnv(name, ns string) []corev1.EnvVar {
	return []corev1.EnvVar{
		literalEnv("VMCP_NAME", name),
		literalEnv("VMCP_NAMESPACE", ns),
		secretEnv("VMCP_SESSION_HMAC_SECRET", HMACSecretName(name), "hmac-secret"),
	}
}

// authServerKeyVolume mirrors the operator's signing-key / HMAC volumes (the
// auth-server helper's job, pkg/authserver.Volumes; built here only to feed
// Build).
func authServerKeyVolume(volName, secret, key, path, mountDir string) (corev1.Volume, corev1.VolumeMount) {
	mode := int32(0o400)
	return corev1.Volume{
			Name: volName,
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName:  secret,
				Items:       []corev1.KeyToPath{{Key: key, Path: path}},
				DefaultMode: &mode,
			}},
		}, corev1.VolumeMount{
			Name:      volName,
			MountPath: mountDir + "/" + path,
			SubPath:   path,
			ReadOnly:  true,
		}
}

const goldenImage = "ghcr.io/stacklok/toolhive/vmcp:v0.62.0"

func TestBuildMatchesGolden(t *testing.T) {
	cases := map[string]struct {
		reason string
		dir    string
		params func(data map[string]string) Params
	}{
		"pub-01 minimal": {
			reason: "Minimal anonymous CR: every object, both checksums computed.",
			dir:    "pub-01-",
			params: func(data map[string]string) Params {
				return Params{
					Name: "eng-vmcp", Namespace: "toolhive", Image: goldenImage,
					Env:             baseEnv("eng-vmcp", "toolhive"),
					ConfigData:      data,
					ServiceType:     "ClusterIP",
					SessionAffinity: "ClientIP",
					OutgoingSource:  "discovered",
				}
			},
		},
		"pub-04 auth server": {
			reason: "Auth-server env sits before the defaults; signing-key and HMAC volumes follow vmcp-config; " +
				"checksum covers both ConfigMap keys.",
			dir: "pub-04-",
			params: func(data map[string]string) Params {
				env := append(baseEnv("devtools-vmcp", "toolhive"),
					secretEnv("TOOLHIVE_UPSTREAM_CLIENT_SECRET_GITHUB", "github-oauth-app", "client-secret"),
					secretEnv("TOOLHIVE_AUTH_SERVER_REDIS_USERNAME", "redis-acl", "username"),
					secretEnv("TOOLHIVE_AUTH_SERVER_REDIS_PASSWORD", "redis-acl", "password"),
				)
				var vols []corev1.Volume
				var mounts []corev1.VolumeMount
				for _, r := range []struct{ vol, secret, key, path, dir string }{
					{"authserver-signing-key-0", "as-keys", "current.pem", "key-0.pem", "/etc/toolhive/authserver/keys"},
					{"authserver-signing-key-1", "as-keys", "previous.pem", "key-1.pem", "/etc/toolhive/authserver/keys"},
					{"authserver-hmac-secret-0", "as-hmac", "current", "hmac-0", "/etc/toolhive/authserver/hmac"},
					{"authserver-hmac-secret-1", "as-hmac", "previous", "hmac-1", "/etc/toolhive/authserver/hmac"},
				} {
					v, m := authServerKeyVolume(r.vol, r.secret, r.key, r.path, r.dir)
					vols = append(vols, v)
					mounts = append(mounts, m)
				}
				return Params{
					Name: "devtools-vmcp", Namespace: "toolhive", Image: goldenImage,
					Env: env, Volumes: vols, VolumeMounts: mounts,
					ConfigData:      data,
					ServiceType:     "ClusterIP",
					SessionAffinity: "ClientIP",
					OutgoingSource:  "discovered",
				}
			},
		},
		"pub-09 replicas": {
			reason: "spec.replicas is copied; the session Redis password env follows the HMAC env.",
			dir:    "pub-09-",
			params: func(data map[string]string) Params {
				return Params{
					Name: "shared-vmcp", Namespace: "toolhive", Image: goldenImage,
					Replicas: ptrTo(int32(3)),
					Env: append(baseEnv("shared-vmcp", "toolhive"),
						secretEnv("THV_SESSION_REDIS_PASSWORD", "session-redis", "password")),
					ConfigData:      data,
					ServiceType:     "ClusterIP",
					SessionAffinity: "ClientIP",
					OutgoingSource:  "discovered",
				}
			},
		},
		"pub-17 inline": {
			reason: "Inline outgoing auth gets the two-rule Role; outgoing secret env precedes the HMAC env.",
			dir:    "pub-17-",
			params: func(data map[string]string) Params {
				env := baseEnv("pm-vmcp", "toolhive")
				env = []corev1.EnvVar{
					env[0], env[1],
					secretEnv("TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_JIRA_EXCHANGE", "jira-exchange", "client-secret"),
					env[2],
				}
				return Params{
					Name: "pm-vmcp", Namespace: "toolhive", Image: goldenImage,
					Env:             env,
					ConfigData:      data,
					ServiceType:     "ClusterIP",
					SessionAffinity: "ClientIP",
					OutgoingSource:  "inline",
				}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			golden := goldenObjects(t, tc.dir)
			objs, err := Build(tc.params(goldenConfigData(t, golden)))
			require.NoError(t, err, tc.reason)

			got := map[string]any{}
			for _, o := range objs.All() {
				u, err := ToUnstructured(o)
				require.NoError(t, err)
				got[objectKey(u)] = normalize(t, u)
			}
			want := map[string]any{}
			for _, o := range golden {
				want[objectKey(o)] = normalize(t, o)
			}
			require.ElementsMatch(t, keys(want), keys(got), "%s: object set", tc.reason)
			for k, w := range want {
				assert.Equal(t, w, got[k], "%s: %s", tc.reason, k)
			}
		})
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
