// Package podspec computes the vmcp container's environment and volumes from
// a resolved VirtualMCPServer, in the operator's exact order
// (cmd/thv-operator/controllers/virtualmcpserver_deployment.go), and records
// the spec field each comes from. Secrets are only referenced
// (secretKeyRef), never read.
package podspec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/authserver"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
)

// OIDCCABundleVolumePrefix starts the name of the volume that mounts an
// inline MCPOIDCConfig's CA bundle ConfigMap.
const OIDCCABundleVolumePrefix = "oidc-ca-bundle-"

// Pod is the env and volumes of the vmcp container, in the operator's order
// (cmd/thv-operator/controllers/virtualmcpserver_deployment.go), with the
// spec field each env var and volume comes from.
type Pod struct {
	Env          []corev1.EnvVar
	Volumes      []corev1.Volume
	VolumeMounts []corev1.VolumeMount
	// envFields and volumeFields record, by name, where the user fixes a
	// problem with an env var or volume the operator builds.
	envFields, volumeFields map[string]string
}

// EnvField is the spec field the named env var comes from ("spec" for the
// ones every server gets).
func (p *Pod) EnvField(name string) string { return fieldOr(p.envFields, name) }

// VolumeField is the spec field the named volume comes from.
func (p *Pod) VolumeField(name string) string { return fieldOr(p.volumeFields, name) }

func fieldOr(fields map[string]string, name string) string {
	if f, ok := fields[name]; ok {
		return f
	}
	return "spec"
}

// addEnv appends env vars that come from field; the first source of a name
// is kept, as the pod keeps the first of two env vars of one name.
func (p *Pod) addEnv(field string, env ...corev1.EnvVar) {
	if p.envFields == nil {
		p.envFields = map[string]string{}
	}
	for _, e := range env {
		p.Env = append(p.Env, e)
		if _, ok := p.envFields[e.Name]; !ok {
			p.envFields[e.Name] = field
		}
	}
}

func (p *Pod) addVolume(field string, v corev1.Volume, m corev1.VolumeMount) {
	if p.volumeFields == nil {
		p.volumeFields = map[string]string{}
	}
	p.Volumes = append(p.Volumes, v)
	p.VolumeMounts = append(p.VolumeMounts, m)
	if _, ok := p.volumeFields[v.Name]; !ok {
		p.volumeFields[v.Name] = field
	}
}

// Build assembles the env and volumes. Only the auth server part can fail.
func Build(s *resolve.Server, spec fnconfig.Spec) (*Pod, error) {
	v := s.VMCP
	p := &Pod{}
	p.addEnv("spec", literal("VMCP_NAME", v.Name), literal("VMCP_NAMESPACE", s.Namespace))
	if o := inlineOIDC(s); o != nil && o.ClientSecretRef != nil {
		p.addEnv("spec.incomingAuth.oidcConfigRef.name", fromSecret(vmcpconfig.OIDCClientSecretEnv, o.ClientSecretRef))
	}
	p.addEnv("spec.outgoingAuth", outgoingAuthEnv(s)...)
	p.addEnv("spec.groupRef.name", headerForwardEnv(s)...)
	p.addEnv("spec", fromSecret(vmcpconfig.SessionHMACSecretEnv, &toolhive.SecretKeyRef{Name: workload.HMACSecretName(v.Name), Key: workload.HMACSecretKey}))
	p.addEnv("spec.sessionStorage.passwordRef", sessionPasswordEnv(v, spec)...)
	p.addEnv("spec.telemetryConfigRef.name", telemetryEnv(s)...)

	if o := inlineOIDC(s); o != nil && o.CABundleRef != nil && o.CABundleRef.ConfigMapRef != nil && o.CABundleRef.ConfigMapRef.Name != "" {
		cm := o.CABundleRef.ConfigMapRef
		p.addConfigMap("spec.incomingAuth.oidcConfigRef.name", OIDCCABundleVolumePrefix+cm.Name, cm.Name, vmcpconfig.CABundleKey(cm.Key), vmcpconfig.OIDCCABundleDir(cm.Name))
	}
	for _, w := range s.Workloads() {
		if w.Entry == nil || w.Entry.Spec.CABundleRef == nil || w.Entry.Spec.CABundleRef.ConfigMapRef == nil {
			continue
		}
		cm := w.Entry.Spec.CABundleRef.ConfigMapRef
		p.addConfigMap("spec.groupRef.name", entryVolumeName(w.Name), cm.Name, vmcpconfig.CABundleKey(cm.Key), vmcpconfig.EntryCABundleDir(w.Name))
	}
	if tc := telemetryConfig(s); tc != nil && tc.Spec.OpenTelemetry != nil {
		if cb := tc.Spec.OpenTelemetry.CABundleRef; cb != nil && cb.ConfigMapRef != nil && cb.ConfigMapRef.Name != "" {
			cm := cb.ConfigMapRef
			p.addConfigMap("spec.telemetryConfigRef.name", "otel-ca-bundle-"+cm.Name, cm.Name, vmcpconfig.CABundleKey(cm.Key), vmcpconfig.OTelCABundleDir(cm.Name))
		}
	}

	if as := v.Spec.AuthServerConfig; as != nil {
		env, fields := authserver.EnvVars(as)
		for i, e := range env {
			p.addEnv(fields[i], e)
		}
		vols, mounts, fields, err := authserver.Volumes(as)
		if err != nil {
			return nil, err
		}
		for i := range vols {
			p.addVolume(fields[i], vols[i], mounts[i])
		}
	}

	if ref := sessionCA(v, spec); ref != nil {
		mode := int32(0o400)
		p.addVolume("spec.sessionStorage.tls.caCertSecretRef",
			corev1.Volume{Name: "session-redis-tls-ca", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: ref.Name, Items: []corev1.KeyToPath{{Key: ref.Key, Path: "ca.crt"}}, DefaultMode: &mode,
			}}},
			corev1.VolumeMount{Name: "session-redis-tls-ca", MountPath: vmcpconfig.SessionRedisCAPath, SubPath: "ca.crt", ReadOnly: true})
	}
	return p, nil
}

func (p *Pod) addConfigMap(field, volume, cm, key, dir string) {
	p.addVolume(field,
		corev1.Volume{Name: volume, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: cm},
			Items:                []corev1.KeyToPath{{Key: key, Path: key}},
		}}},
		corev1.VolumeMount{Name: volume, MountPath: dir, ReadOnly: true})
}

// entryVolumeName keeps the volume name within 63 characters the way the
// operator does: truncate and add a short hash of the entry name.
func entryVolumeName(entry string) string {
	n := "ca-bundle-" + entry
	if len(n) <= 63 {
		return n
	}
	short := entry
	if len(short) > 44 {
		short = short[:44]
	}
	short = strings.TrimRight(short, "-")
	sum := sha256.Sum256([]byte(entry))
	return "ca-bundle-" + short + "-" + hex.EncodeToString(sum[:])[:8]
}

func literal(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func fromSecret(name string, ref *toolhive.SecretKeyRef) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name}, Key: ref.Key,
	}}}
}

func inlineOIDC(s *resolve.Server) *toolhive.InlineOIDCSharedConfig {
	ia := s.VMCP.Spec.IncomingAuth
	if ia == nil || ia.OIDCConfigRef == nil {
		return nil
	}
	e, ok := s.Object(toolhive.KindMCPOIDCConfig, ia.OIDCConfigRef.Name)
	if !ok || e.Invalid {
		return nil
	}
	o := e.Obj.(*toolhive.MCPOIDCConfig)
	if o.Spec.Type != "inline" {
		return nil
	}
	return o.Spec.Inline
}

func telemetryConfig(s *resolve.Server) *toolhive.MCPTelemetryConfig {
	ref := s.VMCP.Spec.TelemetryConfigRef
	if ref == nil {
		return nil
	}
	e, ok := s.Object(toolhive.KindMCPTelemetryConfig, ref.Name)
	if !ok || e.Invalid {
		return nil
	}
	return e.Obj.(*toolhive.MCPTelemetryConfig)
}

// outgoingAuthEnv is the outgoing-auth secret env: only when spec.outgoingAuth
// is set; workload configs (sorted), then inline backends (sorted), then the
// default. Duplicates across the three parts are kept, as upstream does.
func outgoingAuthEnv(s *resolve.Server) []corev1.EnvVar {
	o := s.VMCP.Spec.OutgoingAuth
	if o == nil {
		return nil
	}
	configEnv := func(name string) []corev1.EnvVar {
		e, ok := s.Object(toolhive.KindMCPExternalAuthConfig, name)
		if !ok || e.Invalid {
			return nil
		}
		a := e.Obj.(*toolhive.MCPExternalAuthConfig)
		var env []corev1.EnvVar
		switch a.Spec.Type {
		case "tokenExchange":
			if t := a.Spec.TokenExchange; t != nil && t.ClientSecretRef != nil {
				env = append(env, fromSecret(vmcpconfig.TokenExchangeSecretEnv(name), t.ClientSecretRef))
			}
		case "headerInjection":
			if h := a.Spec.HeaderInjection; h != nil && h.ValueSecretRef != nil {
				env = append(env, fromSecret(vmcpconfig.HeaderInjectionValueEnv(name), h.ValueSecretRef))
			}
		case "xaa":
			if x := a.Spec.XAA; x != nil {
				if x.IdpClientSecretRef != nil {
					env = append(env, fromSecret(vmcpconfig.XAAIdpSecretEnv(name), x.IdpClientSecretRef))
				}
				if x.TargetClientSecretRef != nil {
					env = append(env, fromSecret(vmcpconfig.XAATargetSecretEnv(name), x.TargetClientSecretRef))
				}
			}
		}
		return env
	}
	byName := func(env []corev1.EnvVar) []corev1.EnvVar {
		sort.SliceStable(env, func(i, j int) bool { return env[i].Name < env[j].Name })
		return env
	}
	var out []corev1.EnvVar
	seen := map[string]bool{}
	var part []corev1.EnvVar
	for _, w := range s.Workloads() {
		if w.ExternalAuthConfig == "" || seen[w.ExternalAuthConfig] {
			continue
		}
		if _, overridden := o.Backends[w.Name]; overridden {
			continue
		}
		seen[w.ExternalAuthConfig] = true
		part = append(part, configEnv(w.ExternalAuthConfig)...)
	}
	out = append(out, byName(part)...)
	if o.Backends != nil {
		seen, part = map[string]bool{}, nil
		for _, k := range slices.Sorted(maps.Keys(o.Backends)) {
			b := o.Backends[k]
			if b.ExternalAuthConfigRef == nil || b.ExternalAuthConfigRef.Name == "" || seen[b.ExternalAuthConfigRef.Name] {
				continue
			}
			seen[b.ExternalAuthConfigRef.Name] = true
			part = append(part, configEnv(b.ExternalAuthConfigRef.Name)...)
		}
		out = append(out, byName(part)...)
	}
	if d := o.Default; d != nil && d.ExternalAuthConfigRef != nil && d.ExternalAuthConfigRef.Name != "" {
		out = append(out, configEnv(d.ExternalAuthConfigRef.Name)...)
	}
	return out
}

// headerForwardEnv is the header-forwarding env: per MCPServerEntry with
// headerForward, a JSON description and one secret env per secret header;
// sorted by name.
func headerForwardEnv(s *resolve.Server) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, w := range s.Workloads() {
		if w.Entry == nil || w.Entry.Spec.HeaderForward == nil {
			continue
		}
		hf := w.Entry.Spec.HeaderForward
		e := vmcpconfig.EnvSuffix(w.Name)
		// The operator marshals vMCP's HeaderForwardConfig struct: the two
		// keys in field order, the header maps inside sorted.
		var desc struct {
			AddPlaintextHeaders  map[string]string `json:"addPlaintextHeaders,omitempty"`
			AddHeadersFromSecret map[string]string `json:"addHeadersFromSecret,omitempty"`
		}
		desc.AddPlaintextHeaders = hf.AddPlaintextHeaders
		for _, h := range hf.AddHeadersFromSecret {
			if h.ValueSecretRef == nil {
				continue
			}
			id := "HEADER_FORWARD_" + vmcpconfig.EnvSuffix(h.HeaderName) + "_" + e
			if desc.AddHeadersFromSecret == nil {
				desc.AddHeadersFromSecret = map[string]string{}
			}
			desc.AddHeadersFromSecret[h.HeaderName] = id
			out = append(out, fromSecret("TOOLHIVE_SECRET_"+id, h.ValueSecretRef))
		}
		if len(desc.AddPlaintextHeaders) > 0 || len(desc.AddHeadersFromSecret) > 0 {
			b, _ := json.Marshal(desc) // maps of strings always marshal
			out = append(out, literal("TOOLHIVE_HEADER_FORWARD_"+e, string(b)))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sessionPasswordEnv is the session Redis password env.
func sessionPasswordEnv(v *toolhive.VirtualMCPServer, spec fnconfig.Spec) []corev1.EnvVar {
	if ss := v.Spec.SessionStorage; ss != nil {
		if ss.Provider == "redis" && ss.PasswordRef != nil {
			return []corev1.EnvVar{fromSecret("THV_SESSION_REDIS_PASSWORD", ss.PasswordRef)}
		}
		return nil
	}
	if r := spec.DefaultRedis; r != nil && r.Addr != "" && r.SecretName != "" {
		return []corev1.EnvVar{fromSecret("THV_SESSION_REDIS_PASSWORD", &toolhive.SecretKeyRef{Name: r.SecretName, Key: r.SecretKey})}
	}
	return nil
}

// sessionCA is the session-redis-tls-ca volume's Secret: spec's TLS CA for
// redis, else the global one.
func sessionCA(v *toolhive.VirtualMCPServer, spec fnconfig.Spec) *toolhive.SecretKeyRef {
	if ss := v.Spec.SessionStorage; ss != nil && ss.Provider == "redis" {
		if ss.TLS != nil && ss.TLS.CACertSecretRef != nil {
			return ss.TLS.CACertSecretRef
		}
		return nil
	}
	if r := spec.DefaultRedis; r != nil && r.Addr != "" && r.TLS != nil && r.TLS.Enabled && r.TLS.CASecretName != "" {
		return &toolhive.SecretKeyRef{Name: r.TLS.CASecretName, Key: r.TLS.CASecretKey}
	}
	return nil
}

// telemetryEnv is the telemetry env.
func telemetryEnv(s *resolve.Server) []corev1.EnvVar {
	tc := telemetryConfig(s)
	if tc == nil {
		return nil
	}
	svc := s.VMCP.Spec.TelemetryConfigRef.ServiceName
	if svc == "" {
		svc = s.VMCP.Name
	}
	out := []corev1.EnvVar{literal("OTEL_RESOURCE_ATTRIBUTES", fmt.Sprintf("service.name=%s,service.namespace=%s", svc, s.Namespace))}
	if o := tc.Spec.OpenTelemetry; o != nil {
		for _, h := range o.SensitiveHeaders {
			if h.SecretKeyRef == nil {
				continue
			}
			name := "TOOLHIVE_OTEL_HEADER_" + strings.ToUpper(strings.ReplaceAll(h.Name, "-", "_"))
			out = append(out, fromSecret(name, h.SecretKeyRef))
		}
	}
	return out
}
