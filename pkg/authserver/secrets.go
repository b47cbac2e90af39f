package authserver

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
	"github.com/vmcp-render/vmcp-render/pkg/results"
)

// minHMACSecretLength is the size below which the auth server refuses to start.
const minHMACSecretLength = 32

// CheckSecretMaterial holds checks the operator does not run: it inspects
// the referenced Secrets (when the caller has them) for material the auth
// server would reject at start. Absent Secrets or keys yield nothing here;
// the caller reports those. Messages never contain secret bytes.
func CheckSecretMaterial(cfg *toolhive.EmbeddedAuthServerConfig, lookupSecret func(name, key string) ([]byte, bool)) []results.Finding {
	if cfg == nil || lookupSecret == nil {
		return nil
	}
	var out []results.Finding
	for i, ref := range cfg.HmacSecretRefs {
		v, ok := lookupSecret(ref.Name, ref.Key)
		if !ok {
			continue
		}
		// Trailing newlines from `kubectl create secret --from-file` do not count.
		if n := len(bytes.TrimSpace(v)); n < minHMACSecretLength {
			out = append(out, results.Finding{Severity: results.Error, Rule: results.HMACSecretTooShort,
				Field:  fmt.Sprintf("spec.authServerConfig.hmacSecretRefs[%d]", i),
				Reason: ReasonHMACSecretTooShort,
				Message: fmt.Sprintf("HMAC secret %s/%s is %d bytes; the embedded auth server requires at least %d bytes and will not start",
					ref.Name, ref.Key, n, minHMACSecretLength)})
		}
	}
	for i, ref := range cfg.SigningKeySecretRefs {
		v, ok := lookupSecret(ref.Name, ref.Key)
		if !ok {
			continue
		}
		if err := checkPrivateKeyPEM(v); err != nil {
			out = append(out, results.Finding{Severity: results.Warning, Rule: results.SigningKeyNotPrivateKey,
				Field:  fmt.Sprintf("spec.authServerConfig.signingKeySecretRefs[%d]", i),
				Reason: ReasonSigningKeyNotPrivateKey,
				Message: fmt.Sprintf("signing key %s/%s is not a PEM-encoded RSA, EC or PKCS#8 private key (%v); "+
					"the embedded auth server will fail to load it", ref.Name, ref.Key, err)})
		}
	}
	return out
}

// checkPrivateKeyPEM reports why data is not a usable private key. Its
// messages name block types and parser errors only, never key material.
func checkPrivateKeyPEM(data []byte) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return errors.New("no PEM block found")
	}
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		_, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		_, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		_, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return fmt.Errorf("PEM block type %q is not a private key", block.Type)
	}
	if err != nil {
		return fmt.Errorf("%s block does not parse", block.Type)
	}
	return nil
}
