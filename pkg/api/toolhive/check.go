package toolhive

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	sigsjson "sigs.k8s.io/json"
)

// normalizer deep-copies an unstructured value into plain JSON values:
// map[string]any, []any, string, bool, int64, uint64 (above MaxInt64),
// float64 and nil. Anything that JSON cannot carry (NaN, channels...) is
// reported and replaced by null.
type normalizer struct {
	errs []fieldError
}

func (n *normalizer) value(v any, path string) any {
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = n.value(e, childPath(path, k))
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks := fmt.Sprint(k)
			out[ks] = n.value(e, childPath(path, ks))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = n.value(e, indexPath(path, i))
		}
		return out
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return uintValue(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return uintValue(x)
	case float32:
		return n.float(float64(x), path)
	case float64:
		return n.float(x, path)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, err := x.Float64()
		if err != nil {
			n.errs = append(n.errs, fieldError{Path: path, Message: fmt.Sprintf("invalid number %q", string(x))})
			return nil
		}
		return n.float(f, path)
	case time.Time:
		// YAML decoders turn unquoted timestamps into time.Time; JSON (and
		// the API server) carries them as RFC 3339 strings.
		return x.UTC().Format(time.RFC3339)
	}
	// Typed maps, slices and structs: let encoding/json shape them.
	data, err := json.Marshal(v)
	if err != nil {
		n.errs = append(n.errs, fieldError{Path: path, Message: "value cannot be represented in JSON"})
		return nil
	}
	var out any
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &out); err != nil {
		n.errs = append(n.errs, fieldError{Path: path, Message: "value cannot be represented in JSON"})
		return nil
	}
	return out
}

func (n *normalizer) float(f float64, path string) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		n.errs = append(n.errs, fieldError{Path: path, Message: "not a finite number"})
		return nil
	}
	return f
}

func uintValue(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return u
}

func childPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// mode is how problems in the current subtree are treated.
type mode struct {
	reportUnknown bool
	// unknownDropped: below a free-form schema node unknown keys are kept by
	// the API server and dropped by the operator.
	unknownDropped bool
	// dropped marks every problem as one the operator ignores (status).
	dropped bool
}

// checker walks a normalised document against a Go type, mirroring what the
// case-sensitive JSON decoder would do, and returns a copy holding only the
// values that decode cleanly. Unlike the decoder it reports every problem,
// with list indices in the paths.
type checker struct {
	info kindInfo
	// rules are the kind's CRD constraints (nil for lenient kinds).
	rules constraints
	errs  []fieldError
}

func newChecker(info kindInfo) *checker {
	return &checker{info: info}
}

func (c *checker) rootMode() mode {
	return mode{reportUnknown: c.info.strict}
}

func typeOf(obj any) reflect.Type {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// hasOwnDecoder reports whether the JSON decoder hands values of t to t's
// own UnmarshalJSON/UnmarshalText.
func hasOwnDecoder(t reflect.Type) bool {
	ju := reflect.TypeFor[json.Unmarshaler]()
	tu := reflect.TypeFor[encoding.TextUnmarshaler]()
	pt := reflect.PointerTo(t)
	return t.Implements(ju) || pt.Implements(ju) || t.Implements(tu) || pt.Implements(tu)
}

func (c *checker) fail(path string, m mode, msg string) {
	c.errs = append(c.errs, fieldError{Path: path, Message: msg, Dropped: m.dropped})
}

// value checks v against t at path (display path) / spath (schema path, with
// "[]" and "{}"). It returns the value to decode and false when the value
// must be left out (null or invalid).
func (c *checker) value(v any, t reflect.Type, path, spath string, m mode) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface {
		return v, true // free-form
	}
	if v == nil {
		// The API server prunes nulls of typed fields; dropping the key
		// leaves the Go zero value, as a missing field would.
		return nil, false
	}
	if hasOwnDecoder(t) {
		// The API server checks the CRD's pattern (a duration's
		// ^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$) before the operator's
		// decoder ever sees the value: "-10s" parses as a Go duration but
		// never reaches it.
		if r := c.rule(spath, m); r != nil {
			if msg := r.scalar(v); msg != "" {
				c.fail(path, m, msg)
				return nil, false
			}
		}
		return c.ownDecoder(v, t, path, m)
	}
	if contains(c.info.freeForm, spath) {
		m.unknownDropped = true
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.object(v, t, path, spath, m)
	case reflect.Map:
		return c.mapValue(v, t, path, spath, m)
	case reflect.Slice, reflect.Array:
		return c.list(v, t, path, spath, m)
	case reflect.String:
		if _, ok := v.(string); !ok {
			c.fail(path, m, "expected string, got "+jsonType(v))
			return nil, false
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			c.fail(path, m, "expected boolean, got "+jsonType(v))
			return nil, false
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if msg := checkNumber(v, t); msg != "" {
			c.fail(path, m, msg)
			return nil, false
		}
	}
	if r := c.rule(spath, m); r != nil {
		if msg := r.scalar(v); msg != "" {
			c.fail(path, m, msg)
			return nil, false
		}
	}
	return v, true
}

// rule is the constraint at spath, or nil; status is never constrained.
func (c *checker) rule(spath string, m mode) *constraint {
	if c.rules == nil || m.dropped {
		return nil
	}
	return c.rules[spath]
}

// ownDecoder runs the type's own decoder (durations, times, quantities, raw
// extensions...) on the value alone, so a failure is pinned to its path.
func (c *checker) ownDecoder(v any, t reflect.Type, path string, m mode) (any, bool) {
	data, err := json.Marshal(v)
	if err == nil {
		err = sigsjson.UnmarshalCaseSensitivePreserveInts(data, reflect.New(t).Interface())
	}
	if err != nil {
		c.fail(path, m, ownDecoderMessage(err))
		return nil, false
	}
	return v, true
}

func ownDecoderMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func (c *checker) object(v any, t reflect.Type, path, spath string, m mode) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.fail(path, m, "expected object, got "+jsonType(v))
		return nil, false
	}
	fields := c.fieldsOf(t)
	preserved := m.unknownDropped || contains(c.info.preserve, spath)
	out := make(map[string]any, len(obj))
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		p := childPath(path, k)
		ft, known := fields[k]
		if !known {
			switch {
			case !m.reportUnknown:
			case preserved:
				c.errs = append(c.errs, fieldError{Path: p, Message: "unknown field, ignored by the operator", Dropped: true, Unknown: true})
			default:
				c.errs = append(c.errs, fieldError{Path: p, Message: "unknown field", Dropped: m.dropped, Unknown: true})
			}
			continue
		}
		cm := m
		if path == "" && k == "status" {
			// Status is read, never validated: unknown fields are ignored
			// and problems only make the value unusable.
			cm = mode{dropped: true}
		}
		if cv, keep := c.value(obj[k], ft, p, childPath(spath, k), cm); keep {
			out[k] = cv
		}
	}
	return out, true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (c *checker) mapValue(v any, t reflect.Type, path, spath string, m mode) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.fail(path, m, "expected object, got "+jsonType(v))
		return nil, false
	}
	if r := c.rule(spath, m); r != nil {
		if msg := r.properties(obj); msg != "" {
			c.fail(path, m, msg)
		}
	}
	out := make(map[string]any, len(obj))
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if cv, keep := c.value(obj[k], t.Elem(), childPath(path, k), spath+"{}", m); keep {
			out[k] = cv
		}
	}
	return out, true
}

func (c *checker) list(v any, t reflect.Type, path, spath string, m mode) (any, bool) {
	if t.Elem().Kind() == reflect.Uint8 {
		// []byte is base64 text in JSON.
		return c.ownDecoder(v, t, path, m)
	}
	items, ok := v.([]any)
	if !ok {
		c.fail(path, m, "expected array, got "+jsonType(v))
		return nil, false
	}
	if t.Kind() == reflect.Array && len(items) > t.Len() {
		c.fail(path, m, fmt.Sprintf("expected at most %d items, got %d", t.Len(), len(items)))
		return nil, false
	}
	if r := c.rule(spath, m); r != nil {
		if msg := r.list(items); msg != "" {
			c.fail(path, m, msg)
		}
	}
	out := make([]any, len(items))
	for i, item := range items {
		// An invalid item becomes null (the zero value) so later indices
		// keep their positions.
		if cv, keep := c.value(item, t.Elem(), indexPath(path, i), spath+"[]", m); keep {
			out[i] = cv
		}
	}
	return out, true
}

// checkNumber returns a message when v does not decode into numeric type t,
// using the same literal the decoder will see.
func checkNumber(v any, t reflect.Type) string {
	switch v.(type) {
	case int64, uint64, float64:
	default:
		return "expected " + numberKind(t) + ", got " + jsonType(v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return "not a finite number"
	}
	lit := string(data)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(lit, 10, t.Bits()); err != nil {
			return integerMessage(lit, t, err)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err := strconv.ParseUint(lit, 10, t.Bits()); err != nil {
			return integerMessage(lit, t, err)
		}
	default:
		if _, err := strconv.ParseFloat(lit, t.Bits()); err != nil {
			return "number " + lit + " out of range for " + t.Kind().String()
		}
	}
	return ""
}

func integerMessage(lit string, t reflect.Type, err error) string {
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return "integer " + lit + " out of range for " + t.Kind().String()
	}
	return "expected integer, got number " + lit
}

func numberKind(t reflect.Type) string {
	if t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 {
		return "number"
	}
	return "integer"
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case int64, uint64, float64:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// fieldsOf maps JSON names to field types the way encoding/json does:
// tagged name or Go name, embedded structs without a name are promoted
// (shallower fields win), "-" and unexported fields are skipped.
// The result is cached for the life of the process (types do not change):
// collecting them per decoded object cost more than the decode itself.
func (c *checker) fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	collectFields(t, out, map[reflect.Type]bool{})
	fieldCache.Store(t, out)
	return out
}

// fieldCache maps a reflect.Type to its read-only fieldsOf map.
var fieldCache sync.Map

func collectFields(t reflect.Type, out map[string]reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := out[name]; !dup {
			out[name] = f.Type
		}
	}
	for _, et := range embedded {
		sub := map[string]reflect.Type{}
		collectFields(et, sub, seen)
		for name, ft := range sub {
			if _, dup := out[name]; !dup {
				out[name] = ft
			}
		}
	}
}
