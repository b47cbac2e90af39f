package fnconfig

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/results"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/vmcp-render/vmcp-render/pkg/release"
)

// imageRef is the Docker reference grammar (name[:tag][@digest]), enough to
// catch typos such as spaces, upper-case repositories or an empty tag.
var imageRef = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`)

// Validate checks a defaulted Spec.
func (s *Spec) Validate() []results.Finding {
	var p []results.Finding
	enum := func(field, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: field, CurrentValue: v, Message: fmt.Sprintf("%s must be one of: %s", field, strings.Join(allowed, ", "))})
	}
	enum("spec.mode", s.Mode, ModeRender, ModeValidate)
	enum("spec.platform", s.Platform, PlatformKubernetes, PlatformOpenShift)
	enum("spec.absentSecrets", s.AbsentSecrets, AbsentIgnore, AbsentWarn, AbsentError)
	enum("spec.hmacSecret", s.HMACSecret, HMACReference, HMACGenerate)
	enum("spec.workloadStatus", s.WorkloadStatus, WorkloadStatusDerive, WorkloadStatusInput)
	if _, ok := release.Lookup(s.OperatorVersion); !ok {
		p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.operatorVersion", CurrentValue: s.OperatorVersion, Message: operatorVersionMessage(fmt.Sprintf("%q is not", s.OperatorVersion))})
	}
	if !imageRef.MatchString(s.VMCPImage) {
		p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.vmcpImage", CurrentValue: s.VMCPImage, Message: fmt.Sprintf("spec.vmcpImage %q is not a valid image reference (expected registry/repository[:tag][@digest], e.g. %s)", s.VMCPImage, s.Release().VMCPImage)})
	}
	for i, n := range s.DefaultImagePullSecrets {
		if len(validation.IsDNS1123Subdomain(n)) > 0 {
			p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: fmt.Sprintf("spec.defaultImagePullSecrets[%d]", i), CurrentValue: n, Message: fmt.Sprintf("%q is not a valid Secret name", n)})
		}
	}
	if r := s.DefaultRedis; r != nil {
		// The operator refuses to start with these combinations (its
		// TOOLHIVE_DEFAULT_REDIS_* env vars).
		if r.TLS != nil {
			if (r.TLS.CASecretName == "") != (r.TLS.CASecretKey == "") {
				p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.defaultRedis.tls", Message: "spec.defaultRedis.tls.caSecretName and caSecretKey must be set together"})
			}
			if r.TLS.CASecretName != "" && !r.TLS.Enabled {
				p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.defaultRedis.tls.enabled", CurrentValue: false, Message: "spec.defaultRedis.tls.caSecretName requires spec.defaultRedis.tls.enabled: true"})
			}
			if r.TLS.Enabled && r.Addr == "" {
				p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.defaultRedis.addr", Message: "spec.defaultRedis.tls.enabled requires spec.defaultRedis.addr"})
			}
		}
		if r.Addr == "" && r.SecretName != "" {
			p = append(p, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "spec.defaultRedis.addr", Message: "spec.defaultRedis.secretName has no effect without spec.defaultRedis.addr"})
		}
	}
	return p
}

// operatorVersionMessage says which releases are supported.
func operatorVersionMessage(what string) string {
	return fmt.Sprintf("spec.operatorVersion %s a supported ToolHive operator release; supported: %s (set the release your cluster's operator runs)",
		what, strings.Join(release.Versions(), ", "))
}
