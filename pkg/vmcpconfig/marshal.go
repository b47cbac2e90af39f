package vmcpconfig

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// Marshal writes config.yaml exactly as the operator does: yaml.v3's Marshal
// (4-space indent, its quoting and its map key order).
func Marshal(c *Config) ([]byte, error) { return MarshalYAML(c) }

// MarshalYAML is yaml.v3 Marshal for any of the operator's documents.
func MarshalYAML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(4)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
