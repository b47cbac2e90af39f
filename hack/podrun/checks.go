package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// The checks, in the order they are reported.
const (
	checkOpenID    = "openid-configuration"
	checkJWKS      = "jwks"
	checkResource  = "oauth-protected-resource"
	checkMCPUnauth = "mcp-unauthenticated"
)

type checkResult struct {
	name   string
	ok     bool
	detail string
}

func (r checkResult) String() string {
	verdict := "PASS"
	if !r.ok {
		verdict = "FAIL"
	}
	return fmt.Sprintf("%s %s: %s", verdict, r.name, r.detail)
}

// checker asks a running vMCP what a client would: the auth server's
// discovery document and keys, the protected-resource metadata, and
// whether /mcp refuses a caller without a token.
type checker struct {
	base       string // http://127.0.0.1:PORT
	mcpPath    string
	signingKey []byte // PEM private key the JWKS must publish; nil: any key will do
	client     *http.Client
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (c *checker) do(ctx context.Context, method, p string, body string, header map[string]string) (reply, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+p, rd)
	if err != nil {
		return reply{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return reply{resp.StatusCode, resp.Header, b}, err
}

// localPath keeps the path and query of a URL the server advertises under
// its public name, to ask the local listener instead.
func localPath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, nil
}

// run performs the four checks. The MCP request goes before the
// protected-resource lookup because its challenge names the metadata URL.
func (c *checker) run(ctx context.Context) []checkResult {
	discovery, jwksURI := c.checkDiscovery(ctx)
	keys := c.checkJWKS(ctx, jwksURI)
	mcp, metadataURL := c.checkMCP(ctx)
	resource := c.checkResourceMetadata(ctx, metadataURL)
	return []checkResult{discovery, keys, resource, mcp}
}

func (c *checker) checkDiscovery(ctx context.Context) (checkResult, string) {
	const p = "/.well-known/openid-configuration"
	r, err := c.do(ctx, http.MethodGet, p, "", nil)
	if err != nil {
		return checkResult{checkOpenID, false, fmt.Sprintf("GET %s: %v", p, err)}, ""
	}
	if r.status != http.StatusOK {
		return checkResult{checkOpenID, false, fmt.Sprintf("GET %s: HTTP %d %s", p, r.status, short(r.body))}, ""
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		return checkResult{checkOpenID, false, fmt.Sprintf("GET %s: HTTP 200 but not JSON: %v", p, err)}, ""
	}
	if doc.JWKSURI == "" {
		return checkResult{checkOpenID, false, fmt.Sprintf("GET %s: HTTP 200 but no jwks_uri (issuer %q)", p, doc.Issuer)}, ""
	}
	return checkResult{checkOpenID, true, fmt.Sprintf("GET %s: HTTP 200, issuer %s, jwks_uri %s", p, doc.Issuer, doc.JWKSURI)}, doc.JWKSURI
}

func (c *checker) checkJWKS(ctx context.Context, jwksURI string) checkResult {
	if jwksURI == "" {
		return checkResult{checkJWKS, false, "not checked: discovery gave no jwks_uri"}
	}
	p, err := localPath(jwksURI)
	if err != nil {
		return checkResult{checkJWKS, false, fmt.Sprintf("jwks_uri %q: %v", jwksURI, err)}
	}
	r, err := c.do(ctx, http.MethodGet, p, "", nil)
	if err != nil {
		return checkResult{checkJWKS, false, fmt.Sprintf("GET %s: %v", p, err)}
	}
	if r.status != http.StatusOK {
		return checkResult{checkJWKS, false, fmt.Sprintf("GET %s: HTTP %d %s", p, r.status, short(r.body))}
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(r.body, &set); err != nil {
		return checkResult{checkJWKS, false, fmt.Sprintf("GET %s: HTTP 200 but not a JWK set: %v", p, err)}
	}
	if len(set.Keys) == 0 {
		return checkResult{checkJWKS, false, fmt.Sprintf("GET %s: HTTP 200 but the set holds no key", p)}
	}
	detail := fmt.Sprintf("GET %s: HTTP 200, %d key(s)", p, len(set.Keys))
	if c.signingKey == nil {
		return checkResult{checkJWKS, true, detail}
	}
	kid, err := findKey(set.Keys, c.signingKey)
	if err != nil {
		return checkResult{checkJWKS, false, detail + "; the mounted signing key: " + err.Error()}
	}
	return checkResult{checkJWKS, true, fmt.Sprintf("%s, kid %s is the mounted signing key", detail, kid)}
}

var resourceMetadataParam = regexp.MustCompile(`resource_metadata="([^"]*)"`)

func (c *checker) checkMCP(ctx context.Context) (checkResult, string) {
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"podrun","version":"0"}}}`
	r, err := c.do(ctx, http.MethodPost, c.mcpPath, initialize, map[string]string{
		"Content-Type": "application/json",
		"Accept":       "application/json, text/event-stream",
	})
	if err != nil {
		return checkResult{checkMCPUnauth, false, fmt.Sprintf("POST %s: %v", c.mcpPath, err)}, ""
	}
	challenge := r.header.Get("WWW-Authenticate")
	metadata := ""
	if m := resourceMetadataParam.FindStringSubmatch(challenge); m != nil {
		metadata = m[1]
	}
	scheme, _, _ := strings.Cut(challenge, " ")
	ok := r.status == http.StatusUnauthorized && strings.EqualFold(scheme, "Bearer")
	detail := fmt.Sprintf("POST %s without a token: HTTP %d, WWW-Authenticate %q", c.mcpPath, r.status, challenge)
	if !ok {
		detail += "; want 401 with a Bearer challenge; body " + short(r.body)
	}
	return checkResult{checkMCPUnauth, ok, detail}, metadata
}

// checkResourceMetadata fetches the RFC 9728 document: where the challenge
// points, else at the well-known paths for the MCP endpoint.
func (c *checker) checkResourceMetadata(ctx context.Context, advertised string) checkResult {
	var candidates []string
	if advertised != "" {
		if p, err := localPath(advertised); err == nil {
			candidates = append(candidates, p)
		}
	}
	candidates = append(candidates,
		"/.well-known/oauth-protected-resource"+c.mcpPath,
		"/.well-known/oauth-protected-resource")
	var tried []string
	seen := map[string]bool{}
	for _, p := range candidates {
		if seen[p] {
			continue
		}
		seen[p] = true
		r, err := c.do(ctx, http.MethodGet, p, "", nil)
		if err != nil {
			tried = append(tried, fmt.Sprintf("GET %s: %v", p, err))
			continue
		}
		if r.status != http.StatusOK {
			tried = append(tried, fmt.Sprintf("GET %s: HTTP %d", p, r.status))
			continue
		}
		var doc struct {
			Resource             string   `json:"resource"`
			AuthorizationServers []string `json:"authorization_servers"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil || doc.Resource == "" {
			tried = append(tried, fmt.Sprintf("GET %s: HTTP 200 but no resource field: %s", p, short(r.body)))
			continue
		}
		return checkResult{checkResource, true, fmt.Sprintf("GET %s: HTTP 200, resource %s, authorization_servers %v", p, doc.Resource, doc.AuthorizationServers)}
	}
	return checkResult{checkResource, false, strings.Join(tried, "; ")}
}

func short(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// findKey returns the kid of the JWK whose public key belongs to the PEM
// private key.
func findKey(keys []map[string]any, privPEM []byte) (string, error) {
	pub, err := publicOf(privPEM)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		jk, err := jwkPublic(k)
		if err != nil {
			continue
		}
		if pub.Equal(jk) {
			kid, _ := k["kid"].(string)
			return kid, nil
		}
	}
	return "", errors.New("not in the JWKS")
}

func publicOf(privPEM []byte) (interface{ Equal(crypto.PublicKey) bool }, error) {
	blk, _ := pem.Decode(privPEM)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	var key any
	var err error
	switch blk.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	}
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T cannot sign", key)
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, fmt.Errorf("cannot compare a %T", signer.Public())
	}
	return pub, nil
}

// jwkPublic decodes the public part of an EC, RSA or Ed25519 JWK.
func jwkPublic(k map[string]any) (crypto.PublicKey, error) {
	field := func(name string) ([]byte, error) {
		s, _ := k[name].(string)
		if s == "" {
			return nil, fmt.Errorf("no %s", name)
		}
		return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	switch k["kty"] {
	case "EC":
		curves := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}
		crv, _ := k["crv"].(string) // any JSON value: a list or object must not panic the lookup
		curve, ok := curves[crv]
		if !ok {
			return nil, fmt.Errorf("curve %v", k["crv"])
		}
		x, err := field("x")
		if err != nil {
			return nil, err
		}
		y, err := field("y")
		if err != nil {
			return nil, err
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) > size || len(y) > size {
			return nil, errors.New("coordinate too long")
		}
		point := make([]byte, 1+2*size)
		point[0] = 4 // uncompressed
		copy(point[1+size-len(x):1+size], x)
		copy(point[1+2*size-len(y):], y)
		return ecdsa.ParseUncompressedPublicKey(curve, point)
	case "RSA":
		n, err := field("n")
		if err != nil {
			return nil, err
		}
		e, err := field("e")
		if err != nil {
			return nil, err
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case "OKP":
		if k["crv"] != "Ed25519" {
			return nil, fmt.Errorf("curve %v", k["crv"])
		}
		x, err := field("x")
		if err != nil {
			return nil, err
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("key type %v", k["kty"])
}

// waitReady polls url until it answers 200, the process ends (exited is
// closed) or the timeout passes, like a readiness probe.
func waitReady(ctx context.Context, url string, timeout time.Duration, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	last := "no answer yet"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d %s", resp.StatusCode, short(body))
		} else {
			last = err.Error()
		}
		select {
		case <-exited:
			return errors.New("vMCP exited before it became ready")
		case <-deadline.C:
			return fmt.Errorf("not ready after %s (last answer: %s)", timeout, last)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
