// Package workload builds the Kubernetes objects the ToolHive operator creates
// for a VirtualMCPServer: the config ConfigMap, the Deployment, the
// ServiceAccount/Role/RoleBinding and the Service, and the session HMAC Secret
// when the caller provides its random value.
//
// It works on already-resolved parameters and knows nothing about ToolHive CRD
// types or config conversion. The only deliberate difference from the
// operator is that no ownerReferences are set (offline inputs have no uid);
// the caller decides whether the HMAC Secret is generated at all.
package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// Params are the resolved inputs for one VirtualMCPServer.
type Params struct {
	// Name and Namespace of the VirtualMCPServer.
	Name, Namespace string

	// Image of the vmcp container (operator setting VMCP_IMAGE). Empty means
	// the operator's code default, DefaultImage.
	Image string

	// OpenShift omits runAsUser, runAsGroup and fsGroup from the security
	// contexts, as the operator does on OpenShift.
	OpenShift bool

	// Replicas is spec.replicas; nil leaves the field absent so an HPA can own it.
	Replicas *int32

	// Debug is spec.config.operational.logLevel == "debug"; it adds "--debug".
	Debug bool

	// ServiceAccount is spec.serviceAccount. When set (even to ""), no
	// ServiceAccount, Role or RoleBinding is built and the pod runs as this
	// account: the operator tests the pointer, not the value.
	ServiceAccount *string

	// ImagePullSecrets are the spec.imagePullSecrets names, in order.
	ImagePullSecrets []string
	// DefaultImagePullSecrets are the operator defaults, merged after the
	// spec ones (first occurrence of a name wins).
	DefaultImagePullSecrets []string

	// Env holds the env vars in the operator's order; Build appends the
	// required defaults (XDG_CONFIG_HOME, HOME, ...) after them.
	Env []corev1.EnvVar

	// Volumes and VolumeMounts hold the volumes after the config volume,
	// in order; Build prepends the vmcp-config volume and mount.
	Volumes      []corev1.Volume
	VolumeMounts []corev1.VolumeMount

	// ConfigData is the ConfigMap data: config.yaml and, with an embedded auth
	// server, authserver-config.yaml.
	ConfigData map[string]string

	// AuthServerCAChecksum is the authserver-ca-checksum pod annotation value;
	// empty means no annotation.
	AuthServerCAChecksum string

	// PodTemplateSpec is the raw JSON of spec.podTemplateSpec; empty means no
	// merge and no podtemplatespec-hash annotation.
	PodTemplateSpec []byte

	// ServiceType and SessionAffinity of the Service (CRD defaults ClusterIP
	// and ClientIP are applied again when empty).
	ServiceType, SessionAffinity string

	// OutgoingSource is spec.outgoingAuth.source: "inline" selects the minimal
	// Role rules, anything else the discovered-mode rules.
	OutgoingSource string
}

// Objects are the objects the operator creates for one VirtualMCPServer.
// ServiceAccount, Role and RoleBinding are nil when Params.ServiceAccount is set.
type Objects struct {
	ConfigMap      *corev1.ConfigMap
	Deployment     *appsv1.Deployment
	ServiceAccount *corev1.ServiceAccount
	Role           *rbacv1.Role
	RoleBinding    *rbacv1.RoleBinding
	Service        *corev1.Service
}

// All returns the non-nil objects in the operator's creation order
// (RBAC, ConfigMap, Deployment, Service).
func (o *Objects) All() []any {
	var out []any
	if o.ServiceAccount != nil {
		out = append(out, o.ServiceAccount)
	}
	if o.Role != nil {
		out = append(out, o.Role)
	}
	if o.RoleBinding != nil {
		out = append(out, o.RoleBinding)
	}
	if o.ConfigMap != nil {
		out = append(out, o.ConfigMap)
	}
	if o.Deployment != nil {
		out = append(out, o.Deployment)
	}
	if o.Service != nil {
		out = append(out, o.Service)
	}
	return out
}

// Build turns resolved parameters into the operator's objects. It fails only
// when spec.podTemplateSpec cannot be parsed or merged; the operator then
// blocks the Deployment.
func Build(p Params) (*Objects, error) {
	cm := buildConfigMap(p)
	pullSecrets := mergePullSecrets(p.ImagePullSecrets, p.DefaultImagePullSecrets)

	dep, err := buildDeployment(p, cm.Annotations[ContentChecksumAnnotation], pullSecrets)
	if err != nil {
		return nil, err
	}

	objs := &Objects{
		ConfigMap:  cm,
		Deployment: dep,
		Service:    buildService(p),
	}
	if p.ServiceAccount == nil {
		objs.ServiceAccount = buildServiceAccount(p, pullSecrets)
		objs.Role = buildRole(p)
		objs.RoleBinding = buildRoleBinding(p)
	}
	return objs, nil
}

// ConfigMapName is the name of the vMCP config ConfigMap.
func ConfigMapName(name string) string { return name + "-vmcp-config" }

// ServiceAccountName is the name of the operator-managed ServiceAccount, Role
// and RoleBinding.
func ServiceAccountName(name string) string { return name + "-vmcp" }

// ServiceName is the name of the vMCP Service.
func ServiceName(name string) string { return "vmcp-" + name }

// HMACSecretName is the name of the operator-generated session HMAC Secret
// that the Deployment references, and HMACSecretKey its one key.
func HMACSecretName(name string) string { return name + "-hmac-secret" }

const HMACSecretKey = "hmac-secret"

// mergePullSecrets appends the defaults after the spec names, dropping empty
// and repeated names (first occurrence wins); nil when nothing remains.
func mergePullSecrets(spec, defaults []string) []corev1.LocalObjectReference {
	var out []corev1.LocalObjectReference
	seen := make(map[string]bool, len(spec)+len(defaults))
	// Only the operator's defaults drop empty names (it trims them when it
	// parses its env); an empty spec entry stays, as {}.
	for i, list := range [][]string{spec, defaults} {
		for _, n := range list {
			if (n == "" && i == 1) || seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, corev1.LocalObjectReference{Name: n})
		}
	}
	return out
}

// podLabels are the labels shared by the Deployment, its selector, its pod
// template and the Service. A fresh map is returned each time so the objects
// never alias each other.
func podLabels(name string) map[string]string {
	return map[string]string{
		"app":                        "virtualmcpserver",
		"app.kubernetes.io/name":     "virtualmcpserver",
		"app.kubernetes.io/instance": name,
		"toolhive":                   "true",
		"toolhive-name":              name,
	}
}
