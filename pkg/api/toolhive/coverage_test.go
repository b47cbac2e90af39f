package toolhive

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// strictKinds are decoded strictly, so every spec field of their schema must
// exist in the Go types (including vmcpconfig.Config under spec.config and
// the embedded auth server types).
var strictKinds = []string{
	KindVirtualMCPServer, KindMCPExternalAuthConfig, KindMCPOIDCConfig, KindMCPAuthzConfig,
	KindMCPTelemetryConfig, KindMCPToolConfig, KindVirtualMCPCompositeToolDefinition,
}

func TestStrictKindsMatchDecoder(t *testing.T) {
	for _, k := range Kinds() {
		want := false
		for _, s := range strictKinds {
			want = want || s == k
		}
		if IsStrict(k) != want {
			t.Errorf("IsStrict(%s) = %v, want %v", k, IsStrict(k), want)
		}
	}
}

// schemaWalker compares a CRD schema with a Go type.
type schemaWalker struct {
	t    *testing.T
	c    *checker
	seen map[string]bool // Go paths found in the schema (for the reverse check)
	errs []string
}

func (w *schemaWalker) fail(format string, args ...any) {
	w.errs = append(w.errs, sprintf(format, args...))
}

func (w *schemaWalker) walk(s map[string]any, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	w.seen[path] = true
	props, _ := s["properties"].(map[string]any)
	preserve, _ := s["x-kubernetes-preserve-unknown-fields"].(bool)
	if preserve && len(props) == 0 {
		if contains(w.c.info.freeForm, path) {
			return // a typed (recursive) Go struct; see kindInfo.freeForm
		}
		// Free-form: the Go type must accept any JSON.
		if !(t.Kind() == reflect.Interface || hasOwnDecoder(t) ||
			(t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Interface)) {
			w.fail("%s: free-form in the schema but Go type %s is not", path, t)
		}
		return
	}
	if hasOwnDecoder(t) {
		// Durations, times, quantities: the type decodes its own scalar.
		if len(props) > 0 {
			w.fail("%s: object with properties but Go type %s decodes itself", path, t)
		}
		return
	}
	typ, _ := s["type"].(string)
	switch {
	case len(props) > 0:
		if t.Kind() != reflect.Struct {
			w.fail("%s: object in the schema, Go type %s", path, t)
			return
		}
		fields := w.c.fieldsOf(t)
		for _, name := range slices.Sorted(maps.Keys(props)) {
			ft, ok := fields[name]
			if !ok {
				w.fail("%s.%s: no Go field in %s", path, name, t)
				continue
			}
			ps, _ := props[name].(map[string]any)
			w.walk(ps, ft, path+"."+name)
		}
	case s["additionalProperties"] != nil:
		if t.Kind() != reflect.Map {
			w.fail("%s: map in the schema, Go type %s", path, t)
			return
		}
		ap, _ := s["additionalProperties"].(map[string]any)
		w.walk(ap, t.Elem(), path+"{}")
	case typ == "array":
		if t.Kind() != reflect.Slice {
			w.fail("%s: array in the schema, Go type %s", path, t)
			return
		}
		items, _ := s["items"].(map[string]any)
		w.walk(items, t.Elem(), path+"[]")
	case typ == "object":
		if t.Kind() != reflect.Struct && t.Kind() != reflect.Map && t.Kind() != reflect.Interface {
			w.fail("%s: object in the schema, Go type %s", path, t)
		}
	case typ == "string":
		if t.Kind() != reflect.String {
			w.fail("%s: string in the schema, Go type %s", path, t)
		}
	case typ == "boolean":
		if t.Kind() != reflect.Bool {
			w.fail("%s: boolean in the schema, Go type %s", path, t)
		}
	case typ == "integer":
		format, _ := s["format"].(string)
		k := t.Kind()
		switch format {
		case "int32":
			if k != reflect.Int32 {
				w.fail("%s: int32 in the schema, Go type %s", path, t)
			}
		case "int64":
			if k != reflect.Int64 {
				w.fail("%s: int64 in the schema, Go type %s", path, t)
			}
		default:
			if k != reflect.Int && k != reflect.Int64 {
				w.fail("%s: integer in the schema, Go type %s", path, t)
			}
		}
	case typ == "number":
		if t.Kind() != reflect.Float64 && t.Kind() != reflect.Float32 {
			w.fail("%s: number in the schema, Go type %s", path, t)
		}
	}
}

// goFieldPaths lists every JSON path the Go type declares (reverse check),
// stopping at types that decode themselves and at free-form values.
func goFieldPaths(c *checker, t reflect.Type, path string, out map[string]bool, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out[path] = true
	if depth > 12 || hasOwnDecoder(t) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for name, ft := range c.fieldsOf(t) {
			goFieldPaths(c, ft, path+"."+name, out, depth+1)
		}
	case reflect.Map:
		goFieldPaths(c, t.Elem(), path+"{}", out, depth+1)
	case reflect.Slice:
		goFieldPaths(c, t.Elem(), path+"[]", out, depth+1)
	}
}

func TestSpecFieldCoverage(t *testing.T) {
	for _, kind := range strictKinds {
		t.Run(kind, func(t *testing.T) {
			ki, _ := lookupKind(kind)
			c := newChecker(ki)
			root := crdSchema(t, kind, VersionV1Beta1)
			st, ok := typeOf(ki.newObject()).FieldByName("Spec")
			if !ok {
				t.Fatalf("%s has no Spec", kind)
			}
			w := &schemaWalker{t: t, c: c, seen: map[string]bool{}}
			w.walk(prop(root, "spec"), st.Type, "spec")
			for _, e := range w.errs {
				t.Error(e)
			}

			// Reverse: a Go field the schema does not know could never be
			// set and usually means a misspelt json tag.
			goPaths := map[string]bool{}
			goFieldPaths(c, st.Type, "spec", goPaths, 0)
			var extra []string
			for p := range goPaths {
				if !w.seen[p] && !underAny(p, ki.freeForm) {
					extra = append(extra, p)
				}
			}
			sort.Strings(extra)
			for _, p := range extra {
				t.Errorf("%s: Go field not in the %s schema", p, kind)
			}
		})
	}
}

func underAny(p string, prefixes []string) bool {
	for _, pre := range prefixes {
		if strings.HasPrefix(p, pre+".") || strings.HasPrefix(p, pre+"{}") || strings.HasPrefix(p, pre+"[]") {
			return true
		}
	}
	return false
}

// The preserve list of each kind must be exactly its schema's
// x-kubernetes-preserve-unknown-fields objects that have typed properties:
// those are the only places where an unknown key is kept by the API server.
func TestPreservePathsMatchSchema(t *testing.T) {
	for _, kind := range strictKinds {
		t.Run(kind, func(t *testing.T) {
			var got, free []string
			var walk func(s map[string]any, path string)
			walk = func(s map[string]any, path string) {
				props, _ := s["properties"].(map[string]any)
				if p, _ := s["x-kubernetes-preserve-unknown-fields"].(bool); p && len(props) > 0 {
					got = append(got, path)
				} else if p {
					free = append(free, path)
				}
				for _, k := range slices.Sorted(maps.Keys(props)) {
					ps, _ := props[k].(map[string]any)
					walk(ps, path+"."+k)
				}
				if items, ok := s["items"].(map[string]any); ok {
					walk(items, path+"[]")
				}
				if ap, ok := s["additionalProperties"].(map[string]any); ok {
					walk(ap, path+"{}")
				}
			}
			walk(prop(crdSchema(t, kind, VersionV1Beta1), "spec"), "spec")
			ki, _ := lookupKind(kind)
			want := append([]string(nil), ki.preserve...)
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("preserve paths: schema has %v, decoder has %v", got, want)
			}
			// Every freeForm path is a free-form schema node.
			for _, f := range ki.freeForm {
				if !contains(free, f) {
					t.Errorf("freeForm path %s is not a free-form node of the schema (%v)", f, free)
				}
			}
		})
	}
}

// The v1alpha1 schemas must equal v1beta1 apart from descriptions, since one
// Go type serves both.
func TestV1Alpha1SchemaEqualsV1Beta1(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := stripDescriptions(crdSchema(t, kind, VersionV1Alpha1))
			b := stripDescriptions(crdSchema(t, kind, VersionV1Beta1))
			if !reflect.DeepEqual(a, b) {
				t.Errorf("v1alpha1 and v1beta1 schemas of %s differ", kind)
			}
		})
	}
}

func stripDescriptions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "description" {
				out[k] = stripDescriptions(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stripDescriptions(e)
		}
		return out
	}
	return v
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
