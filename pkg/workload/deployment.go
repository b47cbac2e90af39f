package workload

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// DefaultImage is the operator's code default when VMCP_IMAGE is unset (the
// 0.62.0 chart sets a versioned image instead).
const DefaultImage = "ghcr.io/stacklok/toolhive/vmcp:latest"

// ContainerName is the vmcp container's name: a user's podTemplateSpec
// patches it by this name.
const ContainerName = "vmcp"

const (
	configVolumeName = "vmcp-config"
	configMountPath  = "/etc/vmcp-config"

	// secretEnvPrefix marks env vars resolved by the environment secrets
	// provider; their presence forces TOOLHIVE_SECRETS_PROVIDER=environment.
	secretEnvPrefix = "TOOLHIVE_SECRET_"
)

func buildDeployment(p Params, checksum string, pullSecrets []corev1.LocalObjectReference) (*appsv1.Deployment, error) {
	volumes, mounts := podVolumes(p)

	annotations := map[string]string{}
	volHash, err := podVolumesHash(volumes, mounts)
	if err != nil {
		return nil, err
	}
	annotations[PodVolumesHashAnnotation] = volHash
	pullHash, err := imagePullSecretsHash(pullSecrets)
	if err != nil {
		return nil, err
	}
	if pullHash != "" {
		annotations[ImagePullSecretsHashAnnotation] = pullHash
	}
	if len(p.PodTemplateSpec) > 0 {
		// Like the operator, a hashing failure only drops the annotation;
		// the parse below reports the invalid input.
		if h, err := podTemplateSpecHash(p.PodTemplateSpec); err == nil {
			annotations[PodTemplateSpecHashAnnotation] = h
		}
	}

	templateAnnotations := map[string]string{}
	if checksum != "" {
		templateAnnotations[RunConfigChecksumAnnotation] = checksum
	}
	if p.AuthServerCAChecksum != "" {
		templateAnnotations[AuthServerCAChecksumAnnotation] = p.AuthServerCAChecksum
	}

	sa := ServiceAccountName(p.Name)
	if p.ServiceAccount != nil {
		sa = *p.ServiceAccount
	}
	image := p.Image
	if image == "" {
		image = DefaultImage
	}
	podSC, containerSC := securityContexts(p.OpenShift)

	dep := &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        p.Name,
			Namespace:   p.Namespace,
			Labels:      podLabels(p.Name),
			Annotations: annotations,
		},
		Spec: appsv1.DeploymentSpec{
			Replicas: copyInt32(p.Replicas),
			Selector: &metav1.LabelSelector{MatchLabels: podLabels(p.Name)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      podLabels(p.Name),
					Annotations: templateAnnotations,
				},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: ptrTo(int64(30)),
					ServiceAccountName:            sa,
					ImagePullSecrets:              append([]corev1.LocalObjectReference(nil), pullSecrets...),
					SecurityContext:               podSC,
					Containers: []corev1.Container{{
						Name:            ContainerName,
						Image:           image,
						ImagePullPolicy: corev1.PullIfNotPresent,
						Args:            containerArgs(p.Debug),
						Ports: []corev1.ContainerPort{{
							Name:          "http",
							ContainerPort: vmcpPort,
							Protocol:      corev1.ProtocolTCP,
						}},
						Env:             withRequiredEnv(p.Env),
						VolumeMounts:    mounts,
						LivenessProbe:   httpProbe("/health", 30, 10, 5, 3),
						ReadinessProbe:  httpProbe("/readyz", 15, 5, 3, 3),
						Resources:       defaultResources(),
						SecurityContext: containerSC,
					}},
					Volumes: volumes,
				},
			},
		},
	}

	if len(p.PodTemplateSpec) > 0 {
		merged, err := mergePodTemplateSpec(dep.Spec.Template, p.PodTemplateSpec)
		if err != nil {
			return nil, fmt.Errorf("failed to apply PodTemplateSpec to Deployment: %w", err)
		}
		dep.Spec.Template = merged
	}
	return dep, nil
}

// podVolumes returns the config volume and mount followed by the caller's
// volumes, as fresh slices so the caller's slices are never modified.
func podVolumes(p Params) ([]corev1.Volume, []corev1.VolumeMount) {
	volumes := make([]corev1.Volume, 0, len(p.Volumes)+1)
	volumes = append(volumes, corev1.Volume{
		Name: configVolumeName,
		VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName(p.Name)},
			},
		},
	})
	volumes = append(volumes, p.Volumes...)

	mounts := make([]corev1.VolumeMount, 0, len(p.VolumeMounts)+1)
	mounts = append(mounts, corev1.VolumeMount{
		Name:      configVolumeName,
		MountPath: configMountPath,
		ReadOnly:  true,
	})
	mounts = append(mounts, p.VolumeMounts...)
	return volumes, mounts
}

func containerArgs(debug bool) []string {
	args := []string{
		"serve",
		"--config=" + configMountPath + "/config.yaml",
		"--host=0.0.0.0",
		fmt.Sprintf("--port=%d", vmcpPort),
	}
	if debug {
		args = append(args, "--debug")
	}
	return args
}

// withRequiredEnv appends the defaults the operator adds when a name is not
// already present, then TOOLHIVE_SECRETS_PROVIDER=environment when any
// TOOLHIVE_SECRET_* variable exists (the environment provider is the only one
// that can read them). The input slice is copied, never appended to in place.
func withRequiredEnv(in []corev1.EnvVar) []corev1.EnvVar {
	env := make([]corev1.EnvVar, 0, len(in)+5)
	env = append(env, in...)

	present := make(map[string]bool, len(in))
	hasSecrets := false
	for _, e := range in {
		present[e.Name] = true
		if strings.HasPrefix(e.Name, secretEnvPrefix) {
			hasSecrets = true
		}
	}
	for _, d := range []corev1.EnvVar{
		{Name: "XDG_CONFIG_HOME", Value: "/tmp"},
		{Name: "HOME", Value: "/tmp"},
		{Name: "TOOLHIVE_RUNTIME", Value: "kubernetes"},
		{Name: "UNSTRUCTURED_LOGS", Value: "false"},
	} {
		if !present[d.Name] {
			env = append(env, d)
		}
	}
	if hasSecrets {
		env = append(env, corev1.EnvVar{Name: "TOOLHIVE_SECRETS_PROVIDER", Value: "environment"})
	}
	return env
}

func httpProbe(path string, initialDelay, period, timeout, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")},
		},
		InitialDelaySeconds: initialDelay,
		PeriodSeconds:       period,
		TimeoutSeconds:      timeout,
		FailureThreshold:    failures,
	}
}

func defaultResources() corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("100m"),
			corev1.ResourceMemory: resource.MustParse("128Mi"),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("500m"),
			corev1.ResourceMemory: resource.MustParse("512Mi"),
		},
	}
}

// securityContexts returns the pod and container security contexts. On
// OpenShift the SCC assigns user, group and fsGroup, so they are omitted.
func securityContexts(openShift bool) (*corev1.PodSecurityContext, *corev1.SecurityContext) {
	pod := &corev1.PodSecurityContext{
		RunAsNonRoot:   ptrTo(true),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	container := &corev1.SecurityContext{
		Privileged:               ptrTo(false),
		RunAsNonRoot:             ptrTo(true),
		AllowPrivilegeEscalation: ptrTo(false),
		ReadOnlyRootFilesystem:   ptrTo(true),
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	if !openShift {
		pod.RunAsUser = ptrTo(int64(1000))
		pod.RunAsGroup = ptrTo(int64(1000))
		pod.FSGroup = ptrTo(int64(1000))
		container.RunAsUser = ptrTo(int64(1000))
		container.RunAsGroup = ptrTo(int64(1000))
	}
	return pod, container
}

func copyInt32(v *int32) *int32 {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

func ptrTo[T any](v T) *T { return &v }
