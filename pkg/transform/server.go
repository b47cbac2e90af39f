package transform

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/authserver"
	"github.com/vmcp-render/vmcp-render/pkg/podspec"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/status"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig/convert"
	"github.com/vmcp-render/vmcp-render/pkg/workload"
	"github.com/vmcp-render/vmcp-render/pkg/yamlwrite"
)

// findings collects a server's findings and knows whether any is an error.
type findings struct {
	list   []results.Finding
	failed bool
}

func (f *findings) add(fs ...results.Finding) {
	for _, x := range fs {
		if x.Severity == "" {
			x.Severity = results.Error
		}
		if x.Severity == results.Error {
			f.failed = true
		}
		f.list = append(f.list, x)
	}
}

// render runs the operator's reconcile steps for one server (in the order of
// cmd/thv-operator/controllers/virtualmcpserver_controller.go) and
// returns its objects, or nothing when any step fails; a failed server gets
// one not-rendered summary, added here rather than at each exit.
func (p *pipeline) render(s *server) []*yaml.RNode {
	var f findings
	defer func() {
		if f.failed && !s.invalid {
			f.list = append(f.list, notRendered(s.vmcp.Name))
		}
		for _, x := range f.list {
			p.report(s.ref, x)
		}
	}()
	if s.invalid {
		f.add(results.Finding{Rule: results.NotRendered, Message: fmt.Sprintf("VirtualMCPServer %s is not rendered (no ConfigMap, Deployment, RBAC or Service): fix the errors reported for it first", s.vmcp.Name)})
		return nil
	}
	rs := p.ix.Server(s.vmcp, s.ref, s.ns)
	f.add(p.validate(s, rs)...)
	if f.failed {
		return nil
	}
	return p.build(s, rs, &f)
}

// build is the ConfigMap step on a server whose spec passed every check:
// convert, build the auth server RunConfig, check the two together (what
// needs the converted config), then the objects. It returns nothing when a
// step fails, with the findings in f.
func (p *pipeline) build(s *server, rs *resolve.Server, f *findings) []*yaml.RNode {
	v := s.vmcp
	as := v.Spec.AuthServerConfig
	var podTemplate []byte
	if pt := v.Spec.PodTemplateSpec; pt != nil {
		podTemplate = pt.Raw
	}

	// Convert, build the auth server RunConfig, check them together.
	out := convert.Convert(rs, p.spec)
	f.add(out.Findings...)
	if out.Failed {
		return nil
	}
	cfg := out.Config
	var rc *authserver.RunConfig
	if as != nil {
		in := authserver.Input{Namespace: s.ns, Name: v.Name, Config: as, UpstreamFilter: v.Spec.AuthServerUpstreamFilter}
		if ia := cfg.IncomingAuth; ia != nil && ia.OIDC != nil {
			if ia.OIDC.Resource != "" {
				in.AllowedAudiences = []string{ia.OIDC.Resource}
			}
			in.ScopesSupported = ia.OIDC.Scopes
			in.ResourceURL = ia.OIDC.Resource
		}
		var err error
		if rc, err = authserver.Build(in); err != nil {
			f.add(authserver.BuildErrorFinding(as, err))
			return nil
		}
	}
	ii := authserver.IntegrationInput{UpstreamInject: out.UpstreamInject}
	if ia := cfg.IncomingAuth; ia != nil {
		ii.IncomingAuthType = ia.Type
		if ia.OIDC != nil {
			ii.HasOIDC, ii.OIDCIssuer, ii.OIDCAudience = true, ia.OIDC.Issuer, ia.OIDC.Audience
		}
	}
	if fs := authserver.ValidateAuthServerIntegration(rc, ii); len(fs) > 0 {
		f.add(integrationFindings(fs, rs, cfg, rc, ii)...)
		return nil
	}
	f.add(offlineConfigChecks(cfg, p.spec.Release().Version)...)

	// Serialise each document once; the checksum hashes the same bytes.
	data := map[string]string{}
	b, err := vmcpconfig.Marshal(cfg)
	if err != nil {
		f.add(results.Finding{Rule: results.Internal, Message: "cannot serialise config.yaml: " + err.Error()})
		return nil
	}
	data["config.yaml"] = string(b)
	if rc != nil {
		b, err := vmcpconfig.MarshalYAML(rc)
		if err != nil {
			f.add(results.Finding{Rule: results.Internal, Message: "cannot serialise authserver-config.yaml: " + err.Error()})
			return nil
		}
		data["authserver-config.yaml"] = string(b)
	}

	pod, err := podspec.Build(rs, p.spec)
	if err != nil {
		f.add(results.Finding{Field: "spec.authServerConfig", Rule: results.AuthServerConfigInvalid, Message: err.Error()})
		return nil
	}
	caSum := ""
	if as != nil {
		if caSum, err = authserver.CAChecksum(as, p.caLookup(rs)); err != nil {
			f.add(results.Finding{Field: "spec.authServerConfig", Rule: results.CABundleInvalid, Message: "invalid CA bundle: " + err.Error()})
			return nil
		}
	}
	params := workload.Params{
		Name: v.Name, Namespace: s.ns, Image: p.spec.VMCPImage,
		OpenShift:        p.spec.Platform == fnconfig.PlatformOpenShift,
		Replicas:         v.Spec.Replicas,
		Debug:            cfg.Operational != nil && cfg.Operational.LogLevel == "debug",
		ImagePullSecrets: pullSecretNames(v.Spec.ImagePullSecrets), DefaultImagePullSecrets: p.spec.DefaultImagePullSecrets,
		Env: pod.Env, Volumes: pod.Volumes, VolumeMounts: pod.VolumeMounts,
		ConfigData: data, AuthServerCAChecksum: caSum, PodTemplateSpec: podTemplate,
		ServiceType: v.Spec.ServiceType, SessionAffinity: v.Spec.SessionAffinity,
		OutgoingSource: convert.Source(v),
	}
	params.ServiceAccount = v.Spec.ServiceAccount
	objs, err := workload.Build(params)
	if err != nil {
		f.add(results.Finding{Field: "spec.podTemplateSpec", Rule: results.PodTemplateSpecInvalid, ConditionType: "PodTemplateSpecValid",
			Reason: "InvalidPodTemplateSpec", Message: err.Error()})
		return nil
	}
	f.add(checkPodTemplate(pod, &objs.Deployment.Spec.Template, podTemplate)...)
	f.add(p.checkPodReferences(rs, pod, params)...)
	if f.failed {
		return nil
	}

	all := objs.All()
	if hs := p.hmacSecret(rs, f); hs != nil {
		all = append(all, hs)
	}
	nodes := make([]*yaml.RNode, 0, len(all))
	file, safe := generatedPath(s)
	if !safe {
		f.add(results.Finding{Severity: results.Info, Rule: results.GeneratedPathUnsafe, Field: "metadata.annotations",
			Message: fmt.Sprintf("the rendered objects go to %s: the file beside this VirtualMCPServer (%s, from its path annotation and name) would not be a plain file inside the package", file, s.ref.File)})
	}
	for i, o := range all {
		n, err := toNode(o)
		if err != nil {
			f.add(results.Finding{Rule: results.Internal, Message: "cannot serialise a generated object: " + err.Error()})
			return nil
		}
		_ = n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, file))
		_ = n.PipeE(yaml.SetAnnotation(kioutil.IndexAnnotation, strconv.Itoa(i)))
		nodes = append(nodes, n)
	}
	if cs := p.conflicts(s, nodes, file); len(cs) > 0 {
		f.add(cs...)
		return nil
	}
	p.consumed = append(p.consumed, s.node)
	return nodes
}

// validate is every reconcile step before the objects are built: every
// check of the spec and of what it references before conversion, all
// reported at once (the operator stops at the first).
func (p *pipeline) validate(s *server, rs *resolve.Server) []results.Finding {
	v := s.vmcp
	as := v.Spec.AuthServerConfig
	var f findings
	f.add(authserver.DeprecatedInboundGrantFields(as)...)
	f.add(v.Validate()...)
	f.add(authserver.ValidateAdmission(as, v.Spec.AuthServerUpstreamFilter)...)
	f.add(checkDerivedNames(v.Name)...)
	if pt := v.Spec.PodTemplateSpec; pt != nil && len(pt.Raw) > 0 {
		if err := workload.ParsePodTemplateSpec(pt.Raw); err != nil {
			f.add(results.Finding{Field: "spec.podTemplateSpec", Rule: results.PodTemplateSpecInvalid,
				ConditionType: "PodTemplateSpecValid", Reason: "InvalidPodTemplateSpec",
				Message: workload.PodTemplateSpecConditionMessage(err)})
		}
	}
	f.add(p.checkGroup(rs)...)
	f.add(sharedWorkloadNames(rs)...)
	f.add(p.checkEmbeddingServer(rs)...)
	if as != nil {
		f.add(authserver.ValidateSpec(as)...)
		f.add(authserver.IdentitySynthesis(as)...)
		f.add(authserver.ValidateCABundles(as, s.ns, p.configMapAsCore(rs))...)
	}
	f.add(authserver.ValidateUpstreamFilter(v.Spec.AuthServerUpstreamFilter, as)...)
	if ia := v.Spec.IncomingAuth; ia != nil {
		in := authserver.AuthzInput{AuthzConfigSet: ia.AuthzConfig != nil}
		if ia.AuthzConfig != nil && ia.AuthzConfig.Inline != nil {
			in.InlinePrimaryUpstreamProvider = ia.AuthzConfig.Inline.PrimaryUpstreamProvider
		}
		f.add(authserver.ValidateAuthzCoherence(as, in)...)
	}
	f.add(sessionStorageWarning(v)...)
	f.add(p.checkTelemetry(rs)...)
	f.add(p.checkOperatorSecrets(rs)...)
	if as != nil {
		f.add(authserver.CheckSecretMaterial(as, p.secretValue(rs))...)
	}
	return f.list
}

func notRendered(name string) results.Finding {
	return results.Finding{Rule: results.NotRendered,
		Message: fmt.Sprintf("VirtualMCPServer %s is not rendered (no ConfigMap, Deployment, RBAC or Service) until the errors reported for it are fixed", name)}
}

func toNode(obj any) (*yaml.RNode, error) {
	m, err := workload.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	// Build the nodes directly (see yamlwrite.MapToNode); the text round
	// trip below is the fallback for values it does not model.
	if n, ok := yamlwrite.MapToNode(m); ok {
		return yaml.NewRNode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}), nil
	}
	b, err := sigsyaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
}

func pullSecretNames(refs []corev1.LocalObjectReference) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

// checkGroup checks spec.groupRef: the MCPGroup must exist. Its phase is
// what its controller writes, Ready (it fails only when it cannot list the
// cluster), whatever status the input carries.
func (p *pipeline) checkGroup(rs *resolve.Server) []results.Finding {
	g := rs.Group()
	if g == "" {
		return nil
	}
	e, ok := rs.Object(toolhive.KindMCPGroup, g)
	if !ok {
		return []results.Finding{{Field: "spec.groupRef.name", CurrentValue: g, Rule: results.GroupNotFound,
			ConditionType: "GroupRefValidated", Reason: "GroupRefNotFound",
			Message: fmt.Sprintf("Referenced MCPGroup %s not found; add the MCPGroup to the input or fix spec.groupRef.name", g) + rs.WrongKindHint(toolhive.KindMCPGroup, g)}}
	}
	if e.Malformed {
		// The API server would refuse the group, so the operator would
		// not find it.
		return []results.Finding{{Field: "spec.groupRef.name", CurrentValue: g, Rule: results.GroupNotFound,
			ConditionType: "GroupRefValidated", Reason: "GroupRefNotFound",
			Message: fmt.Sprintf("Referenced MCPGroup %s is in the input but is not a well-formed object (see the error reported for it); the API server would refuse it and the operator would not find it", g)}}
	}
	return nil
}

// checkEmbeddingServer checks spec.embeddingServerRef: existence, then
// readiness, taken from the status in the input (only a running server has
// one).
func (p *pipeline) checkEmbeddingServer(rs *resolve.Server) []results.Finding {
	ref := rs.VMCP.Spec.EmbeddingServerRef
	if ref == nil || ref.Name == "" {
		return nil
	}
	e, ok := rs.Object(toolhive.KindEmbeddingServer, ref.Name)
	if !ok {
		return []results.Finding{{Field: "spec.embeddingServerRef.name", CurrentValue: ref.Name, Rule: results.EmbeddingServerNotFound,
			ConditionType: "EmbeddingServerReady", Reason: "EmbeddingServerNotFound",
			Message: fmt.Sprintf("Referenced EmbeddingServer %s not found; add the EmbeddingServer (with its status) to the input or fix the name", ref.Name) + rs.WrongKindHint(toolhive.KindEmbeddingServer, ref.Name)}}
	}
	if e.Invalid {
		// Malformed (the API server refuses it), schema errors, or two
		// copies: no status of it may be used, derived or not.
		return []results.Finding{{Field: "spec.embeddingServerRef.name", CurrentValue: ref.Name, Rule: results.EmbeddingServerInvalid,
			Message: fmt.Sprintf("Referenced EmbeddingServer %s is in the input but cannot be used (see the errors reported for it); fix it", ref.Name)}}
	}
	st := e.Obj.(*toolhive.EmbeddingServer).Status
	if e.DerivedURL != "" {
		return []results.Finding{status.Derived("spec.embeddingServerRef.name", toolhive.KindEmbeddingServer, ref.Name, e.DerivedURL)}
	}
	switch {
	case st.Phase == "Failed":
		return []results.Finding{{Field: "spec.embeddingServerRef.name", CurrentValue: ref.Name, Rule: results.EmbeddingServerFailed,
			Message: fmt.Sprintf("EmbeddingServer %s has failed; fix it (see its status) or remove spec.embeddingServerRef", ref.Name)}}
	case st.Phase != "Ready" || st.ReadyReplicas == 0 || st.URL == "":
		return []results.Finding{{Field: "spec.embeddingServerRef.name", CurrentValue: ref.Name, Rule: results.EmbeddingServerNotReady,
			ConditionType: "EmbeddingServerReady", Reason: "EmbeddingServerNotReady",
			Message: fmt.Sprintf("EmbeddingServer is not yet ready: the operator waits for EmbeddingServer %s (status.phase Ready, readyReplicas > 0, status.url) before it renders; include its status in the input once it runs", ref.Name)}}
	}
	return nil
}

// sessionStorageWarning is the SessionStorageWarning advisory.
func sessionStorageWarning(v *toolhive.VirtualMCPServer) []results.Finding {
	if v.Spec.Replicas == nil || *v.Spec.Replicas <= 1 {
		return nil
	}
	if ss := v.Spec.SessionStorage; ss != nil && ss.Provider == "redis" {
		return nil
	}
	return []results.Finding{{Severity: results.Warning, Field: "spec.sessionStorage.provider", Rule: results.SessionStorageMissingForReplicas,
		ConditionType: "SessionStorageWarning", Reason: "SessionStorageMissingForReplicas",
		Message: "replicas > 1 but sessionStorage.provider is not redis; sessions are not shared across replicas"}}
}

// secretValue gives the auth server checks read access to Secret values.
func (p *pipeline) secretValue(rs *resolve.Server) func(name, key string) ([]byte, bool) {
	return func(name, key string) ([]byte, bool) {
		d, ok := rs.Secret(name)
		if !ok {
			return nil, false
		}
		v, ok := d.Values[key]
		return v, ok
	}
}

func (p *pipeline) caLookup(rs *resolve.Server) func(name, key string) ([]byte, bool) {
	return func(name, key string) ([]byte, bool) {
		d, ok := rs.ConfigMap(name)
		if !ok {
			return nil, false
		}
		return d.Get(key)
	}
}

func (p *pipeline) configMapAsCore(rs *resolve.Server) func(string) (*corev1.ConfigMap, bool) {
	return func(name string) (*corev1.ConfigMap, bool) {
		d, ok := rs.ConfigMap(name)
		if !ok {
			return nil, false
		}
		cm := &corev1.ConfigMap{Data: map[string]string{}, BinaryData: map[string][]byte{}}
		cm.Name, cm.Namespace = name, rs.Namespace
		for k, v := range d.Values {
			cm.Data[k] = string(v)
		}
		for k, v := range d.Binary {
			cm.BinaryData[k] = v
		}
		return cm, true
	}
}

// hmacSecret handles <name>-hmac-secret: by default it is referenced and
// must come from elsewhere (warned about when absent, checked when present);
// with hmacSecret: generate a random one is emitted.
func (p *pipeline) hmacSecret(rs *resolve.Server, f *findings) *corev1.Secret {
	name := workload.HMACSecretName(rs.Name())
	if d, ok := rs.Secret(name); ok {
		if msg := checkHMACSecret(d); msg != "" {
			// The fault is in the Secret, so the result is about it.
			p.report(d.Ref, results.Finding{Severity: results.Warning, Field: "data.hmac-secret", Rule: results.HMACSecretInvalid,
				Message: fmt.Sprintf("Secret %s: %s; the operator would refuse it (existing HMAC secret validation failed). Recreate it with 32 random bytes, base64-encoded, under key hmac-secret", name, msg)})
		} else if !p.spec.MarkConsumedLocalConfig {
			// The operator creates this Secret itself and refuses one it
			// does not own, which a Secret from Git never is.
			p.report(d.Ref, results.Finding{Severity: results.Info, Field: "metadata.ownerReferences", Rule: results.HMACSecretNotOwned,
				Message: fmt.Sprintf("Secret %s is for applying the rendered objects without the operator; where the ToolHive operator reconciles VirtualMCPServer %s it refuses a Secret of this name that it did not create (secret is not owned by VirtualMCPServer %s/%s), so leave it out there", name, rs.Name(), rs.Namespace, rs.Name())})
		}
		return nil
	}
	if p.spec.HMACSecret == fnconfig.HMACGenerate {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			f.add(results.Finding{Rule: results.HMACSecretGenerate, Message: "cannot generate the HMAC secret: " + err.Error()})
			return nil
		}
		f.add(results.Finding{Severity: results.Warning, Rule: results.HMACSecretGenerated,
			Message: fmt.Sprintf("generated Secret %s with a random value (hmacSecret: generate): the output is not deterministic and every render rotates it; prefer creating it once out of band", name)})
		return workload.HMACSecret(rs.Name(), rs.Namespace, raw)
	}
	f.add(results.Finding{Severity: results.Warning, Field: "metadata.name", Rule: results.HMACSecretAbsent,
		Message: fmt.Sprintf("Secret %s (key hmac-secret) is referenced by the Deployment but is not in the input; the operator would generate it, this function does not (output must be deterministic). Where the operator reconciles this server it creates the Secret itself; to apply the rendered objects without it, create it once: kubectl -n %s create secret generic %s --from-literal=hmac-secret=\"$(openssl rand -base64 32)\", or set hmacSecret: generate", name, rs.Namespace, name)})
	return nil
}

// checkHMACSecret applies the operator's validation of an existing HMAC Secret
// (minus ownership, which offline inputs cannot carry).
func checkHMACSecret(d *resolve.Data) string {
	v, ok := d.Values[workload.HMACSecretKey]
	switch {
	case !ok:
		return "secret missing required 'hmac-secret' key"
	case len(v) == 0:
		return "hmac-secret is empty"
	}
	raw, err := base64.StdEncoding.DecodeString(string(v))
	if err != nil {
		return "hmac-secret is not valid base64"
	}
	if len(raw) != 32 {
		return fmt.Sprintf("hmac-secret must be exactly 32 bytes, got %d bytes", len(raw))
	}
	for _, c := range raw {
		if c != 0 {
			return ""
		}
	}
	return "hmac-secret is all zeros (weak key)"
}
