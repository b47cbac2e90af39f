package transform

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/release"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

func specFor(version string) fnconfig.Spec {
	s := fnconfig.Spec{OperatorVersion: version}
	s.Default()
	return s
}

// caBundleSuffix is what the CABundleRefValidated condition adds to a
// result's message.
var caBundleSuffix = regexp.MustCompile(` \(the operator v[0-9.]+ reports CABundleRefValidated=False: [^)]*\)$`)

// TestReleasesDifferOnlyByTheTable renders every golden input under every
// pair of supported releases: the outputs differ only where the release
// table says (the vMCP image; the CABundleRefValidated tags where the
// release has the condition), and only in messages that name the release.
func TestReleasesDifferOnlyByTheTable(t *testing.T) {
	all := release.All()
	require.GreaterOrEqual(t, len(all), 2)
	normalize := func(s string, r release.Release) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, r.VMCPImage, "<image>"), r.Version, "<release>")
	}
	for name, in := range goldenInputs(t) {
		t.Run(name, func(t *testing.T) {
			items := parseDocs(t, string(in))
			base := all[0]
			out0, rs0 := render(t, items, specFor(base.Version))
			for _, r := range all[1:] {
				out, rs := render(t, items, specFor(r.Version))
				image := func(s string, r release.Release) string { return strings.ReplaceAll(s, r.VMCPImage, "<image>") }
				assert.Equal(t, image(yamlString(t, out0), base), image(yamlString(t, out), r), "%s and %s render differently beyond the image", base.Version, r.Version)
				strip := func(rs framework.Results, rel release.Release) []string {
					var out []string
					for _, x := range sorted(rs) {
						c := *x
						if c.Tags["conditionType"] == "CABundleRefValidated" {
							assert.True(t, rel.CABundleRefCondition, "%s has no CABundleRefValidated condition: %s", rel.Version, results.Line(x))
							tags := map[string]string{}
							for k, v := range c.Tags {
								if k != "conditionType" && k != "reason" {
									tags[k] = v
								}
							}
							c.Tags = tags
							c.Message = caBundleSuffix.ReplaceAllString(c.Message, "")
						}
						out = append(out, normalize(results.Line(&c), rel)+" "+strings.Join(sortedTags(c.Tags), ","))
					}
					return out
				}
				assert.Equal(t, strip(rs0, base), strip(rs, r), "%s and %s give different results beyond the table", base.Version, r.Version)
			}
		})
	}
}

func sortedTags(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// TestCABundleRefCondition: on a release that reports CABundleRefValidated,
// what the function says about an inline MCPOIDCConfig's CA bundle
// ConfigMap carries the condition's type and reason, one result per
// problem; on one that does not, the same result has no such tags. It never
// changes what is rendered.
func TestCABundleRefCondition(t *testing.T) {
	setup := func(f *fixture, cm string) {
		f.add(asOIDC)
		if cm != "" {
			f.add(cm)
		}
		setPath(f.t, f.find("MCPOIDCConfig", "as-oidc"), "spec.inline.caBundleRef", "{configMapRef: {name: idp-ca, key: ca.crt}}")
		f.set("spec.incomingAuth", `{type: oidc, oidcConfigRef: {name: as-oidc, audience: vmcp}}`)
	}
	cases := []struct {
		name, reason, cm, absent string
		sev                      framework.Severity
		rule, reason63, msg63    string
		rendered                 bool
	}{
		{"absent", "the ConfigMap is not in the input: configmap-absent (a warning by default) is the condition's CABundleRefNotFound",
			"", fnconfig.AbsentWarn, results.Warning, "configmap-absent", "CABundleRefNotFound", "CA bundle ConfigMap 'idp-ca' not found in namespace 'toolhive'", true},
		{"absent-error", "with absentSecrets: error the same result is an error",
			"", fnconfig.AbsentError, results.Error, "configmap-absent", "CABundleRefNotFound", "not found in namespace 'toolhive'", false},
		{"key-missing", "the ConfigMap lacks the key: configmap-key-missing (the kubelet would not start the pod) is the condition's CABundleRefInvalid",
			configMap("idp-ca", "other.crt", "x"), fnconfig.AbsentWarn, results.Error, "configmap-key-missing", "CABundleRefInvalid", "Key 'ca.crt' not found in ConfigMap 'idp-ca'", false},
	}
	for _, tc := range cases {
		for _, r := range release.All() {
			t.Run(tc.name+"/"+r.Version, func(t *testing.T) {
				f := newFixture(t)
				setup(f, tc.cm)
				spec := specFor(r.Version)
				spec.AbsentSecrets = tc.absent
				out, rs := render(t, f.list(), spec)
				var about []*framework.Result
				for _, x := range rs {
					if strings.Contains(x.Message, "idp-ca") {
						about = append(about, x)
					}
				}
				require.Len(t, about, 1, "%s: one result per problem\n%s", tc.reason, dump(rs))
				x := about[0]
				assert.Equal(t, tc.sev, x.Severity, tc.reason)
				assert.Equal(t, tc.rule, x.Tags["rule"], tc.reason)
				assert.Equal(t, "spec.incomingAuth.oidcConfigRef.name", x.Field.Path, tc.reason)
				if r.CABundleRefCondition {
					assert.Equal(t, "CABundleRefValidated", x.Tags["conditionType"], tc.reason)
					assert.Equal(t, tc.reason63, x.Tags["reason"], tc.reason)
					assert.Contains(t, x.Message, tc.msg63, tc.reason)
				} else {
					assert.Empty(t, x.Tags["conditionType"], "%s: %s has no such condition", tc.reason, r.Version)
				}
				assert.Equal(t, tc.rendered, renderedServer(out[len(f.list()):], "vmcp"), tc.reason)
			})
		}
	}
	t.Run("present", func(t *testing.T) {
		f := newFixture(t)
		setup(f, configMap("idp-ca", "ca.crt", "x"))
		_, rs := render(t, f.list(), fnconfig.Defaults())
		for _, x := range rs {
			assert.NotEqual(t, "CABundleRefValidated", x.Tags["conditionType"], "a valid CA bundle gives no result: %s", results.Line(x))
		}
	})
}
