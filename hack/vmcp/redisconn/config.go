package redisconn

import (
	"errors"
	"time"
)

// Timeouts used when a Config leaves the corresponding field at zero.
const (
	DefaultDialTimeout  = 5 * time.Second
	DefaultReadTimeout  = 3 * time.Second
	DefaultWriteTimeout = 3 * time.Second
)

// Config selects a Redis deployment and how to reach it. Set exactly one of
// Addr (standalone, or cluster with ClusterMode) and SentinelConfig.
type Config struct {
	Addr           string
	ClusterMode    bool
	SentinelConfig *SentinelConfig

	Username string
	Password string //nolint:gosec // a field name, not a secret
	DB       int    // not used in cluster mode

	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// TLS applies to data connections; SentinelTLS only to the Sentinels.
	TLS         *TLSConfig
	SentinelTLS *TLSConfig
}

// SentinelConfig names the master that a set of Sentinels monitor.
type SentinelConfig struct {
	MasterName    string
	SentinelAddrs []string
}

// TLSConfig carries PEM material. Without CACert the system roots are used.
type TLSConfig struct {
	InsecureSkipVerify bool
	CACert             []byte
	ClientCert         []byte
	ClientKey          []byte
}

// Validate reports the first inconsistency in c.
func (c *Config) Validate() error {
	switch {
	case c == nil:
		return errors.New("config is nil")
	case c.Addr != "" && c.SentinelConfig != nil:
		return errors.New("set either addr or sentinel configuration, not both")
	case c.Addr == "" && c.SentinelConfig == nil:
		return errors.New("addr or sentinel configuration is required")
	case c.ClusterMode && c.SentinelConfig != nil:
		return errors.New("cluster mode does not combine with sentinel configuration")
	}
	if s := c.SentinelConfig; s != nil {
		if s.MasterName == "" {
			return errors.New("sentinel master name is required")
		}
		if len(s.SentinelAddrs) == 0 {
			return errors.New("at least one sentinel address is required")
		}
	}
	if err := c.TLS.check(); err != nil {
		return errors.Join(errors.New("TLS config"), err)
	}
	if err := c.SentinelTLS.check(); err != nil {
		return errors.Join(errors.New("sentinel TLS config"), err)
	}
	return nil
}

func (t *TLSConfig) check() error {
	if t != nil && (len(t.ClientCert) == 0) != (len(t.ClientKey) == 0) {
		return errors.New("client certificate and key go together")
	}
	return nil
}

// withDefaults returns a copy of c with zero timeouts filled in, so the
// caller's value is never changed.
func (c *Config) withDefaults() Config {
	out := *c
	if out.DialTimeout == 0 {
		out.DialTimeout = DefaultDialTimeout
	}
	if out.ReadTimeout == 0 {
		out.ReadTimeout = DefaultReadTimeout
	}
	if out.WriteTimeout == 0 {
		out.WriteTimeout = DefaultWriteTimeout
	}
	return out
}
