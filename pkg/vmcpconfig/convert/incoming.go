package convert

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/resolve"
	"github.com/vmcp-render/vmcp-render/pkg/results"
	"github.com/vmcp-render/vmcp-render/pkg/vmcpconfig"
)

// serviceAccountCA is the in-cluster CA used for Kubernetes service account tokens.
const serviceAccountCA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

// DefaultResourceURL is the resource URL the operator derives when the
// reference sets none: it uses the CR name, not the Service name (upstream quirk).
func DefaultResourceURL(name, ns string) string {
	return fmt.Sprintf("http://%s.%s.svc.cluster.local:4483", name, ns)
}

func (c *converter) incomingAuth() (*vmcpconfig.IncomingAuthConfig, bool) {
	in := c.s.VMCP.Spec.IncomingAuth
	ia := &vmcpconfig.IncomingAuthConfig{Type: in.Type}
	if in.OIDCConfigRef != nil {
		oidc, ok := c.oidc(in.OIDCConfigRef)
		if !ok {
			return nil, false
		}
		ia.OIDC = oidc
	}
	if in.AuthzConfig != nil && in.AuthzConfigRef != nil {
		c.fail(results.Finding{Field: "spec.incomingAuth.authzConfigRef", Rule: results.AuthzMutuallyExclusive,
			Message: "authzConfig and authzConfigRef are mutually exclusive; use authzConfigRef to reference a shared MCPAuthzConfig, or remove it and keep authzConfig"})
		return nil, false
	}
	var authz *vmcpconfig.AuthzConfig
	var ok bool
	switch {
	case in.AuthzConfig != nil:
		authz, ok = c.inlineAuthz(in.AuthzConfig)
	case in.AuthzConfigRef != nil:
		authz, ok = c.authzRef(in.AuthzConfigRef.Name)
	default:
		return ia, true
	}
	if !ok {
		return nil, false
	}
	if !c.primaryUpstream(authz) {
		return nil, false
	}
	ia.Authz = authz
	return ia, true
}

// oidc resolves spec.incomingAuth.oidcConfigRef through its MCPOIDCConfig.
func (c *converter) oidc(ref *toolhive.MCPOIDCConfigReference) (*vmcpconfig.OIDCConfig, bool) {
	const field = "spec.incomingAuth.oidcConfigRef.name"
	ns := c.s.Namespace
	e, ok := c.s.Object(toolhive.KindMCPOIDCConfig, ref.Name)
	if !ok {
		c.fail(results.Finding{Field: field, CurrentValue: ref.Name, Rule: results.OIDCConfigNotFound,
			ConditionType: "OIDCConfigRefValidated", Reason: "OIDCConfigRefNotFound",
			Message: fmt.Sprintf("MCPOIDCConfig %s not found: failed to get MCPOIDCConfig %s/%s: %s; add the MCPOIDCConfig to the input or fix the name",
				ref.Name, ns, ref.Name, resolve.NotFound(toolhive.KindMCPOIDCConfig, ref.Name)) + c.s.WrongKindHint(toolhive.KindMCPOIDCConfig, ref.Name)})
		return nil, false
	}
	if e.Invalid {
		c.fail(results.Finding{Field: field, CurrentValue: ref.Name, Rule: results.OIDCConfigInvalid,
			ConditionType: "OIDCConfigRefValidated", Reason: "OIDCConfigRefNotValid",
			Message: fmt.Sprintf("MCPOIDCConfig %s is not valid: see its own error results", ref.Name)})
		return nil, false
	}
	o := e.Obj.(*toolhive.MCPOIDCConfig)
	// Valid is what the MCPOIDCConfig controller writes, whatever status
	// the input carries.
	if err := o.Validate(); err != nil {
		msg := ": " + err.Error()
		c.fail(results.Finding{Field: field, CurrentValue: ref.Name, Rule: results.OIDCConfigInvalid,
			ConditionType: "OIDCConfigRefValidated", Reason: "OIDCConfigRefNotValid",
			Message: fmt.Sprintf("MCPOIDCConfig %s is not valid%s", ref.Name, msg)})
		return nil, false
	}
	resource := ref.ResourceURL
	if resource == "" {
		resource = DefaultResourceURL(c.s.Name(), ns)
	}
	out := &vmcpconfig.OIDCConfig{Audience: ref.Audience, Resource: resource}
	if len(ref.Scopes) > 0 {
		out.Scopes = append([]string(nil), ref.Scopes...)
	}
	fail := func(path, msg string) (*vmcpconfig.OIDCConfig, bool) {
		c.fail(results.Finding{Field: field, CurrentValue: ref.Name, Rule: results.OIDCConfigInvalid,
			ConditionType: "OIDCConfigRefValidated", Reason: "OIDCConfigRefNotValid",
			Message: fmt.Sprintf("failed to create vmcp Config from VirtualMCPServer: failed to convert incoming auth: OIDC resolution failed from MCPOIDCConfig %q: %s (fix %s of MCPOIDCConfig %s)", ref.Name, msg, path, ref.Name)})
		return nil, false
	}
	switch o.Spec.Type {
	case "inline":
		in := o.Spec.Inline
		if in == nil {
			return fail("spec.inline", "inline configuration is required when type is inline")
		}
		out.Issuer = in.Issuer
		out.ClientID = in.ClientID
		out.JwksURL = in.JwksURL
		out.IntrospectionURL = in.IntrospectionURL
		out.ProtectedResourceAllowPrivateIP = in.ProtectedResourceAllowPrivateIP
		out.JwksAllowPrivateIP = in.JwksAllowPrivateIP
		out.InsecureAllowHTTP = in.InsecureAllowHTTP
		if in.ClientSecretRef != nil {
			out.ClientSecretEnv = vmcpconfig.OIDCClientSecretEnv
		}
		if cb := in.CABundleRef; cb != nil {
			if cb.ConfigMapRef == nil {
				return fail("spec.inline.caBundleRef", "caBundleRef.configMapRef must be specified")
			}
			if cb.ConfigMapRef.Name == "" {
				return fail("spec.inline.caBundleRef.configMapRef.name", "caBundleRef.configMapRef.name must not be empty")
			}
			if len(cb.ConfigMapRef.Name) > 48 {
				return fail("spec.inline.caBundleRef.configMapRef.name", fmt.Sprintf("caBundleRef.configMapRef.name %q is too long (%d chars); maximum is 48", cb.ConfigMapRef.Name, len(cb.ConfigMapRef.Name)))
			}
			out.CABundlePath = vmcpconfig.OIDCCABundleDir(cb.ConfigMapRef.Name) + "/" + vmcpconfig.CABundleKey(cb.ConfigMapRef.Key)
		}
	case "kubernetesServiceAccount":
		out.Issuer = "https://kubernetes.default.svc"
		if k := o.Spec.KubernetesServiceAccount; k != nil {
			if k.Issuer != "" {
				out.Issuer = k.Issuer
			}
			out.JwksURL = k.JwksURL
			out.IntrospectionURL = k.IntrospectionURL
			if k.UseClusterAuth == nil || *k.UseClusterAuth {
				out.CABundlePath = serviceAccountCA
				out.JwksAllowPrivateIP = true
			}
		} else {
			out.CABundlePath = serviceAccountCA
			out.JwksAllowPrivateIP = true
		}
	default:
		return fail("spec.type", fmt.Sprintf("unsupported MCPOIDCConfig type %q (expected inline or kubernetesServiceAccount)", o.Spec.Type))
	}
	return out, true
}

func (c *converter) inlineAuthz(a *toolhive.AuthzConfigRef) (*vmcpconfig.AuthzConfig, bool) {
	var out *vmcpconfig.AuthzConfig
	switch a.Type {
	case "inline":
		if a.Inline == nil {
			c.fail(results.Finding{Field: "spec.incomingAuth.authzConfig.inline", Rule: results.AuthzInvalid,
				Message: "inline must be set when spec.incomingAuth.authzConfig.type is 'inline'"})
			return nil, false
		}
		out = &vmcpconfig.AuthzConfig{Type: "cedar", Policies: append([]string(nil), a.Inline.Policies...), EntitiesJSON: a.Inline.EntitiesJSON}
	case "configMap":
		doc, ok := c.authzConfigMap(a.ConfigMap)
		if !ok {
			return nil, false
		}
		out = doc
	default:
		c.fail(results.Finding{Field: "spec.incomingAuth.authzConfig.type", CurrentValue: a.Type, Rule: results.AuthzInvalid,
			Message: fmt.Sprintf("unsupported authzConfig type %q: use configMap or inline", a.Type)})
		return nil, false
	}
	if a.GroupClaimName != "" {
		out.GroupClaimName = a.GroupClaimName
	}
	if a.RoleClaimName != "" {
		out.RoleClaimName = a.RoleClaimName
	}
	if a.GroupEntityType != "" {
		out.GroupEntityType = a.GroupEntityType
	}
	return out, true
}

// authzDoc is the authz file format (cedarv1/httpv1) stored in a ConfigMap
// or built from MCPAuthzConfig.spec.config.
type authzDoc struct {
	Version string     `json:"version"`
	Type    string     `json:"type"`
	Cedar   *cedarConf `json:"cedar"`
	// PDP is an httpv1 authorizer's options, kept raw for its validation.
	PDP json.RawMessage `json:"pdp"`
}

type cedarConf struct {
	Policies                []string `json:"policies"`
	EntitiesJSON            string   `json:"entities_json"`
	GroupClaimName          string   `json:"group_claim_name"`
	RoleClaimName           string   `json:"role_claim_name"`
	GroupEntityType         string   `json:"group_entity_type"`
	PrimaryUpstreamProvider string   `json:"primary_upstream_provider"`
}

// validateAuthzDoc applies the authorizer registry's checks.
func validateAuthzDoc(d *authzDoc) string {
	switch {
	case d.Version == "":
		return "version is required"
	case d.Type == "":
		return "type is required"
	case d.Type != "cedarv1" && d.Type != "httpv1":
		return fmt.Sprintf("unsupported configuration type: %s", d.Type)
	case d.Type == "cedarv1" && (d.Cedar == nil || len(d.Cedar.Policies) == 0):
		return "invalid cedarv1 configuration: at least one policy is required for Cedar authorization"
	case d.Type == "httpv1":
		pdp := d.PDP
		if len(pdp) == 0 {
			pdp = json.RawMessage("null")
		}
		if err := toolhive.ValidateHTTPPDP(pdp); err != nil {
			return "invalid httpv1 configuration: " + err.Error()
		}
	}
	return ""
}

func cedarToAuthz(cd *cedarConf) *vmcpconfig.AuthzConfig {
	return &vmcpconfig.AuthzConfig{
		Type:            "cedar",
		Policies:        append([]string(nil), cd.Policies...),
		EntitiesJSON:    cd.EntitiesJSON,
		GroupClaimName:  cd.GroupClaimName,
		RoleClaimName:   cd.RoleClaimName,
		GroupEntityType: cd.GroupEntityType,
	}
}

func (c *converter) authzConfigMap(ref *toolhive.ConfigMapAuthzRef) (*vmcpconfig.AuthzConfig, bool) {
	const field = "spec.incomingAuth.authzConfig.configMap"
	ns := c.s.Namespace
	bad := func(f, reason, msg string) (*vmcpconfig.AuthzConfig, bool) {
		c.fail(results.Finding{Field: f, Rule: results.AuthzConfigMapInvalid, ConditionType: "AuthConfigured", Reason: reason,
			Message: "Authorization ConfigMap is invalid: " + msg})
		return nil, false
	}
	if ref == nil || ref.Name == "" {
		return bad(field+".name", "AuthzConfigMapInvalid", "configMap authz config type specified but reference is missing name")
	}
	key := cmp.Or(ref.Key, "authz.json")
	cm, ok := c.s.ConfigMap(ref.Name)
	if !ok {
		return bad(field+".name", "AuthzConfigMapNotFound", fmt.Sprintf("failed to get Authz ConfigMap %s/%s: %s; the policies are rendered into config.yaml, so the ConfigMap must be in the input", ns, ref.Name, resolve.NotFound("ConfigMap", ref.Name))+c.s.WrongKindHint("ConfigMap", ref.Name))
	}
	raw, ok := cm.Values[key]
	if !ok {
		return bad(field+".key", "AuthzConfigMapInvalid", fmt.Sprintf("authz ConfigMap %s/%s is missing key %q", ns, ref.Name, key))
	}
	if strings.TrimSpace(string(raw)) == "" {
		return bad(field+".key", "AuthzConfigMapInvalid", fmt.Sprintf("authz ConfigMap %s/%s key %q is empty", ns, ref.Name, key))
	}
	var d authzDoc
	if err := yaml.Unmarshal(raw, &d); err != nil {
		return bad(field+".key", "AuthzConfigMapInvalid", fmt.Sprintf("failed to parse authz config from ConfigMap %s/%s key %q: %v", ns, ref.Name, key, err))
	}
	if msg := validateAuthzDoc(&d); msg != "" {
		return bad(field+".key", "AuthzConfigMapInvalid", fmt.Sprintf("invalid authz config from ConfigMap %s/%s key %q: %s", ns, ref.Name, key, msg))
	}
	if d.Cedar == nil {
		return bad(field+".key", "AuthzConfigMapInvalid", fmt.Sprintf("authz ConfigMap %s/%s is not a Cedar config: cedar config is nil", ns, ref.Name))
	}
	return cedarToAuthz(d.Cedar), true
}

func (c *converter) authzRef(name string) (*vmcpconfig.AuthzConfig, bool) {
	const field = "spec.incomingAuth.authzConfigRef.name"
	ns := c.s.Namespace
	bad := func(reason, msg string) (*vmcpconfig.AuthzConfig, bool) {
		rule := results.AuthzConfigRefInvalid
		if reason == "AuthzConfigRefNotFound" {
			rule = results.AuthzConfigNotFound
		}
		c.fail(results.Finding{Field: field, CurrentValue: name, Rule: rule,
			ConditionType: "AuthzConfigRefValidated", Reason: reason, Message: msg})
		return nil, false
	}
	e, ok := c.s.Object(toolhive.KindMCPAuthzConfig, name)
	if !ok {
		return bad("AuthzConfigRefNotFound", fmt.Sprintf("MCPAuthzConfig %s not found: failed to get MCPAuthzConfig %s/%s: %s; add the MCPAuthzConfig to the input or fix the name", name, ns, name, resolve.NotFound(toolhive.KindMCPAuthzConfig, name))+c.s.WrongKindHint(toolhive.KindMCPAuthzConfig, name))
	}
	a := e.Obj.(*toolhive.MCPAuthzConfig)
	// Valid is what the MCPAuthzConfig controller writes (its Validate()),
	// whatever status the input carries.
	if e.Invalid || a.Validate() != nil {
		return bad("AuthzConfigRefNotValid", fmt.Sprintf("MCPAuthzConfig %s is not valid: MCPAuthzConfig %s/%s is not valid (condition \"Valid\" is not True)", name, ns, name))
	}
	if a.Spec.Type != "cedarv1" {
		return bad("AuthzConfigRefNotValid", fmt.Sprintf("MCPAuthzConfig %s has unsupported type %q for VirtualMCPServer; only cedarv1 is supported", name, a.Spec.Type))
	}
	var cd cedarConf
	if len(a.Spec.Config.Raw) > 0 {
		if err := json.Unmarshal(a.Spec.Config.Raw, &cd); err != nil {
			return bad("AuthzConfigRefNotValid", fmt.Sprintf("MCPAuthzConfig %s is not valid: spec.config is not a Cedar configuration: %v", name, err))
		}
	}
	d := authzDoc{Version: "1.0", Type: "cedarv1", Cedar: &cd}
	if msg := validateAuthzDoc(&d); msg != "" {
		return bad("AuthzConfigRefNotValid", fmt.Sprintf("MCPAuthzConfig %s is not valid: %s", name, msg))
	}
	return cedarToAuthz(&cd), true
}

// primaryUpstream sets authz.primaryUpstreamProvider, as the converter does.
func (c *converter) primaryUpstream(authz *vmcpconfig.AuthzConfig) bool {
	v := c.s.VMCP
	as := v.Spec.AuthServerConfig
	explicit, field := "", ""
	if as != nil && as.PrimaryUpstreamProvider != "" {
		explicit, field = as.PrimaryUpstreamProvider, "spec.authServerConfig.primaryUpstreamProvider"
	} else if a := v.Spec.IncomingAuth.AuthzConfig; a != nil && a.Inline != nil && a.Inline.PrimaryUpstreamProvider != "" {
		explicit, field = a.Inline.PrimaryUpstreamProvider, "spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider"
	}
	if explicit != "" {
		if as == nil {
			c.fail(results.Finding{Field: field, CurrentValue: explicit, Rule: results.AuthzPrimaryProviderRequiresAuthServer,
				ConditionType: "AuthServerConfigValidated", Reason: "AuthzPrimaryProviderRequiresAuthServer",
				Message: fmt.Sprintf("authz primaryUpstreamProvider %q set without an embedded auth server (spec.authServerConfig must be configured)", explicit)})
			return false
		}
		for _, u := range as.UpstreamProviders {
			if upstreamName(u.Name) == upstreamName(explicit) {
				authz.PrimaryUpstreamProvider = explicit
				return true
			}
		}
		c.fail(results.Finding{Field: field, CurrentValue: explicit, Rule: results.AuthzUpstreamUnknown,
			ConditionType: "AuthServerConfigValidated", Reason: "AuthzUpstreamUnknown",
			Message: fmt.Sprintf("authz primaryUpstreamProvider %q does not match any upstream declared on spec.authServerConfig.upstreamProviders", explicit)})
		return false
	}
	if as != nil && len(as.UpstreamProviders) > 0 {
		authz.PrimaryUpstreamProvider = as.UpstreamProviders[0].Name
	}
	return true
}

func upstreamName(n string) string {
	if n == "" {
		return "default"
	}
	return n
}
