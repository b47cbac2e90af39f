package vmcpconfig

import (
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Duration is a time.Duration written as Go's duration string ("1m0s"), the
// way vMCP's config.Duration marshals. In spec.config it is written as a
// duration string ("60s", "5m").
type Duration time.Duration

// MarshalYAML writes the Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// MarshalJSON writes the Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"30s\" or \"5m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: expected a Go duration such as \"30s\" or \"5m\"", s)
	}
	*d = Duration(v)
	return nil
}

// MetaDuration is metav1.Duration: it has no YAML marshaller upstream, so
// yaml.v3 writes it as a mapping `duration: 1m0s`, which this reproduces.
type MetaDuration = metav1.Duration

// JSONMap is a free-form JSON object (JSON Schema, step arguments). Numbers
// decode as float64, as encoding/json does upstream, so they print the same.
type JSONMap map[string]any

// UnmarshalJSON decodes with encoding/json so numbers become float64.
func (m *JSONMap) UnmarshalJSON(b []byte) error {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("must be a JSON object")
	}
	*m = v
	return nil
}

// JSONValue is any free-form JSON value (an output property's default).
type JSONValue struct{ V any }

// IsZero lets omitempty drop an unset value.
func (v JSONValue) IsZero() bool { return v.V == nil }

// MarshalYAML writes the inner value.
func (v JSONValue) MarshalYAML() (any, error) { return v.V, nil }

// MarshalJSON writes the inner value.
func (v JSONValue) MarshalJSON() ([]byte, error) { return json.Marshal(v.V) }

// UnmarshalJSON decodes with encoding/json so numbers become float64.
func (v *JSONValue) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &v.V) }
