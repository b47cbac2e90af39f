package kubecheck

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func ptr[T any](v T) *T { return &v }

// TestPodTemplate: each case breaks one rule and wants exactly one error at
// its field; the valid template has none.
func TestPodTemplate(t *testing.T) {
	base := func() corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Volumes:    []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			Containers: []corev1.Container{{Name: "vmcp", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 4483}}, VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/c"}}}},
		}}
	}
	cases := []struct {
		name, reason, field string
		typ                 field.ErrorType
		edit                func(*corev1.PodTemplateSpec)
	}{
		{"valid", "the operator's shape passes", "", "", func(*corev1.PodTemplateSpec) {}},
		{"duplicate-port-name", "two ports of one name in a container", "spec.template.spec.containers[0].ports[1].name", field.ErrorTypeDuplicate,
			func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, corev1.ContainerPort{Name: "http", ContainerPort: 9090})
			}},
		{"mount-without-volume", "a volume mount names no volume", "spec.template.spec.containers[0].volumeMounts[1].name", field.ErrorTypeNotFound,
			func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].VolumeMounts = append(p.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "gone", MountPath: "/g"})
			}},
		{"duplicate-volume", "two volumes of one name (the strategic merge folds them; a raw template may not)", "spec.template.spec.volumes[1].name", field.ErrorTypeDuplicate,
			func(p *corev1.PodTemplateSpec) { p.Spec.Volumes = append(p.Spec.Volumes, p.Spec.Volumes[0]) }},
		{"init-container-clash", "an init container named like a container", "spec.template.spec.containers[0].name", field.ErrorTypeDuplicate,
			func(p *corev1.PodTemplateSpec) { p.Spec.InitContainers = []corev1.Container{{Name: "vmcp"}} }},
		{"annotation-key", "a pod annotation key that is not a qualified name", "spec.template.metadata.annotations", field.ErrorTypeInvalid,
			func(p *corev1.PodTemplateSpec) { p.Annotations = map[string]string{"bad key!": "x"} }},
		{"requests-over-limits", "memory requests above limits", "spec.template.spec.containers[0].resources.requests[memory]", field.ErrorTypeInvalid,
			func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
				}
			}},
		{"container-overrides-root", "the container's runAsUser 0 under the pod's runAsNonRoot", "spec.template.spec.containers[0].securityContext.runAsUser", field.ErrorTypeInvalid,
			func(p *corev1.PodTemplateSpec) {
				p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(1000))}
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsUser: ptr(int64(0))}
			}},
		{"container-allows-root", "the container's runAsNonRoot false lifts the pod's: no error", "", "",
			func(p *corev1.PodTemplateSpec) {
				p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(0))}
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsNonRoot: ptr(false)}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			errs := PodTemplate(&p, field.NewPath("spec", "template"))
			if tc.field == "" {
				assert.Empty(t, errs, tc.reason)
				return
			}
			if assert.Len(t, errs, 1, "%s: %v", tc.reason, errs) {
				assert.True(t, strings.HasPrefix(errs[0].Field, tc.field), "%s: field %s", tc.reason, errs[0].Field)
				assert.Equal(t, tc.typ, errs[0].Type, tc.reason)
			}
		})
	}
}

// TestNameRuleFor: the rule by kind, as the API server's registry applies it.
func TestNameRuleFor(t *testing.T) {
	cases := []struct {
		reason, apiVersion, kind, name string
		valid                          bool
	}{
		{"a Service name is a DNS-1035 label: no dot", "v1", "Service", "a.b", false},
		{"a ConfigMap name may hold a dot", "v1", "ConfigMap", "a.b", true},
		{"a ToolHive name is a subdomain", "toolhive.stacklok.dev/v1beta1", "MCPGroup", "Team", false},
		{"RBAC names are path segments: capitals pass", "rbac.authorization.k8s.io/v1", "Role", "Team_Role", true},
		{"an unknown kind gets the path-segment rule", "example.com/v1", "Thing", "a/b", false},
	}
	for _, tc := range cases {
		got := len(NameRuleFor(tc.apiVersion, tc.kind).Check(tc.name, false)) == 0
		assert.Equal(t, tc.valid, got, tc.reason)
	}
}
