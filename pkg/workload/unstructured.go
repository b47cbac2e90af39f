package workload

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ToUnstructured converts a typed object into a plain map (JSON field names,
// integers as int64) for YAML output. It drops the noise that json.Marshal of
// the k8s types emits for fields the operator never sets: a null
// metadata.creationTimestamp and a top-level status made only of empty maps.
// Everything else, including the operator's serialized `strategy: {}`, is kept.
func ToUnstructured(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", obj, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode %T: %w", obj, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%T is not an object", obj)
	}
	if s, ok := m["status"]; ok && emptyTree(s) {
		delete(m, "status")
	}
	return clean(m).(map[string]any), nil
}

// emptyTree reports whether v is a map holding only (nested) empty maps, such
// as the `status: {loadBalancer: {}}` of a fresh Service.
func emptyTree(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, child := range m {
		if !emptyTree(child) {
			return false
		}
	}
	return true
}

// clean turns json.Number into int64 (or float64 when not integral) and
// removes null creationTimestamp from every metadata map.
func clean(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			t[k] = clean(child)
		}
		if md, ok := t["metadata"].(map[string]any); ok {
			if ts, found := md["creationTimestamp"]; found && ts == nil {
				delete(md, "creationTimestamp")
			}
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = clean(child)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	default:
		return v
	}
}
