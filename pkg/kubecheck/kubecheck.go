// Package kubecheck checks objects as the API server and the kubelet would
// before they are applied: names by kind, namespaces, labels and the pod
// template of a Deployment. It uses apimachinery's validation helpers (the
// API server's own), not all of k8s.io/kubernetes, so it covers what a
// rendered VirtualMCPServer and the objects it reads can get wrong.
package kubecheck

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// NameRule is how the API server validates the name of one kind.
type NameRule struct {
	// Describe names the rule in messages ("a DNS-1123 subdomain").
	Describe string
	Check    func(name string, prefix bool) []string
}

var (
	subdomain   = NameRule{"a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit)", apivalidation.NameIsDNSSubdomain}
	label       = NameRule{"a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)", apivalidation.NameIsDNSLabel}
	label1035   = NameRule{"a DNS-1035 label (lowercase letters, digits and '-', at most 63 characters, starting with a letter and ending with a letter or digit)", apivalidation.NameIsDNS1035Label}
	pathSegment = NameRule{"a path segment (not '.' or '..', without '/' or '%')", func(name string, prefix bool) []string { return content.IsPathSegmentName(name) }}
)

// NameRuleFor returns the name rule of a kind: what the API server applies
// to the core kinds, apps and RBAC by their registry strategies, and to
// custom resources (a DNS-1123 subdomain). For kinds it does not know it
// returns the rule every resource name must meet (a path segment).
func NameRuleFor(apiVersion, kind string) NameRule {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = ""
	}
	switch {
	case group == "" && kind == "Service":
		return label1035
	case group == "" && kind == "Namespace":
		return label
	case group == "" || group == "apps" || group == "toolhive.stacklok.dev":
		return subdomain
	}
	return pathSegment // RBAC kinds too
}

// Namespace checks a namespace name (a DNS-1123 label).
func Namespace(ns string) []string { return apivalidation.ValidateNamespaceName(ns, false) }

// NamespaceRule describes the namespace rule for messages.
var NamespaceRule = label

// PodTemplate checks a Deployment's merged pod template (at fld, e.g.
// spec.template) for what the API server refuses at admission and the
// kubelet refuses at start. Each error's BadValue is the offending name or
// value; Detail says the rule.
func PodTemplate(pts *corev1.PodTemplateSpec, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, metavalidation.ValidateLabels(pts.Labels, fld.Child("metadata", "labels"))...)
	errs = append(errs, apivalidation.ValidateAnnotations(pts.Annotations, fld.Child("metadata", "annotations"))...)
	spec := fld.Child("spec")
	ps := &pts.Spec
	errs = append(errs, metavalidation.ValidateLabels(ps.NodeSelector, spec.Child("nodeSelector"))...)

	volumes := map[string]bool{}
	for i, v := range ps.Volumes {
		p := spec.Child("volumes").Index(i)
		errs = append(errs, dns1123Label(v.Name, p.Child("name"))...)
		if volumes[v.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), v.Name))
		}
		volumes[v.Name] = true
		if n := sources(v.VolumeSource); n != 1 {
			errs = append(errs, field.Invalid(p, v.Name, fmt.Sprintf("a volume has exactly one source, this one has %d (a volume named like one of the operator's merges into it)", n)))
		}
	}
	containers := map[string]bool{}
	check := func(list []corev1.Container, name string) {
		for i := range list {
			errs = append(errs, container(&list[i], spec.Child(name).Index(i), containers, volumes, ps.SecurityContext)...)
		}
	}
	check(ps.InitContainers, "initContainers")
	check(ps.Containers, "containers")
	return errs
}

func container(c *corev1.Container, p *field.Path, seen, volumes map[string]bool, pod *corev1.PodSecurityContext) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, dns1123Label(c.Name, p.Child("name"))...)
	if seen[c.Name] {
		errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
	}
	seen[c.Name] = true
	ports := map[string]bool{}
	for i, port := range c.Ports {
		pp := p.Child("ports").Index(i)
		if port.Name != "" {
			for _, msg := range validation.IsValidPortName(port.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
			}
			if ports[port.Name] {
				errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
			}
			ports[port.Name] = true
		}
		for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
			errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, msg))
		}
	}
	for i, e := range c.Env {
		// The API server's relaxed rule (on by default since Kubernetes
		// 1.32): printable ASCII without '='.
		for _, msg := range validation.IsRelaxedEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(p.Child("env").Index(i).Child("name"), e.Name, msg))
		}
	}
	for i, m := range c.VolumeMounts {
		if !volumes[m.Name] {
			errs = append(errs, field.NotFound(p.Child("volumeMounts").Index(i).Child("name"), m.Name))
		}
	}
	for name, req := range c.Resources.Requests {
		if lim, ok := c.Resources.Limits[name]; ok && req.Cmp(lim) > 0 {
			errs = append(errs, field.Invalid(p.Child("resources", "requests").Key(string(name)), req.String(),
				fmt.Sprintf("must be less than or equal to the %s limit of %s", name, lim.String())))
		}
	}
	// The kubelet refuses to start a container that must run as non-root
	// with user 0; the container's settings override the pod's.
	nonRoot, user := effective(c.SecurityContext, pod)
	if nonRoot != nil && *nonRoot && user != nil && *user == 0 {
		errs = append(errs, field.Invalid(p.Child("securityContext", "runAsUser"), 0,
			"runAsNonRoot is true and runAsUser is 0 (root): the kubelet refuses to start the container"))
	}
	return errs
}

func effective(c *corev1.SecurityContext, pod *corev1.PodSecurityContext) (nonRoot *bool, user *int64) {
	if pod != nil {
		nonRoot, user = pod.RunAsNonRoot, pod.RunAsUser
	}
	if c != nil {
		if c.RunAsNonRoot != nil {
			nonRoot = c.RunAsNonRoot
		}
		if c.RunAsUser != nil {
			user = c.RunAsUser
		}
	}
	return nonRoot, user
}

func dns1123Label(v string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(v) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

// sources counts the volume sources set (each is a pointer field).
func sources(vs corev1.VolumeSource) int {
	n := 0
	rv := reflect.ValueOf(vs)
	for i := range rv.NumField() {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			n++
		}
	}
	return n
}

// Messages joins the API server's messages for a name.
func Messages(msgs []string) string { return strings.Join(slices.Compact(msgs), "; ") }
