package transform

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// plantSecrets replaces every value of every Secret in items with a fresh
// random one of n bytes (data and stringData) and returns the values. Short
// values trip the checks that read Secret material (HMAC length, PEM type).
func plantSecrets(t *testing.T, items []*yaml.RNode, n int) []string {
	t.Helper()
	var planted []string
	fresh := func() string {
		b := make([]byte, (n+1)/2)
		_, err := rand.Read(b)
		require.NoError(t, err)
		return ("s3cr" + hex.EncodeToString(b))[:max(n, 8)]
	}
	for _, it := range items {
		if !strings.HasPrefix(kindName(it), "Secret/") {
			continue
		}
		data := map[string]string{}
		for k := range it.GetDataMap() {
			v := fresh()
			planted = append(planted, v)
			data[k] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		if len(data) > 0 {
			it.SetDataMap(data)
		}
		sd, err := it.Pipe(yaml.Lookup("stringData"))
		require.NoError(t, err)
		if sd != nil {
			require.NoError(t, sd.VisitFields(func(f *yaml.MapNode) error {
				v := fresh()
				planted = append(planted, v)
				f.Value.YNode().Value = v
				f.Value.YNode().Style = yaml.DoubleQuotedStyle
				return nil
			}))
		}
	}
	return planted
}

// encodings are the forms a leaked value could take in the output.
func encodings(v string) []string {
	b := []byte(v)
	return []string{v, base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), hex.EncodeToString(b)}
}

// exposed is everything the function writes except the input items: the
// generated objects, the results as they appear in the ResourceList, and the
// stderr lines.
func exposed(t *testing.T, nIn int, out []*yaml.RNode, rs framework.Results) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(yamlString(t, out[nIn:]))
	y, err := sigsyaml.Marshal(rs)
	require.NoError(t, err)
	b.Write(y)
	for _, r := range rs {
		b.WriteString(results.Line(r))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestNoSecretValueLeaks plants random values in every Secret of every
// golden input and every bad-input case, renders them with each absent-Secret
// policy, and proves no value (nor its base64 or hex form) appears in what the
// function writes. It also proves the checks that read Secret material ran.
func TestNoSecretValueLeaks(t *testing.T) {
	inputs := map[string][]*yaml.RNode{}
	for name, b := range goldenInputs(t) {
		inputs[name] = parseDocs(t, string(b))
	}
	for _, tc := range badCases() {
		f := newFixture(t)
		tc.edit(f)
		inputs["case/"+tc.name] = f.list()
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)

	sensitive := map[string]int{}
	secretsSeen := 0
	for _, name := range names {
		for _, size := range []int{12, 48} {
			for _, absent := range []string{fnconfig.AbsentWarn, fnconfig.AbsentError} {
				items := make([]*yaml.RNode, len(inputs[name]))
				for i, n := range inputs[name] {
					items[i] = n.Copy()
				}
				planted := plantSecrets(t, items, size)
				secretsSeen += len(planted)
				spec := fnconfig.Defaults()
				spec.AbsentSecrets = absent
				out, rs := render(t, items, spec)
				text := exposed(t, len(items), out, rs)
				for _, v := range planted {
					for _, enc := range encodings(v) {
						require.NotContains(t, text, enc, "%s (values of %d bytes, absentSecrets %s): a Secret value leaks", name, size, absent)
					}
				}
				for _, r := range rs {
					switch rule := r.Tags["rule"]; rule {
					case "hmac-secret-too-short", "signing-key-not-private-key", "hmac-secret-invalid", "secret-data-not-base64", "secret-key-missing":
						sensitive[rule]++
					}
				}
			}
		}
	}
	require.Greater(t, secretsSeen, 50, "the inputs must carry Secrets for the test to mean anything")
	for _, rule := range []string{"hmac-secret-too-short", "signing-key-not-private-key", "hmac-secret-invalid", "secret-key-missing"} {
		require.Positive(t, sensitive[rule], "no result of rule %s: the checks that read Secret values did not run", rule)
	}
}
