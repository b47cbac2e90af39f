package vmcpconfig

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMarshalRules pins the yaml.v3 serialisation rules that the golden
// cases rely on: durations, free-form JSON numbers, omitempty and quoting.
func TestMarshalRules(t *testing.T) {
	var tool CompositeToolConfig
	require.NoError(t, json.Unmarshal([]byte(`{"name":"t","timeout":"60s","steps":[{"id":"s","arguments":{"n":1000000,"r":0.05,"k":"{{.params.id}}"}}]}`), &tool))
	cfg := &Config{
		Name:           "x",
		CompositeTools: []CompositeToolConfig{tool},
		SessionStorage: &SessionStorageConfig{Provider: "redis", KeyPrefix: "vmcp:shared:", TLS: &RedisTLSConfig{}},
		Metadata:       map[string]string{"y": "n", "b10": "1", "b2": "2"},
	}
	b, err := Marshal(cfg)
	require.NoError(t, err)
	assert.Equal(t, `name: x
compositeTools:
    - name: t
      timeout: 1m0s
      steps:
        - id: s
          arguments:
            k: '{{.params.id}}'
            "n": 1e+06
            r: 0.05
metadata:
    b2: "2"
    b10: "1"
    "y": "n"
sessionStorage:
    provider: redis
    keyPrefix: 'vmcp:shared:'
    tls: {}
`, string(b), "60s prints as 1m0s; JSON numbers are float64 ('g' format); keys in natural order; y/n quoted; trailing ':' quoted; a non-nil empty struct pointer prints {}")
}

func TestDurationRejectsGarbage(t *testing.T) {
	var d Duration
	assert.Error(t, json.Unmarshal([]byte(`"soon"`), &d), "not a Go duration")
	assert.Error(t, json.Unmarshal([]byte(`5`), &d), "numbers are not durations in the CRD")
	require.NoError(t, json.Unmarshal([]byte(`"1h30m"`), &d))
	v, _ := d.MarshalYAML()
	assert.Equal(t, "1h30m0s", v)
}
