package fnconfig

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vmcp-render/vmcp-render/pkg/results"

	oaerrors "k8s.io/kube-openapi/pkg/validation/errors"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/input"
)

// Load reads the function config: none (defaults), a VMCPRender, or a
// ConfigMap whose data keys are the spec field names (for kpt fn eval -- k=v).
// Settings are defaulted; every problem is returned (sorted by field), none
// is fatal here.
func Load(n *yaml.RNode) (Spec, []results.Finding) {
	var s Spec
	// Checked first: kyaml's LoadFunctionConfig panics on a nil config.
	if n == nil || n.IsNilOrEmpty() {
		s.Default()
		return s, nil
	}
	if prob := input.Malformed(n); prob != nil {
		// kyaml's accessors would ignore a value of the wrong type (a list
		// where a ConfigMap holds strings) or fail on it.
		s.Default()
		return s, []results.Finding{{Severity: results.Error, Rule: results.FunctionConfig, Field: prob.Field, Message: "the function config is not a well-formed object: " + prob.Msg}}
	}
	var probs []results.Finding
	switch n.GetKind() {
	case Kind:
		if n.GetApiVersion() != APIVersion {
			probs = append(probs, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "apiVersion", CurrentValue: n.GetApiVersion(), Message: fmt.Sprintf("apiVersion must be %s", APIVersion)})
		}
		probs = append(probs, decodeTyped(n, &s)...)
	case "ConfigMap":
		probs = append(probs, decodeConfigMap(n, &s)...)
		s.Default()
		probs = append(probs, s.Validate()...)
	default:
		s.Default()
		probs = append(probs, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: "kind", CurrentValue: n.GetKind(), Message: fmt.Sprintf("function config must be a %s (%s) or a ConfigMap, not %s", Kind, APIVersion, n.GetKind())})
	}
	for i, p := range probs {
		// A schema error (a number, a list) names the type only; every
		// problem with the release says which ones exist.
		if strings.HasSuffix(p.Field, "operatorVersion") && !strings.Contains(p.Message, "supported:") {
			probs[i].Message = p.Message + "; " + operatorVersionMessage("must be")
		}
	}
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].Field != probs[j].Field {
			return probs[i].Field < probs[j].Field
		}
		return probs[i].Message < probs[j].Message
	})
	return s, probs
}

// findingError carries a finding through kyaml's framework, whose Validator hook
// returns an error.
type findingError struct{ results.Finding }

func (p findingError) Error() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Schema, Default and Validate are kyaml's framework hooks
// (ValidationSchemaProvider, Defaulter, Validator), run by
// framework.LoadFunctionConfig in that order.
func (c *VMCPRender) Schema() (*spec.Schema, error) { return Schema(), nil }

// Default applies the defaults of every unset setting.
func (c *VMCPRender) Default() error {
	c.Spec.Default()
	return nil
}

// Validate returns every semantic problem as one composite error.
func (c *VMCPRender) Validate() error {
	probs := c.Spec.Validate()
	if len(probs) == 0 {
		return nil
	}
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = findingError{p}
	}
	return oaerrors.CompositeValidationError(errs...)
}

// decodeTyped loads a VMCPRender through kyaml's framework, so the schema
// rejects unknown fields and wrong types before the struct is filled. When
// decoding fails the framework skips the Default and Validate hooks; they
// are run here again, and problemsOf drops what was already reported.
func decodeTyped(n *yaml.RNode, s *Spec) (probs []results.Finding) {
	// The schema validator works on the JSON form and panics when there is
	// none (duplicate keys, for one): report that instead.
	if _, err := n.MarshalJSON(); err != nil {
		s.Default()
		return []results.Finding{{Severity: results.Error, Rule: results.FunctionConfig, Message: "function config cannot be decoded: " + err.Error()}}
	}
	defer func() {
		if r := recover(); r != nil {
			s.Default()
			probs = []results.Finding{{Severity: results.Error, Rule: results.FunctionConfig, Message: fmt.Sprintf("function config cannot be validated: %v", r)}}
		}
	}()
	var c VMCPRender
	n = withoutNulls(n)
	err := framework.LoadFunctionConfig(n, &c)
	_ = c.Default()
	probs = problemsOf(n, err, c.Validate())
	*s = c.Spec
	return probs
}

// withoutNulls returns a copy without the fields whose value is null: YAML
// writes null for a key whose value is all commented out ("spec:" alone),
// and null means unset.
func withoutNulls(n *yaml.RNode) *yaml.RNode {
	c := n.Copy()
	var strip func(*yaml.Node)
	strip = func(y *yaml.Node) {
		switch y.Kind {
		case yaml.MappingNode:
			kept := y.Content[:0]
			for i := 0; i+1 < len(y.Content); i += 2 {
				v := y.Content[i+1]
				if v.Kind == yaml.ScalarNode && v.Tag == yaml.NodeTagNull {
					continue
				}
				strip(v)
				kept = append(kept, y.Content[i], v)
			}
			y.Content = kept
		case yaml.SequenceNode, yaml.DocumentNode:
			for _, e := range y.Content {
				strip(e)
			}
		}
	}
	strip(c.YNode())
	return c
}

// problemsOf flattens errors of LoadFunctionConfig and the Validator hook
// into problems with a field path. A field reported by the schema is not
// reported again by Validate (an invalid enum would otherwise appear twice),
// nor is the same problem reported twice.
func problemsOf(n *yaml.RNode, errs ...error) []results.Finding {
	var flat []error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		var ce *oaerrors.CompositeError
		if errors.As(e, &ce) {
			for _, sub := range ce.Errors {
				walk(sub)
			}
			return
		}
		flat = append(flat, e)
	}
	for _, e := range errs {
		walk(e)
	}

	var schema, semantic []results.Finding
	for _, e := range flat {
		var p findingError
		var v *oaerrors.Validation
		switch {
		case errors.As(e, &p):
			semantic = append(semantic, p.Finding)
		case errors.As(e, &v):
			p := schemaProblem(n, v)
			if v.Code() == oaerrors.EnumFailCode && hasField(schema, p.Field) {
				continue // a type error on the field says it already
			}
			schema = append(schema, p)
		default:
			schema = append(schema, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Message: "function config cannot be decoded: " + e.Error()})
		}
	}
	byField := map[string]bool{}
	for _, p := range schema {
		byField[p.Field] = true
	}
	seen := map[string]bool{}
	var out []results.Finding
	for i, p := range append(schema, semantic...) {
		k := p.Field + "\x00" + p.Message
		if seen[k] || (i >= len(schema) && byField[p.Field]) {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

func hasField(ps []results.Finding, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// schemaProblem turns an OpenAPI validation error into a problem at the
// offending field (for an unknown field, the field itself), with the value
// read from the config rather than the validator's type name.
func schemaProblem(n *yaml.RNode, v *oaerrors.Validation) results.Finding {
	field := fieldPath(v.Name)
	if v.Code() == oaerrors.UnallowedPropertyCode {
		key := fmt.Sprint(v.Value)
		if field != "" {
			key = field + "." + key
		}
		return results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: key, Message: fmt.Sprintf("unknown field %q; see the VMCPRender reference for the known fields", key)}
	}
	p := results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: field, Message: v.Error()}
	if val, ok := scalarAt(n, v.Name); ok {
		p.CurrentValue = val
	}
	return p
}

// pathSegments splits a validator path ("a.b[0].c", or "a.b.0.c") into
// names and list indexes.
func pathSegments(name string) []any {
	var out []any
	for _, part := range strings.Split(strings.TrimPrefix(name, "."), ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			if i, err := strconv.Atoi(key); err == nil {
				out = append(out, i)
			} else {
				out = append(out, key)
			}
		}
		for rest != "" {
			var idx string
			idx, rest, _ = strings.Cut(rest, "]")
			if i, err := strconv.Atoi(idx); err == nil {
				out = append(out, i)
			}
			rest = strings.TrimPrefix(rest, "[")
		}
	}
	return out
}

// fieldPath writes a validator path as "a.b[0].c".
func fieldPath(name string) string {
	var b strings.Builder
	for _, seg := range pathSegments(name) {
		switch v := seg.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// scalarAt returns the scalar at a validator path, if there is one.
func scalarAt(n *yaml.RNode, name string) (string, bool) {
	if n == nil || name == "" {
		return "", false
	}
	cur := n.YNode()
	for _, seg := range pathSegments(name) {
		switch v := seg.(type) {
		case int:
			if cur.Kind != yaml.SequenceNode || v < 0 || v >= len(cur.Content) {
				return "", false
			}
			cur = cur.Content[v]
		case string:
			if cur.Kind != yaml.MappingNode {
				return "", false
			}
			f := yaml.NewRNode(cur).Field(v)
			if f == nil {
				return "", false
			}
			cur = f.Value.YNode()
		}
	}
	if cur.Kind != yaml.ScalarNode {
		return "", false
	}
	return cur.Value, true
}

func decodeConfigMap(n *yaml.RNode, s *Spec) []results.Finding {
	data := n.GetDataMap()
	var probs []results.Finding
	for _, k := range slices.Sorted(maps.Keys(data)) {
		v := strings.TrimSpace(data[k])
		field := "data." + k
		switch k {
		case "mode":
			s.Mode = v
		case "operatorVersion":
			s.OperatorVersion = v
		case "vmcpImage":
			s.VMCPImage = v
		case "platform":
			s.Platform = v
		case "absentSecrets":
			s.AbsentSecrets = v
		case "hmacSecret":
			s.HMACSecret = v
		case "workloadStatus":
			s.WorkloadStatus = v
		case "defaultImagePullSecrets":
			s.DefaultImagePullSecrets = splitList(v)
		case "markConsumedLocalConfig":
			b, err := strconv.ParseBool(v)
			if err != nil {
				probs = append(probs, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: field, CurrentValue: v, Message: "markConsumedLocalConfig must be true or false"})
			}
			s.MarkConsumedLocalConfig = b
		case "defaultRedisAddr", "defaultRedisSecretName", "defaultRedisSecretKey", "defaultRedisTLSEnabled", "defaultRedisTLSCASecretName", "defaultRedisTLSCASecretKey":
			probs = append(probs, setRedis(s, k, v, field)...)
		default:
			probs = append(probs, results.Finding{Severity: results.Error, Rule: results.FunctionConfig, Field: field, Message: fmt.Sprintf("unknown setting %q; known: mode, operatorVersion, vmcpImage, platform, absentSecrets, hmacSecret, workloadStatus, defaultImagePullSecrets, markConsumedLocalConfig, defaultRedis*", k)})
		}
	}
	return probs
}

func setRedis(s *Spec, k, v, field string) []results.Finding {
	if s.DefaultRedis == nil {
		s.DefaultRedis = &DefaultRedis{}
	}
	r := s.DefaultRedis
	tls := func() *DefaultRedisTLS {
		if r.TLS == nil {
			r.TLS = &DefaultRedisTLS{}
		}
		return r.TLS
	}
	switch k {
	case "defaultRedisAddr":
		r.Addr = v
	case "defaultRedisSecretName":
		r.SecretName = v
	case "defaultRedisSecretKey":
		r.SecretKey = v
	case "defaultRedisTLSEnabled":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return []results.Finding{{Severity: results.Error, Rule: results.FunctionConfig, Field: field, CurrentValue: v, Message: "defaultRedisTLSEnabled must be true or false"}}
		}
		tls().Enabled = b
	case "defaultRedisTLSCASecretName":
		tls().CASecretName = v
	case "defaultRedisTLSCASecretKey":
		tls().CASecretKey = v
	}
	return nil
}

// splitList splits a comma-separated list the way the operator reads
// TOOLHIVE_DEFAULT_IMAGE_PULL_SECRETS: trimmed, empties dropped.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
