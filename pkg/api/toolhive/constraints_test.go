package toolhive

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkedElsewhere are CRD constraints that a rule of their own reports (see
// schema_tables.go); the tables leave them out on purpose.
var checkedElsewhere = map[string]bool{
	"VirtualMCPServer spec.incomingAuth.type enum":                     true,
	"VirtualMCPServer spec.outgoingAuth.source enum":                   true,
	"VirtualMCPServer spec.outgoingAuth.backends{}.type enum":          true,
	"VirtualMCPServer spec.outgoingAuth.default.type enum":             true,
	"VirtualMCPServer spec.serviceType enum":                           true,
	"VirtualMCPServer spec.sessionAffinity enum":                       true,
	"VirtualMCPServer spec.replicas minimum":                           true,
	"VirtualMCPServer spec.sessionStorage.provider enum":               true,
	"VirtualMCPServer spec.config.aggregation.conflictResolution enum": true,
	"VirtualMCPServer spec.config.compositeTools[].steps[].type enum":  true,
	"VirtualMCPCompositeToolDefinition spec.steps[].type enum":         true,
	"VirtualMCPServer spec.groupRef.name minLength":                    true,
	"VirtualMCPServer spec.incomingAuth.oidcConfigRef.name minLength":  true,
	"VirtualMCPServer spec.sessionStorage.address minLength":           true,
}

// crdConstraints collects the structural constraints of a CRD schema by
// schema path, in the tables' form.
func crdConstraints(s map[string]any, path string, out map[string]*constraint) {
	c := &constraint{}
	set := false
	num := func(k string) *int64 {
		switch v := s[k].(type) {
		case int:
			set = true
			return n(int64(v))
		case int64:
			set = true
			return n(v)
		case float64:
			set = true
			return n(int64(v))
		}
		return nil
	}
	if e, ok := s["enum"].([]any); ok {
		for _, v := range e {
			c.enum = append(c.enum, fmt.Sprint(v))
		}
		set = true
	}
	if p, ok := s["pattern"].(string); ok {
		c.pattern, set = p, true
	}
	c.minLength, c.maxLength = num("minLength"), num("maxLength")
	c.minimum, c.maximum = num("minimum"), num("maximum")
	c.minItems, c.maxItems = num("minItems"), num("maxItems")
	c.maxProperties = num("maxProperties")
	switch s["x-kubernetes-list-type"] {
	case "set":
		c.set, set = true, true
	case "map":
		for _, k := range s["x-kubernetes-list-map-keys"].([]any) {
			c.mapKeys = append(c.mapKeys, k.(string))
		}
		set = true
	}
	if set && path != "status" && !(len(path) > 7 && path[:7] == "status.") {
		out[path] = c
	}
	eachChild(s, path, func(cs map[string]any, cp string) { crdConstraints(cs, cp, out) })
}

// eachChild calls visit on the sub-schemas of s with their schema paths:
// properties, list items ("[]") and map values ("{}").
func eachChild(s map[string]any, path string, visit func(s map[string]any, path string)) {
	if props, ok := s["properties"].(map[string]any); ok {
		for k, v := range props {
			visit(v.(map[string]any), childPath(path, k))
		}
	}
	if it, ok := s["items"].(map[string]any); ok {
		visit(it, path+"[]")
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		visit(ap, path+"{}")
	}
}

// describe lists a constraint's rules as "kind path rule" keys.
func describe(kind, path string, c *constraint) map[string]string {
	out := map[string]string{}
	add := func(rule string, v any) {
		if rv := reflect.ValueOf(v); !rv.IsValid() || (rv.Kind() == reflect.Pointer && rv.IsNil()) ||
			(rv.Kind() == reflect.Slice && rv.Len() == 0) || (rv.Kind() == reflect.String && rv.Len() == 0) ||
			(rv.Kind() == reflect.Bool && !rv.Bool()) {
			return
		}
		if p, ok := v.(*int64); ok {
			v = *p
		}
		out[kind+" "+path+" "+rule] = fmt.Sprint(v)
	}
	add("enum", c.enum)
	add("pattern", c.pattern)
	add("minLength", c.minLength)
	add("maxLength", c.maxLength)
	add("minimum", c.minimum)
	add("maximum", c.maximum)
	add("minItems", c.minItems)
	add("maxItems", c.maxItems)
	add("maxProperties", c.maxProperties)
	add("set", c.set)
	add("mapKeys", c.mapKeys)
	return out
}

// TestConstraintsMatchCRDs keeps the constraint tables equal to the v0.62.0
// CRDs of every strictly decoded kind, in both API versions: every rule the
// API server enforces is enforced here (or by a rule of its own), and
// nothing else is.
func TestConstraintsMatchCRDs(t *testing.T) {
	elsewhere := map[string]bool{}
	for _, kind := range strictKinds {
		for _, version := range []string{VersionV1Beta1, VersionV1Alpha1} {
			found := map[string]*constraint{}
			crdConstraints(crdSchema(t, kind, version), "", found)
			want := map[string]string{}
			for p, c := range found {
				for k, v := range describe(kind, p, c) {
					if checkedElsewhere[k] {
						elsewhere[k] = true
					} else {
						want[k] = v
					}
				}
			}
			got := map[string]string{}
			for p, c := range constraintsFor(kind) {
				for k, v := range describe(kind, p, c) {
					got[k] = v
				}
			}
			var keys []string
			for k := range want {
				keys = append(keys, k)
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				assert.Equal(t, want[k], got[k], "%s (%s): table and CRD disagree", k, version)
			}
		}
	}
	for k := range checkedElsewhere {
		assert.True(t, elsewhere[k], "%s is listed as checked elsewhere but is not in the CRDs", k)
	}
}

// TestConstraintChecks shows each kind of rule on a value, with its message.
func TestConstraintChecks(t *testing.T) {
	for name, tc := range map[string]struct {
		c      constraint
		v      any
		want   string
		reason string
	}{
		"enum ok":         {constraint{enum: []string{"a", "b"}}, "b", "", "a listed value"},
		"enum bad":        {constraint{enum: []string{"a", "b"}}, "c", `unsupported value "c": supported values: "a", "b"`, "names what is allowed"},
		"empty":           {constraint{minLength: n(1)}, "", "must not be empty", "minLength 1 reads as required"},
		"too long":        {constraint{maxLength: n(3)}, "abcd", "must be at most 3 characters long, got 4", "length in characters"},
		"runes":           {constraint{maxLength: n(3)}, "äöü", "", "multi-byte characters count once"},
		"pattern":         {constraint{pattern: `^[a-z]+$`, re: mustRE(`^[a-z]+$`)}, "A", `"A" does not match the pattern ^[a-z]+$`, "shows the pattern"},
		"minimum":         {constraint{minimum: n(1)}, int64(0), "must be greater than or equal to 1, got 0", "integer bound"},
		"maximum":         {constraint{maximum: n(50)}, int64(51), "must be less than or equal to 50, got 51", "integer bound"},
		"number in range": {constraint{minimum: n(1), maximum: n(50)}, int64(50), "", "bounds are inclusive"},
	} {
		c := tc.c
		assert.Equal(t, tc.want, c.scalar(tc.v), "%s: %s", name, tc.reason)
	}
	set := &constraint{set: true}
	assert.Equal(t, `items 0 and 2 are both "x"; list entries must be unique`, set.list([]any{"x", "y", "x"}), "a set rejects repeats")
	keyed := &constraint{mapKeys: []string{"name"}}
	assert.Equal(t, "", keyed.list([]any{map[string]any{"name": "a"}, map[string]any{"name": "b"}}), "distinct keys pass")
	assert.Contains(t, keyed.list([]any{map[string]any{"name": "a"}, map[string]any{"name": "a"}}), "items 0 and 1 have the same name=a", "a list-type map rejects a repeated key")
	counted := &constraint{minItems: n(1), maxItems: n(2)}
	assert.Equal(t, "must have at least 1 item(s), got 0", counted.list(nil), "minItems")
	assert.Equal(t, "must have at most 2 items, got 3", counted.list([]any{1, 2, 3}), "maxItems")
	props := &constraint{maxProperties: n(1)}
	assert.Equal(t, "must have at most 1 entries, got 2", props.properties(map[string]any{"a": 1, "b": 2}), "maxProperties")
}

func TestConstraintPatternsCompile(t *testing.T) {
	for _, kind := range strictKinds {
		for p, c := range constraintsFor(kind) {
			if c.pattern != "" {
				assert.NotNil(t, c.re, "%s %s: pattern not compiled", kind, p)
			}
		}
	}
}

func mustRE(p string) *regexp.Regexp { return regexp.MustCompile(p) }

// schemaRule is one pattern or format of a CRD schema, at a schema path.
type schemaRule struct {
	path, pattern, format string
}

// crdRules collects every pattern and format outside status.
func crdRules(s map[string]any, path string, out *[]schemaRule) {
	if path == "status" || strings.HasPrefix(path, "status.") {
		return
	}
	p, _ := s["pattern"].(string)
	f, _ := s["format"].(string)
	if p != "" || f != "" {
		*out = append(*out, schemaRule{path: path, pattern: p, format: f})
	}
	eachChild(s, path, func(cs map[string]any, cp string) { crdRules(cs, cp, out) })
}

// objectAt builds a document holding v at schema path p ("[]" one list
// entry, "{}" one map entry).
func objectAt(p string, v any) map[string]any {
	root := map[string]any{}
	var set func(parent map[string]any, parts []string)
	set = func(parent map[string]any, parts []string) {
		name := parts[0]
		suffix := ""
		if i := strings.IndexAny(name, "[{"); i >= 0 {
			name, suffix = name[:i], name[i:]
		}
		var leaf any = v
		var child map[string]any
		if len(parts) > 1 {
			child = map[string]any{}
			leaf = child
		}
		for i := len(suffix) - 2; i >= 0; i -= 2 {
			switch suffix[i : i+2] {
			case "[]":
				leaf = []any{leaf}
			case "{}":
				leaf = map[string]any{"k": leaf}
			}
		}
		parent[name] = leaf
		if child != nil {
			set(child, parts[1:])
		}
	}
	set(root, strings.Split(p, "."))
	return root
}

// violating is a value that a CRD's pattern or format refuses.
var violating = map[string]any{
	"int32": int64(1) << 31,
	"int64": float64(1 << 63), // 9223372036854775808: one past int64
}

// TestEveryPatternAndFormatEnforced puts a value that breaks each pattern
// and format of the v0.62.0 CRDs (outside status) at its path, alone, and
// requires a schema error for it: a rule the tables lack, or one a type's
// own decoder bypasses (durations), fails here.
func TestEveryPatternAndFormatEnforced(t *testing.T) {
	// Candidates for a string that breaks a pattern; the first that does is
	// used.
	candidates := []string{" not valid%\n", "*", "", "\x00"}
	checked := 0
	for _, kind := range strictKinds {
		var rules []schemaRule
		crdRules(crdSchema(t, kind, VersionV1Beta1), "", &rules)
		checked += len(rules)
		for _, r := range rules {
			var v any
			if r.pattern == "" {
				var ok bool
				v, ok = violating[r.format]
				require.True(t, ok, "%s %s: format %s has no violating value here; add one", kind, r.path, r.format)
			} else {
				re := regexp.MustCompile(r.pattern)
				for _, c := range candidates {
					if !re.MatchString(c) {
						v = c
						break
					}
				}
				require.NotNil(t, v, "no candidate breaks %s; add one", r.pattern)
			}
			_, errs, err := decode(kind, objectAt(r.path, v))
			require.NoError(t, err)
			found := false
			for _, e := range errs {
				if e.Dropped {
					continue
				}
				if r.pattern != "" && strings.Contains(e.Message, "does not match the pattern "+r.pattern) ||
					r.pattern == "" && strings.Contains(e.Message, "out of range") {
					found = true
				}
			}
			assert.True(t, found, "%s %s: the CRD's %s is not enforced; got %v", kind, r.path, orFormat(r), errs)
		}
	}
	assert.Greater(t, checked, 100, "the CRDs' patterns and formats were found")
}

func orFormat(r schemaRule) string {
	if r.pattern != "" {
		return "pattern " + r.pattern
	}
	return "format " + r.format
}
