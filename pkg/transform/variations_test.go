package transform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/vmcp-render/vmcp-render/pkg/api/fnconfig"
)

// base is a valid minimal input; cases add documents and patch the server.
const variationBase = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPGroup
metadata: {name: g, namespace: ns}
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPOIDCConfig
metadata: {name: idp, namespace: ns}
spec:
  type: inline
  inline: {issuer: https://idp.example.com, clientId: vmcp}
`

type rendered struct {
	items  []*yaml.RNode
	config string
	env    []string
	args   []string
	vols   []string
	errors []string
}

func renderVariation(t *testing.T, server string, extra string, spec fnconfig.Spec) rendered {
	t.Helper()
	in := variationBase + "---\n" + server
	if extra != "" {
		in += "---\n" + extra
	}
	items, err := (&kio.ByteReader{Reader: strings.NewReader(in), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	out, rs := Render(items, spec)
	r := rendered{items: out}
	for _, x := range rs {
		if x.Severity == "error" {
			r.errors = append(r.errors, x.Message)
		}
	}
	if cm := find(out, "ConfigMap", "v-vmcp-config"); cm != nil {
		r.config = cm.GetDataMap()["config.yaml"]
	}
	if d := find(out, "Deployment", "v"); d != nil {
		c, err := d.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=vmcp]"))
		require.NoError(t, err)
		if env := c.Field("env"); env != nil {
			for _, e := range env.Value.Content() {
				r.env = append(r.env, yaml.NewRNode(e).Field("name").Value.YNode().Value)
			}
		}
		args, _ := c.GetSlice("args")
		for _, a := range args {
			r.args = append(r.args, a.(string))
		}
		vols, err := d.Pipe(yaml.Lookup("spec", "template", "spec", "volumes"))
		require.NoError(t, err)
		if vols != nil {
			for _, v := range vols.Content() {
				r.vols = append(r.vols, yaml.NewRNode(v).Field("name").Value.YNode().Value)
			}
		}
	}
	return r
}

func vmcpDoc(spec string) string {
	return "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPServer\nmetadata: {name: v, namespace: ns}\nspec:\n  groupRef: {name: g}\n" + spec
}

func TestVariations(t *testing.T) {
	anon := "  incomingAuth: {type: anonymous}\n"
	cases := []struct {
		name, reason, server, extra string
		spec                        func(*fnconfig.Spec)
		check                       func(t *testing.T, r rendered)
	}{
		{
			name: "debug log level", reason: "logLevel debug adds --debug to the args and stays in config.yaml",
			server: vmcpDoc(anon + "  config:\n    operational: {logLevel: debug}\n"),
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.args, "--debug")
				assert.Contains(t, r.config, "operational:\n    logLevel: debug\n    timeouts:\n")
			},
		},
		{
			name: "circuit breaker merge", reason: "CRD defaults plus the operator's EnsureOperationalDefaults (pkg/vmcp/config/defaults.go)",
			server: vmcpDoc(anon + "  config:\n    operational:\n      logLevel: debug\n      failureHandling:\n        unhealthyThreshold: 7\n        circuitBreaker: {enabled: true}\n"),
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, `operational:
    logLevel: debug
    timeouts:
        default: 30s
    failureHandling:
        healthCheckInterval: 30s
        unhealthyThreshold: 7
        healthCheckTimeout: 10s
        statusReportingInterval: 30s
        partialFailureMode: fail
        circuitBreaker:
            enabled: true
            failureThreshold: 5
            timeout: 1m0s
`)
			},
		},
		{
			name: "service account OIDC", reason: "kubernetesServiceAccount: default issuer, SA CA bundle, private JWKS, empty clientId",
			server: vmcpDoc("  incomingAuth:\n    type: oidc\n    oidcConfigRef: {name: sa, audience: vmcp}\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPOIDCConfig\nmetadata: {name: sa, namespace: ns}\nspec:\n  type: kubernetesServiceAccount\n  kubernetesServiceAccount: {}\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, `    oidc:
        issuer: https://kubernetes.default.svc
        clientId: ""
        audience: vmcp
        resource: http://v.ns.svc.cluster.local:4483
        jwksAllowPrivateIp: true
        caBundlePath: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
`)
			},
		},
		{
			name: "OIDC CA bundle", reason: "inline caBundleRef gives caBundlePath and the oidc-ca-bundle volume",
			server: vmcpDoc("  incomingAuth:\n    type: oidc\n    oidcConfigRef: {name: ca-idp, audience: vmcp}\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPOIDCConfig\nmetadata: {name: ca-idp, namespace: ns}\nspec:\n  type: inline\n  inline:\n    issuer: https://idp.example.com\n    caBundleRef: {configMapRef: {name: idp-ca}}\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "caBundlePath: /config/certs/idp-ca/ca.crt\n")
				assert.Equal(t, []string{"vmcp-config", "oidc-ca-bundle-idp-ca"}, r.vols)
			},
		},
		{
			name: "manual conflict resolution", reason: "manual without a config renders conflictResolutionConfig: {}",
			server: vmcpDoc(anon + "  config:\n    aggregation: {conflictResolution: manual}\n"),
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "aggregation:\n    conflictResolution: manual\n    conflictResolutionConfig: {}\n")
			},
		},
		{
			name: "telemetry without OTel", reason: "prometheus only: the three non-omitempty booleans still render, OTEL_RESOURCE_ATTRIBUTES still set",
			server: vmcpDoc(anon + "  telemetryConfigRef: {name: prom}\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPTelemetryConfig\nmetadata: {name: prom, namespace: ns}\nspec:\n  prometheus: {enabled: true}\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "telemetry:\n    serviceName: v\n    tracingEnabled: false\n    metricsEnabled: false\n    enablePrometheusMetricsPath: true\n    useLegacyAttributes: false\n")
				assert.Contains(t, r.env, "OTEL_RESOURCE_ATTRIBUTES")
			},
		},
		{
			name: "redis session with empty tls", reason: "tls: {} renders as is and mounts nothing",
			server: vmcpDoc(anon + "  sessionStorage:\n    provider: redis\n    address: r:6379\n    passwordRef: {name: rp, key: p}\n    tls: {}\n"),
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "sessionStorage:\n    provider: redis\n    address: r:6379\n    tls: {}\n")
				assert.Contains(t, r.env, "THV_SESSION_REDIS_PASSWORD")
				assert.Equal(t, []string{"vmcp-config"}, r.vols)
			},
		},
		{
			name: "global default redis", reason: "no sessionStorage + operator default Redis: address, TLS CA file, password env and CA volume (the operator's TOOLHIVE_DEFAULT_REDIS_* settings)",
			server: vmcpDoc(anon),
			spec: func(s *fnconfig.Spec) {
				s.DefaultRedis = &fnconfig.DefaultRedis{Addr: "redis.global:6379", SecretName: "gr", SecretKey: "redis-password",
					TLS: &fnconfig.DefaultRedisTLS{Enabled: true, CASecretName: "gca", CASecretKey: "ca.crt"}}
			},
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "sessionStorage:\n    provider: redis\n    address: redis.global:6379\n    tls:\n        caCertFile: /etc/toolhive/session-redis-tls/ca.crt\n")
				assert.Contains(t, r.env, "THV_SESSION_REDIS_PASSWORD")
				assert.Equal(t, []string{"vmcp-config", "session-redis-tls-ca"}, r.vols)
			},
		},
		{
			name: "memory session ignores global password", reason: "explicit memory storage + global default: Redis address but no password env (upstream quirk)",
			server: vmcpDoc(anon + "  sessionStorage: {provider: memory}\n"),
			spec: func(s *fnconfig.Spec) {
				s.DefaultRedis = &fnconfig.DefaultRedis{Addr: "redis.global:6379", SecretName: "gr", SecretKey: "redis-password"}
			},
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "address: redis.global:6379")
				assert.NotContains(t, r.env, "THV_SESSION_REDIS_PASSWORD")
			},
		},
		{
			name: "composite tool reference", reason: "referenced definitions follow the inline tools and compositeToolRefs stays",
			server: vmcpDoc(anon + "  config:\n    compositeTools:\n      - {name: a, description: A, steps: [{id: s, tool: w.t}]}\n    compositeToolRefs: [{name: b-def}]\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: VirtualMCPCompositeToolDefinition\nmetadata: {name: b-def, namespace: ns}\nspec: {name: b, description: B, steps: [{id: s, tool: w.u}]}\n",
			check: func(t *testing.T, r rendered) {
				ia, ib, ir := strings.Index(r.config, "- name: a\n"), strings.Index(r.config, "- name: b\n"), strings.Index(r.config, "compositeToolRefs:\n    - name: b-def\n")
				assert.True(t, ia >= 0 && ib > ia && ir > ib, "order a, b, refs:\n%s", r.config)
			},
		},
		{
			name: "token exchange env names", reason: "config names a-b and c.d become _A_B and _C_D, sorted",
			server: vmcpDoc(anon + "  outgoingAuth:\n    source: discovered\n    backends:\n      x: {type: externalAuthConfigRef, externalAuthConfigRef: {name: c.d}}\n      y: {type: externalAuthConfigRef, externalAuthConfigRef: {name: a-b}}\n"),
			extra: "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPExternalAuthConfig\nmetadata: {name: a-b, namespace: ns}\nspec:\n  type: tokenExchange\n  tokenExchange: {tokenUrl: https://t, audience: a, clientSecretRef: {name: s, key: k}}\n" +
				"---\napiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPExternalAuthConfig\nmetadata: {name: c.d, namespace: ns}\nspec:\n  type: tokenExchange\n  tokenExchange: {tokenUrl: https://t, audience: c, clientSecretRef: {name: s, key: k}}\n",
			check: func(t *testing.T, r rendered) {
				assert.Equal(t, []string{"VMCP_NAME", "VMCP_NAMESPACE", "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_A_B", "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_C_D", "VMCP_SESSION_HMAC_SECRET"}, r.env[:5])
				assert.Contains(t, r.config, "clientSecretEnv: TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET_C_D")
			},
		},
		{
			name: "header forwarding entry", reason: "MCPServerEntry headerForward: JSON env (keys in the struct's field order, as the operator marshals it), secret env and the secrets provider",
			server: vmcpDoc(anon + "  outgoingAuth: {source: discovered}\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPServerEntry\nmetadata: {name: docs-api, namespace: ns}\nspec:\n  groupRef: {name: g}\n  remoteUrl: https://docs.example.com/mcp\n  transport: streamable-http\n  headerForward:\n    addPlaintextHeaders: {X-Team: core}\n    addHeadersFromSecret: [{headerName: X-Api-Key, valueSecretRef: {name: k, key: v}}]\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.env, "TOOLHIVE_HEADER_FORWARD_DOCS_API")
				assert.Contains(t, r.env, "TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_DOCS_API")
				assert.Equal(t, "TOOLHIVE_SECRETS_PROVIDER", r.env[len(r.env)-1])
				d := find(r.items, "Deployment", "v")
				s, _ := d.String()
				assert.Contains(t, s, `{"addPlaintextHeaders":{"X-Team":"core"},"addHeadersFromSecret":{"X-Api-Key":"HEADER_FORWARD_X_API_KEY_DOCS_API"}}`)
			},
		},
		{
			name: "ready embedding server", reason: "embeddingServerRef without optimizer creates optimizer.embeddingService from the status URL",
			server: vmcpDoc(anon + "  embeddingServerRef: {name: es}\n"),
			extra:  "apiVersion: toolhive.stacklok.dev/v1beta1\nkind: EmbeddingServer\nmetadata: {name: es, namespace: ns}\nstatus: {phase: Ready, readyReplicas: 1, url: 'http://es.ns.svc.cluster.local:8080'}\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "optimizer:\n    embeddingService: http://es.ns.svc.cluster.local:8080\n")
			},
		},
		{
			name: "custom service account", reason: "spec.serviceAccount: no SA, Role or RoleBinding; the pod uses it",
			server: vmcpDoc(anon + "  serviceAccount: custom\n"),
			check: func(t *testing.T, r rendered) {
				assert.Nil(t, find(r.items, "ServiceAccount", "v-vmcp"))
				assert.Nil(t, find(r.items, "Role", "v-vmcp"))
				assert.Nil(t, find(r.items, "RoleBinding", "v-vmcp"))
				d := find(r.items, "Deployment", "v")
				sa, err := d.Pipe(yaml.Lookup("spec", "template", "spec", "serviceAccountName"))
				require.NoError(t, err)
				assert.Equal(t, "custom", yaml.GetValue(sa))
			},
		},
		{
			name: "authz configmap with claim override", reason: "ConfigMap authz document; spec-level groupClaimName overrides the file's",
			server: vmcpDoc("  incomingAuth:\n    type: oidc\n    oidcConfigRef: {name: idp, audience: vmcp}\n    authzConfig:\n      type: configMap\n      groupClaimName: h\n      configMap: {name: authz}\n"),
			extra:  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: authz, namespace: ns}\ndata:\n  authz.json: |\n    version: \"1.0\"\n    type: cedarv1\n    cedar:\n      policies: ['permit(principal, action, resource);']\n      entities_json: '[]'\n      group_claim_name: g\n",
			check: func(t *testing.T, r rendered) {
				assert.Contains(t, r.config, "    authz:\n        type: cedar\n        policies:\n            - permit(principal, action, resource);\n        entitiesJson: '[]'\n        groupClaimName: h\n")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := fnconfig.Defaults()
			if tc.spec != nil {
				tc.spec(&spec)
			}
			r := renderVariation(t, tc.server, tc.extra, spec)
			require.Empty(t, r.errors, tc.reason)
			require.NotEmpty(t, r.config, "nothing rendered: %s", tc.reason)
			tc.check(t, r)
		})
	}
}
