package workload

import (
	"encoding/base64"
	"maps"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	// vmcpPort is the vmcp listener port, used by the container and Service.
	vmcpPort = int32(4483)

	toolhiveAPIGroup = "toolhive.stacklok.dev"
)

// configMapLabels are the labels of the config ConfigMap of server name.
func configMapLabels(name string) map[string]string {
	return map[string]string{
		"toolhive.stacklok.io/component":          "vmcp-config",
		"toolhive.stacklok.io/virtual-mcp-server": name,
		"toolhive.stacklok.io/managed-by":         "toolhive-operator",
	}
}

func buildConfigMap(p Params) *corev1.ConfigMap {
	labels := configMapLabels(p.Name)
	data := maps.Clone(p.ConfigData)
	return &corev1.ConfigMap{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      ConfigMapName(p.Name),
			Namespace: p.Namespace,
			Labels:    labels,
			Annotations: map[string]string{
				ContentChecksumAnnotation: ContentChecksum(data, labels),
			},
		},
		Data: data,
	}
}

func buildServiceAccount(p Params, pullSecrets []corev1.LocalObjectReference) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      ServiceAccountName(p.Name),
			Namespace: p.Namespace,
		},
		ImagePullSecrets: append([]corev1.LocalObjectReference(nil), pullSecrets...),
	}
}

// roleRules mirrors the operator: inline mode only needs to read its own CR
// and write its status; discovered mode also reads the group's workloads,
// their auth configs, ConfigMaps and Secrets at runtime.
func roleRules(outgoingSource string) []rbacv1.PolicyRule {
	own := []rbacv1.PolicyRule{
		{APIGroups: []string{toolhiveAPIGroup}, Resources: []string{"virtualmcpservers"}, Verbs: []string{"get"}},
		{APIGroups: []string{toolhiveAPIGroup}, Resources: []string{"virtualmcpservers/status"}, Verbs: []string{"update", "patch"}},
	}
	if outgoingSource == "inline" {
		return own
	}
	return append([]rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps", "secrets"}, Verbs: []string{"get", "list", "watch"}},
		{
			APIGroups: []string{toolhiveAPIGroup},
			Resources: []string{
				"mcpgroups", "mcpservers", "mcpremoteproxies", "mcpserverentries",
				"mcpexternalauthconfigs", "mcptoolconfigs",
			},
			Verbs: []string{"get", "list", "watch"},
		},
	}, own...)
}

func buildRole(p Params) *rbacv1.Role {
	return &rbacv1.Role{
		TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      ServiceAccountName(p.Name),
			Namespace: p.Namespace,
		},
		Rules: roleRules(p.OutgoingSource),
	}
}

func buildRoleBinding(p Params) *rbacv1.RoleBinding {
	sa := ServiceAccountName(p.Name)
	return &rbacv1.RoleBinding{
		TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      sa,
			Namespace: p.Namespace,
		},
		RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: sa},
		Subjects: []rbacv1.Subject{
			{Kind: "ServiceAccount", Name: sa, Namespace: p.Namespace},
		},
	}
}

func buildService(p Params) *corev1.Service {
	svcType := corev1.ServiceType(p.ServiceType)
	if svcType == "" {
		svcType = corev1.ServiceTypeClusterIP
	}
	affinity := corev1.ServiceAffinity(p.SessionAffinity)
	if affinity == "" {
		affinity = corev1.ServiceAffinityClientIP
	}
	return &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      ServiceName(p.Name),
			Namespace: p.Namespace,
			Labels:    podLabels(p.Name),
		},
		Spec: corev1.ServiceSpec{
			Type:            svcType,
			Selector:        podLabels(p.Name),
			SessionAffinity: affinity,
			Ports: []corev1.ServicePort{{
				Name:       "http",
				Port:       vmcpPort,
				TargetPort: intstr.FromInt32(vmcpPort),
				Protocol:   corev1.ProtocolTCP,
			}},
		},
	}
}

// RoleRules lists the rule sets the operator's Role can hold, one per
// outgoing source; a Role with other rules was not created by it.
func RoleRules() [][]rbacv1.PolicyRule {
	return [][]rbacv1.PolicyRule{roleRules("inline"), roleRules("discovered")}
}

// HasOperatorLabels reports whether labels are those the operator sets on
// the object of kind it creates for server name: the ConfigMap, the
// Deployment and Service. The ServiceAccount, Role and RoleBinding carry
// none (only an owner reference, which offline objects lack); an HMAC
// Secret in the input is used, never replaced.
func HasOperatorLabels(kind, name string, labels map[string]string) bool {
	var want map[string]string
	switch kind {
	case "ConfigMap":
		want = configMapLabels(name)
	case "Deployment", "Service":
		want = podLabels(name)
	default:
		return false
	}
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// HMACSecret is the session HMAC Secret the operator generates for server
// name, holding raw (32 random bytes) base64-encoded under hmac-secret, as
// the operator writes it. The function emits it only with hmacSecret:
// generate (its output is otherwise deterministic).
func HMACSecret(name, namespace string, raw []byte) *corev1.Secret {
	s := &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		Type:     corev1.SecretTypeOpaque,
		Data:     map[string][]byte{HMACSecretKey: []byte(base64.StdEncoding.EncodeToString(raw))},
	}
	s.Name, s.Namespace = HMACSecretName(name), namespace
	s.Labels = map[string]string{
		"app.kubernetes.io/name": "virtualmcpserver", "app.kubernetes.io/instance": name,
		"app.kubernetes.io/component": "session-security", "app.kubernetes.io/managed-by": "toolhive-operator",
	}
	s.Annotations = map[string]string{"toolhive.stacklok.dev/purpose": "hmac-secret-for-session-token-binding"}
	return s
}
