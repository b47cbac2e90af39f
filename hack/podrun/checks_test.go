package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pemOf(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwkOf is the public JWK of key, as an auth server publishes it.
func jwkOf(t *testing.T, kid string, key crypto.Signer) map[string]any {
	t.Helper()
	switch pub := key.Public().(type) {
	case *ecdsa.PublicKey:
		raw, err := pub.Bytes() // 0x04 || X || Y
		require.NoError(t, err)
		size := (len(raw) - 1) / 2
		return map[string]any{"kid": kid, "kty": "EC", "crv": pub.Curve.Params().Name, "x": b64(raw[1 : 1+size]), "y": b64(raw[1+size:])}
	case *rsa.PublicKey:
		return map[string]any{"kid": kid, "kty": "RSA", "n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}
	case ed25519.PublicKey:
		return map[string]any{"kid": kid, "kty": "OKP", "crv": "Ed25519", "x": b64(pub)}
	}
	t.Fatalf("unexpected key %T", key)
	return nil
}

func TestFindKey(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ec384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sec1, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	cases := map[string]struct {
		reason  string
		keys    []map[string]any
		priv    []byte
		wantKid string
		wantErr string
	}{
		"EC P-256": {reason: "the usual vMCP key", keys: []map[string]any{jwkOf(t, "a", other), jwkOf(t, "b", ec)}, priv: pemOf(t, ec), wantKid: "b"},
		"EC P-384": {reason: "other curves decode too", keys: []map[string]any{jwkOf(t, "c", ec384)}, priv: pemOf(t, ec384), wantKid: "c"},
		"SEC 1 PEM": {reason: "an EC PRIVATE KEY block is read as well",
			keys: []map[string]any{jwkOf(t, "d", ec)}, priv: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}), wantKid: "d"},
		"RSA":     {reason: "n and e", keys: []map[string]any{jwkOf(t, "r", rs)}, priv: pemOf(t, rs), wantKid: "r"},
		"Ed25519": {reason: "OKP keys", keys: []map[string]any{jwkOf(t, "e", ed)}, priv: pemOf(t, ed), wantKid: "e"},
		"absent":  {reason: "a JWKS of other keys does not match", keys: []map[string]any{jwkOf(t, "a", other)}, priv: pemOf(t, ec), wantErr: "not in the JWKS"},
		"junk JWK": {reason: "an undecodable JWK is skipped, not fatal",
			keys: []map[string]any{{"kty": "EC", "crv": "P-256", "x": "!!"}, jwkOf(t, "b", ec)}, priv: pemOf(t, ec), wantKid: "b"},
		"curve not a string": {reason: "a JWK whose crv is a list or an object is skipped, not a panic",
			keys: []map[string]any{{"kty": "EC", "crv": []any{}}, {"kty": "EC", "crv": map[string]any{}}, jwkOf(t, "b", ec)}, priv: pemOf(t, ec), wantKid: "b"},
		"not PEM": {reason: "the mounted file must be a PEM key", keys: []map[string]any{jwkOf(t, "a", ec)}, priv: []byte("nope"), wantErr: "no PEM block"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kid, err := findKey(tc.keys, tc.priv)
			if tc.wantErr != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.wantKid, kid, tc.reason)
		})
	}
}

// fakeVMCP answers like vMCP with an embedded auth server, with knobs to
// break one answer at a time.
type fakeVMCP struct {
	jwks            []map[string]any
	noDiscovery     bool
	mcpStatus       int
	challenge       string
	metadataAt      string // path serving the protected-resource metadata
	metadataNoField bool
}

func (f *fakeVMCP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	public := "https://mcp.example.com"
	switch {
	case r.URL.Path == "/.well-known/openid-configuration" && !f.noDiscovery:
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": public, "jwks_uri": public + "/.well-known/jwks.json"})
	case r.URL.Path == "/.well-known/jwks.json":
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": f.jwks})
	case r.URL.Path == f.metadataAt:
		if f.metadataNoField {
			_, _ = w.Write([]byte(`{}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"resource": public + "/platform", "authorization_servers": []string{public}})
	case r.URL.Path == "/mcp" && r.Method == http.MethodPost:
		if f.challenge != "" {
			w.Header().Set("WWW-Authenticate", f.challenge)
		}
		w.WriteHeader(f.mcpStatus)
	default:
		http.NotFound(w, r)
	}
}

func TestChecker(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	stranger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	challenge := `Bearer realm="x", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/platform"`
	good := func() *fakeVMCP {
		return &fakeVMCP{jwks: []map[string]any{jwkOf(t, "k1", key)}, mcpStatus: 401, challenge: challenge,
			metadataAt: "/.well-known/oauth-protected-resource/platform"}
	}
	cases := map[string]struct {
		reason  string
		edit    func(*fakeVMCP)
		want    map[string]bool // check name -> passes
		mention map[string]string
	}{
		"healthy": {reason: "what vMCP answers with a valid config",
			want:    map[string]bool{checkOpenID: true, checkJWKS: true, checkResource: true, checkMCPUnauth: true},
			mention: map[string]string{checkJWKS: "kid k1 is the mounted signing key", checkResource: "oauth-protected-resource/platform"}},
		"no discovery": {reason: "without discovery the JWKS is not even looked for",
			edit:    func(f *fakeVMCP) { f.noDiscovery = true },
			want:    map[string]bool{checkOpenID: false, checkJWKS: false, checkResource: true, checkMCPUnauth: true},
			mention: map[string]string{checkOpenID: "HTTP 404", checkJWKS: "not checked"}},
		"other signing key": {reason: "a JWKS without the mounted key means vMCP did not load it",
			edit:    func(f *fakeVMCP) { f.jwks = []map[string]any{jwkOf(t, "z", stranger)} },
			want:    map[string]bool{checkOpenID: true, checkJWKS: false, checkResource: true, checkMCPUnauth: true},
			mention: map[string]string{checkJWKS: "not in the JWKS"}},
		"empty JWKS": {reason: "an auth server must publish a key",
			edit: func(f *fakeVMCP) { f.jwks = []map[string]any{} },
			want: map[string]bool{checkOpenID: true, checkJWKS: false, checkResource: true, checkMCPUnauth: true}},
		"open MCP endpoint": {reason: "answering without a token is the failure this check exists for",
			edit:    func(f *fakeVMCP) { f.mcpStatus, f.challenge = 200, "" },
			want:    map[string]bool{checkOpenID: true, checkJWKS: true, checkResource: false, checkMCPUnauth: false},
			mention: map[string]string{checkMCPUnauth: "HTTP 200"}},
		"401 without Bearer": {reason: "the challenge must name the Bearer scheme",
			edit: func(f *fakeVMCP) { f.challenge = `Basic realm="x"` },
			want: map[string]bool{checkOpenID: true, checkJWKS: true, checkResource: false, checkMCPUnauth: false}},
		"well-known fallback": {reason: "without resource_metadata the well-known path for /mcp is tried",
			edit: func(f *fakeVMCP) {
				f.challenge, f.metadataAt = "Bearer", "/.well-known/oauth-protected-resource/mcp"
			},
			want:    map[string]bool{checkOpenID: true, checkJWKS: true, checkResource: true, checkMCPUnauth: true},
			mention: map[string]string{checkResource: "/.well-known/oauth-protected-resource/mcp"}},
		"metadata without resource": {reason: "RFC 9728 requires the resource field",
			edit: func(f *fakeVMCP) { f.metadataNoField = true },
			want: map[string]bool{checkOpenID: true, checkJWKS: true, checkResource: false, checkMCPUnauth: true}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := good()
			if tc.edit != nil {
				tc.edit(f)
			}
			srv := httptest.NewServer(f)
			defer srv.Close()
			c := &checker{base: srv.URL, mcpPath: "/mcp", signingKey: pemOf(t, key), client: srv.Client()}
			results := c.run(context.Background())
			var names []string
			for _, r := range results {
				names = append(names, r.name)
				assert.Equal(t, tc.want[r.name], r.ok, "%s: %s", tc.reason, r)
				if m, ok := tc.mention[r.name]; ok {
					assert.Contains(t, r.detail, m, tc.reason)
				}
				prefix := "PASS " + r.name + ": "
				if !r.ok {
					prefix = "FAIL " + r.name + ": "
				}
				assert.True(t, strings.HasPrefix(r.String(), prefix), "the line the e2e suite parses: %s", r)
			}
			assert.Equal(t, []string{checkOpenID, checkJWKS, checkResource, checkMCPUnauth}, names, "report order")
		})
	}
}

func TestWaitReady(t *testing.T) {
	cases := map[string]struct {
		reason  string
		status  int
		exited  bool
		wantErr string
	}{
		"ready":        {reason: "200 is ready", status: 200},
		"never ready":  {reason: "503 until the timeout names the last answer", status: 503, wantErr: "HTTP 503"},
		"process gone": {reason: "a process that exited will never be ready", status: 503, exited: true, wantErr: "exited"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tc.status) }))
			defer srv.Close()
			exited := make(chan struct{})
			if tc.exited {
				close(exited)
			}
			err := waitReady(context.Background(), srv.URL+"/readyz", 600*time.Millisecond, exited)
			if tc.wantErr == "" {
				assert.NoError(t, err, tc.reason)
				return
			}
			require.Error(t, err, tc.reason)
			assert.Contains(t, err.Error(), tc.wantErr, tc.reason)
		})
	}
}
