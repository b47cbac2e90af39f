package fnconfig

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Problem is a function config error at a field path.
type Problem struct {
	Field   string
	Value   any
	Message string
}

// Load reads the function config: none (defaults), a VMCPRender, or a
// ConfigMap whose data keys are the spec field names (for kpt fn eval -- k=v).
// Settings are defaulted; every problem is returned, none is fatal here.
func Load(n *yaml.RNode) (Spec, []Problem) {
	var s Spec
	if n == nil || n.IsNilOrEmpty() {
		s.Default()
		return s, nil
	}
	var probs []Problem
	switch n.GetKind() {
	case Kind:
		if n.GetApiVersion() != APIVersion {
			probs = append(probs, Problem{Field: "apiVersion", Value: n.GetApiVersion(), Message: fmt.Sprintf("apiVersion must be %s", APIVersion)})
		}
		probs = append(probs, decodeTyped(n, &s)...)
	case "ConfigMap":
		probs = append(probs, decodeConfigMap(n, &s)...)
	default:
		probs = append(probs, Problem{Field: "kind", Value: n.GetKind(), Message: fmt.Sprintf("function config must be a %s (%s) or a ConfigMap, not %s", Kind, APIVersion, n.GetKind())})
	}
	s.Default()
	probs = append(probs, s.Validate()...)
	return s, probs
}

func decodeTyped(n *yaml.RNode, s *Spec) []Problem {
	b, err := n.MarshalJSON()
	if err != nil {
		return []Problem{{Message: "function config is not valid YAML: " + err.Error()}}
	}
	var c VMCPRender
	strict, err := sigsjson.UnmarshalStrict(b, &c)
	if err != nil {
		return []Problem{{Message: "function config cannot be decoded: " + err.Error()}}
	}
	var probs []Problem
	for _, e := range strict {
		probs = append(probs, Problem{Field: strictField(e.Error()), Message: e.Error() + "; see the VMCPRender reference for the known fields"})
	}
	*s = c.Spec
	return probs
}

// strictField pulls the path out of sigs.k8s.io/json's `unknown field "a.b"`.
func strictField(msg string) string {
	if i := strings.Index(msg, `"`); i >= 0 {
		if j := strings.LastIndex(msg, `"`); j > i {
			return msg[i+1 : j]
		}
	}
	return ""
}

func decodeConfigMap(n *yaml.RNode, s *Spec) []Problem {
	data := n.GetDataMap()
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var probs []Problem
	for _, k := range keys {
		v := strings.TrimSpace(data[k])
		field := "data." + k
		switch k {
		case "mode":
			s.Mode = v
		case "vmcpImage":
			s.VMCPImage = v
		case "platform":
			s.Platform = v
		case "absentSecrets":
			s.AbsentSecrets = v
		case "hmacSecret":
			s.HMACSecret = v
		case "defaultImagePullSecrets":
			s.DefaultImagePullSecrets = splitList(v)
		case "markConsumedLocalConfig":
			b, err := strconv.ParseBool(v)
			if err != nil {
				probs = append(probs, Problem{Field: field, Value: v, Message: "markConsumedLocalConfig must be true or false"})
			}
			s.MarkConsumedLocalConfig = b
		case "defaultRedisAddr", "defaultRedisSecretName", "defaultRedisSecretKey", "defaultRedisTLSEnabled", "defaultRedisTLSCASecretName", "defaultRedisTLSCASecretKey":
			probs = append(probs, setRedis(s, k, v, field)...)
		default:
			probs = append(probs, Problem{Field: field, Message: fmt.Sprintf("unknown setting %q; known: mode, vmcpImage, platform, absentSecrets, hmacSecret, defaultImagePullSecrets, markConsumedLocalConfig, defaultRedis*", k)})
		}
	}
	return probs
}

func setRedis(s *Spec, k, v, field string) []Problem {
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
			return []Problem{{Field: field, Value: v, Message: "defaultRedisTLSEnabled must be true or false"}}
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
