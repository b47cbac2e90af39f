package toolhive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.yaml.in/yaml/v3"
)

func TestValidateRemoteURL(t *testing.T) {
	for _, tc := range []struct {
		url     string
		private bool
		want    string // "" = allowed; else part of the error
		reason  string
	}{
		{"https://mcp.example.com/mcp", false, "", "a public https endpoint is allowed"},
		{"http://mcp.example.com/mcp", false, "", "http is allowed (only the host is guarded)"},
		{"", false, "must not be empty", "remoteUrl is required"},
		{"ftp://mcp.example.com", false, `must use http or https scheme, got "ftp"`, "other schemes are refused"},
		{"https://", false, "must have a valid host", "no host"},
		{"http://localhost:8080/mcp", true, `matches blocked internal hostname "localhost"`, "localhost is always blocked"},
		{"http://KUBERNETES.default.svc/x", true, `blocked internal hostname "kubernetes.default.svc"`, "the API server is always blocked, case-insensitively"},
		{"http://169.254.169.254/latest", true, "falls within blocked range 169.254.0.0/16", "cloud metadata is always blocked"},
		{"http://[::1]:80/", true, "falls within blocked range ::1/128", "IPv6 loopback"},
		{"http://10.1.2.3/mcp", false, "falls within blocked range 10.0.0.0/8", "RFC 1918 without allowPrivateEndpoint"},
		{"http://10.1.2.3/mcp", true, "", "RFC 1918 with allowPrivateEndpoint"},
		{"http://svc.ns.svc.cluster.local/mcp", false, `blocked internal hostname "cluster.local"`, "in-cluster names need allowPrivateEndpoint"},
		{"http://svc.ns.svc.cluster.local/mcp", true, "", "and are allowed with it"},
		{"http://notcluster.local/mcp", false, "", "a suffix match needs the dot"},
	} {
		err := ValidateRemoteURL(tc.url, tc.private)
		if tc.want == "" {
			assert.NoError(t, err, tc.reason)
		} else if assert.Error(t, err, tc.reason) {
			assert.Contains(t, err.Error(), tc.want, tc.reason)
		}
	}
}

func TestExternalAuthConfigValidate(t *testing.T) {
	d := int32(60)
	for _, tc := range []struct {
		spec   MCPExternalAuthConfigSpec
		want   string
		reason string
	}{
		{MCPExternalAuthConfigSpec{Type: "unauthenticated"}, "", "no configuration for unauthenticated"},
		{MCPExternalAuthConfigSpec{Type: "unauthenticated", BearerToken: &BearerTokenConfig{}}, "bearerToken configuration must be set if and only if type is 'bearerToken'", "a stray sub-struct"},
		{MCPExternalAuthConfigSpec{Type: "tokenExchange"}, "tokenExchange configuration must be set if and only if type is 'tokenExchange'", "the type's own sub-struct is missing"},
		{MCPExternalAuthConfigSpec{Type: "obo"}, "obo configuration must be set if and only if type is 'obo'", "obo is checked first"},
		{MCPExternalAuthConfigSpec{Type: "awsSts", AWSSts: &AWSStsConfig{Region: "eu-west-1", FallbackRoleArn: "arn:aws:iam::123456789012:role/x"}}, "", "a fallback role is enough"},
		{MCPExternalAuthConfigSpec{Type: "awsSts", AWSSts: &AWSStsConfig{Region: "eu-west-1"}}, "at least one of fallbackRoleArn or roleMappings", "no role at all"},
		{MCPExternalAuthConfigSpec{Type: "awsSts", AWSSts: &AWSStsConfig{Region: "eu-west-1", RoleMappings: []RoleMapping{{RoleArn: "r", Claim: "a", Matcher: "b"}}}}, "awsSts.roleMappings[0]: claim and matcher are mutually exclusive", "claim and matcher together"},
		{MCPExternalAuthConfigSpec{Type: "awsSts", AWSSts: &AWSStsConfig{Region: "eu-west-1", RoleMappings: []RoleMapping{{RoleArn: "r"}}}}, "exactly one of claim or matcher must be set", "neither claim nor matcher"},
		{MCPExternalAuthConfigSpec{Type: "awsSts", AWSSts: &AWSStsConfig{Region: "eu-west-1", FallbackRoleArn: "r", SessionDuration: &d}}, "sessionDuration must be between 900 and 43200 seconds", "session too short"},
		{MCPExternalAuthConfigSpec{Type: "upstreamInject", UpstreamInject: &UpstreamInjectConfig{}}, "upstreamInject requires a non-empty providerName", "no provider"},
	} {
		err := (&MCPExternalAuthConfig{Spec: tc.spec}).Validate()
		if tc.want == "" {
			assert.NoError(t, err, tc.reason)
		} else if assert.Error(t, err, tc.reason) {
			assert.Contains(t, err.Error(), tc.want, tc.reason)
		}
	}
}

func TestAdmissionRules(t *testing.T) {
	for name, tc := range map[string]struct {
		kind, yaml string
		want       []string // "path: part of the message"; none means admitted
		reason     string
	}{
		"external auth one-of": {KindMCPExternalAuthConfig, "spec: {type: tokenExchange, headerInjection: {headerName: X, valueSecretRef: {name: s, key: k}}}",
			[]string{"spec: tokenExchange configuration must be set if and only if type is 'tokenExchange'", "spec: headerInjection configuration must be set if and only if type is 'headerInjection'"},
			"the type's block is missing and another one is set: both rules fire"},
		"external auth unauthenticated": {KindMCPExternalAuthConfig, "spec: {type: unauthenticated}", nil, "unauthenticated takes no block"},
		"oidc inline missing":           {KindMCPOIDCConfig, "spec: {type: inline}", []string{"spec: inline must be set when type is 'inline'"}, "the inline block is required for type inline"},
		"oidc both blocks": {KindMCPOIDCConfig, "spec: {type: inline, inline: {issuer: 'https://i.example.com'}, kubernetesServiceAccount: {}}",
			[]string{"spec: kubernetesServiceAccount must be set when type is 'kubernetesServiceAccount', and must not be set otherwise"}, "a block of the other type"},
		"oidc ca bundle without name": {KindMCPOIDCConfig, "spec: {type: inline, inline: {issuer: 'https://i.example.com', caBundleRef: {}}}",
			[]string{"spec.inline.caBundleRef: configMapRef.name is required and must be non-empty"}, "caBundleRef needs its ConfigMap"},
		"telemetry header twice": {KindMCPTelemetryConfig, "spec: {openTelemetry: {endpoint: 'otel:4317', tracing: {enabled: true}, headers: {X-A: v}, sensitiveHeaders: [{name: X-A, secretKeyRef: {name: s, key: k}}]}}",
			[]string{"spec.openTelemetry: a header name cannot appear in both headers and sensitiveHeaders"}, "a header is plain or secret, not both"},
	} {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte("apiVersion: toolhive.stacklok.dev/v1beta1\nkind: "+tc.kind+"\nmetadata: {name: x, namespace: ns}\n"+tc.yaml), &obj); err != nil {
			t.Fatal(err)
		}
		_, errs, err := decode(tc.kind, obj)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		assert.Len(t, got, len(tc.want), "%s: %s: %v", name, tc.reason, got)
		for i, w := range tc.want {
			if i < len(got) {
				assert.Contains(t, got[i], w, "%s: %s", name, tc.reason)
			}
		}
	}
}
