package workload

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// ParsePodTemplateSpec checks that raw (the JSON of spec.podTemplateSpec)
// unmarshals into a PodTemplateSpec. Empty input is valid (nothing to merge).
// The error text matches the operator's, so the caller can build the
// condition message with PodTemplateSpecConditionMessage.
func ParsePodTemplateSpec(raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	var pts corev1.PodTemplateSpec
	if err := json.Unmarshal(raw, &pts); err != nil {
		return fmt.Errorf("failed to unmarshal PodTemplateSpec: %w", err)
	}
	return nil
}

// PodTemplateSpecConditionMessage is the operator's PodTemplateSpecValid=False
// condition message for an error returned by ParsePodTemplateSpec.
func PodTemplateSpecConditionMessage(err error) string {
	return fmt.Sprintf("Failed to parse PodTemplateSpec: %v. Deployment blocked until fixed.", err)
}

// mergePodTemplateSpec strategic-merges the user's raw PodTemplateSpec into
// the generated template, exactly as the operator does (so list ordering
// follows apimachinery, not "append").
func mergePodTemplateSpec(base corev1.PodTemplateSpec, raw []byte) (corev1.PodTemplateSpec, error) {
	if err := ParsePodTemplateSpec(raw); err != nil {
		return corev1.PodTemplateSpec{}, fmt.Errorf("failed to build PodTemplateSpec: %w", err)
	}
	original, err := json.Marshal(base)
	if err != nil {
		return corev1.PodTemplateSpec{}, fmt.Errorf("failed to marshal base PodTemplateSpec: %w", err)
	}
	patched, err := strategicpatch.StrategicMergePatch(original, raw, corev1.PodTemplateSpec{})
	if err != nil {
		return corev1.PodTemplateSpec{}, fmt.Errorf("failed to apply strategic merge patch: %w", err)
	}
	var merged corev1.PodTemplateSpec
	if err := json.Unmarshal(patched, &merged); err != nil {
		return corev1.PodTemplateSpec{}, fmt.Errorf("failed to unmarshal patched PodTemplateSpec: %w", err)
	}
	return merged, nil
}
