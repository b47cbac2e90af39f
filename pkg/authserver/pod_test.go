package authserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

func volumeNames(vs []corev1.Volume) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	return out
}

func TestVolumesOrderAndShape(t *testing.T) {
	cfg := baseConfig()
	cfg.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://corp.example.com", CABundleRef: cmSelector("issuer-ca", "")}}
	cfg.UpstreamProviders[0].OIDCConfig.CABundleRef = cmSelector("up-ca", "bundle.pem")
	cfg.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
		r.Addr = ""
		r.SentinelConfig = &toolhive.RedisSentinelConfig{MasterName: "m", SentinelAddrs: []string{"s:1"}}
		r.TLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("rca", "ca.pem")}
		r.SentinelTLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("sca", "ca.pem")}
	})
	cfg.SPIFFETrustDomains = []toolhive.SPIFFETrustDomainConfig{
		{Name: "wl", BundleSource: toolhive.SPIFFEBundleSource{Type: "workload_api", WorkloadAPI: &toolhive.SPIFFEBundleWorkloadAPI{}}},
		{Name: "f", BundleSource: toolhive.SPIFFEBundleSource{Type: "file", File: &toolhive.SPIFFEBundleFile{ConfigMapName: "bundle", ConfigMapKey: "b.json"}}},
	}
	cfg.HmacSecretRefs = []toolhive.SecretKeyRef{{Name: "h", Key: "k"}}
	cfg.SigningKeySecretRefs = []toolhive.SecretKeyRef{{Name: "s", Key: "k0"}, {Name: "s", Key: "k1"}}
	cfg.TLSListener = &toolhive.TLSListenerConfig{CertificateSecretRef: ref("tls", "tls.crt"), PrivateKeySecretRef: ref("tls", "tls.key")}

	vols, mounts, fields, err := Volumes(cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{"spec.authServerConfig.tlsListener",
		"spec.authServerConfig.signingKeySecretRefs[0]", "spec.authServerConfig.signingKeySecretRefs[1]",
		"spec.authServerConfig.hmacSecretRefs[0]", "spec.authServerConfig.spiffeTrustDomains[1].bundleSource.file",
		"spec.authServerConfig.storage.redis.tls.caCertSecretRef", "spec.authServerConfig.storage.redis.sentinelTls.caCertSecretRef",
		"spec.authServerConfig.upstreamProviders[0]", "spec.authServerConfig.trustedIssuers[0].caBundleRef"}, fields,
		"each volume records the spec field it comes from, at the same list position")
	assert.Equal(t, []string{"authserver-tls-listener", "authserver-signing-key-0", "authserver-signing-key-1",
		"authserver-hmac-secret-0", "authserver-spiffe-bundle-1", "redis-tls-ca-master", "redis-tls-ca-sentinel",
		"authserver-upstream-ca-0", "authserver-issuer-ca-0"}, volumeNames(vols), "the operator's auth-server volume order; indices are list positions")
	require.Len(t, mounts, len(vols))
	for i := range vols {
		assert.Equal(t, vols[i].Name, mounts[i].Name, "mounts follow volumes")
		assert.True(t, mounts[i].ReadOnly)
	}

	tlsVol := vols[0].Projected
	require.NotNil(t, tlsVol)
	assert.Equal(t, int32(0o400), *tlsVol.DefaultMode)
	require.Len(t, tlsVol.Sources, 1, "same Secret: one projection with both items")
	assert.Equal(t, []corev1.KeyToPath{{Key: "tls.crt", Path: "tls.crt"}, {Key: "tls.key", Path: "tls.key"}}, tlsVol.Sources[0].Secret.Items)
	assert.Equal(t, corev1.VolumeMount{Name: "authserver-tls-listener", MountPath: "/etc/toolhive/authserver/tls", ReadOnly: true}, mounts[0],
		"directory mount so kubelet refreshes rotated certificates")

	assert.Equal(t, corev1.VolumeMount{Name: "authserver-signing-key-1", MountPath: "/etc/toolhive/authserver/keys/key-1.pem",
		SubPath: "key-1.pem", ReadOnly: true}, mounts[2])

	spiffe := vols[4].ConfigMap
	assert.Equal(t, "bundle", spiffe.Name)
	assert.Equal(t, []corev1.KeyToPath{{Key: "b.json", Path: "bundle.json"}}, spiffe.Items)
	assert.Equal(t, int32(0o444), *spiffe.DefaultMode)
	assert.Equal(t, "/etc/toolhive/authserver/spiffe-bundles/1", mounts[4].MountPath)

	assert.Equal(t, "/etc/toolhive/authserver/redis-tls/sentinel-ca.crt", mounts[6].MountPath)
	assert.Equal(t, []corev1.KeyToPath{{Key: "ca.pem", Path: "sentinel-ca.crt"}}, vols[6].Secret.Items)

	up := vols[7].ConfigMap
	assert.Equal(t, []corev1.KeyToPath{{Key: "bundle.pem", Path: "ca.crt"}}, up.Items)
	assert.Nil(t, up.DefaultMode, "CA bundles keep the default mode")
	assert.Equal(t, corev1.VolumeMount{Name: "authserver-issuer-ca-0", MountPath: "/etc/toolhive/authserver/issuer-ca/0/ca.crt",
		SubPath: "ca.crt", ReadOnly: true}, mounts[8])
	assert.Equal(t, []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}, vols[8].ConfigMap.Items, "key defaults to ca.crt")
}

func TestVolumesCases(t *testing.T) {
	cases := map[string]struct {
		reason  string
		mutate  func(*toolhive.EmbeddedAuthServerConfig)
		names   []string
		wantErr string
	}{
		"nothing to mount": {reason: "a bare upstream needs no files", mutate: func(*toolhive.EmbeddedAuthServerConfig) {}},
		"tls listener from two secrets": {reason: "different Secrets become two projections",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TLSListener = &toolhive.TLSListenerConfig{CertificateSecretRef: ref("cert", "c"), PrivateKeySecretRef: ref("key", "k")}
			},
			names: []string{"authserver-tls-listener"}},
		"incomplete tls listener": {reason: "nothing is mounted without both refs",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TLSListener = &toolhive.TLSListenerConfig{CertificateSecretRef: ref("cert", "c")}
			}},
		"sentinel tls without sentinel still mounted": {reason: "volumes follow refs, the RunConfig drops sentinel_tls",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) {
					r.SentinelTLS = &toolhive.RedisTLSConfig{CACertSecretRef: ref("sca", "ca")}
				})
			},
			names: []string{"redis-tls-ca-sentinel"}},
		"malformed upstream ca": {reason: "a CA ref without a ConfigMap name cannot be mounted",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.CABundleRef = &toolhive.CABundleSource{}
			},
			wantErr: "upstreamProviders[0].caBundleRef.configMapRef.name is required"},
		"malformed issuer ca": {reason: "same rule for trusted issuers",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.TrustedIssuers = []toolhive.TrustedIssuerConfig{{IssuerURL: "https://x", CABundleRef: cmSelector("", "")}}
			},
			wantErr: "trustedIssuers[0].caBundleRef.configMapRef.name is required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			vols, mounts, _, err := Volumes(cfg)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, len(vols), len(mounts))
			if tc.names == nil {
				assert.Empty(t, vols, tc.reason)
				return
			}
			assert.Equal(t, tc.names, volumeNames(vols), tc.reason)
			if name == "tls listener from two secrets" {
				require.Len(t, vols[0].Projected.Sources, 2)
				assert.Equal(t, "key", vols[0].Projected.Sources[1].Secret.Name)
			}
		})
	}
	v, m, f, err := Volumes(nil)
	assert.NoError(t, err)
	assert.Nil(t, v)
	assert.Nil(t, m)
	assert.Nil(t, f)
}

func envNames(env []corev1.EnvVar) []string {
	var out []string
	for _, e := range env {
		out = append(out, e.Name)
	}
	return out
}

func TestEnvVars(t *testing.T) {
	cases := map[string]struct {
		reason string
		mutate func(*toolhive.EmbeddedAuthServerConfig)
		want   []string
		fields []string // the spec field each env var comes from; nil: not asserted
	}{
		"no secrets": {reason: "a public OIDC client needs no env", mutate: func(*toolhive.EmbeddedAuthServerConfig) {}},
		"per provider secret then dcr token": {reason: "each provider contributes its client secret, then its DCR token",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OIDCConfig.ClientSecretRef = ref("okta", "s")
				u := oauth2Upstream("corp-sso")
				u.OAuth2Config.ClientSecretRef = ref("sso", "s")
				u.OAuth2Config.DCRConfig = &toolhive.DCRUpstreamConfig{InitialAccessTokenRef: ref("iat", "t")}
				c.UpstreamProviders = append(c.UpstreamProviders, u)
			},
			want: []string{"TOOLHIVE_UPSTREAM_CLIENT_SECRET_OKTA", "TOOLHIVE_UPSTREAM_CLIENT_SECRET_CORP_SSO", "TOOLHIVE_UPSTREAM_DCR_INITIAL_ACCESS_TOKEN_CORP_SSO"},
			fields: []string{"spec.authServerConfig.upstreamProviders[0].oidcConfig.clientSecretRef",
				"spec.authServerConfig.upstreamProviders[1].oauth2Config.clientSecretRef",
				"spec.authServerConfig.upstreamProviders[1].oauth2Config.dcrConfig.initialAccessTokenRef"}},
		"mismatched config ignored": {reason: "only the type-matched config's refs are used",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.UpstreamProviders[0].OAuth2Config = &toolhive.OAuth2UpstreamConfig{ClientSecretRef: ref("x", "y")}
			}},
		"legacy delegate clients": {reason: "legacy clients are indexed by position",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a"), legacyDelegate("b")}
			},
			want:   []string{"TOOLHIVE_DELEGATE_CLIENT_SECRET_0", "TOOLHIVE_DELEGATE_CLIENT_SECRET_1"},
			fields: []string{"spec.authServerConfig.delegateClients[0].clientSecretRef", "spec.authServerConfig.delegateClients[1].clientSecretRef"}},
		"canonical delegate clients win": {reason: "inboundGrants.tokenExchange replaces the legacy list",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a"), legacyDelegate("b")}
				c.InboundGrants = &toolhive.InboundGrantsConfig{TokenExchange: &toolhive.TokenExchangeGrantConfig{
					DelegateClients: []toolhive.DelegateClientConfig{legacyDelegate("c")}}}
			},
			want:   []string{"TOOLHIVE_DELEGATE_CLIENT_SECRET_0"},
			fields: []string{"spec.authServerConfig.inboundGrants.tokenExchange.delegateClients[0].clientSecretRef"}},
		"redis acl": {reason: "username before password, after delegate clients",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(func(r *toolhive.RedisStorageConfig) { r.ACLUserConfig.UsernameSecretRef = ref("u", "u") })
				c.DelegateClients = []toolhive.DelegateClientConfig{legacyDelegate("a")}
			},
			want: []string{"TOOLHIVE_DELEGATE_CLIENT_SECRET_0", EnvRedisUsername, EnvRedisPassword},
			fields: []string{"spec.authServerConfig.delegateClients[0].clientSecretRef",
				"spec.authServerConfig.storage.redis.aclUserConfig.usernameSecretRef", "spec.authServerConfig.storage.redis.aclUserConfig.passwordSecretRef"}},
		"redis block under memory type": {reason: "Redis env only for storage.type redis",
			mutate: func(c *toolhive.EmbeddedAuthServerConfig) {
				c.Storage = redisStorage(nil)
				c.Storage.Type = "memory"
			}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := baseConfig()
			tc.mutate(cfg)
			env, fields := EnvVars(cfg)
			assert.Equal(t, tc.want, envNames(env), tc.reason)
			assert.Len(t, fields, len(env), "one field per env var")
			if tc.fields != nil {
				assert.Equal(t, tc.fields, fields, tc.reason)
			}
			for _, e := range env {
				assert.Empty(t, e.Value, "secrets are never literal values")
				require.NotNil(t, e.ValueFrom.SecretKeyRef)
				assert.Nil(t, e.ValueFrom.SecretKeyRef.Optional)
			}
		})
	}
	env, fields := EnvVars(nil)
	assert.Nil(t, env)
	assert.Nil(t, fields)
}
