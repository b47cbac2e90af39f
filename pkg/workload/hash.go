package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// Annotation keys. Note the two domains: the operator writes rollout
// checksums under toolhive.stacklok.dev and drift hashes under
// toolhive.stacklok.io.
const (
	ContentChecksumAnnotation      = "toolhive.stacklok.dev/content-checksum"
	RunConfigChecksumAnnotation    = "toolhive.stacklok.dev/runconfig-checksum"
	AuthServerCAChecksumAnnotation = "toolhive.stacklok.dev/authserver-ca-checksum"
	PodVolumesHashAnnotation       = "toolhive.stacklok.io/podvolumes-hash"
	ImagePullSecretsHashAnnotation = "toolhive.stacklok.io/imagepullsecrets-hash"
	PodTemplateSpecHashAnnotation  = "toolhive.stacklok.io/podtemplatespec-hash"
)

// ContentChecksum is the ConfigMap content checksum: SHA-256 over each data
// key then value (keys sorted), then each label key then value (keys sorted),
// with no separators. The ConfigMap carries no other annotation that would be
// included.
func ContentChecksum(data map[string]string, labels map[string]string) string {
	h := sha256.New()
	for _, m := range []map[string]string{data, labels} {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			h.Write([]byte(k))
			h.Write([]byte(m[k]))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// podVolumesHash hashes the controller-generated volumes and mounts after a
// stable sort (volumes by name; mounts by name, mountPath, subPath). The
// wrapper struct has no json tags on purpose: the operator's outer keys are
// literally "Volumes" and "VolumeMounts".
func podVolumesHash(volumes []corev1.Volume, mounts []corev1.VolumeMount) (string, error) {
	vs := append([]corev1.Volume(nil), volumes...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Name < vs[j].Name })
	ms := append([]corev1.VolumeMount(nil), mounts...)
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.MountPath != b.MountPath {
			return a.MountPath < b.MountPath
		}
		return a.SubPath < b.SubPath
	})
	payload := struct {
		Volumes      []corev1.Volume
		VolumeMounts []corev1.VolumeMount
	}{vs, ms}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("hashing pod volumes: %w", err)
	}
	return sha256Hex(b), nil
}

// imagePullSecretsHash hashes the merged pull-secret list sorted by name; ""
// for an empty list (the annotation is then omitted).
func imagePullSecretsHash(secrets []corev1.LocalObjectReference) (string, error) {
	if len(secrets) == 0 {
		return "", nil
	}
	sorted := append([]corev1.LocalObjectReference(nil), secrets...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	b, err := json.Marshal(sorted)
	if err != nil {
		return "", fmt.Errorf("hashing imagePullSecrets: %w", err)
	}
	return sha256Hex(b), nil
}

// podTemplateSpecHash canonicalises the raw JSON (sorted keys, float64
// numbers, no whitespace) through encoding/json before hashing, so key order
// and formatting of the user's input do not matter.
func podTemplateSpecHash(raw []byte) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
