package authserver

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/vmcp-render/vmcp-render/pkg/api/toolhive"
)

const (
	modeOwnerRead int32 = 0o400
	modeAllRead   int32 = 0o444
)

func int32Ptr(v int32) *int32 { return &v }

// Volumes returns the auth-server volumes and mounts in the operator's order
// (cmd/thv-operator/pkg/controllerutil/authserver.go), mounts following the
// volumes, and per volume the spec field it comes from. The error is the
// operator's malformed-caBundleRef error.
func Volumes(cfg *toolhive.EmbeddedAuthServerConfig) (vols []corev1.Volume, mounts []corev1.VolumeMount, fields []string, err error) {
	if cfg == nil {
		return nil, nil, nil, nil
	}
	add := func(field string, v corev1.Volume, m corev1.VolumeMount) {
		vols = append(vols, v)
		mounts = append(mounts, m)
		fields = append(fields, field)
	}
	const base = "spec.authServerConfig."

	// TLS listener: a projected directory, because kubelet refreshes
	// projected volumes but never subPath mounts.
	if l := cfg.TLSListener; l != nil && l.CertificateSecretRef != nil && l.PrivateKeySecretRef != nil {
		cert, key := l.CertificateSecretRef, l.PrivateKeySecretRef
		sources := []corev1.VolumeProjection{{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: cert.Name},
			Items:                []corev1.KeyToPath{{Key: cert.Key, Path: tlsCertFile}},
		}}}
		if cert.Name == key.Name {
			sources[0].Secret.Items = append(sources[0].Secret.Items, corev1.KeyToPath{Key: key.Key, Path: tlsKeyFile})
		} else {
			sources = append(sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: key.Name},
				Items:                []corev1.KeyToPath{{Key: key.Key, Path: tlsKeyFile}},
			}})
		}
		add(base+"tlsListener", corev1.Volume{
			Name: "authserver-tls-listener",
			VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
				Sources: sources, DefaultMode: int32Ptr(modeOwnerRead),
			}},
		}, corev1.VolumeMount{Name: "authserver-tls-listener", MountPath: tlsDir, ReadOnly: true})
	}

	// Signing keys and HMAC secrets, one subPath file each.
	for i, ref := range cfg.SigningKeySecretRefs {
		v, m := secretFileVolume(fmt.Sprintf("authserver-signing-key-%d", i), ref, keyFileName(i), keysDir)
		add(fmt.Sprintf(base+"signingKeySecretRefs[%d]", i), v, m)
	}
	for i, ref := range cfg.HmacSecretRefs {
		v, m := secretFileVolume(fmt.Sprintf("authserver-hmac-secret-%d", i), ref, hmacFileName(i), hmacDir)
		add(fmt.Sprintf(base+"hmacSecretRefs[%d]", i), v, m)
	}

	// SPIFFE trust bundles from ConfigMaps.
	for i, d := range cfg.SPIFFETrustDomains {
		f := d.BundleSource.File
		if f == nil {
			continue
		}
		name := fmt.Sprintf("authserver-spiffe-bundle-%d", i)
		add(fmt.Sprintf(base+"spiffeTrustDomains[%d].bundleSource.file", i), corev1.Volume{
			Name: name,
			VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: f.ConfigMapName},
				Items:                []corev1.KeyToPath{{Key: f.ConfigMapKey, Path: spiffeBundle}},
				DefaultMode:          int32Ptr(modeAllRead),
			}},
		}, corev1.VolumeMount{Name: name, MountPath: fmt.Sprintf("%s/%d", spiffeDir, i), ReadOnly: true})
	}

	// Redis CA certificates.
	if s := cfg.Storage; s != nil && s.Redis != nil {
		if t := s.Redis.TLS; t != nil && t.CACertSecretRef != nil {
			v, m := secretFileVolume("redis-tls-ca-master", *t.CACertSecretRef, caFileName, redisTLSDir)
			add(base+"storage.redis.tls.caCertSecretRef", v, m)
		}
		if t := s.Redis.SentinelTLS; t != nil && t.CACertSecretRef != nil {
			v, m := secretFileVolume("redis-tls-ca-sentinel", *t.CACertSecretRef, sentinelCAFile, redisTLSDir)
			add(base+"storage.redis.sentinelTls.caCertSecretRef", v, m)
		}
	}

	// CA bundles: upstream providers first, then trusted issuers.
	for i := range cfg.UpstreamProviders {
		ref := providerCABundle(&cfg.UpstreamProviders[i])
		if ref == nil {
			continue
		}
		v, m, err := caBundleVolume("upstreamProviders", i, ref, "authserver-upstream-ca-", upstreamCAPath(i))
		if err != nil {
			return nil, nil, nil, err
		}
		add(fmt.Sprintf(base+"upstreamProviders[%d]", i), v, m)
	}
	for i := range cfg.TrustedIssuers {
		ref := cfg.TrustedIssuers[i].CABundleRef
		if ref == nil {
			continue
		}
		v, m, err := caBundleVolume("trustedIssuers", i, ref, "authserver-issuer-ca-", issuerCAPath(i))
		if err != nil {
			return nil, nil, nil, err
		}
		add(fmt.Sprintf(base+"trustedIssuers[%d].caBundleRef", i), v, m)
	}
	return vols, mounts, fields, nil
}

func secretFileVolume(name string, ref toolhive.SecretKeyRef, file, dir string) (corev1.Volume, corev1.VolumeMount) {
	return corev1.Volume{
			Name: name,
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName:  ref.Name,
				Items:       []corev1.KeyToPath{{Key: ref.Key, Path: file}},
				DefaultMode: int32Ptr(modeOwnerRead),
			}},
		}, corev1.VolumeMount{
			Name: name, MountPath: dir + "/" + file, SubPath: file, ReadOnly: true,
		}
}

func caBundleVolume(field string, i int, ref *toolhive.CABundleSource, prefix, path string) (corev1.Volume, corev1.VolumeMount, error) {
	if ref.ConfigMapRef == nil || ref.ConfigMapRef.Name == "" {
		return corev1.Volume{}, corev1.VolumeMount{}, fmt.Errorf("%s[%d].caBundleRef.configMapRef.name is required", field, i)
	}
	name := fmt.Sprintf("%s%d", prefix, i)
	return corev1.Volume{
			Name: name,
			VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: ref.ConfigMapRef.Name},
				Items:                []corev1.KeyToPath{{Key: caKey(ref), Path: caFileName}},
			}},
		}, corev1.VolumeMount{
			Name: name, MountPath: path, SubPath: caFileName, ReadOnly: true,
		}, nil
}

func caKey(ref *toolhive.CABundleSource) string {
	if ref.ConfigMapRef != nil && ref.ConfigMapRef.Key != "" {
		return ref.ConfigMapRef.Key
	}
	return caFileName
}

// EnvVars returns the auth-server env vars in the operator's order
// (cmd/thv-operator/pkg/controllerutil/authserver.go), and per env var the
// spec field it comes from.
func EnvVars(cfg *toolhive.EmbeddedAuthServerConfig) (env []corev1.EnvVar, fields []string) {
	if cfg == nil {
		return nil, nil
	}
	add := func(field, name string, ref *toolhive.SecretKeyRef) {
		env = append(env, secretEnv(name, ref))
		fields = append(fields, field)
	}
	for i := range cfg.UpstreamProviders {
		p := &cfg.UpstreamProviders[i]
		sub := "oidcConfig"
		if p.Type == "oauth2" {
			sub = "oauth2Config"
		}
		field := fmt.Sprintf("spec.authServerConfig.upstreamProviders[%d].%s", i, sub)
		client, dcr := providerSecretRefs(p)
		if client != nil {
			add(field+".clientSecretRef", UpstreamClientSecretEnv(p.Name), client)
		}
		if dcr != nil {
			add(field+".dcrConfig.initialAccessTokenRef", UpstreamDCRTokenEnv(p.Name), dcr)
		}
	}
	delegates := "spec.authServerConfig.delegateClients"
	if cfg.InboundGrants != nil && cfg.InboundGrants.TokenExchange != nil {
		delegates = "spec.authServerConfig.inboundGrants.tokenExchange.delegateClients"
	}
	for i, c := range effectiveDelegateClients(cfg) {
		if c.ClientSecretRef != nil {
			add(fmt.Sprintf("%s[%d].clientSecretRef", delegates, i), DelegateClientSecretEnv(i), c.ClientSecretRef)
		}
	}
	if s := cfg.Storage; s != nil && s.Type == "redis" && s.Redis != nil && s.Redis.ACLUserConfig != nil {
		acl := s.Redis.ACLUserConfig
		const field = "spec.authServerConfig.storage.redis.aclUserConfig."
		if acl.UsernameSecretRef != nil {
			add(field+"usernameSecretRef", EnvRedisUsername, acl.UsernameSecretRef)
		}
		if acl.PasswordSecretRef != nil {
			add(field+"passwordSecretRef", EnvRedisPassword, acl.PasswordSecretRef)
		}
	}
	return env, fields
}

func secretEnv(name string, ref *toolhive.SecretKeyRef) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name},
		Key:                  ref.Key,
	}}}
}

// caRef is one CA bundle reference with the label the operator's messages use.
type caRef struct {
	label string // e.g. upstreamProviders[0] ("okta")
	field string // spec path of the caBundleRef
	ref   *toolhive.CABundleSource
}

func caRefs(cfg *toolhive.EmbeddedAuthServerConfig) (upstreams, issuers []caRef) {
	for i := range cfg.UpstreamProviders {
		p := &cfg.UpstreamProviders[i]
		if ref := providerCABundle(p); ref != nil {
			sub := "oidcConfig"
			if p.Type == "oauth2" {
				sub = "oauth2Config"
			}
			upstreams = append(upstreams, caRef{
				label: fmt.Sprintf("upstreamProviders[%d] (%q)", i, p.Name),
				field: fmt.Sprintf("spec.authServerConfig.upstreamProviders[%d].%s.caBundleRef", i, sub),
				ref:   ref,
			})
		}
	}
	for i := range cfg.TrustedIssuers {
		ti := &cfg.TrustedIssuers[i]
		if ti.CABundleRef != nil {
			issuers = append(issuers, caRef{
				label: fmt.Sprintf("trustedIssuers[%d] (%q)", i, ti.IssuerURL),
				field: fmt.Sprintf("spec.authServerConfig.trustedIssuers[%d].caBundleRef", i),
				ref:   ti.CABundleRef,
			})
		}
	}
	return upstreams, issuers
}

// refShapeError is the operator's CA bundle check on the reference itself.
func refShapeError(ref *toolhive.CABundleSource) error {
	switch {
	case ref.ConfigMapRef == nil:
		return errors.New("configMapRef must be specified in caBundleRef")
	case ref.ConfigMapRef.Name == "":
		return errors.New("configMapRef.name must be specified")
	case ref.ConfigMapRef.Optional != nil && *ref.ConfigMapRef.Optional:
		return errors.New("caBundleRef.configMapRef.optional must be false or omitted")
	}
	return nil
}

// CAChecksum computes the toolhive.stacklok.dev/authserver-ca-checksum pod
// annotation (cmd/thv-operator/controllers/virtualmcpserver_deployment.go):
// "" when no CA bundle is referenced. lookup returns
// data[key], else binaryData[key], of a ConfigMap in the CR's namespace.
// Bundles are PEM-validated; errors carry the operator's "invalid CA bundle"
// wording.
func CAChecksum(cfg *toolhive.EmbeddedAuthServerConfig, lookup func(configMapName, key string) ([]byte, bool)) (string, error) {
	if cfg == nil {
		return "", nil
	}
	upstreams, issuers := caRefs(cfg)
	if len(upstreams) == 0 && len(issuers) == 0 {
		return "", nil
	}
	h := sha256.New()
	write := func(r caRef) error {
		b, err := resolveBundle(r, lookup)
		if err != nil {
			return err
		}
		h.Write(b)
		h.Write([]byte{0})
		return nil
	}
	for _, r := range upstreams {
		if err := write(r); err != nil {
			return "", err
		}
	}
	if len(issuers) > 0 {
		h.Write([]byte("trustedIssuers\x00"))
	}
	for _, r := range issuers {
		if err := write(r); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func resolveBundle(r caRef, lookup func(string, string) ([]byte, bool)) ([]byte, error) {
	wrap := func(err error) error {
		return fmt.Errorf("invalid CA bundle: %s caBundleRef: %w", r.label, err)
	}
	if err := refShapeError(r.ref); err != nil {
		return nil, wrap(err)
	}
	cm, key := r.ref.ConfigMapRef.Name, caKey(r.ref)
	b, ok := lookup(cm, key)
	if !ok {
		return nil, wrap(fmt.Errorf("CA bundle ConfigMap %q does not contain key %q in data or binaryData", cm, key))
	}
	if err := ValidateCertificatePEM(b); err != nil {
		return nil, wrap(fmt.Errorf("CA bundle ConfigMap %q key %q is invalid: %w", cm, key, err))
	}
	return b, nil
}

// ValidateCertificatePEM requires one or more PEM CERTIFICATE blocks that
// parse as X.509 and nothing else but whitespace.
func ValidateCertificatePEM(data []byte) error {
	rest := bytes.TrimSpace(data)
	if len(rest) == 0 {
		return errors.New("certificate data is empty")
	}
	for len(rest) > 0 {
		block, next := pem.Decode(rest)
		if block == nil {
			return errors.New("contains non-PEM certificate data")
		}
		if block.Type != "CERTIFICATE" {
			return fmt.Errorf("contains PEM block of type %q, expected CERTIFICATE", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("contains an invalid certificate: %w", err)
		}
		rest = bytes.TrimSpace(next)
	}
	return nil
}
