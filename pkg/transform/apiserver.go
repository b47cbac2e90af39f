package transform

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
	"github.com/vmcp-render/vmcp-render/pkg/kubecheck"
	"github.com/vmcp-render/vmcp-render/pkg/podspec"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
)

// checkNames applies the API server's name rule of the item's kind to
// metadata.name, and the namespace rule to metadata.namespace; it reports
// whether either failed.
func (p *pipeline) checkNames(n *yaml.RNode, ref results.Ref) bool {
	bad := false
	kind := n.GetKind()
	if name := n.GetName(); name != "" {
		rule := kubecheck.NameRuleFor(n.GetApiVersion(), kind)
		if msgs := rule.Check(name, false); len(msgs) > 0 {
			bad = true
			p.report(ref, results.Finding{Severity: results.Error, Rule: results.NameInvalid, Field: "metadata.name", CurrentValue: name,
				Message: fmt.Sprintf("metadata.name %q is not a valid %s name: %s; the API server refuses it. Use %s",
					input.Printable(name), kind, kubecheck.Messages(msgs), rule.Describe)})
		}
	}
	if ns := n.GetNamespace(); ns != "" {
		if msgs := kubecheck.Namespace(ns); len(msgs) > 0 {
			bad = true
			p.report(ref, results.Finding{Severity: results.Error, Rule: results.NameInvalid, Field: "metadata.namespace", CurrentValue: ns,
				Message: fmt.Sprintf("metadata.namespace %q is not a valid namespace: %s; the API server refuses it. Use %s",
					input.Printable(ns), kubecheck.Messages(msgs), kubecheck.NamespaceRule.Describe)})
		}
	}
	return bad
}

// maxServerName is the longest VirtualMCPServer name whose derived names
// all work: the Service vmcp-<name> is a DNS-1035 label of at most 63
// characters (the tightest of the derived names and the instance label).
const maxServerName = 63 - len("vmcp-")

// checkDerivedNames checks the names the operator derives from the server's
// name with the rule of the object that carries them, and the labels that
// carry it (app.kubernetes.io/instance, toolhive-name: label values).
func checkDerivedNames(name string) []results.Finding {
	derived := []struct {
		what, apiVersion, kind, name string
	}{
		{"Service", "v1", "Service", workload.ServiceName(name)},
		{"ConfigMap", "v1", "ConfigMap", workload.ConfigMapName(name)},
		{"ServiceAccount", "v1", "ServiceAccount", workload.ServiceAccountName(name)},
		{"HMAC Secret", "v1", "Secret", workload.HMACSecretName(name)},
	}
	fix := fmt.Sprintf("names of up to %d characters without '.' work", maxServerName)
	var out []results.Finding
	for _, d := range derived {
		rule := kubecheck.NameRuleFor(d.apiVersion, d.kind)
		if msgs := rule.Check(d.name, false); len(msgs) > 0 {
			out = append(out, results.Finding{Rule: results.DerivedNameInvalid, Field: "metadata.name", CurrentValue: name,
				Message: fmt.Sprintf("the %s name %q, derived from metadata.name, is not %s: %s; the API server would refuse it. Shorten or rename the VirtualMCPServer: %s",
					d.what, input.Printable(d.name), rule.Describe, kubecheck.Messages(msgs), fix)})
		}
	}
	if errs := metavalidation.ValidateLabels(map[string]string{"app.kubernetes.io/instance": name}, field.NewPath("metadata", "labels")); len(errs) > 0 {
		out = append(out, results.Finding{Rule: results.DerivedNameInvalid, Field: "metadata.name", CurrentValue: name,
			Message: fmt.Sprintf("the labels app.kubernetes.io/instance and toolhive-name of the Deployment, its pods and the Service carry metadata.name, which is not a valid label value: %s; %s",
				errs[0].Detail, fix)})
	}
	return out
}

// checkPodTemplate checks the Deployment's merged pod template as the API
// server and the kubelet would, and says where each problem comes from:
// the user's spec.podTemplateSpec (pod-template-spec-invalid, at the user's
// field), or a name the operator derives from a referenced object
// (derived-name-invalid, at the reference).
func checkPodTemplate(pod *podspec.Pod, pts *corev1.PodTemplateSpec, raw []byte) []results.Finding {
	var user corev1.PodTemplateSpec
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &user) // parsed before the merge already
	}
	out := duplicateNames(&user.Spec)
	errs := kubecheck.PodTemplate(pts, field.NewPath("spec", "template"))
	for _, e := range errs {
		if m := containerPath.FindStringSubmatch(e.Field); e.Type == field.ErrorTypeDuplicate && m != nil && m[3] == ".name" {
			continue // a container's own name: duplicateNames says it at the user's field
		}
		fld, derived := userField(pod, e.Field, &pts.Spec, &user.Spec)
		f := results.Finding{Rule: results.PodTemplateSpecInvalid, Field: fld,
			Message: fmt.Sprintf("in the rendered pod template, %s; the API server or the kubelet would refuse it", e.ErrorBody())}
		if derived {
			f.Rule = results.DerivedNameInvalid
			f.Message = fmt.Sprintf("the operator derives %s from this field: %s; the API server would refuse the Deployment. Rename the referenced object", e.Field, e.ErrorBody())
		}
		out = append(out, f)
	}
	return out
}

// duplicateNames finds names given twice in the user's template: the
// strategic merge the operator applies keys these lists by name, so it
// silently keeps one entry of the two.
func duplicateNames(ps *corev1.PodSpec) []results.Finding {
	var out []results.Finding
	dup := func(list string, names []string) {
		first := map[string]int{}
		for i, n := range names {
			if j, ok := first[n]; ok {
				out = append(out, results.Finding{Rule: results.PodTemplateSpecInvalid, Field: fmt.Sprintf("spec.podTemplateSpec.spec.%s[%d].name", list, i), CurrentValue: n,
					Message: fmt.Sprintf("the name %q is also at %s[%d]: the operator's strategic merge keys %s by name and keeps only one of them; rename one", input.Printable(n), list, j, list)})
				continue
			}
			first[n] = i
		}
	}
	names := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range n {
			out[i] = at(i)
		}
		return out
	}
	containers := names(len(ps.Containers), func(i int) string { return ps.Containers[i].Name })
	dup("containers", containers)
	dup("initContainers", names(len(ps.InitContainers), func(i int) string { return ps.InitContainers[i].Name }))
	// Init and regular containers share one namespace of names, which
	// holds the operator's vmcp container too.
	for i, c := range ps.InitContainers {
		if c.Name == workload.ContainerName || slices.Contains(containers, c.Name) {
			out = append(out, results.Finding{Rule: results.PodTemplateSpecInvalid, Field: fmt.Sprintf("spec.podTemplateSpec.spec.initContainers[%d].name", i), CurrentValue: c.Name,
				Message: fmt.Sprintf("the init container name %q is also a container's: containers and init containers share their names, and the API server refuses the Deployment; rename it", input.Printable(c.Name))})
		}
	}
	dup("volumes", names(len(ps.Volumes), func(i int) string { return ps.Volumes[i].Name }))
	for i, c := range ps.Containers {
		dup(fmt.Sprintf("containers[%d].env", i), names(len(c.Env), func(k int) string { return c.Env[k].Name }))
	}
	return out
}

var (
	containerPath = regexp.MustCompile(`^spec\.template\.spec\.(containers|initContainers)\[(\d+)\](.*)$`)
	volumePath    = regexp.MustCompile(`^spec\.template\.spec\.volumes\[(\d+)\](.*)$`)
	listEntry     = regexp.MustCompile(`^\.(env|volumeMounts)\[(\d+)\](.*)$`)
)

// userField maps a field of the merged template to the user's
// spec.podTemplateSpec, matching containers, volumes and env vars by name
// (the strategic merge keys). A problem in what the operator built is
// derived: fld is then the spec field the name comes from, as the pod
// recorded it when it was built.
func userField(pod *podspec.Pod, f string, merged, user *corev1.PodSpec) (fld string, derived bool) {
	const prefix = "spec.podTemplateSpec."
	if m := containerPath.FindStringSubmatch(f); m != nil {
		list, ulist := merged.Containers, user.Containers
		if m[1] == "initContainers" {
			list, ulist = merged.InitContainers, user.InitContainers
		}
		i, _ := strconv.Atoi(m[2])
		c := list[i]
		j := indexOf(len(ulist), func(k int) bool { return ulist[k].Name == c.Name })
		base := fmt.Sprintf("%sspec.%s[%d]", prefix, m[1], j)
		if sub := listEntry.FindStringSubmatch(m[3]); sub != nil {
			k, _ := strconv.Atoi(sub[2])
			var name string
			var uk int
			if sub[1] == "env" {
				name = c.Env[k].Name
				uk = -1
				if j >= 0 {
					uk = indexOf(len(ulist[j].Env), func(x int) bool { return ulist[j].Env[x].Name == name })
				}
			} else {
				name = c.VolumeMounts[k].Name
				uk = -1
				if j >= 0 {
					uk = indexOf(len(ulist[j].VolumeMounts), func(x int) bool { return ulist[j].VolumeMounts[x].Name == name })
				}
			}
			switch {
			case uk >= 0:
				return fmt.Sprintf("%s.%s[%d]%s", base, sub[1], uk, sub[3]), false
			case sub[1] == "env":
				return pod.EnvField(name), true
			}
			return pod.VolumeField(name), true
		}
		if j < 0 {
			return "spec", true
		}
		return base + m[3], false
	}
	if m := volumePath.FindStringSubmatch(f); m != nil {
		i, _ := strconv.Atoi(m[1])
		name := merged.Volumes[i].Name
		j := indexOf(len(user.Volumes), func(k int) bool { return user.Volumes[k].Name == name })
		if j < 0 {
			return pod.VolumeField(name), true
		}
		return fmt.Sprintf("%sspec.volumes[%d]%s", prefix, j, m[2]), false
	}
	return prefix + strings.TrimPrefix(f, "spec.template."), false
}

func indexOf(n int, match func(int) bool) int {
	for i := range n {
		if match(i) {
			return i
		}
	}
	return -1
}
