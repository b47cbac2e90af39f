package redisconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// NewClient validates cfg, builds the client for its mode and pings the
// server. A client whose PING fails is closed and not returned.
func NewClient(ctx context.Context, cfg *Config) (goredis.UniversalClient, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("redis: invalid configuration: %w", err)
	}
	c := cfg.withDefaults()
	client, err := newUniversal(&c)
	if err != nil {
		return nil, err
	}
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redis: failed to connect: %w", err)
	}
	return client, nil
}

// BuildTLSConfig turns cfg into a crypto/tls configuration with TLS 1.2 as
// the floor. A nil cfg means plaintext and yields nil.
func BuildTLSConfig(cfg *TLSConfig) (*tls.Config, error) {
	if cfg == nil {
		return nil, nil
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("redis: invalid TLS configuration: %w", err)
	}
	out := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // the caller asked for it
	}
	if len(cfg.CACert) > 0 {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(cfg.CACert) {
			return nil, errors.New("redis: CA bundle holds no PEM certificate")
		}
		out.RootCAs = roots
	}
	if len(cfg.ClientCert) > 0 {
		pair, err := tls.X509KeyPair(cfg.ClientCert, cfg.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("redis: client certificate and key: %w", err)
		}
		out.Certificates = []tls.Certificate{pair}
	}
	return out, nil
}

func newUniversal(c *Config) (goredis.UniversalClient, error) {
	data, err := BuildTLSConfig(c.TLS)
	if err != nil {
		return nil, err
	}
	switch {
	case c.SentinelConfig != nil:
		sentinel, err := BuildTLSConfig(c.SentinelTLS)
		if err != nil {
			return nil, err
		}
		opts := &goredis.FailoverOptions{
			MasterName:    c.SentinelConfig.MasterName,
			SentinelAddrs: c.SentinelConfig.SentinelAddrs,
			Username:      c.Username,
			Password:      c.Password,
			DB:            c.DB,
			DialTimeout:   c.DialTimeout,
			ReadTimeout:   c.ReadTimeout,
			WriteTimeout:  c.WriteTimeout,
		}
		// FailoverOptions has one TLSConfig for Sentinels and data nodes
		// alike; a dialer that knows the Sentinel addresses keeps them apart.
		if data != nil || sentinel != nil {
			opts.Dialer = splitTLSDialer(c.SentinelConfig.SentinelAddrs, sentinel, data, c.DialTimeout)
		}
		return goredis.NewFailoverClient(opts), nil
	case c.ClusterMode:
		return goredis.NewClusterClient(&goredis.ClusterOptions{
			Addrs:        []string{c.Addr},
			Username:     c.Username,
			Password:     c.Password,
			DialTimeout:  c.DialTimeout,
			ReadTimeout:  c.ReadTimeout,
			WriteTimeout: c.WriteTimeout,
			TLSConfig:    data,
		}), nil
	default:
		return goredis.NewClient(&goredis.Options{
			Addr:         c.Addr,
			Username:     c.Username,
			Password:     c.Password,
			DB:           c.DB,
			DialTimeout:  c.DialTimeout,
			ReadTimeout:  c.ReadTimeout,
			WriteTimeout: c.WriteTimeout,
			TLSConfig:    data,
		}), nil
	}
}

// splitTLSDialer dials Sentinel addresses with sentinelTLS and everything
// else (the master and replicas they announce) with dataTLS; nil means TCP.
func splitTLSDialer(sentinels []string, sentinelTLS, dataTLS *tls.Config, timeout time.Duration,
) func(context.Context, string, string) (net.Conn, error) {
	isSentinel := make(map[string]bool, len(sentinels))
	for _, a := range sentinels {
		isSentinel[a] = true
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		cfg := dataTLS
		if isSentinel[addr] {
			cfg = sentinelTLS
		}
		base := &net.Dialer{Timeout: timeout}
		if cfg == nil {
			return base.DialContext(ctx, network, addr)
		}
		return (&tls.Dialer{NetDialer: base, Config: cfg}).DialContext(ctx, network, addr)
	}
}
